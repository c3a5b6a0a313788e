"""``reportgen accept-template``: one entry per open guest cluster and tied guest outside one, refused by the
audit until filled in, and, once filled in, accepting what it names."""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from pathlib import Path

import pytest

from reportgen.accept_template import a_year_after, literal
from tests.conftest import SAMPLES
from tests.rvtools_files import small_estate, write_xlsx

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"


def fill(text: str) -> str:
    for key, value in (("reason", "kept on purpose"), ("owner", "ops"), ("approved_by", "CAB")):
        text = text.replace(f'\n{key} = ""', f'\n{key} = "{value}"')
    return text


@pytest.fixture(scope="module")
def sample_json(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import main

    out = tmp_path_factory.mktemp("template") / "findings.json"
    assert main(["audit", str(SAMPLE), "--json", str(out), "-q"]) == 0
    return out


def test_one_entry_per_open_guest_cluster_and_tied_guest(cli, sample_json: Path, tmp_path: Path) -> None:
    result = cli(["accept-template", sample_json])
    assert result.code == 0, result.stderr
    document = json.loads(sample_json.read_text())
    entries = tomllib.loads(result.stdout)["accept"]
    clusters = [e for e in entries if "guests" in e]
    assert sorted(map(sorted, (e["guests"] for e in clusters))) == \
        sorted(sorted(g["name"] for g in c["guests"]) for c in document["faux_clusters"])
    in_clusters = {g["key"] for c in document["faux_clusters"] for g in c["guests"]}
    tied = {g["key"] for h in document["hosts"] for g in (*h["pinned_guests"], *h["pinned_at_next_power_on"])}
    identity = {g["key"]: f"uuid:{g['uuid']}" for h in document["hosts"]
                for g in (*h["pinned_guests"], *h["pinned_at_next_power_on"])}
    assert sorted(k for e in entries if "guest" in e for k in e["ids"]) == \
        sorted(identity[k] for k in tied - in_clusters)
    members = {g["name"]: f"uuid:{g['uuid']}" for c in document["faux_clusters"] for g in c["guests"]}
    assert all(e["ids"] == [members[n] for n in e["guests"]] for e in clusters)
    assert all(e["reason"] == e["owner"] == e["approved_by"] == "" for e in entries)
    # the sample was exported on 2025-06-02: more than a year ago, so a year from today, never already past
    assert {e["expires"] for e in entries} == {a_year_after(dt.datetime.now(dt.UTC).date())}
    assert "# GC-001 " in result.stdout and "owner in the export: team-dba" in result.stdout


def test_the_audit_refuses_it_until_filled_in_then_everything_tied_is_accepted(cli, sample_json: Path,
                                                                               tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    assert cli(["accept-template", sample_json, "-o", accept]).code == 0
    args = ["audit", SAMPLE, "--json", tmp_path / "f.json", "--accept", accept, "--fail-on", "low"]
    refused = cli(args)
    line = accept.read_text().splitlines().index("[[accept]]") + 1
    assert refused.code == 2 and f"entry 1 (line {line}: guests = [" in refused.stderr and "key 'reason' is empty" \
        in refused.stderr
    accept.write_text(fill(accept.read_text()))
    result = cli(args)
    assert result.code == 0, result.stderr
    document = json.loads((tmp_path / "f.json").read_text())
    assert {a["status"] for a in document["acceptances"]} == {"active"}
    assert all(f["accepted"] for f in document["findings"] if f["timing"] != "hygiene")
    assert all(c["accepted"] for c in document["faux_clusters"])
    again = cli(["accept-template", tmp_path / "f.json"])  # nothing is open any more
    assert "[[accept]]" not in again.stdout and "Nothing is open" in again.stdout


def test_a_renamed_guest_keeps_its_template_entry(cli, tmp_path: Path) -> None:
    first = write_xlsx(small_estate(), tmp_path / "q1.xlsx")
    assert cli(["audit", first, "--json", tmp_path / "q1.json", "-q"]).code == 0
    accept = tmp_path / "accept.toml"
    assert cli(["accept-template", tmp_path / "q1.json", "-o", accept]).code == 0
    accept.write_text(fill(accept.read_text()))
    estate = small_estate()
    estate.guests[2].name = "fs01-renamed"
    second = write_xlsx(estate, tmp_path / "q2.xlsx")
    result = cli(["audit", second, "--json", tmp_path / "q2.json", "--accept", accept, "--fail-on", "low"])
    assert result.code == 0, result.stderr
    document = json.loads((tmp_path / "q2.json").read_text())
    renamed = [r for a in document["acceptances"] for r in a["renamed"]]
    assert renamed == [{"old": "fs01", "new": "fs01-renamed"}]


def test_it_refuses_to_overwrite_and_names_a_bad_input(cli, sample_json: Path, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text("# signed off\n")
    result = cli(["accept-template", sample_json, "-o", accept])
    assert result.code == 2 and "already exists" in result.stderr and accept.read_text() == "# signed off\n"
    assert cli(["accept-template", sample_json, "-o", accept, "--force"]).code == 0
    bad = tmp_path / "bad.json"
    bad.write_text('{"hello": 1}')
    result = cli(["accept-template", bad])
    assert result.code == 3 and "not a findings JSON of schema_version 1" in result.stderr
    assert cli(["accept-template", tmp_path / "none.json"]).code == 3


def test_names_are_written_as_literal_patterns() -> None:
    assert literal("web[1]*?") == "web[[]1][*][?]"
    assert a_year_after(dt.date(2028, 2, 29)) == dt.date(2029, 2, 28)


def test_findings_that_tie_no_host_on_their_own_are_drafted_too(cli, tmp_path: Path) -> None:
    """A Hyper-V estate with findings on guests that tie no host alone, and one on a host: filled in as
    drafted, the file accepts every finding --fail-on counts."""
    export = SAMPLES / "hyperv" / "hyperv-3node.zip"
    plain = tmp_path / "plain.json"
    assert cli(["audit", export, "--json", plain, "-q", "--fail-on", "info"]).code == 1
    result = cli(["accept-template", plain])
    entries = tomllib.loads(result.stdout)["accept"]
    document = json.loads(plain.read_text())
    pinned = {g["name"] for h in document["hosts"] for g in (*h["pinned_guests"], *h["pinned_at_next_power_on"])}
    loose = {f["guest"]["name"] for f in document["findings"]
             if f["guest"] and f["timing"] != "hygiene" and f["guest"]["name"] not in pinned
             and not any(f["guest"]["key"] in {g["key"] for g in c["guests"]} for c in document["faux_clusters"])}
    assert loose and loose <= {e["guest"] for e in entries if "guest" in e}
    assert {"host": "HV03", "rule": "HYV-18"} in [{k: e[k] for k in ("host", "rule")} for e in entries if "host" in e]
    assert "ties no host on its own; open findings HYV-03 (up to high)" in result.stdout
    accept = tmp_path / "accept.toml"
    accept.write_text(fill(result.stdout))
    filled = cli(["audit", export, "--json", tmp_path / "f.json", "--accept", accept, "--fail-on", "info"])
    assert filled.code == 0, filled.stderr
    assert "Nothing is open" in cli(["accept-template", tmp_path / "f.json"]).stdout


def test_a_finding_naming_no_guest_or_host_is_drafted_by_its_rule_with_a_warning() -> None:
    from reportgen.accept_template import template

    document = {"schema_version": 1, "generated_at": "2026-01-10T09:00:00+00:00", "faux_clusters": [],
                "hosts": [], "estate": {"sources": []},
                "findings": [{"rule": "VMW-24", "severity": "medium", "guest": None, "host": None, "timing": "now",
                              "accepted": None, "evidence": "vCluster 'C1': DRS enabled = False"}]}
    text = template(document, today=dt.date(2026, 1, 10))
    assert "# VMW-24 (medium): vCluster 'C1': DRS enabled = False" in text
    assert "accepts the rule wherever it occurs" in text
    (entry,) = tomllib.loads(text)["accept"]
    assert entry["rule"] == "VMW-24" and "ids" not in entry and entry["expires"] == dt.date(2027, 1, 10)


def _dated(exported: str) -> dict[str, object]:
    return {"schema_version": 1, "generated_at": "2026-12-07T03:00:00+00:00", "faux_clusters": [], "hosts": [],
            "estate": {"sources": [{"exported_at": exported}]},
            "findings": [{"rule": "VMW-24", "severity": "medium", "guest": None, "host": None, "timing": "now",
                          "accepted": None, "evidence": "vCluster 'C1': DRS enabled = False"}]}


def test_an_old_export_drafts_expiries_a_year_from_today_and_says_why() -> None:
    """Before: the expiry was a year after the export, so an export 586 days old drafted entries already expired
    on the day they were signed, and the first audit of a current export failed on every one."""
    from reportgen.accept_template import template

    text = template(_dated("2025-04-30T10:00:00"), today=dt.date(2026, 12, 7))  # type: ignore[arg-type]
    assert tomllib.loads(text)["accept"][0]["expires"] == dt.date(2027, 12, 7)
    assert "# (export of 2025-04-30)." in text
    assert "# The export is 586 days old: the expiries are drafted one year from today, 2026-12-07," in text


def test_a_current_export_drafts_expiries_a_year_after_the_export() -> None:
    from reportgen.accept_template import template

    text = template(_dated("2026-12-01T10:00:00"), today=dt.date(2026, 12, 7))  # type: ignore[arg-type]
    assert tomllib.loads(text)["accept"][0]["expires"] == dt.date(2027, 12, 7)
    text = template(_dated("2026-12-07T10:00:00"), today=dt.date(2026, 12, 1))  # type: ignore[arg-type]
    assert tomllib.loads(text)["accept"][0]["expires"] == dt.date(2027, 12, 7)
    assert "days old" not in text


def test_the_cli_never_drafts_an_expiry_already_past(cli, sample_json: Path) -> None:
    result = cli(["accept-template", sample_json])
    today = dt.datetime.now(dt.UTC).date()
    assert all(e["expires"] > today for e in tomllib.loads(result.stdout)["accept"])
    assert f"the expiries are drafted one year from today, {today}" in result.stdout

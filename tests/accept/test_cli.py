"""``--accept`` on the command line: --fail-on counts open findings only, malformed files exit 2, the JSON
carries ``accepted`` and ``acceptances`` and passes the schema and the contract checker, and the sample estate
checks of issue 16."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reportgen.schemas import findings_schema
from tests.conftest import CHECKER, SAMPLES
from tests.rvtools_files import small_estate, write_xlsx

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
SIGN_OFF = 'reason = "accepted risk"\nowner = "ops"\napproved_by = "CAB"\nexpires = {expires}\n'


def accept_file(path: Path, *entries: str, expires: str = "2099-12-31") -> Path:
    path.write_text("".join(f"[[accept]]\n{e}\n{SIGN_OFF.format(expires=expires)}\n" for e in entries))
    return path


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(small_estate(), tmp_path_factory.mktemp("cli") / "vc.xlsx")


def test_fail_on_without_acceptances_counts_every_finding(cli, book: Path, tmp_path: Path) -> None:
    assert cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--fail-on", "critical"]).code == 1
    assert cli(["audit", book, "--json", tmp_path / "f.json", "-q"]).code == 0


def test_fail_on_counts_only_open_findings(cli, book: Path, tmp_path: Path) -> None:
    sql = accept_file(tmp_path / "sql.toml", 'guests = ["sql01", "sql02"]')
    # sql01/sql02 carry the critical findings; fs01/fs02 high ones stay open.
    args = ["audit", book, "--json", tmp_path / "f.json", "-q", "--accept", sql]
    assert cli([*args, "--fail-on", "critical"]).code == 0
    assert cli([*args, "--fail-on", "high"]).code == 1
    everything = accept_file(tmp_path / "all.toml", 'guest = "*"')
    assert cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--accept", everything,
                "--fail-on", "info"]).code == 0


def test_an_expired_acceptance_no_longer_gates(cli, book: Path, tmp_path: Path) -> None:
    sql = accept_file(tmp_path / "sql.toml", 'guests = ["sql01", "sql02"]', expires="2026-06-30")
    args = ["audit", book, "--json", tmp_path / "f.json", "--accept", sql, "--fail-on", "critical"]
    assert cli(args).code == 0  # the export is of 2026-03-01: due, still in force
    late = cli([*args, "--as-of", "2026-07-01"])
    assert late.code == 1
    assert "entry 1 (line 1: guests sql01, sql02) expired on 2026-06-30" in late.stderr
    document = json.loads((tmp_path / "f.json").read_text())
    assert [(a["status"], a["matched"]) for a in document["acceptances"]] == [("expired", 7)]
    assert document["acceptances_as_of"] == "2026-07-01"
    assert all(f["accepted"] is None for f in document["findings"])


@pytest.mark.parametrize(("body", "message"), [
    ('guest = "sql01"\nreason = "r"\nowner = "o"\nexpires = 2027-01-01\n',
     "entry 1 (line 1: guest = \"sql01\"): key 'approved_by' is missing"),
    ('guest = "sql01"\nreason = "r"\nowner = "o"\napproved_by = "a"\nexpires = "soon"\n',
     "entry 1 (line 1: guest = \"sql01\"): key 'expires' must be a TOML date"),
])
def test_a_malformed_accept_file_exits_2_naming_entry_and_key(cli, book: Path, tmp_path: Path, body: str,
                                                               message: str) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("[[accept]]\n" + body)
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--accept", bad])
    assert result.code == 2
    assert f"reportgen: config error: {bad}: {message}" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_missing_accept_file_and_bad_as_of_are_usage_errors(cli, book: Path, tmp_path: Path) -> None:
    missing = cli(["audit", book, "--json", tmp_path / "f.json", "--accept", tmp_path / "none.toml"])
    assert missing.code == 2 and "no such accept file" in missing.stderr
    bad_day = cli(["audit", book, "--json", tmp_path / "f.json", "--as-of", "31/12/2026"])
    assert bad_day.code == 2 and "is not a date such as 2027-03-31" in bad_day.stderr


def test_the_configuration_names_the_accept_file_relative_to_itself(cli, book: Path, tmp_path: Path) -> None:
    folder = tmp_path / "conf"
    folder.mkdir()
    accept_file(folder / "accept.toml", 'guests = ["sql01", "sql02"]')
    (folder / "audit.toml").write_text('[report]\naccept = "accept.toml"\n')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--config", folder / "audit.toml",
                  "--fail-on", "critical"])
    assert result.code == 0, result.stderr
    assert "6 findings accepted" in result.stderr


def test_json_carries_accepted_and_acceptances_and_passes_schema_and_checker(cli, book: Path, tmp_path: Path) -> None:
    accept = accept_file(tmp_path / "a.toml", 'guests = ["sql01", "sql02"]\nticket = "CHG-7"', 'guest = "gone*"')
    out = tmp_path / "f.json"
    assert cli(["audit", book, "--json", out, "-q", "--accept", accept]).code == 0
    document = json.loads(out.read_text())
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
    sql = {"entry": 1, "owner": "ops", "approved_by": "CAB", "reason": "accepted risk", "ticket": "CHG-7",
           "expires": "2099-12-31", "matched_by": [1]}
    by_cluster = {c["name"]: c["accepted"] for c in document["faux_clusters"]}
    assert by_cluster == {"sql (2 nodes)": sql, "fs01 + fs02": None}
    marks = {(f["guest"]["name"], f["accepted"] is not None) for f in document["findings"]}
    assert marks == {("sql01", True), ("sql02", True), ("fs01", False), ("fs02", False)}
    assert [(a["what"], a["status"], a["matched"], a["matched_findings"]) for a in document["acceptances"]] == \
        [("guests sql01, sql02", "active", 7, 6), ("guest gone*", "stale", 0, 0)]
    without = tmp_path / "g.json"
    assert cli(["audit", book, "--json", without, "-q"]).code == 0
    plain = json.loads(without.read_text())
    jsonschema.Draft202012Validator(findings_schema()).validate(plain)
    assert plain["acceptances"] == [] and all(f["accepted"] is None for f in plain["findings"])


def test_sample_estate_accept_everything_then_expired_then_stale(cli, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    base = ["audit", SAMPLE, "--json", out, "-q", "--fail-on", "critical"]
    assert cli(base).code == 1
    everything = accept_file(tmp_path / "all.toml", 'guest = "*"\nrule = "*"')
    assert cli([*base, "--accept", everything]).code == 0
    document = json.loads(out.read_text())
    assert document["acceptances"][0]["status"] == "active"
    assert all(f["accepted"] for f in document["findings"] if f["timing"] != "hygiene" and f["guest"])
    expired = accept_file(tmp_path / "old.toml", 'guest = "*"\nrule = "*"', expires="2020-01-01")
    assert cli([*base, "--accept", expired]).code == 1
    assert json.loads(out.read_text())["acceptances"][0]["status"] == "expired"
    ghost = accept_file(tmp_path / "ghost.toml", 'guest = "no-such-guest-anywhere"')
    cli([*base, "--accept", ghost])
    assert [a["status"] for a in json.loads(out.read_text())["acceptances"]] == ["stale"]


def test_the_shipped_sample_accept_file_has_every_kind_of_entry_and_status(cli, tmp_path: Path) -> None:
    import tomllib

    entries = tomllib.loads((SAMPLES / "accept.toml").read_text())["accept"]
    for key in ("guests", "ids", "guest", "host", "cluster", "rule", "cause", "ticket"):
        assert any(key in e for e in entries), key
    out = tmp_path / "f.json"
    result = cli(["audit", SAMPLE, "--json", out, "--accept", SAMPLES / "accept.toml"])
    assert result.code == 0, result.stderr
    acceptances = json.loads(out.read_text())["acceptances"]
    assert [a["status"] for a in acceptances] == ["active", "due", "active", "active", "active", "active",
                                                  "expired", "stale"]
    assert all(a["matched"] for a in acceptances[:-1])
    assert acceptances[0]["matched_guest_clusters"] == 1  # by identity: a guest key and a VM UUID


def test_compare_and_history_see_acceptances_change_status(cli, book: Path, tmp_path: Path) -> None:
    accept = accept_file(tmp_path / "a.toml", 'guests = ["sql01", "sql02"]', expires="2026-06-30")
    before, after = tmp_path / "q1.json", tmp_path / "q2.json"
    args = ["audit", book, "--accept", accept, "-q", "--history", tmp_path / "history"]
    assert cli([*args, "--json", before]).code == 0
    (snapshot,) = (tmp_path / "history").iterdir()
    assert json.loads(snapshot.read_text())["acceptances"] == [
        {"what": "guests sql01, sql02", "status": "active", "matched": 7}]
    assert cli(["audit", book, "--accept", accept, "-q", "--json", after, "--as-of", "2026-07-01"]).code == 0
    result = cli(["compare", before, after, "--json", tmp_path / "c.json"])
    assert result.code == 0, result.stderr
    changed = json.loads((tmp_path / "c.json").read_text())["acceptances"]["changed"]
    assert changed == [{"what": "guests sql01, sql02", "old": "active", "new": "expired"}]


def test_two_entries_matching_one_finding_say_which_accepts_it(cli, book: Path, tmp_path: Path) -> None:
    both = accept_file(tmp_path / "both.toml", 'guests = ["sql01", "sql02"]', 'guest = "sql0?"')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-o", tmp_path / "r.pdf", "--accept", both])
    assert result.code == 0, result.stderr
    assert ("both.toml: entry 2 (line 8: guest sql0?) matches what entry 1 already accepts; the first entry in "
            "the file is the one shown as accepting it") in result.stderr
    assert result.stderr.count("already accepts") == 1
    document = json.loads((tmp_path / "f.json").read_text())
    assert {f["accepted"]["owner"] for f in document["findings"] if f["accepted"]} == {"ops"}
    from pypdf import PdfReader

    text = " ".join(" ".join((p.extract_text() or "") for p in PdfReader(tmp_path / "r.pdf").pages).split())
    assert "also matched by entry 1, which accepts it first" in text


def test_an_entry_that_overlaps_nothing_gets_no_such_warning(cli, book: Path, tmp_path: Path) -> None:
    apart = accept_file(tmp_path / "apart.toml", 'guests = ["sql01", "sql02"]', 'guest = "fs0?"')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--accept", apart])
    assert result.code == 0 and "already accepts" not in result.stderr

"""--include / --exclude FIELD=PATTERN and [scope]: the part of the estate an audit covers."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reportgen.schemas import findings_schema
from tests.conftest import CHECKER
from tests.rvtools_files import Guest, write_xlsx
from tests.test_compare import small_estate


def audit(cli, tmp_path: Path, *options: str, estate=None, books: tuple[Path, ...] = ()) -> tuple[object, dict]:
    book = books or (write_xlsx(estate or small_estate(), tmp_path / "vc01.xlsx"),)
    out = tmp_path / "findings.json"
    result = cli(["audit", *book, "-q", "--json", out, *options])
    return result, (json.loads(out.read_text(encoding="utf-8")) if result.code == 0 else {})


def test_a_guest_cluster_across_the_boundary_is_kept_and_flagged(cli, tmp_path: Path) -> None:
    result, document = audit(cli, tmp_path, "--exclude", "host=esx03")  # fs02 runs there, fs01 on esx02
    assert result.code == 0, result.stderr
    assert [h["name"] for h in document["hosts"]] == ["esx01.example.test", "esx02.example.test",
                                                      "esx04.example.test"]
    fs = next(c for c in document["faux_clusters"] if "fs01" in c["name"])
    assert sorted(g["name"] for g in fs["guests"]) == ["fs01", "fs02"]
    fs02 = next(g for g in fs["guests"] if g["name"] == "fs02")
    assert fs["out_of_scope_guests"] == [fs02["key"]]
    assert all(c["out_of_scope_guests"] == [] for c in document["faux_clusters"] if c is not fs)
    scope = document["scope"]
    assert scope["exclude"] == ["host=esx03"] and scope["include"] == []
    assert (scope["hosts_in_scope"], scope["hosts_out_of_scope"]) == (3, 1)
    assert (scope["guests_in_scope"], scope["guests_out_of_scope"]) == (4, 1)
    assert scope["kept_across_boundary"] == [{"key": fs02["key"], "name": "fs02", "host": "esx03.example.test"}]
    # Not audited: no host of it priced, no finding names it, and fs02 keeps only the findings of its tie.
    assert "esx03.example.test" not in document["cost"]["per_host"]
    assert all(f["host"] != "esx03.example.test" and "esx03" not in (f["host"] or "") for f in document["findings"])
    fs01_rules = {f["rule"] for f in document["findings"] if f["guest"] and f["guest"]["name"] == "fs01"}
    fs02_rules = {f["rule"] for f in document["findings"] if f["guest"] and f["guest"]["name"] == "fs02"}
    assert fs02_rules and fs02_rules <= fs01_rules
    messages = [i["message"] for i in document["data_quality"]]
    assert any(m.startswith("audit scope (excluding host esx03): 1 of 4 hosts and 1 of 5 guests are out of scope")
               for m in messages)
    assert any("guest 'fs02' on host 'esx03.example.test' is out of scope but kept" in m for m in messages)
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, str(CHECKER), str(tmp_path / "findings.json")],
                                 capture_output=True, text=True, check=False)
        assert checked.returncode == 0 and checked.stdout.strip() == "ok", checked.stdout


def test_include_keeps_only_the_clusters_named(cli, tmp_path: Path) -> None:
    result, document = audit(cli, tmp_path, "--include", "cluster=test")  # case ignored
    assert result.code == 0, result.stderr
    assert [h["name"] for h in document["hosts"]] == ["esx04.example.test"]
    assert document["faux_clusters"] == [] and document["cost"]["annual_total"] == 0
    assert document["estate"]["guests"] == 1 and document["scope"]["kept_across_boundary"] == []
    whole = audit(cli, tmp_path)[1]
    assert whole["scope"] is None and len(whole["hosts"]) == 4


def test_includes_of_one_field_add_up_and_of_two_fields_narrow(cli, tmp_path: Path) -> None:
    either = audit(cli, tmp_path, "--include", "host=esx01*", "--include", "host=esx04")[1]
    assert [h["name"] for h in either["hosts"]] == ["esx01.example.test", "esx04.example.test"]
    both = audit(cli, tmp_path, "--include", "cluster=Prod", "--include", "host=esx0[14]*")[1]
    assert [h["name"] for h in both["hosts"]] == ["esx01.example.test"]
    by_vcenter = audit(cli, tmp_path, "--include", "vcenter=VC01*", "--exclude", "datacenter=nowhere*",
                       "--exclude", "host=esx04")
    assert by_vcenter[0].code == 2 and "--exclude datacenter=nowhere* matches no datacenter" in by_vcenter[0].stderr


def test_a_pattern_that_matches_nothing_lists_the_values_that_exist(cli, tmp_path: Path) -> None:
    result, _ = audit(cli, tmp_path, "--include", "cluster=Prdo")
    assert result.code == 2
    assert "--include cluster=Prdo matches no cluster (the cluster names are: Prod, Test)" in result.stderr
    hosts = {f"esx{n:02}.example.test": "Prod" for n in range(1, 31)}
    many = small_estate(hosts=hosts, guests=[Guest("web01", "vm-301", "esx01.example.test")])
    result, _ = audit(cli, tmp_path, "--exclude", "host=esx1O*", estate=many)
    assert result.code == 2
    assert "matches no host (30 host names exist; the closest: " in result.stderr
    closest = result.stderr.split("the closest: ", 1)[1].split(")", 1)[0].split(", ")
    assert len(closest) == 5 and "esx10.example.test" in closest and "esx25.example.test" not in closest


def test_a_scope_that_leaves_nothing_is_a_usage_error(cli, tmp_path: Path) -> None:
    result, _ = audit(cli, tmp_path, "--include", "cluster=Prod", "--exclude", "host=*")
    assert result.code == 2
    assert "the scope (--include cluster=Prod, --exclude host=*) leaves no host or guest to audit" in result.stderr


@pytest.mark.parametrize("option", ["cluster", "rack=A*", "=Prod", "cluster="])
def test_a_rule_that_is_not_field_equals_pattern_is_a_usage_error(cli, tmp_path: Path, option: str) -> None:
    result, _ = audit(cli, tmp_path, "--include", option)
    assert result.code == 2 and "is not FIELD=PATTERN" in result.stderr and "vcenter, datacenter" in result.stderr


def test_scope_in_the_configuration(cli, tmp_path: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text('[scope]\ninclude = ["cluster=Prod"]\nexclude = ["host=esx01*"]\n', encoding="utf-8")
    result, document = audit(cli, tmp_path, "--config", config)
    assert result.code == 0, result.stderr
    assert [h["name"] for h in document["hosts"]] == ["esx02.example.test", "esx03.example.test"]
    assert document["scope"]["include"] == ["cluster=Prod"] and document["scope"]["exclude"] == ["host=esx01*"]
    config.write_text('[scope]\ninclude = ["cluster"]\n', encoding="utf-8")
    result, _ = audit(cli, tmp_path, "--config", config)
    assert result.code == 2 and "[scope] include 'cluster' is not FIELD=PATTERN" in result.stderr


def test_an_export_out_of_scope_counts_in_neither_coverage_nor_data_quality(cli, tmp_path: Path) -> None:
    ours = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    theirs = write_xlsx(small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc99.example.test"),
                        tmp_path / "vc99.xlsx")
    whole = audit(cli, tmp_path, books=(ours, theirs))[1]
    assert {c["source"] for c in whole["coverage"]} == {"vc01.xlsx", "vc99.xlsx"}
    assert any(i["file"] == "vc99.xlsx" for i in whole["data_quality"])
    result, scoped = audit(cli, tmp_path, "--exclude", "vcenter=vc99*", books=(ours, theirs))
    assert result.code == 0, result.stderr
    assert {c["source"] for c in scoped["coverage"]} == {"vc01.xlsx"}
    assert not any(i["file"] == "vc99.xlsx" for i in scoped["data_quality"])
    assert len(scoped["hosts"]) == 4 and scoped["scope"]["hosts_out_of_scope"] == 4


def test_a_redacted_report_does_not_show_the_patterns(cli, tmp_path: Path) -> None:
    result, document = audit(cli, tmp_path, "--exclude", "host=esx03*", "--redact")
    assert result.code == 0, result.stderr
    text = (tmp_path / "findings.json").read_text(encoding="utf-8")
    assert "esx03" not in text and "fs02" not in text
    assert document["scope"]["patterns_withheld"] is True and document["scope"]["exclude"] == []
    assert document["scope"]["text"] == "excluding host patterns"
    assert len(document["scope"]["kept_across_boundary"]) == 1


def test_the_pdf_states_the_scope_on_the_cover_summary_and_method(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    book = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    pdf = tmp_path / "report.pdf"
    result = cli(["audit", book, "-q", "--exclude", "host=esx03", "-o", pdf])
    assert result.code == 0, result.stderr
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    assert "Scope excluding host esx03: 3 of 4 hosts and 4 of 5 guests audited" in pages[0]
    summary = next(p for p in pages if "Executive summary" in p and "Scope:" in p)
    assert "fs02 (fs01 + fs02, on esx03.example.test)" in summary
    method = next(p for p in pages if "Method and assumptions" in p and "How the audit works" in p)
    assert "This audit covers part of the estate: excluding host esx03" in method


def test_a_scoped_audit_keeps_a_history_of_its_own(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    book = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    assert cli(["audit", book, "-q", "--json", tmp_path / "all.json", "--history", history]).code == 0
    result = cli(["audit", book, "-q", "--json", tmp_path / "part.json", "--history", history,
                  "--include", "cluster=Test"])
    assert result.code == 0, result.stderr
    # Not compared with the whole estate's quarter (which would read as three hosts freed).
    assert json.loads((tmp_path / "part.json").read_text())["history"]["change"] is None
    assert len(list(history.glob("*.json"))) == 2


def test_owners_rows_of_guests_out_of_scope_are_counted_apart_not_unknown(cli, tmp_path: Path) -> None:
    from tests.conftest import SAMPLES

    sample = SAMPLES / "rvtools" / "acme-vc01.xlsx"
    owners = ["--owners", SAMPLES / "owners.csv"]
    _, whole = audit(cli, tmp_path, *owners, books=(sample,))
    result, part = audit(cli, tmp_path, *owners, "--include", "cluster=HQ-PROD-01", books=(sample,))
    assert result.code == 0, result.stderr
    assert part["owners"]["unmatched_rows"] == whole["owners"]["unmatched_rows"]  # only the guest that is nowhere
    assert [u["value"] for u in part["owners"]["unmatched_rows"]] == ["hqold99"]
    assert whole["owners"]["rows_out_of_scope"] == 0
    assert part["owners"]["rows_out_of_scope"] == 5
    messages = [i["message"] for i in part["data_quality"]]
    assert "owners file: 5 row(s) name only guests outside the audit's scope (--include / --exclude); not used" \
        in messages
    assert sum("matches no guest" in m for m in messages) == 1
    jsonschema.Draft202012Validator(findings_schema()).validate(part)

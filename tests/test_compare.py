"""reportgen compare: what changed between two audits of one estate, by guest identity."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import jsonschema
import pytest

from reportgen.schemas import compare_schema, findings_schema
from tests.conftest import CHECKER
from tests.rvtools_files import Guest, write_xlsx
from tests.rvtools_files import small_estate as _small_estate


def small_estate(**overrides):
    """The small estate of tests.rvtools_files on a host version whose maintenance is priced (a yearly cost above nothing)."""
    return _small_estate(**{"esx": "VMware ESXi 5.5.0 build-3116895", **overrides})


def audit_json(cli, tmp_path: Path, estate, name: str) -> Path:
    """Audit an estate built by tests.rvtools_files; returns its findings JSON."""
    book = write_xlsx(estate, tmp_path / f"{name}.xlsx")
    out = tmp_path / f"{name}.json"
    result = cli(["audit", book, "-q", "--json", out])
    assert result.code == 0, result.stderr
    return out


def compare(cli, tmp_path: Path, old: Path, new: Path) -> dict:
    out = tmp_path / "compare.json"
    result = cli(["compare", old, new, "--json", out])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(compare_schema()).validate(document)
    return document


def renamed(estate, old: str, new: str, vm_id: str | None = None):
    for g in estate.guests:
        if g.name == old:
            g.name = new
            if vm_id is not None:  # re-registered: a new VM ID, the same VM UUID
                g.extra = {**g.extra, "VM UUID": f"5000{g.vm_id}"}
                g.vm_id = vm_id
    return estate


def test_the_same_audit_compared_with_itself_reports_no_change(cli, tmp_path: Path) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    document = compare(cli, tmp_path, findings, findings)
    assert document["unchanged"] is True
    assert document["guest_clusters"] == {"new": [], "fixed": [], "changed": [], "not_assessed": [], "first_assessed": [], "removed": []}
    assert document["hosts"] == {"newly_tied": [], "freed": [], "not_assessed": [], "first_assessed": [], "removed": [], "added": []}
    assert document["guests"] == {"renamed": []}
    assert document["cost"]["old"] == document["cost"]["new"] > 0
    assert "no change" in cli(["compare", findings, findings]).stdout


def test_two_audits_of_an_unchanged_estate_report_no_change(cli, tmp_path: Path) -> None:
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    q2 = audit_json(cli, tmp_path, small_estate(exported=datetime(2026, 6, 1)), "q2")
    assert compare(cli, tmp_path, q1, q2)["unchanged"] is True


@pytest.mark.parametrize("vm_id", [None, "vm-999"], ids=["same-vm-id", "re-registered"])
def test_a_renamed_guest_is_a_rename_not_a_removal_and_an_addition(cli, tmp_path: Path, vm_id: str | None) -> None:
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    q2 = audit_json(cli, tmp_path, renamed(small_estate(), "sql01", "sql01-renamed", vm_id), "q2")
    document = compare(cli, tmp_path, q1, q2)
    assert [(r["old"], r["new"]) for r in document["guests"]["renamed"]] == [("sql01", "sql01-renamed")]
    assert document["guest_clusters"] == {"new": [], "fixed": [], "changed": [], "not_assessed": [], "first_assessed": [], "removed": []}
    assert document["hosts"] == {"newly_tied": [], "freed": [], "not_assessed": [], "first_assessed": [], "removed": [], "added": []}
    assert document["unchanged"] is False
    text = cli(["compare", q1, q2]).stdout
    assert "guests renamed (1): sql01 -> sql01-renamed" in text


def test_without_the_vm_uuid_the_key_still_tells_a_rename(cli, tmp_path: Path) -> None:
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    q2 = audit_json(cli, tmp_path, renamed(small_estate(), "fs01", "fs01b"), "q2")
    for path in (q1, q2):  # as a findings JSON written before guests carried their VM UUID
        text = path.read_text(encoding="utf-8")
        document = json.loads(text)
        for c in document["faux_clusters"]:
            for g in c["guests"]:
                g.pop("uuid")
        path.write_text(json.dumps(document), encoding="utf-8")
    assert [(r["old"], r["new"]) for r in compare(cli, tmp_path, q1, q2)["guests"]["renamed"]] == [("fs01", "fs01b")]


def test_a_member_joining_a_guest_cluster_changes_it(cli, tmp_path: Path) -> None:
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    later = small_estate()
    fs01 = next(g for g in later.guests if g.name == "fs01")
    later.guests.append(Guest("fs03", "vm-203", "esx04.example.test", cluster="Test", disks=fs01.disks))
    document = compare(cli, tmp_path, q1, audit_json(cli, tmp_path, later, "q2"))
    changed = document["guest_clusters"]["changed"]
    assert [(c["added"], c["removed"]) for c in changed] == [(["fs03"], [])]
    assert sorted(changed[0]["new"]["guests"]) == ["fs01", "fs02", "fs03"]
    assert document["guest_clusters"]["new"] == [] and document["guest_clusters"]["fixed"] == []
    assert "esx04.example.test" in document["hosts"]["newly_tied"]


def test_a_fixed_guest_cluster_frees_its_host_and_lowers_the_cost(cli, tmp_path: Path) -> None:
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    later = small_estate()
    for g in later.guests:
        if g.name.startswith("sql"):
            g.disks = [{}]
    document = compare(cli, tmp_path, q1, audit_json(cli, tmp_path, later, "q2"))
    assert [c["guests"] for c in document["guest_clusters"]["fixed"]] == [["sql01", "sql02"]]
    assert document["hosts"]["freed"] == ["esx01.example.test"]
    assert document["cost"]["new"] < document["cost"]["old"]
    backwards = compare(cli, tmp_path, document and tmp_path / "q2.json", q1)
    assert [c["guests"] for c in backwards["guest_clusters"]["new"]] == [["sql01", "sql02"]]
    assert backwards["hosts"]["newly_tied"] == ["esx01.example.test"]


def test_a_guest_cluster_the_new_audit_could_not_see_is_not_fixed(cli, tmp_path: Path) -> None:
    """Before: next quarter's export without vDisk said 'guest clusters fixed (2)' and 'hosts freed', though the
    checks that find them were not assessed in it."""
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    book = write_xlsx(small_estate(), tmp_path / "q2.xlsx", drop=("vDisk",))
    q2 = tmp_path / "q2.json"
    assert cli(["audit", book, "-q", "--json", q2]).code == 0
    document = compare(cli, tmp_path, q1, q2)
    assert document["guest_clusters"]["fixed"] == [] and document["hosts"]["freed"] == []
    assert [c["guests"] for c in document["guest_clusters"]["not_assessed"]] == [["fs01", "fs02"], ["sql01", "sql02"]]
    assert "esx01.example.test" in document["hosts"]["not_assessed"]
    assert document["unchanged"] is False
    [note] = [n for n in document["notes"] if "not assessed in the new audit" in n]
    assert "GEN-01" in note and "VMW-22" not in note  # only the checks that found them
    text = cli(["compare", q1, q2]).stdout
    assert "guest clusters fixed" not in text and "hosts freed" not in text
    assert "whose checks it did not assess (not fixed) (2): fs01 + fs02, sql (2 nodes)" in text


@pytest.mark.parametrize("emptied", [False, True])
def test_a_new_audit_without_coverage_cannot_tell_what_was_fixed(cli, tmp_path: Path, emptied: bool) -> None:
    """Before: a new findings JSON without 'coverage' (cut down by hand, or from a tool that drops it) was taken to
    have assessed every check, so what it lacked was 'fixed' and 'freed'; so was one whose coverage was emptied."""
    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    book = write_xlsx(small_estate(), tmp_path / "q2.xlsx", drop=("vDisk",))
    q2 = tmp_path / "q2.json"
    assert cli(["audit", book, "-q", "--json", q2]).code == 0
    document = json.loads(q2.read_text(encoding="utf-8"))
    if emptied:
        document["coverage"] = []
    else:
        del document["coverage"]
    q2.write_text(json.dumps(document), encoding="utf-8")
    found = compare(cli, tmp_path, q1, q2)
    assert found["guest_clusters"]["fixed"] == [] and found["hosts"]["freed"] == []
    assert [c["guests"] for c in found["guest_clusters"]["not_assessed"]] == [["fs01", "fs02"], ["sql01", "sql02"]]
    assert "esx01.example.test" in found["hosts"]["not_assessed"]
    [note] = [n for n in found["notes"] if "could not tell" in n]
    assert "q2.json" in note and "coverage" in note and "not as fixed or freed" in note
    text = cli(["compare", q1, q2]).stdout
    assert "guest clusters fixed" not in text and "hosts freed" not in text and "could not tell" in text


def test_a_guest_cluster_the_old_audit_could_not_see_is_not_new(cli, tmp_path: Path) -> None:
    """Before: an audit with vDisk compared with one without said 'guest clusters new (2)', though the old audit
    did not assess the checks that find them."""
    book = write_xlsx(small_estate(), tmp_path / "q1.xlsx", drop=("vDisk",))
    q1 = tmp_path / "q1.json"
    assert cli(["audit", book, "-q", "--json", q1]).code == 0
    q2 = audit_json(cli, tmp_path, small_estate(), "q2")
    document = compare(cli, tmp_path, q1, q2)
    assert document["guest_clusters"]["new"] == [] and document["hosts"]["newly_tied"] == []
    assert [c["guests"] for c in document["guest_clusters"]["first_assessed"]] == [["fs01", "fs02"],
                                                                                   ["sql01", "sql02"]]
    assert "esx01.example.test" in document["hosts"]["first_assessed"]
    assert document["unchanged"] is False
    [note] = [n for n in document["notes"] if "not assessed in the old audit" in n]
    assert "GEN-01" in note and "first assessed" in note
    text = cli(["compare", q1, q2]).stdout
    assert "guest clusters new (" not in text and "hosts newly tied (" not in text
    assert "whose checks it did not assess (first assessed, not new) (2): fs01 + fs02, sql (2 nodes)" in text


def test_acceptances_that_changed_status_are_listed(cli, tmp_path: Path) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    document = json.loads(findings.read_text(encoding="utf-8"))
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    entry = {"guest": "sql*", "rule": "VMW-*", "owner": "dba", "matched": 2}
    old.write_text(json.dumps({**document, "acceptances": [{**entry, "status": "active"}]}), encoding="utf-8")
    new.write_text(json.dumps({**document, "acceptances": [{**entry, "status": "expired"},
                                                          {"guest": "ghost", "status": "stale", "matched": 0}]}),
                   encoding="utf-8")
    changed = compare(cli, tmp_path, old, new)["acceptances"]["changed"]
    assert changed == [{"what": "guest=ghost", "old": None, "new": "stale"},
                       {"what": "guest=sql*; rule=VMW-*", "old": "active", "new": "expired"}]
    assert compare(cli, tmp_path, old, old)["unchanged"] is True


@pytest.mark.parametrize("content,says", [
    ("not json", "not valid JSON"),
    ('{"hello": 1}', "not a reportgen findings JSON"),
    ('[1, 2]', "not a reportgen findings JSON"),
])
def test_a_file_that_is_not_a_findings_json_is_an_input_error(cli, tmp_path: Path, content: str, says: str) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    other = tmp_path / "other.json"
    other.write_text(content, encoding="utf-8")
    result = cli(["compare", findings, other])
    assert result.code == 3 and str(other) in result.stderr and says in result.stderr


def test_another_schema_version_is_an_input_error(cli, tmp_path: Path) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    newer = tmp_path / "v2.json"
    newer.write_text(json.dumps({**json.loads(findings.read_text()), "schema_version": 2}), encoding="utf-8")
    result = cli(["compare", newer, findings])
    assert result.code == 3 and "schema_version 2 is not one this reportgen reads" in result.stderr


def test_audits_of_different_estates_are_refused(cli, tmp_path: Path) -> None:
    ours = audit_json(cli, tmp_path, small_estate(), "ours")
    theirs = audit_json(cli, tmp_path, small_estate(uuid="11111111-2222-3333-4444-555555555555",
                                                    server="vc99.example.test"), "theirs")
    result = cli(["compare", ours, theirs])
    assert result.code == 2 and "different estates" in result.stderr
    assert cli(["compare", ours, tmp_path / "missing.json"]).code == 3


def test_an_output_over_an_input_is_refused(cli, tmp_path: Path) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    before = findings.read_bytes()
    assert cli(["compare", findings, findings, "--json", findings]).code == 2
    assert findings.read_bytes() == before


def test_guests_in_the_findings_json_carry_their_vm_uuid(cli, tmp_path: Path) -> None:
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    document = json.loads(findings.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    members = {g["name"]: g["uuid"] for c in document["faux_clusters"] for g in c["guests"]}
    assert members["sql01"] == "5000vm-101"
    assert all(g["uuid"] for h in document["hosts"] for g in h["pinned_guests"])
    if CHECKER.exists():
        result = subprocess.run([sys.executable, str(CHECKER), str(findings)], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout


def test_history_uses_the_same_identity_rules(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    q1 = write_xlsx(small_estate(exported=datetime(2026, 2, 1)), tmp_path / "q1.xlsx")
    q2 = write_xlsx(renamed(small_estate(exported=datetime(2026, 5, 1)), "sql02", "sql02-new", "vm-555"),
                    tmp_path / "q2.xlsx")
    assert cli(["audit", q1, "-q", "--json", tmp_path / "q1.json", "--history", history]).code == 0
    assert cli(["audit", q2, "-q", "--json", tmp_path / "q2.json", "--history", history]).code == 0
    change = json.loads((tmp_path / "q2.json").read_text())["history"]["change"]
    assert change["faux_clusters_new"] == [] and change["faux_clusters_fixed"] == []
    assert change["guests_renamed"] == [{"old": "sql02", "new": "sql02-new"}]
    # The snapshots themselves compare like findings JSON files.
    snapshots = sorted(history.glob("*.json"))
    document = compare(cli, tmp_path, snapshots[0], snapshots[1])
    assert [(r["old"], r["new"]) for r in document["guests"]["renamed"]] == [("sql02", "sql02-new")]
    assert document["old"]["taken"] == "2026-Q1" and document["new"]["taken"] == "2026-Q2"
    assert document["unchanged"] is False and document["guest_clusters"]["changed"] == []


def test_the_comparison_pdf_names_what_changed(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    q1 = audit_json(cli, tmp_path, small_estate(), "q1")
    later = renamed(small_estate(), "sql01", "sql01-renamed")
    for g in later.guests:
        if g.name.startswith("fs"):
            g.disks = [{}]
    q2 = audit_json(cli, tmp_path, later, "q2")
    pdf = tmp_path / "compare.pdf"
    result = cli(["compare", q1, q2, "-o", pdf])
    assert result.code == 0, result.stderr
    pages = PdfReader(pdf).pages
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pages)
    assert len(pages) <= 2
    assert "What changed between two audits" in text
    assert "Guests renamed" in text and "sql01-renamed" in text
    assert "Fixed fs01, fs02" in text or "Fixed fs01" in text


def test_the_trend_page_names_renamed_guests(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    history = tmp_path / "history"
    q1 = write_xlsx(small_estate(exported=datetime(2026, 2, 1)), tmp_path / "q1.xlsx")
    q2 = write_xlsx(renamed(small_estate(exported=datetime(2026, 5, 1)), "fs01", "fs01-new"), tmp_path / "q2.xlsx")
    assert cli(["audit", q1, "-q", "--json", tmp_path / "q1.json", "--history", history]).code == 0
    assert cli(["audit", q2, "-q", "-o", tmp_path / "q2.pdf", "--history", history]).code == 0
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path / "q2.pdf").pages)
    change = text.split("Change since 2026-Q1", 1)[1]
    assert "Guests renamed fs01 → fs01-new" in change
    assert change.split("New guest clusters", 1)[1].split()[0] == "none"


def test_audits_of_different_scopes_are_compared_with_a_note(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    assert cli(["audit", book, "-q", "--json", tmp_path / "all.json"]).code == 0
    assert cli(["audit", book, "-q", "--json", tmp_path / "part.json", "--include", "cluster=Prod"]).code == 0
    document = compare(cli, tmp_path, tmp_path / "all.json", tmp_path / "part.json")
    assert document["notes"][1:] == ["the audits cover different parts of the estate (all of it; only cluster Prod): "
                                     "what only one of them covers is listed apart, and the yearly cost is compared "
                                     "on what both cover"]
    assert [(a["reason"], a["hosts"]) for a in document["not_compared"]] == [("out_of_scope", ["esx04.example.test"])]


@pytest.mark.parametrize(("part", "field", "value"), [
    ("faux_clusters", "rules", -1),
    ("faux_clusters", "hosts", "esx01.example.test"),
    ("hosts", "pinned_guests", 1e308),
    ("hosts", "stranded_on_failure", {"key": "k", "name": "n"}),
    ("hosts", "pinned_at_next_power_on", "x"),
])
def test_a_list_edited_into_something_else_is_an_input_error_naming_it(cli, tmp_path: Path, part: str, field: str,
                                                                       value: object) -> None:
    def edit(document: dict) -> str:
        at = next(i for i, item in enumerate(document[part]) if item.get(field) or (part == "hosts" and field in item))
        document[part][at][field] = value
        return f"{part}[{at}].{field} is not a list"

    _refused_either_way(cli, tmp_path, edit)


@pytest.mark.parametrize(("edit", "says"), [
    (lambda d: d["estate"].update(sources=5), "'estate.sources' is missing or not a list of sources"),
    (lambda d: d["estate"]["sources"][0].update(server_uuid=5), "estate.sources[0].server_uuid is not a text"),
    (lambda d: d["estate"]["sources"][0].update(server=[5]), "estate.sources[0].server is not a text"),
])
def test_sources_edited_into_other_types_are_an_input_error(cli, tmp_path: Path, edit, says: str) -> None:
    _refused_either_way(cli, tmp_path, lambda document: edit(document) or says)


def _refused_either_way(cli, tmp_path: Path, edit) -> None:
    """``compare`` of an audit's findings JSON with a copy changed by ``edit``, in both orders: an input error (exit
    3) naming the edited file and what ``edit`` returns."""
    findings = audit_json(cli, tmp_path, small_estate(), "q1")
    document = json.loads(findings.read_text(encoding="utf-8"))
    says = edit(document)
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(document), encoding="utf-8")
    for old, new in ((findings, edited), (edited, findings)):
        result = cli(["compare", old, new])
        assert result.code == 3, result.stderr
        assert f"{edited}: {says}" in result.stderr

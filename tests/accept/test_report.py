"""Accepted exceptions in the report (sign-off section, summary, register), the PDF's pages and the workbook."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from pypdf import PdfReader

from reportgen.accept import AcceptFile, parse_acceptances
from reportgen.audit import run_audit
from reportgen.report import build_report
from tests.accept.test_match import estate_with_local_ties
from tests.rvtools_files import write_xlsx

ENTRIES = """\
[[accept]]
guest = "fs0?"
rule = "VMW-02"
reason = "File server cluster until the NAS move"
owner = "Windows team"
approved_by = "IT manager"
expires = 2027-01-31

[[accept]]
guests = ["sql01", "sql02"]
reason = "Vendor-supported SQL cluster in a box"
owner = "DBA team"
approved_by = "CAB"
ticket = "CHG0041234"
expires = 2026-05-15

[[accept]]
guest = "decommissioned-app"
reason = "Retired application"
owner = "Apps"
approved_by = "IT manager"
expires = 2027-06-30

[[accept]]
guest = "web01"
reason = "Old web server"
owner = "Web team"
approved_by = "IT manager"
expires = 2026-01-31
"""


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(estate_with_local_ties(), tmp_path_factory.mktemp("report") / "vc.xlsx")


def test_the_sign_off_table_lists_expired_and_due_first(export: Path) -> None:
    audit = run_audit([export], accept=AcceptFile("/some/where/accept.toml", parse_acceptances(ENTRIES)))
    model = build_report(audit.analysis, audit.costing, acceptance=audit.acceptance)
    view = model.acceptances
    assert view is not None and view.path == "accept.toml" and view.as_of == "2026-03-01"
    assert [(r.entry, r.status) for r in view.rows] == [(4, "expired"), (2, "due"), (3, "stale"), (1, "active")]
    assert view.counts == (("expired", 1), ("due", 1), ("stale", 1), ("active", 1))
    assert (view.accepted_findings, view.open_findings) == (8, 6)  # sql 6 + fs VMW-02 2; fs 4 + web 2 open
    assert view.accepted_guests == {"sql01", "sql02"}
    assert [(r.host, r.power_off, r.accepted) for r in model.register] == \
        [("esx04.example.test", ("web01",), ())]  # web01's acceptance expired


def test_the_register_marks_guests_whose_every_tie_is_accepted(export: Path) -> None:
    only_storage = ENTRIES.replace('guest = "web01"', 'guest = "web01"\ncause = "local04"').replace(
        "2026-01-31", "2027-01-31")
    audit = run_audit([export], accept=AcceptFile("a.toml", parse_acceptances(only_storage)))
    register = build_report(audit.analysis, audit.costing, acceptance=audit.acceptance).register
    assert [r.accepted for r in register] == [()]  # its port group tie is still open
    whole = ENTRIES.replace("2026-01-31", "2027-01-31")
    audit = run_audit([export], accept=AcceptFile("a.toml", parse_acceptances(whole)))
    register = build_report(audit.analysis, audit.costing, acceptance=audit.acceptance).register
    assert [(r.host, r.accepted) for r in register] == [("esx04.example.test", ("web01",))]


def test_without_an_accept_file_the_report_has_no_section(export: Path) -> None:
    audit = run_audit([export])
    assert build_report(audit.analysis, audit.costing).acceptances is None


def test_pdf_shows_the_section_the_summary_split_and_the_register_marks(cli, export: Path, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text(ENTRIES)
    pdf, xlsx = tmp_path / "r.pdf", tmp_path / "f.xlsx"
    result = cli(["audit", export, "-o", pdf, "--xlsx", xlsx, "--accept", accept, "-q", "--as-of", "2026-03-01"])
    assert result.code == 0, result.stderr
    pages = [p.extract_text() for p in PdfReader(pdf).pages]
    (section,) = [i for i, t in enumerate(pages) if "Accepted exceptions\n" in t and "Reviewed by" in t]
    text = " ".join(pages[section].split())
    order = [text.index(what) for what in ("Old web server", "Vendor-supported SQL", "Retired application",
                                           "File server cluster")]
    assert order == sorted(order)
    for shown in ("expired", "due", "stale", "active", "CHG0041234", "2026-05-15", "DBA team",
                  "Statuses as of 2026-03-01: 1 expired, 1 due, 1 stale, 1 active"):
        assert shown in text, shown
    summary = " ".join(next(t for t in pages if "Executive summary" in t and "Open and accepted" in t).split())
    assert "6 findings are open (4 high or critical); 8 findings are accepted by exceptions in force" in summary
    assert "1 exception expired, 1 is due within 90 days (see Accepted exceptions)" in summary
    contents = next(t for t in pages if "Contents" in t)
    assert "Accepted exceptions" in contents

    wb = openpyxl.load_workbook(xlsx)
    header = [c.value for c in wb["Exceptions"][1]]
    rows = [dict(zip(header, r)) for r in wb["Exceptions"].iter_rows(min_row=2, values_only=True)]
    assert [(r["Entry"], r["Status"], r["Findings matched"]) for r in rows] == \
        [(1, "active", 2), (2, "due", 6), (3, "stale", 0), (4, "expired", 2)]
    findings_header = [c.value for c in wb["Findings"][1]]
    marks = {(r[findings_header.index("Guest")], r[findings_header.index("Rule")]):
             r[findings_header.index("Accepted (exception)")]
             for r in wb["Findings"].iter_rows(min_row=2, values_only=True)}
    assert marks[("sql01", "GEN-01")] == "#2 DBA team, approved by CAB, until 2026-05-15"
    assert marks[("fs01", "VMW-02")].startswith("#1 Windows team") and marks[("fs01", "GEN-01")] is None
    assert marks[("web01", "VMW-13")] is None  # its acceptance expired


def test_an_as_of_past_expiry_moves_the_entry_to_expired(export: Path) -> None:
    audit = run_audit([export], accept=AcceptFile("a.toml", parse_acceptances(ENTRIES)), as_of=dt.date(2026, 6, 1))
    view = build_report(audit.analysis, audit.costing, acceptance=audit.acceptance).acceptances
    assert view is not None
    assert [(r.entry, r.status) for r in view.rows] == [(2, "expired"), (4, "expired"), (3, "stale"), (1, "active")]


def test_open_and_accepted_costs_add_up_to_the_total_the_summary_shows(cli, export: Path, tmp_path: Path) -> None:
    import re

    accept = tmp_path / "accept.toml"
    accept.write_text(ENTRIES)
    pdf = tmp_path / "r.pdf"
    assert cli(["audit", export, "-o", pdf, "--accept", accept, "-q", "--as-of", "2026-03-01"]).code == 0
    pages = [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]
    summary = next(t for t in pages if "Executive summary" in t and "Open and accepted" in t)
    found = re.search(r"Of the (\S+) a year, (\S+) is open and (\S+) is accepted \(still paid\)", summary)
    assert found, summary

    def amount(text: str) -> int:
        return int(re.sub(r"\D", "", text))

    total, open_cost, accepted = (amount(g) for g in found.groups())
    assert open_cost + accepted == total > 0
    section = next(t for t in pages if "Reviewed by" in t)
    assert f"Of the {found.group(1)} a year, {found.group(3)} is accepted and {found.group(2)} is open" in section

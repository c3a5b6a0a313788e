"""The checks table's count of each check agrees with the rows the pages list, and with the data files.

HYV-09 on the samples was counted '3 · register' while the register listed 2: DRAPP01, a Hyper-V Replica copy,
is tied only once it is failed over to and holds no host now, so no register row names it (and a template's
VMW-13 finding was counted in the register the same way). A check whose findings are partly in the register
says so ('2 · register; 1 · other findings'), and the 'Other findings' table lists the rest.
"""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reportgen.analysis import Analysis
from reportgen.audit import run_audit
from reportgen.cost import cost_analysis
from reportgen.host_labels import host_labels
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.model import ReportModel
from tests.conftest import REAL, SAMPLES
from tests.trimmed_export import section

EXPORTS = [pytest.param([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"],
                        id="samples")]
EXPORTS += [pytest.param([path], id=path.name, marks=pytest.mark.real)
            for path in sorted(REAL.glob("*.xlsx") if REAL.is_dir() else [])]


def _found(cell: str) -> dict[str, int]:
    """'2 · register; 1 · other findings' -> {'register': 2, 'other findings': 1}."""
    parts = (p.split(" · ") for p in cell.split("; "))
    return {place: int(count.replace(",", "")) for count, place in parts}


def _listed_in_register(analysis: Analysis, model: ReportModel) -> tuple[Counter[str], Counter[str]]:
    """Per check, the findings whose guest a printed register row names on the finding's host, with the check
    among the row's rules; and per check, the names the rows hold back ('and 3 more') where the check is named."""
    labels = host_labels(analysis.estate)
    names = dict(zip(analysis.estate.guests.column("guest_key").to_pylist(),
                     analysis.estate.guests.column("name").to_pylist(), strict=True))
    rows = {r.host: r for r in model.register}
    listed: Counter[str] = Counter()
    for f in analysis.findings:
        row = rows.get(labels.get(f.host_key or "", f.host_key or ""))
        guest = analysis.guest_label(f.guest_key, names.get(f.guest_key or "", "")) if f.guest_key else ""
        if row and f.rule in row.rules and guest in (*row.power_off, *row.at_power_on, *row.media,
                                                     *row.media_at_power_on):
            listed[f.rule] += 1
    hidden: Counter[str] = Counter()
    for r in model.register:
        for rule in r.rules:
            hidden[rule] += r.power_off_not_shown + r.at_power_on_not_shown + r.media_at_power_on_not_shown
    return listed, hidden


@pytest.mark.parametrize("exports", EXPORTS)
def test_every_checks_count_matches_the_rows_its_sections_list(exports: list[Path]) -> None:
    audit = run_audit(exports)
    analysis = audit.analysis
    model = build_report(analysis, audit.costing, today=date(2026, 3, 10))
    made = Counter(f.rule for f in analysis.findings)
    listed, hidden = _listed_in_register(analysis, model)
    others = {o.rule: o.count for o in model.other_findings}
    assert made
    for check in model.checks:
        if not made[check.rule]:
            assert check.found in ("none", "not run", "none where it ran"), check
            continue
        found = _found(check.found)
        assert sum(found.values()) == made[check.rule], check
        if "guest clusters" in found:  # its guest cluster pages show it whole (pages name checks, not findings)
            assert found == {"guest clusters": made[check.rule]}, check
            continue
        # the register: as many as its rows name, or the row says how many more it holds back
        assert listed[check.rule] <= found.get("register", 0) <= listed[check.rule] + hidden[check.rule], \
            (check, listed[check.rule])
        assert found.get("other findings", 0) == others.get(check.rule, 0), check
    assert not set(others) - {c.rule for c in model.checks if "other findings" in c.found}


def _pdf_text(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())


def test_a_replica_copys_tie_is_counted_where_the_pdf_shows_it(cli, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    result = cli(["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip",
                  "-o", out / "report.pdf", "--json", out / "findings.json", "--xlsx", out / "findings.xlsx", "-q"])
    assert result.code in (0, 1), result.stderr
    pdf = _pdf_text(out / "report.pdf")
    assert "HYV-09 VM is not a cluster role on a cluster node high assessed 2 · register 1 · other findings" in pdf
    other = pdf[pdf.index("Other findings These checks"):]
    assert "HYV-09 VM is not a cluster role on a cluster high 1 DRAPP01 on HV03" in other
    start = pdf.index("Host maintenance register Check this list")
    register = pdf[start:pdf.index("Wave plan", start)]
    assert "DRAPP01" not in register and "LOCALAPP01" in register and "RENDER01" in register
    # the data files list all three, the Replica copy's saying why it holds no host
    found = json.loads((out / "findings.json").read_text())
    hyv09 = {f["guest"]["name"]: f for f in found["findings"] if f["rule"] == "HYV-09"}
    assert set(hyv09) == {"DRAPP01", "LOCALAPP01", "RENDER01"}
    assert "a Hyper-V Replica copy (ReplicationMode = Replica): the tie applies once it is failed over to, and " \
           "does not hold its host now" in hyv09["DRAPP01"]["evidence"]
    assert not any("DRAPP01" in h.get("pinned_guests", []) for h in found["hosts"] if isinstance(h, dict))
    sheet = openpyxl.load_workbook(out / "findings.xlsx", read_only=True)["Findings"]
    assert sorted(r[5] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == "HYV-09") == \
        ["DRAPP01", "LOCALAPP01", "RENDER01"]


def test_a_check_partly_on_rows_the_pdf_does_not_print_says_how_many_of_its_findings_tie_hosts() -> None:
    """With one register row printed (HV03: RENDER01), HYV-09's other two are listed apart: LOCALAPP01 ties HV01
    on a row not printed, DRAPP01 (a Replica copy) ties nothing: '1 of them ties hosts', not 'ties hosts'."""
    analysis = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]).analysis
    report = replace(analysis.config.report, max_register_rows=1, max_cluster_pages=1)
    analysis = replace(analysis, config=replace(analysis.config, report=report))
    model = build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 10))
    assert [r.host for r in model.register] == ["HV03"]
    [row] = [c for c in model.checks if c.rule == "HYV-09"]
    assert row.found == "1 · register; 2 · other findings"
    other = section(render_html(model), '<section class="other-findings')
    hyv09 = other[other.index("HYV-09 "):other.index("HYV-12 ")]
    assert "1 of them ties hosts: in the register&#39;s rows beyond the first 1 high 2" in hyv09
    assert "LOCALAPP01 on HV01 , DRAPP01 on HV03" in hyv09

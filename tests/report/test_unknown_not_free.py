"""Hosts with no tie found are called free only when every check ran; otherwise only what ran is spoken of.

An export missing most tabs (vInfo and vHost only) finds nothing tied: the cover, summary, glance chart,
register, wave plan and the workbook say what the checks that could run found, never that hosts are free.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pypdf
import pytest

from reportgen.audit import Audit
from reportgen.outputs.xlsx import write_xlsx
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.trimmed_export import coverage_counts, trimmed_audit
from tests.trimmed_export import section as _section


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return trimmed_audit(tmp_path_factory.mktemp("trimmed"))


def test_the_summary_says_what_the_checks_that_ran_found_and_the_caveat_comes_first(trimmed: Audit) -> None:
    ran, missing, hosts = coverage_counts(trimmed)
    assert 0 < ran < missing and not any(h.blockers or h.blockers_at_power_on for h in trimmed.analysis.hosts)
    html = render_html(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)))
    summary = _section(html, 'id="summary-page"')
    line = (f"{hosts} hosts: none found tied by the {ran} checks that could run; {missing} checks could not run "
            "on this export.")
    assert line in summary
    caveat = f"Not assessed: {missing} of {ran + missing} checks could not run on this export"
    assert summary.index(caveat) < summary.index(line)
    assert " free." not in summary and "Every host can be emptied" not in summary
    assert f"None of the {ran} checks that could run found a guest that has to be switched off" in summary
    cover = _section(html, 'id="cover"')
    assert f"Not assessed whether any of the {hosts} hosts cannot be emptied is not known" in cover


def test_glance_register_and_waves_never_call_unchecked_hosts_free(trimmed: Audit) -> None:
    ran, missing, hosts = coverage_counts(trimmed)
    html = render_html(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)))
    glance = _section(html, '<section class="glance">')
    assert f"The {ran} checks that could run found no guest tied to a host today or once started" in glance
    assert f"no tie found by the {ran} checks that ran; {missing} could not run" in glance
    assert "can be emptied by live migration" not in glance
    register = _section(html, '<section class="register">')
    assert "can be emptied by live migration" not in register
    assert f"On the hosts not listed, the {ran} checks that could run found no tie; {missing} checks" in register
    assert f"With the ties the {ran} checks that could run found, all {hosts} hosts can be patched in" in register
    assert "none found" in register


def test_the_pdf_pages_say_the_same(trimmed: Audit, tmp_path: Path) -> None:
    from reportgen.render.pdf import render_pdf
    ran, missing, hosts = coverage_counts(trimmed)
    target = tmp_path / "r.pdf"
    render_pdf(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)), target)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages)
    assert f"{hosts} hosts: none found tied by the {ran} checks that could run" in text
    assert " free." not in text and "Every host can be emptied" not in text
    assert "Hosts not listed can be emptied" not in text


def test_the_workbook_says_no_tie_found_not_yes(trimmed: Audit, tmp_path: Path) -> None:
    _, missing, hosts = coverage_counts(trimmed)
    write_xlsx(trimmed.analysis, trimmed.costing, tmp_path / "f.xlsx")
    wb = openpyxl.load_workbook(tmp_path / "f.xlsx")
    for sheet in ("Host register", "Waves"):
        rows = list(wb[sheet].iter_rows(values_only=True))
        column = rows[0].index("Can be emptied")
        values = {r[column] for r in rows[1:]}
        assert values == {f"no tie found; {missing} checks could not run"}, sheet
    assert len(list(wb["Host register"].iter_rows())) == hosts + 1


def test_the_html_search_cards_know_how_many_checks_did_not_run(trimmed: Audit) -> None:
    from reportgen.report.explorer import explorer_data
    _, missing, _ = coverage_counts(trimmed)
    data = explorer_data(trimmed.analysis, trimmed.costing)
    assert {h["not_run"] for h in data["hosts"]} == {missing}
    script = (Path(__file__).resolve().parents[2] / "templates" / "explorer.js").read_text(encoding="utf-8")
    assert '"No tie found by the checks that could run; "' in script

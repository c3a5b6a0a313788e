"""An export on which most checks could not run, and the few that ran found nothing, is "Not assessed".

Before, the cover of such an export (vInfo and vHost only) showed "0 of 4 hosts found that cannot be emptied" and
"£0 a year", and the summary four tiles of 0: a manager reads that as a clean estate, though most ties could not
be looked for. Now the cover says that it is not known, the summary opens with what is missing, and the tiles
that would read as 0 are left out.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pypdf
import pytest

from reportgen.analysis import analyze
from reportgen.audit import Audit
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make
from tests.trimmed_export import coverage_counts, section, trimmed_audit


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return trimmed_audit(tmp_path_factory.mktemp("mostly-unknown"))


def test_the_cover_says_not_assessed_instead_of_zero_hosts_and_no_cost(trimmed: Audit) -> None:
    ran, missing, hosts = coverage_counts(trimmed)
    assert 0 < ran and missing * 2 > ran + missing
    html = render_html(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)))
    cover = section(html, 'id="cover"')
    assert (f"Not assessed whether any of the {hosts} hosts cannot be emptied is not known; the {ran} checks that "
            "ran found no tie") in cover
    assert f"0 of {hosts} hosts" not in cover and "£0" not in cover
    assert f"{missing} of {ran + missing} checks could not run on this export" in cover


def test_the_summary_opens_with_what_is_missing_and_shows_no_tiles_of_zero(trimmed: Audit) -> None:
    ran, missing, hosts = coverage_counts(trimmed)
    html = render_html(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)))
    summary = section(html, 'id="summary-page"')
    caveat = (f"Not assessed: {missing} of {ran + missing} checks could not run on this export, so whether any of "
              f"the {hosts} hosts cannot be emptied is not known. The {ran} checks that ran found no tie, which "
              "does not make the hosts free")
    assert caveat in summary
    said = summary.index(caveat)
    assert said < summary.index("export again from a recent RVTools with the RVTools tabs vDisk, ") < \
        summary.index(f"{hosts} hosts: none found tied by the {ran} checks that could run")
    assert "found that cannot be emptied today" not in summary and 'class="kpis"' not in html
    assert "guests must be powered off for" not in summary and "a year of staff time for host maintenance by hand" not in summary
    start = summary[summary.index("Where to start"):]
    assert "the caveat at the top of this summary says what would let them run." in start
    assert "export again" not in start  # said once, at the top


def test_the_pdf_says_not_assessed_on_its_cover_and_summary(trimmed: Audit, tmp_path: Path) -> None:
    from reportgen.render.pdf import render_pdf
    ran, _, hosts = coverage_counts(trimmed)
    target = tmp_path / "r.pdf"
    render_pdf(build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10)), target)
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages]
    assert "Not assessed" in pages[0] and f"0 of {hosts} hosts" not in pages[0]
    text = " ".join(pages)
    assert f"the {ran} checks that ran found no tie" in text and "found that cannot be emptied today" not in text


def test_an_export_on_which_most_checks_ran_keeps_its_figures() -> None:
    analysis = analyze(make([host("esx01"), host("esx02")], [guest("app1", "vm-1", "esx01")]), CONFIG)
    model = build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 10))
    assert not model.summary.mostly_unknown
    html = render_html(model)
    assert "0 of 2 hosts found that cannot be emptied today" in section(html, 'id="cover"')
    assert 'class="kpis"' in html and "Not assessed" not in html

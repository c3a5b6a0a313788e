"""What the report advises for the checks that could not run: the tabs that would let them run, and for the
checks whose facts no RVTools tab holds (VMW-14, VMW-16, VMW-22) that RVTools cannot show them; never 'every tab'."""

from __future__ import annotations

from datetime import date

import pytest

from reportgen.audit import Audit, run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.trimmed_export import SAMPLES, trimmed_audit
from tests.trimmed_export import section as _section

BY_HAND = ("No RVTools export shows PCI passthrough (DirectPath I/O), NVIDIA vGPU or CPU scheduling affinity "
           "(VMW-14, VMW-16 and VMW-22): these are checked by hand in vCenter.")


@pytest.fixture(scope="module")
def trimmed(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return trimmed_audit(tmp_path_factory.mktemp("advice"))


def test_where_to_start_names_the_missing_tabs_and_what_rvtools_cannot_show(trimmed: Audit) -> None:
    model = build_report(trimmed.analysis, trimmed.costing, today=date(2026, 3, 10))
    advice = model.coverage_advice
    assert advice is not None and "vDisk" in advice.tabs and "vInfo" not in advice.tabs
    assert advice.tab_checks + advice.other + len(advice.by_hand) == model.summary.checks_not_assessed
    html = render_html(model)
    summary = _section(html, 'id="summary-page"')
    # most checks could not run here: the summary opens with the advice, and Where to start points back to it
    top = summary[:summary.index("What breaks the promise here")]
    assert ("To run the checks that could not run: export again from a recent RVTools with the RVTools tabs "
            "vDisk, ") in top
    assert f"({advice.tab_checks} checks)" in top and BY_HAND in top
    start = summary[summary.index("Where to start"):]
    assert "could not run, so ties of those kinds are unknown: the caveat at the top of this summary says what " \
        "would let them run." in start
    assert start.count("could not run") == 1 and "cannot run" not in start and BY_HAND not in start  # said once
    assert "every tab" not in html


def test_an_export_with_every_tab_is_told_only_what_rvtools_cannot_show() -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx"])
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 10))
    advice = model.coverage_advice
    assert advice is not None and not advice.tabs and not advice.other
    assert [r for r, _ in advice.by_hand] == ["VMW-14", "VMW-16", "VMW-22"]
    html = render_html(model)
    quality = _section(html, '<section class="quality"')
    assert BY_HAND in quality and "export again" not in quality and "every tab" not in html
    assert "PowerCLI export" not in html  # reportgen reads none: the reasons say to check by hand

"""Lists the PDF cuts short say how many they leave out: the quarter-on-quarter changes, contradicting ties."""

from __future__ import annotations

import re
from html import unescape

from reportgen.history import Change, History
from reportgen.render.html import render_html
from reportgen.report.build import build_report
from tests.report_fixtures import small_audit, with_analysis


def section_text(html: str) -> str:
    part = html[html.index('<section class="history">'):]
    part = part[:part.index("</section>")]
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", part)))


def test_fifteen_hosts_freed_read_fifteen_and_the_names_past_twelve_are_counted() -> None:
    freed = tuple(f"esx{i:02}" for i in range(1, 16))
    change = Change("2026-Q1", "2026-Q2", hosts_freed=freed, hosts_newly_tied=(), clusters_fixed=(),
                    clusters_new=tuple(f"gc{i:02}" for i in range(1, 14)), cost_before=1000.0, cost_now=500.0)
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing, history=History((), change, ()))
    text = section_text(render_html(model))
    assert "15 hosts freed for automated maintenance" in text
    assert "13 new guest clusters" in text
    assert "esx12" in text and "esx13" not in text and "and 3 more" in text
    assert "gc12" in text and "gc13" not in text and "and 1 more" in text


def test_contradicting_ties_past_twelve_are_counted_not_dropped() -> None:
    conflicts = tuple(((f"vm{i:02}a", f"vm{i:02}b"), ("esx01", "esx02")) for i in range(1, 16))
    audit = with_analysis(small_audit(), conflicts=conflicts)
    html = render_html(build_report(audit.analysis, audit.costing))
    text = re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))
    assert "vm12a" in text and "vm13a" not in text
    assert "3 contradictions more in the data files" in text

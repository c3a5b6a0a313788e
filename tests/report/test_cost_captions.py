"""The cost chart's caption counts what it leaves out in words that agree with the count."""

from __future__ import annotations

from datetime import date

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make, store


def _cost_caption(tied: int) -> str:
    """``tied`` guests each on a datastore only its host sees (one cost unit each), no owner column."""
    hosts = [host(f"esx{i:02d}") for i in range(tied + 1)]
    stores = [store("san01", [h["name"] for h in hosts])] + [store(f"local{i:02d}", [f"esx{i:02d}"]) for i in range(tied)]
    guests = [guest(f"db{i:02d}", f"vm-{i}", f"esx{i:02d}", ds=f"local{i:02d}") for i in range(tied)]
    analysis = analyze(make(hosts, guests, datastores=stores), CONFIG)
    return build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)).charts["cost"].caption


def test_one_case_left_out_of_the_cost_chart_reads_in_the_singular() -> None:
    """Before: 'The 1 others not drawn come to £… a year.'"""
    caption = _cost_caption(11)  # the chart draws 10
    assert "The 1 other not drawn comes to £" in caption and "others" not in caption


def test_several_cases_left_out_read_in_the_plural() -> None:
    assert "The 2 others not drawn come to £" in _cost_caption(12)

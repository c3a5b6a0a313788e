"""One guest tied by two causes: the summary and the remedy table say it is one cost, not one per cause, so the
'Cost it addresses' column is not read as adding up to the yearly total."""

from __future__ import annotations

import re

from reportgen.render.html import render_html
from reportgen.report.formats import money
from tests.report.test_bundles import _two_causes


def _text(html: str, marker: str) -> str:
    start = html.index(marker)
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())


def test_two_causes_of_one_guest_are_one_cost_in_the_summary() -> None:
    model = _two_causes()
    cost = model.summary.annual_cost
    assert cost > 0 and [a.annual_cost for a in model.remedies] == [cost, cost]
    assert model.main_causes_overlap == "same"
    summary = _text(render_html(model), 'id="summary-page"')
    assert (f"The costliest single cost is {money(cost)} a year, and 2 causes tie the same guests, so each must be "
            "fixed to save it: ") in summary
    assert f"at {money(cost)} a year each" not in summary


def test_the_remedy_table_marks_the_shared_cost_and_says_its_column_does_not_add_up() -> None:
    model = _two_causes()
    cost = model.summary.annual_cost
    assert [a.shares_cost for a in model.remedies] == [(2,), (1,)]
    table = _text(render_html(model), '<section class="cost">')
    assert "Its cost is also counted under action 2: the same guests." in table
    assert "Its cost is also counted under action 1: the same guests." in table
    assert (f"So the column adds up to {money(2 * cost)}, more than the {money(cost)} a year in total: "
            "do not add it up.") in table


def test_causes_of_different_guests_are_not_marked() -> None:
    from datetime import date

    from reportgen.report import build_report
    from tests.report_fixtures import small_audit
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    rows = list(model.remedies)
    apart = [i for i, a in enumerate(rows) if not a.shares_cost]
    assert apart
    for i, a in enumerate(rows):
        for n in a.shares_cost:
            assert set(a.unit_ids) & set(rows[n - 1].unit_ids) and i + 1 in rows[n - 1].shares_cost
    table = _text(render_html(model), '<section class="cost">')
    assert table.count("Its cost is also counted under action") == len(rows) - len(apart)

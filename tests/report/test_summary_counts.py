"""The line under the summary's figures says 'none' instead of listing zeros."""

from __future__ import annotations

import re

from reportgen.render.html import render_html
from tests.report.test_bundles import _two_causes


def _summary_text(power: str) -> str:
    html = render_html(_two_causes(power=power))
    start = html.index('id="summary-page"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())


def test_nothing_tied_today_and_no_guest_cluster_read_as_words_not_zeros() -> None:
    text = _summary_text("poweredOff")
    # RVTools cannot show three checks' facts: the hosts with no tie found are not called free
    assert ("3 hosts: 0 cannot be emptied today, 1 more once guests that are off start, 2 not found tied by the 25 "
            "checks that could run (3 could not run on this export).") in text
    assert "No guest found tied today; no guest cluster found." in text
    assert " free." not in text
    assert "0 guests tied" not in text and "0 cases" not in text and "0 of them" not in text


def test_a_guest_tied_today_is_counted_and_the_missing_guest_clusters_said_once() -> None:
    text = _summary_text("poweredOn")
    assert "1 guest tied and to power off, priced as 1 case (0 guest clusters, 1 single guest); " \
           "no guest cluster found." in text


def test_guest_clusters_that_tie_nothing_today_read_none_tying() -> None:
    from datetime import date

    from reportgen.report import build_report
    from tests.report_fixtures import small_audit
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    html = render_html(model)
    start = html.index('id="summary-page"')
    text = " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())
    assert re.search(r"[2-9] guest clusters found, [1-9] of them tying a host today\.", text), text

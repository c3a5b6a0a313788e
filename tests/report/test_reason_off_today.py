"""When nothing is tied today, an action that frees no host alone gives the real reason: another tie on its host
once the guests start, and 'off today' only when nothing else would tie the host."""

from __future__ import annotations

import re
from datetime import date

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make, store


def test_an_action_on_guests_that_are_off_names_the_other_tie_on_its_host() -> None:
    """Before: 'Frees no host alone: its guests are off today, so nothing is tied yet' for local01, though db2
    still ties esx01 once both start."""
    hosts = [host("esx01"), host("esx02"), host("esx03")]
    stores = [store("san01", ["esx01", "esx02", "esx03"]), store("local01", ["esx01"]), store("local02", ["esx01"]),
              store("local03", ["esx03"])]
    guests = [guest("db1", "vm-1", "esx01", power="poweredOff", ds="local01"),
              guest("db2", "vm-2", "esx01", power="poweredOff", ds="local02"),
              guest("db3", "vm-3", "esx03", power="poweredOff", ds="local03")]
    analysis = analyze(make(hosts, guests, datastores=stores), CONFIG)
    model = build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31))
    reasons = {a.action: a.reason for a in model.remedies}
    local = {name: next(r for a, r in reasons.items() if name in a) for name in ("local01", "local02", "local03")}
    assert local == {"local01": "esx01 also tied by db2", "local02": "esx01 also tied by db1",
                     "local03": "its guests are off today, so nothing is tied yet"}  # nothing else on esx03
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(model)).split())
    assert "Frees no host alone: esx01 also tied by db2." in text
    assert text.count("Frees no host alone: its guests are off today") == 1

"""Guests tied only by a connected CD/DVD or ISO: disconnect the media live, then migrate; priced as minutes."""

from __future__ import annotations

import re
from datetime import date

import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import device, guest, host, make, store


def test_an_iso_tied_guest_is_not_powered_off_and_costs_minutes_not_an_outage() -> None:
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    guests = [guest("web1", "vm-1", "esx01"), guest("db1", "vm-2", "esx01", ds="local01")]
    iso = [device("vm-1", "cd", "iso", "ISO [local01] ISO/img.iso", connected=True, starts=True)]
    analysis = analyze(make(hosts, guests, devices=iso, datastores=stores), CONFIG)
    costing = cost_analysis(analysis)
    unit = {u.label: u.annual for u in costing.units}
    events, change = 4.0, 500.0
    # 10 minutes of the virtualisation admin (50 an hour), in hours, no outage; the host's change is shared
    assert unit["web1"] == pytest.approx(events * (change / 2 + 10 / 60 * 50.0), abs=0.01)
    # db1 (local storage) keeps the full labour, out of hours, and the priced outage
    assert unit["db1"] == pytest.approx(events * (change / 2 + (2 * 50 + 80) * 1.5 + 30 * 2.0))
    model = build_report(analysis, costing, today=date(2026, 3, 31))
    [row] = model.register
    assert row.power_off == ("db1",) and row.media == ("web1",)
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(model)).split())
    assert "disconnect media, then migrate (no power-off): web1" in text
    assert "2 guests tied (1 to power off, 1 only by connected media, disconnected while it runs)" in text


def test_a_host_tied_only_by_media_does_not_read_none_today() -> None:
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    iso = [device("vm-1", "cd", "iso", "ISO [local01] ISO/img.iso", connected=True, starts=True)]
    analysis = analyze(make(hosts, [guest("web1", "vm-1", "esx01")], devices=iso, datastores=stores), CONFIG)
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    register = html[html.index('class="register-table"'):html.index("</table>", html.index('class="register-table"'))]
    text = " ".join(re.sub(r"<[^>]+>", " ", register).split())
    assert "disconnect media, then migrate (no power-off): web1" in text and "none today" not in text

"""A host held only by connected media needs no normal change: a fix that leaves only media on a host frees it,
and a guest tied only by media takes no share of its host's change fee."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis, media_labour
from reportgen.outputs.findings_json import findings_document
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import device, guest, host, make, store

EVENTS, CHANGE = CONFIG.cost.events_per_year["vsphere"], CONFIG.cost.change_cost
MEDIA = EVENTS * media_labour(CONFIG.cost)  # the admin's minutes a year for one guest's media


def _estate():  # type: ignore[no-untyped-def]
    """esx01: db1 on a datastore only esx01 sees, and web1 tied only by a connected ISO; esx02 free."""
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    guests = [guest("web1", "vm-1", "esx01"), guest("db1", "vm-2", "esx01", ds="local01")]
    iso = [device("vm-1", "cd", "host", "ATAPI cdrom0", True, True)]
    return analyze(make(hosts, guests, devices=iso, datastores=stores), CONFIG)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_guest_tied_only_by_media_costs_its_minutes_and_the_guest_to_power_off_takes_the_change() -> None:
    costing = cost_analysis(_estate())
    unit = {u.label: u.annual for u in costing.units}
    assert unit["web1"] == pytest.approx(MEDIA, abs=0.01)  # before: half of esx01's change fee as well
    host_cost = costing.per_host["esx01"]
    assert unit["db1"] == pytest.approx(host_cost - MEDIA, abs=0.01)
    assert unit["db1"] == pytest.approx(EVENTS * (CHANGE + (2 * 50 + 80) * 1.5 + 30 * 2.0), abs=0.01)


def test_moving_the_guest_to_power_off_frees_the_host_but_for_the_media_and_saves_all_but_their_minutes() -> None:
    """Before: '0 hosts freed, £0 saved alone', 'Frees no host alone: esx01 also tied by web1'."""
    analysis = _estate()
    costing = cost_analysis(analysis)
    host_cost = costing.per_host["esx01"]
    model = build_report(analysis, costing, today=date(2026, 3, 31))
    move = next(a for a in model.remedies if "local01" in a.action)
    assert (move.hosts_freed, move.annual_saving) == (1, pytest.approx(host_cost - MEDIA, abs=0.01))
    assert not move.reason
    iso = next(a for a in model.remedies if "web1" in a.action)
    assert iso.hosts_freed == 0 and iso.annual_cost == pytest.approx(MEDIA, abs=0.01)
    text = _text(render_html(model)).replace("( ", "(").replace(" )", ")")
    money = f"£{host_cost - MEDIA:,.0f}"
    assert re.search(r"Move 1 guest off single-host datastore local01 .*?Then esx01 only needs media disconnected "
                     r"first \(web1\), then empties by live migration with no power-off\. \w+ 1 " + money, text)
    assert "Frees no host alone: esx01 also tied by web1" not in text
    assert "Actions that free hosts together" not in text  # esx01 is the move's, not a bundle's
    assert ("A host is freed when nothing else ties it once the action is done, or nothing but media disconnected "
            "while the guests run") in text
    by_cause = json.loads(json.dumps(findings_document(analysis, costing)))["remediation"]["by_cause"]
    [local] = [r for r in by_cause if r["label"] == "local01"]
    assert local["hosts_freed"] == ["esx01"] and local["annual_saving"] == pytest.approx(host_cost - MEDIA, abs=0.01)
    assert local["media_left"] == [{"host": "esx01", "guests": ["web1"], "annual": pytest.approx(MEDIA, abs=0.01)}]


def test_the_cost_model_says_media_takes_no_share_of_the_change() -> None:
    model = cost_analysis(_estate()).assumptions["model"]
    assert isinstance(model, str) and "takes no share of change_cost" in model
    assert "shared equally by its units;" not in model

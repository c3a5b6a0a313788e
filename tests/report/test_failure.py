"""If a host fails: what the failure section and the summary tell a reader about guests that would stay down."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import UUID, guest, host, make


def _text(estate: object) -> str:
    analysis = analyze(estate, CONFIG)  # type: ignore[arg-type]
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _cluster(name: str, ha: bool | None, hosts: int) -> dict[str, Any]:
    return {"cluster_key": f"{UUID}/DC1/{name}", "name": name, "datacenter": "DC1", "platform": "vsphere",
            "ha_enabled": ha, "drs_enabled": True, "drs_behavior": "fullyAutomated", "host_count": hosts,
            "source_id": 0}


def _estate(ha: bool | None) -> object:
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge")]
    guests = [guest("app1", "vm-1", "esx01"), guest("app2", "vm-2", "esx01"), guest("db1", "vm-3", "esx02"),
              guest("old", "vm-4", "esx02", power="poweredOff"), guest("edge1", "vm-5", "esx03")]
    return make(hosts, guests, clusters=[_cluster("Prod", ha, 2), _cluster("Edge", True, 1)])


def test_running_guests_of_a_cluster_with_ha_off_are_counted_as_not_restarting() -> None:
    text = _text(_estate(ha=False))
    assert "3 guests on 2 hosts would stay down until the host is repaired" in text
    assert "HA off: 3 running guests on 2 hosts would not restart" in text
    assert "could not be restarted on another host" in text
    assert "No running guest was found that could not restart" not in text


def test_with_ha_on_or_unknown_no_guest_is_said_to_stay_down_for_want_of_ha() -> None:
    for ha in (True, None):
        text = _text(_estate(ha=ha))
        assert "HA off" not in text
        assert "No running guest was found that could not restart on another host" in text


def test_the_summary_says_how_many_one_host_failure_strands_at_most() -> None:
    text = _text(_estate(ha=False))
    assert ("If a host failed, up to 2 of its guests could not be restarted on another host: "
            "3 across the 2 hosts that have such guests, one host failing at a time.") in text
    assert "If one of 2 hosts failed, 3 guests" not in text

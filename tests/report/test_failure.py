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
from tests.rules.canonical import UUID, guest, host, make, store


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
    # nothing ties them: they wait for someone to start them elsewhere, they do not wait for the repair
    assert "would stay down until their host is repaired" not in text
    assert ("3 running guests on 2 hosts would not restart by themselves only because high availability is off on "
            "their cluster (VMW-24): someone must start them on another host by hand") in text
    assert "No running guest was found that could not restart" not in text


def test_with_ha_on_or_unknown_no_guest_is_said_to_stay_down_for_want_of_ha() -> None:
    for ha in (True, None):
        text = _text(_estate(ha=ha))
        assert "HA off" not in text
        assert "No running guest was found that could not restart on another host" in text


def test_the_summary_says_how_many_one_host_failure_strands_at_most() -> None:
    text = _text(_estate(ha=False))
    assert ("If a host failed, up to 2 of its guests would not restart elsewhere by themselves (3 across 2 hosts, "
            "one failure at a time): all only because HA is off (VMW-24), to be started elsewhere by hand") in text
    assert "If one of 2 hosts failed, 3 guests" not in text


def test_a_guest_tied_by_local_disks_on_a_cluster_with_ha_off_stays_down_the_others_are_started_by_hand() -> None:
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge")]
    guests = [guest("app1", "vm-1", "esx01", ds="local01"), guest("app2", "vm-2", "esx01"),
              guest("db1", "vm-3", "esx02"), guest("edge1", "vm-5", "esx03")]
    estate = make(hosts, guests, datastores=[store("local01", ["esx01"]), store("san01", ["esx01", "esx02", "esx03"])],
                  clusters=[_cluster("Prod", False, 2), _cluster("Edge", True, 1)])
    text = _text(estate)
    assert "1 guest would stay down until its host is repaired, whether HA is on or off: something ties it there." in text
    assert "2 running guests on 2 hosts would not restart by themselves only because high availability is off" in text
    assert ("up to 2 of its guests would not restart elsewhere by themselves (3 across 2 hosts, one failure at a "
            "time): 2 only because HA is off (VMW-24), to be started elsewhere by hand; 1 stays down until its host "
            "is repaired") in text


def test_turning_ha_on_is_not_offered_for_a_host_alone_in_its_cluster() -> None:
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge")]
    guests = [guest("app1", "vm-1", "esx01"), guest("db1", "vm-3", "esx02"), guest("edge1", "vm-5", "esx03")]
    both = _text(make(hosts, guests, clusters=[_cluster("Prod", False, 2), _cluster("Edge", False, 1)]))
    assert ("3 running guests on 3 hosts would not restart by themselves only because high availability is off on "
            "their cluster (VMW-24): someone must start them on another host by hand; "
            "turning HA on restarts them, but for 1 on hosts alone in their cluster (or in none), where HA needs a "
            "second host first.") in both
    alone = _text(make(hosts, guests, clusters=[_cluster("Prod", True, 2), _cluster("Edge", False, 1)]))
    assert ("1 running guest on 1 host would not restart by themselves only because high availability is off on "
            "their cluster (VMW-24): someone must start them on another host by hand; "
            "their hosts are alone in their cluster (or in none), so HA needs a second host there first.") in alone
    assert "turning HA on restarts them" not in alone

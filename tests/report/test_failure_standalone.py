"""Guests of a standalone host do not restart elsewhere because the host has no cluster, not because "HA is off".

A standalone host has no cluster, so no HA to switch on: the summary and the failure section said "only because
HA is off" / "high availability is off on their cluster or the host has no cluster" for them. They now name the
reason a reader can act on (put the host in a cluster), and keep "HA is off" for clusters whose HA is off.
"""

from __future__ import annotations

from typing import Any

from tests.report.test_failure import _cluster, _text
from tests.rules.canonical import guest, host, make


def standalone_estate(**extra: Any) -> Any:
    """Two hosts of a cluster with a guest each, and two standalone hosts: esx04 with two guests, esx05 with one."""
    hosts = [host("esx01"), host("esx02"), host("esx04", cluster=None), host("esx05", cluster=None)]
    guests: list[dict[str, Any]] = [
        guest("app1", "vm-1", "esx01"), guest("db1", "vm-3", "esx02"),
        guest("branch1", "vm-41", "esx04", cluster_key=None, cluster=None),
        guest("branch2", "vm-42", "esx04", cluster_key=None, cluster=None),
        guest("branch3", "vm-51", "esx05", cluster_key=None, cluster=None)]
    return make(hosts, guests, **extra)


def _estate(prod_ha: bool) -> object:
    return standalone_estate(clusters=[_cluster("Prod", prod_ha, 2)])


def test_guests_of_standalone_hosts_are_said_to_have_no_cluster_to_restart_in() -> None:
    text = _text(_estate(prod_ha=True))
    assert ("3 running guests on 2 hosts would not restart by themselves only because their hosts are standalone, "
            "with no cluster to restart them in (VMW-24): someone must start them on another host by hand; HA needs "
            "each host in a cluster with a second host first.") in text
    assert ("If a host failed, up to 2 of its guests would not restart elsewhere by themselves (3 across 2 hosts, one "
            "failure at a time): all only because their hosts are standalone, with no cluster to restart them in "
            "(VMW-24), to be started elsewhere by hand") in text
    assert "HA is off" not in text and "high availability is off" not in text


def test_with_ha_off_on_a_cluster_too_each_reason_is_counted() -> None:
    text = _text(_estate(prod_ha=False))
    assert ("5 running guests on 4 hosts would not restart by themselves only because high availability is off on "
            "their cluster (2) or their host is standalone, with no cluster to restart them in (3; VMW-24): someone "
            "must start them on another host by hand; turning HA on restarts them, but for 3 on hosts alone in "
            "their cluster (or in none), where HA needs a second host first.") in text
    assert ("all only because HA is off on their cluster (2) or their host is standalone, with no cluster to restart "
            "them in (3; VMW-24), to be started elsewhere by hand") in text

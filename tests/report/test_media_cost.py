"""A host tied only by connected media needs the media disconnected first, live: a standard change of minutes,
not a normal change. Priced at a full change every patch round, three ISO images on the bm900086 export cost
more than a guest that must be powered off, and led the summary's 'actions that save most'."""

from __future__ import annotations

import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis, media_labour
from tests.report_fixtures import CONFIG
from tests.rules.canonical import device, guest, host, make


def _costs(power_off_too: bool) -> dict[str, float]:
    hosts = [host("esx01"), host("esx02")]
    guests = [guest("cd01", "vm-1", "esx01"), guest("cd02", "vm-2", "esx01"), guest("app01", "vm-3", "esx01")]
    devices = [device("vm-1", "cd", "host", "ATAPI cdrom0", True, True, row=2),
               device("vm-2", "cd", "host", "ATAPI cdrom0", True, True, row=3)]
    if power_off_too:
        devices.append(device("vm-3", "usb", "host", "USB 2.0 storage", True, True, row=4))
    costing = cost_analysis(analyze(make(hosts, guests, devices=devices), CONFIG))
    return {c.host: c.annual for c in costing.hosts}


def test_a_host_tied_only_by_media_costs_the_admin_minutes_alone() -> None:
    events = CONFIG.cost.events_per_year["vsphere"]
    assert _costs(False) == {"esx01": pytest.approx(events * 2 * media_labour(CONFIG.cost), abs=0.01)}


def test_a_host_that_also_needs_a_power_off_takes_the_change_as_before() -> None:
    events, cost = CONFIG.cost.events_per_year["vsphere"], CONFIG.cost
    (annual,) = _costs(True).values()
    assert annual > events * cost.change_cost  # the normal change, shared by the host's units

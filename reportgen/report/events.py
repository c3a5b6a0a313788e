"""Why a host is counted so many maintenance events a year: the default's reason, or the configuration."""

from __future__ import annotations

from collections.abc import Iterable

from ..config import CostSettings
from .model import EventRate

PLATFORMS = {"vsphere": "vSphere (ESXi)", "hyperv": "Hyper-V"}
DEFAULTS = {
    "vsphere": (6.0, "ESXi has about four to six update and patch releases a year: most sites patch quarterly "
                     "and add emergency security fixes and firmware"),
    "hyperv": (14.0, "a Windows Server host takes a cumulative update with a reboot every month, 12 a year, "
                     "plus 2 for firmware and out-of-band fixes"),
}


def event_rates(cost: CostSettings, platforms: Iterable[str] | None = None) -> tuple[EventRate, ...]:
    """Each platform's events a year with the reason (only ``platforms`` when given)."""
    wanted = None if platforms is None else set(platforms)
    rates = []
    for platform, events in sorted(cost.events_per_year.items()):
        if wanted is not None and platform not in wanted:
            continue
        default, why = DEFAULTS.get(platform, (None, ""))
        reason = why if events == default else f"set in the configuration, cost.events_per_year.{platform}"
        rates.append(EventRate(PLATFORMS.get(platform, platform), events, reason))
    return tuple(rates)

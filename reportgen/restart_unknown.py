"""Running guests whose restart on another host, after their host fails, the export cannot tell.

A clustered Hyper-V VM with a pass-through disk fails over only when that disk is a cluster disk of its role, and
no export says whether it is: such a guest is neither counted as restarting elsewhere nor as staying down, but
listed apart with what to check. Guests the failure strands anyway are not repeated here.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .analysis import Analysis, PinnedGuest


@dataclass(frozen=True)
class RestartUnknown:
    """One running guest of a host whose restart elsewhere, if that host fails, is not known."""

    guest: PinnedGuest
    why: str
    """What is not known and what to check ('pass-through disk; check whether it is a cluster disk')."""


def restart_unknown(analysis: Analysis) -> dict[str, tuple[RestartUnknown, ...]]:
    """By host key, the running guests whose restart elsewhere after a failure of that host is not known."""
    stranded = {(h.key, g.key) for h in analysis.hosts for g in h.stranded}
    guests = analysis.estate.guests
    owners = dict(zip(guests.column("guest_key").to_pylist(), guests.column("owner").to_pylist()))
    found: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)  # (host, guest) -> rule -> why
    for f in analysis.findings:
        if f.restart_unknown and f.timing == "now" and f.guest_key and f.host_key \
                and (f.host_key, f.guest_key) not in stranded:
            found[f.host_key, f.guest_key].setdefault(f.rule, f.restart_unknown)
    by_host: dict[str, list[RestartUnknown]] = defaultdict(list)
    for (host, key), why in sorted(found.items(), key=lambda kv: analysis.guest_label(kv[0][1])):
        guest = PinnedGuest(key, analysis.guest_names.get(key, key), tuple(sorted(why)), owners.get(key))
        by_host[host].append(RestartUnknown(guest, "; ".join(dict.fromkeys(why.values()))))
    return {h: tuple(rows) for h, rows in by_host.items()}

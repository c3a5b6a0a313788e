"""Guests a host failure strands only for want of HA (VMW-24), and whether that "only" is known.

A running guest of a host without HA -- HA off on its cluster, or a standalone host -- is not restarted elsewhere
when the host fails. When nothing else ties it there, someone can start it on another host by hand, and HA (with a
second host) would restart it: the report says "only because HA is off". That is known only where the checks that
find the other ties -- a disk on a datastore only its host sees (VMW-13), an SR-IOV adapter (VMW-15) -- ran on the
guest's export. Where one of them could not run (an export without vDatastore), the guest is stranded all the same,
but whether HA alone would bring it back, or a hand could start it elsewhere, is not known, and is said so.
"""

from __future__ import annotations

from dataclasses import dataclass

from .analysis import Analysis, PinnedGuest
from .rules import CATALOGUE
from .rules.records import Effect

NO_HA = "VMW-24"
"""The rule that strands every running guest of a host without HA (HA off, or a standalone host)."""
TIE_RULES: tuple[str, ...] = tuple(sorted(
    r.id for r in CATALOGUE.values()
    if Effect.RESTART in r.effects and r.id != NO_HA and "vsphere" in r.platforms and not r.cannot_assess))
"""The vSphere checks that find a tie keeping a guest from restarting on another host (VMW-13, VMW-15). The
checks no export can run (PCI passthrough) are said apart, everywhere, and do not make every guest unknown."""
WHAT = {"VMW-13": "storage", "VMW-15": "network adapters"}
"""What the export lacked, in a reader's words, when a check of :data:`TIE_RULES` could not run."""


@dataclass(frozen=True)
class HaOnly:
    """The guests stranded only by VMW-24, by key; of them, those whose other ties are not known, with why."""

    guests: frozenset[str]
    unknown: dict[str, str]
    """Guest key -> what was not exported ('storage'): whether another tie holds it is not known."""
    unknown_hosts: frozenset[str]
    """The hosts (keys) of those guests."""

    def note(self, key: str) -> str:
        """'not known (storage not exported)' for a guest whose other ties are not known, else ''."""
        return f"not known ({self.unknown[key]} not exported)" if key in self.unknown else ""


def only_no_ha(g: PinnedGuest) -> bool:
    """Stranded by VMW-24 and by nothing else found."""
    return set(g.rules) == {NO_HA}


def unrun_ties(analysis: Analysis) -> dict[int | None, tuple[str, ...]]:
    """By export (source id; None for every export): the checks of :data:`TIE_RULES` that could not run there."""
    out: dict[int | None, list[str]] = {}
    for c in analysis.coverage:
        if c.rule in TIE_RULES and c.status == "not-assessed":
            out.setdefault(c.source_id, []).append(c.rule)
    return {k: tuple(sorted(set(v))) for k, v in out.items()}


def what_unrun(rules: tuple[str, ...]) -> str:
    """'storage', 'storage and network adapters' ('' for none)."""
    return " and ".join(dict.fromkeys(WHAT.get(r, r) for r in rules))


def host_ties_unknown(analysis: Analysis) -> dict[str, str]:
    """By host key: what was not exported to tell whether its guests are tied to it ('storage'); hosts whose every
    tie check ran are left out."""
    unrun = unrun_ties(analysis)
    hosts = analysis.estate.hosts
    out = {}
    for key, source in zip(hosts.column("host_key").to_pylist(), hosts.column("source_id").to_pylist(), strict=True):
        rules = tuple(sorted({*unrun.get(None, ()), *unrun.get(source, ())}))
        if rules:
            out[str(key)] = what_unrun(rules)
    return out


def ha_only(analysis: Analysis) -> HaOnly:
    """The running guests a host failure strands only for want of HA, and which of them are not known to be."""
    unknown_of = host_ties_unknown(analysis)
    guests: set[str] = set()
    unknown: dict[str, str] = {}
    hosts: set[str] = set()
    for h in analysis.hosts:
        for g in h.stranded:
            if not only_no_ha(g):
                continue
            guests.add(g.key)
            if h.key in unknown_of:
                unknown[g.key] = unknown_of[h.key]
                hosts.add(h.key)
    return HaOnly(frozenset(guests), unknown, frozenset(hosts))

"""Where each check's findings are shown, and the findings no other page shows.

A check listed with a severity in the checks table must have its findings somewhere a reader can see them.
Ties are in the host register, guest clusters on their pages, cluster settings in their table; a finding that
ties no host (a port group on some hosts of a cluster only, a disconnected device) is in none of them, so it
gets a row of its own in the 'Other findings' table, and the checks table says where each check's findings are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from ..analysis import Analysis
from ..host_labels import host_labels
from ..rules import CATALOGUE, Finding
from .model import ClusterPage, RegisterRow
from .settings import SettingsView

MAX_EXAMPLES = 3
"""Guests (or hosts) named per check in the 'Other findings' table; the data files list every one."""
OTHER = "other findings"


@dataclass(frozen=True)
class OtherFinding:
    """A check whose findings no other page of the PDF shows: one row of the 'Other findings' table."""

    rule: str
    title: str
    severity: str
    """The highest severity of its findings here."""
    count: int
    examples: tuple[tuple[str, str], ...]
    """A few of its findings as (guest, host): 'web01' on 'esx02'; either may be empty (a host's finding)."""
    tied_in: str = ""
    """Where its findings would be shown had the section printed every row ('register', 'guest clusters'): these
    findings do tie hosts, beyond the rows the PDF prints. Empty when they tie no host."""


def shown_places(register: Iterable[RegisterRow], pages: Iterable[ClusterPage],
                 settings: SettingsView | None) -> dict[str, str]:
    """Rule -> the PDF section that shows its findings, for the rules the register, the guest cluster pages and the
    cluster settings show (first place wins: a rule both tying and on a guest cluster page is on the page)."""
    places: dict[str, str] = {}
    for p in pages:
        places.update({r.rule: "guest clusters" for r in p.reasons if r.rule not in places})
    for row in register:
        places.update({r: "register" for r in row.rules if r not in places})
    for s in settings.rows if settings else ():
        places.update({r: "cluster settings" for r in s.rules if r not in places})
    return places


def _example(f: Finding, guests: Mapping[str, str], hosts: Mapping[str, str]) -> tuple[str, str]:
    guest = guests.get(f.guest_key or "", "")
    host = hosts.get(f.host_key or "", f.host_key or "")
    return (guest, host) if guest or host else (f.evidence[:60], "")


def other_findings(analysis: Analysis, places: Mapping[str, str],
                   unbounded: Mapping[str, str]) -> tuple[OtherFinding, ...]:
    """One row per check with findings here that no section in ``places`` shows, in catalogue order.

    ``unbounded`` is :func:`shown_places` of every register row and guest cluster page, printed or not: a check
    found there ties hosts the PDF's bounded sections leave to the data files, and its row says so."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in analysis.findings:
        if f.rule not in places:
            by_rule[f.rule].append(f)
    estate = analysis.estate
    guests = dict(zip(estate.guests.column("guest_key").to_pylist(), estate.guests.column("name").to_pylist(),
                      strict=True))
    hosts = host_labels(estate)
    rows = []
    for rule in sorted(by_rule, key=rule_order):
        found = by_rule[rule]
        examples = tuple(dict.fromkeys(_example(f, guests, hosts) for f in found))
        rows.append(OtherFinding(rule, CATALOGUE[rule].title, max(f.severity for f in found).label,
                                 len(found), examples[:MAX_EXAMPLES], unbounded.get(rule, "")))
    return tuple(rows)


def found_text(rule: str, findings: int, places: Mapping[str, str], status: str) -> str:
    """The checks table's 'Found here' cell: how many findings and the section that shows them; with none, 'none'
    only where the check ran ('not run' where it could not: unknown is not clean)."""
    if findings:
        return f"{findings:,} · {places.get(rule, OTHER)}"
    return {"not assessed": "not run", "partly assessed": "none where it ran"}.get(status, "none")


def rule_order(rule: str) -> tuple[str, int]:
    """'VMW-9' before 'VMW-10': family, then number."""
    family, _, number = rule.partition("-")
    return family, int(number) if number.isdigit() else 0


def counts(findings: Sequence[Finding]) -> dict[str, int]:
    """Findings per rule."""
    result: dict[str, int] = defaultdict(int)
    for f in findings:
        result[f.rule] += 1
    return dict(result)

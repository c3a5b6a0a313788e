"""Where each check's findings are shown, and the findings no other page shows.

A check listed with a severity in the checks table must have its findings somewhere a reader can see them.
Ties are in the host register, guest clusters on their pages, cluster settings in their table; a finding that
ties no host (a port group on some hosts of a cluster only, a disconnected device) is in none of them, so it
gets a row of its own in the 'Other findings' table, and the checks table says where each check's findings are.
"""

from __future__ import annotations

from collections import Counter, defaultdict
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


ORDER = ("register", "guest clusters", "cluster settings", OTHER)
"""The sections a check's findings can be in, in the order the checks table names them."""


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
    tied: int = 0
    """How many of ``count`` tie hosts that way (all of them, or some: a Replica copy's tie holds no host)."""


def shown_places(analysis: Analysis, register: Iterable[RegisterRow], pages: Iterable[ClusterPage],
                 settings: SettingsView | None) -> list[str]:
    """The PDF section that shows each finding of ``analysis.findings`` (in its order), given the register rows,
    guest cluster pages and cluster settings printed.

    A check on a guest cluster page is shown there whole (the page names the check, not each finding). Otherwise a
    finding is in the register when a row lists its guest tied by its check, which a finding that ties no host is
    not (a Replica copy's, a guest that can still move to some hosts, a guest on a row the PDF does not print):
    then the cluster settings where they show the check, else 'other findings'."""
    whole: dict[str, str] = {}
    for p in pages:
        whole.update({r.rule: "guest clusters" for r in p.reasons if r.rule not in whole})
    listed = _registered(analysis, register)
    set_rules = {r for s in settings.rows for r in s.rules} if settings else set()
    return [whole.get(f.rule) or ("register" if (f.rule, f.guest_key) in listed else
                                  "cluster settings" if f.rule in set_rules else OTHER)
            for f in analysis.findings]


def _registered(analysis: Analysis, register: Iterable[RegisterRow]) -> set[tuple[str, str]]:
    """(check, guest key) of every tie the register rows list: each guest a row names, with the checks that tie it."""
    keys = {r.key for r in register}
    return {(rule, g.key) for h in analysis.hosts if h.key in keys
            for g in (*h.blockers, *h.blockers_at_power_on) for rule in g.rules}


def places_by_rule(analysis: Analysis, shown: Sequence[str]) -> dict[str, dict[str, int]]:
    """Check -> the sections that show its findings and how many each, in :data:`ORDER`."""
    found: dict[str, Counter[str]] = defaultdict(Counter)
    for f, place in zip(analysis.findings, shown, strict=True):
        found[f.rule][place] += 1
    return {rule: {p: places[p] for p in ORDER if places[p]} for rule, places in found.items()}


def _example(f: Finding, guests: Mapping[str, str], hosts: Mapping[str, str]) -> tuple[str, str]:
    guest = guests.get(f.guest_key or "", "")
    host = hosts.get(f.host_key or "", f.host_key or "")
    return (guest, host) if guest or host else (f.evidence[:60], "")


def other_findings(analysis: Analysis, shown: Sequence[str], unbounded: Sequence[str]) -> tuple[OtherFinding, ...]:
    """One row per check with findings here that no other section shows (``shown``: :func:`shown_places` of the
    printed rows), in catalogue order.

    ``unbounded`` is :func:`shown_places` of every register row and guest cluster page, printed or not: a finding
    placed there ties hosts the PDF's bounded sections leave to the data files, and its row says so."""
    by_rule: dict[str, list[tuple[Finding, str]]] = defaultdict(list)
    for f, here, anywhere in zip(analysis.findings, shown, unbounded, strict=True):
        if here == OTHER:
            by_rule[f.rule].append((f, anywhere))
    estate = analysis.estate
    guests = dict(zip(estate.guests.column("guest_key").to_pylist(), estate.guests.column("name").to_pylist(),
                      strict=True))
    hosts = host_labels(estate)
    rows = []
    for rule in sorted(by_rule, key=rule_order):
        found = [f for f, _ in by_rule[rule]]
        tied = [place for _, place in by_rule[rule] if place != OTHER]
        examples = tuple(dict.fromkeys(_example(f, guests, hosts) for f in found))
        rows.append(OtherFinding(rule, CATALOGUE[rule].title, max(f.severity for f in found).label,
                                 len(found), examples[:MAX_EXAMPLES], Counter(tied).most_common(1)[0][0] if tied else "",
                                 len(tied)))
    return tuple(rows)


def found_text(findings: int, places: Mapping[str, int], status: str) -> str:
    """The checks table's 'Found here' cell: how many findings and the sections that show them ('3 · register', or
    '2 · register; 1 · other findings' where some tie no host); with none, 'none' only where the check ran ('not
    run' where it could not: unknown is not clean)."""
    if findings:
        return "; ".join(f"{n:,} · {place}" for place, n in (dict(places) or {OTHER: findings}).items())
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

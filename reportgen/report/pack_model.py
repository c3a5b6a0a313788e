"""What an owner action pack shows (see :mod:`reportgen.packs`): plain records, no logic.

Kept apart from the code that builds them so that the PDF worker can read a pack without
importing the analysis.
"""

from __future__ import annotations

from dataclasses import dataclass

from .model import ExportDates


@dataclass(frozen=True)
class PackGuest:
    """One of the owner's guests that ties a host."""

    name: str
    host: str
    cluster: str | None
    rules: tuple[str, ...]
    guest_cluster: str | None
    """The guest cluster's name, when the guest is a node of one."""
    when: str
    """'today' or 'once started' (the guest is off today)."""
    accepted: str | None = None
    """'accepted until <date> (entry <n>, <owner>)' when an exception in force accepts every tie of the guest."""


@dataclass(frozen=True)
class PackCluster:
    """A guest cluster with a node of the owner's: other owners' nodes are counted, never named."""

    id: str
    name: str
    topology: str
    hosts: tuple[str, ...]
    yours: tuple[str, ...]
    others: int
    annual: float
    accepted: str | None = None
    """'accepted until <date> (entry <n>, <owner>)' when an exception in force accepts the guest cluster."""


@dataclass(frozen=True)
class PackHost:
    """A host the owner's guests keep from being emptied."""

    name: str
    cluster: str | None
    wave: int | None
    """1-based patch wave; None when the host is in none."""
    guests: tuple[str, ...]
    other_owners: int
    """Other owners whose approval the host's maintenance needs too."""
    when: str


@dataclass(frozen=True)
class PackFix:
    """A fix that addresses the owner's guests, and what it frees."""

    action: str
    effort: str
    hosts_freed: tuple[str, ...]
    annual_saving: float
    blocked_by_others: tuple[str, ...]
    """Hosts the fix leaves tied, by ties other than the ones it removes."""
    later: bool


@dataclass(frozen=True)
class PackAcceptance:
    """An accepted exception the owner owns: what it accepts, until when, and its status on the audit's day."""

    what: str
    expires: str | None
    reason: str
    status: str
    """'active', 'due' (expires within 90 days), 'expired' (accepts nothing), 'stale' (matches nothing: what it names
    is gone), 'changed' (what it names has changed: it accepts nothing) or 'not-assessed' (the checks that could
    match it did not run)."""
    approved_by: str
    why: tuple[str, ...] = ()
    """Why it is changed or not assessed."""


@dataclass(frozen=True)
class Pack:
    owner: str
    email: str | None
    team: str | None
    cost_centre: str | None
    file_name: str
    guests: tuple[PackGuest, ...]
    clusters: tuple[PackCluster, ...]
    hosts: tuple[PackHost, ...]
    waves: tuple[tuple[int, tuple[str, ...]], ...]
    """(wave number, the owner's hosts in it)."""
    annual_cost: float
    fixes: tuple[PackFix, ...]
    acceptances: tuple[PackAcceptance, ...] = ()


@dataclass(frozen=True)
class PackBrand:
    """What every pack shares: the configured branding and the report's date."""

    title: str
    client: str
    firm: str
    author: str
    logo: str | None
    currency: str
    report_date: str
    export_dates: ExportDates | None = None
    """When the exports the pack describes were taken (None: undated), and how old they are on the report date."""
    statuses_as_of: str | None = None
    """The day the accepted exceptions' statuses are judged on (the newest export's, or --as-of)."""


@dataclass(frozen=True)
class PackModel:
    """What the pack template renders: one pack and the branding."""

    brand: PackBrand
    pack: Pack

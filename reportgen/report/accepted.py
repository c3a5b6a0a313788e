"""The report's accepted exceptions: the sign-off table, open versus accepted for the summary, and the
register's marks. Built from a :class:`~reportgen.accept_match.Judgement`; knows nothing of templates."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ..accept import STATUSES
from ..accept_cost import HeldOpen
from ..accept_match import Judgement
from ..analysis import Analysis
from ..cost import Costing
from ..rules import Severity
from .model import RegisterRow

STATUS_TEXT = {
    "expired": "expired: accepts nothing until renewed",
    "due": "due for review",
    "stale": "matches nothing: remove",
    "changed": "what it names has changed: review and sign off again",
    "not-assessed": "not assessed: keep it",
    "active": "active",
}


@dataclass(frozen=True)
class ExceptionRow:
    """One accept-file entry as the sign-off table shows it."""

    entry: int
    what: str
    owner: str
    approved_by: str
    reason: str
    ticket: str | None
    expires: str
    status: str
    status_text: str
    matched_findings: int
    matched_clusters: int
    annual_cost: float
    """Yearly cost of what the entry matches (also when expired: then it is open again)."""
    renamed: tuple[str, ...] = ()
    """'old → new' for guests matched by identity under a new name."""
    accepted_first_by: tuple[int, ...] = ()
    """Earlier entries that accept some of what this one matches (they are shown as accepting it)."""
    held_open: tuple[str, ...] = ()
    """'guest cluster X stays open: g's RULE is open' for each guest cluster it accepts whose cost stays open."""
    why: tuple[str, ...] = ()
    """Why an entry that matches nothing is changed or not assessed."""
    ambiguous: str = ""
    """'ambiguous: names 2 hosts of different vCenters (…); accepts neither until a vcenter key says which'."""


@dataclass(frozen=True)
class AcceptanceView:
    path: str
    as_of: str
    rows: tuple[ExceptionRow, ...]
    """In :data:`~reportgen.accept.STATUSES` order (expired, changed and due first); in file order within each."""
    counts: tuple[tuple[str, int], ...]
    """(status, entries) in :data:`~reportgen.accept.STATUSES` order, statuses with none left out."""
    open_findings: int
    accepted_findings: int
    open_severe: int
    """Open findings at high or critical severity that tie a guest."""
    hygiene_open: int
    """Hygiene findings (they tie no host) left out of the counts above, open ..."""
    hygiene_accepted: int
    """... and accepted: the JSON's and the workbook's findings hold them too."""
    accepted_cost: float
    """Yearly cost of what is accepted: still paid (whole currency units)."""
    open_cost: float
    """Yearly cost of the rest: whole units, so that open and accepted add up to the total as shown."""
    total_cost: float
    accepted_guests: frozenset[str]
    """Labels of guests every tying finding of which is accepted (the register marks them): their names, told apart
    where two vCenters have a guest of one name."""


def acceptance_view(judgement: Judgement, analysis: Analysis, costing: Costing) -> AcceptanceView:
    rows = [
        ExceptionRow(
            entry=r.entry.position, what=r.entry.what, owner=r.entry.owner, approved_by=r.entry.approved_by,
            reason=r.entry.reason, ticket=r.entry.ticket, expires=r.entry.expires.isoformat(), status=r.status,
            status_text=STATUS_TEXT[r.status], matched_findings=r.findings, matched_clusters=r.guest_clusters,
            annual_cost=r.annual_cost,
            renamed=tuple(f"{old} → {new}" for old, new in r.renamed),
            accepted_first_by=r.accepted_first_by,
            held_open=tuple(_held_text(h) for h in r.held_open), why=r.why,
            ambiguous=(f"ambiguous: {r.ambiguity}; accepts {'neither' if len(r.ambiguous) == 2 else 'none of them'} "
                       "until a vcenter key says which") if r.ambiguous else "",
        )
        for r in judgement.entries
    ]
    rows.sort(key=lambda row: STATUSES.index(row.status))
    open_cost, accepted_cost = judgement.split_cost(costing)
    tying = [(f, a) for f, a in zip(analysis.findings, judgement.findings) if f.timing != "hygiene"]
    return AcceptanceView(
        path=Path(judgement.path).name, as_of=judgement.as_of.isoformat(), rows=tuple(rows),
        counts=tuple((s, n) for s in STATUSES if (n := sum(1 for r in rows if r.status == s))),
        open_findings=sum(1 for _, a in tying if a is None),
        accepted_findings=sum(1 for _, a in tying if a is not None),
        open_severe=sum(1 for f, a in tying if a is None and f.severity >= Severity.HIGH),
        hygiene_open=sum(1 for f, a in zip(analysis.findings, judgement.findings) if f.timing == "hygiene" and a is None),
        hygiene_accepted=sum(1 for f, a in zip(analysis.findings, judgement.findings)
                             if f.timing == "hygiene" and a is not None),
        accepted_cost=accepted_cost, open_cost=open_cost,
        total_cost=costing.annual_total,
        accepted_guests=frozenset(analysis.guest_label(k) for k in judgement.guests),
    )


def _held_text(held: HeldOpen) -> str:
    shown = ", ".join(f"{guest}'s {rule}" for guest, rule in held.open_findings[:3])
    more = len(held.open_findings) - 3
    return (f"{held.name} stays open (its cost too): {shown}{f' and {more} more' if more > 0 else ''} "
            f"{'is' if len(held.open_findings) == 1 else 'are'} open")


def mark_accepted(rows: Sequence[RegisterRow], view: AcceptanceView) -> list[RegisterRow]:
    """The register with each row's accepted guests named."""
    return [replace(r, accepted=tuple(n for n in (*r.power_off, *r.at_power_on, *r.media_at_power_on)
                                     if n in view.accepted_guests))
            for r in rows]

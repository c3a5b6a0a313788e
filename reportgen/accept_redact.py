"""Accepted exceptions under ``--redact``: matched by the real names, shown by pseudonyms only.

A name an entry gives literally becomes the pseudonym the same name has in the tables; a pattern
(``sql*``) becomes a pseudonym of its own, as its text may name the client's services. People
(owner, approver) become pseudonyms; the reason is withheld, as free text may name anything. Rule ids
are kept, and so are tickets that are plain ids (``CHG0041234``); a ticket with spaces, or one that
holds a name the redaction replaced (``hqdb02-move``), becomes a pseudonym too.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .accept import AcceptEntry
from .accept_match import Accepted, EntryResult, Judgement
from .redact import Redactor

WITHHELD = "(withheld: redacted report)"
_GLOB = set("*?")
_PLAIN_ID = re.compile(r"[A-Za-z0-9._#/-]{1,40}")


def _name(r: Redactor, way: str, text: str) -> str:
    return r.pseudonym("pattern", text) if _GLOB & set(text) else r.value(way, text)


def _optional(r: Redactor, way: str, text: str | None) -> str | None:
    return None if text is None else _name(r, way, text)


def _ticket(r: Redactor, ticket: str | None, names: tuple[str, ...]) -> str | None:
    """A plain ticket id as it is; any other ticket (free text, or holding a name) as a pseudonym."""
    if ticket is None:
        return None
    folded = ticket.casefold()
    hidden = (*names, *(n for n in r.replaced if len(n) >= 4))
    if _PLAIN_ID.fullmatch(ticket) and not any(n.casefold() in folded for n in hidden if n):
        return ticket
    return r.pseudonym("ticket", ticket)


def _names(e: AcceptEntry) -> tuple[str, ...]:
    """The literal parts of every name an entry gives (a pattern's text between its wildcards)."""
    given = (*e.guests, e.guest, e.host, e.cluster, e.cause, e.owner, e.approved_by)
    return tuple(part for text in given if text for part in re.split(r"[*?]+", text) if len(part) >= 3)


def _identity(r: Redactor, ident: str) -> str:
    if ident.casefold().startswith("uuid:"):
        return "uuid:" + r.pseudonym("uuid", ident[5:])
    return r.key(ident)


def _entry(e: AcceptEntry, r: Redactor) -> AcceptEntry:
    return replace(
        e, guests=tuple(_name(r, "guest", g) for g in e.guests), guest=_optional(r, "guest", e.guest),
        host=_optional(r, "host", e.host), cluster=_optional(r, "cluster", e.cluster),
        cause=_optional(r, "cause", e.cause), ids=tuple(_identity(r, i) for i in e.ids),
        owner=r.value("owner", e.owner), approved_by=r.value("owner", e.approved_by), reason=WITHHELD,
        ticket=_ticket(r, e.ticket, _names(e)),
    )


def _accepted(a: Accepted, r: Redactor, tickets: dict[int, str | None]) -> Accepted:
    return replace(a, owner=r.value("owner", a.owner), approved_by=r.value("owner", a.approved_by), reason=WITHHELD,
                   ticket=tickets.get(a.entry))


def _result(e: EntryResult, r: Redactor) -> EntryResult:
    why = e.why if e.status != "changed" else ("what it names has changed (the names are withheld: redacted report)",)
    return replace(e, entry=_entry(e.entry, r), why=why,
                   renamed=tuple((_name(r, "guest", old), r.value("guest", new)) for old, new in e.renamed))


def redact_judgement(judgement: Judgement, r: Redactor) -> Judgement:
    """``judgement`` with every name, person and reason it shows replaced."""
    cache: dict[int, Accepted] = {}
    entries = tuple(_result(e, r) for e in judgement.entries)
    tickets = {e.entry.position: e.entry.ticket for e in entries}

    def accepted(a: Accepted) -> Accepted:
        if id(a) not in cache:
            cache[id(a)] = _accepted(a, r, tickets)
        return cache[id(a)]

    return replace(
        judgement, path=r.file(judgement.path), entries=entries,
        findings=tuple(None if a is None else accepted(a) for a in judgement.findings),
        clusters={k: accepted(a) for k, a in judgement.clusters.items()},
        guests={k: accepted(a) for k, a in judgement.guests.items()},
    )

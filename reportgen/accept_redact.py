"""Accepted exceptions under ``--redact``: matched by the real names, shown by pseudonyms only.

A name an entry gives literally becomes the pseudonym the same name has in the tables; a pattern
(``sql*``) becomes a pseudonym of its own, as its text may name the client's services. People
(owner, approver) become pseudonyms; the reason is withheld, as free text may name anything. Rule ids
and tickets are kept: they name no part of the estate.
"""

from __future__ import annotations

from dataclasses import replace

from .accept import AcceptEntry
from .accept_match import Accepted, EntryResult, Judgement
from .redact import Redactor

WITHHELD = "(withheld: redacted report)"
_GLOB = set("*?")


def _name(r: Redactor, way: str, text: str) -> str:
    return r.pseudonym("pattern", text) if _GLOB & set(text) else r.value(way, text)


def _optional(r: Redactor, way: str, text: str | None) -> str | None:
    return None if text is None else _name(r, way, text)


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
    )


def _accepted(a: Accepted, r: Redactor) -> Accepted:
    return replace(a, owner=r.value("owner", a.owner), approved_by=r.value("owner", a.approved_by), reason=WITHHELD)


def _result(e: EntryResult, r: Redactor) -> EntryResult:
    return replace(e, entry=_entry(e.entry, r),
                   renamed=tuple((_name(r, "guest", old), r.value("guest", new)) for old, new in e.renamed))


def redact_judgement(judgement: Judgement, r: Redactor) -> Judgement:
    """``judgement`` with every name, person and reason it shows replaced."""
    cache: dict[int, Accepted] = {}

    def accepted(a: Accepted) -> Accepted:
        if id(a) not in cache:
            cache[id(a)] = _accepted(a, r)
        return cache[id(a)]

    return replace(
        judgement, path=r.file(judgement.path), entries=tuple(_result(e, r) for e in judgement.entries),
        findings=tuple(None if a is None else accepted(a) for a in judgement.findings),
        clusters={k: accepted(a) for k, a in judgement.clusters.items()},
        guests={k: accepted(a) for k, a in judgement.guests.items()},
    )

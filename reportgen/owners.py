"""Guest owners: from an owners file (a CMDB export) where it names the guest, else from the export.

A row of the owners file names guests by ``vm_uuid``, ``guest`` (an exact name or a pattern),
``cluster`` or ``folder`` patterns; every key a row gives must fit the guest. Where several rows
fit one guest, the most specific wins: a UUID, then an exact name, then the pattern with the most
characters that are not wildcards. Rows that tie with different owners leave the guest to the
export's owner, and the data quality says so. The owners file wins over the export's owner column
(custom attribute or Get-VM property); ``owner_source`` says where each owner came from.

Nothing is dropped silently: rows that match no guest, and guests that tie a host but have no
owner (an unowned guest cluster is a finding of its own), are listed in the data quality and the JSON.
"""

from __future__ import annotations

import fnmatch
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import polars as pl
import pyarrow as pa

from .estate import DataIssue, Estate
from .owners_file import OwnerRow, OwnersFile
from .vm_counts import guest_rows

if TYPE_CHECKING:
    from .analysis import Analysis
    from .redact import Redactor

OwnerSource = Literal["file", "export"]
_WILDCARDS = re.compile(r"[*?\[]")
_UUID_NOISE = re.compile(r"[{}\s]")


@dataclass(frozen=True)
class UnmatchedRow:
    """A row of the owners file that fits no guest of the estate."""

    row: int
    column: str
    value: str
    owner: str


@dataclass(frozen=True)
class UnownedGuest:
    """A guest that ties a host and has no owner from any source."""

    key: str
    name: str
    hosts: tuple[str, ...]
    guest_cluster: str | None
    host_labels: tuple[str, ...] = ()
    """The hosts told apart from same-named hosts of other vCenters ('esx01 in vc02.example.test')."""
    label: str = ""
    """Its name, or 'hb01 in vc02.example.test' where a guest of another vCenter has the name."""


@dataclass(frozen=True)
class Ownership:
    """Where the owners came from, and what of the owners file was not used."""

    file: str | None = None
    """The owners file's name (no folder), when one was read."""
    rows: int = 0
    """Usable rows of the owners file."""
    guests_from_file: int = 0
    """Guests as the cover counts them (neither templates nor vCLS agents, :mod:`.vm_counts`), as the next two."""
    guests_from_export: int = 0
    guests_without: int = 0
    unmatched: tuple[UnmatchedRow, ...] = ()
    rows_out_of_scope: int = 0
    """Rows that name only guests the audit's scope (``--include`` / ``--exclude``) left out: not unknown."""


def _uuid(value: str | None) -> str | None:
    return _UUID_NOISE.sub("", value).lower() or None if value else None


def _specificity(row: OwnerRow) -> int:
    """Characters of the row's patterns that are not wildcards: the longest pattern wins."""
    return sum(len(_WILDCARDS.sub("", p)) for p in (row.guest, row.cluster, row.folder) if p)


class _Pattern:
    """A case-insensitive name pattern (``*`` ``?`` ``[ ]``), compiled once."""

    def __init__(self, text: str) -> None:
        self.regex = re.compile(fnmatch.translate(text.lower()))

    def fits(self, value: str | None) -> bool:
        return value is not None and self.regex.match(value.lower()) is not None


@dataclass(frozen=True)
class _Guest:
    name: str
    uuids: frozenset[str]
    cluster: str | None
    folder: str | None


class _Matcher:
    """The rows indexed by UUID and exact name; pattern rows tried one by one."""

    def __init__(self, rows: tuple[OwnerRow, ...]) -> None:
        self.by_uuid: dict[str, list[OwnerRow]] = defaultdict(list)
        self.by_name: dict[str, list[OwnerRow]] = defaultdict(list)
        self.patterns: list[OwnerRow] = []
        self.compiled: dict[str, _Pattern] = {}
        for row in rows:
            uuid = _uuid(row.vm_uuid)
            if uuid:
                self.by_uuid[uuid].append(row)
            if row.guest and not _WILDCARDS.search(row.guest):
                self.by_name[row.guest.lower()].append(row)
            elif row.guest or row.cluster or row.folder:
                self.patterns.append(row)
            for text in (row.guest, row.cluster, row.folder):
                if text and text not in self.compiled:
                    self.compiled[text] = _Pattern(text)

    def _fits(self, row: OwnerRow, guest: _Guest) -> bool:
        uuid = _uuid(row.vm_uuid)
        if uuid and guest.uuids and uuid not in guest.uuids:
            return False
        if uuid and not guest.uuids and not (row.guest or row.cluster or row.folder):
            return False
        return all(self.compiled[p].fits(v) for p, v in
                   ((row.guest, guest.name), (row.cluster, guest.cluster), (row.folder, guest.folder)) if p)

    def rank(self, row: OwnerRow, guest: _Guest) -> tuple[int, int]:
        """(3 UUID / 2 exact name / 1 pattern, characters that are not wildcards)."""
        if _uuid(row.vm_uuid) in guest.uuids:
            return (3, 0)
        if row.guest and not _WILDCARDS.search(row.guest):
            return (2, _specificity(row))
        return (1, _specificity(row))

    def candidates(self, guest: _Guest) -> list[OwnerRow]:
        rows = [r for u in guest.uuids for r in self.by_uuid.get(u, ())]
        rows += self.by_name.get(guest.name.lower(), [])
        rows += self.patterns
        return list({r.row: r for r in rows if self._fits(r, guest)}.values())


def _guests(estate: Estate) -> list[_Guest]:
    t = estate.guests
    folders = t.column("folder").to_pylist() if "folder" in t.column_names else [None] * t.num_rows
    rows = zip(t.column("name").to_pylist(), t.column("vm_uuid").to_pylist(), t.column("vm_id").to_pylist(),
               t.column("platform").to_pylist(), t.column("cluster").to_pylist(), folders, strict=True)
    return [_Guest(name or "", frozenset(u for u in (_uuid(uuid), _uuid(vm_id) if platform == "hyperv" else None)
                                         if u), cluster, folder)
            for name, uuid, vm_id, platform, cluster, folder in rows]


def assign_owners(estate: Estate, owners: OwnersFile | None,
                  outside: Estate | None = None) -> tuple[Estate, Ownership]:
    """The estate with each guest's owner, its source and contact, and what the owners file left unused.

    ``outside``: the guests the audit's scope left out; a row that names only them is counted apart,
    not reported as matching no guest."""
    t = estate.guests
    current: list[str | None] = t.column("owner").to_pylist()
    sources: list[str | None] = ["export" if o else None for o in current]
    owner = list(current)
    contact: list[tuple[str | None, str | None, str | None]] = [(None, None, None)] * t.num_rows
    issues: list[DataIssue] = []
    used: set[int] = set()
    if owners is not None:
        name = Path(owners.file).name
        matcher = _Matcher(owners.rows)
        for index, guest in enumerate(_guests(estate)):
            found = matcher.candidates(guest)
            used.update(r.row for r in found)
            chosen = _most_specific(found, guest, matcher)
            if isinstance(chosen, tuple):
                issues.append(_ambiguous(chosen, guest.name, name))
                continue
            if chosen is not None:
                owner[index], sources[index] = chosen.owner, "file"
        contacts = _contacts(owners.rows)
        contact = [contacts.get(o.lower(), (None, None, None)) if o else (None, None, None) for o in owner]
        out_of_scope = _rows_fitting(owners.rows, outside, used)
        unmatched = tuple(_unmatched(r, owners) for r in owners.rows if r.row not in used | out_of_scope)
        if out_of_scope:
            issues.append(DataIssue("info", name, f"owners file: {len(out_of_scope):,} row(s) name only guests "
                                    "outside the audit's scope (--include / --exclude); not used", rows=0))
        issues.extend(DataIssue("warning", name, f"owners file row matches no guest ('{u.value}'); not used",
                                row=u.row, column=u.column, skipped=True, quoted=(u.value,))
                      for u in unmatched)
        issues = [*owners.issues, *issues]
    else:
        unmatched, out_of_scope = (), set()
    exports = dict(zip(estate.sources.column("source_id").to_pylist(),
                       (Path(f).name for f in estate.sources.column("file").to_pylist()), strict=True))
    origins = [(Path(owners.file).name if owners is not None and source == "file" else exports.get(sid, ""))
               for source, sid in zip(sources, t.column("source_id").to_pylist(), strict=True)]
    owner, spelled = one_spelling(owner, [r.owner for r in owners.rows] if owners is not None else [], origins,
                                  Path(owners.file).name if owners is not None else "")
    issues.extend(DataIssue("info", where, message, rows=0, quoted=quoted) for message, quoted, where in spelled)
    kept = [x for x, guest in zip(sources, guest_rows(t), strict=True) if guest]  # not templates or vCLS agents
    counts = {s: sum(1 for x in kept if x == s) for s in ("file", "export")}
    ownership = Ownership(Path(owners.file).name if owners else None, len(owners.rows) if owners else 0,
                          counts["file"], counts["export"], sum(1 for s in kept if s is None), unmatched,
                          len(out_of_scope) if owners is not None else 0)
    if owners is not None:
        issues.append(DataIssue("info", ownership.file or "", _summary(ownership), rows=0))
    columns = {"owner": owner, "owner_source": sources, "owner_email": [c[0] for c in contact],
               "owner_team": [c[1] for c in contact], "owner_cost_centre": [c[2] for c in contact]}
    table = t
    # Through polars: pyarrow's conversion of Python lists would import pandas (see schema.from_rows).
    new = pl.DataFrame(columns, schema={c: pl.String for c in columns}).to_arrow()
    for column in columns:
        index = table.schema.get_field_index(column)
        table = table.set_column(index, table.schema.field(index), new.column(column).cast(pa.string()))
    tables = {**estate.tables, "guests": table}
    return replace(estate, tables=tables, issues=(*estate.issues, *issues)), ownership


def owner_key(owner: str) -> str:
    """How owners are told apart: case and edge spaces ignored (``Priya Raman`` is ``PRIYA RAMAN``)."""
    return owner.strip().lower()


def one_spelling(owners: list[str | None], preferred: list[str], origins: list[str] | None = None,
                 preferred_origin: str = "") -> tuple[list[str | None], list[tuple[str, tuple[str, ...], str]]]:
    """Each guest's owner written one way per owner (the first of ``preferred``, else the first seen), and for
    each owner spelled more than one way a data-quality message, the names it quotes and the files that spell
    it (``origins``: the file each of ``owners`` comes from; ``preferred_origin``: the file of ``preferred``)."""
    chosen: dict[str, str] = {}
    spellings: dict[str, dict[str, None]] = defaultdict(dict)
    files: dict[str, dict[str, None]] = defaultdict(dict)
    given = origins if origins is not None else [""] * len(owners)
    for name, origin in (*((p, preferred_origin) for p in preferred),
                         *((o, f) for o, f in zip(owners, given, strict=True) if o)):
        chosen.setdefault(owner_key(name), name.strip())
        spellings[owner_key(name)][name.strip()] = None
        if origin:
            files[owner_key(name)][origin] = None
    messages = []
    for key, names in spellings.items():
        if len(names) > 1:
            others = tuple(n for n in names if n != chosen[key])
            quoted = ", ".join(f"'{n}'" for n in others)
            messages.append((f"owners {quoted} and '{chosen[key]}' differ only by case "
                             f"or spaces: counted as one owner, '{chosen[key]}'", (chosen[key], *others),
                             ", ".join(files[key])))
    return [chosen[owner_key(o)] if o else o for o in owners], messages


def _rows_fitting(rows: tuple[OwnerRow, ...], outside: Estate | None, used: set[int]) -> set[int]:
    """Rows not ``used`` in scope that fit a guest of ``outside``."""
    if outside is None or not outside.guests.num_rows:
        return set()
    matcher = _Matcher(tuple(r for r in rows if r.row not in used))
    return {r.row for guest in _guests(outside) for r in matcher.candidates(guest)}


def _most_specific(found: list[OwnerRow], guest: _Guest, matcher: _Matcher) -> OwnerRow | tuple[OwnerRow, ...] | None:
    """The winning row; a tuple of rows when rows of the same precedence give different owners."""
    if not found:
        return None
    ranked = sorted(found, key=lambda r: (matcher.rank(r, guest), -r.row), reverse=True)
    best = matcher.rank(ranked[0], guest)
    top = [r for r in ranked if matcher.rank(r, guest) == best]
    if len({r.owner.lower() for r in top}) > 1:
        return tuple(sorted(top, key=lambda r: r.row))
    return min(top, key=lambda r: r.row)


def _ambiguous(rows: tuple[OwnerRow, ...], guest: str, file: str) -> DataIssue:
    numbers = ", ".join(str(r.row) for r in rows[:-1]) + f" and {rows[-1].row}"
    owners = tuple(dict.fromkeys(r.owner for r in rows))
    return DataIssue("warning", file, f"guest '{guest}': owners file rows {numbers} fit it equally well and "
                     f"give different owners ({', '.join(owners)}); the file's owner is not used for it",
                     row=rows[0].row, quoted=(guest, *owners))


def _contacts(rows: tuple[OwnerRow, ...]) -> dict[str, tuple[str | None, str | None, str | None]]:
    """Owner (case ignored) -> the first e-mail, team and cost centre the file gives for them."""
    found: dict[str, list[str | None]] = {}
    for r in rows:
        known = found.setdefault(r.owner.lower(), [None, None, None])
        for i, value in enumerate((r.email, r.team, r.cost_centre)):
            known[i] = known[i] or value
    return {k: (v[0], v[1], v[2]) for k, v in found.items()}


def _unmatched(row: OwnerRow, owners: OwnersFile) -> UnmatchedRow:
    for field in ("vm_uuid", "guest", "cluster", "folder"):
        value = getattr(row, field)
        if value:
            return UnmatchedRow(row.row, owners.columns.get(field, field), value, row.owner)
    raise AssertionError("a usable row names guests")  # parse_owners keeps no other row


def _summary(o: Ownership) -> str:
    return (f"owners: {o.guests_from_file:,} guest(s) from the owners file, {o.guests_from_export:,} from the "
            f"export's owner column, {o.guests_without:,} without an owner")


def unowned_guests(analysis: Analysis) -> tuple[UnownedGuest, ...]:
    """Guests that tie a host (today or at their next power-on) and have no owner, in host order."""
    from .host_labels import host_labels

    labels = host_labels(analysis.estate)
    hosts: dict[str, list[tuple[str, str]]] = {}
    seen: dict[str, tuple[str, str | None]] = {}
    for h in analysis.hosts:
        for g in (*h.blockers, *h.blockers_at_power_on):
            if g.owner:
                continue
            seen.setdefault(g.key, (g.name, g.guest_cluster))
            names = hosts.setdefault(g.key, [])
            if h.key not in [k for k, _ in names]:
                names.append((h.key, h.name))
    return tuple(UnownedGuest(key, name, tuple(n for _, n in hosts[key]), cluster,
                              tuple(labels.get(k, n) for k, n in hosts[key]), analysis.guest_label(key, name))
                 for key, (name, cluster) in seen.items())


UNOWNED = "unowned"
"""The tally of the data-quality warnings about guests that tie a host and have no owner."""
UNOWNED_NAMES = 5
"""Guests named in the counted row of the PDF (the data files list every one)."""


def unowned_row(names: Sequence[str]) -> str:
    """The one data-quality row of the PDF for the guests of one export that tie a host and have no owner."""
    n = len(names)
    shown = ", ".join(names[:UNOWNED_NAMES]) + (f" and {n - UNOWNED_NAMES:,} more" if n > UNOWNED_NAMES else "")
    if n == 1:
        return (f"1 guest that ties a host has no owner: {shown} — nobody to ask for its maintenance (add it to the "
                "owners file)")
    return (f"{n:,} guests that tie a host have no owner: {shown} — nobody to ask for their maintenance (add them "
            "to the owners file; the data files list every one)")


def with_unowned(analysis: Analysis) -> Analysis:
    """The analysis with one data-quality warning per guest that ties a host without an owner."""
    unowned = unowned_guests(analysis)
    if not unowned:
        return analysis
    estate = analysis.estate
    files = dict(zip(estate.sources.column("source_id").to_pylist(), estate.sources.column("file").to_pylist()))
    source = dict(zip(estate.guests.column("guest_key").to_pylist(), estate.guests.column("source_id").to_pylist()))
    issues = []
    for g in unowned:
        of = f" (guest cluster {g.guest_cluster})" if g.guest_cluster else ""
        issues.append(DataIssue("warning", Path(str(files.get(source.get(g.key), ""))).name,
                                f"guest '{g.name}'{of} ties host {', '.join(g.host_labels or g.hosts)} but has no owner: "
                                "nobody to "
                                "ask for its maintenance (add it to the owners file)", tally=UNOWNED, subject=g.name))
    return replace(analysis, estate=replace(estate, issues=(*estate.issues, *issues)))


@dataclass(frozen=True)
class OwnerSummary:
    """One owner: contact, where the owner came from, and how many guests they own."""

    owner: str
    email: str | None
    team: str | None
    cost_centre: str | None
    sources: tuple[str, ...]
    guests: int
    """Its guests, as the cover counts them: neither templates nor vCLS agents (which it may own too)."""


def owner_summaries(estate: Estate) -> tuple[OwnerSummary, ...]:
    """Every owner of the estate's guests, by name."""
    t = estate.guests
    found: dict[str, list[tuple[str | None, ...]]] = defaultdict(list)
    guests: dict[str, int] = defaultdict(int)
    rows = zip(t.column("owner").to_pylist(), t.column("owner_email").to_pylist(), t.column("owner_team").to_pylist(),
               t.column("owner_cost_centre").to_pylist(), t.column("owner_source").to_pylist(), guest_rows(t),
               strict=True)
    for owner, email, team, centre, source, guest in rows:
        if owner:
            found[owner].append((email, team, centre, source))
            guests[owner] += guest
    return tuple(
        OwnerSummary(owner, next((r[0] for r in rs if r[0]), None), next((r[1] for r in rs if r[1]), None),
                     next((r[2] for r in rs if r[2]), None), tuple(sorted({str(r[3]) for r in rs if r[3]})),
                     guests[owner])
        for owner, rs in sorted(found.items(), key=lambda kv: kv[0].lower())
    )


def redact_ownership(ownership: Ownership, r: Redactor) -> Ownership:
    """The ownership record with the file, the columns and the values it quotes as pseudonyms (``--redact``)."""
    return replace(
        ownership, file=r.file(ownership.file) if ownership.file else None,
        unmatched=tuple(UnmatchedRow(u.row, str(r.header(u.column)), r.quoted(u.value), r.value("owner", u.owner))
                        for u in ownership.unmatched))

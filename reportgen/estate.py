"""The estate: the canonical tables of every export read, plus what could not be used.

An :class:`Estate` is what importers produce and what rules read. Row-level problems are
:class:`DataIssue` records, never silent drops: every row read is either in a table or
counted in an issue with the reason it was skipped. :class:`TabStatus` says, per source,
which tabs (or Hyper-V object files) were present, so rules can report a check as not
assessed instead of clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Literal

import pyarrow as pa

from . import schema
from .errors import locate

if TYPE_CHECKING:
    from .scope import ScopeNote

IssueLevel = Literal["error", "warning", "info"]


@dataclass(frozen=True)
class DataIssue:
    """A problem with some rows or columns of an export that did not stop the audit."""

    level: IssueLevel
    file: str
    message: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    rows: int = 1
    """How many rows the issue covers (skipped or affected)."""
    skipped: bool = False
    """True when the rows were left out of the estate."""
    quoted: tuple[str, ...] = ()
    """Names and values the message quotes word for word, so that ``--redact`` can replace them."""
    tally: str = ""
    """Set on issues the PDF counts in one row per file ('unowned'), naming ``subject``, not one row each."""
    subject: str = ""
    """What a tallied issue is about (a guest's name), named in the counted row."""

    def where(self) -> str:
        return locate(self.file, self.sheet, self.row, self.column)


EMPTY_TAB = "empty-tab"
"""The tally of the notes on tabs with a header and no rows: the PDF names them in one row per export."""


@dataclass(frozen=True)
class TabStatus:
    """Whether one tab / object type was present in one source, and how many rows it had."""

    source_id: int
    tab: str
    present: bool
    rows_read: int = 0
    rows_used: int = 0
    columns: frozenset[str] = frozenset()
    missing: tuple[str, ...] = ()
    """Columns the importer reads from this tab that the export does not have."""
    gaps: tuple[str, ...] = ()
    """Where the exporter says reading this object failed or was partial ('Get-VM failed on HV02 (...)'):
    the rows present are not all there are, so checks that need the tab are not assessed."""
    empty: frozenset[str] = frozenset()
    """Columns present but without a value on any row where the exporter writes one: unknown, as if missing."""
    errors: frozenset[str] = frozenset()
    """Columns with cells holding a spreadsheet error value (#N/A...): some values unknown, so not assessed."""
    unreadable: frozenset[str] = frozenset()
    """Columns with values the importer cannot read ('PRAWDA', '1,024'): some values unknown, so not assessed."""
    quoted: tuple[str, ...] = ()
    """Names and texts the gaps quote word for word (nodes, the collector's messages), for ``--redact``."""


@dataclass(frozen=True)
class Estate:
    """Canonical tables (see :mod:`reportgen.schema`) plus issues and tab coverage."""

    tables: dict[str, pa.Table]
    issues: tuple[DataIssue, ...] = ()
    tabs: tuple[TabStatus, ...] = ()
    custom_columns: dict[int, tuple[str, ...]] = field(default_factory=dict)
    """Per source, the custom-attribute / tag columns found (candidates for the owner column)."""
    scope: ScopeNote | None = None
    """The audit's scope (``--include`` / ``--exclude``), when one was given (:mod:`.scope`)."""
    redacted: bool = False
    """True when every name is a pseudonym (``--redact``, :mod:`.redact`)."""

    def __post_init__(self) -> None:
        for name in schema.TABLES:
            if name not in self.tables:
                self.tables[name] = schema.empty(name)

    def table(self, name: str) -> pa.Table:
        return self.tables[name]

    @property
    def sources(self) -> pa.Table:
        return self.tables["sources"]

    @property
    def hosts(self) -> pa.Table:
        return self.tables["hosts"]

    @property
    def guests(self) -> pa.Table:
        return self.tables["guests"]

    def has_tab(self, source_id: int, tab: str) -> bool:
        return any(t.source_id == source_id and t.tab == tab and t.present for t in self.tabs)

    def tab_gaps(self, source_id: int, tab: str) -> tuple[str, ...]:
        """What the exporter could not read of this tab in this source (empty: complete or not known)."""
        return tuple(g for t in self.tabs if t.source_id == source_id and t.tab == tab for g in t.gaps)

    def tab_has_column(self, source_id: int, tab: str, column: str) -> bool:
        return any(
            t.source_id == source_id and t.tab == tab and t.present and column in t.columns for t in self.tabs
        )

    def tab_column_errors(self, source_id: int, tab: str, column: str) -> bool:
        """Whether some cells of the tab's column hold a spreadsheet error value instead of a value."""
        return any(t.source_id == source_id and t.tab == tab and column in t.errors for t in self.tabs)

    def tab_column_unreadable(self, source_id: int, tab: str, column: str) -> bool:
        """Whether some cells of the tab's column hold a value the importer could not read."""
        return any(t.source_id == source_id and t.tab == tab and column in t.unreadable for t in self.tabs)

    def tab_column_empty(self, source_id: int, tab: str, column: str) -> bool:
        """Whether the tab has the column but no value in it where the exporter writes one."""
        return any(t.source_id == source_id and t.tab == tab and t.present and column in t.empty for t in self.tabs)


# Row order of each table: exports in the order given, rows in file order, then keys. Polars
# group-bys and joins do not promise an order; sorting once here makes every output (host
# order, wave numbers, JSON) the same from run to run.
ORDER: dict[str, tuple[str, ...]] = {
    "sources": ("source_id",),
    "clusters": ("source_id", "cluster_key"),
    "hosts": ("source_id", "host_key"),
    "guests": ("source_id", "row", "guest_key"),
    "disks": ("source_id", "row", "guest_key", "label", "path"),
    "nics": ("source_id", "row", "guest_key", "label"),
    "networks": ("source_id", "host_key", "network", "switch"),
    "datastores": ("source_id", "datastore_key"),
    "devices": ("source_id", "kind", "row", "guest_key", "detail"),
}


def in_canonical_order(estate: Estate) -> Estate:
    """The same estate with every table sorted by :data:`ORDER` (nulls last)."""
    tables = {}
    for name, table in estate.tables.items():
        keys = [(k, "ascending") for k in ORDER.get(name, ()) if k in table.column_names]
        tables[name] = table.sort_by(keys) if keys and table.num_rows > 1 else table
    return replace(estate, tables=tables)


def merge(estates: list[Estate]) -> Estate:
    """Concatenate estates read from several exports into one, renumbering source ids."""
    if len(estates) == 1:
        return estates[0]
    tables: dict[str, list[pa.Table]] = {name: [] for name in schema.TABLES}
    issues: list[DataIssue] = []
    tabs: list[TabStatus] = []
    custom: dict[int, tuple[str, ...]] = {}
    offset = 0
    for estate in estates:
        count = estate.sources.num_rows
        for name in schema.TABLES:
            table = estate.tables[name]
            if offset and table.num_rows:
                table = schema.conform(name, _shift_source_ids(table, offset))
            tables[name].append(table)
        issues.extend(estate.issues)
        tabs.extend(replace(t, source_id=t.source_id + offset) for t in estate.tabs)
        custom.update({sid + offset: cols for sid, cols in estate.custom_columns.items()})
        offset += count
    return Estate(
        tables={name: pa.concat_tables(parts) for name, parts in tables.items()},
        issues=tuple(issues),
        tabs=tuple(tabs),
        custom_columns=custom,
    )


def _shift_source_ids(table: pa.Table, offset: int) -> pa.Table:
    import polars as pl  # adding a Python int in pyarrow would import pandas, when installed (see schema.from_rows)

    for column in ("source_id", "superseded_by"):
        if column in table.column_names:
            index = table.column_names.index(column)
            shifted = (pl.Series(table.column(column)) + offset).to_arrow()
            # Keep the field (and its not-null flag) so the shifted table still concatenates.
            table = table.set_column(index, table.schema.field(index), shifted.cast(pa.int32()))
    return table

"""The text tables read from an RVTools export, and what every reader does to a tab.

One :class:`RawTab` per tab reportgen uses, with canonical header names (see
:mod:`.rvtools_headers`), every value as text, and the spreadsheet row of each record in
``__row``; :func:`resolve_headers` and :func:`finish` are shared by the workbook reader
(:mod:`.rvtools_xlsx`) and the CSV reader (:mod:`.rvtools_read`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

import polars as pl

from ..errors import InputError
from ..estate import DataIssue
from . import rvtools_headers as H
from .notes import skip_notes
from .resaved import exponent_identities

"""A row with one cell filled is a note when the tab's other rows fill at least this many."""


@dataclass(frozen=True)
class RawTab:
    """One RVTools tab, as text (trimmed; empty cells are null), with canonical headers."""

    tab: str
    sheet: str
    frame: pl.DataFrame
    headers: frozenset[str]
    """Every canonical header the tab has (also those not materialised)."""
    custom: tuple[str, ...]
    """Custom-attribute, tag and hand-added columns, in file order (materialised)."""
    blank_rows: int = 0
    """Rows with no value at all, dropped (and reported) while reading."""
    errors: frozenset[str] = frozenset()
    """Columns with cells that hold a spreadsheet error value (#N/A, #REF!...) instead of a value: read as
    empty, but unknown rather than empty, so the checks that need them are not assessed."""
    garbled: frozenset[str] = frozenset()
    """Identity columns with values Excel re-saved in exponent form ('1.23457E+15'): read as unknown."""


@dataclass(frozen=True)
class RawExport:
    """The tabs of one RVTools export."""

    file: str
    format: str
    tabs: dict[str, RawTab]
    issues: tuple[DataIssue, ...]
    unread: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Tabs whose file or sheet is there but could not be read -> (why, the file or sheet named): the checks that
    need them are not assessed."""


def resolve_headers(
    tab: str, raw_names: list[str], file: str, sheet: str, issues: list[DataIssue]
) -> tuple[dict[int, str], list[int]]:
    """Map column positions to canonical names; returns (position -> name, custom positions).

    Duplicated names (a custom attribute called 'Host') are resolved by position: the copy
    inside the custom-attribute region (after 'Annotation' in VM tabs, after 'Object ID'
    elsewhere) or after RVTools' last column is the custom attribute; the other is RVTools' own
    column. When not exactly one copy is outside those places, none is read (see :func:`_ambiguous`).
    """
    known = H.KNOWN.get(tab, frozenset())
    names = [H.canonical_header(tab, n) for n in raw_names]
    anchor_name = "Annotation" if tab in H.VM_TABS else "Object ID"
    anchor = names.index(anchor_name) if anchor_name in names else None
    positions: dict[str, list[int]] = {}
    for i, n in enumerate(names):
        positions.setdefault(n, []).append(i)
    first_known_after_anchor = None
    if anchor is not None:
        for i in range(anchor + 1, len(names)):
            if names[i] in known and len(positions[names[i]]) == 1:
                first_known_after_anchor = i
                break
    # Columns added by hand go after RVTools' last column: past the last known name written once.
    last_known = max((i for i, n in enumerate(names) if n in known and len(positions[n]) == 1), default=None)
    mapping: dict[int, str] = {}
    custom: list[int] = []
    unnamed = [i + 1 for i, n in enumerate(names) if not n or n.startswith("__UNNAMED__")]
    if unnamed:
        issues.append(DataIssue(
            "info", file, f"{len(unnamed)} column(s) without a header ignored (column number "
            f"{', '.join(str(i) for i in unnamed[:5])}{' …' if len(unnamed) > 5 else ''})", sheet=sheet))
    for n, where in positions.items():
        if not n or n.startswith("__UNNAMED__"):
            continue
        if n not in known:
            for i in where:
                mapping[i] = n if len(where) == 1 else f"{n} ({i + 1})"
                custom.append(i)
            continue
        if len(where) == 1:
            mapping[where[0]] = n
            continue
        in_region = [
            i
            for i in where
            if (anchor is not None and i > anchor and (first_known_after_anchor is None or i < first_known_after_anchor))
            or (last_known is not None and i > last_known)
        ]
        outside = [i for i in where if i not in in_region]
        if len(outside) != 1:
            _ambiguous(n, where, mapping, custom, issues, file, sheet)
            continue
        real = outside[0]
        mapping[real] = n
        for i in where:
            if i != real:
                mapping[i] = f"{n} (custom attribute)"
                custom.append(i)
        issues.append(
            DataIssue(
                "info",
                file,
                f"the column name '{n}' appears {len(where)} times; the custom attribute of that name "
                f"is read as '{n} (custom attribute)' and RVTools' own column is used",
                sheet=sheet,
                column=n,
            )
        )
    return mapping, sorted(custom)


def _ambiguous(name: str, where: list[int], mapping: dict[int, str], custom: list[int],
               issues: list[DataIssue], file: str, sheet: str) -> None:
    """A header repeated where none of its copies can be told to be RVTools' own: none is read as it."""
    numbers = ", ".join(str(i + 1) for i in where)
    for i in where:
        mapping[i] = f"{name} ({i + 1})"
        custom.append(i)
    issues.append(DataIssue(
        "warning", file,
        f"the column name '{name}' appears {len(where)} times (column numbers {numbers}) and none of them is "
        f"where custom attributes are written, so RVTools' own column cannot be told apart: '{name}' is read "
        "as missing and the checks that need it are not assessed; rename or remove the copies that are not "
        "RVTools' own and audit again",
        sheet=sheet, column=name,
    ))


def wanted(tab: str, needed: frozenset[str]) -> Callable[[str], bool]:
    """Whether a raw header is worth materialising: needed by the mapping, or custom."""
    known = H.KNOWN.get(tab, frozenset())

    def want(raw: str) -> bool:
        name = H.canonical_header(tab, raw)
        return name in needed or (name not in known and not raw.startswith("__UNNAMED__"))

    return want


def finish(
    tab: str, sheet: str, file: str, raw_names: list[str], frame: pl.DataFrame,
    loaded: list[int], issues: list[DataIssue], errors: dict[int, int] | None = None, first_error: int | None = None,
    odd: dict[int, int] | None = None, first_odd: int | None = None,
) -> RawTab:
    """Rename materialised columns (at positions ``loaded``) to canonical names; ``errors``: position -> cells
    holding a spreadsheet error value (said where the column is one of RVTools' own); ``odd``: position -> cells
    whose value their type cannot have (said wherever they are)."""
    mapping, custom = resolve_headers(tab, raw_names, file, sheet, issues)
    damaged = {i: n for i, n in (errors or {}).items() if i in mapping and i not in custom}
    strange = {i: n for i, n in (odd or {}).items() if i in mapping}
    if strange:
        issues.append(DataIssue(
            "warning", file, f"{sum(strange.values())} cell(s) hold a value their type cannot have (a date before "
            "1900 or after 9999, or not a number; a true/false other than 1 and 0), which no spreadsheet shows: "
            "they are read as unknown and the checks that need their columns are not assessed; export it again "
            "from RVTools, or fix the cells", sheet=sheet, row=first_odd,
            column=", ".join(mapping[i] for i in sorted(strange)), rows=sum(strange.values())))
    if damaged:  # a column added by hand (a formula) is nobody's evidence
        issues.append(DataIssue(
            "warning", file, f"{sum(damaged.values())} cell(s) hold a spreadsheet error value where RVTools writes "
            "a value: the export was edited after RVTools wrote it (a formula or a paste that failed). They are read "
            "as unknown and the checks that need their columns are not assessed; export it again from RVTools, or "
            "fix the cells", sheet=sheet, row=first_error, column=", ".join(mapping[i] for i in sorted(damaged)),
            rows=sum(damaged.values())))
    data = [c for c in frame.columns if c != "__row"]
    keep = {data[k]: mapping[i] for k, i in enumerate(loaded) if i in mapping}
    frame = frame.select([pl.col(old).alias(new) for old, new in keep.items()] + [pl.col("__row")])
    frame, garbled = exponent_identities(frame, file, sheet, issues)
    return RawTab(
        tab=tab,
        sheet=sheet,
        frame=frame,
        headers=frozenset(n for i, n in mapping.items() if i not in custom),
        custom=tuple(mapping[i] for i in custom),
        errors=frozenset(mapping[i] for i in {**damaged, **strange} if i not in custom),
        garbled=garbled,
    )


def drop_blank(tab: RawTab, file: str, issues: list[DataIssue]) -> RawTab:
    """Drop rows where every cell is empty, counting them, then notes typed under or beside the table."""
    data_cols = [c for c in tab.frame.columns if c != "__row"]
    if not data_cols or tab.frame.is_empty():
        return tab
    blank = pl.all_horizontal(pl.col(data_cols).is_null())
    count = tab.frame.select(blank.sum()).item()
    if count:
        issues.append(
            DataIssue(
                "info", file, f"{count} blank row(s) skipped", sheet=tab.sheet, rows=count, skipped=True
            )
        )
        tab = replace(tab, frame=tab.frame.filter(~blank), blank_rows=count)
    return drop_notes(tab, file, issues, data_cols)


def drop_notes(tab: RawTab, file: str, issues: list[DataIssue], data_cols: list[str]) -> RawTab:
    """Drop the notes typed under an infrastructure tab ('Total: 12 hosts'): not a host, switch or datastore.

    The per-VM tabs are left alone: their rows join a guest by identity, and a note joins none.
    """
    if tab.tab in H.VM_TABS:
        return tab
    kept = skip_notes(tab.frame, data_cols, issues, file, tab.sheet, "tab", "a row of the export")
    return replace(tab, frame=kept, blank_rows=tab.blank_rows + tab.frame.height - kept.height)


def no_vinfo(file: str, sheets: list[str], not_tables: dict[str, str] | None = None) -> InputError:
    """The workbook has no vInfo sheet: say which sheets it has, so a renamed or trimmed one can be spotted."""
    kind = next((k for name, k in (not_tables or {}).items() if H.canonical_tab(name) == "vInfo"), None)
    if kind is not None:
        what = {"chartsheet": "a chart sheet", "dialogsheet": "a dialog sheet"}.get(kind, f"a {kind} sheet")
        return InputError(f"its vInfo sheet is {what}, not a table of VMs", where=file,
                          hint="export the workbook again from RVTools; reportgen reads vInfo's rows and cells")
    shown = ", ".join(f"'{s}'" for s in sheets[:20]) + (f" and {len(sheets) - 20} more" if len(sheets) > 20 else "")
    return InputError(f"has no vInfo sheet (its sheets: {shown or 'none'})", where=file,
                      hint="reportgen needs at least vInfo: export the workbook again from RVTools with all tabs, or "
                      "give a sheet renamed in Excel its RVTools name (vInfo) again")


def two_copies(tab: str, first: str, second: str, file: str, what: str) -> InputError:
    """Two sheets (or CSV files) of one export hold the same tab: which one RVTools wrote cannot be told."""
    folders = {name.rpartition("/")[0] for name in (first, second)}
    hint = ("an archive of several exports: give each export (its folder, zip or workbook) on the command line, "
            "one per vCenter" if len(folders) > 1 else "delete or rename the copy and audit again")
    return InputError(f"the {what} '{first}' and '{second}' both hold the {tab} tab, and reportgen cannot tell "
                      "which one RVTools wrote", where=file, hint=hint)



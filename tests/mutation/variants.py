"""Variants of one export: a tab dropped, a column dropped, blanked, moved or renamed, stray cells,
a custom attribute named like a real header, a file cut short, a CSV in another encoding.

Each :class:`Variant` says what it did and what a correct audit must make of it
(:class:`Expect`); :mod:`.harness` writes it, audits it and checks that.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

import polars as pl

from reportgen.importers.filled import EMPTY_MEANS_NONE, WRITTEN_WHERE
from reportgen.importers.hyperv_resaved import FREE_TEXT
from reportgen.importers.rvtools_base import NEEDED
from reportgen.importers.rvtools_headers import KNOWN, VM_TABS, canonical_header

from .book import Book, Sheet, write_book, write_csv_folder

Expect = Literal["lost", "same", "survives"]
"""'lost': the named (tab, column)s are gone, rules needing them must turn not assessed;
'same': nothing a rule needs changed, coverage must equal the original's;
'survives': only no internal error and every row accounted for (a damaged file)."""

JUNK = "zz not a header"


@dataclass(frozen=True)
class Variant:
    kind: str
    tab: str
    column: str | None
    expect: Expect
    write: Callable[[Path], Path]
    """Writes the variant under a folder and returns the path to audit."""
    lost: frozenset[tuple[str, str | None]] = frozenset()
    """(tab, column) removed or blanked; column None for a whole tab."""
    platform: str = "vsphere"

    @property
    def name(self) -> str:
        return f"{self.kind}:{self.tab}" + (f":{self.column}" if self.column else "")


def _aliases() -> dict[tuple[str, str], str]:
    """(tab, canonical header) -> an older name RVTools used for it, from the importer's own table."""
    from reportgen.importers import rvtools_headers as H

    found: dict[tuple[str, str], str] = {}
    candidates = [*H._ALIASES_ALL, *H._ALIASES_VM_TABS]
    for tab, known in KNOWN.items():
        for old in candidates:
            new = canonical_header(tab, old)
            if new != old and new in known:
                found.setdefault((tab, new), old)
        for name in known:
            if "MiB" in name:
                found.setdefault((tab, name), name.replace("MiB", "MB"))
    return found


ALIASES = _aliases()


def variants(book: Book) -> Iterator[Variant]:
    """Every variant of ``book`` the harness knows, in a fixed order."""
    found = [v for sheet in book.sheets if sheet.tab is not None for v in _sheet_variants(book, sheet, sheet.tab)]
    yield from (replace(v, platform=book.platform) for v in [*found, *_file_variants(book)])


def _sheet_variants(book: Book, sheet: Sheet, tab: str) -> Iterator[Variant]:
    yield _book_variant(lambda: book.without(tab), "drop-tab", tab, None, "lost", {(tab, None)})
    for index, raw in enumerate(sheet.header):
        if book.platform == "hyperv" and raw:  # every column: the importer reads Hyper-V objects whole
            yield from _column_variants(book, sheet, tab, index, raw)
        elif raw and canonical_header(tab, raw) in NEEDED.get(tab, frozenset()):
            yield from _column_variants(book, sheet, tab, index, canonical_header(tab, raw))
    if sheet.rows:  # a note below or beside a table that has rows
        yield _book_variant(lambda: book.with_sheet(_stray_below(sheet)), "stray-below", tab, None, "same")
        yield _book_variant(lambda: book.with_sheet(_stray_beside(sheet)), "stray-beside", tab, None, "same")
    for like in _lookalikes(sheet, tab) if book.platform != "hyperv" else ():
        yield _book_variant(lambda like=like: book.with_sheet(_custom_attribute(sheet, tab, like)),  # type: ignore[misc]
                            "custom-attribute", tab, like, "same")


def _column_variants(book: Book, sheet: Sheet, tab: str, index: int, column: str) -> Iterator[Variant]:
    gone = {(tab, column)}
    yield _book_variant(lambda: book.with_sheet(_drop_column(sheet, index)), "drop-column", tab, column, "lost", gone)
    if _rows_written(sheet, tab, column):
        # Blanked where RVTools writes a value: unknown. Where an empty cell means "none" (no DRS rule) the
        # export still says something true, so only the general promises are checked.
        blank: Expect = "survives" if column in EMPTY_MEANS_NONE.get(tab, ()) else "lost"
        yield _book_variant(lambda: book.with_sheet(_blank_column(sheet, index)), "blank-column", tab, column, blank, gone)
    yield _book_variant(lambda: book.with_sheet(_rename(sheet, index, f"{JUNK} {index}")), "rename-junk", tab, column,
                        "lost", gone)
    yield _book_variant(lambda: book.with_sheet(_move(sheet, index)), "reorder", tab, column, "same")
    first = _first_value(sheet, index)
    if book.kind != "xlsx" and first is not None and column not in FREE_TEXT:
        # Excel's '#N/A' where a CSV had a value: unknown, never a value that pairs or hides things.
        yield _book_variant(lambda: book.with_sheet(_error_cell(sheet, first, index)), "error-cell", tab, column,
                            "lost", gone)
    alias = ALIASES.get((tab, column))
    if alias is not None and alias not in sheet.header:
        yield _book_variant(lambda: book.with_sheet(_rename(sheet, index, alias)), "rename-alias", tab, column, "same")


def _book_variant(make: Callable[[], Book], kind: str, tab: str, column: str | None, expect: Expect,
                  lost: set[tuple[str, str | None]] | None = None) -> Variant:
    """A variant whose book is made only when it is written (an export has hundreds of variants)."""
    return Variant(kind, tab, column, expect, lambda where: write_book(make(), where), frozenset(lost or ()))


# -- column and cell changes ------------------------------------------------------------------

def _rows_written(sheet: Sheet, tab: str, column: str) -> int:
    """Rows on which the exporter writes ``column`` (the importer's own declaration), 0 for an empty tab."""
    where = WRITTEN_WHERE.get((tab, column))
    if where is None or not sheet.rows:
        return len(sheet.rows)
    names = [canonical_header(tab, h) if h else f"__{i}" for i, h in enumerate(sheet.header)]
    columns = {n: [None if r[i] is None else str(r[i]) for r in sheet.rows] for i, n in enumerate(names)
               if names.index(n) == i}
    frame = pl.DataFrame({n: pl.Series(n, v, dtype=pl.String) for n, v in columns.items()})
    return int(frame.select(where(frame).sum()).item())


def _drop_column(sheet: Sheet, index: int) -> Sheet:
    header = sheet.header[:index] + sheet.header[index + 1:]
    return sheet.with_rows(header, [r[:index] + r[index + 1:] for r in sheet.rows])


def _blank_column(sheet: Sheet, index: int) -> Sheet:
    return sheet.with_rows(sheet.header, [r[:index] + (None,) + r[index + 1:] for r in sheet.rows])


def _first_value(sheet: Sheet, index: int) -> int | None:
    """The first row with a value in column ``index``."""
    return next((n for n, r in enumerate(sheet.rows) if index < len(r) and r[index] not in (None, "")), None)


def _error_cell(sheet: Sheet, row: int, index: int) -> Sheet:
    cells = list(sheet.rows[row])
    cells[index] = "#N/A"
    return replace(sheet, rows=(*sheet.rows[:row], tuple(cells), *sheet.rows[row + 1:]))


def _rename(sheet: Sheet, index: int, name: str) -> Sheet:
    return sheet.with_rows(sheet.header[:index] + (name,) + sheet.header[index + 1:], list(sheet.rows))


def _move(sheet: Sheet, index: int) -> Sheet:
    """The column moved to the far end (or to the front when it is already last)."""
    order = list(range(len(sheet.header)))
    order.remove(index)
    order = [index, *order] if index == len(sheet.header) - 1 else [*order, index]
    return sheet.with_rows(tuple(sheet.header[i] for i in order),
                           [tuple(r[i] for i in order) for r in sheet.rows])


def _stray_below(sheet: Sheet) -> Sheet:
    """A note two rows under the table, in its first column, as people type totals."""
    width = len(sheet.header)
    note = ("Total: see summary",) + (None,) * (width - 1)
    return sheet.with_rows(sheet.header, [*sheet.rows, (None,) * width, note])


def _stray_beside(sheet: Sheet) -> Sheet:
    """A value in the column right of the table, on its first data row, with no header."""
    rows = [(*r, None) for r in sheet.rows]
    if rows:
        rows[0] = (*rows[0][:-1], "checked by J.")
    return sheet.with_rows((*sheet.header, None), rows)


def _lookalikes(sheet: Sheet, tab: str) -> list[str]:
    """Real headers of the tab a custom attribute could be named like (the identity columns)."""
    wanted = ("Host", "VM ID") if tab in VM_TABS else ("Host", "Name", "Switch")
    return [w for w in wanted if w in {canonical_header(tab, h) for h in sheet.header if h}][:1]


def _custom_attribute(sheet: Sheet, tab: str, name: str) -> Sheet:
    """A custom-attribute column named ``name`` where RVTools puts them (after 'Annotation'), else at the end."""
    names = [canonical_header(tab, h) if h else "" for h in sheet.header]
    at = names.index("Annotation") + 1 if "Annotation" in names else len(names)
    header = sheet.header[:at] + (name,) + sheet.header[at:]
    rows = [r[:at] + (f"owner {i % 3}",) + r[at:] for i, r in enumerate(sheet.rows)]
    return sheet.with_rows(header, rows)


# -- whole files ------------------------------------------------------------------------------

def _file_variants(book: Book) -> Iterator[Variant]:
    for fraction in (0.35, 0.7, 0.97):
        yield Variant("cut-short", "*", f"{fraction:.0%}", "survives", _cut(book, fraction))
    for encoding, delimiter in (("utf-8-sig", ";"), ("utf-16", "\t"), ("cp1252", ","), ("utf-16-le", ",")):
        label = f"{encoding} {'tab' if delimiter == chr(9) else delimiter}"
        yield Variant("csv", "*", label, "same",
                      lambda where, e=encoding, d=delimiter: write_csv_folder(book, where / "export", e, d))


def _cut(book: Book, fraction: float) -> Callable[[Path], Path]:
    """The export cut short: the xlsx file's bytes, or the largest CSV in the middle of a line."""

    def write(where: Path) -> Path:
        path = write_book(book, where)
        target = path if path.is_file() else max(path.iterdir(), key=lambda p: p.stat().st_size)
        data = target.read_bytes()
        target.write_bytes(data[: max(1, int(len(data) * fraction))])
        return path

    return write


def sample(all_variants: list[Variant], count: int, seed: int) -> list[Variant]:
    """A seeded sample of ``count`` variants, each of another kind while kinds last."""
    rng = random.Random(seed)
    by_family: dict[str, list[Variant]] = {}
    for v in all_variants:
        by_family.setdefault(v.kind, []).append(v)
    families = sorted(by_family)
    rng.shuffle(families)
    chosen = [rng.choice(by_family[f]) for f in families[:count]]
    rest = [v for v in all_variants if v not in chosen]
    chosen.extend(rng.sample(rest, max(0, min(len(rest), count - len(chosen)))))
    return chosen

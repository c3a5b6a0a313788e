"""Notes typed under or beside a table ('Total: 12 hosts'): a row with one cell filled, where the table's other
rows fill several, is not a row of the export. Such rows are skipped and said, never read as a host or a VM."""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue

NOTE_MIN_CELLS = 3
"""A table whose rows fill fewer cells than this (by the median) is too sparse to tell a note from a row."""


def lone_cells(frame: pl.DataFrame, columns: list[str]) -> pl.Series | None:
    """The rows of ``frame`` holding a value in one of ``columns`` only, when they are notes: fewer than half of
    the rows, the others filling :data:`NOTE_MIN_CELLS` or more. None when no row is a note."""
    if len(columns) < NOTE_MIN_CELLS or frame.height < 2:
        return None
    filled = frame.select(pl.sum_horizontal(pl.col(columns).is_not_null()).alias("n"))["n"]
    lone = filled == 1
    notes = int(lone.sum())
    if not notes or notes * 2 >= frame.height or filled.filter(~lone).median() < NOTE_MIN_CELLS:  # type: ignore[operator]
        return None
    return lone


def skip_notes(frame: pl.DataFrame, columns: list[str], issues: list[DataIssue], file: str, sheet: str,
               place: str, what: str) -> pl.DataFrame:
    """``frame`` without its notes, each counted in one warning: the ``place`` ('tab', 'file') whose other rows
    are filled, and ``what`` a row would otherwise have been read as."""
    lone = lone_cells(frame, columns)
    if lone is None:
        return frame
    first = frame.filter(lone).row(0, named=True)
    column, value = next((c, first[c]) for c in columns if first[c] is not None)
    notes = int(lone.sum())
    issues.append(DataIssue(
        "warning", file, f"{notes} row(s) skipped: only one cell holds a value (e.g. {column} '{value}') where the "
        f"{place}'s other rows are filled: a note typed under or beside the table, not {what}",
        sheet=sheet, row=int(first["__row"]), column=column, rows=notes, skipped=True, quoted=(str(value),)))
    return frame.filter(~lone)


def skip_blank_rows(frame: pl.DataFrame, columns: list[str], issues: list[DataIssue], file: str,
                    sheet: str) -> pl.DataFrame:
    """``frame`` without its rows of empty cells (a blank line left above a note), counted in one line."""
    if not columns:
        return frame
    blank = frame.select(pl.all_horizontal(pl.col(columns).is_null()).alias("b"))["b"]
    count = int(blank.sum())
    if not count:
        return frame
    issues.append(DataIssue("info", file, f"{count} blank row(s) skipped", sheet=sheet,
                            row=int(frame.filter(blank)["__row"][0]), rows=count, skipped=True))
    return frame.filter(~blank)

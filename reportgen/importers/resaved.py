"""What a spreadsheet program leaves in a CSV or workbook it opened and saved again: error values where a value
was (``#N/A``, ``#REF!``…) and long numbers kept to their first digits (``1.23457E+15``).

Both RVTools and Hyper-V exports are read through these, so one list of error values and one idea of a mangled
number serve every importer.
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue

ERROR_VALUES = frozenset({
    "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!", "#FIELD!",
    "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!", "#GETTING_DATA",
    "#NV", "#BEZUG!", "#WERT!", "#ZAHL!",  # German
    "#VALEUR!", "#NOM?", "#NOMBRE!", "#NUL!",  # French
    "#¡REF!", "#¡VALOR!", "#¿NOMBRE?", "#¡NUM!", "#¡NULO!", "#¡DIV/0!",  # Spanish
    "#VALOR!", "#NOME?", "#NÚM!",  # Portuguese
})
"""Error values as Excel writes them into a CSV (English and the commonest display languages): what a formula or
a failed paste left where the exporter wrote a value."""


def error_values(frame: pl.DataFrame, columns: list[tuple[int, str]]
                 ) -> tuple[pl.DataFrame, dict[int, int], int | None]:
    """``frame`` with the error values a spreadsheet wrote into a CSV made unknown, how many per position, and
    the first row holding one: text like any other to a CSV reader, two '#N/A' LUN ids would be one shared disk."""
    words = list(ERROR_VALUES)
    counts = frame.select([pl.col(c).str.to_uppercase().is_in(words).sum().alias(c) for _, c in columns]).row(
        0, named=True) if columns and frame.height else {}
    errors = {i: int(counts[c]) for i, c in columns if counts.get(c)}
    if not errors:
        return frame, {}, None
    hit = [c for i, c in columns if i in errors]
    rows = frame.filter(pl.any_horizontal([pl.col(c).str.to_uppercase().is_in(words) for c in hit]))["__row"]
    return (frame.with_columns([pl.when(pl.col(c).str.to_uppercase().is_in(words)).then(None).otherwise(pl.col(c))
                                .alias(c) for c in hit]), errors, int(rows[0]) if rows.len() else None)


IDENTITIES = frozenset({
    "VM", "VM ID", "VM UUID", "VI SDK UUID", "VI SDK Server", "Host", "Cluster", "Datacenter", "Raw LUN ID",
    "Mac Address", "Name", "Switch", "Port Group", "Network", "Port",
})
"""RVTools columns whose values tell things apart (two rows with equal values are one disk, guest, host...)."""
EXPONENT = r"^[+-]?\d+(?:[.,]\d+)?[Ee][+-]\d+$|^[1-9]\d{14}0+$"
"""A long number as Excel re-saves it: in exponent form, as its General format shows it ('1.23457E+15'), or cut
to 15 significant digits and padded with zeros (a workbook's number cell, '60001000000000000000000000000000').
Exporters write identities whole, as text."""
RVTOOLS_REMEDY = "Export it again from RVTools (or import the CSV into Excel with the column as text)"


def exponent_identities(frame: pl.DataFrame, file: str, sheet: str, issues: list[DataIssue],
                        identities: frozenset[str] = IDENTITIES,
                        remedy: str = RVTOOLS_REMEDY) -> tuple[pl.DataFrame, frozenset[str]]:
    """``frame`` with ``identities`` in exponent form made unknown, each column named in ``issues``.

    Excel keeps 15 digits of a number and shows 6 of them: a LUN id, serial or UUID it read as a number no
    longer tells two objects apart (two disks could become one shared disk, or hide each other)."""
    columns = [c for c in frame.columns if c in identities]
    if not columns or frame.is_empty():
        return frame, frozenset()
    hits = frame.select([pl.col(c).str.contains(EXPONENT).fill_null(False).sum().alias(c) for c in columns]).row(
        0, named=True)
    garbled = [c for c in columns if hits[c]]
    for column in garbled:
        bad = frame.filter(pl.col(column).str.contains(EXPONENT).fill_null(False))
        sample = str(bad[column][0])
        issues.append(DataIssue(
            "warning", file, f"{bad.height:,} value(s) are long numbers as Excel re-saves them (e.g. '{sample}': "
            "in exponent form, or cut to 15 digits), which keep only their first digits, so two different values "
            f"may read alike; read as unknown, and the checks that need the column are not assessed. {remedy}",
            sheet=sheet, row=int(bad["__row"][0]), column=column, rows=bad.height, quoted=(sample,)))
    frame = frame.with_columns([pl.when(pl.col(c).str.contains(EXPONENT).fill_null(False)).then(None)
                                .otherwise(pl.col(c)).alias(c) for c in garbled])
    return frame, frozenset(garbled)

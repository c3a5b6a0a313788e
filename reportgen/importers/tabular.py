"""Reading delimited text exports whatever wrote them: RVTools CSV, PowerShell Export-Csv.

Sniffs the encoding (UTF-8 with or without BOM, UTF-16 with BOM, cp1252) and the delimiter
(``,`` ``;`` tab), skips a PowerShell ``#TYPE`` line, and returns every column as text with
the header names exactly as written (duplicates suffixed ``_1``, ``_2``; see
:func:`dedupe`). Conversion to typed values happens later, in :mod:`.values`.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass

import polars as pl

from ..errors import InputError

DELIMITERS = (",", ";", "\t", "|")

@dataclass(frozen=True)
class TextTable:
    """A delimited file read as text."""

    headers: tuple[str, ...]
    """Header cells as written (stripped), in file order; duplicates keep their raw name."""
    frame: pl.DataFrame
    """One text column per header, named by :func:`dedupe`, plus ``__row`` (1-based line of the record)."""
    encoding: str
    delimiter: str
    type_line: str | None
    """The PowerShell ``#TYPE ...`` line, when present."""
    ragged: tuple[int, ...] = ()
    """Row indexes (0-based, into ``frame``) of records with more or fewer fields than the header."""
    cut_short: bool = False
    """The file ends inside its last record (no line break after it, and it has fewer fields than the header):
    a copy or a download stopped part-way, so records after it are missing."""


def decode(data: bytes, file: str) -> tuple[str, str]:
    """Decode bytes to text, returning (text, encoding name); InputError for UTF-16 that does not decode."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith(codecs.BOM_UTF16_LE) or data.startswith(codecs.BOM_UTF16_BE):
        return _utf16(data, "utf-16", file), "utf-16"
    if len(data) >= 4 and data[1] == 0 and data[3] == 0 and data[0] != 0:
        return _utf16(data, "utf-16-le", file), "utf-16-le"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace"), "cp1252"


def _utf16(data: bytes, encoding: str, file: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        cut = " (an odd number of bytes: it was cut short)" if len(data) % 2 else ""
        raise InputError(
            f"is UTF-16 text that cannot be decoded at byte {exc.start:,}{cut}", where=file,
            hint="copy or export the file again; if it was edited, save it as UTF-8 or UTF-16 with Excel or a text "
                 "editor",
        ) from None


def sniff_delimiter(header_line: str) -> str:
    """The delimiter that splits the header line into the most fields."""
    best, best_count = ",", 0
    for delimiter in DELIMITERS:
        try:
            count = len(next(csv.reader([header_line], delimiter=delimiter)))
        except (csv.Error, StopIteration):
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def dedupe(headers: list[str]) -> list[str]:
    """Unique column names: the second 'Host' becomes 'Host_1', the third 'Host_2'."""
    seen: dict[str, int] = {}
    out = []
    for header in headers:
        name = header or "__UNNAMED__"
        if name in seen:
            seen[name] += 1
            candidate = f"{name}_{seen[name]}"
            while candidate in seen:
                seen[name] += 1
                candidate = f"{name}_{seen[name]}"
            seen[candidate] = 0
            out.append(candidate)
        else:
            seen[name] = 0
            out.append(name)
    return out


def _line_ends(text: str) -> str:
    """Line ends made ``\n``: classic Mac OS (CR only) and CR CR LF (a CRLF file passed through a text-mode copy);
    a DOS end-of-file mark (Ctrl-Z) after the last line is dropped."""
    text = text.removesuffix("\x1a")
    if "\r" in text and "\n" not in text:
        return text.replace("\r", "\n")
    return re.sub(r"\r\r+\n", "\n", text) if "\r\r" in text else text


class EmptyFile(InputError):
    """A delimited file without even a header row (0 bytes, a byte order mark, blank lines, a ``#TYPE`` line)."""


def read_text_table(data: bytes, file: str) -> TextTable:
    """Read one delimited file into a :class:`TextTable` (all columns as text)."""
    text, encoding = decode(data, file)
    text = _line_ends(text)
    lines_skipped = 0
    type_line = None
    stripped = text.lstrip("\ufeff")
    if stripped.startswith("#TYPE") or stripped.startswith("#type"):
        newline = stripped.find("\n")
        type_line = stripped[: newline if newline >= 0 else None].strip()
        stripped = stripped[newline + 1:] if newline >= 0 else ""
        lines_skipped = 1
    # Skip leading blank lines.
    while stripped.startswith(("\n", "\r\n", "\r")):
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        lines_skipped += 1
    if not stripped.strip():
        raise EmptyFile("the file is empty", where=file, hint="export it again; it holds no header row")
    hinted = None
    first = stripped.split("\n", 1)[0].rstrip("\r")
    if len(first) == 5 and first.lower().startswith("sep="):  # Excel's hint line: 'sep=;' names the delimiter
        hinted = first[4]
        stripped = stripped.split("\n", 1)[1] if "\n" in stripped else ""
        lines_skipped += 1
        if not stripped.strip():
            raise EmptyFile("the file holds only Excel's 'sep=' line", where=file,
                             hint="export it again; it holds no header row")
    header_line = stripped.split("\n", 1)[0].rstrip("\r")
    delimiter = hinted or sniff_delimiter(header_line)
    headers, spaced = _header(header_line, delimiter, file)
    names = dedupe(headers)
    body = stripped.split("\n", 1)[1] if "\n" in stripped else ""
    frame = _body(body, delimiter, names, file, spaced)
    frame = frame.with_columns(
        [pl.col(n).str.strip_chars().replace("", None) for n in names]
    ).with_row_index("__row", offset=lines_skipped + 2)
    frame = frame.with_columns(pl.col("__row").cast(pl.Int32))
    ragged = ragged_records(body, delimiter, len(names), frame.height, spaced)
    cut_short = bool(ragged) and ragged[-1] == frame.height - 1 and not body.endswith(("\n", "\r"))
    return TextTable(tuple(headers), frame, encoding, delimiter, type_line, ragged, cut_short)


def _header(line: str, delimiter: str, file: str) -> tuple[list[str], bool]:
    """The header cells, stripped, and whether they are quoted after a space (``"VM", "Host"``, as some
    scripts write them): then every record is read skipping the space before a quoted field."""
    try:
        cells = next(csv.reader([line], delimiter=delimiter))
        spaced = any(c[:1].isspace() and c.strip().startswith('"') for c in cells)
        if spaced:
            cells = next(csv.reader([line], delimiter=delimiter, skipinitialspace=True))
    except csv.Error as exc:
        raise InputError(
            f"its header row cannot be read ({exc})", where=file,
            hint="check that the file is an unmodified CSV export whose first line holds the column names",
        ) from exc
    return [c.strip() for c in cells], spaced


def _body(body: str, delimiter: str, names: list[str], file: str, spaced: bool) -> pl.DataFrame:
    """The records under the header, one text column per name."""
    if not body.strip():
        return pl.DataFrame({n: pl.Series(n, [], dtype=pl.String) for n in names})
    if spaced:
        return _read_records(body, delimiter, names, file, None, spaced)
    try:
        frame = pl.read_csv(
            io.BytesIO(body.encode("utf-8")),
            has_header=False,
            new_columns=names,
            separator=delimiter,
            infer_schema=False,
            quote_char='"',
            truncate_ragged_lines=True,
        )
    except pl.exceptions.PolarsError as exc:
        # Polars takes the width from the first record: a table with no rows but a stray cell, or one
        # whose only row was cut short. Read record by record instead (short records get nulls).
        frame = _read_records(body, delimiter, names, file, exc)
    # Columns beyond the header (ragged rows) are named column_N by polars: drop them.
    return frame.select(names[: frame.width] if frame.width < len(names) else names)


def _read_records(body: str, delimiter: str, names: list[str], file: str, cause: Exception | None,
                  spaced: bool = False) -> pl.DataFrame:
    """The body read by the csv module, each record cut or padded to the header's width."""
    width = len(names)
    try:
        records = [(r + [""] * width)[:width] for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter,
                                                                  skipinitialspace=spaced)]
    except csv.Error as exc:
        first = f"{str(cause).splitlines()[0]}; " if cause is not None else ""
        raise InputError(
            f"cannot parse as a {delimiter!r}-delimited file: {first}{exc}",
            where=file, hint="check that the file is an unmodified CSV export",
        ) from exc
    columns = list(zip(*records)) if records else [()] * width
    return pl.DataFrame({n: pl.Series(n, list(c), dtype=pl.String) for n, c in zip(names, columns, strict=True)})


def ragged_records(body: str, delimiter: str, width: int, height: int, spaced: bool = False) -> tuple[int, ...]:
    """Indexes of records whose field count is not ``width`` (blank lines are not counted as ragged).

    Returns nothing when the records cannot be matched one to one with the ``height`` rows read.
    """
    if not body.strip():
        return ()
    try:
        counts = [len(r) for r in csv.reader(io.StringIO(body, newline=""), delimiter=delimiter,
                                             skipinitialspace=spaced)]
    except csv.Error:
        return ()
    if len(counts) != height:
        return ()
    return tuple(i for i, n in enumerate(counts) if n not in (0, width))

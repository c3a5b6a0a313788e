"""Parsing exported text into typed values, as polars expressions.

Every importer reads cells as text and converts here, so that 'True', 'TRUE', 'WAHR',
numbers stored as text and culture-formatted decimals all mean the same thing everywhere.
An empty cell is null (unknown), never false. A value that cannot be parsed also becomes
null, and :func:`unparsed` counts such values so the importer can report them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import polars as pl

from ..schema import MAX_MEMORY_MIB

TRUE_WORDS = ("true", "yes", "1", "wahr", "vrai", "verdadero", "verdadeiro", "vero", "waar", "sant", "sand", "sann",
              "tosi", "prawda", "pravda", "igaz", "doğru", "истина")
FALSE_WORDS = ("false", "no", "0", "falsch", "faux", "falso", "onwaar", "falskt", "falsk", "usann", "usant", "epätosi",
               "fałsz", "nepravda", "hamis", "yanlış", "yanliş", "ложь")
"""TRUE and FALSE as Excel writes them when it re-saves a file in its display language (German, French, Spanish,
Portuguese, Italian, Dutch, Nordic, Finnish, Polish, Czech, Hungarian, Turkish, Russian)."""
_ANSI_PAGES = ("cp1250", "cp1251", "cp1254")
"""Central European, Cyrillic and Turkish Windows code pages: Excel saves a CSV in the display language's code
page, which reads as cp1252 when the file has no byte order mark."""


def _as_cp1252(word: str) -> set[str]:
    """The spellings ``word`` (as Excel writes it, in upper case) takes when saved in another ANSI code page and
    read as cp1252."""
    found = set()
    for page in _ANSI_PAGES:
        try:
            found.add(word.upper().encode(page).decode("cp1252", errors="replace").lower())
        except UnicodeEncodeError:
            continue
    return found - {word}


_BOOLS = {w: value for words, value in ((TRUE_WORDS, True), (FALSE_WORDS, False))
          for w in sorted({*words, *(m for word in words for m in _as_cp1252(word))})}

POWER_STATES = {
    "poweredon": "poweredOn",
    "poweredoff": "poweredOff",
    "suspended": "suspended",
    # Hyper-V VMState names (and the On / Off of RVTools-shaped Hyper-V exports)
    "on": "poweredOn",
    "running": "poweredOn",
    "off": "poweredOff",
    "saved": "suspended",
    "paused": "suspended",
    "fastsaved": "suspended",
    "starting": "poweredOn",
    "stopping": "poweredOn",
    "saving": "poweredOn",
    "pausing": "poweredOn",
    "resuming": "poweredOn",
    "reset": "poweredOn",
    "runningcritical": "poweredOn",
    "offcritical": "poweredOff",
    "savedcritical": "suspended",
    "pausedcritical": "suspended",
    # Hyper-V enum values written by ConvertTo-Json
    "2": "poweredOn",
    "3": "poweredOff",
    "6": "suspended",
    "9": "suspended",
}

BUS_SHARING = {
    "nosharing": "none",
    "none": "none",
    "virtualsharing": "virtual",
    "virtual": "virtual",
    "physicalsharing": "physical",
    "physical": "physical",
}

SHARING_MODES = {
    "sharingnone": "none",
    "none": "none",
    "sharingmultiwriter": "multi-writer",
    "multiwriter": "multi-writer",
    "multi-writer": "multi-writer",
    # one RVTools variant is documented as a boolean
    "true": "multi-writer",
    "false": "none",
}

RAW_MODES = {"physicalmode": "physical", "physical": "physical", "virtualmode": "virtual", "virtual": "virtual"}


def text(column: str) -> pl.Expr:
    """Stripped text; empty becomes null."""
    value = pl.col(column).str.strip_chars()
    return pl.when(value == "").then(None).otherwise(value)


def name(column: str) -> pl.Expr:
    """A display name with RVTools' URL escapes (``%2f`` for ``/``) decoded."""
    return text(column).str.replace_many(
        ["%2f", "%2F", "%5c", "%5C", "%25"], ["/", "/", "\\", "\\", "%"]
    )


def boolean(column: str) -> pl.Expr:
    return _lookup(column, _BOOLS, pl.Boolean)


def enum(column: str, mapping: dict[str, str]) -> pl.Expr:
    """Map a vendor enum spelling (case-insensitive) to the canonical value."""
    return _lookup(column, mapping, pl.String)


_SPACES = " \u00a0\u202f\u2009'\u2019"
"""Characters that only ever group thousands (space, no-break and thin spaces, Swiss apostrophes)."""
_PLAIN = r"^[+-]?\d+([.,]\d+)?([eE][+-]?\d+)?$"
AMBIGUOUS_NUMBER = r"^[+-]?[1-9]\d{0,2}[.,]\d{3}$"
"""'1,024' or '32.768': one separator before exactly three digits is a thousands separator in one
culture and a decimal separator in another, so the value cannot be read without guessing."""
_DOT_GROUPS = r"^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$"
_COMMA_GROUPS = r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$"
_SPACE_GROUPS = rf"^[+-]?\d{{1,3}}([{_SPACES}]\d{{3}})+([.,]\d+)?$"


def number_text(column: str) -> pl.Expr:
    """A number written in any culture, as plain text ('-1024.5'); null when unreadable or ambiguous.

    Reads '1024', '4.0', '0,5', '1.5E+09', '1.024,5', '1,024.5', '1 024,5', "1'024.5" and
    '1.048.576'. Thousands separators must group by three; '1,024' and '32.768' (a single
    separator before exactly three digits) are ambiguous and read as unknown, never guessed.
    """
    value = text(column)
    return (
        pl.when(value.str.contains(AMBIGUOUS_NUMBER)).then(None)
        .when(value.str.contains(_PLAIN)).then(value.str.replace(",", ".", literal=True))
        .when(value.str.contains(_DOT_GROUPS)).then(
            value.str.replace_all(".", "", literal=True).str.replace(",", ".", literal=True))
        .when(value.str.contains(_COMMA_GROUPS)).then(value.str.replace_all(",", "", literal=True))
        .when(value.str.contains(_SPACE_GROUPS)).then(
            value.str.replace_all(f"[{_SPACES}]", "").str.replace(",", ".", literal=True))
        .otherwise(None)
    )


def integer(column: str, dtype: pl.DataType | None = None) -> pl.Expr:
    """Integers stored as numbers or text in any culture (see :func:`number_text`), rounded; Int64 unless
    ``dtype`` says."""
    dtype = dtype or pl.Int64()
    return decimal(column).round(0).cast(dtype, strict=False)


def memory(mib: pl.Expr) -> pl.Expr:
    """A memory size in MiB, null (unknown) when no machine has that much (a cell typed wrong, a column of
    bytes read as MiB): :func:`unparsed` then names it, rather than the analysis failing on it."""
    return pl.when((mib > -MAX_MEMORY_MIB) & (mib < MAX_MEMORY_MIB)).then(mib).otherwise(None)


def decimal(column: str) -> pl.Expr:
    """Decimals with either '.' or ',' as the separator, with or without thousands separators."""
    return number_text(column).cast(pl.Float64, strict=False)


def unreadable_why(value: str) -> str:
    """Why a value was not understood, where the reason is not plain (an ambiguous number); else ''."""
    if re.fullmatch(AMBIGUOUS_NUMBER, value.strip()):
        return (" (it could be a number with a thousands separator or a decimal one: export numbers without "
                "thousands separators, e.g. as RVTools writes them, or re-save the file as numbers)")
    if re.fullmatch(r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?", value.strip()):
        return " (a number out of the range this column can hold)"
    return unreadable_date_why(value)


DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%m/%d/%Y %I:%M:%S %p",
    "%m/%d/%Y %H:%M:%S",
    "%d.%m.%Y %H:%M:%S",
    "%d/%m/%Y %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M",
    "%d.%m.%Y %H:%M",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d",
)
_SLASHED_24H = r"^(\d{1,2})/(\d{1,2})/\d{4} \d{1,2}:\d{2}(:\d{2})?$"
"""'6/2/2025 7:30': Excel's date and time in en-US (month first) and in fr-FR, en-GB, es-ES … (day first)."""


def ambiguous_date(value: pl.Expr) -> pl.Expr:
    """Whether a date written with slashes and a 24-hour time could be either day/month or month/day: both
    numbers 12 or less and different. With AM/PM it is en-US, month first; a number over 12 is the day."""
    first = value.str.extract(_SLASHED_24H, 1).cast(pl.Int32, strict=False)
    second = value.str.extract(_SLASHED_24H, 2).cast(pl.Int32, strict=False)
    return ((first <= 12) & (second <= 12) & (first != second)).fill_null(False)


def parse_datetime(value: pl.Expr, formats: tuple[str, ...] = DATETIME_FORMATS) -> pl.Expr:
    """The first of ``formats`` that reads ``value``; null where none does or the day and month cannot be told
    apart (:func:`ambiguous_date`), never a guess."""
    parsed = pl.coalesce([value.str.strptime(pl.Datetime("us"), fmt, strict=False) for fmt in formats])
    return pl.when(ambiguous_date(value)).then(None).otherwise(parsed).cast(pl.Datetime("ms"))


def timestamp(column: str) -> pl.Expr:
    """Datetimes in the formats RVTools, Excel re-saves and PowerShell cultures produce."""
    return parse_datetime(text(column))


def unreadable_date_why(value: str) -> str:
    """Why a date was not read, where the reason is not plain (day and month cannot be told apart); else ''."""
    if pl.select(ambiguous_date(pl.lit(value.strip(), pl.String))).item():
        return " (the day and the month cannot be told apart: Excel writes month first in en-US and day first in " \
               "most other languages)"
    return ""


DISK_FILE = r"(?i)\.(vmdk|vhdx|vhd|avhdx|vhds)$"
"""A virtual disk file name (vSphere or Hyper-V), as opposed to a guest mount point such as ``C:\\``."""


def datastore(column: str) -> pl.Expr:
    """The datastore name in a vSphere path ``[datastore] folder/file.vmdk``."""
    return text(column).str.extract(r"^\[([^\]]+)\]", 1)


def _lookup(column: str, mapping: Mapping[str, object], dtype: pl.DataType | type[pl.DataType]) -> pl.Expr:
    key = text(column).str.to_lowercase()
    return key.replace_strict(mapping, default=None, return_dtype=dtype)


def unparsed(frame: pl.DataFrame, column: str, parsed: pl.Expr) -> pl.DataFrame:
    """Rows (``column``, ``__row`` and ``__file`` only) where ``column`` holds text ``parsed`` could not read."""
    keep = [c for c in (column, "__row", "__file") if c in frame.columns]
    if column not in frame.columns:
        return frame.select(keep).clear()
    return frame.lazy().filter(text(column).is_not_null() & parsed.is_null()).select(keep).collect()

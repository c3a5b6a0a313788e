"""Names the PDF's font cannot draw.

The PDF is set in DejaVu Sans (templates/report.css), which has Latin, Greek, Cyrillic, Arabic,
Hebrew and many symbols, but no Chinese, Japanese or Korean characters, few emoji pictographs and
none of several Asian scripts. A name in those scripts prints as empty boxes in the PDF unless
the machine has a fallback font; the JSON, XLSX and HTML keep it intact. The ranges below hold
no character of DejaVu Sans 2.37 (a test checks them against the installed font).
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue, Estate

__all__ = ["FONT", "MISSING", "unprintable_names"]

FONT = "DejaVu Sans"

MISSING: dict[str, tuple[tuple[int, int], ...]] = {
    "Chinese, Japanese, Korean": (
        (0x1100, 0x11FF), (0x2E80, 0x2FDF), (0x3000, 0x33FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
        (0xA960, 0xA97F), (0xAC00, 0xD7FF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF),
        (0x20000, 0x3FFFF),
    ),
    "emoji": (
        (0x1F100, 0x1F1FF), (0x1F300, 0x1F310), (0x1F319, 0x1F42C), (0x1F42F, 0x1F430), (0x1F432, 0x1F434),
        (0x1F436, 0x1F5FF), (0x1F680, 0x1F6FF), (0x1F900, 0x1F9FF), (0x1FA70, 0x1FAFF),
    ),
    "Indic, Thai, Tibetan, Myanmar, Ethiopic, Khmer": (
        (0x0900, 0x0DFF), (0x0E00, 0x0E3E), (0x0E40, 0x0E7F), (0x0F00, 0x0FFF), (0x1000, 0x109F),
        (0x1200, 0x139F), (0x1780, 0x17FF),
    ),
}

# Where names are: table -> column.
_NAMES = {"guests": "name", "hosts": "name", "clusters": "name", "datastores": "name", "networks": "network"}


def _pattern(ranges: tuple[tuple[int, int], ...]) -> str:
    return "[" + "".join(f"\\x{{{a:X}}}-\\x{{{b:X}}}" for a, b in ranges) + "]"


_ANY = _pattern(tuple(r for ranges in MISSING.values() for r in ranges))


def unprintable_names(estate: Estate) -> DataIssue | None:
    """One data-quality line for every name the PDF's font lacks characters of, or None."""
    found: list[tuple[str, int]] = []
    for table, column in _NAMES.items():
        names = pl.from_arrow(estate.table(table).select([column, "source_id"]))
        assert isinstance(names, pl.DataFrame)
        hits = names.filter(pl.col(column).str.contains(_ANY)).unique(column, keep="first", maintain_order=True)
        found += [(str(n), int(s)) for n, s in hits.iter_rows()]
    if not found:
        return None
    distinct = list(dict.fromkeys(n for n, _ in found))
    scripts = [s for s, ranges in MISSING.items() if any(pl.Series(distinct).str.contains(_pattern(ranges)))]
    files = dict(zip(estate.sources.column("source_id").to_pylist(), estate.sources.column("file").to_pylist()))
    shown = ", ".join(repr(n) for n in distinct[:3]) + (" …" if len(distinct) > 3 else "")
    return DataIssue(
        "info", str(files.get(found[0][1], "")),
        f"{len(distinct)} name(s) hold characters that the PDF's font ({FONT}) does not have "
        f"({'; '.join(scripts)}), e.g. {shown}: the PDF may show them as empty boxes unless a font for those "
        "scripts is installed; the JSON, XLSX and HTML keep them intact", rows=len(distinct))

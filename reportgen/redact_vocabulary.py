"""The words of the export formats themselves, which redaction keeps: tab, object and column names.

Anything else in a sheet or column name (a custom attribute, a file the client named) may be the
client's own word, so :mod:`.redact` replaces it.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePosixPath

from .importers.hyperv_read import OBJECTS, is_property
from .importers.rvtools_headers import KNOWN, canonical_header, canonical_tab

_FILES = frozenset({"manifest.json"})


@cache
def _headers() -> frozenset[str]:
    return frozenset(h for headers in KNOWN.values() for h in headers)


@cache
def _objects() -> frozenset[str]:
    return frozenset(o.lower() for o in OBJECTS)


def is_known_sheet(sheet: str) -> bool:
    """An RVTools tab or CSV file name, a Hyper-V object file name or the collector's manifest."""
    name = sheet.strip()
    stem = PurePosixPath(name).stem if "." in name else name
    return canonical_tab(name) is not None or stem.lower() in _objects() or name.lower() in _FILES


def is_known_column(column: str) -> bool:
    """A column RVTools writes (in any version reportgen reads) or a Hyper-V property reportgen reads."""
    return canonical_header("vInfo", column) in _headers() or canonical_header("vHost", column) in _headers() \
        or is_property(column)

"""Guests the configuration says not to count ([exclude]): decommissioned, never to be powered on.

A guest whose name or annotation matches one of the patterns (``*`` and ``?`` wildcards, case
ignored) is taken out of the estate before the rules run, with its disks, NICs and devices, so it
neither ties a host nor costs money. Nothing is dropped silently: each excluded guest is listed in
the data-quality section with the pattern that matched.
"""

from __future__ import annotations

import fnmatch
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from .config import ExcludeSettings
from .estate import DataIssue, Estate

GUEST_TABLES = ("disks", "nics", "devices")
"""Tables whose rows belong to a guest and leave with it."""


def _match(value: str | None, patterns: tuple[str, ...]) -> str | None:
    if not value:
        return None
    text = value.lower()
    return next((p for p in patterns if fnmatch.fnmatchcase(text, p.lower())), None)


def exclude_guests(estate: Estate, settings: ExcludeSettings) -> Estate:
    """The estate without the guests matching ``settings``, and one data-quality note per guest left out."""
    if not settings.names and not settings.annotations:
        return estate
    guests = estate.guests
    files = dict(zip(estate.sources.column("source_id").to_pylist(), estate.sources.column("file").to_pylist()))
    keep: list[bool] = []
    issues: list[DataIssue] = []
    rows = zip(guests.column("name").to_pylist(), guests.column("annotation").to_pylist(),
               guests.column("source_id").to_pylist(), guests.column("row").to_pylist())
    for name, annotation, source, row in rows:
        by_name = _match(name, settings.names)
        by_note = None if by_name else _match(annotation, settings.annotations)
        keep.append(by_name is None and by_note is None)
        if by_name or by_note:
            what = f"name pattern '{by_name}'" if by_name else f"annotation pattern '{by_note}'"
            issues.append(DataIssue(
                "info", Path(str(files.get(source, "export"))).name,
                f"guest '{name}' excluded by the configuration ([exclude] {what}): not counted",
                sheet="vInfo", row=row, skipped=True,
            ))
    if not issues:
        return estate
    mask = pa.array(keep, pa.bool_())
    gone = pc.filter(guests.column("guest_key"), pc.invert(mask))
    tables = dict(estate.tables)
    tables["guests"] = guests.filter(mask)
    for name in GUEST_TABLES:
        table = tables[name]
        tables[name] = table.filter(pc.invert(pc.is_in(table.column("guest_key"), value_set=gone)))
    return replace(estate, tables=tables, issues=(*estate.issues, *issues))

"""Whether a per-VM tab lists every disk or NIC that vInfo counts.

vInfo's ``Disks`` and ``NICs`` give each guest's number of virtual disks and network adapters.
A vDisk or vNetwork tab with fewer rows for a guest was cut or filtered: the rows present are
not all there are, so the checks that need the tab cannot say "none found".
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from . import values as V

COUNTED = {"vDisk": ("Disks", "disk"), "vNetwork": ("NICs", "network adapter")}
"""Per-VM tab -> (vInfo column that counts its rows, what one row is)."""


@dataclass(frozen=True)
class Shortfall:
    """Rows vInfo counts that a per-VM tab does not list."""

    rows: int
    guests: int
    examples: tuple[str, ...]
    """Names of the first guests concerned."""


def shortfall(tab: str, guests: pl.DataFrame, rows: pl.DataFrame) -> Shortfall | None:
    """What ``rows`` (the tab's rows joined to ``guests``) lack against vInfo's count, or None."""
    column, _ = COUNTED[tab]
    if column not in guests.columns or guests.is_empty():
        return None
    expected = guests.select("guest_key", "name", expected=V.integer(column)).filter(pl.col("expected") > 0)
    if rows.height:
        found = rows.group_by("guest_key").agg(found=pl.len().cast(pl.Int64))
    else:
        found = pl.DataFrame(schema={"guest_key": pl.String, "found": pl.Int64})
    short = (expected.join(found, on="guest_key", how="left")
             .with_columns(pl.col("found").fill_null(0))
             .filter(pl.col("expected") > pl.col("found")))
    if short.is_empty():
        return None
    lacking = int(short.select((pl.col("expected") - pl.col("found")).sum()).item())
    names = tuple(str(n) for n in short.sort("name", nulls_last=True)["name"].head(3).to_list() if n is not None)
    return Shortfall(lacking, short.height, names)


def describe(tab: str, lack: Shortfall) -> tuple[str, str]:
    """(the gap for coverage, the data-quality message) of a shortfall."""
    column, thing = COUNTED[tab]
    gap = f"vInfo '{column}' counts {lack.rows:,} {thing}(s) of {lack.guests:,} guest(s) that {tab} does not list"
    examples = ", ".join(lack.examples) + (" …" if lack.guests > len(lack.examples) else "")
    message = (f"{gap} (e.g. {examples}): rows were removed or the tab was cut short, so the checks that need "
               f"{tab} are not assessed; export vInfo and {tab} again together, unfiltered")
    return gap, message

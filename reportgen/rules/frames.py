"""Small helpers rules share: tables as polars frames, scopes and timing."""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from .base import Timing


def frame(estate: Estate, table: str) -> pl.DataFrame:
    """A canonical table as a polars frame (zero-copy where Arrow allows)."""
    result = pl.from_arrow(estate.table(table))
    assert isinstance(result, pl.DataFrame)
    return result


def guest_scope() -> pl.Expr:
    """Where a disk path or LUN id is unique: the vCenter (key prefix) or the Hyper-V cluster."""
    return (
        pl.when(pl.col("platform") == "hyperv")
        .then(pl.coalesce(pl.col("cluster_key"), pl.col("host_key"), pl.lit("hyperv")))
        .otherwise(pl.col("guest_key").str.split("/").list.first())
    )


def timing(power_state: str | None, template: bool | None) -> Timing:
    """'now' for running (or state unknown) guests, 'next-power-on' when off, 'hygiene' for templates."""
    if template:
        return "hygiene"
    if power_state == "poweredOff":
        return "next-power-on"
    return "now"

"""When a tie holds: now, at the guest's next power-on, or never (hygiene)."""

from __future__ import annotations

import polars as pl

from .records import Timing


def timing(power_state: str | None, template: bool | None) -> Timing:
    """'hygiene' for templates, 'next-power-on' when off or suspended, else 'now' (also when unknown)."""
    if template:
        return "hygiene"
    if power_state in ("poweredOff", "suspended"):
        return "next-power-on"
    return "now"


def timing_expr() -> pl.Expr:
    """:func:`timing` over the columns ``template`` and ``power_state``."""
    return (
        pl.when(pl.col("template").fill_null(False)).then(pl.lit("hygiene"))
        .when(pl.col("power_state").is_in(["poweredOff", "suspended"])).then(pl.lit("next-power-on"))
        .otherwise(pl.lit("now"))
    )


def device_timing(connected: str = "connected", starts: str = "starts_connected") -> pl.Expr:
    """Timing of a tie that holds only while a device / NIC is connected.

    A running guest is tied now when the device is connected (or its state is unknown) and
    only worth a hygiene note when it is not; a guest that is off is tied at next power-on
    when the device starts connected (or that is unknown); templates are hygiene. A guest whose
    power state is unknown (``power_known`` false) may be off: a device not connected that starts
    connected ties it at next power-on.
    """
    base = pl.col("timing")
    return (
        pl.when(base == "hygiene").then(pl.lit("hygiene"))
        .when(base == "now").then(
            pl.when(pl.col(connected).fill_null(True)).then(pl.lit("now"))
            .when(pl.col("power_known").not_() & pl.col(starts).fill_null(True)).then(pl.lit("next-power-on"))
            .otherwise(pl.lit("hygiene")))
        .otherwise(
            pl.when(pl.col(starts).fill_null(True)).then(pl.lit("next-power-on")).otherwise(pl.lit("hygiene")))
    )

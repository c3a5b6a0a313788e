"""Which guest a row of an RVTools export belongs to, by the best identity the export has.

vInfo keys a guest by vCenter + ``VM ID``, else vCenter + ``VM UUID``. A trimmed export with
neither (a sizing workshop's vInfo of a dozen columns) keys its guests by name within the
vCenter, narrowed by datacenter, cluster and host where names repeat.

A row of vDisk, vNetwork, vCD, vUSB or vSnapshot joins its guest by ``VM ID`` when it and
vInfo have one, else by ``VM UUID``, else by name (narrowed the same way). A row that still
cannot be joined gets no key and the reason why, so that the mapping skips and counts it.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from . import values as V

__all__ = ["Identity", "guest_keys", "identities", "join_keys"]

_PLACE = ("datacenter", "cluster", "host")
# Ways to tell guests of the same name apart, tried in turn; a way counts only where it is unique.
_NARROWING: tuple[tuple[str, ...], ...] = ((), ("host",), ("cluster",), ("datacenter",),
                                           ("datacenter", "cluster"), _PLACE)

NOT_IN_VINFO = "the VM is not in vInfo (export tabs taken at different times?)"
NO_IDENTITY = "no 'VM ID', 'VM UUID' or VM name to tell which guest the row belongs to"
AMBIGUOUS = ("no 'VM ID' or 'VM UUID', and several guests in vInfo have the row's VM name in the same "
             "datacenter, cluster and host")


@dataclass(frozen=True)
class Identity:
    """What vInfo offers to join rows by."""

    has_id: bool
    has_uuid: bool

    @property
    def by_name(self) -> bool:
        """Whether guests are keyed by name (the export identifies none by VM ID or VM UUID)."""
        return not (self.has_id or self.has_uuid)


def _column(frame: pl.DataFrame, name: str, expr: pl.Expr | None = None) -> pl.Expr:
    return (expr if expr is not None else pl.col(name)) if name in frame.columns else pl.lit(None, pl.String)


def identities(frame: pl.DataFrame, scope: pl.Expr) -> pl.DataFrame:
    """The identity columns of a per-VM tab: scope, vm_id, vm_uuid, vm_name and the place; one row per row of
    ``frame``, also when it has none of them (every one a literal null)."""
    columns = {"scope": scope, "vm_id": _column(frame, "VM ID"),
               "vm_uuid": _column(frame, "VM UUID", pl.col("VM UUID").str.to_lowercase()),
               "vm_name": _column(frame, "VM", V.name("VM")), "datacenter": _column(frame, "Datacenter"),
               "cluster": _column(frame, "Cluster"), "host": _column(frame, "Host")}
    return frame.with_columns(**columns).select(list(columns))


def offered(ids: pl.DataFrame) -> Identity:
    """What a vInfo's identity columns hold."""
    counts = ids.select(pl.col("vm_id").is_not_null().any(), pl.col("vm_uuid").is_not_null().any()).row(0)
    return Identity(bool(counts[0]), bool(counts[1]))


def guest_keys(ids: pl.DataFrame, identity: Identity) -> pl.Series:
    """vInfo's guest keys (null where the row cannot be identified)."""
    if not identity.by_name:
        ident = pl.coalesce(pl.col("vm_id"), pl.concat_str(pl.lit("uuid:"), pl.col("vm_uuid")))
        return ids.select(pl.concat_str("scope", pl.lit("/"), ident).alias("guest_key")).to_series()
    repeated = pl.len().over("scope", "vm_name") > 1
    place = pl.concat_str([pl.col(c).fill_null("") for c in _PLACE], separator="/")
    name = pl.when(repeated).then(pl.concat_str(place, pl.lit("/"), "vm_name")).otherwise(pl.col("vm_name"))
    return ids.select(pl.concat_str("scope", pl.lit("/name:"), name).alias("guest_key")).to_series()


def join_keys(rows: pl.DataFrame, guests: pl.DataFrame, identity: Identity) -> pl.DataFrame:
    """``guest_key`` and, where it is null, ``reason`` for rows (identity columns) against guests.

    ``guests`` holds the identity columns and ``guest_key`` of every guest kept from vInfo.
    """
    way = (pl.when(pl.col("vm_id").is_not_null() & identity.has_id).then(pl.lit("id"))
           .when(pl.col("vm_uuid").is_not_null() & identity.has_uuid).then(pl.lit("uuid"))
           .when(pl.col("vm_name").is_not_null()).then(pl.lit("name")))
    frame = rows.with_columns(way=way)
    keys = [pl.lit(None, pl.String)]
    ways = set(frame["way"].drop_nulls().unique().to_list())
    if "id" in ways:
        frame = _lookup(frame, guests, "id", ("vm_id",))
        keys.append(pl.col("key_id"))
    if "uuid" in ways:
        frame = _lookup(frame, guests, "uuid", ("vm_uuid",))
        keys.append(pl.col("key_uuid"))
    ambiguous = pl.lit(False)
    if "name" in ways:
        for n, narrowing in enumerate(_NARROWING):
            frame = _lookup(frame, guests, "name", ("vm_name", *narrowing), f"key_name{n}")
            keys.append(pl.col(f"key_name{n}"))
            if not frame.select(((pl.col("way") == "name") & pl.coalesce(keys).is_null()).any()).item():
                break  # every row joined: no need to narrow further
        repeated = guests.filter(pl.len().over("scope", "vm_name") > 1).select("scope", "vm_name").unique()
        frame = frame.join(repeated.with_columns(__repeated=pl.lit(True)), on=["scope", "vm_name"], how="left",
                           maintain_order="left")
        ambiguous = pl.col("__repeated").fill_null(False)
    key = pl.coalesce(keys)
    reason = (pl.when(key.is_not_null()).then(None)
              .when(pl.col("way").is_null()).then(pl.lit(NO_IDENTITY))
              .when((pl.col("way") == "name") & ambiguous).then(pl.lit(AMBIGUOUS))
              .otherwise(pl.lit(NOT_IN_VINFO)))
    return frame.select(guest_key=key, reason=reason)  # the joins keep the rows' order


def _lookup(frame: pl.DataFrame, guests: pl.DataFrame, way: str, on: tuple[str, ...],
            into: str | None = None) -> pl.DataFrame:
    """Add ``into`` (default ``key_<way>``): the guest whose ``on`` columns match, where only one does."""
    into = into or f"key_{way}"
    cols = ["scope", *on]
    unique = (guests.filter(pl.all_horizontal(pl.col(c).is_not_null() for c in cols))
              .filter(pl.len().over(cols) == 1).select(*cols, pl.col("guest_key").alias(into)))
    probe = frame.with_columns(pl.when(pl.col("way") == way).then(pl.col(c)).alias(f"__{c}") for c in cols)
    right = unique.rename({c: f"__{c}" for c in cols})
    joined = probe.join(right, on=[f"__{c}" for c in cols], how="left", maintain_order="left")
    return joined.drop(f"__{c}" for c in cols)

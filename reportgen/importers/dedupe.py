"""The same vCenter exported twice (by IP and by FQDN, or on two dates): keep only the newest export.

An RVTools export names its vCenter by the VI SDK UUID, else by its server name. When two exports of
one vCenter cannot be ordered (one does not say when it was taken, as RVTools CSV exports do not), or
when two exports that name no vCenter list the same guests, which one describes the estate cannot be
told: that is an input error, never guests counted twice.
"""

from __future__ import annotations

import polars as pl
import pyarrow.compute as pc

from .. import schema
from ..errors import InputError
from ..estate import DataIssue, Estate
from .rvtools_base import same_file

SAME_GUESTS = 0.5
"""Share of the smaller export's guests (same VM ID and name) that makes two unnamed exports one vCenter."""


def drop_superseded(estate: Estate) -> Estate:
    """Remove the rows of every export that a newer export of the same server replaces."""
    sources = pl.from_arrow(estate.sources)
    assert isinstance(sources, pl.DataFrame)
    if sources.height < 2:
        return estate
    _refuse_unnamed_twins(estate, sources)
    vcenter = pl.coalesce(pl.col("server_uuid"), pl.when(pl.col("format").is_in(schema.RVTOOLS_FORMATS))
                          .then(pl.col("server").str.strip_chars().str.to_lowercase()))
    ranked = sources.with_columns(vcenter=vcenter).filter(pl.col("vcenter").is_not_null()).with_columns(
        rank=pl.struct(pl.col("exported_at").fill_null(pl.datetime(1970, 1, 1)), "source_id")
        .rank("ordinal", descending=True).over("vcenter")
    )
    _refuse_unordered(ranked)
    newest = ranked.filter(pl.col("rank") == 1).select("vcenter", keeper="source_id", keeper_at="exported_at")
    old = ranked.filter(pl.col("rank") > 1).join(newest, on="vcenter")
    if old.is_empty():
        return estate
    replaced = dict(zip(old["source_id"].to_list(), old["keeper"].to_list()))
    issues = list(estate.issues)
    files = dict(zip(sources["source_id"].to_list(), sources["file"].to_list()))
    for row in old.iter_rows(named=True):
        named = f"VI SDK UUID {row['server_uuid']}" if row["server_uuid"] else "no VI SDK UUID in either"
        later = ("taken at the same time (the same export given twice?); only one is used"
                 if row["exported_at"] == row["keeper_at"] else
                 "which says when it was taken, unlike this one; only the dated export is used"
                 if row["exported_at"] is None else "exported later; only the newer export is used")
        issues.append(DataIssue(
            "warning", row["file"],
            f"the same vCenter ({row['server'] or row['server_uuid']}, {named}) is also "
            f"in {files[row['keeper']]}, {later}",
            rows=int(row["rows_read"] or 0), skipped=True,
            quoted=tuple(q for q in (row["server"], row["server_uuid"], files[row["keeper"]]) if q),
        ))
    drop = pl.Series(list(replaced), dtype=pl.Int32).to_arrow()  # pa.array would import pandas (schema.from_rows)
    tables = {}
    for name, table in estate.tables.items():
        if name == "sources":
            continue
        mask = pc.invert(pc.is_in(table.column("source_id"), value_set=drop))
        tables[name] = table.filter(mask)
    updated = sources.with_columns(
        superseded_by=pl.col("source_id").replace_strict(replaced, default=None, return_dtype=pl.Int32),
    ).with_columns(
        rows_skipped=pl.when(pl.col("superseded_by").is_not_null()).then(pl.col("rows_read"))
        .otherwise(pl.col("rows_skipped")),
        rows_used=pl.when(pl.col("superseded_by").is_not_null()).then(0).otherwise(pl.col("rows_used")),
    )
    tables["sources"] = schema.conform("sources", updated.to_arrow())
    return Estate(tables=tables, issues=tuple(issues), tabs=estate.tabs, custom_columns=estate.custom_columns)


def _refuse_unordered(ranked: pl.DataFrame) -> None:
    """InputError when the newest export of a vCenter cannot be told (one of them has no export time)."""
    top = ranked.filter(pl.col("rank") <= 2).sort("vcenter", "rank")
    for _, pair in top.group_by("vcenter", maintain_order=True):
        if pair.height < 2:
            continue
        first, second = pair.row(0, named=True), pair.row(1, named=True)
        if first["exported_at"] is not None or second["exported_at"] is not None:
            continue  # the dated one is used; the warning says the other carries no date
        when = "neither says when it was taken (RVTools CSV exports carry no vMetaData)"
        raise InputError(
            f"{second['file']} and {first['file']} are both exports of the vCenter "
            f"{first['server'] or first['server_uuid']}, and {when}: which one describes the estate cannot be told",
            where=first["file"], hint="audit one export per vCenter (the newest), or give the xlsx exports, which "
            "carry their export time")


def _refuse_unnamed_twins(estate: Estate, sources: pl.DataFrame) -> None:
    """InputError when two RVTools exports that name no vCenter list mostly the same guests (VM ID and name)."""
    unnamed = sources.filter(pl.col("server_uuid").is_null() & pl.col("server").is_null()
                             & pl.col("format").is_in(schema.RVTOOLS_FORMATS))["source_id"].to_list()
    if len(unnamed) < 2:
        return
    files = dict(zip(sources["source_id"].to_list(), sources["file"].to_list()))
    _refuse_one_file_twice(unnamed, files)
    guests = pl.from_arrow(estate.guests.select(["source_id", "vm_id", "name"]))
    assert isinstance(guests, pl.DataFrame)
    guests = guests.filter(pl.col("source_id").is_in(unnamed) & pl.col("vm_id").is_not_null()).unique()
    for i, a in enumerate(unnamed):
        mine = guests.filter(pl.col("source_id") == a).select("vm_id", "name")
        for b in unnamed[i + 1:]:
            theirs = guests.filter(pl.col("source_id") == b).select("vm_id", "name")
            smaller = min(mine.height, theirs.height)
            same = mine.join(theirs, on=["vm_id", "name"], how="semi").height
            if smaller and same >= SAME_GUESTS * smaller:
                raise InputError(
                    f"{files[a]} and {files[b]} list {same:,} of the same guests (same VM ID and name), and "
                    "neither names its vCenter (no VI SDK UUID or VI SDK Server column): they look like two "
                    "exports of one vCenter, whose guests would be counted twice",
                    where=files[b], hint="audit one of them, or export again with the VI SDK Server and VI SDK "
                    "UUID columns")


def _refuse_one_file_twice(unnamed: list[int], files: dict[int, str]) -> None:
    """InputError when one export that names no vCenter is given twice (however spelled): its guests would be
    counted twice, and, keyed by the export, under the same keys."""
    for i, a in enumerate(unnamed):
        for b in unnamed[i + 1:]:
            if same_file(files[a], files[b]):
                raise InputError(f"{files[b]} is the same export as {files[a]}, given twice: its guests would be "
                                 "counted twice", where=files[b], hint="give each export once")

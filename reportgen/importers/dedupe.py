"""The same vCenter exported twice (by IP and by FQDN, say): keep only the newest export."""

from __future__ import annotations

import polars as pl
import pyarrow.compute as pc

from .. import schema
from ..estate import DataIssue, Estate


def drop_superseded(estate: Estate) -> Estate:
    """Remove the rows of every export that a newer export of the same server replaces."""
    sources = pl.from_arrow(estate.sources)
    assert isinstance(sources, pl.DataFrame)
    if sources.height < 2:
        return estate
    ranked = sources.filter(pl.col("server_uuid").is_not_null()).with_columns(
        rank=pl.struct(pl.col("exported_at").fill_null(pl.datetime(1970, 1, 1)), "source_id")
        .rank("ordinal", descending=True).over("server_uuid")
    )
    newest = ranked.filter(pl.col("rank") == 1).select("server_uuid", keeper="source_id")
    old = ranked.filter(pl.col("rank") > 1).join(newest, on="server_uuid")
    if old.is_empty():
        return estate
    replaced = dict(zip(old["source_id"].to_list(), old["keeper"].to_list()))
    issues = list(estate.issues)
    files = dict(zip(sources["source_id"].to_list(), sources["file"].to_list()))
    for row in old.iter_rows(named=True):
        issues.append(DataIssue(
            "warning", row["file"],
            f"the same vCenter ({row['server'] or row['server_uuid']}, VI SDK UUID {row['server_uuid']}) is also "
            f"in {files[row['keeper']]}, exported later; only the newer export is used",
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

"""Cluster settings an RVTools export shows only through vCluster rows that carry no name.

Some exports (licenseware's RVTools 3.x) leave vCluster 'Name' blank: no row can be joined to its cluster, so every
cluster's DRS and HA would be unknown. The rows still count their hosts. Where every nameless row that has hosts
(``NumHosts`` > 0) reads the same value of a setting, and those rows' ``NumHosts`` add up to exactly the hosts of
the clusters no vCluster row names, every such cluster has one of those rows -- whichever it is, the value is the
same -- so that setting is known for all of them. A setting on which the rows differ, a count that does not read
as a number, or a sum that does not match leaves the settings unknown, as before. It is the reasoning that already
tells standalone hosts from clusters (:mod:`reportgen.importers.rvtools_membership`), and the data quality says it.
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue
from . import values as V

SETTINGS = ("ha_enabled", "drs_enabled", "drs_behavior", "admission_control", "dpm_enabled")
_SAID = {"ha_enabled": "HA enabled", "drs_enabled": "DRS enabled", "drs_behavior": "DRS default VM behavior",
         "admission_control": "AdmissionControlEnabled", "dpm_enabled": "DPM enabled"}
_READER = ("ha_enabled", "drs_enabled", "drs_behavior")
"""The settings the report reads; the others are filled too where the rows agree, but not named when they differ."""


def settled_by_counts(clusters: pl.DataFrame, nameless: pl.DataFrame, file: str) -> tuple[pl.DataFrame, list[DataIssue]]:
    """``clusters`` (joined to the named vCluster rows; ``matched`` true where one was found) with the settings that
    the nameless rows agree on filled in for the clusters no row names, and what the data quality says of it."""
    unmatched = clusters.filter(pl.col("matched").is_null())
    if nameless.is_empty() or unmatched.is_empty() or "NumHosts" not in nameless.columns:
        return clusters, []
    counted = nameless.with_columns(n=V.integer("NumHosts"))
    if counted["n"].null_count():
        return clusters, []
    rows = counted.filter(pl.col("n") > 0)
    hosts = int(unmatched["host_count"].sum())
    if rows.is_empty() or int(rows["n"].sum()) != hosts:
        return clusters, []
    agreed = {c: rows[c][0] for c in SETTINGS if c in rows.columns and not rows[c].null_count()
              and rows[c].n_unique() == 1}
    if not any(c in agreed for c in _READER):
        return clusters, [_issue(file, rows.height, hosts, unmatched.height, {}, True)]
    filled = clusters.with_columns(
        [pl.when(pl.col("matched").is_null()).then(pl.lit(v, dtype=clusters.schema[c])).otherwise(pl.col(c)).alias(c)
         for c, v in agreed.items()])
    return filled, [_issue(file, rows.height, hosts, unmatched.height, agreed,
                           any(c not in agreed for c in _READER))]


def _issue(file: str, rows: int, hosts: int, clusters: int, agreed: dict[str, object], differ: bool) -> DataIssue:
    read = ", ".join(f"{_SAID[c]} {v}" for c, v in agreed.items() if c in _READER)
    said = (f"{rows:,} vCluster row(s) with hosts have no name; their NumHosts add up to {hosts:,}, exactly the hosts "
            f"of the {clusters:,} cluster(s) vInfo names that no vCluster row names")
    if read:
        said += f", and every one of them reads {read}: read as the settings of those clusters"
    if differ:
        said += ("; the rows differ on " + ", ".join(_SAID[c] for c in _READER if c not in agreed)
                 + ", which stays unknown")
    return DataIssue("info", file, said, sheet="vCluster", column="Name", rows=rows)

"""Coverage of VMW-24 where the export shows which hosts are standalone but not every cluster's settings.

VMW-24 has two parts: the DRS and HA settings of each cluster (vCluster) and the hosts in no cluster (vHost,
else vInfo checked against vCluster's host counts: :mod:`reportgen.importers.rvtools_membership`). An export whose
vCluster rows carry no names cannot show the first; when it still shows every host's cluster membership, the second
is assessed and the rule reads "partly assessed" with what it ran without. A host whose membership the export
leaves unknown is never reported as standalone: it is named as a gap, and without any host of known membership
the rule is not assessed. Where the nameless rows agree on DRS and HA and their host counts match the clusters no
row names (:mod:`reportgen.importers.rvtools_settled`), the settings are read from them and the rule says so.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

import polars as pl

from ..estate import Estate
from .coverage import assess
from .records import Coverage, RuleInfo
from .tables import frame

_SETTINGS = "DRS and HA settings of the clusters not assessed"
_BY_COUNTS = ("DRS and HA settings of the clusters read from vCluster rows without names, which agree and whose host "
              "counts match the clusters'")


def cluster_coverage(info: RuleInfo, estate: Estate) -> list[Coverage]:
    """VMW-24's coverage per source: as :func:`assess` has it, refined by what the hosts' membership shows."""
    hosts = frame(estate, "hosts").filter(pl.col("platform") == "vsphere")
    placed = frame(estate, "guests").filter(pl.col("host_key").is_not_null())["source_id"].unique().to_list()
    parts = {tab: _by_source(_part(info, estate, tab)) for tab in ("vCluster", "vInfo", "vHost")}
    runs = _by_source(assess(dataclasses.replace(info, needs=()), estate))
    settled = _settled(estate)
    records = []
    for record in assess(info, estate):
        mine = hosts.filter(pl.col("source_id") == record.source_id)
        unknown = mine.filter(pl.col("cluster_unknown").fill_null(False)).height
        gap = (f"{unknown:,} host(s) of unknown cluster membership not checked for being standalone "
               "(see data quality)") if unknown else ""
        if record.status == "assessed":
            records.append(_partly(record, [*record.missing, gap]))
            continue
        # vCluster's rows have no names (and lack nothing else), but their host counts settle every cluster
        by_counts = record.source_id in settled and _only_names(parts["vCluster"][record.source_id])
        alone = mine.filter(pl.col("cluster_key").is_null() & pl.col("cluster_unknown").not_()).height
        if not alone or record.source_id not in placed or runs[record.source_id].status != "assessed":
            records.append(record)  # nothing shown standalone: whether any host is cannot be told
            continue
        # hosts the export shows standalone: reported, with what the other parts of the rule could not read
        missing = [_missing(tab, parts[tab][record.source_id], by_counts) for tab in ("vCluster", "vInfo", "vHost")]
        records.append(_partly(dataclasses.replace(record, status="assessed", reason=""), [*missing, gap]))
    return records


def _settled(estate: Estate) -> set[int | None]:
    """The exports whose vSphere clusters all have DRS and HA read, though vCluster's 'Name' could not say which row
    is whose: the nameless rows agree and their host counts match (:mod:`reportgen.importers.rvtools_settled`)."""
    clusters = frame(estate, "clusters").filter(pl.col("platform") == "vsphere")
    if clusters.is_empty():
        return set()
    known = clusters.group_by("source_id").agg(
        known=(pl.col("drs_enabled").is_not_null() & pl.col("ha_enabled").is_not_null()).all())
    return {s for s, k in known.iter_rows() if k}


def _only_names(part: Coverage) -> bool:
    """Whether vCluster's part of the rule could not run for want of 'Name' alone."""
    return part.status != "assessed" and set(re.findall(r"'([^']+)'", part.reason)) == {"Name"}


def _missing(tab: str, part: Coverage, by_counts: bool = False) -> str:
    """What the rule ran without, for the part of one tab not assessed ('' when it was)."""
    if part.status == "assessed":
        return ""
    if tab == "vCluster":
        return f"{_BY_COUNTS} ({part.reason}; see data quality)" if by_counts else f"{_SETTINGS} ({part.reason})"
    if tab == "vHost":
        return f"hosts that run no guest, which only vHost lists, not checked ({part.reason})"
    return part.reason


def _part(info: RuleInfo, estate: Estate, tab: str) -> list[Coverage]:
    """Coverage of the rule with only its needs of one tab."""
    return assess(dataclasses.replace(info, needs=tuple(n for n in info.needs if n.tab == tab)), estate)


def _by_source(records: list[Coverage]) -> dict[int | None, Coverage]:
    return {r.source_id: r for r in records}


def _partly(record: Coverage, missing: list[str]) -> Coverage:
    """The record, assessed, naming what it ran without."""
    missing = list(dict.fromkeys(m for m in missing if m))
    if not missing:
        return record
    return dataclasses.replace(record, reason=f"partly: {'; '.join(missing)}", missing=tuple(missing))


SPECIAL: dict[str, Callable[[RuleInfo, Estate], list[Coverage]]] = {"VMW-24": cluster_coverage}
"""Rules whose coverage is not :func:`assess`'s alone."""

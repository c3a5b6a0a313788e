"""RVTools tabs with a header and no rows: a tab with nothing to list, or one emptied.

RVTools writes every tab it exports with its header row, also when there is nothing to list (no USB
devices, no distributed switch). A header-only tab is therefore read as "none" — unless the rest of the
export shows that it must list something (vInfo runs guests on hosts that vHost does not list, disks on
datastores vDatastore does not list …): then the tab was emptied or cut, and the checks that need it are
not assessed. Either way the data quality names the tab, so an empty list is never silent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping

import pyarrow as pa

from ..estate import EMPTY_TAB, DataIssue, TabStatus


def _count(table: pa.Table, column: str) -> int:
    """Distinct non-null values of a column (0 when the table has no such column)."""
    if column not in table.column_names or not table.num_rows:
        return 0
    return len({v for v in table.column(column).to_pylist() if v is not None})


def _unlisted_networks(tables: Mapping[str, pa.Table]) -> int:
    """Port groups guests' adapters connect to that no switch tab lists."""
    nics, networks = tables["nics"], tables["networks"]
    if "network" not in nics.column_names:
        return 0
    listed = set(networks.column("network").to_pylist()) if "network" in networks.column_names else set()
    return len({n for n in nics.column("network").to_pylist() if n is not None and n not in listed})


def _contradiction(tab: str, tables: Mapping[str, pa.Table], used: Callable[[str], int]) -> str | None:
    """Why the rest of the export says a header-only ``tab`` must list rows, or None."""
    if tab == "vHost" and (hosts := _count(tables["guests"], "host_key")):
        return f"vInfo runs guests on {hosts:,} host(s)"
    if tab == "vNIC" and used("vHost"):
        return f"vHost lists {used('vHost'):,} host(s), and every host has physical NICs"
    if tab == "vDatastore" and (stores := _count(tables["disks"], "datastore")):
        return f"vDisk names {stores:,} datastore(s)"
    if tab == "vCluster" and (clusters := _count(tables["hosts"], "cluster") or _count(tables["guests"], "cluster")):
        return f"the hosts and guests name {clusters:,} cluster(s)"
    if tab == "vPort" and (unlisted := _unlisted_networks(tables)):
        return f"vNetwork connects adapters to {unlisted:,} port group(s) that no other switch tab lists"
    return None


def hollow_tabs(file: str, tabs: list[TabStatus], tables: Mapping[str, pa.Table], sheets: Mapping[str, str],
                issues: list[DataIssue]) -> list[TabStatus]:
    """``tabs`` with a gap on each header-only tab the rest of the export contradicts; a note on each."""
    def used(name: str) -> int:
        return sum(t.rows_used for t in tabs if t.tab == name and t.present)

    out = []
    for status in tabs:
        if not status.present or status.rows_read or status.gaps or status.tab == "vInfo" or status.tab not in sheets:
            out.append(status)
            continue
        sheet = sheets[status.tab]
        why = _contradiction(status.tab, tables, used)
        if why is None:
            issues.append(DataIssue("info", file, f"the {status.tab} tab has a header and no rows: read as none in "
                                    "this export (RVTools writes a tab with nothing to list so)", sheet=sheet,
                                    tally=EMPTY_TAB, subject=status.tab))
            out.append(status)
            continue
        issues.append(DataIssue(
            "warning", file, f"the {status.tab} tab has a header and no rows, but {why}: it was emptied or cut "
            f"short, so the checks that need {status.tab} are not assessed; export it again with the other tabs",
            sheet=sheet))
        out.append(dataclasses.replace(status, gaps=(*status.gaps, f"it has no rows, but {why}")))
    return out

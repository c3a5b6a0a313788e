"""The configuration versions each Hyper-V node supports (Get-VMHostSupportedVersion), and the nodes whose list
the export does not fully show.

Get-VMHostSupportedVersion prints a node's versions from the lowest up to its default (``IsDefault`` True), the
highest it creates. A file cut short, or a node's rows removed, loses the top of the list: the highest version
left would make the node look older than it is, and every VM above it a tie that is not there (HYV-14). So a
node whose list lacks its default row, has a version not understood, or has no row at all where the file lists
other nodes of its cluster, has an unknown highest version (never the one its OS build suggests) and is a gap: the checks that
need the object are not assessed on the export, and data quality names the nodes. A node the collector's manifest
says it skipped (the cmdlet does not exist before Windows Server 2019) is not a gap: its OS build tells.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import polars as pl

from . import hyperv_values as H
from . import values as V
from .hyperv_status import Gap, read_status

if TYPE_CHECKING:
    from .hyperv_map import HyperVMapper

OBJ = "Get-VMHostSupportedVersion"
CUT = ("its list stops before its default version (IsDefault = True): the file was cut short or rows were "
       "removed")
UNREAD = "its list holds a version not understood"
NO_FILE = "the file is missing or empty, though the collector's manifest says it wrote rows"
NOT_LISTED = "the file lists other nodes but none of its versions"
NO_ROWS = "the file has a header and no rows"
SCHEMA = {"host_key": pl.String, "max_vm_version": pl.String, "versions_unknown": pl.Boolean}


def supported_versions(m: HyperVMapper, hosts: pl.DataFrame) -> pl.DataFrame:
    """Per node: its highest supported configuration version, and whether its list is not fully shown
    (``versions_unknown``: the highest version is then unknown). Gaps and issues go to the mapper."""
    f = m.obj(OBJ)
    said = _manifest_status(m)
    if f is None and not any(s == "ok" for s in said.values()):
        return pl.DataFrame(schema=SCHEMA)  # not exported: the OS build tells (a limit the check states)
    if f is not None and "ComputerName" not in f.columns:
        return pl.DataFrame(schema=SCHEMA)  # rows that name no node: which node they are of cannot be told
    rows = _rows(m, f) if f is not None else pl.DataFrame(schema={"host_key": pl.String, "v": pl.String,
                                                                  "default": pl.Boolean, "parsed": pl.Boolean})
    m.used[OBJ] = rows.height
    top = rows.filter(pl.col("parsed")).with_columns(
        key=pl.col("v").str.split(".").list.eval(pl.element().cast(pl.Int64)))
    top = top.sort("key").group_by("host_key").agg(max_vm_version=pl.col("v").last())
    per_node = rows.group_by("host_key").agg(
        default=pl.col("default").fill_null(False).any(), parsed=pl.col("parsed").all()
    ).with_columns(shown=pl.col("default") & pl.col("parsed")).join(top, on="host_key", how="left")
    names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list())) if hosts.height else {}
    # the nodes HYV-14 compares: those of a cluster (a note typed under another file names no node)
    nodes = hosts.filter(pl.col("cluster").is_not_null())["host_key"].to_list() if "cluster" in hosts.columns else []
    written = dict(zip(rows["host_key"].to_list(), rows["written"].to_list())) if "written" in rows.columns else {}
    label = {k: H.node_label(k, names, written.get(k)) for k in per_node["host_key"].to_list()}
    why = {label[k]: CUT if not default else UNREAD for k, default, parsed in
           per_node.select("host_key", "default", "parsed").iter_rows() if not (default and parsed)}
    listed = set(per_node["host_key"].to_list())
    gone = {f"hyperv/{g.node.upper().split('.')[0]}" for g in read_status(m.raw.manifest, m.raw.file).of(OBJ)}
    absent = [k for k in nodes if k not in listed and k not in gone and said.get(k) != "skipped"]
    lost = NO_FILE if f is None else NOT_LISTED if listed else NO_ROWS
    _report(m, {**why, **{H.node_label(k, names): lost for k in absent}})
    unknown = pl.DataFrame({"host_key": absent, "max_vm_version": [None] * len(absent),
                            "versions_unknown": [True] * len(absent)}, schema=SCHEMA)
    known = per_node.select("host_key", pl.when(pl.col("shown")).then(pl.col("max_vm_version")).alias("max_vm_version"),
                            versions_unknown=~pl.col("shown"))
    return pl.concat([known.cast(SCHEMA), unknown])  # type: ignore[arg-type]


def _rows(m: HyperVMapper, f: pl.DataFrame) -> pl.DataFrame:
    """The rows that name their node: host key, the version as written, whether it is the default, whether the
    version is understood (a number and a dot: '10.0'; Excel may have made a date of it)."""
    version = H.text(f, "Version").str.replace(r"^(\d+),(\d+)$", "$1.$2")  # '9,0': a decimal comma
    parsed = version.str.contains(r"^\d+(\.\d+)+$")
    m.unparsed(OBJ, f, {"Version": pl.when(parsed).then(version)})
    default = H.boolean(f, "IsDefault") if "IsDefault" in f.columns else pl.lit(None, pl.Boolean)
    rows = f.select(host_key=H.host_key(V.text("ComputerName")), written=V.text("ComputerName"),
                    v=version, default=default, parsed=parsed.fill_null(False))
    return rows.filter(pl.col("host_key").is_not_null() & pl.col("v").is_not_null())


def _manifest_status(m: HyperVMapper) -> dict[str, str]:
    """Host key -> the status the collector's manifest records for the object on that node."""
    records = (m.raw.manifest or {}).get("status")
    found: dict[str, str] = {}
    for r in records if isinstance(records, list) else []:
        if isinstance(r, dict) and r.get("object") == OBJ and r.get("node"):
            found[f"hyperv/{str(r['node']).upper().split('.')[0]}"] = str(r.get("status") or "").lower()
    return found


def _report(m: HyperVMapper, why: dict[str, str]) -> None:
    """One gap per node whose list is not fully shown, and one data-quality line naming them."""
    for node, text in why.items():
        m.gaps.append(Gap(OBJ, node, "partial", text))
    if not why:
        return
    nodes = sorted(why)
    shown = ", ".join(nodes[:8]) + (f" and {len(nodes) - 8} more" if len(nodes) > 8 else "")
    reasons = "; ".join(dict.fromkeys(why[n] for n in nodes))
    m.issue("warning", f"the configuration versions that {shown} support are not fully shown ({reasons}): their "
            "highest version is unknown, so HYV-14 (configuration version not supported by every node) is not "
            "assessed on this export. Export Get-VMHostSupportedVersion again, or run the collector", OBJ,
            quoted=tuple(nodes))

"""What a Hyper-V export could not read, per object type and node, so that it is never read as clean.

A cmdlet that failed leaves a header-only CSV (or none), which looks exactly like "nothing found".
The collector's manifest says what failed: from collector 2.0 a ``status`` record per object and
node (ok / partial / failed / skipped), before that only a list of ``errors``. This module turns
either into :class:`Gap` records; the mapper hands them to coverage (the checks that need the object
are "not assessed", naming node and cmdlet) and to the data-quality section (every error counted).
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from typing import Literal

from ..estate import DataIssue

PER_VM = (
    "Get-VMHardDiskDrive", "Get-VMNetworkAdapter", "Get-VMDvdDrive", "Get-VMFibreChannelHba",
    "Get-VMAssignableDevice", "Get-VMGpuPartitionAdapter", "Get-VMProcessor", "Get-VHD", "Get-VMSecurity",
    "Get-VMKeyProtector",
)
"""Objects read per VM: a node whose VM list failed has none of them either."""
PER_NODE = ("Get-VMHost", "Get-VM", *PER_VM, "Get-VMSwitch", "Get-VMHostSupportedVersion", "Get-VMSan",
            "Get-HgsGuardian", "Get-HgsClientConfiguration", "Win32_Processor", "Win32_OperatingSystem")
CLUSTER = ("Get-ClusterNode", "Get-ClusterGroup", "Get-ClusterSharedVolume", "Get-ClusterOwnerNode",
           "Get-ClusterAffinityRule")
WHOLE = "the whole export"

ADVICE = {
    "Get-VM": "run the collector elevated ('Run as administrator') as a member of Administrators or Hyper-V "
              "Administrators on that node",
    "Get-VMHost": "check that the node is up and reachable (WinRM, firewall) and that the account is an "
                  "administrator there",
    "Get-HgsGuardian": "run the collector where the HgsClient PowerShell module is installed (it comes with the "
                       "Windows feature HostGuardian, 'Host Guardian Hyper-V Support'), elevated",
    "Get-VMKeyProtector": "run the collector where the HgsClient PowerShell module is installed (Windows feature "
                          "HostGuardian), elevated, so that each vTPM key protector can be decoded",
    "cluster": "run the collector in Windows PowerShell 5.1 on a cluster node, as an account with (at least "
               "read-only) cluster access (Grant-ClusterAccess -ReadOnly), with the FailoverClusters module "
               "installed and the Cluster service running",
}
DEFAULT_ADVICE = "read the error, fix its cause on that node and run the collector again (see docs/hyperv.md)"

Status = Literal["failed", "partial"]


@dataclass(frozen=True)
class Gap:
    """One object type that was not (fully) read on one node, or on the whole export."""

    object: str
    node: str
    status: Status
    message: str

    def text(self) -> str:
        return f"{self.object} {self.status} on {self.node}" + (f" ({self.message})" if self.message else "")

    def quoted(self) -> tuple[str, ...]:
        """What :meth:`text` quotes from the export: the node and the collector's message."""
        return tuple(q for q in (self.node if self.node != WHOLE else "", self.message) if q)


@dataclass(frozen=True)
class CollectorStatus:
    """The gaps of one export and the data-quality issues that explain them."""

    gaps: tuple[Gap, ...]
    issues: tuple[DataIssue, ...]

    def of(self, obj: str) -> tuple[Gap, ...]:
        return tuple(g for g in self.gaps if g.object == obj)


def read_status(manifest: dict[str, object] | None, file: str) -> CollectorStatus:
    """Gaps and issues from a collector manifest (none for loose CSVs, which have no manifest)."""
    if manifest is None:
        return CollectorStatus((), ())
    issues: list[DataIssue] = []
    errors = [e for e in _records(manifest.get("errors"))]
    records = manifest.get("status")
    gaps: list[Gap] = []
    if isinstance(records, list):
        for record in _records(records):
            status = str(record.get("status") or "").lower()
            obj, node = str(record.get("object") or ""), str(record.get("node") or "") or WHOLE
            if status in ("failed", "partial") and obj:
                gaps.append(Gap(obj, node, status, _first_message(record, errors, obj, node)))  # type: ignore[arg-type]
            elif status not in ("ok", "skipped") and obj:
                gaps.append(Gap(obj, node, "partial", f"status {str(record.get('status'))!r} not understood"))
    else:
        version = manifest.get("collector_version") or "unknown"
        issues.append(DataIssue(
            "info", file, f"made by collector version {version}, which records no per-object status: the cmdlets "
            "its error list names are taken as failed on their node, but an empty result it did not report cannot "
            "be told from 'nothing found'; run the current collector ('reportgen collector hyperv') for a complete "
            "status", sheet="manifest.json"))
        for error in errors:
            obj, node = str(error.get("cmdlet") or ""), str(error.get("node") or "") or WHOLE
            if obj in PER_NODE or obj in CLUSTER:
                status = "partial" if obj == "Get-VHD" else "failed"
                gaps.append(Gap(obj, node, status, str(error.get("message") or "")))  # type: ignore[arg-type]
    cluster_status = manifest.get("cluster_status")
    if cluster_status == "failed":
        message = str(manifest.get("cluster_error") or "the cluster could not be read")
        gaps.extend(Gap(obj, WHOLE, "failed", message) for obj in CLUSTER)
    for node in _names(manifest.get("nodes_not_reached")):
        gaps.append(Gap("Get-VMHost", node, "failed", "node not reached"))
    gaps = derive(gaps)
    issues.extend(_explain(gaps, errors, file))
    unfinished = _unfinished(manifest, file)
    if unfinished is not None:
        gaps.extend(unfinished[0])
        issues.append(unfinished[1])
    if manifest.get("partial_allowed") is True:
        preflight = _preflight(manifest)
        issues.append(DataIssue("warning", file, "the collector ran with -AllowPartial although its preflight "
                                "checks failed: " + preflight, sheet="manifest.json", quoted=(preflight,)))
    return CollectorStatus(tuple(gaps), tuple(issues))


def _unfinished(manifest: dict[str, object], file: str) -> tuple[list[Gap], DataIssue] | None:
    """Every object partial on the whole export when the manifest says the run did not finish.

    An interrupted run (Ctrl+C, an error) writes the manifest with ``complete`` false: nodes still being
    read have no status record at all, so what is missing cannot be told node by node.
    """
    if "complete" not in manifest or manifest["complete"] is True:
        return None
    said = manifest["complete"]
    why = (f"the collector did not finish (the manifest's 'complete' is {json.dumps(said)}, not true): it was interrupted or "
           "stopped by an error, and nodes still being read then are missing")
    objects = (*PER_NODE, *(CLUSTER if manifest.get("clustered") is not False else ()))
    issue = DataIssue("error", file, f"{why}; no check that needs the Hyper-V objects is assessed on this export. "
                      "To fix: run the collector again and let it finish", sheet="manifest.json")
    return [Gap(obj, WHOLE, "partial", why) for obj in objects], issue


def derive(gaps: list[Gap]) -> list[Gap]:
    """Add what a failed node or VM list implies: nothing was read for those VMs either (one gap per pair)."""
    out: dict[tuple[str, str], Gap] = {}

    def put(gap: Gap) -> None:
        known = out.get((gap.object, gap.node))
        if known is None or (known.status == "partial" and gap.status == "failed"):
            out[(gap.object, gap.node)] = gap

    for gap in gaps:
        put(gap)
    for gap in gaps:
        if gap.object == "Get-VMHost" and gap.status == "failed":
            implied: tuple[str, ...] = PER_NODE
            why = f"the node was not read: {gap.message}" if gap.message else "the node was not read"
        elif gap.object == "Get-VM":
            implied, why = PER_VM, f"its VM list {gap.status}" + (f": {gap.message}" if gap.message else "")
        else:
            continue
        for obj in implied:
            if obj != gap.object and (obj, gap.node) not in out:
                put(Gap(obj, gap.node, gap.status, why))
    return list(out.values())


def empty_vm_gaps(node: str, why: str) -> list[Gap]:
    """Gaps for a node (or the whole export) whose VM list is empty where VMs are expected."""
    return derive([Gap("Get-VM", node, "failed", why), Gap("Get-ClusterOwnerNode", node, "failed", why)])


def _explain(gaps: list[Gap], errors: list[dict[str, object]], file: str) -> list[DataIssue]:
    """One issue per object and status (nodes listed), plus every error counted per node and cmdlet."""
    issues: list[DataIssue] = []
    grouped: dict[tuple[str, str, str], list[str]] = {}
    for gap in gaps:
        grouped.setdefault((gap.object, gap.status, gap.message), []).append(gap.node)
    for (obj, status, message), nodes in grouped.items():
        where = ", ".join(nodes[:8]) + (f" and {len(nodes) - 8} more" if len(nodes) > 8 else "")
        advice = ADVICE["cluster"] if obj in CLUSTER else ADVICE.get(obj, DEFAULT_ADVICE)
        text = (f"{obj} {status} on {where}" + (f": {message.rstrip('. ')}" if message else "")
                + f"; the checks that need {obj} are not assessed there. To fix: {advice}")
        quoted = (*(n for n in nodes if n != WHOLE), *((message,) if message else ()))
        issues.append(DataIssue("error" if status == "failed" else "warning", file, text, sheet="manifest.json",
                                rows=len(nodes), quoted=quoted))
    counts = Counter((str(e.get("node") or ""), str(e.get("cmdlet") or "")) for e in errors)
    if counts:
        total = sum(counts.values())
        per = "; ".join(f"{cmdlet or '?'} on {node or '?'}: {n}" for (node, cmdlet), n in sorted(counts.items()))
        issues.append(DataIssue("warning", file, f"the collector reported {total} error(s) ({per}); the "
                                "manifest's errors list has each message", sheet="manifest.json", rows=total,
                                quoted=tuple(node for node, _ in counts if node)))
    return issues


def _first_message(record: dict[str, object], errors: list[dict[str, object]], obj: str, node: str) -> str:
    message = record.get("message")
    if message:
        return str(message)
    for error in errors:
        if error.get("cmdlet") == obj and (str(error.get("node") or "") or WHOLE) == node:
            return str(error.get("message") or "")
    return ""


def _preflight(manifest: dict[str, object]) -> str:
    failed = [str(r.get("message") or r.get("check")) for r in _records(manifest.get("preflight"))
              if r.get("ok") is False]
    return "; ".join(failed) or "see the manifest"


def _records(value: object) -> list[dict[str, object]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _names(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []  # one name written without its list
    return [str(v) for v in value if v] if isinstance(value, list) else []

"""HYV-03: virtual Fibre Channel adapters, checked against the virtual SANs of every node (Get-VMSan).

A VM with a virtual Fibre Channel adapter can live-migrate or fail over only to a node that has a
virtual SAN of the same name. Where Get-VMSan was read on every node of the VM's cluster, the nodes
without it are named (and a VM whose SAN exists on its own node only is pinned there); elsewhere the
finding stays conditional. Zoning of the WWPN sets is never in the export.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ..causes import RuleCause
from ..estate import Estate
from .hyperv import HYV03, _tie, hyperv_guests, scoped
from .records import Detector, Location, RuleContext, RuleOutput, Severity
from .tables import frame

ZONING = "both WWPN sets must be zoned"


def fibre_channel(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """One HYV-03 finding per virtual Fibre Channel adapter."""
    out = RuleOutput()
    adapters = frame(estate, "devices").filter(pl.col("kind") == "vfc").join(
        hyperv_guests(estate), on="guest_key", how="inner")
    if adapters.is_empty():
        return out
    hosts = frame(estate, "hosts").filter(pl.col("platform") == "hyperv")
    for d in adapters.iter_rows(named=True):
        peers = [h for h in hosts.iter_rows(named=True)
                 if (d["host_cluster"] and h["cluster_key"] == d["host_cluster"]) or h["host_key"] == d["host_key"]]
        _adapter(out, d, peers)
    return out


def _adapter(out: RuleOutput, d: dict[str, Any], peers: list[dict[str, Any]]) -> None:
    san = d["detail"]
    at = Location("Get-VMFibreChannelHba", f"row {d['row']}")
    evidence = f"{at}: SanName = {san or 'unknown'}"
    others = [p for p in peers if p["host_key"] != d["host_key"]]
    if not san or not others or any(p["vm_sans"] is None for p in peers):
        _tie(out, HYV03, d, evidence + f" ({ZONING}, and every node needs this virtual SAN; Get-VMSan was not read "
             "on every node)" if others else evidence + f" ({ZONING})", source=at)
        return
    having = [p["name"] for p in peers if san.lower() in {s.lower() for s in p["vm_sans"]}]
    lacking = [p["name"] for p in others if p["name"] not in having]
    if not lacking:
        _tie(out, HYV03, d, evidence + f"; Get-VMSan: every node of the cluster has it ({ZONING})", source=at)
        return
    evidence += f"; Get-VMSan: present on {', '.join(having) or 'no node'}, missing on {', '.join(lacking)}"
    if having == [d["host_name"]]:
        _tie(out, HYV03, d, evidence + ": live migration and failover to another node fail", severity=Severity.HIGH,
             pin=True, cause=RuleCause("san", scoped(d, san), san, d["host_name"]), source=at)
    else:
        _tie(out, HYV03, d, evidence + f": the VM cannot move to those nodes ({ZONING})", severity=Severity.HIGH,
             source=at)


DETECTORS = (Detector((HYV03,), fibre_channel),)

"""WSFC guest clusters as the remedy table and the summary tell them: the vMotion prerequisites (the same list
as the guest-cluster page, :func:`reportgen.rules.wsfc.prerequisites_short`) and the hosts their nodes run on.

VMware advises DRS 'Partially Automated' for the nodes of a WSFC guest cluster (a VM override): a host they run
on is emptied by live migration only once someone applies DRS's recommendations, never unattended.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from ..analysis import Analysis
from ..rules.wsfc import NOT_VISIBLE_SHORT, NodeFacts, is_windows, prerequisites_short
from .model import Action

WSFC_RULES = frozenset({"VMW-02", "VMW-03", "VMW-04"})
"""Shared disks on a physical-sharing bus: the nodes of a Windows Server failover cluster across hosts."""


def _number(text: object, pattern: str) -> int | None:
    found = re.search(pattern, str(text or ""))
    return None if found is None else int("".join(found.groups()))


def _esxi(version: object) -> int | None:
    """'7.0.3' -> 703; None when unparsable."""
    found = re.search(r"(\d+)\.(\d+)", str(version or ""))
    return None if found is None else int(found.group(1)) * 100 + int(found.group(2))


def _nodes(analysis: Analysis) -> dict[str, tuple[NodeFacts, ...]]:
    """Per guest-cluster id sharing physical-mode RDMs (VMW-02): its nodes as the export shows them. Only the
    nodes' rows are read (the remedy table and the summary ask several times; an estate has 200,000 guests)."""
    import polars as pl

    clusters = [c for c in analysis.guest_clusters if not c.suspected and "VMW-02" in c.rules]
    if not clusters:
        return {}
    keys = sorted({g.key for c in clusters for g in c.guests})
    columns = ("guest_key", "host_key", "hw_version", "os")
    frame = pl.from_arrow(analysis.estate.guests.select(columns))
    assert isinstance(frame, pl.DataFrame)
    guests = {k: (h, hw, os) for k, h, hw, os in frame.filter(pl.col("guest_key").is_in(keys)).iter_rows()}
    hosts = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                     analysis.estate.hosts.column("version").to_pylist()))
    result = {}
    for c in clusters:
        nodes = []
        for g in c.guests:
            host, hw, os = guests.get(g.key, (None, None, None))
            version = hosts.get(host) if host else None
            nodes.append(NodeFacts(g.name, _esxi(version), None if version is None else str(version),
                                   _number(hw, r"(\d+)"), None if os is None else str(os)))
        result[c.id] = tuple(nodes)
    return result


def not_windows(analysis: Analysis) -> frozenset[str]:
    """Ids of the guest clusters sharing physical-mode RDMs with a node that is not Windows: VMware supports
    vMotion of such guests for Windows Server failover clusters only (:func:`reportgen.rules.wsfc.is_windows`)."""
    return frozenset(i for i, nodes in _nodes(analysis).items() if not is_windows(nodes))


def prerequisites(analysis: Analysis) -> dict[str, str]:
    """Per WSFC guest-cluster id (physical-mode RDMs shared by Windows nodes): the vMotion prerequisites this
    export shows not met or does not show."""
    return {i: prerequisites_short(nodes) for i, nodes in _nodes(analysis).items() if is_windows(nodes)}


def wsfc_hosts(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    """Per host key, the WSFC guest clusters with a node on it (names)."""
    result: dict[str, list[str]] = defaultdict(list)
    other = not_windows(analysis)
    for c in analysis.guest_clusters:
        if not c.suspected and WSFC_RULES & set(c.rules) and c.id not in other:
            for key in c.host_keys:
                result[key].append(c.name)
    return {k: tuple(sorted(set(v))) for k, v in result.items()}


def unseen(remedies: list[Action], wsfc_ids: Iterable[str]) -> str:
    """What vMotion of WSFC nodes needs and no export shows, when one of these actions makes one of the WSFC guest
    clusters ``wsfc_ids`` movable; empty otherwise."""
    ids = set(wsfc_ids)
    return " and ".join(NOT_VISIBLE_SHORT) if any(ids & set(a.unit_ids) for a in remedies) else ""

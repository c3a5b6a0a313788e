"""WSFC guest clusters as the remedy table and the summary tell them: the vMotion prerequisites (the same list
as the guest-cluster page, :func:`reportgen.rules.wsfc.prerequisites_short`) and the hosts their nodes run on.

VMware advises DRS 'Partially Automated' for the nodes of a WSFC guest cluster (a VM override): a host they run
on is emptied by live migration only once someone applies DRS's recommendations, never unattended.
"""

from __future__ import annotations

import re
from collections import defaultdict

from ..analysis import Analysis
from ..rules.wsfc import NodeFacts, prerequisites_short

WSFC_RULES = frozenset({"VMW-02", "VMW-03", "VMW-04"})
"""Shared disks on a physical-sharing bus: the nodes of a Windows Server failover cluster across hosts."""


def _number(text: object, pattern: str) -> int | None:
    found = re.search(pattern, str(text or ""))
    return None if found is None else int("".join(found.groups()))


def _esxi(version: object) -> int | None:
    """'7.0.3' -> 703; None when unparsable."""
    found = re.search(r"(\d+)\.(\d+)", str(version or ""))
    return None if found is None else int(found.group(1)) * 100 + int(found.group(2))


def prerequisites(analysis: Analysis) -> dict[str, str]:
    """Per guest-cluster id sharing physical-mode RDMs (VMW-02): its vMotion prerequisites, met, not met and not
    visible in the export."""
    guests = {k: (h, hw, os) for k, h, hw, os in zip(*(analysis.estate.guests.column(c).to_pylist() for c in (
        "guest_key", "host_key", "hw_version", "os")))}
    hosts = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                     analysis.estate.hosts.column("version").to_pylist()))
    result = {}
    for c in analysis.guest_clusters:
        if c.suspected or "VMW-02" not in c.rules:
            continue
        nodes = []
        for g in c.guests:
            host, hw, os = guests.get(g.key, (None, None, None))
            version = hosts.get(host) if host else None
            nodes.append(NodeFacts(g.name, _esxi(version), None if version is None else str(version),
                                   _number(hw, r"(\d+)"), None if os is None else str(os)))
        result[c.id] = prerequisites_short(tuple(nodes))
    return result


def wsfc_hosts(analysis: Analysis) -> dict[str, tuple[str, ...]]:
    """Per host key, the WSFC guest clusters with a node on it (names)."""
    result: dict[str, list[str]] = defaultdict(list)
    for c in analysis.guest_clusters:
        if not c.suspected and WSFC_RULES & set(c.rules):
            for key in c.host_keys:
                result[key].append(c.name)
    return {k: tuple(sorted(set(v))) for k, v in result.items()}

"""Plain words for the kinds of tie, for charts a finance reader looks at (the rule id stays beside them)."""

from __future__ import annotations

from ..rules import CATALOGUE

PLAIN = {
    "GEN-01": "Guest cluster sharing disks",
    "GEN-02": "Where a guest cluster's nodes run",
    "VMW-01": "Cluster disks that work on one host only",
    "VMW-02": "Cluster disks on raw LUNs",
    "VMW-03": "Cluster disks as shared disk files",
    "VMW-05": "Cluster disks on virtual-mode raw LUNs",
    "VMW-06": "Raw LUN used by one guest",
    "VMW-07": "Disk written by several guests",
    "VMW-08": "Disk attached to several guests",
    "VMW-10": "Network with no physical uplink",
    "VMW-11": "Network on this host only",
    "VMW-12": "Distributed network with no uplink",
    "VMW-13": "Disks on storage only this host sees",
    "VMW-14": "Host PCI device passed to the guest",
    "VMW-15": "Host network card passed to the guest",
    "VMW-16": "Host GPU shared with the guest",
    "VMW-17": "Host USB device (licence key, dongle)",
    "VMW-18": "Host CD/DVD drive connected",
    "VMW-19": "ISO image on storage only this host sees",
    "VMW-20": "Fault Tolerance",
    "VMW-21": "Reserved CPU for low latency",
    "VMW-22": "Guest pinned to host CPUs",
    "VMW-23": "DRS rule keeping it on some hosts",
    "VMW-24": "No DRS automation or HA",
    "VMW-25": "Different CPU generations, no EVC",
    "HYV-01": "Cluster disks on a shared VHDX",
    "HYV-02": "Cluster disks on a VHD Set",
    "HYV-03": "Fibre Channel adapter in the guest",
    "HYV-04": "Host disk passed to the guest",
    "HYV-05": "Private network (this host only)",
    "HYV-06": "Internal network (this host only)",
    "HYV-07": "Virtual switch missing on other nodes",
    "HYV-08": "Disks on the host's own storage",
    "HYV-09": "Not a failover cluster role",
    "HYV-10": "Host device assigned to the guest",
    "HYV-11": "Host GPU partition",
    "HYV-12": "Host DVD drive connected",
    "HYV-13": "Different CPUs, compatibility off",
    "HYV-14": "Configuration version too new for some nodes",
    "HYV-15": "Allowed on some cluster nodes only",
    "HYV-20": "Virtual TPM key held by some hosts only",
}


def plain_label(rule: str) -> str:
    """'Cluster disks on raw LUNs (VMW-02)'; the catalogue title where no plain words are set."""
    words = PLAIN.get(rule) or (CATALOGUE[rule].title if rule in CATALOGUE else "")
    return f"{words} ({rule})" if words else rule

"""Small canonical estates for rule tests, in the values RVTools exports map to.

``make(...)`` takes rows built by :func:`host`, :func:`guest`, :func:`disk`, :func:`nic`,
:func:`portgroup`, :func:`store` and :func:`device` (keys and values as the RVTools mapping
writes them) and returns an :class:`~reportgen.estate.Estate` whose tab statuses say every
RVTools 4.7.1 tab was present with all its headers, unless ``drop`` names tabs or columns.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pyarrow as pa

from reportgen import schema
from reportgen.estate import Estate, TabStatus
from reportgen.importers.rvtools_headers import KNOWN
from reportgen.rules import Finding, RuleOutput, evaluate

UUID = "5A1E7C3B-1111-4222-8333-944455556666"
CLUSTER = f"{UUID}/DC1/Prod"


def host(name: str, cluster: str | None = "Prod", esx: str = "VMware ESXi 7.0.3 build-21930508",
         **kw: Any) -> dict[str, Any]:
    version = esx.split(" ")[2] if esx and esx.count(" ") >= 2 else None
    return {"host_key": f"{UUID}/{name}", "name": name, "platform": "vsphere", "source_id": 0,
            "cluster_key": f"{UUID}/DC1/{cluster}" if cluster else None, "cluster": cluster, "datacenter": "DC1",
            "product": esx, "version": version, "build": esx.rsplit("-", 1)[-1] if esx else None,
            "cpu_model": "Intel(R) Xeon(R) Gold 6248R", "evc_max": "intel-cascadelake", "memory_mib": 786432, **kw}


def guest(name: str, vm_id: str, on: str | None, power: str = "poweredOn", template: bool = False, hw: str = "19",
          ds: str = "san01", row: int = 2, **kw: Any) -> dict[str, Any]:
    folder = f"[{ds}] {name}/"
    return {"guest_key": f"{UUID}/{vm_id}", "vcenter_scope": UUID, "name": name, "platform": "vsphere", "source_id": 0,
            "host_key": f"{UUID}/{on}" if on else None, "cluster_key": CLUSTER, "cluster": "Prod",
            "power_state": power, "template": template, "hw_version": hw, "memory_mib": 8192,
            "config_path": folder + f"{name}.vmx", "log_dir": folder, "snapshot_dir": folder, "suspend_dir": folder,
            "ft_state": "notConfigured", "latency_sensitivity": "normal", "vm_id": vm_id, "row": row,
            "snapshots": 0, "os": "Microsoft Windows Server 2019 (64-bit)", **kw}


def disk(vm_id: str, path: str, row: int = 2, **kw: Any) -> dict[str, Any]:
    ds = path[1:path.index("]")] if path.startswith("[") else None
    return {"guest_key": f"{UUID}/{vm_id}", "label": "Hard disk 1", "controller": "SCSI controller 0",
            "controller_type": "VMware paravirtual SCSI", "bus_sharing": "none", "sharing_mode": "none",
            "raw": False, "path": path, "datastore": ds, "capacity_mib": 40960, "source_id": 0, "row": row, **kw}


def rdm(vm_id: str, path: str, lun: str, bus: str = "physical", mode: str = "physical", row: int = 3,
        **kw: Any) -> dict[str, Any]:
    return disk(vm_id, path, row=row, controller="SCSI controller 1", controller_type="LSI Logic SAS",
                bus_sharing=bus, sharing_mode=None, raw=True, raw_mode=mode, lun_id=lun,
                disk_mode="independent_persistent", **kw)


def nic(vm_id: str, network: str, connected: bool = True, starts: bool = True, switch: str | None = "vSwitch0",
        row: int = 2, **kw: Any) -> dict[str, Any]:
    return {"guest_key": f"{UUID}/{vm_id}", "label": "Network adapter 1", "adapter": "Vmxnet3", "network": network,
            "switch": switch, "connected": connected, "starts_connected": starts, "direct_path_io": True,
            "source_id": 0, "row": row, **kw}


def portgroup(on: str, network: str, switch: str = "vSwitch0", uplink: bool | None = True,
              kind: str = "standard") -> dict[str, Any]:
    return {"host_key": f"{UUID}/{on}", "network": network, "switch": switch, "switch_kind": kind,
            "has_uplink": uplink, "vlan": "0", "source_id": 0}


def store(name: str, hosts: Iterable[str], type: str = "VMFS") -> dict[str, Any]:
    seen = list(hosts)
    return {"datastore_key": f"{UUID}/{name}", "name": name, "type": type, "host_count": len(seen),
            "host_keys": [f"{UUID}/{h}" for h in seen], "host_names": seen, "shared": len(seen) > 1, "capacity_mib": 2097152,
            "source_id": 0}


def device(vm_id: str, kind: str, backing: str, detail: str, connected: bool, starts: bool, row: int = 2,
           **kw: Any) -> dict[str, Any]:
    ds = detail[detail.index("[") + 1:detail.index("]")] if "[" in detail else None
    return {"guest_key": f"{UUID}/{vm_id}", "kind": kind, "backing": backing, "detail": detail, "datastore": ds,
            "connected": connected, "starts_connected": starts, "bound_to_host": backing == "host",
            "source_id": 0, "row": row, **kw}


def make(hosts: list[dict[str, Any]], guests: list[dict[str, Any]], disks: list[dict[str, Any]] = (),  # type: ignore[assignment]
         nics: list[dict[str, Any]] = (), networks: list[dict[str, Any]] = (),  # type: ignore[assignment]
         datastores: list[dict[str, Any]] | None = None, devices: list[dict[str, Any]] = (),  # type: ignore[assignment]
         clusters: list[dict[str, Any]] | None = None, drop: dict[str, tuple[str, ...]] | None = None,
         version: str = "4.7.1.4") -> Estate:
    """An estate with one RVTools source; ``drop`` maps a tab to the columns it lacks (empty: the whole tab)."""
    if datastores is None:
        datastores = [store("san01", [h["name"] for h in hosts])]
    if clusters is None:
        names = sorted({h["cluster"] for h in hosts if h["cluster"]})
        clusters = [{"cluster_key": f"{UUID}/DC1/{n}", "name": n, "datacenter": "DC1", "platform": "vsphere",
                     "ha_enabled": True, "drs_enabled": True, "drs_behavior": "fullyAutomated",
                     "host_count": sum(1 for h in hosts if h["cluster"] == n), "source_id": 0} for n in names]
    rows = {"hosts": hosts, "guests": guests, "disks": list(disks), "nics": list(nics), "networks": list(networks),
            "datastores": datastores, "devices": list(devices), "clusters": clusters,
            "sources": [{"source_id": 0, "file": "vc01.xlsx", "format": "rvtools-xlsx", "platform": "vsphere",
                         "tool": "RVTools", "tool_version": version, "server": "vc01", "server_uuid": UUID}]}
    tables = {name: pa.Table.from_pylist(data, schema=schema.SCHEMAS[name]) for name, data in rows.items()}
    drop = drop or {}
    tabs = tuple(
        TabStatus(0, tab, True, 1, 1, frozenset(KNOWN[tab]) - frozenset(drop.get(tab, ())))
        for tab in KNOWN if not (tab in drop and not drop[tab])
    )
    return Estate(tables=tables, tabs=tabs)


def run(estate: Estate) -> RuleOutput:
    return evaluate(estate)


def of(out: RuleOutput, rule: str) -> list[Finding]:
    return [f for f in out.findings if f.rule == rule]


def key(vm_id: str) -> str:
    return f"{UUID}/{vm_id}"


def pinned(out: RuleOutput, rule: str | None = None) -> set[tuple[str, str]]:
    """(vm id, host name) of every pin edge (of one rule)."""
    return {(p.guest.split("/", 1)[1], p.host.split("/", 1)[1]) for p in out.pins if rule is None or p.rule == rule}

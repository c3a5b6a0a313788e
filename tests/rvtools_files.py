"""Small RVTools-shaped exports for tests: a few rows in the real column layout.

``Estate`` describes hosts and guests; :func:`write_xlsx` and :func:`write_csv_folder` write
it the way RVTools 4.7.1 does (booleans as the text True/False, header order as exported).
Header lists are the columns tests need, in RVTools' own order (formats.md §1.3).
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import xlsxwriter

UUID = "5A1E7C3B-1111-4222-8333-944455556666"
SERVER = "vc01.example.test"

HEADERS: dict[str, list[str]] = {
    "vInfo": [
        "VM", "Powerstate", "Template", "SRM Placeholder", "CPUs", "Memory", "NICs", "Disks",
        "Latency Sensitivity", "Network #1", "FT State", "FT Role", "HA Restart Priority", "Cluster rule(s)",
        "Cluster rule name(s)", "HW version", "Path", "Log directory", "Snapshot directory", "Suspend directory",
        "Annotation", "Datacenter", "Cluster", "Host", "OS according to the configuration file",
        "OS according to the VMware Tools", "VM ID", "SMBIOS UUID", "VM UUID", "VI SDK Server type",
        "VI SDK API Version", "VI SDK Server", "VI SDK UUID",
    ],
    "vDisk": [
        "VM", "Powerstate", "Template", "SRM Placeholder", "Disk", "Disk Key", "Capacity MiB", "Raw", "Disk Mode",
        "Sharing mode", "Thin", "Controller", "Label", "SCSI Unit #", "Unit #", "Shared Bus", "Path", "Raw LUN ID",
        "Raw Comp. Mode", "Annotation", "Datacenter", "Cluster", "Host", "VM ID", "VM UUID", "VI SDK Server",
        "VI SDK UUID",
    ],
    "vNetwork": [
        "VM", "Powerstate", "Template", "SRM Placeholder", "NIC label", "Adapter", "Network", "Switch", "Connected",
        "Starts Connected", "Mac Address", "Type", "Direct Path IO", "Annotation", "Datacenter", "Cluster", "Host",
        "VM ID", "VM UUID", "VI SDK Server", "VI SDK UUID",
    ],
    "vCD": [
        "VM", "Powerstate", "Template", "SRM Placeholder", "Device Node", "Connected", "Starts Connected",
        "Device Type", "Annotation", "Datacenter", "Cluster", "Host", "VM ID", "VM UUID", "VI SDK Server",
        "VI SDK UUID",
    ],
    "vSource": ["Name", "API type", "API version", "Version", "Patch level", "Build", "Fullname", "VI SDK Server",
                "VI SDK UUID"],
    "vCluster": ["Name", "Config status", "NumHosts", "HA enabled", "AdmissionControlEnabled", "DRS enabled",
                 "DRS default VM behavior", "DPM enabled", "Object ID", "VI SDK Server", "VI SDK UUID"],
    "vHost": ["Host", "Datacenter", "Cluster", "in Maintenance Mode", "vSAN Fault Domain Name", "CPU Model", "# Cores", "# Memory",
              "VMotion support", "Current EVC", "Max EVC", "ESX Version", "Object ID", "UUID", "VI SDK Server",
              "VI SDK UUID"],
    "vNIC": ["Host", "Datacenter", "Cluster", "Network Device", "Driver", "Switch", "Uplink port", "VI SDK Server",
             "VI SDK UUID"],
    "vSwitch": ["Host", "Datacenter", "Cluster", "Switch", "# Ports", "MTU", "VI SDK Server", "VI SDK UUID"],
    "vPort": ["Host", "Datacenter", "Cluster", "Port Group", "Switch", "VLAN", "VI SDK Server", "VI SDK UUID"],
    "vDatastore": ["Name", "Config status", "Type", "Capacity MiB", "# Hosts", "Hosts", "MHA", "Object ID",
                   "VI SDK Server", "VI SDK UUID"],
    "vMetaData": ["RVTools major version", "RVTools version", "xlsx creation datetime", "Server"],
}


@dataclass
class Guest:
    name: str
    vm_id: str
    host: str
    cluster: str = "Prod"
    power: str = "poweredOn"
    template: bool = False
    hw: int = 19
    disks: list[dict[str, Any]] = field(default_factory=list)
    nics: list[dict[str, Any]] = field(default_factory=list)
    datastore: str = "san01"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Estate:
    hosts: dict[str, str]
    """host name -> cluster name"""
    guests: list[Guest]
    uuid: str = UUID
    server: str = SERVER
    esx: str = "VMware ESXi 7.0.3 build-21930508"
    exported: datetime = datetime(2026, 3, 1, 9, 30, 0)
    datastores: dict[str, list[str]] = field(default_factory=dict)
    """datastore -> hosts that see it (default: san01 seen by every host)."""
    portgroups: list[tuple[str, str, str, bool]] = field(default_factory=list)
    """(host, port group, vSwitch, switch has an uplink)."""
    custom: dict[str, str] = field(default_factory=dict)
    """custom attribute column -> value for every guest (inserted after Annotation)."""
    fault_domains: dict[str, str] = field(default_factory=dict)
    """host -> vSAN fault domain (vHost 'vSAN Fault Domain Name'; empty when not given)."""


def _b(value: bool | None) -> str | None:
    return None if value is None else ("True" if value else "False")


def tabs(estate: Estate) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """Headers and rows per tab, as RVTools writes them."""
    common = {"Datacenter": "DC1", "VI SDK Server": estate.server, "VI SDK UUID": estate.uuid}
    rows: dict[str, list[dict[str, Any]]] = {t: [] for t in HEADERS}
    for g in estate.guests:
        ident = {**common, "VM": g.name, "Powerstate": g.power, "Template": _b(g.template), "SRM Placeholder": "False",
                 "Cluster": g.cluster, "Host": g.host, "VM ID": g.vm_id, "VM UUID": f"5000{g.vm_id}"}
        rows["vInfo"].append({**ident, "CPUs": 2, "Memory": 8192, "NICs": len(g.nics), "Disks": len(g.disks),
                              "Latency Sensitivity": "normal", "FT State": "notConfigured", "HW version": g.hw,
                              "OS according to the configuration file": "Microsoft Windows Server 2019 (64-bit)",
                              "Path": f"[{g.datastore}] {g.name}/{g.name}.vmx", "VI SDK Server type": "VirtualCenter",
                              **g.extra, **{f"custom:{k}": v for k, v in estate.custom.items()}})
        for i, d in enumerate(g.disks):
            rows["vDisk"].append({**ident, "Disk": f"Hard disk {i + 1}", "Capacity MiB": 40960, "Raw": "False",
                                  "Disk Mode": "persistent", "Sharing mode": "sharingNone",
                                  "Controller": "VMware paravirtual SCSI", "Label": "SCSI controller 0",
                                  "Unit #": i, "Shared Bus": "noSharing",
                                  "Path": f"[{g.datastore}] {g.name}/{g.name}_{i}.vmdk", **d})
        for i, n in enumerate(g.nics):
            rows["vNetwork"].append({**ident, "NIC label": f"Network adapter {i + 1}", "Adapter": "Vmxnet3",
                                     "Connected": "True", "Starts Connected": "True", "Direct Path IO": "True",
                                     "Type": "assigned", **n})
    for host, cluster in estate.hosts.items():
        rows["vHost"].append({**common, "Host": host, "Cluster": cluster, "in Maintenance Mode": "False",
                              "vSAN Fault Domain Name": estate.fault_domains.get(host),
                              "CPU Model": "Intel(R) Xeon(R) Gold 6248R", "# Cores": 48, "# Memory": 786432,
                              "VMotion support": "True", "ESX Version": estate.esx})
        rows["vNIC"].append({**common, "Host": host, "Cluster": cluster, "Network Device": "vmnic0",
                             "Switch": "vSwitch0"})
    for cluster in sorted(set(estate.hosts.values())):
        n = sum(1 for c in estate.hosts.values() if c == cluster)
        rows["vCluster"].append({**common, "Name": cluster, "NumHosts": n, "HA enabled": "True",
                                 "AdmissionControlEnabled": "True", "DRS enabled": "True",
                                 "DRS default VM behavior": "fullyAutomated", "DPM enabled": "False"})
    for host, pg, switch, uplink in estate.portgroups:
        rows["vPort"].append({**common, "Host": host, "Cluster": estate.hosts[host], "Port Group": pg,
                              "Switch": switch, "VLAN": "0"})
        rows["vSwitch"].append({**common, "Host": host, "Cluster": estate.hosts[host], "Switch": switch})
        if uplink and switch != "vSwitch0":
            rows["vNIC"].append({**common, "Host": host, "Cluster": estate.hosts[host], "Network Device": "vmnic1",
                                 "Switch": switch})
    stores = estate.datastores or {"san01": list(estate.hosts)}
    for name, seen in stores.items():
        rows["vDatastore"].append({**common, "Name": name, "Type": "VMFS", "Capacity MiB": 2097152,
                                   "# Hosts": len(seen), "Hosts": ", ".join(seen), "MHA": _b(len(seen) > 1)})
    rows["vSource"].append({"Name": "VMware vCenter Server", "API type": "VirtualCenter", "Version": "8.0.3",
                            "Build": "24674346", "Fullname": "VMware vCenter Server 8.0.3 build-24674346",
                            "VI SDK Server": estate.server, "VI SDK UUID": estate.uuid})
    rows["vMetaData"].append({"RVTools major version": 4.7, "RVTools version": "4.7.1.4",
                              "xlsx creation datetime": estate.exported, "Server": estate.server})
    result = {}
    for tab, headers in HEADERS.items():
        keys = list(headers)
        if estate.custom and tab in ("vInfo",):
            at = keys.index("Annotation") + 1
            keys[at:at] = [f"custom:{k}" for k in estate.custom]
        cols = [k.removeprefix("custom:") for k in keys]
        result[tab] = (cols, [[r.get(k) for k in keys] for r in rows[tab]])
    return result


def trimmed(estate: Estate, columns: dict[str, tuple[str, ...]] | None = None,
            below: dict[str, list[list[Any]]] | None = None) -> dict[str, tuple[list[str], list[list[Any]]]]:
    """``tabs(estate)`` without ``columns`` (per tab) and with rows ``below`` each table after a blank row."""
    result = {}
    for tab, (cols, data) in tabs(estate).items():
        gone = set((columns or {}).get(tab, ()))
        keep = [i for i, c in enumerate(cols) if c not in gone]
        rows = [[row[i] for i in keep] for row in data]
        if below and tab in below:
            rows += [[None] * len(keep), *([*r, *[None] * (len(keep) - len(r))] for r in below[tab])]
        result[tab] = ([cols[i] for i in keep], rows)
    return result


def write_xlsx(estate: Estate, path: Path, *, sheet_prefix: str = "",
               drop: tuple[str, ...] = (), rename: dict[str, dict[str, str]] | None = None,
               columns: dict[str, tuple[str, ...]] | None = None,
               below: dict[str, list[list[Any]]] | None = None) -> Path:
    """Write an RVTools-shaped workbook; ``drop`` leaves tabs out, ``rename`` renames headers per tab,
    ``columns`` and ``below`` as in :func:`trimmed`."""
    chosen = {t: ([(rename or {}).get(t, {}).get(c, c) for c in cols], data)
              for t, (cols, data) in trimmed(estate, columns, below).items() if t not in drop}
    return write_tabs_xlsx(chosen, path, sheet_prefix=sheet_prefix)


def write_tabs_xlsx(tabs: dict[str, tuple[list[str], list[list[Any]]]], path: Path, *,
                    sheet_prefix: str = "") -> Path:
    """Write tabs (headers, rows) as a workbook, typed as RVTools types them."""
    book = xlsxwriter.Workbook(str(path))
    when = book.add_format({"num_format": "yyyy/mm/dd hh:mm:ss"})
    for tab, (names, data) in tabs.items():
        sheet = book.add_worksheet(sheet_prefix + tab)
        sheet.write_row(0, 0, names)
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, datetime):
                    sheet.write_datetime(r, c, value, when)
                elif isinstance(value, str):
                    sheet.write_string(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return path


def csv_bytes(cols: list[str], data: list[list[Any]], *, delimiter: str = ",", encoding: str = "utf-8",
              bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(cols)
    for row in data:
        writer.writerow(["" if v is None else (v.strftime("%Y/%m/%d %H:%M:%S") if isinstance(v, datetime) else v)
                         for v in row])
    raw = buffer.getvalue().encode(encoding)
    if bom:
        prefix = codecs.BOM_UTF16_LE if encoding.lower().startswith("utf-16") else codecs.BOM_UTF8
        if encoding.lower() in ("utf-16", "utf_16"):
            return raw  # Python's utf-16 codec writes its own BOM
        raw = prefix + raw
    return raw


def write_csv_folder(estate: Estate, folder: Path, *, columns: dict[str, tuple[str, ...]] | None = None,
                     below: dict[str, list[list[Any]]] | None = None, **options: Any) -> Path:
    """Write ``RVTools_tab<Tab>.csv`` files (RVTools' 'export all to csv'); ``columns``, ``below`` as in
    :func:`trimmed`."""
    folder.mkdir(parents=True, exist_ok=True)
    for tab, (cols, data) in trimmed(estate, columns, below).items():
        if tab == "vMetaData":
            continue  # RVTools writes no vMetaData CSV
        (folder / f"RVTools_tab{tab}.csv").write_bytes(csv_bytes(cols, data, **options))
    return folder


def small_estate(**overrides: Any) -> Estate:
    """Two clusters: an in-a-box SQL pair on esx01, an across-boxes pair, a clean guest."""
    shared_rdm = {"Raw": "True", "Raw Comp. Mode": "physicalMode", "Disk Mode": "independent_persistent",
                  "Sharing mode": None, "Label": "SCSI controller 1", "Shared Bus": "physicalSharing"}
    guests = [
        Guest("sql01", "vm-101", "esx01.example.test", disks=[{}, {**shared_rdm, "Path": "[san01] sql01/sql01_1.vmdk",
                                                                 "Raw LUN ID": "0200aa"}]),
        Guest("sql02", "vm-102", "esx01.example.test", disks=[{}, {**shared_rdm, "Path": "[san01] sql01/sql01_1.vmdk",
                                                                 "Raw LUN ID": "0200aa"}]),
        Guest("fs01", "vm-201", "esx02.example.test", disks=[{}, {**shared_rdm, "Path": "[san01] fs01/fs01_1.vmdk",
                                                                "Raw LUN ID": "0200bb"}]),
        Guest("fs02", "vm-202", "esx03.example.test", disks=[{}, {**shared_rdm, "Path": "[san01] fs02/fs02_1.vmdk",
                                                                "Raw LUN ID": "0200bb"}]),
        Guest("web01", "vm-301", "esx04.example.test", cluster="Test", disks=[{}],
              nics=[{"Network": "VM Network", "Switch": "vSwitch0"}]),
    ]
    estate = Estate(
        hosts={"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Prod",
               "esx04.example.test": "Test"},
        guests=guests,
        portgroups=[(h, "VM Network", "vSwitch0", True) for h in
                    ("esx01.example.test", "esx02.example.test", "esx03.example.test", "esx04.example.test")],
    )
    for key, value in overrides.items():
        setattr(estate, key, value)
    return estate

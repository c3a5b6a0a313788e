"""The synthetic Hyper-V estates behind the samples, as rows of Hyper-V objects (property -> text).

Only documented property names are used; values are what ``Export-Csv`` writes (enum names,
``True``/``False``, bytes). See README.md for the ties each estate holds.
"""

from __future__ import annotations

import hashlib
import uuid

GiB = 1024**3
ZERO = "00000000-0000-0000-0000-000000000000"
NS = uuid.UUID("6f1c7e0e-3a52-4d8e-9a0b-5c1f0e2d7a10")
CLUSTER = "HVCL01"
NODES = ("HV01", "HV02", "HV03")
LOOSE_HOSTS = ("HVSA01", "HVSA02")
CSV1, CSV2 = r"C:\ClusterStorage\Volume1", r"C:\ClusterStorage\Volume2"
WS2022 = ("Microsoft Windows Server 2022 Datacenter", "10.0.20348", "20348")
WS2025 = ("Microsoft Windows Server 2025 Datacenter", "10.0.26100", "26100")
OS = {"HV01": WS2022, "HV02": WS2022, "HV03": WS2025}
CPU = {"HV01": "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz", "HV02": "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz",
       "HV03": "INTEL(R) XEON(R) GOLD 6542Y"}
VERSIONS = {
    "20348": ("5.0", "6.2", "7.0", "7.1", "8.0", "8.1", "8.2", "8.3", "9.0", "9.1", "9.2", "9.3", "10.0"),
    "26100": ("8.0", "8.1", "8.2", "8.3", "9.0", "9.1", "9.2", "9.3", "10.0", "11.0", "12.0"),
}
SWITCHES = {  # (node, switch) -> SwitchType
    **{(n, "vSwitch-Prod"): "External" for n in NODES},
    ("HV01", "vSwitch-Backup"): "External", ("HV02", "vSwitch-Backup"): "External",
    ("HV02", "HB-Private"): "Private", ("HV03", "Internal-Lic"): "Internal",
}


def vm_id(name: str) -> str:
    return str(uuid.uuid5(NS, name))


def thumbprint(name: str) -> str:
    """A made-up certificate thumbprint (40 hex digits, as the certificate store shows it)."""
    return hashlib.sha1(name.encode()).hexdigest().upper()


def _security(vms: list[dict[str, object]], tpm: tuple[str, ...] = ()) -> list[dict[str, object]]:
    """Get-VMSecurity of each VM: a virtual TPM on the VMs named in ``tpm``, nothing else enabled."""
    return [{"VMName": vm["Name"], "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
             "TpmEnabled": str(vm["Name"] in tpm), "KsdEnabled": "False", "Shielded": "False",
             "EncryptStateAndVmMigrationTraffic": "False", "VirtualizationBasedSecurityOptOut": "False"}
            for vm in vms]


def _vm(name: str, host: str, *, state: str = "Running", clustered: bool = True, version: str = "10.0",
        memory_gib: int = 8, cpus: int = 4, folder: str | None = None, notes: str | None = "") -> dict[str, object]:
    folder = folder or f"{CSV1}\\{name}"
    return {
        "VMName": name, "VMId": vm_id(name), "Name": name, "ComputerName": host, "State": state,
        "IsClustered": str(clustered), "Version": version, "Generation": "2", "ProcessorCount": str(cpus),
        "MemoryStartup": str(memory_gib * GiB), "MemoryAssigned": str(memory_gib * GiB if state == "Running" else 0),
        "DynamicMemoryEnabled": "False", "Path": folder, "ConfigurationLocation": folder,
        "SnapshotFileLocation": folder, "SmartPagingFilePath": folder, "AutomaticStartAction": "StartIfRunning",
        "AutomaticStopAction": "Save", "ReplicationMode": "None", "ReplicationState": "Disabled", "CheckpointType": "Production",
        "Notes": notes, "CreationTime": "2024-05-14T08:21:33.0000000Z",
    }


def _disk(vm: dict[str, object], location: int, path: str | None, *, shared: bool = False,
          disk_number: int | None = None) -> dict[str, object]:
    return {
        "VMName": vm["Name"], "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
        "Name": f"Hard Drive on SCSI controller number 0 at location {location}", "ControllerType": "SCSI",
        "ControllerNumber": "0", "ControllerLocation": str(location), "Path": path,
        "DiskNumber": None if disk_number is None else str(disk_number),
        "SupportPersistentReservations": str(shared), "MaximumIOPS": "0", "MinimumIOPS": "0", "VMSnapshotId": ZERO,
    }


def _nic(vm: dict[str, object], switch: str | None, n: int, index: int) -> dict[str, object]:
    return {
        "VMName": vm["Name"], "VMId": vm["VMId"], "ComputerName": vm["ComputerName"], "Name": "Network Adapter",
        "SwitchName": switch, "Connected": str(switch is not None), "MacAddress": f"00155D0A{n:02X}{index:02X}",
        "IsLegacy": "False", "IsManagementOs": "False", "IovWeight": "0", "IovUsage": "0", "VMSnapshotId": ZERO,
    }


def cluster_estate() -> dict[str, list[dict[str, object]]]:
    """The 3-node cluster HVCL01, as the collector's objects."""
    o: dict[str, list[dict[str, object]]] = {}
    def add(obj: str, row: dict[str, object]) -> None:
        o.setdefault(obj, []).append(row)

    vms = {
        "SQLFCI-N1": _vm("SQLFCI-N1", "HV01", memory_gib=32, cpus=8, notes="owner: dba-team"),
        "SQLFCI-N2": _vm("SQLFCI-N2", "HV02", memory_gib=32, cpus=8, notes="owner: dba-team"),
        "FS-N1": _vm("FS-N1", "HV01"),
        "FS-N2": _vm("FS-N2", "HV03"),
        "APPHB-1": _vm("APPHB-1", "HV02"),
        "APPHB-2": _vm("APPHB-2", "HV02"),
        "FILE01": _vm("FILE01", "HV03"),
        "RENDER01": _vm("RENDER01", "HV03", clustered=False, memory_gib=64),
        "LOCALAPP01": _vm("LOCALAPP01", "HV01", clustered=False, folder=r"D:\Hyper-V\LOCALAPP01"),
        "WEB01": _vm("WEB01", "HV01"), "WEB02": _vm("WEB02", "HV02"), "WEB03": _vm("WEB03", "HV03"),
        "BACKUP01": _vm("BACKUP01", "HV02"),
        "LICSRV01": _vm("LICSRV01", "HV03", memory_gib=2, cpus=2),
        "TOOLS01": _vm("TOOLS01", "HV01", state="Off"),
        "LEGACY01": _vm("LEGACY01", "HV02", version="9.0"),
        "NEWVER01": _vm("NEWVER01", "HV03", version="12.0"),
        "PINNED01": _vm("PINNED01", "HV01"),
        "VFC01": _vm("VFC01", "HV02"),
        "ISO01": _vm("ISO01", "HV02", state="Off"),
        "DRAPP01": _vm("DRAPP01", "HV03", state="Off", clustered=False),
        "VTPM01": _vm("VTPM01", "HV02"),
        "VTPM02": _vm("VTPM02", "HV01"),
    }
    vms["DRAPP01"]["ReplicationMode"], vms["DRAPP01"]["ReplicationState"] = "Replica", "Replicating"
    vms["WEB01"]["ReplicationMode"], vms["WEB01"]["ReplicationState"] = "Primary", "Replicating"
    vms["RENDER01"]["AutomaticStopAction"] = "TurnOff"
    for vm in vms.values():
        add("Get-VM", vm)
        add("Get-VMProcessor", {"VMName": vm["Name"], "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
                                "Count": vm["ProcessorCount"],
                                "CompatibilityForMigrationEnabled": str(vm["Name"] != "LEGACY01"),
                                "CompatibilityForMigrationMode": "MinimumFeatureSet"})
    # Disks: an OS disk each, then the ties.
    for vm in vms.values():
        if vm["Name"] == "FILE01":
            add("Get-VMHardDiskDrive", _disk(vm, 0, f"{CSV1}\\FILE01\\FILE01-os.vhdx"))
            add("Get-VMHardDiskDrive", _disk(vm, 1, "Disk 3 500.00 GB Bus 0 Lun 3 Target 0", disk_number=3))
            continue
        add("Get-VMHardDiskDrive", _disk(vm, 0, f"{vm['ConfigurationLocation']}\\{vm['Name']}-os.vhdx"))
    for name in ("SQLFCI-N1", "SQLFCI-N2"):
        add("Get-VMHardDiskDrive", _disk(vms[name], 1, f"{CSV2}\\SQLFCI\\SQLFCI-data.vhdx", shared=True))
        add("Get-VMHardDiskDrive", _disk(vms[name], 2, f"{CSV2}\\SQLFCI\\SQLFCI-quorum.vhdx", shared=True))
    for name in ("FS-N1", "FS-N2"):
        add("Get-VMHardDiskDrive", _disk(vms[name], 1, f"{CSV2}\\FS\\FS-share.vhds", shared=True))
    for d in o["Get-VMHardDiskDrive"]:
        if d["DiskNumber"] is None:
            path = str(d["Path"])
            add("Get-VHD", {"ComputerName": d["ComputerName"], "Path": path,
                            "VhdFormat": "VHDSet" if path.endswith(".vhds") else "VHDX", "VhdType": "Dynamic",
                            "FileSize": str(12 * GiB), "Size": str((100 if "-os" in path else 200) * GiB),
                            "ParentPath": "", "Attached": "True"})
    # NICs: production on every VM; the heartbeat pair, backup, licensing extras.
    for n, vm in enumerate(vms.values()):
        add("Get-VMNetworkAdapter", _nic(vm, "vSwitch-Prod", n, 0))
    for name in ("APPHB-1", "APPHB-2"):
        add("Get-VMNetworkAdapter", _nic(vms[name], "HB-Private", list(vms).index(name), 1))
    add("Get-VMNetworkAdapter", _nic(vms["BACKUP01"], "vSwitch-Backup", list(vms).index("BACKUP01"), 1))
    add("Get-VMNetworkAdapter", _nic(vms["LICSRV01"], "Internal-Lic", list(vms).index("LICSRV01"), 1))
    add("Get-VMNetworkAdapter", _nic(vms["WEB03"], None, list(vms).index("WEB03"), 1))
    # DVD drives: host pass-through on TOOLS01, an ISO on a CSV on ISO01, empty elsewhere.
    for vm in vms.values():
        media, path = {"TOOLS01": ("PassThrough", None), "ISO01": ("ISO", f"{CSV1}\\ISO\\WS2022.iso")}.get(
            str(vm["Name"]), ("None", None))
        add("Get-VMDvdDrive", {"VMName": vm["Name"], "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
                               "Name": "DVD Drive on SCSI controller number 0 at location 9", "ControllerType": "SCSI",
                               "ControllerNumber": "0", "ControllerLocation": "9", "DvdMediaType": media, "Path": path,
                               "VMSnapshotId": ZERO})
    vfc = vms["VFC01"]
    add("Get-VMFibreChannelHba", {"VMName": vfc["Name"], "VMId": vfc["VMId"], "ComputerName": "HV02",
                                  "Name": "Fibre Channel Adapter", "SanName": "FabricA",
                                  "WorldWideNodeNameSetA": "C003FF0000FFFF00", "WorldWidePortNameSetA": "C003FF5778E50002",
                                  "WorldWideNodeNameSetB": "C003FF0000FFFF00", "WorldWidePortNameSetB": "C003FF5778E50003"})
    for node in ("HV01", "HV02"):  # HV03 lacks the virtual SAN of VFC01's adapter
        add("Get-VMSan", {"ComputerName": node, "SanName": "FabricA"})
    add("Get-ClusterAffinityRule", {"Cluster": CLUSTER, "Name": "SQLFCI-Apart", "RuleType": "DifferentNode",
                                    "Groups": "SQLFCI-N1; SQLFCI-N2", "Enabled": "1"})
    add("Get-ClusterAffinityRule", {"Cluster": CLUSTER, "Name": "WebBackup-Together", "RuleType": "SameNode",
                                    "Groups": "WEB02; BACKUP01", "Enabled": "1"})
    # vTPM: VTPM01's key protector names only HV02's own UntrustedGuardian; VTPM02's the guardian
    # 'HVCL01-vTPM', whose certificates were imported on every node.
    o["Get-VMSecurity"] = _security(list(vms.values()), tpm=("VTPM01", "VTPM02"))
    for name, owner in (("VTPM01", ("UntrustedGuardian", thumbprint("HV02 UntrustedGuardian"))),
                        ("VTPM02", ("HVCL01-vTPM", thumbprint("HVCL01-vTPM")))):
        vm = vms[name]
        add("Get-VMKeyProtector", {"VMName": name, "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
                                   "Owner": owner[0], "OwnerThumbprint": owner[1], "Guardians": "",
                                   "GuardianThumbprints": ""})
    for node in NODES:
        for guardian in (f"{node} UntrustedGuardian", "HVCL01-vTPM"):
            add("Get-HgsGuardian", {"ComputerName": node, "Name": guardian.split(" ")[-1],
                                    "EncryptionThumbprint": thumbprint(guardian),
                                    "SigningThumbprint": thumbprint(guardian + " signing"), "HasPrivateSigningKey": "True"})
    gpu = vms["RENDER01"]
    add("Get-VMAssignableDevice", {"VMName": gpu["Name"], "VMId": gpu["VMId"], "ComputerName": "HV03",
                                   "Name": "NVIDIA A2", "InstanceID": r"PCIP\VEN_10DE&DEV_25B6&SUBSYS_157E10DE&REV_A1\6&2F1C3A4&0&0",
                                   "LocationPath": "PCIROOT(36)#PCI(0000)#PCI(0000)", "ResourcePoolName": "Primordial"})
    _add_hosts(o, CLUSTER, {n: (OS[n], CPU[n]) for n in NODES}, SWITCHES, numa_off=("HV03",))
    _add_cluster(o, CLUSTER, NODES, list(vms.values()), {"PINNED01": "HV01"}, {"SQLFCI": "SQLFCI", "FS-N1": "FS-Nodes"},
                 preferred={"FS-N1": "HV01; HV03", "FS-N2": "HV01; HV03"})
    return o


def _add_hosts(o: dict[str, list[dict[str, object]]], cluster: str | None,
               nodes: dict[str, tuple[tuple[str, str, str], str]], switches: dict[tuple[str, str], str],
               numa_off: tuple[str, ...] = ()) -> None:
    """Get-VMHost, switches, supported versions, CPUs, OS (and cluster nodes) of each host."""
    add = lambda obj, row: o.setdefault(obj, []).append(row)  # noqa: E731
    for n, (node, ((caption, version, build), cpu)) in enumerate(nodes.items()):
        add("Get-VMHost", {"ComputerName": node, "Name": node, "FullyQualifiedDomainName": f"{node}.corp.example",
                           "LogicalProcessorCount": "112", "MemoryCapacity": str(1024 * GiB),
                           "VirtualMachineMigrationEnabled": "True", "UseAnyNetworkForMigration": "False",
                           "MaximumVirtualMachineMigrations": "2", "VirtualHardDiskPath": r"C:\ProgramData\Microsoft\Windows\Virtual Hard Disks",
                           "VirtualMachinePath": r"C:\ProgramData\Microsoft\Windows\Hyper-V",
                           "NumaSpanningEnabled": str(node not in numa_off)})
        for (host, switch), kind in switches.items():
            if host == node:
                add("Get-VMSwitch", {"ComputerName": node, "Name": switch, "Id": str(uuid.uuid5(NS, node + switch)),
                                     "SwitchType": kind, "AllowManagementOS": str(kind != "Private"),
                                     "EmbeddedTeamingEnabled": str(kind == "External"),
                                     "NetAdapterInterfaceDescriptions": "Mellanox ConnectX-6 Dx Adapter; Mellanox ConnectX-6 Dx Adapter #2"
                                     if kind == "External" else "", "IovEnabled": "False"})
        for v in VERSIONS[build]:
            add("Get-VMHostSupportedVersion", {"ComputerName": node, "Name": f"Microsoft Windows Server {v}",
                                               "Version": v, "IsDefault": str(v == VERSIONS[build][-1])})
        for socket in (0, 1):
            add("Win32_Processor", {"SystemName": node, "DeviceID": f"CPU{socket}", "Name": cpu,
                                    "Manufacturer": "GenuineIntel", "NumberOfCores": "28",
                                    "NumberOfLogicalProcessors": "56"})
        add("Win32_OperatingSystem", {"CSName": node, "Caption": caption, "Version": version, "BuildNumber": build})
        add("Get-HgsClientConfiguration", {"ComputerName": node, "Mode": "Local", "IsHostGuarded": "False"})
        if cluster:
            add("Get-ClusterNode", {"Cluster": cluster, "Name": node, "Id": str(n + 1), "State": "Up",
                                    "DrainStatus": "NotInitiated", "MajorVersion": "10", "MinorVersion": "0",
                                    "BuildNumber": build, "NodeWeight": "1", "Manufacturer": "Contoso Systems",
                                    "Model": "R760"})


def _add_cluster(o: dict[str, list[dict[str, object]]], cluster: str, nodes: tuple[str, ...],
                 vms: list[dict[str, object]], owners: dict[str, str], anti: dict[str, str],
                 preferred: dict[str, str] | None = None) -> None:
    """Cluster Shared Volumes, groups and the possible owners of every clustered VM."""
    add = lambda obj, row: o.setdefault(obj, []).append(row)  # noqa: E731
    for i, volume in enumerate((CSV1, CSV2)):
        add("Get-ClusterSharedVolume", {"Cluster": cluster, "Name": f"Cluster Disk {i + 1}", "OwnerNode": nodes[i],
                                        "State": "Online", "FriendlyVolumeName": volume, "Size": str(8192 * GiB),
                                        "FreeSpace": str(3100 * GiB), "Id": str(uuid.uuid5(NS, cluster + volume))})
    add("Get-ClusterGroup", {"Cluster": cluster, "Name": "Cluster Group", "OwnerNode": nodes[0], "State": "Online",
                             "GroupType": "Cluster", "Priority": "3000", "AntiAffinityClassNames": "",
                             "Id": str(uuid.uuid5(NS, cluster + "Cluster Group"))})
    for vm in vms:
        if vm["IsClustered"] != "True":
            continue
        name = str(vm["Name"])
        klass = next((v for k, v in anti.items() if name.startswith(k)), "")
        add("Get-ClusterGroup", {"Cluster": cluster, "Name": name, "OwnerNode": vm["ComputerName"],
                                 "State": "Online" if vm["State"] == "Running" else "Offline",
                                 "GroupType": "VirtualMachine", "Priority": "2000", "AntiAffinityClassNames": klass,
                                 "Id": str(uuid.uuid5(NS, "group" + name))})
        add("Get-ClusterOwnerNode", {"Cluster": cluster, "Group": name, "Resource": f"Virtual Machine {name}",
                                     "VMId": vm["VMId"], "PossibleOwners": owners.get(name, "; ".join(nodes)),
                                     "PreferredOwners": (preferred or {}).get(name, "")})


# -- the larger estate: two 4-node clusters and a standalone host ----------------------------------

WS2019 = ("Microsoft Windows Server 2019 Standard", "10.0.17763", "17763")
VERSIONS["17763"] = ("5.0", "6.2", "7.0", "7.1", "8.0", "8.1", "8.2", "8.3", "9.0")


def _objects(vms: list[dict[str, object]], extra_disks: dict[str, list[tuple[str | None, bool, int | None]]],
             extra_nics: dict[str, list[str]]) -> dict[str, list[dict[str, object]]]:
    """Get-VM and per-VM objects: an OS disk and a production adapter each, plus the extras given."""
    o: dict[str, list[dict[str, object]]] = {}
    add = lambda obj, row: o.setdefault(obj, []).append(row)  # noqa: E731
    for n, vm in enumerate(vms):
        name = str(vm["Name"])
        add("Get-VM", vm)
        add("Get-VMProcessor", {"VMName": name, "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
                                "Count": vm["ProcessorCount"], "CompatibilityForMigrationEnabled": "True",
                                "CompatibilityForMigrationMode": "MinimumFeatureSet"})
        disks = [(f"{vm['ConfigurationLocation']}\\{name}-os.vhdx", False, None), *extra_disks.get(name, [])]
        for location, (path, shared, number) in enumerate(disks):
            disk = _disk(vm, location, path, shared=shared, disk_number=number)
            add("Get-VMHardDiskDrive", disk)
            if number is None and path:
                add("Get-VHD", {"ComputerName": vm["ComputerName"], "Path": path,
                                "VhdFormat": "VHDSet" if path.endswith(".vhds") else "VHDX", "VhdType": "Dynamic",
                                "FileSize": str(20 * GiB), "Size": str(100 * GiB), "ParentPath": "",
                                "Attached": "True"})
        for index, switch in enumerate(["Prod", *extra_nics.get(name, [])]):
            add("Get-VMNetworkAdapter", _nic(vm, switch, n, index))
        add("Get-VMDvdDrive", {"VMName": name, "VMId": vm["VMId"], "ComputerName": vm["ComputerName"],
                               "Name": "DVD Drive on SCSI controller number 0 at location 9", "ControllerType": "SCSI",
                               "ControllerNumber": "0", "ControllerLocation": "9", "DvdMediaType": "None",
                               "Path": None, "VMSnapshotId": ZERO})
    o["Get-VMSecurity"] = _security(vms)
    return o


def estate_bundles() -> dict[str, tuple[str | None, tuple[str, ...], dict[str, list[dict[str, object]]]]]:
    """Per bundle: (cluster, nodes, objects) of the estate of two 4-node clusters and one standalone host."""
    cpu = "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz"
    bundles = {}
    # Cluster A (Windows Server 2022): the three guest clusters.
    nodes_a = ("HVA01", "HVA02", "HVA03", "HVA04")
    vms = [_vm("SQLCL-N1", "HVA01", memory_gib=64, cpus=16), _vm("SQLCL-N2", "HVA02", memory_gib=64, cpus=16),
           _vm("FSCL-N1", "HVA03"), _vm("FSCL-N2", "HVA04"), _vm("HBCL-N1", "HVA02"), _vm("HBCL-N2", "HVA02"),
           *(_vm(f"WEBA-{i + 1:02d}", node) for i, node in enumerate(nodes_a))]
    sql, witness = f"{CSV2}\\SQLCL", f"{CSV1}\\HBCL\\HBCL-witness.vhdx"
    disks = {"SQLCL-N1": [(f"{sql}\\data.vhdx", True, None), (f"{sql}\\log.vhdx", True, None)],
             "SQLCL-N2": [(f"{sql}\\data.vhdx", True, None), (f"{sql}\\log.vhdx", True, None)],
             "FSCL-N1": [(f"{CSV2}\\FSCL\\shares.vhds", True, None)],
             "FSCL-N2": [(f"{CSV2}\\FSCL\\shares.vhds", True, None)],
             "HBCL-N1": [(witness, True, None)], "HBCL-N2": [(witness, True, None)]}
    o = _objects(vms, disks, {"HBCL-N1": ["Cluster-HB"], "HBCL-N2": ["Cluster-HB"]})
    switches = {**{(n, "Prod"): "External" for n in nodes_a}, ("HVA02", "Cluster-HB"): "Private"}
    _add_hosts(o, "HVCL-A", {n: (WS2022, cpu) for n in nodes_a}, switches)
    _add_cluster(o, "HVCL-A", nodes_a, vms, {}, {"SQLCL": "SQLCL", "FSCL": "FSCL"})
    bundles["hvcl-a"] = ("HVCL-A", nodes_a, o)
    # Cluster B (Windows Server 2025): host-bound devices and VMs outside the cluster.
    nodes_b = ("HVB01", "HVB02", "HVB03", "HVB04")
    vms = [_vm("DBRAW01", "HVB01", version="12.0"), _vm("AIGPU01", "HVB02", clustered=False, version="12.0"),
           _vm("UTIL01", "HVB03", clustered=False, version="12.0"),
           _vm("UTIL02", "HVB04", clustered=False, version="12.0", folder=r"E:\VMs\UTIL02"),
           *(_vm(f"WEBB-{i + 1:02d}", node, version="12.0") for i, node in enumerate(nodes_b))]
    vms[1]["AutomaticStopAction"] = "TurnOff"
    o = _objects(vms, {"DBRAW01": [("Disk 5 2.00 TB Bus 0 Lun 5 Target 0", False, 5)]}, {})
    gpu = vms[1]
    o["Get-VMAssignableDevice"] = [{"VMName": gpu["Name"], "VMId": gpu["VMId"], "ComputerName": "HVB02",
                                    "Name": "NVIDIA L4", "InstanceID": r"PCIP\VEN_10DE&DEV_27B8&SUBSYS_16CA10DE&REV_A1\4&1B2C3D4&0&0",
                                    "LocationPath": "PCIROOT(16)#PCI(0100)#PCI(0000)", "ResourcePoolName": "Primordial"}]
    _add_hosts(o, "HVCL-B", {n: (WS2025, cpu) for n in nodes_b}, {(n, "Prod"): "External" for n in nodes_b})
    _add_cluster(o, "HVCL-B", nodes_b, vms, {}, {})
    bundles["hvcl-b"] = ("HVCL-B", nodes_b, o)
    # A standalone branch host (Windows Server 2019): local storage only.
    vms = [_vm(name, "HVSTD01", clustered=False, version="9.0", folder=f"D:\\Hyper-V\\{name}")
           for name in ("BRANCH-DC01", "BRANCH-FS01", "EDGE01")]
    o = _objects(vms, {}, {"EDGE01": ["NAT"]})
    _add_hosts(o, None, {"HVSTD01": (WS2019, "Intel(R) Xeon(R) Silver 4314 CPU @ 2.40GHz")},
               {("HVSTD01", "Prod"): "External", ("HVSTD01", "NAT"): "Internal"})
    bundles["hvstd01"] = (None, ("HVSTD01",), o)
    return bundles


# -- loose, user-made exports (Windows PowerShell 5.1 Get-VM | Export-Csv, all properties) ---------

VM_COLUMNS = [
    "ParentCheckpointId", "ParentCheckpointName", "VMName", "VMId", "CheckpointFileLocation", "ConfigurationLocation",
    "SmartPagingFileInUse", "SmartPagingFilePath", "SnapshotFileLocation", "AutomaticStartAction",
    "AutomaticStartDelay", "AutomaticStopAction", "AutomaticCriticalErrorAction",
    "AutomaticCriticalErrorActionTimeout", "AutomaticCheckpointsEnabled", "CPUUsage", "MemoryAssigned",
    "MemoryDemand", "MemoryStatus", "NumaAligned", "NumaNodesCount", "NumaSocketCount", "Heartbeat",
    "IntegrationServicesState", "IntegrationServicesVersion", "Uptime", "OperationalStatus",
    "PrimaryOperationalStatus", "SecondaryOperationalStatus", "StatusDescriptions", "PrimaryStatusDescription",
    "SecondaryStatusDescription", "Status", "ReplicationHealth", "ReplicationMode", "ReplicationState",
    "ResourceMeteringEnabled", "CheckpointType", "EnhancedSessionTransportType", "Groups", "Version",
    "VirtualMachineType", "VirtualMachineSubType", "Notes", "State", "ComPort1", "ComPort2", "DVDDrives",
    "FibreChannelHostBusAdapters", "FloppyDrive", "HardDrives", "RemoteFxAdapter", "VMIntegrationService",
    "DynamicMemoryEnabled", "MemoryMaximum", "MemoryMinimum", "MemoryStartup", "ProcessorCount",
    "BatteryPassthroughEnabled", "Generation", "IsClustered", "ParentSnapshotId", "ParentSnapshotName", "Path",
    "SizeOfSystemFiles", "GuestControlledCacheTypes", "LowMemoryMappedIoSpace", "HighMemoryMappedIoSpace",
    "LockOnDisconnect", "CreationTime", "Id", "Name", "NetworkAdapters", "CimSession", "ComputerName", "IsDeleted",
]
DISK_COLUMNS = [
    "Path", "DiskNumber", "MaximumIOPS", "MinimumIOPS", "QoSPolicyID", "SupportPersistentReservations",
    "WriteHardeningMethod", "ControllerLocation", "ControllerNumber", "ControllerType", "Name", "PoolName", "Id",
    "VMId", "VMName", "VMSnapshotId", "VMSnapshotName", "CimSession", "ComputerName", "IsDeleted",
]
NIC_COLUMNS = ["VMName", "Name", "SwitchName", "MacAddress", "Connected", "ComputerName"]  # after Select-Object
SWITCH_COLUMNS = [
    "Name", "Id", "Notes", "Extensions", "BandwidthReservationMode", "PacketDirectEnabled", "EmbeddedTeamingEnabled",
    "IovEnabled", "SwitchType", "AllowManagementOS", "NetAdapterInterfaceDescription",
    "NetAdapterInterfaceDescriptions", "NetAdapterInterfaceGuid", "IovSupport", "IovSupportReasons", "CimSession",
    "ComputerName", "IsDeleted",
]
DVD_COLUMNS = [
    "DvdMediaType", "Path", "ControllerLocation", "ControllerNumber", "ControllerType", "Name", "PoolName", "Id",
    "VMId", "VMName", "VMSnapshotId", "VMSnapshotName", "CimSession", "ComputerName", "IsDeleted",
]
LOCAL_DATES = {"HVSA01": "5/14/2024 8:21:33 AM", "HVSA02": "14.05.2024 08:21:33"}


def _full_vm(name: str, host: str, state: str, folder: str, notes: str | None) -> dict[str, object]:
    running = state == "Running"
    ident = vm_id(name)
    return {
        "ParentCheckpointId": None, "ParentCheckpointName": None, "VMName": name, "VMId": ident,
        "CheckpointFileLocation": folder, "ConfigurationLocation": folder, "SmartPagingFileInUse": "False",
        "SmartPagingFilePath": folder, "SnapshotFileLocation": folder, "AutomaticStartAction": "StartIfRunning",
        "AutomaticStartDelay": "0", "AutomaticStopAction": "Save", "AutomaticCriticalErrorAction": "Pause",
        "AutomaticCriticalErrorActionTimeout": "30", "AutomaticCheckpointsEnabled": "True",
        "CPUUsage": "2" if running else "0", "MemoryAssigned": str(4 * GiB if running else 0),
        "MemoryDemand": str(2 * GiB if running else 0), "MemoryStatus": "", "NumaAligned": None,
        "NumaNodesCount": "1", "NumaSocketCount": "1", "Heartbeat": "OkApplicationsUnknown" if running else None,
        "IntegrationServicesState": "Up to date" if running else "", "IntegrationServicesVersion": "0.0",
        "Uptime": "12.04:31:07.1230000" if running else "00:00:00",
        "OperationalStatus": "Microsoft.HyperV.PowerShell.VMOperationalStatus[]",
        "PrimaryOperationalStatus": "Ok", "SecondaryOperationalStatus": None, "StatusDescriptions": "System.String[]",
        "PrimaryStatusDescription": "Operating normally", "SecondaryStatusDescription": None,
        "Status": "Operating normally", "ReplicationHealth": "NotApplicable", "ReplicationMode": "None",
        "ReplicationState": "Disabled", "ResourceMeteringEnabled": "False", "CheckpointType": "Production",
        "EnhancedSessionTransportType": "VMBus",
        "Groups": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.VMGroup]", "Version": "9.0",
        "VirtualMachineType": "RealizedVirtualMachine", "VirtualMachineSubType": "Generation2", "Notes": notes,
        "State": state, "ComPort1": "Microsoft.HyperV.PowerShell.VMComPort",
        "ComPort2": "Microsoft.HyperV.PowerShell.VMComPort",
        "DVDDrives": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.DvdDrive]",
        "FibreChannelHostBusAdapters": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.VMFibreChannelHba]",
        "FloppyDrive": None,
        "HardDrives": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.HardDiskDrive]",
        "RemoteFxAdapter": None,
        "VMIntegrationService": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.VMIntegrationComponent]",
        "DynamicMemoryEnabled": "False", "MemoryMaximum": str(1024 * GiB), "MemoryMinimum": str(512 * 1024**2),
        "MemoryStartup": str(4 * GiB), "ProcessorCount": "2", "BatteryPassthroughEnabled": "False",
        "Generation": "2", "IsClustered": "False", "ParentSnapshotId": None, "ParentSnapshotName": None,
        "Path": folder, "SizeOfSystemFiles": "74232", "GuestControlledCacheTypes": "False",
        "LowMemoryMappedIoSpace": "134217728", "HighMemoryMappedIoSpace": "536870912", "LockOnDisconnect": "Off",
        "CreationTime": LOCAL_DATES[host], "Id": ident, "Name": name,
        "NetworkAdapters": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.VMNetworkAdapter]",
        "CimSession": "CimSession: .", "ComputerName": host, "IsDeleted": "False",
    }


def loose_estate() -> dict[str, object]:
    """Two standalone hosts exported by hand (see generate.loose_files for the file formats)."""
    spec = {  # name: (host, state, folder, notes, switches)
        "DC01": ("HVSA01", "Running", r"D:\VMs\DC01", "", ["LAN"]),
        "LABA-1": ("HVSA01", "Running", r"D:\VMs\LABA-1", None, ["LAN", "LabNet"]),
        "LABA-2": ("HVSA01", "Running", r"D:\VMs\LABA-2", None, ["LAN", "LabNet"]),
        "ARCHIVE01": ("HVSA01", "Off", r"\\FS01\VMStore\ARCHIVE01", "Kept for\nlegal hold", ["LAN"]),
        "PRINT01": ("HVSA02", "Running", r"E:\Hyper-V\PRINT01", "Drucker", ["LAN"]),
        "KIOSK01": ("HVSA02", "Running", r"\\FS01\VMStore\KIOSK01", "", ["LAN", "NAT-Internal"]),
        "Büro-Server": ("HVSA02", "Saved", r"\\FS01\VMStore\Buero", "Empfang & Büro", ["LAN", ""]),
    }
    vms: dict[str, list[dict[str, object]]] = {h: [] for h in LOOSE_HOSTS}
    disks, nics, dvds = [], [], []
    for name, (host, state, folder, notes, switches) in spec.items():
        vm = _full_vm(name, host, state, folder, notes)
        vms[host].append(vm)
        disks.append({
            "Path": f"{folder}\\{name}.vhdx", "DiskNumber": None, "MaximumIOPS": "0", "MinimumIOPS": "0",
            "QoSPolicyID": ZERO, "SupportPersistentReservations": "False", "WriteHardeningMethod": "Default",
            "ControllerLocation": "0", "ControllerNumber": "0", "ControllerType": "SCSI",
            "Name": "Hard Drive on SCSI controller number 0 at location 0", "PoolName": "Primordial",
            "Id": f"Microsoft:{vm['VMId'].upper()}\\SCSI0", "VMId": vm["VMId"], "VMName": name,
            "VMSnapshotId": ZERO, "VMSnapshotName": "", "CimSession": "CimSession: .", "ComputerName": host,
            "IsDeleted": "False",
        })
        for index, switch in enumerate(switches):
            nics.append({"VMName": name, "Name": "Network Adapter", "SwitchName": switch,
                         "MacAddress": f"00155D01{len(nics):02X}{index:02X}", "Connected": str(switch != ""),
                         "ComputerName": host})
        dvds.append({
            "DvdMediaType": "PassThrough" if name == "DC01" else "None", "Path": None, "ControllerLocation": "1",
            "ControllerNumber": "0", "ControllerType": "SCSI", "Name": "DVD Drive on SCSI controller number 0 at location 1",
            "PoolName": "Primordial", "Id": f"Microsoft:{vm['VMId'].upper()}\\DVD", "VMId": vm["VMId"], "VMName": name,
            "VMSnapshotId": ZERO, "VMSnapshotName": "", "CimSession": "CimSession: .", "ComputerName": host,
            "IsDeleted": "False",
        })
    # The checkpoint of LABA-1 exported along with the running disks (Get-VMSnapshot | Get-VMHardDiskDrive).
    snap = dict(disks[1], VMSnapshotId=str(uuid.uuid5(NS, "LABA-1 checkpoint")), VMSnapshotName="before patch",
                Path=r"D:\VMs\LABA-1\LABA-1_8F3A.avhdx")
    disks.append(snap)
    switches = []
    for host, name, kind in (("HVSA01", "LAN", "External"), ("HVSA01", "LabNet", "Private"),
                             ("HVSA02", "LAN", "External"), ("HVSA02", "NAT-Internal", "Internal")):
        switches.append({
            "Name": name, "Id": str(uuid.uuid5(NS, host + name)), "Notes": "",
            "Extensions": "System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.VMSwitchExtension]",
            "BandwidthReservationMode": "Absolute", "PacketDirectEnabled": "False", "EmbeddedTeamingEnabled": "False",
            "IovEnabled": "False", "SwitchType": kind, "AllowManagementOS": str(kind != "Private"),
            "NetAdapterInterfaceDescription": "Intel(R) Ethernet Controller X710" if kind == "External" else None,
            "NetAdapterInterfaceDescriptions": "System.String[]", "NetAdapterInterfaceGuid": "System.Guid[]",
            "IovSupport": "False", "IovSupportReasons": "System.String[]", "CimSession": "CimSession: .",
            "ComputerName": host, "IsDeleted": "False",
        })
    return {"vm_columns": VM_COLUMNS, "vms": vms, "disk_columns": DISK_COLUMNS, "disks": disks,
            "nic_columns": NIC_COLUMNS, "nics": nics, "switch_columns": SWITCH_COLUMNS, "switches": switches,
            "dvd_columns": DVD_COLUMNS, "dvds": dvds}

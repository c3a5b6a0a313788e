"""A small Hyper-V estate built row by row with the documented property names, written as
Export-Csv files (one per object type) and read back through the real importer."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from pathlib import Path

from reportgen.estate import Estate
from reportgen.importers.hyperv import load_hyperv
from reportgen.importers.rvtools_map import MapOptions
from reportgen.rules import RuleContext, RuleOutput, evaluate

GiB = 1024**3
ZERO = "00000000-0000-0000-0000-000000000000"
CPU = "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz"


def vm_id(name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_DNS, f"{name}.vm.test"))


def copy_key(name: str, host: str) -> str:
    """The guest key of a Hyper-V Replica copy of ``name`` kept on ``host``."""
    return f"{vm_id(name)}/replica/{host}"


def render(rows: list[dict[str, object]]) -> str:
    """Export-Csv text (PowerShell 7 form): every field quoted, $null written as nothing."""
    columns: list[str] = []
    for row in rows:
        columns.extend(c for c in row if c not in columns)
    lines = [",".join(f'"{c}"' for c in columns)]
    for row in rows:
        lines.append(",".join("" if row.get(c) is None else '"' + str(row[c]).replace('"', '""') + '"'
                              for c in columns))
    return "\r\n".join(lines) + "\r\n"


@dataclass
class Lab:
    """Nodes of one failover cluster (or standalone hosts) and their VMs, as Hyper-V objects."""

    cluster: str | None = "CL1"
    objects: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    hosts: dict[str, str] = field(default_factory=dict)
    disks: dict[str, int] = field(default_factory=dict)

    def add(self, obj: str, **row: object) -> dict[str, object]:
        self.objects.setdefault(obj, []).append(row)
        return row

    def node(self, name: str, *, cpu: str = CPU, build: str = "20348", versions: tuple[str, ...] = ("9.0", "10.0"),
             switches: dict[str, str] | None = None, fqdn: str | None = None) -> None:
        self.add("Get-VMHost", ComputerName=name, Name=name, LogicalProcessorCount="64",
                 MemoryCapacity=str(512 * GiB), VirtualMachineMigrationEnabled="True",
                 **({"FullyQualifiedDomainName": fqdn} if fqdn else {}))
        self.add("Win32_Processor", SystemName=name, DeviceID="CPU0", Name=cpu, Manufacturer="GenuineIntel",
                 NumberOfCores="32")
        self.add("Win32_OperatingSystem", CSName=name, Caption="Microsoft Windows Server Datacenter",
                 Version=f"10.0.{build}", BuildNumber=build)
        for version in versions:
            self.add("Get-VMHostSupportedVersion", ComputerName=name, Name=f"Version {version}", Version=version,
                     IsDefault=str(version == versions[-1]))
        for switch, kind in (switches if switches is not None else {"Prod": "External"}).items():
            self.add("Get-VMSwitch", ComputerName=name, Name=switch, Id=vm_id(name + switch), SwitchType=kind)
        if self.cluster:
            self.add("Get-ClusterNode", Cluster=self.cluster, Name=name, Id=str(len(self.objects["Get-VMHost"])),
                     State="Up", DrainStatus="NotInitiated", MajorVersion="10", MinorVersion="0", BuildNumber=build)

    def vm(self, name: str, host: str, *, state: str = "Running", clustered: bool = True, version: str = "10.0",
           folder: str | None = None, compat: bool | None = True, owners: list[str] | None = None,
           switches: tuple[str, ...] = ("Prod",)) -> dict[str, object]:
        folder = folder or f"C:\\ClusterStorage\\Volume1\\{name}"
        row = self.add("Get-VM", VMName=name, VMId=vm_id(name), Name=name, ComputerName=host, State=state,
                       IsClustered=str(clustered), Version=version, Generation="2", ProcessorCount="2",
                       MemoryStartup=str(4 * GiB), Path=folder, ConfigurationLocation=folder,
                       SnapshotFileLocation=folder, AutomaticStopAction="Save", Notes="")
        self.hosts[name] = host
        self.disk(name, f"{folder}\\{name}.vhdx")
        for switch in switches:
            self.nic(name, switch)
        if compat is not None:
            self.add("Get-VMProcessor", VMName=name, VMId=vm_id(name), ComputerName=host, Count="2",
                     CompatibilityForMigrationEnabled=str(compat))
        if self.cluster and clustered:
            self.add("Get-ClusterOwnerNode", Cluster=self.cluster, Group=name, Resource=f"Virtual Machine {name}",
                     VMId=vm_id(name), PossibleOwners="; ".join(owners or self.nodes()), PreferredOwners="")
        return row

    def nodes(self) -> list[str]:
        return [str(h["Name"]) for h in self.objects.get("Get-VMHost", [])]

    def host_of(self, name: str) -> str:
        return self.hosts[name]

    def disk(self, name: str, path: str | None, *, shared: bool = False, number: int | None = None) -> None:
        location = self.disks.get(name, 0)
        self.disks[name] = location + 1
        self.add("Get-VMHardDiskDrive", VMName=name, VMId=vm_id(name), ComputerName=self.host_of(name),
                 ControllerType="SCSI", ControllerNumber="0", ControllerLocation=str(location), Path=path,
                 DiskNumber=None if number is None else str(number), SupportPersistentReservations=str(shared),
                 VMSnapshotId=ZERO)

    def nic(self, name: str, switch: str | None) -> None:
        self.add("Get-VMNetworkAdapter", VMName=name, VMId=vm_id(name), ComputerName=self.host_of(name),
                 Name="Network Adapter", SwitchName=switch, Connected=str(switch is not None),
                 MacAddress="00155D000001", IsManagementOs="False")

    def device(self, obj: str, name: str, **row: object) -> None:
        self.add(obj, VMName=name, VMId=vm_id(name), ComputerName=self.host_of(name), **row)

    def write(self, folder: Path) -> Path:
        """The objects as Export-Csv files in ``folder`` (a Hyper-V export reportgen reads)."""
        folder.mkdir(parents=True, exist_ok=True)
        for obj, rows in self.objects.items():
            (folder / f"{obj}.csv").write_text(render(rows), encoding="utf-8")
        return folder

    def estate(self, folder: Path) -> Estate:
        return load_hyperv(self.write(folder), 0, MapOptions())

    def run(self, folder: Path) -> tuple[Estate, RuleOutput]:
        estate = self.estate(folder)
        return estate, evaluate(estate, RuleContext())


def two_nodes(**node: object) -> Lab:
    lab = Lab()
    lab.node("HVA", **node)  # type: ignore[arg-type]
    lab.node("HVB", **node)  # type: ignore[arg-type]
    return lab


def findings(out: RuleOutput, rule: str) -> dict[str, object]:
    """Findings of one rule by guest key."""
    return {f.guest_key: f for f in out.findings if f.rule == rule}


def edges(items: list, rule: str) -> set[tuple[str, str]]:
    """(guest, host) or (guest, guest) pairs of one rule's edges."""
    return {tuple(getattr(e, a) for a in ("guest", "host")) if hasattr(e, "guest") else (e.a, e.b)
            for e in items if e.rule == rule}

"""An abstract vCenter estate: datacenters, clusters, hosts, datastores, switches and guests.

``build_vcenter`` lays out an estate of a given size and then *plants* the configurations that tie guests
to hosts (guest clusters on shared buses or shared disks, host-only networks, local datastores, host devices)
on ordinary guests, together with look-alikes that must not be reported (decoys). Everything is drawn from
one ``random.Random`` seeded per vCenter, so the same parameters always give the same estate.

The model knows nothing of RVTools' columns (see ``tabs.py``) nor of the ground truth (see ``truth.py``).
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field

from . import catalog as C

# --------------------------------------------------------------------------------------------- entities


@dataclass(eq=False, slots=True)
class Datastore:
    name: str
    moid: str
    kind: str  # VMFS / NFS
    capacity: int  # MiB
    hosts: list[Host]
    local: bool
    address: str
    url: str
    lun_uuid: str = ""
    vms: list[VM] = field(default_factory=list)  # guests with files on it (filled by finalize)
    provisioned: int = 0


@dataclass(eq=False, slots=True)
class VSwitch:
    name: str
    portgroups: list[tuple[str, str]]  # (port group, VLAN as text)
    uplinks: list[str]  # vmnic names; empty = no physical uplink
    mtu: int = 1500


@dataclass(eq=False, slots=True)
class DvSwitch:
    name: str
    moid: str
    portgroups: list[tuple[str, int, str]]  # (name, VLAN, moid)
    uplink_portgroup: tuple[str, str]  # (name, moid)
    created: dt.datetime
    hosts: list[Host] = field(default_factory=list)
    by_purpose: dict[str, str] = field(default_factory=dict)  # "APP" -> port group name


@dataclass(eq=False, slots=True)
class Datacenter:
    name: str
    moid: str
    dvs: DvSwitch | None = None
    iso: Datastore | None = None
    clusters: list[Cluster] = field(default_factory=list)
    folders: dict[str, str] = field(default_factory=dict)  # folder path -> group-v id


@dataclass(eq=False, slots=True)
class Cluster:
    name: str
    dc: Datacenter
    moid: str
    rp_moid: str
    clean: bool = False  # nothing is planted here
    hosts: list[Host] = field(default_factory=list)
    datastores: list[Datastore] = field(default_factory=list)


@dataclass(eq=False, slots=True)
class Host:
    name: str
    short: str
    ip: str
    cluster: Cluster
    moid: str
    uuid: str
    hw: tuple
    esx: tuple[str, str]
    boot: dt.datetime
    serial: str
    vswitches: list[VSwitch] = field(default_factory=list)
    vmnics: list[tuple] = field(default_factory=list)  # (device, driver, speed, mac, switch, uplink port, pci)
    vmks: list[tuple] = field(default_factory=list)  # (port group, device, mac, ip, mask)
    local: Datastore | None = None
    vms: list[VM] = field(default_factory=list)
    plain: list[VM] = field(default_factory=list)  # guests nothing has been planted on yet


@dataclass(eq=False, slots=True)
class Disk:
    number: int  # "Hard disk N"
    key: int
    capacity: int  # MiB
    ds: Datastore
    owner: VM  # the guest whose folder holds the file (node 1 for shared disks)
    file_index: int
    controller: str
    label: str
    unit: int
    shared_bus: str | None  # noSharing / physicalSharing / virtualSharing; None on SATA/NVMe
    uuid: str | None
    raw: bool = False
    compat: str | None = None
    lun: str | None = None
    mode: str = "persistent"
    sharing: str | None = "sharingNone"
    thin: bool | None = True
    eager: bool | None = False
    guest_path: str | None = None

    @property
    def path(self) -> str:
        name = self.owner.name
        suffix = "" if self.file_index == 0 else f"_{self.file_index}"
        return f"[{self.ds.name}] {name}/{name}{suffix}.vmdk"

    @property
    def scsi(self) -> bool:
        return self.label.startswith("SCSI")


@dataclass(eq=False, slots=True)
class Nic:
    number: int
    adapter: str
    network: str
    switch: str  # the switch the port group lives on
    reported_switch: str  # what vNetwork.Switch says (can be wrong, as in real exports)
    connected: bool
    starts_connected: bool
    mac: str
    ipv4: str | None = None
    ipv6: str | None = None


@dataclass(eq=False, slots=True)
class CdRom:
    node: str
    connected: bool
    starts_connected: bool
    device_type: str


@dataclass(eq=False, slots=True)
class Usb:
    node: str
    device_type: str
    connected: bool
    family: str
    speed: str
    auto_connect: bool
    bus: int
    unit: int


@dataclass(eq=False, slots=True)
class Snapshot:
    name: str
    description: str
    when: dt.datetime
    size_vmsn: int
    size_total: int


@dataclass(eq=False, slots=True)
class VM:
    name: str
    role: str
    owner: str
    vm_id: str
    ref: int
    uuid: str
    smbios: str
    host: Host
    os: tuple
    cpus: int
    cores_ps: int
    memory: int  # MiB
    hw: int
    firmware: str
    home: Datastore
    folder: str
    created: dt.datetime
    power: str = "poweredOn"
    template: bool = False
    poweron: dt.datetime | None = None
    annotation: str | None = None
    backup: str | None = None
    tools: str = "toolsOk"
    tools_version: int = 12421
    disks: list[Disk] = field(default_factory=list)
    nics: list[Nic] = field(default_factory=list)
    cds: list[CdRom] = field(default_factory=list)
    usbs: list[Usb] = field(default_factory=list)
    snapshots: list[Snapshot] = field(default_factory=list)
    next_file: int = 0  # next free file index in this guest's folder
    group: GuestGroup | None = None

    @property
    def running(self) -> bool:
        return self.power == "poweredOn"

    @property
    def vmx(self) -> str:
        ext = "vmtx" if self.template else "vmx"
        return f"[{self.home.name}] {self.name}/{self.name}.{ext}"

    @property
    def directory(self) -> str:
        return f"[{self.home.name}] {self.name}/"


@dataclass(eq=False, slots=True)
class GuestGroup:
    """A planted guest cluster: guests bound together by shared disks."""

    gid: str
    name: str
    mechanism: str  # physical-bus-rdm / virtual-bus-vmdk / multi-writer-vmdk
    members: list[VM]


@dataclass(eq=False, slots=True)
class VCenter:
    index: int
    site: str
    server: str
    uuid: str  # as written in the export (case varies between vCenters, as in real exports)
    version: str
    by_ip: bool
    domain: str
    export_time: dt.datetime
    custom_attributes: tuple[str, ...]
    seed: int
    datacenters: list[Datacenter] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    hosts: list[Host] = field(default_factory=list)
    vms: list[VM] = field(default_factory=list)
    datastores: list[Datastore] = field(default_factory=list)
    groups: list[GuestGroup] = field(default_factory=list)
    decoys: list[dict] = field(default_factory=list)
    quirks: list[dict] = field(default_factory=list)
    duplicates: list[tuple[VM, VM]] = field(default_factory=list)

    @property
    def key_prefix(self) -> str:
        return self.uuid.upper()

    def key(self, vm: VM) -> str:
        """The guest key reportgen uses: vCenter instance UUID (upper case) + '/' + VM ID."""
        return f"{self.key_prefix}/{vm.vm_id}"


# --------------------------------------------------------------------------------------------- what to plant


@dataclass
class Plan:
    """How many of each configuration to plant in one vCenter."""

    wsfc_across: int = 0  # physical bus sharing + physical-mode RDMs, nodes on different hosts
    wsfc_in_box: int = 0  # the same, all nodes on one host
    vbus_in_box: int = 0  # virtual bus sharing + shared VMDKs, all nodes on one host
    multiwriter_across: int = 0  # multi-writer VMDKs (Oracle RAC style), nodes on different hosts
    mixed: int = 0  # 3-node physical-RDM cluster with two nodes on one host
    node_off_every: int = 10  # every n-th guest cluster has its last node powered off (0 = never)
    isolated_hosts: int = 0  # hosts with an uplink-less vSwitch carrying guest NICs
    isolated_all_variants: bool = False  # every such host gets every look-alike (else one each, in turn)
    isolated_empty: int = 0  # hosts with an uplink-less vSwitch that no guest uses
    local_running: int = 0
    local_off: int = 0
    local_template: int = 0
    local_data_disk: int = 0
    host_cd: int = 0
    host_cd_off: int = 0
    host_cd_idle: int = 0
    usb: int = 0
    templates: int = 0
    powered_off: int = 0
    suspended: int = 0
    duplicates: int = 0
    snapshots: int = 0
    iso_connected_share: float = 0.03
    clean_clusters: int = 0

    @classmethod
    def scaled(cls, guests: int, hosts: int, clusters: int) -> Plan:
        """The default mix: a few percent of guests in guest clusters, and a little of everything else."""
        def share(x: float, minimum: int = 1) -> int:
            return max(minimum, round(guests * x))

        groups = max(5, round(guests * 0.03 / 2.3))
        wsfc_in_box = max(1, round(groups * 0.08))
        vbus = max(1, round(groups * 0.12))
        mw = max(1, round(groups * 0.20))
        mixed = max(1, round(groups * 0.05)) if guests >= 1000 else 0
        return cls(
            wsfc_across=max(1, groups - wsfc_in_box - vbus - mw - mixed), wsfc_in_box=wsfc_in_box,
            vbus_in_box=vbus, multiwriter_across=mw, mixed=mixed,
            isolated_hosts=max(1, round(hosts * 0.015)), isolated_empty=max(1, round(hosts * 0.01)),
            local_running=share(0.004), local_off=share(0.001), local_template=share(0.0005),
            local_data_disk=share(0.001), host_cd=max(1, guests // 10000), host_cd_off=max(1, guests // 20000),
            host_cd_idle=max(1, guests // 5000), usb=max(1, guests // 8000), templates=share(0.03),
            powered_off=share(0.08), suspended=share(0.003, 0), duplicates=share(0.003) if clusters > 1 else 0,
            snapshots=share(0.02),
        )


# The committed sample: one of everything, small enough to read.
SAMPLE_PLAN = Plan(
    wsfc_across=1, wsfc_in_box=1, vbus_in_box=1, multiwriter_across=1, mixed=0, node_off_every=0,
    isolated_hosts=1, isolated_all_variants=True, isolated_empty=1, local_running=1, local_off=1,
    local_template=1, local_data_disk=1, host_cd=1, host_cd_off=1, host_cd_idle=1, usb=1, templates=4,
    powered_off=6, suspended=1, duplicates=1, snapshots=3, iso_connected_share=0.05, clean_clusters=1,
)


@dataclass
class VCenterSpec:
    index: int
    guests: int
    seed: int
    site: str
    domain: str = "acme.local"
    server: str | None = None
    by_ip: bool = False
    uuid_upper: bool = False
    version: str = "8.0.3"
    cluster_sizes: list[int] | None = None  # hosts per cluster; None = drawn
    guests_per_host: tuple[int, int] = (15, 25)
    cluster_hosts: tuple[int, int, int] = (4, 32, 12)  # min, max, mode
    clusters_per_dc: int = 8
    plan: Plan | None = None
    custom_attributes: tuple[str, ...] = ("Owner", "Backup status")
    export_time: dt.datetime = dt.datetime(2025, 6, 2, 7, 30, 0)
    quirks: bool = True
    dc_names: list[str] | None = None
    cluster_names: list[str] | None = None


# --------------------------------------------------------------------------------------------- builder

_NEW = object()  # "draw a new disk UUID"


class _Builder:
    def __init__(self, spec: VCenterSpec) -> None:
        self.spec = spec
        self.rng = random.Random(f"rvgen:{spec.seed}:{spec.index}")
        r = self.rng
        uuid = self.uuid()
        self.vc = VCenter(
            index=spec.index, site=spec.site, server=spec.server or f"vc-{spec.site}01.{spec.domain}",
            uuid=uuid.upper() if spec.uuid_upper else uuid, version=spec.version, by_ip=spec.by_ip,
            domain=spec.domain, export_time=spec.export_time + dt.timedelta(minutes=7 * spec.index),
            custom_attributes=tuple(spec.custom_attributes), seed=spec.seed,
        )
        self._moid = 1000 + r.randrange(9000)
        self._vmid = 1000 + r.randrange(20000)
        self._ref = 0
        self._mac = r.randrange(1 << 20)
        self._role_counter: dict[str, int] = {}
        self._group_counter: dict[str, int] = {}
        width = 2 if spec.guests < 200 else (3 if spec.guests < 3000 else 4)
        self._name_width = width
        self._vendor_hex = "4c554e20432d"  # "LUN C-"

    # -- small helpers ---------------------------------------------------------------------------
    def moid(self, prefix: str) -> str:
        self._moid += 1 + self.rng.randrange(9)
        return f"{prefix}-{self._moid}"

    def uuid(self, prefix: str = "") -> str:
        h = f"{self.rng.getrandbits(128):032x}"
        h = (prefix + h)[:32]
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def mac(self) -> str:
        self._mac = (self._mac + 1 + self.rng.randrange(7)) & 0x3FFFFF
        m = self._mac
        return f"00:50:56:{0x80 | (m >> 16) & 0x3f:02x}:{(m >> 8) & 0xff:02x}:{m & 0xff:02x}"

    def when(self, days_back_max: float, days_back_min: float = 0.0) -> dt.datetime:
        sec = int(self.rng.uniform(days_back_min, days_back_max) * 86400)
        return self.vc.export_time - dt.timedelta(seconds=sec)

    # -- layout ----------------------------------------------------------------------------------
    def cluster_sizes(self, n_hosts: int) -> list[int]:
        lo, hi, mode = self.spec.cluster_hosts
        if n_hosts <= hi and n_hosts < 2 * lo:
            return [n_hosts]
        sizes: list[int] = []
        remaining = n_hosts
        while remaining > 0:
            s = int(self.rng.triangular(lo, hi, mode))
            if remaining - s < lo:
                s = remaining if remaining <= hi else remaining - lo
            sizes.append(s)
            remaining -= s
        return sizes

    def layout(self) -> list[int]:
        spec, r = self.spec, self.rng
        lo, hi = spec.guests_per_host
        if spec.cluster_sizes:
            sizes = list(spec.cluster_sizes)
        else:
            sizes = self.cluster_sizes(max(1, round(spec.guests / ((lo + hi) / 2))))
        n_hosts = sum(sizes)
        weights = [r.uniform(lo, hi) for _ in range(n_hosts)]
        total = sum(weights)
        exact = [w * spec.guests / total for w in weights]
        counts = [int(x) for x in exact]
        order = sorted(range(n_hosts), key=lambda i: exact[i] - counts[i], reverse=True)
        for i in order[: spec.guests - sum(counts)]:
            counts[i] += 1
        self._sizes = sizes
        return counts

    def build(self) -> VCenter:
        spec, vc, r = self.spec, self.vc, self.rng
        per_host = self.layout()
        sizes = self._sizes
        n_dc = max(1, math.ceil(len(sizes) / spec.clusters_per_dc))
        site = spec.site.upper()
        dc_names = spec.dc_names or [f"{site}-DC{i + 1}" for i in range(n_dc)]
        for name in dc_names[:n_dc]:
            vc.datacenters.append(Datacenter(name=name, moid=self.moid("datacenter")))
        cl_names = spec.cluster_names or [f"{site}-CL{i + 1:02d}" for i in range(len(sizes))]
        hosts_iter = iter(per_host)
        host_no = 0
        for ci, size in enumerate(sizes):
            dc = vc.datacenters[ci * n_dc // len(sizes)]
            cl = Cluster(name=cl_names[ci], dc=dc, moid=self.moid("domain-c"), rp_moid=self.moid("resgroup"))
            dc.clusters.append(cl)
            vc.clusters.append(cl)
            hw = C.HOST_MODELS[r.randrange(len(C.HOST_MODELS))]
            esx = C.ESXI[0] if spec.version == "8.0.3" and r.random() < 0.8 else C.ESXI[1]
            for hi in range(size):
                host_no += 1
                self.add_host(cl, ci, hi, hw, esx)
        n_clean = (spec.plan.clean_clusters if spec.plan else 0)
        for cl in vc.clusters[len(vc.clusters) - n_clean:] if n_clean else []:
            cl.clean = True
        for dc in vc.datacenters:
            self.add_dc_resources(dc)
        for cl in vc.clusters:
            self.add_cluster_datastores(cl, sum(1 for _ in cl.hosts))
        for cl in vc.clusters:
            for h in cl.hosts:
                self.add_host_networking(h)
        for cl in vc.clusters:
            for h in cl.hosts:
                for _ in range(next(hosts_iter)):
                    vm = self.new_vm(h)
                    h.vms.append(vm)
                    h.plain.append(vm)
                    vc.vms.append(vm)
        plan = spec.plan or Plan.scaled(spec.guests, len(vc.hosts), len(vc.clusters))
        _Planter(self, plan).plant_all()
        self.finalize()
        return vc

    def add_host(self, cl: Cluster, ci: int, hi: int, hw: tuple, esx: tuple[str, str]) -> None:
        vc, r = self.vc, self.rng
        ip = f"10.{(vc.index * 7) % 200 + 10 + ci // 250}.{ci % 250}.{hi + 11}"  # unique up to 1,750 clusters
        short = f"{vc.site}-esx{ci + 1:02d}{hi + 1:02d}"
        name = ip if vc.by_ip else f"{short}.{vc.domain}"
        h = Host(name=name, short=short, ip=ip, cluster=cl, moid=self.moid("host"), uuid=self.uuid(),
                 hw=hw, esx=esx, boot=self.when(120, 5), serial=f"{r.getrandbits(36):09X}")
        cl.hosts.append(h)
        vc.hosts.append(h)

    def add_dc_resources(self, dc: Datacenter) -> None:
        vc = self.vc
        hosts = [h for cl in dc.clusters for h in cl.hosts]
        pgs = [(f"{dc.name}-{suffix}-{vlan}", vlan, self.moid("dvportgroup")) for suffix, vlan in C.DV_PORTGROUPS]
        name = f"DSwitch-{dc.name}"
        dc.dvs = DvSwitch(name=name, moid=self.moid("dvs"), portgroups=pgs,
                          uplink_portgroup=(f"{name}-DVUplinks-{self._moid % 1000}", self.moid("dvportgroup")),
                          created=self.when(2000, 900), hosts=hosts,
                          by_purpose={suffix: pg[0] for (suffix, _), pg in zip(C.DV_PORTGROUPS, pgs)})
        iso = Datastore(name=f"{dc.name}-ISO", moid=self.moid("datastore"), kind="NFS", capacity=2 * 1024 * 1024,
                        hosts=hosts, local=False, address=f"nas01.{vc.domain}:/vol/iso_{dc.name.lower()}",
                        url=f"ds:///vmfs/volumes/{self.uuid()[:17].replace('-', '')}-{self._moid:08x}/")
        dc.iso = iso
        vc.datastores.append(iso)

    def add_cluster_datastores(self, cl: Cluster, n_hosts: int) -> None:
        vc, r = self.vc, self.rng
        n = max(2, math.ceil(n_hosts * 20 / 45))
        for i in range(n):
            naa = f"600a0980{r.getrandbits(96):024x}"
            ds = Datastore(name=f"{cl.name}-VMFS-{i + 1:02d}", moid=self.moid("datastore"), kind="VMFS",
                           capacity=r.choice((4, 8, 8, 16)) * 1024 * 1024, hosts=list(cl.hosts), local=False,
                           address=f"naa.{naa}", url=f"ds:///vmfs/volumes/{self.vmfs_uuid()}/",
                           lun_uuid=f"0200{i:02x}0000{naa}{self._vendor_hex}")
            cl.datastores.append(ds)
            vc.datastores.append(ds)
        for h in cl.hosts:
            # Most hosts boot from a local disk that also carries a small VMFS datastore.
            if cl.clean or r.random() < 0.75:
                naa = f"6d0946600{r.getrandbits(92):023x}"
                ds = Datastore(name=f"local-{h.short}", moid=self.moid("datastore"), kind="VMFS",
                               capacity=r.choice((446, 892, 1788)) * 1024, hosts=[h], local=True,
                               address=f"naa.{naa}", url=f"ds:///vmfs/volumes/{self.vmfs_uuid()}/",
                               lun_uuid=f"0200000000{naa}4d5239363069")
                h.local = ds
                vc.datastores.append(ds)

    def vmfs_uuid(self) -> str:
        h = f"{self.rng.getrandbits(112):028x}"
        return f"{h[:8]}-{h[8:16]}-{h[16:20]}-{h[20:]}"

    def add_host_networking(self, h: Host) -> None:
        r = self.rng
        driver, speed = ("bnxtnet", 25000) if h.hw[0] != "HPE" else ("i40en", 10000)
        h.vswitches.append(VSwitch("vSwitch0", [("Management Network", "0"), ("vMotion", "51"),
                                                ("VM Network", "0")], ["vmnic0", "vmnic1"]))
        dvs = h.cluster.dc.dvs
        for i in range(4):
            sw = "vSwitch0" if i < 2 else dvs.name
            up = None if i < 2 else f"Uplink {i - 1}"
            h.vmnics.append((f"vmnic{i}", driver, speed, self.mac_phys(), sw, up, f"0000:{0x31 + i // 2:02x}:00.{i % 2}"))
        mask = "255.255.255.0"
        h.vmks.append(("Management Network", "vmk0", h.vmnics[0][3], h.ip, mask))
        vm_ip = h.ip.split(".")
        h.vmks.append(("vMotion", "vmk1", self.mac(), f"172.{16 + int(vm_ip[1]) % 16}.{vm_ip[2]}.{vm_ip[3]}", mask))
        _ = r

    def mac_phys(self) -> str:
        b = self.rng.getrandbits(24)
        return f"b4:96:91:{b >> 16:02x}:{(b >> 8) & 0xff:02x}:{b & 0xff:02x}"

    # -- guests ----------------------------------------------------------------------------------
    def next_vm_id(self) -> str:
        self._vmid += 1 + self.rng.randrange(40)
        return f"vm-{self._vmid}"

    def role_name(self, role: str) -> str:
        n = self._role_counter.get(role, 0) + 1
        self._role_counter[role] = n
        return f"{self.vc.site}{role}{n:0{self._name_width}d}"

    def folder(self, dc: Datacenter, path: str) -> tuple[str, str]:
        full = f"/{dc.name}/{path}"
        if full not in dc.folders:
            dc.folders[full] = self.moid("group-v")
        return full, dc.folders[full]

    def new_vm(self, h: Host, role_index: int | None = None, os_index: int | None = None) -> VM:
        r, vc = self.rng, self.vc
        if role_index is None:
            role_index = r.choices(range(len(C.ROLES)), C.ROLE_WEIGHTS)[0]
        role, owner = C.ROLES[role_index]
        os_t = C.OPERATING_SYSTEMS[os_index if os_index is not None else
                                   r.choices(range(len(C.OPERATING_SYSTEMS)), C.OS_WEIGHTS)[0]]
        cpus = r.choice((2, 2, 2, 4, 4, 4, 8, 8, 16))
        self._ref += 1
        home = r.choice(h.cluster.datastores)
        vm = VM(name=self.role_name(role), role=role, owner=owner, vm_id=self.next_vm_id(), ref=self._ref,
                uuid=self.uuid("50"), smbios=self.uuid("42"), host=h, os=os_t, cpus=cpus,
                cores_ps=cpus if cpus <= 4 else cpus // 2, memory=r.choice((4, 8, 8, 16, 16, 32, 64)) * 1024,
                hw=r.choice((19, 19, 20, 21, 21, 14)), firmware="efi" if r.random() < 0.7 else "bios",
                home=home, folder="", created=self.when(2200, 30))
        vm.folder = self.folder(h.cluster.dc, f"Servers/{role}")[0]
        vm.poweron = self.when(90, 0.2)
        vm.backup = f"Last backup OK {(vc.export_time - dt.timedelta(days=r.randrange(3))):%Y-%m-%d}"
        if r.random() < 0.1:
            vm.annotation = f"{role.upper()} service - contact {owner}@{vc.domain}"
        if r.random() < 0.12:
            vm.tools = "toolsOld"
            vm.tools_version = 12389
        # Disks: an OS disk and one to three data disks on the guest's home datastore.
        windows = os_t[2] == "Windows"
        kind = r.random()
        if kind < 0.03 and not windows:
            ctrl = ("NVME controller 0", "NVME controller 0", 31000)
        elif kind < 0.05:
            ctrl = ("AHCI", "SATA controller 0", 16000)
        elif kind < 0.65 or not windows:
            ctrl = ("VMware paravirtual SCSI", "SCSI controller 0", 2000)
        else:
            ctrl = ("LSI Logic SAS", "SCSI controller 0", 2000)
        n_disks = r.choices((2, 3, 4), (45, 35, 20))[0]
        thin = r.random() < 0.6
        letters = "CDEFGH"
        for i in range(n_disks):
            cap = r.choice((61440, 81920, 102400)) if i == 0 else r.choice((51200, 102400, 204800, 512000, 1048576))
            gpath = (f"{letters[i]}:\\" if windows else ("/" if i == 0 else f"/data{i}"))
            self.add_disk(vm, home, cap, ctrl, i, thin=thin, guest_path=gpath, disk_uuid=_NEW)
        # NICs: mostly distributed port groups, some on the standard "VM Network".
        for i in range(1 if r.random() < 0.7 else 2):
            if i == 0 and r.random() < 0.05:
                pg, sw = "VM Network", "vSwitch0"
            else:
                suffix = C.BACKUP_PG if i == 1 else r.choices(C.GUEST_PORTGROUPS, [w for _, w in C.GUEST_PORTGROUPS])[0][0]
                pg, sw = self.dv_pg(h, suffix), h.cluster.dc.dvs.name
            self.add_nic(vm, pg, sw)
        if r.random() < 0.95:
            iso = C.ISO_IMAGES[r.randrange(len(C.ISO_IMAGES))]
            dtype = r.choices(("Remote ATAPI", "Remote device", f"ISO [{h.cluster.dc.iso.name}] {iso}",
                               "Remote ATAPI /usr/lib/vmware/isoimages/windows.iso"), (60, 10, 25, 5))[0]
            vm.cds.append(CdRom("CD/DVD drive 1", False, False, dtype))
        return vm

    def dv_pg(self, h: Host, suffix: str) -> str:
        return h.cluster.dc.dvs.by_purpose[suffix]

    def add_disk(self, vm: VM, ds: Datastore, cap: int, ctrl: tuple[str, str, int], unit: int, *,
                 thin: bool = True, guest_path: str | None = None, owner: VM | None = None,
                 file_index: int | None = None, bus: int = 0, disk_uuid: object = None, **kw) -> Disk:
        controller, label, base = ctrl
        if owner is None:
            owner = vm
        if file_index is None:
            file_index = owner.next_file
            owner.next_file += 1
        scsi = label.startswith("SCSI")
        key = base + 16 * bus + unit if scsi else base + unit
        d = Disk(number=len(vm.disks) + 1, key=key, capacity=cap, ds=ds, owner=owner, file_index=file_index,
                 controller=controller, label=label, unit=unit, shared_bus="noSharing" if scsi else None,
                 uuid=self.uuid("6000C29") if disk_uuid is _NEW else disk_uuid, thin=thin, eager=False,
                 guest_path=guest_path)
        for k, v in kw.items():
            setattr(d, k, v)
        vm.disks.append(d)
        return d

    def add_nic(self, vm: VM, pg: str, sw: str, *, connected: bool | None = None,
                starts: bool = True, reported: str | None = None) -> Nic:
        r = self.rng
        adapter = r.choices(("Vmxnet3", "E1000e", "E1000"), (90, 8, 2))[0]
        if connected is None:
            connected = vm.running
        n = Nic(number=len(vm.nics) + 1, adapter=adapter, network=pg, switch=sw,
                reported_switch=reported if reported is not None else sw, connected=connected,
                starts_connected=starts, mac=self.mac())
        vm.nics.append(n)
        return n

    def isolated_switch(self, h: Host, pg: str) -> VSwitch:
        for sw in h.vswitches:
            if not sw.uplinks:
                if all(p != pg for p, _ in sw.portgroups):
                    sw.portgroups.append((pg, "0"))
                return sw
        sw = VSwitch(f"vSwitch{len(h.vswitches)}", [(pg, "0")], [])
        h.vswitches.append(sw)
        return sw

    # -- finishing -------------------------------------------------------------------------------
    def finalize(self) -> None:
        vc, r = self.vc, self.rng
        for vm in vc.vms:
            if vm.running:
                octets = vm.host.ip.split(".")
                for n in vm.nics:
                    n.ipv4 = f"10.{100 + int(octets[1]) % 100}.{r.randrange(1, 255)}.{r.randrange(2, 254)}"
                    if r.random() < 0.2:
                        n.ipv6 = f"fe80::{r.getrandbits(16):x}:{r.getrandbits(16):x}:{r.getrandbits(16):x}:{r.getrandbits(16):x}"
            else:
                vm.poweron = None
                if vm.tools == "toolsOk":
                    vm.tools = "toolsNotRunning"
            seen = set()
            for ds in [vm.home] + [d.ds for d in vm.disks]:
                if id(ds) not in seen:
                    seen.add(id(ds))
                    ds.vms.append(vm)
            for d in vm.disks:
                if not d.raw and d.owner is vm:
                    d.ds.provisioned += d.capacity
        vc.vms.sort(key=lambda v: (v.name.lower(), v.vm_id))


class _Planter:
    """Turns ordinary guests into the configurations under test, and records look-alikes."""

    def __init__(self, b: _Builder, plan: Plan) -> None:
        self.b, self.plan, self.rng, self.vc = b, plan, b.rng, b.vc
        self.hosts = [h for h in self.vc.hosts if not h.cluster.clean]
        self.clusters = [cl for cl in self.vc.clusters if not cl.clean]
        self.group_no = 0

    # -- picking ---------------------------------------------------------------------------------
    def take(self, h: Host) -> VM:
        vm = h.plain.pop(self.rng.randrange(len(h.plain)))
        return vm

    def host_with(self, n: int, pred=None, pool: list[Host] | None = None) -> Host:
        pool = pool if pool is not None else self.hosts
        cands = [h for h in pool if len(h.plain) >= n and (pred is None or pred(h))]
        if not cands:
            cands = [h for h in self.vc.hosts if len(h.plain) >= n and (pred is None or pred(h))]
        if not cands:
            raise RuntimeError("estate too small for the planted configurations")
        return self.rng.choice(cands)

    def distinct_hosts(self, k: int) -> list[Host]:
        cands = [cl for cl in self.clusters if sum(1 for h in cl.hosts if h.plain) >= k]
        cl = self.rng.choice(cands)
        return self.rng.sample([h for h in cl.hosts if h.plain], k)

    @staticmethod
    def power_off(vm: VM, state: str = "poweredOff") -> None:
        """Power a guest off: devices report disconnected (they still start connected)."""
        vm.power = state
        for n in vm.nics:
            n.connected = False
        for cd in vm.cds:
            cd.connected = False
        for u in vm.usbs:
            u.connected = False

    def decoy(self, vm: VM, what: str) -> None:
        self.vc.decoys.append({"vm": vm, "what": what})

    # -- everything ------------------------------------------------------------------------------
    def plant_all(self) -> None:
        p, r = self.plan, self.rng
        kinds = (["wsfc_across"] * p.wsfc_across + ["wsfc_in_box"] * p.wsfc_in_box + ["vbus_in_box"] * p.vbus_in_box
                 + ["multiwriter_across"] * p.multiwriter_across + ["mixed"] * p.mixed)
        r.shuffle(kinds)
        for kind in kinds:
            self.group(kind)
        for i in range(p.isolated_hosts):
            self.isolated(i)
        for _ in range(p.isolated_empty):
            h = self.host_with(0, lambda h: not any(not s.uplinks for s in h.vswitches))
            self.b.isolated_switch(h, "Local-Only")
        self.local()
        self.devices()
        self.templates()
        self.power_states()
        self.duplicates()
        self.snapshots()
        self.isos()

    # -- guest clusters --------------------------------------------------------------------------
    def group(self, kind: str) -> None:
        b, r, vc = self.b, self.rng, self.vc
        if kind == "wsfc_across":
            hosts = self.distinct_hosts(3 if r.random() < 0.15 else 2)
        elif kind == "multiwriter_across":
            hosts = self.distinct_hosts(r.choice((2, 2, 3, 4)))
        elif kind == "mixed":
            a, c = self.distinct_hosts(2)
            hosts = [a, a, c] if len(a.plain) >= 2 else [c, c, a]
        else:
            h = self.host_with(2)
            hosts = [h, h]
        if kind.startswith("multiwriter"):
            stem, suffixes, mech = "rac", [f"-{i + 1}" for i in range(len(hosts))], "multi-writer-vmdk"
        elif kind == "vbus_in_box":
            stem, suffixes, mech = "fscib", ["-a", "-b", "-c"], "virtual-bus-vmdk"
        else:
            stem, suffixes, mech = "sqlcl", [f"-n{i + 1}" for i in range(len(hosts))], "physical-bus-rdm"
        n = b._group_counter.get(stem, 0) + 1
        b._group_counter[stem] = n
        gname = f"{vc.site}{stem}{n:02d}"
        members = [self.take(h) for h in hosts]
        self.group_no += 1
        g = GuestGroup(gid=f"{vc.index:02d}-{self.group_no:04d}", name=gname, mechanism=mech, members=members)
        vc.groups.append(g)
        os_t = C.ORACLE_LINUX if mech == "multi-writer-vmdk" else C.OPERATING_SYSTEMS[
            r.choice((C.OS_WIN2019, C.OS_WIN2022))]
        node1 = members[0]
        # Many SQL clusters were built long ago and never had their VM hardware upgraded: below
        # hardware 11, vMotion of a physicalSharing guest is impossible, so those nodes are pinned.
        # (A generator of its own, so that the rest of the estate does not change with this choice.)
        old = random.Random(f"{vc.index}-{self.group_no}")
        legacy = mech == "physical-bus-rdm" and old.random() < 0.4
        for vm, sfx in zip(members, suffixes):
            vm.name = gname + sfx
            if legacy:
                vm.hw = old.choice((8, 9, 10))
            vm.group = g
            vm.os = os_t
            vm.owner = "team-dba"
            vm.role = stem
            vm.annotation = {"sqlcl": "SQL Server failover cluster instance node",
                             "fscib": "File server cluster node",
                             "rac": "Oracle RAC node"}[stem]
            vm.power = "poweredOn"
            vm.snapshots.clear()
            vm.home = node1.home if r.random() < 0.5 else vm.home
            for d in vm.disks:
                d.ds = vm.home
            vm.cpus, vm.cores_ps, vm.memory = 8, 4, 65536
        # Shared disks, all pointing into node 1's folder.
        if mech == "physical-bus-rdm":
            caps = [1024] + [r.choice((102400, 512000, 1048576)) for _ in range(r.randint(1, 3))]
            ctrl = ("LSI Logic SAS", "SCSI controller 1", 2000)
            for u, cap in enumerate(caps):
                naa = f"600a0980{r.getrandbits(96):024x}"
                lun = f"0200{(self.group_no * 7 + u) % 256:02x}0000{naa}{b._vendor_hex}"
                fi = node1.next_file
                node1.next_file += 1
                for vm in members:
                    b.add_disk(vm, node1.home, cap, ctrl, u, owner=node1, file_index=fi, bus=1, thin=None,
                               raw=True, compat="physicalMode", lun=lun, mode="independent_persistent",
                               sharing=None, eager=None, shared_bus="physicalSharing", disk_uuid=None,
                               guest_path=None)
        else:
            multi = mech == "multi-writer-vmdk"
            caps = ([1024] if not multi else []) + [r.choice((51200, 102400, 204800)) for _ in
                                                    range(r.randint(1, 2) if not multi else r.randint(2, 4))]
            ctrl = (("VMware paravirtual SCSI", "SCSI controller 1", 2000) if multi
                    else ("LSI Logic SAS", "SCSI controller 1", 2000))
            for u, cap in enumerate(caps):
                fi = node1.next_file
                node1.next_file += 1
                disk_uuid = b.uuid("6000C29")
                for vm in members:
                    b.add_disk(vm, node1.home, cap, ctrl, u, owner=node1, file_index=fi, bus=1, thin=False,
                               eager=True, mode="independent_persistent", disk_uuid=disk_uuid,
                               sharing="sharingMultiWriter" if multi else "sharingNone",
                               shared_bus="noSharing" if multi else "virtualSharing", guest_path=None)
        # Heartbeat / interconnect network.
        same_host = len({id(vm.host) for vm in members}) == 1
        for vm in members:
            vm.nics = vm.nics[:1]
        if mech == "virtual-bus-vmdk" and n % 2 == 1:
            pg = f"HB-{gname}"
            sw = b.isolated_switch(node1.host, pg)
            for vm in members:
                b.add_nic(vm, pg, sw.name)
        else:
            pg = b.dv_pg(node1.host, "RAC-IC" if mech == "multi-writer-vmdk" else "CLUSTER-HB")
            for vm in members:
                b.add_nic(vm, pg, node1.host.cluster.dc.dvs.name)
        if self.plan.node_off_every and self.group_no % self.plan.node_off_every == 0 and not same_host:
            self.power_off(members[-1])
        if mech == "multi-writer-vmdk":
            self.decoy(node1, "multi-writer guest cluster across hosts: a guest cluster, but its nodes can "
                              "be live-migrated (not pinned)")

    # -- host-only networks ----------------------------------------------------------------------
    def isolated(self, i: int) -> None:
        b, p = self.b, self.plan
        variants = ["disconnected", "powered-off", "template"]
        wanted = variants if p.isolated_all_variants else [variants[i % 3]]
        h = self.host_with(1 + len(wanted))
        pg = C.ISOLATED_PORTGROUPS[i % len(C.ISOLATED_PORTGROUPS)]
        sw = b.isolated_switch(h, pg)
        wrong = "vSwitch0" if self.b.spec.quirks else None
        a = self.take(h)
        quirk_a = self.b.spec.quirks and i % 2 == 1
        b.add_nic(a, pg, sw.name, reported=wrong if quirk_a else None)
        if quirk_a:
            self.vc.quirks.append({"vm": a, "what": f"vNetwork.Switch says {wrong} for port group {pg}; "
                                                    f"vPort puts {pg} on {sw.name} (no uplink)"})
        for v in wanted:
            vm = self.take(h)
            if v == "disconnected":
                b.add_nic(vm, pg, sw.name, connected=False, starts=False)
                self.decoy(vm, f"running, NIC on host-only port group {pg} disconnected and not connecting "
                               f"at power-on (not pinned)")
            elif v == "powered-off":
                self.power_off(vm)
                b.add_nic(vm, pg, sw.name, connected=False, starts=True, reported=wrong)
                if wrong:
                    self.vc.quirks.append({"vm": vm, "what": f"vNetwork.Switch says {wrong} for port group {pg}; "
                                                             f"vPort puts {pg} on {sw.name} (no uplink)"})
            else:
                self.make_template(vm)
                b.add_nic(vm, pg, sw.name, connected=False, starts=True)
                self.decoy(vm, f"template with a NIC on host-only port group {pg} (templates are never pinned)")

    # -- local datastores ------------------------------------------------------------------------
    def local(self) -> None:
        b, p = self.b, self.plan

        def on_local(vm: VM, all_disks: bool = True) -> None:
            ds = vm.host.local
            vm.home = ds
            for d in vm.disks:
                if all_disks and d.owner is vm:
                    d.ds = ds

        def has_local(h: Host) -> bool:
            return h.local is not None
        for _ in range(p.local_running):
            on_local(self.take(self.host_with(1, has_local)))
        for _ in range(p.local_off):
            vm = self.take(self.host_with(1, has_local))
            self.power_off(vm)
            on_local(vm)
        for _ in range(p.local_template):
            vm = self.take(self.host_with(1, has_local))
            self.make_template(vm)
            on_local(vm)
            self.decoy(vm, f"template stored on local datastore {vm.home.name} (templates are never pinned)")
        for _ in range(p.local_data_disk):
            vm = self.take(self.host_with(1, has_local))
            ctrl = (vm.disks[0].controller, vm.disks[0].label, vm.disks[0].key - vm.disks[0].unit)
            b.add_disk(vm, vm.host.local, 204800, ctrl, len(vm.disks), thin=False, guest_path=None, disk_uuid=_NEW)

    # -- host devices ----------------------------------------------------------------------------
    def devices(self) -> None:
        p, r = self.plan, self.rng

        def set_cd(vm: VM, connected: bool, starts: bool) -> None:
            vm.cds = [CdRom("CD/DVD drive 1", connected, starts, C.HOST_CDROM)]
        for _ in range(p.host_cd):
            set_cd(self.take(self.host_with(1)), True, True)
        for _ in range(p.host_cd_off):
            vm = self.take(self.host_with(1))
            self.power_off(vm)
            set_cd(vm, False, True)
        for _ in range(p.host_cd_idle):
            vm = self.take(self.host_with(1))
            set_cd(vm, False, False)
            self.decoy(vm, "CD drive backed by the host's CD-ROM but not connected (not pinned)")
        for i in range(p.usb):
            vm = self.take(self.host_with(1))
            dev, family, speed = C.USB_DEVICES[i % len(C.USB_DEVICES)]
            vm.usbs.append(Usb("USB 1", dev, True, family, speed, True, 1, 1 + r.randrange(4)))

    # -- everything else -------------------------------------------------------------------------
    def make_template(self, vm: VM) -> None:
        names = ("tpl-win2022", "tpl-win2019", "tpl-rhel9", "tpl-ubuntu2204", "tpl-rhel8", "tpl-sles15")
        used = {v.name for v in vm.host.cluster.hosts for v in v.vms if v.template}
        base = next((n for n in names if n not in used), None)
        k = 2
        while base is None:
            base = next((f"{n}-{k}" for n in names if f"{n}-{k}" not in used), None)
            k += 1
        vm.name = base
        vm.template = True
        self.power_off(vm)
        vm.owner = "team-platform"
        vm.annotation = "Golden image - do not power on"
        vm.snapshots.clear()
        for n in vm.nics:
            n.connected = False
        for cd in vm.cds:
            cd.connected = cd.starts_connected = False

    def all_plain(self, include_clean: bool = True) -> list[VM]:
        return [vm for h in self.vc.hosts for vm in h.plain if include_clean or not h.cluster.clean]

    def templates(self) -> None:
        r = self.rng
        # Spread templates so that every cluster gets some (the same names recur across clusters).
        for i in range(max(0, self.plan.templates - sum(1 for v in self.vc.vms if v.template))):
            cl = self.vc.clusters[i % len(self.vc.clusters)]
            pool = [h for h in cl.hosts if h.plain] or [h for h in self.vc.hosts if h.plain]
            self.make_template(self.take(r.choice(pool)))

    def power_states(self) -> None:
        r = self.rng
        plain = self.all_plain()
        picked = r.sample(plain, min(len(plain), self.plan.powered_off + self.plan.suspended))
        for i, vm in enumerate(picked):
            self.power_off(vm, "poweredOff" if i < self.plan.powered_off else "suspended")
            vm.host.plain.remove(vm)

    def duplicates(self) -> None:
        r = self.rng
        if len(self.vc.clusters) < 2:
            return
        for _ in range(self.plan.duplicates):
            a_cl, b_cl = r.sample(self.vc.clusters, 2)
            a_pool = [vm for h in a_cl.hosts for vm in h.plain]
            b_pool = [vm for h in b_cl.hosts for vm in h.plain]
            if not a_pool or not b_pool:
                continue
            a, bvm = r.choice(a_pool), r.choice(b_pool)
            bvm.host.plain.remove(bvm)
            bvm.name = a.name
            self.vc.duplicates.append((a, bvm))

    def snapshots(self) -> None:
        r = self.rng
        running = [vm for vm in self.all_plain() if vm.running]
        for vm in r.sample(running, min(len(running), self.plan.snapshots)):
            when = self.b.when(40, 1)
            vm.snapshots.append(Snapshot(f"Before patching {when:%Y-%m}", "Taken by the patch run", when,
                                         r.randrange(20, 800), r.randrange(2048, 60000)))

    def isos(self) -> None:
        r = self.rng
        for vm in self.all_plain():
            if vm.running and vm.cds and vm.cds[0].device_type.startswith("ISO ") and r.random() < \
                    self.plan.iso_connected_share * 4:
                vm.cds[0].connected = vm.cds[0].starts_connected = True


def build_vcenter(spec: VCenterSpec) -> VCenter:
    """Build one vCenter's estate from ``spec`` (deterministic for a given spec)."""
    return _Builder(spec).build()

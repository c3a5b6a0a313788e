"""Serialise a model vCenter into RVTools 4.7.1 tabs: one header tuple and an iterator of rows per tab.

Cell values are Python objects whose type says how RVTools stores them: ``str`` = text cell (booleans are
the text "True"/"False"; 4.7.1 also writes VLAN, patch level and build numbers as text), ``int`` = number
(format ``#,##0``), ``float`` = number (``#,##0.00``), ``datetime`` = Excel date (``yyyy/MM/dd HH:mm:ss``),
``None`` = empty cell. Writers (xlsx, csv) only decide how to store each type.

Derived numbers (usage, consumption) are computed from identifiers, not drawn, so serialising the same
model twice gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator

from . import catalog as C
from .headers import TAB_ORDER, with_custom
from .model import VM, Cluster, Host, VCenter

T, F = "True", "False"
Row = list
TabRows = tuple[tuple[str, ...], Iterable[Row]]


def b(x: bool | None) -> str | None:
    return None if x is None else (T if x else F)


def _custom_values(vc: VCenter) -> Callable[[VM], list]:
    getters = []
    for name in vc.custom_attributes:
        if name == "Owner":
            getters.append(lambda vm: vm.owner)
        elif name == "Backup status":
            getters.append(lambda vm: None if vm.template else vm.backup)
        else:
            getters.append(lambda vm: None)
    return lambda vm: [g(vm) for g in getters]


class _Ctx:
    """Per-guest values shared by every per-VM tab, computed once per serialisation."""

    def __init__(self, vc: VCenter) -> None:
        self.vc = vc
        custom = _custom_values(vc)
        self.head: dict[int, list] = {}
        self.mid: dict[int, list] = {}
        self.ids: dict[int, list] = {}
        for vm in vc.vms:
            h = vm.host
            tools_os = vm.os[1] if vm.running and vm.tools != "toolsNotRunning" else None
            self.head[id(vm)] = [vm.name, vm.power, b(vm.template), F]
            # Annotation, custom attributes, Datacenter, Cluster, Host, Folder, OS (config), OS (tools)
            self.mid[id(vm)] = ([vm.annotation] + custom(vm)
                                + [h.cluster.dc.name, h.cluster.name, h.name, vm.folder, vm.os[0], tools_os])
            self.ids[id(vm)] = [vm.vm_id, vm.uuid, vc.server, vc.uuid]


def _vm_tab(name: str, vc: VCenter, ctx: _Ctx, body: Callable[[VM], Iterable[list]],
            tail_ref: bool = False, head: bool = True) -> TabRows:
    header = with_custom(name, vc.custom_attributes)

    def rows() -> Iterator[Row]:
        for vm in vc.vms:
            k = id(vm)
            pre = ctx.head[k] if head else ctx.head[k][:2]
            mid = ctx.mid[k]
            ids = ctx.ids[k]
            ref = [str(vm.ref)] if tail_ref else []
            for part in body(vm):
                yield pre + part + mid + ref + ids
    return header, rows()


# ------------------------------------------------------------------------------------------- per-VM tabs


def v_info(vc: VCenter, ctx: _Ctx) -> TabRows:
    header = with_custom("vInfo", vc.custom_attributes)
    sdk_type, api, _patch, _build = C.VCENTER[vc.version]
    custom = _custom_values(vc)

    def rows() -> Iterator[Row]:
        for vm in vc.vms:
            h, cl = vm.host, vm.host.cluster
            running = vm.running
            nets = [n.network for n in vm.nics][:8]
            nets += [None] * (8 - len(nets))
            prov = sum(d.capacity for d in vm.disks) + vm.memory + 280
            used_disk = sum(d.capacity for d in vm.disks if not d.raw)
            in_use = (prov * (40 + vm.ref % 55)) // 100 if any(d.thin for d in vm.disks) else prov
            ip = vm.nics[0].ipv4 if running and vm.nics else None
            fam = vm.os[2]
            detail = (f"architecture='X86' bitness='64' buildNumber='{vm.os[3]}' distroName='{fam}' "
                      f"familyName='{fam}' kernelVersion='{vm.os[3]}' prettyName='{vm.os[4]}'") if running else None
            row = [
                vm.name, vm.power, b(vm.template), F, "green",
                f"{vm.name}.{vc.domain}" if running else None, "connected",
                "running" if running else "notRunning", "green" if running else "gray", F,
                vm.poweron if running else None, None,
                vc.export_time - dt.timedelta(days=3 + vm.ref % 20) if vm.power == "suspended" else None, "0",
                vm.created, vc.export_time - dt.timedelta(hours=1 + vm.ref % 700, minutes=vm.ref % 59),
                vm.cpus, "0%" if running else None, vm.memory, (vm.memory * (vm.ref % 30)) // 100 if running else 0,
                len(vm.nics), len(vm.disks), sum(d.capacity for d in vm.disks), F,
                h.hw[7] if running else None, "normal", 0 if running else None,
                "TRUE" if vm.group else None, "TRUE" if vm.ref % 3 else None, ip,
                *nets, 1, 8192 if vm.firmware == "efi" else 4096,
                f"/{cl.dc.name}/{cl.name}/Resources", cl.dc.folders[vm.folder], None, None,
                T if running else None, "notConfigured", None, "gray", -1, -1, None,
                prov, in_use, used_disk, "medium", "none", "vmMonitoringDisabled", None, None,
                F, 0, 10000, F, F, F, b(vm.firmware == "efi" and vm.ref % 2 == 0), vm.firmware, vm.hw,
                "none", "never", None, vm.vmx, vm.directory, vm.directory, vm.directory, vm.annotation,
                *custom(vm), cl.dc.name, cl.name, h.name, vm.os[0],
                vm.os[1] if running and vm.tools != "toolsNotRunning" else None, None, detail,
                vm.vm_id, vm.smbios, vm.uuid, sdk_type, api, vc.server, vc.uuid,
            ]
            yield row
    return header, rows()


def v_cpu(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        speed = vm.host.hw[3]
        mx = vm.cpus * speed if vm.running else 0
        overall = (mx * (vm.ref % 25)) // 100 if vm.running else 0
        yield [vm.cpus, vm.cpus // vm.cores_ps, vm.cores_ps, mx, overall, "normal", vm.cpus * 1000, 0,
               overall if vm.running else 0, overall, -1, F, F, F]
    return _vm_tab("vCPU", vc, ctx, body)


def v_memory(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        m = vm.memory
        run = vm.running
        consumed = (m * (60 + vm.ref % 40)) // 100 if run else 0
        active = (m * (vm.ref % 30)) // 100 if run else 0
        yield [m, F, 0, m if run else 0, consumed, 60 if run else 0, consumed, 2 if run else 0, 0, 0, active,
               consumed if run else 0, active, "normal", m * 10, 0, -1, F]
    return _vm_tab("vMemory", vc, ctx, body)


def v_disk(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        run = vm.running and vm.tools != "toolsNotRunning"
        for d in sorted(vm.disks, key=lambda d: d.key):
            yield [f"Hard disk {d.number}", str(d.key), d.uuid, d.guest_path if run else None, d.capacity, b(d.raw),
                   d.mode, d.sharing, b(d.thin), b(d.eager), None if d.raw else F, None if d.raw else F,
                   "normal", 1000, 0, -1, d.controller, d.label, 7 if d.scsi else None, d.unit, d.shared_bus,
                   d.path, d.lun, d.compat, f"{vm.name} {d.key}"]
    return _vm_tab("vDisk", vc, ctx, body)


def v_partition(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        if not vm.running or vm.tools == "toolsNotRunning":
            return
        for d in sorted(vm.disks, key=lambda d: d.key):
            if d.guest_path is None:
                continue
            cap = d.capacity - 40 - d.key % 50
            used = (cap * (10 + (d.key * 7 + vm.ref) % 80)) // 100
            yield [str(d.key), d.guest_path, cap, used, cap - used, (100 * (cap - used)) // cap, f"{vm.name} {d.key}"]
    return _vm_tab("vPartition", vc, ctx, body)


def v_network(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        for n in vm.nics:
            label = f"Network adapter {n.number}"
            yield [label, n.adapter, n.network, n.reported_switch, b(n.connected), b(n.starts_connected), n.mac,
                   "assigned", n.ipv4, n.ipv6, b(n.adapter == "Vmxnet3"), f"{vm.name} {label}"]
    return _vm_tab("vNetwork", vc, ctx, body)


def v_cd(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        for cd in vm.cds:
            yield [cd.node, b(cd.connected), b(cd.starts_connected), cd.device_type]
    return _vm_tab("vCD", vc, ctx, body, tail_ref=True)


def v_usb(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        for u in vm.usbs:
            yield [u.node, u.device_type, b(u.connected), u.family, u.speed, T, b(u.auto_connect), u.bus, u.unit]
    return _vm_tab("vUSB", vc, ctx, body, tail_ref=True)


def v_snapshot(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        for i, s in enumerate(vm.snapshots):
            yield [s.name, s.description, s.when, f"{vm.directory}{vm.name}-Snapshot{i + 1}.vmsn", s.size_vmsn,
                   s.size_total, F, vm.power]
    return _vm_tab("vSnapshot", vc, ctx, body, head=False)


def v_tools(vc: VCenter, ctx: _Ctx) -> TabRows:
    def body(vm: VM):
        old = vm.tools == "toolsOld"
        run = vm.running and vm.tools != "toolsNotRunning"
        yield [vm.hw, vm.tools, vm.tools_version, 12448, "Yes" if old else "No", "manual", F, "none" if run else None,
               "appStatusGreen" if run else "appStatusGray", F if run else None, b(run), b(run), F]
    return _vm_tab("vTools", vc, ctx, body, tail_ref=True)


# ------------------------------------------------------------------------------------------- inventory tabs


def v_source(vc: VCenter, ctx: _Ctx) -> TabRows:
    full, api, patch, build = C.VCENTER[vc.version]
    ver = vc.version
    return with_custom("vSource", ()), [[
        "VMware vCenter Server", "linux-x64", "VirtualCenter", api, ver, patch, build, full,
        "VMware VirtualCenter Server", ver[:3], "vpx", "VMware, Inc.", vc.server, vc.uuid]]


def _cluster_vms(cl: Cluster) -> list[VM]:
    return [vm for h in cl.hosts for vm in h.vms]


def v_rp(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for cl in sorted(vc.clusters, key=lambda c: c.name):
            vms = _cluster_vms(cl)
            on = [v for v in vms if v.running]
            cpu = sum(h.hw[3] * h.hw[4] * h.hw[5] for h in cl.hosts) * 89 // 100
            mem = sum(h.hw[6] for h in cl.hosts) * 97 // 100
            used_cpu = cpu * 30 // 100
            used_mem = sum(v.memory for v in on) * 80 // 100
            yield ["Resources", f"/{cl.dc.name}/{cl.name}/Resources", "green", len(vms), len(on),
                   sum(v.cpus for v in on), cpu, 0, cpu, "normal", 4000, T, cpu, used_cpu, 0, 0, cpu, cpu,
                   sum(v.memory for v in vms), mem, 0, mem, "normal", 163840, T, mem, used_mem, 0, 0, mem, mem,
                   used_cpu, used_cpu, cpu, used_cpu * 9 // 10, 0, 0, len(on) * 60, used_mem * 4 // 10,
                   used_mem // 10, used_mem, len(on) * 90, used_mem * 95 // 100, used_mem // 50, used_mem * 11 // 10,
                   0, cl.rp_moid, vc.server, vc.uuid]
    return with_custom("vRP", ()), rows()


def v_cluster(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for cl in sorted(vc.clusters, key=lambda c: c.name):
            n = len(cl.hosts)
            hw = cl.hosts[0].hw
            cores = n * hw[4] * hw[5]
            total_cpu = n * hw[3] * hw[4] * hw[5]
            mem = n * hw[6]
            yield [cl.name, "green", "green", n, n, total_cpu, cores, cores * 2, total_cpu * 89 // 100, mem,
                   mem * 97 // 100, 1000 + (len(cl.name) * 977 + n * 131) % 40000, T, 1, T, "enabled",
                   "allFeasibleDsWithUserPreference", "none", "medium", T, 3, -1, 30, 120, "vmMonitoringDisabled",
                   T, "fullyAutomated", 3, F, "automated", 3, cl.moid, vc.server, vc.uuid]
    return with_custom("vCluster", ()), rows()


def _hosts(vc: VCenter) -> list[Host]:
    return sorted(vc.hosts, key=lambda h: h.name)


def v_host(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            vendor, model, cpu, speed, sockets, cps, mem, evc = h.hw
            cores = sockets * cps
            on = [v for v in h.vms if v.running]
            vcpus = sum(v.cpus for v in on)
            vram = sum(v.memory for v in on)
            used = vram * 35 // 100
            cert_start = h.boot - dt.timedelta(days=400)
            yield [h.name, cl.dc.name, cl.name, "green", None, F, F, None, cpu, speed, T, T, sockets, cps, cores,
                   5 + len(on) % 40, mem, "noTiering", min(95, vram * 100 // mem), 0, len(h.vmnics), 3, len(h.vms),
                   len(on), round(len(on) / cores, 4), vcpus, round(vcpus / cores, 4), vram, used, 0, 0, T, T,
                   evc if h.esx[1] == "8.0.3" else None, evc, "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", "1", "1", "Balanced",
                   "High performance, Balanced, Low power, Custom", "dynamic", h.esx[0], h.boot,
                   "10.0.0.10, 10.0.0.11", F, vc.domain, None, vc.domain, "10.0.0.10, 10.0.0.11", T, "UTC", "UTC",
                   "0", vendor, model, h.serial, h.serial, "OEM String: ", vendor, "2.19.1",
                   dt.datetime(2024, 3, 12), f"O=VMware Installer,CN={vc.server}", cert_start,
                   cert_start + dt.timedelta(days=1825), "good",
                   f"CN={h.name},OU=VMware Engineering,O=VMware,ST=California", h.moid, h.uuid, vc.server, vc.uuid]
    return with_custom("vHost", ()), rows()


def v_hba(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            base = f"{int(h.moid.split('-')[1]):08X}"
            yield [h.name, cl.dc.name, cl.name, "vmhba0", "Block SCSI", "unknown", "3", "0000:03:00.0", "lsi_mr3",
                   "MegaRAID 12GSAS/PCIe Secure SAS39xx", None, vc.server, vc.uuid]
            for i in (1, 2):
                yield [h.name, cl.dc.name, cl.name, f"vmhba{i + 1}", "Fibre Channel", "online", str(58 + i),
                       f"0000:{58 + i:02x}:00.0", "lpfc",
                       "Emulex LightPulse LPe35000/LPe36000 PCIe Fibre Channel Adapter",
                       f"2000{i}0109{base} 1000{i}0109{base}", vc.server, vc.uuid]
    return with_custom("vHBA", ()), rows()


def v_nic(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            for dev, driver, speed, mac, sw, up, pci in h.vmnics:
                yield [h.name, cl.dc.name, cl.name, dev, driver, speed, T, mac, sw, up, pci, F, vc.server, vc.uuid]
    return with_custom("vNIC", ()), rows()


def v_switch(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            for sw in h.vswitches:
                used = 4 + sum(1 for v in h.vms for n in v.nics if n.switch == sw.name and n.connected)
                yield [h.name, cl.dc.name, cl.name, sw.name, 2560 if sw.uplinks else 128,
                       (2560 if sw.uplinks else 128) - used, F, F, F, F, 0, 0, 0,
                       "loadbalance_srcid", T, T, F, T, T, T, sw.mtu, vc.server, vc.uuid]
    return with_custom("vSwitch", ()), rows()


def v_port(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            for sw in h.vswitches:
                for pg, vlan in sw.portgroups:
                    policy = "failover_explicit" if pg in ("Management Network", "vMotion") else "loadbalance_srcid"
                    yield [h.name, cl.dc.name, cl.name, pg, sw.name, vlan, F, F, F, F, 0, 0, 0, policy, T, T, F,
                           T, T, T, vc.server, vc.uuid]
    return with_custom("vPort", ()), rows()


def v_dvswitch(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for dc in vc.datacenters:
            d = dc.dvs
            members = ", ".join(h.name for h in d.hosts)
            nvms = sum(1 for h in d.hosts for v in h.vms if any(n.switch == d.name for n in v.nics))
            yield [d.name, dc.name, "DVS", "VMware, Inc.", "8.0.0" if vc.version == "8.0.3" else "7.0.3", None,
                   d.created, members, 2147483647, 64 * len(d.portgroups) + 4 * len(d.hosts), nvms, F, 100000,
                   100000, 102400, F, 100000, 100000, 102400, "cdp", "listen", None, None, None, 9000, None, None,
                   d.moid, vc.server, vc.uuid]
    return with_custom("dvSwitch", ()), rows()


def v_dvport(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for dc in vc.datacenters:
            d = dc.dvs
            pgs = [(d.uplink_portgroup[0], None, d.uplink_portgroup[1])] + d.portgroups
            for name, vlan, moid in pgs:
                uplink = vlan is None
                yield [name, d.name, "earlyBinding", 4 * len(d.hosts) if uplink else 128, vlan, None, None, F, F, F,
                       None if uplink else "Uplink 1, Uplink 2", None, "loadbalance_srcid", F, F, 100000, 100000,
                       102400, F, 100000, 100000, 102400, T, T, F, F, F, F, F, "minimum", 10, F, T, F, F, F, F, F,
                       moid, vc.server, vc.uuid]
    return with_custom("dvPort", ()), rows()


def v_sc_vmk(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            for pg, dev, mac, ip, mask in h.vmks:
                gw = ".".join(ip.split(".")[:3]) + ".1" if dev == "vmk0" else None
                yield [h.name, cl.dc.name, cl.name, pg, dev, mac, F, ip, None, mask, gw, None, 1500 if dev == "vmk0"
                       else 9000, vc.server, vc.uuid]
    return with_custom("vSC_VMK", ()), rows()


def v_datastore(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for ds in sorted(vc.datastores, key=lambda d: d.name):
            prov = ds.provisioned + sum(v.memory for v in ds.vms if v.home is ds)
            in_use = prov * 55 // 100
            free = max(ds.capacity // 20, ds.capacity - in_use)
            vmfs = ds.kind == "VMFS"
            yield [ds.name, "green", ds.address, T, ds.kind, len(ds.vms), sum(1 for v in ds.vms if v.running),
                   ds.capacity, prov, ds.capacity - free, free, free * 100 // ds.capacity, F, 30 if vmfs else None,
                   len(ds.hosts), ", ".join(h.name for h in ds.hosts), None, None, None, 1 if vmfs else None,
                   (ds.capacity if vmfs else None), 1 if vmfs else None, 6 if vmfs else None, "6.82" if vmfs else "3",
                   F, b(not ds.local), ds.url, ds.moid, vc.server, vc.uuid]
    return with_custom("vDatastore", ()), rows()


def v_multipath(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for h in _hosts(vc):
            cl = h.cluster
            dss = [d for d in cl.datastores] + ([h.local] if h.local else [])
            for ds in dss:
                naa = ds.address
                if ds.local:
                    paths = ["vmhba0", "active"] + [None] * 14
                    vend, model = "DELL    ", "PERC H755 Front  "
                    disp = f"Local DELL Disk ({naa})"
                else:
                    paths = ["vmhba2", "active", "vmhba2", "active", "vmhba3", "active", "vmhba3", "active"] + \
                        [None] * 8
                    vend, model = "NETAPP  ", "LUN C-Mode      "
                    disp = f"NETAPP Fibre Channel Disk ({naa})"
                yield [h.name, cl.name, cl.dc.name, ds.name, naa, disp, "FIXED" if ds.local else "VMW_PSP_RR", "ok",
                       *paths, "vStorageSupported" if not ds.local else "vStorageUnsupported", "64", vend, model,
                       "9800", "6" if not ds.local else "0", "unavailable", ds.lun_uuid, ds.moid, vc.server, vc.uuid]
    return with_custom("vMultiPath", ()), rows()


def v_license(vc: VCenter, ctx: _Ctx) -> TabRows:
    sockets = sum(h.hw[4] for h in vc.hosts)
    major = vc.version[0]
    return with_custom("vLicense", ()), [
        [f"vSphere {major} Enterprise Plus", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", None, "cpuPackage:32core",
         sockets + 4, sockets, "Never", "Unlimited virtual SMP, vMotion, DRS, HA, Storage vMotion", vc.server, vc.uuid],
        [f"vCenter Server {major} Standard", "XXXXX-XXXXX-XXXXX-XXXXX-XXXXX", None, "server", 1, 1, "Never",
         "Linked Mode, vCenter Server", vc.server, vc.uuid],
    ]


def v_fileinfo(vc: VCenter, ctx: _Ctx) -> TabRows:
    return with_custom("vFileInfo", ()), [[
        "This tab page is empty when GetFileInfo option is not set in preferences or when using the CLI the switch "
        "-GetFileInfo is not passed.", None, None, None, None, None, None, None]]


def v_health(vc: VCenter, ctx: _Ctx) -> TabRows:
    def rows():
        for vm in vc.vms:
            if vm.tools != "toolsOk" and not vm.template:
                yield [vm.name, "VMware tools are out of date, not running or not installed!", "VM Tools",
                       vc.server, vc.uuid]
        for ds in sorted(vc.datastores, key=lambda d: d.name):
            if not ds.local and ds.provisioned > ds.capacity:
                yield [ds.name, "Datastore is overcommitted!", "Storage", vc.server, vc.uuid]
    return with_custom("vHealth", ()), rows()


def v_metadata(vc: VCenter, ctx: _Ctx) -> TabRows:
    return with_custom("vMetaData", ()), [[4.7, "4.7.1.4", vc.export_time, vc.server]]


TAB_FUNCS: dict[str, Callable[[VCenter, _Ctx], TabRows]] = {
    "vInfo": v_info, "vCPU": v_cpu, "vMemory": v_memory, "vDisk": v_disk, "vPartition": v_partition,
    "vNetwork": v_network, "vCD": v_cd, "vUSB": v_usb, "vSnapshot": v_snapshot, "vTools": v_tools,
    "vSource": v_source, "vRP": v_rp, "vCluster": v_cluster, "vHost": v_host, "vHBA": v_hba, "vNIC": v_nic,
    "vSwitch": v_switch, "vPort": v_port, "dvSwitch": v_dvswitch, "dvPort": v_dvport, "vSC_VMK": v_sc_vmk,
    "vDatastore": v_datastore, "vMultiPath": v_multipath, "vLicense": v_license, "vFileInfo": v_fileinfo,
    "vHealth": v_health, "vMetaData": v_metadata,
}
assert tuple(TAB_FUNCS) == TAB_ORDER


def tabs(vc: VCenter) -> Iterator[tuple[str, tuple[str, ...], Iterable[Row]]]:
    """Every tab of the export in RVTools' order: (tab name, header, rows)."""
    ctx = _Ctx(vc)
    for name, fn in TAB_FUNCS.items():
        header, rows = fn(vc, ctx)
        yield name, header, rows

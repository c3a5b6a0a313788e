"""Ground truth of a generated estate: what was planted, and what an audit should conclude from it.

Pins are derived from the model's configuration (disks, NICs, devices, datastores), not from planting
labels, with the conventions in ``CONVENTIONS`` (they follow ../shared/research/rules.md). Guest keys are
``<VI SDK UUID in upper case>/<VM ID>``, the key reportgen uses; compare the UUID part case-insensitively.
"""

from __future__ import annotations

from collections import defaultdict

from .model import VM, VCenter

TRUTH_VERSION = 1

CONVENTIONS = {
    "guest_key": "<VI SDK UUID, upper case>/<VM ID>",
    "running": "Powerstate poweredOn; suspended and powered-off guests are not running",
    "templates": "never pinned, never members of guest clusters",
    "pinned_today": "running, not a template, and at least one reason below holds now",
    "pinned_at_next_power_on": "not running, not a template, and a reason would hold once powered on",
    "VMW-01": "a disk on a controller with virtualSharing pins the guest (no live migration)",
    "VMW-02": "a physical-mode RDM on a physicalSharing controller pins the guest before ESXi 6.0 or VM "
              "hardware 11; from ESXi 6.0 with hardware 11 vMotion is possible on conditions, so no pin",
    "VMW-03": "a VMDK on a physicalSharing controller pins the guest when it is on NFS or before ESXi 7.0 "
              "(no clustered VMDK); on VMFS with ESXi 7.0+ it is taken to be a clustered VMDK, so no pin",
    "VMW-07": "multi-writer disks make a guest cluster but do not pin: nodes on different hosts can move",
    "VMW-10": "a NIC on a port group of a standard vSwitch without physical uplinks pins the guest when the NIC "
              "is connected (today) or connects at power-on (next power-on); vNetwork.Switch may name another "
              "switch, vPort is right",
    "VMW-13": "the guest's vmx or any of its disks on a datastore seen by one host (# Hosts 1, MHA False)",
    "VMW-17": "a host USB device listed in vUSB",
    "VMW-18": "a CD drive backed by the host's device (Device Type 'ATAPI ...', not 'Remote ...') that is "
              "connected (today) or starts connected (next power-on); ISOs on shared datastores do not pin",
    "topology": "in-a-box: all members on one host; across-boxes: all on different hosts; mixed: otherwise",
    "hosts_not_evacuable": "hosts running at least one guest pinned today",
}

_MECHANISM_RULES = {"physical-bus-rdm": ["VMW-02"], "virtual-bus-vmdk": ["VMW-01"], "multi-writer-vmdk": ["VMW-07"]}


def _isolated_portgroups(vc: VCenter) -> dict[tuple[int, str], str]:
    """(id(host), port group) -> switch, for port groups on standard vSwitches without uplinks."""
    out = {}
    for h in vc.hosts:
        for sw in h.vswitches:
            if not sw.uplinks:
                for pg, _vlan in sw.portgroups:
                    out[(id(h), pg)] = sw.name
    return out


def pin_reasons(vc: VCenter, vm: VM, now: bool, isolated: dict | None = None) -> list[dict]:
    """Why ``vm`` is tied to its host: today (``now``) or once powered on."""
    if vm.template:
        return []
    if isolated is None:
        isolated = _isolated_portgroups(vc)
    out: list[dict] = []
    seen: dict[str, dict] = {}

    def add(rule: str, detail: str) -> None:
        """One reason per rule; further evidence for the same rule is counted, not repeated."""
        if rule in seen:
            seen[rule]["more"] = seen[rule].get("more", 0) + 1
        else:
            seen[rule] = {"rule": rule, "detail": detail}
            out.append(seen[rule])
    for d in vm.disks:
        if d.shared_bus == "virtualSharing":
            add("VMW-01", f"{d.label} has virtualSharing ({d.path})")
        elif d.shared_bus == "physicalSharing":
            esxi = int(vm.host.esx[1].split(".")[0])
            if d.raw and d.compat == "physicalMode":
                if esxi < 6 or vm.hw < 11:
                    add("VMW-02", f"physical-mode RDM on {d.label} with physicalSharing (LUN {d.lun}), "
                                  f"ESXi {vm.host.esx[1]}, hardware {vm.hw}")
            elif d.raw:
                add("VMW-05", f"virtual-mode RDM on {d.label} with physicalSharing (LUN {d.lun})")
            elif d.ds.kind == "NFS" or esxi < 7:
                add("VMW-03", f"VMDK on {d.label} with physicalSharing ({d.path})")
    for n in vm.nics:
        sw = isolated.get((id(vm.host), n.network))
        if sw and (n.connected if now else n.starts_connected):
            add("VMW-10", f"Network adapter {n.number} on port group {n.network} of {sw} (no physical uplink)")
    for ds in [vm.home] + [d.ds for d in vm.disks]:
        if ds.local:
            add("VMW-13", f"files on local datastore {ds.name}")
    for cd in vm.cds:
        if cd.device_type.startswith("ATAPI") and (cd.connected if now else cd.starts_connected):
            add("VMW-18", f"{cd.node} backed by the host device ({cd.device_type})")
    for u in vm.usbs:
        if u.connected if now else u.auto_connect:
            add("VMW-17", f"{u.node}: host USB device {u.device_type}")
    return out


def _ref(vc: VCenter, vm: VM) -> dict:
    return {"key": vc.key(vm), "vm_id": vm.vm_id, "name": vm.name}


def _topology(members: list[VM]) -> str:
    hosts = [id(vm.host) for vm in members]
    if len(set(hosts)) == 1:
        return "in-a-box"
    if len(set(hosts)) == len(hosts):
        return "across-boxes"
    return "mixed"


def compute(vc: VCenter, export_file: str | None = None, export_format: str = "rvtools-xlsx",
            generator: dict | None = None) -> dict:
    """The ground-truth document for one vCenter's export."""
    isolated = _isolated_portgroups(vc)
    clusters = []
    for g in vc.groups:
        shared = sorted({d.path for d in g.members[0].disks if d.owner is g.members[0] and (
            d.shared_bus in ("physicalSharing", "virtualSharing") or d.sharing == "sharingMultiWriter")})
        luns = sorted({d.lun for d in g.members[0].disks if d.lun})
        hosts = list(dict.fromkeys(vm.host.name for vm in g.members))
        clusters.append({
            "id": f"{vc.key_prefix[:8]}-{g.gid}", "name": g.name, "mechanism": g.mechanism,
            "rules": _MECHANISM_RULES[g.mechanism], "topology": _topology(g.members), "suspected": False,
            "vcenter_uuid": vc.uuid, "vcenter": vc.server, "cluster": g.members[0].host.cluster.name,
            "guests": [dict(_ref(vc, vm), host=vm.host.name, power_state=vm.power) for vm in g.members],
            "hosts": hosts, "shared_disks": shared, "lun_ids": luns,
        })
    today, later = [], []
    by_host: dict[int, list[VM]] = defaultdict(list)
    for vm in vc.vms:
        if vm.template:
            continue
        if vm.running:
            reasons = pin_reasons(vc, vm, True, isolated)
            if reasons:
                by_host[id(vm.host)].append(vm)
                today.append(dict(_ref(vc, vm), host=vm.host.name, cluster=vm.host.cluster.name, reasons=reasons))
        else:
            reasons = pin_reasons(vc, vm, False, isolated)
            if reasons:
                later.append(dict(_ref(vc, vm), host=vm.host.name, cluster=vm.host.cluster.name,
                                  power_state=vm.power, reasons=reasons))
    not_evacuable = []
    for h in sorted(vc.hosts, key=lambda h: h.name):
        vms = by_host.get(id(h))
        if vms:
            not_evacuable.append({"name": h.name, "cluster": h.cluster.name,
                                  "pinned_guests": [_ref(vc, vm) for vm in sorted(vms, key=lambda v: v.name)]})
    host_only = []
    for h in sorted(vc.hosts, key=lambda h: h.name):
        for sw in h.vswitches:
            if sw.uplinks:
                continue
            pgs = [pg for pg, _ in sw.portgroups]
            users = [vm for vm in h.vms if any(n.network in pgs for n in vm.nics)]
            host_only.append({"host": h.name, "switch": sw.name, "port_groups": pgs,
                              "guests": [dict(_ref(vc, vm), power_state=vm.power, template=vm.template)
                                         for vm in sorted(users, key=lambda v: v.name)]})
    local = []
    for ds in sorted(vc.datastores, key=lambda d: d.name):
        if ds.local:
            local.append({"name": ds.name, "host": ds.hosts[0].name,
                          "guests": [dict(_ref(vc, vm), power_state=vm.power, template=vm.template)
                                     for vm in sorted(ds.vms, key=lambda v: v.name)]})
    names: dict[str, list[VM]] = defaultdict(list)
    for vm in vc.vms:
        names[vm.name].append(vm)
    dups = [{"name": n, "guests": [dict(_ref(vc, vm), cluster=vm.host.cluster.name, template=vm.template)
                                   for vm in vms]}
            for n, vms in sorted(names.items()) if len(vms) > 1]
    return {
        "truth_version": TRUTH_VERSION,
        "generator": generator or {},
        "exports": [{"file": export_file, "format": export_format, "vcenter": vc.server, "vcenter_uuid": vc.uuid,
                     "guest_key_prefix": vc.key_prefix}],
        "conventions": CONVENTIONS,
        "counts": {
            "vcenters": 1, "datacenters": len(vc.datacenters), "clusters": len(vc.clusters), "hosts": len(vc.hosts),
            "guests": len(vc.vms), "templates": sum(1 for v in vc.vms if v.template),
            "running": sum(1 for v in vc.vms if v.running and not v.template),
            "datastores": len(vc.datastores), "local_datastores": sum(1 for d in vc.datastores if d.local),
            "faux_clusters": len(clusters), "guests_in_faux_clusters": sum(len(c["guests"]) for c in clusters),
            "pinned_today": len(today), "pinned_at_next_power_on": len(later),
            "hosts_not_evacuable": len(not_evacuable),
        },
        "faux_clusters": clusters,
        "pinned_today": today,
        "pinned_at_next_power_on": later,
        "hosts_not_evacuable": not_evacuable,
        "host_only_networks": host_only,
        "local_datastores": [d for d in local if d["guests"]],
        "decoys": [dict(_ref(vc, d["vm"]), what=d["what"]) for d in vc.decoys],
        "quirks": [dict(_ref(vc, q["vm"]), what=q["what"]) for q in vc.quirks],
        "duplicate_names": dups,
    }


_LIST_KEYS = ("exports", "faux_clusters", "pinned_today", "pinned_at_next_power_on", "hosts_not_evacuable",
              "host_only_networks", "local_datastores", "decoys", "quirks", "duplicate_names")


def merge(docs: list[dict], generator: dict | None = None) -> dict:
    """One truth document for an estate of several exports (vCenters)."""
    out: dict = {"truth_version": TRUTH_VERSION, "generator": generator or (docs[0]["generator"] if docs else {}),
                 "conventions": CONVENTIONS, "counts": {}}
    for k in _LIST_KEYS:
        out[k] = [x for d in docs for x in d[k]]
    for d in docs:
        for k, v in d["counts"].items():
            out["counts"][k] = out["counts"].get(k, 0) + v
    order = ["truth_version", "generator", "exports", "conventions", "counts", *_LIST_KEYS[1:]]
    return {k: out[k] for k in order}

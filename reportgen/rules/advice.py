"""What to do about a guest cluster, from the facts seen: topology first, then the unmet gates.

The catalogue's remediation paragraphs (rules.md VMW-01 … VMW-05, GEN-02) are cut into building
blocks. :func:`advise` picks them by where the nodes run (in a box: spread the nodes; across boxes:
make the set-up movable) and then names only the version and datastore gates this guest cluster
actually misses, with the versions seen. A gate met is never advised; a gate that the export cannot
show is said to be unknown, not met.

Each step is a :class:`~.records.Step` with its kind; :func:`plan` and :func:`with_network` order them
by kind (the spread step carries its wording for when it is done last), and :func:`advise` gives their
wording.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from . import wsfc
from .records import Step
from .versions import ESXI_CLUSTERED_VMDK, ESXI_WSFC_VMOTION, HW_WSFC_VMOTION

BLOCKING_RULES = frozenset({"VMW-01", "VMW-02", "VMW-03", "VMW-05"})
"""Disk rules whose fix depends on topology and gates."""


@dataclass(frozen=True)
class Node:
    """One node of a guest cluster as the export shows it."""

    name: str
    host: str | None
    esxi: int | None
    """ESXi version as major * 100 + minor (703 for 7.0.3); None when not shown."""
    esxi_text: str | None
    """The version as the export writes it, e.g. '7.0.3'."""
    hw: int | None
    os: str | None = None


@dataclass(frozen=True)
class HostVersion:
    """A host of the nodes' vSphere clusters and the ESXi version it runs."""

    name: str
    esxi: int | None
    esxi_text: str | None


@dataclass(frozen=True)
class GroupFacts:
    """A guest cluster (or one guest with a cluster disk and no partner) and what its rules saw."""

    topology: str
    """'in-a-box', 'across-boxes', 'mixed', 'unknown', or 'lone' (no partner in the export)."""
    rules: frozenset[str]
    nodes: tuple[Node, ...]
    datastore_types: frozenset[str] = frozenset()
    """Types of the datastores holding the shared disks, lower case ('vmfs', 'nfs', 'vvol' ...)."""
    nfs_datastores: tuple[str, ...] = ()
    cluster_hosts: tuple[HostVersion, ...] = ()
    """Every host of the vSphere clusters the nodes run in; empty when not known."""
    drs: str = "on"
    """DRS of the vSphere clusters the nodes run in: 'on', 'off' (on none of them) or 'unknown' (not shown, or on
    some only): a DRS rule keeps nodes apart only where DRS is on."""


def _list(values: Iterable[str], limit: int = 4) -> str:
    items = sorted(dict.fromkeys(v for v in values if v))
    if len(items) > limit:
        return ", ".join(items[:limit]) + f" and {len(items) - limit} more"
    if len(items) > 1:
        return ", ".join(items[:-1]) + " and " + items[-1]
    return items[0] if items else ""


def shared_hosts(hosts: Iterable[str | None]) -> tuple[str, ...]:
    """The hosts that hold two or more of a guest cluster's nodes (one entry per node; None: host not known), sorted:
    the one test of nodes sharing a host."""
    counts = Counter(h for h in hosts if h)
    return tuple(sorted(h for h, n in counts.items() if n > 1))


def _esxi_seen(nodes: Iterable[Node]) -> str:
    return _list(n.esxi_text or "" for n in nodes)


def _hosts_below(nodes: tuple[Node, ...], floor: int) -> tuple[str, str]:
    """Hosts running ESXi below ``floor`` and the versions they run."""
    low = [n for n in nodes if n.esxi is not None and n.esxi < floor]
    return _list(n.host or "" for n in low), _esxi_seen(low)


def _other_hosts_below(f: GroupFacts, floor: int) -> str:
    """', and …' naming the cluster's other hosts below ``floor`` (one cluster runs one version)."""
    if not f.cluster_hosts:
        return ", and every other host of the cluster below 6.0 (one cluster runs one version),"
    own = {n.host for n in f.nodes}
    low = [h for h in f.cluster_hosts if h.esxi is not None and h.esxi < floor and h.name not in own]
    if not low:
        return ""
    word = "host" if len(low) == 1 else "hosts"
    return (f", and the cluster's other {word} below 6.0, {_list(h.name for h in low)} (ESXi "
            f"{_list(h.esxi_text or '' for h in low)}; one cluster runs one version),")


def _esxi_unknown(nodes: tuple[Node, ...]) -> str:
    return _list(n.host or n.name for n in nodes if n.esxi is None)


AFTER = " Do this last: spread earlier, the nodes tie more hosts."


def _spread(first: str, over: str, tail: str, small: str = "") -> Step:
    """A spread step: ``first`` names the hosts, then ``over`` hosts of one cluster; done last, the
    cluster and ``tail`` (why in a box protects nothing, said on the page already) are left out. ``small`` says
    why the cluster has too few hosts for the spread to free one (then spreading ties every host anyway)."""
    return Step("spread", f"{first} over different hosts of one cluster, kept apart by {over}{tail}{small}",
                f"{first} over different hosts, kept apart by {over}.{small or AFTER}")


def crowded(f: GroupFacts, platform: str = "vsphere") -> str:
    """Why no spread frees a host when the nodes' vSphere cluster has fewer hosts than nodes + 1; else ''."""
    n, known = len(f.nodes), len(f.cluster_hosts)
    if platform != "vsphere" or not f.rules & BLOCKING_RULES or not known or known >= n + 1:
        return ""  # multi-writer nodes may share a host; bus-sharing nodes across boxes may not
    return (f" With {known} {'host' if known == 1 else 'hosts'} for {n} nodes they cannot stay apart in maintenance: "
            "each patch needs a failover and a node shut down until another host, or an application replica without "
            "shared disks, frees them.")


def topology_plan(f: GroupFacts, platform: str = "vsphere") -> Step:
    """The first thing to do, decided by where the nodes run."""
    hosts = _list(n.host or "" for n in f.nodes)
    drs = {"off": "a DRS anti-affinity rule with DRS turned on", "unknown": "a DRS anti-affinity rule with DRS on"}.get(
        f.drs, "a DRS anti-affinity rule")  # a rule acts only where DRS is on
    keep_apart = (f"{drs} and 'must run on' host groups" if platform == "vsphere"
                  else "AntiAffinityClassNames on the cluster roles")
    small = crowded(f, platform)
    if small:  # a host group per node would hold one host: a hard pin (rules.md VMW-23)
        keep_apart = f"{drs} (no 'must run on' host groups: of one host, they pin the nodes)"
    if f.topology == "in-a-box":
        return _spread(f"Spread the nodes (all on {hosts or 'one host'} today)", keep_apart,
                       ": in a box they protect nothing when that host is maintained or fails.", small)
    if f.topology == "mixed":
        shared = shared_hosts(n.host for n in f.nodes)
        where = f" ({'host' if len(shared) == 1 else 'hosts'} {_list(shared)})" if shared else ""
        return _spread(f"Spread the nodes that share a host{where}", keep_apart, ".", small)
    if f.topology == "unknown":
        return Step("find-hosts", "Find out where every node runs: the export does not name the host of at least "
                    "one node, so the topology cannot be judged.")
    if f.topology == "lone":
        return Step("lone", "No partner guest shares these disks in the exports read: find the other nodes "
                    "(another vCenter, a node not exported) or remove the cluster disk set-up if the guest is alone.")
    return Step("keep-apart", f"Keep the nodes on different hosts ({hosts}), kept apart by {keep_apart}.{small}")


def gate_steps(f: GroupFacts) -> list[Step]:
    """One step per gate this group misses, naming hosts, nodes and the versions seen; an ESXi upgrade across
    major versions is an 'upgrade' step (a project), the others 'gate' steps."""
    steps: list[Step] = []

    def gate(text: str) -> None:
        steps.append(Step("gate", text))

    rules, nodes = f.rules, f.nodes
    if "VMW-01" in rules:
        gate(_bus_step(f))
    if "VMW-05" in rules:
        gate("Convert the shared virtual-mode RDMs to physical-mode RDMs (or clustered VMDKs): "
             "virtual-mode RDMs are supported in a box only.")
    if "VMW-02" in rules:
        hosts, seen = _hosts_below(nodes, ESXI_WSFC_VMOTION)
        if hosts:
            steps.append(Step("upgrade", f"Upgrade {hosts} from ESXi {seen}{_other_hosts_below(f, ESXI_WSFC_VMOTION)} "
                              "to a supported release: before 6.0 guests sharing physical-mode RDMs cannot be moved "
                              "with vMotion, and 6.0 itself is out of support."))
        low_hw = [n for n in nodes if n.hw is not None and n.hw < HW_WSFC_VMOTION]
        if low_hw:
            gate(f"Upgrade the VM hardware of {_list(n.name for n in low_hw)} (now version "
                 f"{_list(str(n.hw) for n in low_hw)}) to {HW_WSFC_VMOTION} or later, a power-off each.")
        os_steps(nodes, gate)
    if "VMW-03" in rules:
        if f.nfs_datastores:
            gate(f"Move the shared disks off NFS ({_list(f.nfs_datastores)}) to VMFS (clustered VMDK) "
                 "or physical-mode RDMs: shared disks on NFS are not supported for guest clusters.")
        hosts, seen = _hosts_below(nodes, ESXI_CLUSTERED_VMDK)
        if hosts:
            steps.append(Step("upgrade", f"Upgrade {hosts} from ESXi {seen} to 7.0 or later (clustered VMDK), or "
                              "move the shared disks to physical-mode RDMs."))
    if "VMW-07" in rules:
        gate("Multi-writer disks allow vMotion but no snapshots or Storage vMotion: back up the shared data "
             "inside the guest (RMAN) and make the shared disks independent-persistent.")
    if "VMW-08" in rules:
        gate("Remove the duplicate attachment: without bus sharing or multi-writer only one of these guests "
             "can run at a time; use vSphere HA or an application replica instead.")
    unknown = _unknown_step(f)
    if unknown:
        gate(unknown)
    return steps


def os_steps(nodes: tuple[Node, ...], gate: Callable[[str], None]) -> None:
    """VMW-02: a guest OS too old for vMotion of clustered guests on the ESXi the nodes run (or are upgraded to),
    or not Windows (outside VMware's WSFC support): a step each. An OS the export does not show is checked in
    :func:`_unknown_step`."""
    old = [n for n in nodes if wsfc.os_verdict(n.os, n.esxi) == "old"]
    if old:
        floor = min(wsfc.windows_floor(n.esxi) for n in old)
        on = "ESXi 6.x needs" if floor == 2008 else "ESXi 7.0+ needs"
        gate(f"Upgrade the guest OS of {_list(n.name for n in old)} ({_list(n.os or '' for n in old)}) to Windows "
             f"Server {floor} or later, as {on} for vMotion of clustered guests.")
    other = [n for n in nodes if wsfc.os_verdict(n.os, n.esxi) == "other"]
    if other:
        gate(f"VMware supports vMotion of guests sharing physical-mode RDMs for Windows Server failover clusters "
             f"only, not for {_list(n.name for n in other)} ({_list(n.os or '' for n in other)}), so the tie is "
             "counted as blocking: rebuild the shared disks as multi-writer VMDKs, which vMotion supports for Red "
             "Hat and SUSE HA clusters and Oracle RAC (fencing then without SCSI-3 reservations), or check with the "
             "OS vendor.")


def prerequisites_step(f: GroupFacts) -> Step:
    """VMW-02: every prerequisite of vMotion for the nodes, met or not visible in the export (the unmet ones are
    steps of their own; the remedy table lists all, see :func:`.wsfc.prerequisites_text`)."""
    return Step("movable", wsfc.prerequisites_text(node_facts(f), unmet_elsewhere=True))


def node_facts(f: GroupFacts) -> tuple[wsfc.NodeFacts, ...]:
    return tuple(wsfc.NodeFacts(n.name, n.esxi, n.esxi_text, n.hw, n.os) for n in f.nodes)


def _bus_step(f: GroupFacts) -> str:
    """VMW-01: virtual bus sharing only works in a box; the disk types that work across hosts here."""
    versions = [n.esxi for n in f.nodes]
    known = [v for v in versions if v is not None]
    types = ["physical-mode RDMs"]
    if known and len(known) == len(versions) and min(known) >= ESXI_CLUSTERED_VMDK and "nfs" not in f.datastore_types:
        types.append("clustered VMDKs on VMFS")
    types.append("vVols")
    text = ("Switch the shared disks from virtual to physical SCSI bus sharing on " + ", ".join(types[:-1])
            + " or " + types[-1] + ": virtual bus sharing works only in a box and never with vMotion.")
    if known and min(known) < ESXI_CLUSTERED_VMDK:
        hosts, seen = _hosts_below(f.nodes, ESXI_CLUSTERED_VMDK)
        text += f" Clustered VMDKs would need ESXi 7.0 ({hosts} run {seen})."
    return text


def _unknown_step(f: GroupFacts) -> str:
    gated = f.rules & {"VMW-02", "VMW-03"}
    if not gated:
        return ""
    parts = []
    hosts = _esxi_unknown(f.nodes)
    if hosts:
        parts.append(f"the ESXi version of {hosts}")
    if "VMW-02" in gated:
        names = _list(n.name for n in f.nodes if n.hw is None)
        if names:
            parts.append(f"the VM hardware version of {names}")
        names = _list(n.name for n in f.nodes if wsfc.os_verdict(n.os, n.esxi) == "unknown")
        if names:
            parts.append(f"the guest OS of {names}")
    if "VMW-03" in gated and not f.datastore_types:
        parts.append("the type of the datastore holding the shared disks")
    if not parts:
        return ""
    return "Check " + " and ".join(parts) + ": the export does not show it, so the tie is counted as blocking."


def movable_step(f: GroupFacts) -> str:
    """Across boxes with every visible gate met: the conditions the export cannot show."""
    seen = _esxi_seen(f.nodes)
    hw = _list(str(n.hw) for n in f.nodes if n.hw is not None)
    facts = "; ".join(p for p in (f"ESXi {seen}" if seen else "", f"VM hardware {hw}" if hw else "") if p)
    return (f"The versions seen allow vMotion{f' ({facts})' if facts else ''}: verify what the export cannot "
            "show, a 10 GbE vMotion network and relaxed WSFC heartbeat thresholds (SameSubnetThreshold 10 or more, "
            "CrossSubnetThreshold 20 or more, RouteHistoryLength 40 or more).")


LONG_TERM = ("Longer term, an application replica without shared disks (SQL Server Always On availability groups, "
             "Exchange DAG) removes the tie.")
REPLICA = "Longer term, an application replica without shared disks removes the tie."
PATCHING = ("Longer term, an application replica without shared disks removes the tie; if the cluster exists only to "
            "survive patching, one guest protected by vSphere HA is simpler.")


NETWORK_RULES = {"VMW-10": "no uplink", "VMW-11": "missing on other hosts", "VMW-12": "no uplinks",
                 "HYV-05": "a Private switch", "HYV-06": "an Internal switch"}
"""Network ties of a guest cluster's nodes (often its heartbeat), and what is wrong with the network."""


def network_step(f: GroupFacts) -> str:
    """The nodes' own network (a heartbeat, most often) must reach every host before the nodes can move."""
    found = [f"{rule}: {what}" for rule, what in NETWORK_RULES.items() if rule in f.rules]
    if not found:
        return ""
    return "First give the nodes' heartbeat network uplinks on every host (" + "; ".join(found) + ")."


def with_network(steps: tuple[Step, ...], topology: str, rules: Iterable[str]) -> tuple[Step, ...]:
    """``steps`` with the network step first when the nodes' network ties them, spreading moved after it.

    The page's network step, naming every network rule of the page, replaces one the steps had.
    """
    network = network_step(GroupFacts(topology, frozenset(rules), ()))
    if not network:
        return steps
    first = Step("network", network)
    steps = tuple(s for s in steps if s.kind != "network")  # the page's network step names all its network rules
    if topology not in ("in-a-box", "mixed"):
        return (*steps[:1], first, *steps[1:])
    spread = [s.as_last() for s in steps if s.kind == "spread"]
    later = [s for s in steps if s.kind == "later"]
    rest = [s for s in steps if s.kind not in ("spread", "later")]
    return (first, *rest, *spread, *later)


def plan(f: GroupFacts, platform: str = "vsphere") -> tuple[Step, ...]:
    """The steps for one guest cluster, in the order they can be done.

    In a box (or mixed), spreading the nodes comes last: the network the nodes share, then the disks,
    VM hardware and ESXi versions, must allow it first; spread earlier, the nodes tie more hosts.
    """
    topology = topology_plan(f, platform)
    gates = gate_steps(f) if platform == "vsphere" else []
    text = network_step(f)
    network = [Step("network", text)] if text else []
    windows = wsfc.is_windows(node_facts(f))
    wsfc_nodes = ("VMW-02" in f.rules and windows and platform == "vsphere"
                  and f.topology in ("in-a-box", "mixed", "across-boxes"))
    prerequisites = [prerequisites_step(f)] if wsfc_nodes else []
    if f.topology in ("in-a-box", "mixed") and (gates or network or prerequisites):
        steps = [*network, *gates, *prerequisites, topology.as_last()]
    else:
        steps = [topology, *network, *gates, *prerequisites]
    movable = f.topology in ("across-boxes", "mixed") and platform == "vsphere"
    if movable and not gates and not prerequisites and "VMW-03" in f.rules:
        steps.append(Step("movable", movable_step(f)))
    if (f.rules & BLOCKING_RULES or f.topology in ("in-a-box", "mixed")) and not crowded(f, platform):
        patching = f.topology == "in-a-box" and "VMW-01" in f.rules
        steps.append(Step("later", PATCHING if patching else LONG_TERM if windows else REPLICA))
    return tuple(steps)


def advise(f: GroupFacts, platform: str = "vsphere") -> tuple[str, ...]:
    """The wording of :func:`plan`, step by step."""
    return tuple(s.text for s in plan(f, platform))

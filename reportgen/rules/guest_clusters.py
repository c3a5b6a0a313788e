"""GEN-01 and GEN-02: guest clusters proven by shared disks, and where their nodes run.

Guests whose disks share a backing file (same path) or the same raw LUN (even through
different mapping files) form one guest cluster: bond edges, which the core closes into guest
clusters. GEN-02 classifies each cluster by where its nodes run (in a box, across boxes,
mixed, unknown) and escalates the disk rules of clusters in a box. The per-disk rules
(VMW-01 … VMW-09) live in :mod:`.shared_disks`; heuristics (suspected clusters) in
:mod:`.suspects`. All of them run in one pass: :func:`detect`.
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from ..host_labels import host_labels
from .advice import BLOCKING_RULES, GroupFacts, HostVersion, Node, plan
from .emit import add_colocations, add_pins, emit
from .evidence import at_rows, located, names_text, rows_text
from .records import Detector, Effect, GuestEdge, Need, RuleContext, RuleInfo, RuleOutput, Severity, Step
from .shared_disks import DISK_RULES, MOBILITY, VMW01, VMW09, classify, snapshot_findings
from .suspects import suspected_clusters
from .tables import frame, guests
from .versions import GEN03, esxi_number

WSFC_REF = (
    "https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
    "GUID-7291B20B-33A6-4E9C-A041-72ED68D385BB.html"
)

GEN01 = RuleInfo(
    id="GEN-01",
    title="Guest cluster on shared disks",
    severity=Severity.HIGH,
    effects=frozenset({Effect.EVACUATION}),
    summary=(
        "Two or more guests share a disk (the same backing file, or the same raw LUN even through different "
        "mapping files): they form one guest cluster, whose nodes must be handled together in every host "
        "maintenance. Groups that only look like clusters (node-numbered names, heartbeat-named networks, "
        "small quorum disks on shared-bus controllers) are reported as suspected, never as proven."
    ),
    remediation=(
        "Prefer an application-level replica (SQL Server Always On availability groups, Exchange DAG) that "
        "needs no shared disk; otherwise keep the nodes on different hosts with DRS rules and a supported "
        "shared-disk type (physical-mode RDM, clustered VMDK or vVols)."
    ),
    references=(WSFC_REF,),
    needs=(
        Need("vsphere", "vDisk", ("Path",), "shared disks are only visible in vDisk"),
        Need("vsphere", "vDisk", ("Raw LUN ID",), "RDMs sharing a LUN through different mapping files",
             since="3.5", optional=True),
        Need("vsphere", "vDisk", ("Sharing mode",), "multi-writer disks", since="4.4.1", optional=True),
    ),
    detection=(
        "vDisk 'Path' identical on two or more guests of one vCenter, or 'Raw LUN ID' identical on two or more "
        "guests; 'Sharing mode' = sharingMultiWriter groups by Path. Suspected: node-numbered names "
        "(SQLCL01-N1 / -N2, node1 / node2), NICs on heartbeat-named networks, disks of 5 GiB or less on "
        "shared-bus controllers, annotations naming FCI / MSCS / WSFC / RAC / Pacemaker."
    ),
)

GEN02 = RuleInfo(
    id="GEN-02",
    title="Guest cluster topology",
    severity=Severity.HIGH,
    effects=frozenset({Effect.EVACUATION}),
    summary=(
        "Where the nodes of a guest cluster run. In a box (every node on one host): a host maintenance or "
        "failure stops every node at once, so the cluster protects only against guest failures (false "
        "redundancy); its disk findings are escalated. Across boxes without live migration: every host "
        "maintenance needs a planned guest failover and failback. Across boxes with live migration: each "
        "move risks a failover. Mixed (several nodes on one host, nodes in different vSphere clusters) or "
        "unknown hosts are flagged."
    ),
    remediation=(
        "Put the nodes on different hosts of one cluster, kept apart by DRS anti-affinity / VM-Host rules, "
        "on a shared-disk type that allows vMotion; or replace the shared-disk cluster by an application "
        "replica."
    ),
    references=(
        WSFC_REF,
        ("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
        "GUID-1F39CF51-CDA5-40B7-B5AA-8CBA37C65314.html"),
    ),
    needs=(
        Need("vsphere", "vDisk", ("Path",)),
        Need("vsphere", "vInfo", ("Host",), "the host each node runs on"),
        Need("vsphere", "vHost", ("Cluster", "ESX Version"), "clusters and builds of the nodes' hosts",
             optional=True),
    ),
    detection=(
        "For each guest cluster of GEN-01: the distinct vInfo 'Host' values of its nodes, the vHost 'Cluster' "
        "of those hosts and their 'ESX Version' builds."
    ),
)

CIB_ESCALATED = frozenset({"VMW-01", "VMW-02", "VMW-03", "VMW-05", "VMW-06", "VMW-07", "VMW-08"})
"""Disk rules escalated one level for nodes of a guest cluster in a box (rules.md §0.2)."""


def disk_context(estate: Estate, g: pl.DataFrame) -> pl.DataFrame:
    """Disks with their guest's context, datastore type and whether path / LUN are shared."""
    stores = frame(estate, "datastores").select(
        "source_id", datastore="name", ds_type=pl.col("type").str.to_lowercase()
    ).unique(subset=["source_id", "datastore"], keep="first")
    context = g.select(
        "guest_key", "name", "host_key", "host", "power_state", "template", "timing", "scope", "hw", "hw_version",
        "esxi", "host_product", "os", "snapshots", "cluster_key", "platform",
    )
    disks = frame(estate, "disks").join(context, on="guest_key", how="inner")
    path_guests = pl.col("guest_key").n_unique().over("scope", "path")
    lun_guests = pl.col("guest_key").n_unique().over("scope", "lun_id")
    return (
        disks.join(stores, on=["source_id", "datastore"], how="left")
        .with_columns(
            shared_path=pl.col("path").is_not_null() & (path_guests >= 2),
            shared_lun=pl.col("lun_id").is_not_null() & (lun_guests >= 2),
        )
    )


def bond_groups(disks: pl.DataFrame) -> list[list[str]]:
    """Groups of guest keys sharing one path or one LUN (several groups may overlap)."""
    parts = []
    for flag, key in (("shared_path", "path"), ("shared_lun", "lun_id")):
        parts.append(
            disks.filter(pl.col(flag)).group_by("scope", key)
            .agg(members=pl.col("guest_key").unique(maintain_order=True)).select("members")
        )
    return [m for part in parts for m in part["members"].to_list()]


def components(groups: list[list[str]]) -> dict[str, int]:
    """Guest key -> guest-cluster number, merging overlapping groups (union-find)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for members in groups:
        root = find(members[0])
        for other in members[1:]:
            parent[find(other)] = root
    numbers: dict[str, int] = {}
    return {g: numbers.setdefault(find(g), len(numbers)) for g in sorted(parent)}


def topology(members: pl.DataFrame) -> pl.DataFrame:
    """Per guest cluster: topology (as the core computes it), hosts and builds of its nodes."""
    per_host = pl.col("host_key").drop_nulls().unique_counts().max().fill_null(0)
    summary = members.group_by("gc").agg(
        nodes=pl.len(), node_names=names_text("name", 6), members=pl.col("guest_key"),
        hosts=pl.col("host_key").drop_nulls().n_unique(), host_names=names_text("host_label", 4),  # as the reports name hosts
        unknown=pl.col("host_key").is_null().any(), per_host=per_host,
        vclusters=pl.col("host_cluster_key").fill_null("").n_unique(),
        builds=pl.col("host_product").drop_nulls().n_unique(),
        build_names=names_text("host_product", 3),
        running=(pl.col("timing") == "now").sum(),
    )
    return summary.with_columns(
        topology=pl.when(pl.col("unknown")).then(pl.lit("unknown"))
        .when(pl.col("hosts") == 1).then(pl.lit("in-a-box"))
        .when((pl.col("per_host") == 1) & (pl.col("vclusters") == 1)).then(pl.lit("across-boxes"))
        .otherwise(pl.lit("mixed"))
    )


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    g = guests(estate)
    # Hyper-V shared disks are HYV-01 / HYV-02 (rules/hyperv.py), with Hyper-V evidence and coverage.
    disks = disk_context(estate, g).filter(pl.col("platform") == "vsphere")
    groups = bond_groups(disks) if not disks.is_empty() else []
    edges = {(members[0], other) for members in groups for other in members[1:] if other != members[0]}
    out.bonds.extend(GuestEdge(a, b, GEN01.id) for a, b in sorted(edges))
    comp = components(groups)
    cluster_of = pl.DataFrame(
        {"guest_key": list(comp), "gc": list(comp.values())}, schema={"guest_key": pl.String, "gc": pl.Int32}
    )
    per_rule = classify(disks, set(comp)).join(cluster_of, on="guest_key", how="left")
    nodes = g.join(cluster_of, on="guest_key", how="inner")
    if not nodes.is_empty():
        blocked = per_rule.filter(pl.col("pins") & pl.col("gc").is_not_null())["gc"].unique()
        topo = topology(nodes).with_columns(blocked=pl.col("gc").is_in(blocked.implode()))
        advice = _advice(g, nodes, per_rule, disks, topo, _cluster_hosts(estate), _drs(estate))
        _emit_topology(out, nodes, topo, advice)
        _emit_membership(out, disks, nodes, topo, advice)
        virtual = per_rule.filter(pl.col("rule") == VMW01.id)["gc"].drop_nulls().unique()
        add_colocations(out, topo.filter(pl.col("gc").is_in(virtual.implode())), VMW01.id)
        per_rule = per_rule.join(topo.select("gc", "topology"), on="gc", how="left")
    else:
        advice = _advice(g, nodes, per_rule, disks, None, _cluster_hosts(estate), _drs(estate))
        per_rule = per_rule.with_columns(topology=pl.lit(None, pl.String))
    per_rule = _with_advice(per_rule, g, advice)

    per_rule = per_rule.with_columns(
        severity=pl.when((pl.col("topology") == "in-a-box") & pl.col("rule").is_in(list(CIB_ESCALATED)))
        .then((pl.col("severity") + 1).clip(upper_bound=int(Severity.CRITICAL)))
        .otherwise(pl.col("severity"))
    )
    for info in DISK_RULES:
        mine = per_rule.filter(pl.col("rule") == info.id)
        blocking = mine.filter(pl.col("pins"))
        emit(out, blocking, info)
        emit(out, mine.filter(~pl.col("pins")), info, effects=info.effects - MOBILITY)
        add_pins(out, blocking, info.id)
    emit(out, per_rule.filter(pl.col("gate_unknown")).with_columns(evidence=pl.col("gate_note"))
         .drop("steps", "source_tab", "source_rows"), GEN03)
    emit(out, snapshot_findings(per_rule, g), VMW09)
    if ctx.suspect_heuristics:
        suspected_clusters(g, disks, frame(estate, "nics"), set(comp), out, GEN01)
    return out


def _node(row: dict[str, object]) -> Node:
    esxi, hw = row.get("esxi"), row.get("hw")
    return Node(str(row["name"]), _text(row.get("host_label") or row.get("host")), esxi if isinstance(esxi, int) else None,
                _text(row.get("host_version")), hw if isinstance(hw, int) else None, _text(row.get("os")))


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _drs(estate: Estate) -> pl.DataFrame:
    """``cluster_key`` and ``drs_enabled`` of every cluster, once each (null when the export does not show it)."""
    return frame(estate, "clusters").select("cluster_key", "drs_enabled").unique(subset="cluster_key", keep="first")


def _cluster_hosts(estate: Estate) -> dict[str, tuple[HostVersion, ...]]:
    """Every host of each vSphere cluster, with its ESXi version: an upgrade step names the others too."""
    hosts = frame(estate, "hosts").filter(pl.col("cluster_key").is_not_null()).select(
        "cluster_key", "host_key", "name", "version", esxi=esxi_number("version"))
    labels = host_labels(estate)  # as the nodes name their hosts
    result: dict[str, list[HostVersion]] = {}
    for key, host, name, version, esxi in hosts.iter_rows():
        result.setdefault(key, []).append(HostVersion(labels.get(host, name), esxi, version))
    return {k: tuple(sorted(v, key=lambda h: h.name)) for k, v in result.items()}


def _advice(g: pl.DataFrame, nodes: pl.DataFrame, per_rule: pl.DataFrame, disks: pl.DataFrame,
            topo: pl.DataFrame | None, peers: dict[str, tuple[HostVersion, ...]],
            drs: pl.DataFrame) -> dict[object, tuple[Step, ...]]:
    """Steps per guest cluster (key: its number) and per lone guest (key: its guest key); ``drs`` is
    :func:`_drs`, joined to the nodes and lone guests only."""
    result: dict[object, tuple[Step, ...]] = {}
    rules: dict[object, set[str]] = {}
    for gc, guest, rule in per_rule.select("gc", "guest_key", "rule").iter_rows():
        rules.setdefault(guest if gc is None else gc, set()).add(rule)
    shared = disks.filter(pl.col("shared_path") | pl.col("shared_lun") | pl.col("bus_sharing").is_in(["physical", "virtual"]))
    types: dict[str, set[str]] = {}
    nfs: dict[str, set[str]] = {}
    for guest, ds_type, store in shared.select("guest_key", "ds_type", "datastore").iter_rows():
        if ds_type:
            types.setdefault(guest, set()).add(ds_type)
            if ds_type == "nfs" and store:
                nfs.setdefault(guest, set()).add(store)
    columns = ["guest_key", "name", "host", "host_label", "host_version", "esxi", "hw", "os", "cluster_key",
               "drs_enabled"]
    if topo is not None and not nodes.is_empty():
        kinds = dict(topo.select("gc", "topology").iter_rows())
        members: dict[object, list[dict[str, object]]] = {}
        for row in nodes.join(drs, on="cluster_key", how="left").select("gc", *columns).iter_rows(named=True):
            members.setdefault(row["gc"], []).append(row)
        for gc, rows in members.items():
            result[gc] = _steps(str(kinds.get(gc, "unknown")), rules.get(gc, set()), rows, types, nfs, peers)
    lone = per_rule.filter(pl.col("gc").is_null() & pl.col("rule").is_in(list(BLOCKING_RULES)))["guest_key"].unique()
    if lone.len():
        alone = g.filter(pl.col("guest_key").is_in(lone.implode())).join(drs, on="cluster_key", how="left")
        for row in alone.select(columns).iter_rows(named=True):
            key = row["guest_key"]
            result[key] = _steps("lone", rules.get(key, set()), [row], types, nfs, peers)
    return result


def _steps(kind: str, rules: set[str], rows: list[dict[str, object]], types: dict[str, set[str]],
           nfs: dict[str, set[str]], peers: dict[str, tuple[HostVersion, ...]]) -> tuple[Step, ...]:
    keys = [str(r["guest_key"]) for r in rows]
    clusters = {str(r["cluster_key"]) for r in rows if r.get("cluster_key") is not None}
    drs = {r.get("drs_enabled") for r in rows if r.get("cluster_key") is not None}  # standalone: no DRS to turn on
    facts = GroupFacts(
        topology=kind, rules=frozenset(rules), nodes=tuple(_node(r) for r in rows),
        datastore_types=frozenset(t for k in keys for t in types.get(k, ())),
        nfs_datastores=tuple(sorted({s for k in keys for s in nfs.get(k, ())})),
        cluster_hosts=tuple(h for c in sorted(clusters) for h in peers.get(c, ())),
        drs="on" if drs <= {True} else "off" if drs == {False} else "unknown",
    )
    return plan(facts)


STEPS = pl.List(pl.Struct({"kind": pl.String, "text": pl.String, "last": pl.String}))
"""A column of remediation steps (:class:`~.records.Step` as structs; ``emit`` makes them records again)."""


def _rows(steps: tuple[Step, ...]) -> list[dict[str, str]]:
    return [{"kind": s.kind, "text": s.text, "last": s.last} for s in steps]


def _with_advice(per_rule: pl.DataFrame, g: pl.DataFrame, advice: dict[object, tuple[Step, ...]]) -> pl.DataFrame:
    """The per-rule rows of blocking rules get their group's steps (lone guests: their own)."""
    numbers = [k for k in advice if isinstance(k, int)]
    keys = [k for k in advice if isinstance(k, str)]
    by_gc = pl.DataFrame({"gc": numbers, "gc_steps": [_rows(advice[k]) for k in numbers]},
                         schema={"gc": pl.Int32, "gc_steps": STEPS})
    by_guest = pl.DataFrame({"guest_key": keys, "lone_steps": [_rows(advice[k]) for k in keys]},
                            schema={"guest_key": pl.String, "lone_steps": STEPS})
    joined = per_rule.join(by_gc, on="gc", how="left").join(by_guest, on="guest_key", how="left")
    return joined.with_columns(steps=pl.when(pl.col("rule").is_in(list(BLOCKING_RULES))).then(
        pl.coalesce(pl.col("gc_steps"), pl.col("lone_steps"))).otherwise(pl.lit(None, STEPS))
    ).drop("gc_steps", "lone_steps")


def _advice_frame(advice: dict[object, tuple[Step, ...]]) -> pl.DataFrame:
    numbers = [k for k in advice if isinstance(k, int)]
    return pl.DataFrame({"gc": numbers, "steps": [_rows(advice[k]) for k in numbers]},
                        schema={"gc": pl.Int32, "steps": STEPS})


def _emit_topology(out: RuleOutput, nodes: pl.DataFrame, topo: pl.DataFrame,
                   advice: dict[object, tuple[Step, ...]]) -> None:
    """One GEN-02 finding per node, saying where its cluster's nodes run."""
    where = (
        pl.when(pl.col("topology") == "in-a-box").then(pl.concat_str(
            pl.lit("in a box: all "), pl.col("nodes").cast(pl.String), pl.lit(" nodes run on host "),
            pl.col("host_names"), pl.lit(", so a maintenance or failure of that host stops every node")))
        .when(pl.col("topology") == "across-boxes").then(pl.concat_str(
            pl.lit("across boxes: nodes on hosts "), pl.col("host_names"),
            pl.when(pl.col("blocked")).then(pl.lit(", without live migration (each host maintenance needs a "
                                                   "planned guest failover and failback)"))
            .otherwise(pl.lit(", with live migration under conditions (each move risks a guest failover)"))))
        .when(pl.col("topology") == "mixed").then(pl.concat_str(
            pl.lit("mixed: nodes on hosts "), pl.col("host_names"),
            pl.lit(" (several nodes share a host, or the hosts are in different vSphere clusters)")))
        .otherwise(pl.lit("unknown: the host of at least one node is not in the export"))
    )
    builds = pl.when(pl.col("builds") > 1).then(pl.concat_str(
        pl.lit("; the nodes' hosts run different builds ("), pl.col("build_names"),
        pl.lit("), a mix WSFC does not support"))).otherwise(pl.lit(""))
    severity = (
        pl.when(pl.col("topology") == "in-a-box").then(pl.lit(int(Severity.CRITICAL)))
        .when(pl.col("topology") == "across-boxes").then(
            pl.when(pl.col("blocked")).then(pl.lit(int(Severity.HIGH))).otherwise(pl.lit(int(Severity.MEDIUM))))
        .when(pl.col("topology") == "mixed").then(pl.lit(int(Severity.HIGH)))
        .otherwise(pl.lit(int(Severity.MEDIUM)))
    )
    severity = pl.when(pl.col("builds") > 1).then(pl.max_horizontal(severity, pl.lit(int(Severity.HIGH)))) \
        .otherwise(severity)
    rows = topo.with_columns(
        evidence=pl.concat_str(pl.lit("guest cluster of "), pl.col("node_names"), pl.lit(": "), where, builds),
        severity=severity,
    ).select("gc", "evidence", "severity").join(
        nodes.select("gc", "guest_key", "host_key", "timing"), on="gc").join(_advice_frame(advice), on="gc", how="left")
    emit(out, rows, GEN02)


def _emit_membership(out: RuleOutput, disks: pl.DataFrame, nodes: pl.DataFrame, topo: pl.DataFrame,
                     advice: dict[object, tuple[Step, ...]]) -> None:
    """One GEN-01 finding per node: what it shares, with whom."""
    shared = disks.filter(pl.col("shared_path") | pl.col("shared_lun"))
    how = (
        pl.when(pl.col("sharing_mode") == "multi-writer").then(pl.lit("multi-writer disk"))
        .when(pl.col("shared_lun") & ~pl.col("shared_path")).then(pl.lit("raw LUN (different mapping files)"))
        .when(pl.col("raw").fill_null(False)).then(pl.lit("raw LUN"))
        .otherwise(pl.lit("backing file"))
    )
    per_guest = shared.with_columns(how=how).group_by("guest_key").agg(
        **at_rows(pl.when(pl.col("platform").first() == "hyperv").then(pl.lit("Get-VMHardDiskDrive"))
                  .otherwise(pl.lit("vDisk")), rows_text()), hows=pl.col("how").unique().sort().str.join(", "), disks=pl.len(),
        sample=pl.coalesce(pl.col("path"), pl.col("lun_id")).drop_nulls().first(),
    )
    partners = nodes.select("guest_key", "gc", "host_key", "timing").join(
        topo.select("gc", "node_names", "topology"), on="gc")
    rows = per_guest.join(partners, on="guest_key").with_columns(
        evidence=pl.concat_str(
            located(), pl.lit(": "), pl.col("disks").cast(pl.String),
            pl.lit(" shared disk(s) ("), pl.col("hows"), pl.lit("), e.g. "), pl.col("sample"),
            pl.lit("; guest cluster "), pl.col("node_names"),
        ),
        severity=pl.when(pl.col("topology") == "in-a-box").then(pl.lit(int(Severity.CRITICAL)))
        .otherwise(pl.lit(int(GEN01.severity))),
    ).join(_advice_frame(advice), on="gc", how="left")
    emit(out, rows, GEN01)


DETECTORS = (Detector((GEN01, GEN02, GEN03, *DISK_RULES), detect),)

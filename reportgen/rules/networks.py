"""VMW-10 … VMW-12: networks that exist on one host only, or that no traffic can leave.

Each guest NIC is resolved to a port group through (host, network) in the ``networks``
table, which the importer builds from vPort / dvPort with uplinks from vNIC; vNetwork's own
'Switch' column is not trusted (it can name the wrong vSwitch). A NIC ties its guest only
while it is connected: running guests with the NIC connected are pinned now, guests that
are off and whose NIC starts connected at next power-on, everything else is a hygiene note.
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from .emit import add_colocations, add_pins, cause, emit
from .evidence import at_row, located, value
from .records import Detector, Effect, Need, RuleContext, RuleInfo, RuleOutput, Severity, Step
from .suspects import HEARTBEAT
from .tables import frame, vsphere_guests
from .timing import device_timing

VMOTION_NET = (
    "https://docs.vmware.com/en/VMware-vSphere/6.5/com.vmware.vsphere.vcenterhost.doc/"
    "GUID-3B41119A-1276-404B-8BFB-A32409052449.html"
)
HOST_ONLY = (
    "https://docs.vmware.com/cn/VMware-vSphere/8.0/vsphere-vcenter-esxi-management/"
    "GUID-897E10D6-A413-4699-B3C6-498AA80CB9ED.html"
)
_NIC = Need("vsphere", "vNetwork", ("Network", "Connected", "Starts Connected"), "the port group of each NIC")
_ON = Need("vsphere", "vInfo", ("Host",), "the host each guest runs on, whose port groups its NICs use")

VMW10 = RuleInfo(
    id="VMW-10", title="NIC on a standard vSwitch without physical uplinks", severity=Severity.HIGH,
    effects=frozenset({Effect.LIVE_MIGRATION, Effect.EVACUATION}),
    summary=(
        "vMotion refuses a guest attached to a standard vSwitch with no physical uplink (an internal-only "
        "network), even when the destination has a switch of the same name: the guest is tied to its host. "
        "Used as a guest-cluster heartbeat it forces every node onto one host."
    ),
    remediation=(
        "Give the network real uplinks with a dedicated VLAN, preferably as a distributed port group on every "
        "host; route cluster heartbeats over normal networks. Disconnect NICs that are not needed."
    ),
    references=(VMOTION_NET, HOST_ONLY),
    needs=(_NIC, _ON, Need("vsphere", "vPort", ("Host", "Port Group", "Switch"), "port groups of each host"),
           Need("vsphere", "vNIC", ("Host", "Switch"), "physical uplinks of each vSwitch")),
    detection=(
        "vNetwork (Host, Network) resolved through vPort (Host, Port Group) to its vSwitch; the vSwitch has no "
        "vNIC row with the same Host and Switch. Connected / Starts Connected decide now / next power-on."
    ),
)
VMW11 = RuleInfo(
    id="VMW-11", title="Port group missing on other hosts of the cluster", severity=Severity.MEDIUM,
    effects=frozenset({Effect.LIVE_MIGRATION, Effect.EVACUATION}),
    summary=(
        "vCenter maps a guest's NIC to a port group by its name: hosts of the cluster without that name are no "
        "destination. On one host only, the guest is tied to it; on a subset, maintenance can only move it "
        "within that subset."
    ),
    remediation="Create the port group on every host of the cluster (host profiles) or move it to a distributed switch.",
    references=(VMOTION_NET,),
    needs=(_NIC, _ON, Need("vsphere", "vPort", ("Host", "Port Group")), Need("vsphere", "vHost", ("Cluster",))),
    detection=(
        "Per vHost Cluster and network name: the hosts whose vPort / dvSwitch rows carry it, against the hosts of "
        "the cluster; NICs (vNetwork Host, Network) on a name some hosts lack."
    ),
)
VMW12 = RuleInfo(
    id="VMW-12", title="Distributed port group without uplinks", severity=Severity.MEDIUM,
    effects=frozenset(),
    summary=(
        "A distributed port group with neither active nor standby uplinks carries no traffic between hosts: "
        "guests on different hosts cannot talk over it, so a heartbeat there forces the nodes onto one host."
    ),
    remediation="Assign uplinks (and a VLAN) to the port group, or move the guests to a port group that has them.",
    references=(VMOTION_NET,),
    needs=(_NIC, Need("vsphere", "dvPort", ("Active Uplink", "Standby Uplink")),
           Need("vsphere", "dvSwitch", ("Host members",))),
    limits="whether vCenter refuses vMotion for such port groups is unverified: no pin, colocation only",
    detection="dvPort rows with empty 'Active Uplink' and 'Standby Uplink'; NICs on them via vNetwork (Host, Network).",
)


def resolved_nics(estate: Estate, g: pl.DataFrame) -> pl.DataFrame:
    """NICs with their guest's context and the port group they resolve to on the guest's host."""
    nets = frame(estate, "networks").rename({"switch": "pg_switch"})
    nics = frame(estate, "nics").join(
        g.select("guest_key", "name", "host_key", "host", "cluster_key", "timing", "power_known", "scope"),
        on="guest_key")
    if nets.is_empty() or nics.is_empty():
        return nics.with_columns(pg_switch=pl.lit(None, pl.String), switch_kind=pl.lit(None, pl.String),
                                 has_uplink=pl.lit(None, pl.Boolean), host_has_networks=pl.lit(False))
    best = (
        nics.with_row_index("nic").join(nets.select("host_key", "network", "pg_switch", "switch_kind", "has_uplink"),
                                        on=["host_key", "network"], how="left")
        .sort(by=[pl.col("nic"), (pl.col("pg_switch") == pl.col("switch")).fill_null(False)],
              descending=[False, True])
        .unique(subset="nic", keep="first", maintain_order=True)
    )
    known = nets.select("host_key").unique().with_columns(host_has_networks=pl.lit(True))
    return best.join(known, on="host_key", how="left").with_columns(pl.col("host_has_networks").fill_null(False))


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    g = vsphere_guests(estate)
    nics = resolved_nics(estate, g)
    if nics.is_empty():
        return out
    nics = nics.with_columns(**at_row("vNetwork")).with_columns(
        tie=device_timing(), heartbeat=pl.col("network").fill_null("").str.contains(HEARTBEAT),
        nic_facts=pl.concat_str(
            located(), pl.lit(": "), value("Network", "network"),
            pl.lit(", "), value("Connected", "connected"), pl.lit(", "), value("Starts Connected", "starts_connected"),
        ),
    )
    _uplinkless_standard(out, nics, intranet_peers(estate))
    _partial_labels(out, estate, g, nics)
    _uplinkless_distributed(out, nics)
    return out


def _connection(tie: pl.Expr) -> pl.Expr:
    return (
        pl.when(pl.col("timing") == "hygiene").then(pl.lit("a template: never tied"))
        .when(tie == "now").then(pl.lit("connected: tied now"))
        .when(tie == "next-power-on").then(pl.lit("guest off, NIC connects at power-on: tied at next power-on"))
        .otherwise(pl.lit("not connected: no tie while it stays so"))
    )


INTRANET_SETTING = "config.migrate.test.CompatibleNetworks.VMOnVirtualIntranet"
"""The vCenter advanced setting that, set to false, lets vMotion move a guest between uplink-less standard port
groups of one name (vMotion networking requirements, vSphere 6.5 / 6.7; VMware KB 1003832)."""
STEPS = pl.List(pl.Struct({"kind": pl.String, "text": pl.String, "last": pl.String}))


def intranet_peers(estate: Estate) -> pl.DataFrame:
    """Per (host_key, network) of an uplink-less standard port group: ``peers``, the other hosts of its cluster
    (vHost's) with the same port group uplink-less too, and ``others``, the cluster's other hosts, and ``cluster``."""
    nets = frame(estate, "networks")
    hosts = frame(estate, "hosts")
    schema = {"host_key": pl.String, "network": pl.String, "peers": pl.Int64, "others": pl.Int64,
              "cluster": pl.String}
    if nets.is_empty() or hosts.is_empty():
        return pl.DataFrame(schema=schema)
    hosts = hosts.filter(pl.col("cluster_key").is_not_null()).select("host_key", "cluster_key", "cluster")
    size = hosts.group_by("cluster_key").agg(others=pl.len() - 1)
    lone = nets.filter((pl.col("switch_kind") == "standard") & pl.col("has_uplink").not_()).select(
        "host_key", "network").unique().join(hosts, on="host_key")
    carried = lone.group_by("cluster_key", "network").agg(peers=pl.col("host_key").n_unique() - 1)
    return lone.join(carried, on=["cluster_key", "network"]).join(size, on="cluster_key").select(
        pl.col("host_key"), pl.col("network"), pl.col("peers").cast(pl.Int64), pl.col("others").cast(pl.Int64),
        pl.col("cluster"))


def intranet_steps(network: str, cluster: str, peers: int, others: int) -> tuple[Step, Step]:
    """What to do when port group ``network`` is uplink-less on ``peers`` of the ``others`` other hosts of its
    cluster too: the isolation looks deliberate, so let vCenter migrate between the copies (with the caveat), and
    give uplinks only last, as they end the isolation."""
    if peers == others:
        where = f"the other host of cluster {cluster}" if others == 1 else f"the {others} other hosts of cluster {cluster}"
    else:
        where = f"{peers} of the {others} other hosts of cluster {cluster} (the only ones its guests could move to)"
    first = (f"Port group {network} has no physical uplink on {where} either: the isolation looks deliberate. "
             f"vCenter can let vMotion move its guests between these port groups: set the vCenter advanced setting "
             f"{INTRANET_SETTING} to false (VMware KB 1003832). It applies to every such port group of the vCenter, "
             "and a guest moved so can no longer reach, over this network, the guests left on its old host: move "
             "together the guests that talk over it.")
    last = ("Else move the guests that need no isolation to a port group with uplinks. Give the port group physical "
            "uplinks (a dedicated VLAN) only last, and only if security agrees: uplinks join the isolated network to "
            "the physical one.")
    return Step("intranet", first), Step("catalogue", last)


def _with_intranet(hit: pl.DataFrame, peers: pl.DataFrame) -> pl.DataFrame:
    """Rows of ``hit`` on a port group uplink-less on other hosts of the cluster too get :func:`intranet_steps`;
    not a heartbeat: the nodes of a guest cluster would lose each other when one of them moves."""
    found = hit.filter(~pl.col("heartbeat")).select("host_key", "network").unique().join(
        peers.filter(pl.col("peers") > 0), on=["host_key", "network"])
    steps = pl.DataFrame({
        "host_key": found["host_key"], "network": found["network"],
        "steps": [[{"kind": s.kind, "text": s.text, "last": s.last} for s in intranet_steps(*row)]
                  for row in found.select("network", "cluster", "peers", "others").iter_rows()],
    }, schema={"host_key": pl.String, "network": pl.String, "steps": STEPS})
    return hit.join(steps, on=["host_key", "network"], how="left")


def _uplinkless_standard(out: RuleOutput, nics: pl.DataFrame, peers: pl.DataFrame) -> None:
    hit = nics.filter((pl.col("switch_kind") == "standard") & pl.col("has_uplink").not_())
    if hit.is_empty():
        return
    hit = _with_intranet(hit, peers).with_columns(
        cause=cause("portgroup", pl.col("host_key"), "/", pl.col("network"), name=pl.col("network"), where=pl.col("host")),
        timing=pl.col("tie"),
        severity=pl.when(pl.col("heartbeat")).then(pl.lit(int(Severity.CRITICAL))).otherwise(pl.lit(int(VMW10.severity))),
        evidence=pl.concat_str(
            pl.col("nic_facts"), pl.lit("; vPort: port group '"), pl.col("network"), pl.lit("' is on "),
            pl.col("pg_switch"), pl.lit(" of host "), pl.col("host"),
            pl.lit(", which has no physical uplink (no vNIC row for that host and switch)"),
            pl.when(pl.col("switch").is_not_null() & (pl.col("switch") != pl.col("pg_switch")))
            .then(pl.concat_str(pl.lit(" (vNetwork says Switch = "), pl.col("switch"), pl.lit(")")))
            .otherwise(pl.lit("")),
            pl.lit("; "), _connection(pl.col("tie")),
            pl.when(pl.col("heartbeat")).then(pl.lit("; the name looks like a cluster heartbeat")).otherwise(pl.lit("")),
        ),
    )
    emit(out, hit.filter(pl.col("timing") != "hygiene"), VMW10)
    emit(out, hit.filter(pl.col("timing") == "hygiene").with_columns(severity=pl.lit(int(Severity.LOW))), VMW10,
         effects=frozenset())
    add_pins(out, hit, VMW10.id)
    heartbeat = hit.filter(pl.col("heartbeat") & (pl.col("timing") != "hygiene")).group_by("host_key", "network").agg(
        members=pl.col("guest_key").unique(maintain_order=True), cause=pl.col("cause").first(),
    ).filter(pl.col("members").list.len() >= 2)
    add_colocations(out, heartbeat, VMW10.id)


def _partial_labels(out: RuleOutput, estate: Estate, g: pl.DataFrame, nics: pl.DataFrame) -> None:
    hosts = frame(estate, "hosts").filter(pl.col("cluster_key").is_not_null() & (pl.col("platform") == "vsphere")).select(
        "host_key", "cluster_key", "cluster")
    nets = frame(estate, "networks").select("host_key", "network").unique()
    if hosts.is_empty() or nets.is_empty():
        return
    size = hosts.group_by("cluster_key").agg(cluster_hosts=pl.len())
    reporting = hosts.join(nets.select("host_key").unique(), on="host_key", how="semi")
    carried = nets.join(reporting, on="host_key").group_by("cluster_key", "network").agg(
        with_label=pl.col("host_key").n_unique(), label_hosts=pl.col("host_key"))
    partial = carried.join(size, on="cluster_key").join(
        reporting.group_by("cluster_key").agg(reporting=pl.len()), on="cluster_key"
    ).filter((pl.col("with_label") < pl.col("cluster_hosts")) & (pl.col("reporting") == pl.col("cluster_hosts")))
    # The cluster of the NIC's host as vHost says, as for the hosts above (vInfo's own cluster key would not
    # match it when one tab lacks the Datacenter column the other has).
    hit = nics.filter(pl.col("switch_kind").is_not_null()).drop("cluster_key").join(hosts, on="host_key").join(
        partial, on=["cluster_key", "network"], how="inner")
    if hit.is_empty():
        return
    single = pl.col("with_label") == 1
    hit = hit.with_columns(
        timing=pl.col("tie"),
        cause=cause("network", pl.col("cluster_key"), "/", pl.col("network"), name=pl.col("network"),
                    where=pl.col("cluster")),
        severity=pl.when(single).then(pl.lit(int(Severity.HIGH))).otherwise(pl.lit(int(VMW11.severity))),
        evidence=pl.concat_str(
            pl.col("nic_facts"), pl.lit("; the name is carried by "), pl.col("with_label").cast(pl.String),
            pl.lit(" of the "), pl.col("cluster_hosts").cast(pl.String), pl.lit(" hosts of its cluster (vPort / dvSwitch)"),
            pl.when(single).then(pl.lit(": only its own host, so vMotion has no destination"))
            .otherwise(pl.lit(": maintenance can move it only within those hosts")),
            pl.lit("; "), _connection(pl.col("tie")),
        ),
    )
    active = hit.filter(pl.col("timing") != "hygiene")
    emit(out, active.filter(single), VMW11)
    emit(out, active.filter(~single).with_columns(targets=pl.col("label_hosts")), VMW11, effects=frozenset())
    add_pins(out, active.filter(single), VMW11.id)


def _uplinkless_distributed(out: RuleOutput, nics: pl.DataFrame) -> None:
    hit = nics.filter((pl.col("switch_kind") == "distributed") & pl.col("has_uplink").not_())
    if hit.is_empty():
        return
    hit = hit.with_columns(
        timing=pl.col("tie"),
        cause=cause("dvportgroup", pl.col("scope"), "/", pl.col("pg_switch"), "/", pl.col("network"),
                    name=pl.col("network"), where=pl.col("pg_switch")),
        severity=pl.when(pl.col("heartbeat")).then(pl.lit(int(Severity.HIGH))).otherwise(pl.lit(int(VMW12.severity))),
        evidence=pl.concat_str(
            pl.col("nic_facts"), pl.lit("; dvPort: '"), pl.col("network"), pl.lit("' on "), pl.col("pg_switch"),
            pl.lit(" has no Active Uplink and no Standby Uplink; "), _connection(pl.col("tie")),
        ),
    )
    emit(out, hit.filter(pl.col("timing") != "hygiene"), VMW12)
    emit(out, hit.filter(pl.col("timing") == "hygiene").with_columns(severity=pl.lit(int(Severity.LOW))), VMW12)
    together = hit.filter(pl.col("heartbeat") & (pl.col("timing") != "hygiene")).group_by("host_key", "network").agg(
        members=pl.col("guest_key").unique(maintain_order=True), cause=pl.col("cause").first(),
    ).filter(pl.col("members").list.len() >= 2)
    add_colocations(out, together, VMW12.id)


DETECTORS = (Detector((VMW10, VMW11, VMW12), detect),)

"""VMW-20 … VMW-25: placement settings that restrict or slow evacuation.

None of these pins a guest by itself as far as the export can show: Fault Tolerance, high
latency sensitivity and DRS rules restrict where and how guests move; clusters without DRS
automation or HA, standalone hosts and CPU generations without EVC multiply the manual
work of every maintenance. CPU affinity is not in RVTools (never assessed).
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from ..host_labels import cluster_labels
from .emit import cause, emit
from .evidence import at_row, located, names_text, value
from .records import Detector, Effect, HostEdge, Need, RuleContext, RuleInfo, RuleOutput, Severity
from .standalone import cluster_coverage
from .tables import frame, vsphere_guests

EVAC, SVM, BKP, HA = Effect.EVACUATION, Effect.STORAGE_MIGRATION, Effect.HOST_BACKUP, Effect.RESTART

VMW20 = RuleInfo(
    id="VMW-20", title="Fault Tolerance", severity=Severity.MEDIUM, effects=frozenset({SVM, BKP}),
    summary=(
        "Fault-tolerant guests move with vMotion (primary and secondary on different hosts) but not with Storage "
        "vMotion or snapshots; Update Manager does not remediate a host with FT guests unless FT is turned off."
    ),
    remediation="Let vLCM toggle FT during remediation; check whether FT is still needed (HA or application HA).",
    references=(("https://docs.vmware.com/it/VMware-vSphere/8.0/vsphere-availability/"
                "GUID-F5264795-11DA-4242-B774-8C3450997033.html"),),
    needs=(Need("vsphere", "vInfo", ("FT State",)),),
    detection="vInfo 'FT State' other than notConfigured (and 'FT Role' 1 primary / 2 secondary).",
)
VMW21 = RuleInfo(
    id="VMW-21", title="Latency sensitivity high", severity=Severity.LOW, effects=frozenset(),
    summary=(
        "Guests with latency sensitivity 'high' need full memory reservation and exclusive cores; DRS keeps them "
        "where they are unless necessary and evacuation can stall on a busy cluster."
    ),
    remediation="Reserve N+1 capacity for them, or lower the setting where the workload allows it.",
    references=("https://blogs.vmware.com/performance/2016/11/latency-sensitive-vms-and-drs.html",),
    needs=(Need("vsphere", "vInfo", ("Latency Sensitivity",)),),
    detection="vInfo 'Latency Sensitivity' = high.",
)
VMW22 = RuleInfo(
    id="VMW-22", title="CPU scheduling affinity", severity=Severity.MEDIUM, effects=frozenset({Effect.LIVE_MIGRATION}),
    summary="Manual CPU affinity is host-specific and older vMotion requirements treat it as a blocker.",
    remediation="Remove CPU affinity; use latency sensitivity or reservations instead.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere.resmgmt.doc/"
                "GUID-199F1ADD-3B9B-490C-8F0C-440B53577B3A.html"),),
    cannot_assess=("RVTools does not export CPU affinity, so no RVTools export shows it: check the guests' "
                   "scheduling affinity by hand in vCenter (Config.CpuAffinity)"),
    detection="Not visible in RVTools.",
)
VMW23 = RuleInfo(
    id="VMW-23", title="DRS rule membership", severity=Severity.MEDIUM, effects=frozenset({EVAC}),
    summary=(
        "DRS never breaks a required ('must run on') VM-Host rule: with a host group of one host the guest cannot "
        "be evacuated nor restarted elsewhere. RVTools shows rule membership but neither the rule type (must / "
        "should) nor the host group, so membership is reported for checking, not as a tie."
    ),
    remediation="Turn 'must' rules into 'should' rules where licensing allows, and keep host groups at N+1 hosts.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-resource-management/"
                "GUID-793013E2-0976-43B7-9A00-340FA76859D0.html"),),
    needs=(Need("vsphere", "vInfo", ("Cluster rule(s)", "Cluster rule name(s)")),),
    limits="must / should and the host group of each rule are not in RVTools",
    detection="vInfo 'Cluster rule(s)' / 'Cluster rule name(s)' not empty; VM-Host rules rank above VM-VM rules.",
)
VMW24 = RuleInfo(
    id="VMW-24", title="Cluster without DRS automation or HA, standalone host", severity=Severity.MEDIUM,
    effects=frozenset({EVAC, HA}),
    summary=(
        "With DRS off, maintenance mode waits for someone to move every guest by hand; with DRS partially automated "
        "or manual, until someone applies DRS's migration recommendations, so patching cannot run unattended; without HA "
        "nothing restarts after a host failure, so every running guest of a failed host stays down until it is "
        "repaired; a standalone host can only be emptied by hand."
    ),
    remediation=("Set DRS to fully automated and enable HA where they are not (each finding says which); put "
                 "standalone hosts into a cluster; a cluster of one host needs a second host first."),
    references=(("https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere-lifecycle-manager.doc/"
                "GUID-3076D522-483D-4EDE-A024-F64400AD621D.html"),),
    needs=(Need("vsphere", "vCluster", ("Name", "HA enabled", "DRS enabled", "DRS default VM behavior")),
           Need("vsphere", "vHost", ("Cluster",)),
           Need("vsphere", "vInfo", ("Host",), "the host each guest runs on")),
    detection=(
        "vCluster 'DRS enabled' = False or 'DRS default VM behavior' other than fullyAutomated, 'HA enabled' = "
        "False; vHost rows with an empty 'Cluster'. Where vHost cannot tell (rows without names, 'Cluster' blank), "
        "a host none of whose guests names a vInfo 'Cluster' is standalone only when vCluster's 'NumHosts' add up "
        "to exactly the hosts vInfo shows in clusters; otherwise its cluster is unknown and it is not reported. "
        "Without the clusters' names in vCluster, the standalone hosts are still assessed (partly assessed)."
    ),
)
VMW25 = RuleInfo(
    id="VMW-25", title="CPU generations mixed without EVC", severity=Severity.MEDIUM, effects=frozenset({EVAC}),
    summary=(
        "Guests started on a newer CPU generation cannot move to an older one: without EVC, the newer hosts of a "
        "mixed cluster can only be emptied onto their own generation."
    ),
    remediation="Enable EVC at the oldest generation's baseline (guests pick it up at their next power cycle).",
    references=(("https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere.resmgmt.doc/"
                "GUID-70CE9CC1-EE40-4398-9E8D-2F0828EF63D5.html"),),
    needs=(Need("vsphere", "vHost", ("CPU Model", "Current EVC", "Max EVC")),),
    detection="Per vHost 'Cluster': more than one 'Max EVC' (else 'CPU Model') and an empty 'Current EVC'.",
)


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    g = vsphere_guests(estate).with_columns(**at_row("vInfo"))
    ft = g.filter(pl.col("ft_state").is_not_null() & (pl.col("ft_state").str.to_lowercase() != "notconfigured"))
    emit(out, ft.with_columns(evidence=pl.concat_str(
        located(), pl.lit(": "), value("FT State", "ft_state"),
        pl.lit(", "), value("FT Role", "ft_role"))), VMW20)
    latency = g.filter(pl.col("latency_sensitivity").fill_null("").str.to_lowercase() == "high")
    emit(out, latency.with_columns(evidence=pl.concat_str(
        located(), pl.lit(": Latency Sensitivity = high"))), VMW21)
    rules = g.filter(pl.col("cluster_rules").is_not_null() | pl.col("cluster_rule_names").is_not_null())
    host_rule = pl.col("cluster_rules").fill_null("").str.contains(r"(?i)host")
    emit(out, rules.with_columns(
        severity=pl.when(host_rule).then(pl.lit(int(VMW23.severity))).otherwise(pl.lit(int(Severity.LOW))),
        evidence=pl.concat_str(
            located(), pl.lit(": "), value("Cluster rule(s)", "cluster_rules"),
            pl.lit(", "), value("Cluster rule name(s)", "cluster_rule_names"),
            pl.lit("; whether a rule is 'must run on' and how many hosts its group holds is not in the export")),
    ), VMW23)
    _clusters(out, estate)
    _evc(out, estate)
    return out


def _clusters(out: RuleOutput, estate: Estate) -> None:
    if all(c.status == "not-assessed" for c in cluster_coverage(VMW24, estate)):
        # cluster names or the hosts' clusters unknown: a host without a known cluster is not known to be
        # standalone, and HA settings belong to no known cluster, so nothing can be concluded
        return
    clusters = frame(estate, "clusters").filter(pl.col("platform") == "vsphere")
    problems: list[tuple[pl.Expr, pl.Expr]] = [
        (pl.col("drs_enabled").not_(), pl.lit("DRS enabled = False")),
        (pl.col("drs_enabled") & pl.col("drs_behavior").is_not_null() & (pl.col("drs_behavior") != "fullyAutomated"),
         pl.concat_str(pl.lit("DRS default VM behavior = "), pl.col("drs_behavior"))),
        (pl.col("ha_enabled").not_(), pl.lit("HA enabled = False")),
    ]
    facts = pl.concat_str([pl.when(cond).then(text) for cond, text in problems], separator=", ", ignore_nulls=True)
    hit = clusters.with_columns(facts=facts).filter(pl.col("facts") != "")
    drs_off = pl.col("drs_enabled").not_().fill_null(False) | (
        pl.col("drs_enabled").fill_null(False) & pl.col("drs_behavior").is_not_null()
        & (pl.col("drs_behavior") != "fullyAutomated"))
    ha_off = pl.col("ha_enabled").not_().fill_null(False)
    hit = _counted(hit, estate)
    single = pl.col("hosts_n") == 1
    hosts_text = pl.concat_str(pl.lit(" its "), pl.col("host_count").cast(pl.String).fill_null("?"), pl.lit(" host(s)"))
    waits = pl.when(pl.col("drs_enabled").fill_null(True)).then(
        pl.lit(" waits until someone applies DRS's migration recommendations")).otherwise(pl.lit(" needs guests moved by hand"))
    effects = pl.when(single.fill_null(False)).then(pl.lit(
        "its only host has no other host to move or restart guests on")).otherwise(pl.concat_str([
            pl.when(drs_off).then(pl.concat_str(pl.lit("maintenance of"), hosts_text, waits)),
            pl.when(ha_off).then(pl.concat_str(pl.lit("if one of"), hosts_text,
                                               pl.lit(" fails, its running guests are not restarted elsewhere"))),
        ], separator="; ", ignore_nulls=True))
    emit(out, _named(hit, estate).with_columns(timing=pl.lit("now"), remediation=_remedy(drs_off, ha_off, single),
                                               evidence=pl.concat_str(pl.lit("vCluster "), pl.col("named"), pl.lit(": "),
                                                                      pl.col("facts"), pl.lit("; "), effects)), VMW24)
    hosts = frame(estate, "hosts").filter((pl.col("platform") == "vsphere") & pl.col("cluster_key").is_null()
                                          & ~pl.col("cluster_unknown").fill_null(False))
    emit(out, hosts.with_columns(
        timing=pl.lit("now"), remediation=pl.lit("Put the host into a cluster with DRS fully automated and HA."),
        evidence=pl.concat_str(pl.lit("host '"), pl.col("name"),
                               pl.lit("': no cluster in vHost / vInfo (standalone host): no DRS, no HA"))), VMW24)
    off = sorted(hit.filter(ha_off)["cluster_key"].drop_nulls().to_list())
    without_ha = frame(estate, "hosts").filter((pl.col("platform") == "vsphere") & (
        (pl.col("cluster_key").is_null() & ~pl.col("cluster_unknown").fill_null(False))
        | pl.col("cluster_key").is_in(off)))
    _strand_without_ha(out, estate, without_ha["host_key"].drop_nulls().to_list())


def _counted(clusters: pl.DataFrame, estate: Estate) -> pl.DataFrame:
    """``hosts_n``: the cluster's hosts in vHost, else the vCluster row's own count (null when neither is known)."""
    counts = frame(estate, "hosts").filter(pl.col("cluster_key").is_not_null()).group_by("cluster_key").agg(
        seen=pl.len().cast(pl.Int64))
    return clusters.join(counts, on="cluster_key", how="left").with_columns(
        hosts_n=pl.coalesce(pl.col("seen"), pl.col("host_count").cast(pl.Int64, strict=False))).drop("seen")


def _remedy(drs_off: pl.Expr, ha_off: pl.Expr, single: pl.Expr) -> pl.Expr:
    """Only what is missing: DRS, HA or both; a cluster of one host first needs a second host for either to act."""
    wanted = pl.concat_str([pl.when(drs_off).then(pl.lit("set DRS to fully automated")),
                            pl.when(ha_off).then(pl.lit("enable HA"))], separator=" and ", ignore_nulls=True)
    alone = pl.concat_str(pl.lit("Accept, or add a second host (and shared storage): with one host, DRS and HA have no "
                                 "other host to move or restart guests on; then "), wanted, pl.lit("."))
    return pl.when(single.fill_null(False)).then(alone).otherwise(
        pl.concat_str(wanted.str.slice(0, 1).str.to_uppercase(), wanted.str.slice(1), pl.lit(".")))


def _strand_without_ha(out: RuleOutput, estate: Estate, hosts: list[str]) -> None:
    """Without HA (HA off on the cluster, or a standalone host) a failed host's guests restart nowhere."""
    guests = vsphere_guests(estate).filter(pl.col("host_key").is_in(hosts))
    for guest, host in guests.select("guest_key", "host_key").unique(maintain_order=True).iter_rows():
        out.strands.append(HostEdge(guest, host, VMW24.id))


def _named(clusters: pl.DataFrame, estate: Estate) -> pl.DataFrame:
    """Each cluster's ``label`` ('Common in BBT' where two datacenters have a 'Common'), ``named`` as evidence
    quotes it ("'Common' (Common in BBT)", just "'Prod'" where the name is unique) and its ``cause``: the cluster
    whose settings are to fix."""
    labels = cluster_labels(estate)
    label = pl.col("cluster_key").replace_strict(labels, default=pl.col("name"), return_dtype=pl.String)
    return clusters.with_columns(label=pl.coalesce(label, pl.col("name"))).with_columns(
        named=pl.concat_str(pl.lit("'"), pl.col("name"), pl.lit("'"), pl.when(pl.col("label") != pl.col("name"))
                            .then(pl.concat_str(pl.lit(" ("), pl.col("label"), pl.lit(")"))).otherwise(pl.lit(""))),
        cause=cause("cluster", pl.col("cluster_key"), name=pl.col("label")))


def _evc(out: RuleOutput, estate: Estate) -> None:
    hosts = frame(estate, "hosts").filter(pl.col("cluster_key").is_not_null() & (pl.col("platform") == "vsphere"))
    if hosts.is_empty():
        return
    per = hosts.with_columns(generation=pl.coalesce("evc_max", "cpu_model")).group_by("cluster_key").agg(
        name=pl.col("cluster").first(), generations=pl.col("generation").drop_nulls().n_unique(),
        names=names_text("generation", 4), evc=pl.col("evc_current").drop_nulls().n_unique(),
    ).filter((pl.col("generations") > 1) & (pl.col("evc") == 0))
    emit(out, _named(per, estate).with_columns(timing=pl.lit("now"), evidence=pl.concat_str(
        pl.lit("vHost, cluster "), pl.col("named"), pl.lit(": "), pl.col("generations").cast(pl.String),
        pl.lit(" CPU generations (Max EVC / CPU Model: "), pl.col("names"), pl.lit(") and Current EVC empty"))), VMW25)


DETECTORS = (Detector((VMW20, VMW21, VMW22, VMW23, VMW24, VMW25), detect),)

"""Facts checked by hand on the real exports in ../shared/real-exports (skipped when absent)."""

from __future__ import annotations

from functools import cache

import pytest

from reportgen.analysis import Analysis, analyze
from reportgen.importers import load_estate
from reportgen.rules import Finding, Severity
from tests.conftest import real_export

pytestmark = pytest.mark.real


@cache
def audit(name: str) -> Analysis:
    return analyze(load_estate([real_export(name)]))


def named(analysis: Analysis, rule: str) -> list[tuple[str, Finding]]:
    return [(analysis.guest_names.get(f.guest_key or "", ""), f) for f in analysis.findings if f.rule == rule]


def host(analysis: Analysis, name: str):  # type: ignore[no-untyped-def]
    return next(h for h in analysis.hosts if h.name == name)


def test_bcspa1_one_sql_cluster_in_a_box_gated_by_esxi_5_5() -> None:
    a = audit("abeggi-bcspa1-4.7.1.xlsx")
    proven = [c for c in a.guest_clusters if not c.suspected]
    assert len(proven) == 1
    cluster = proven[0]
    assert sorted(g.name for g in cluster.guests) == ["Banchero8sql01", "Banchero8sql02"]
    assert cluster.topology == "in-a-box" and cluster.hosts == ("192.168.1.40",)
    vmw02 = named(a, "VMW-02")
    assert sorted(n for n, _ in vmw02) == ["Banchero8sql01", "Banchero8sql02"]
    for _, f in vmw02:
        assert f.evidence.startswith("vDisk rows ") and f.evidence.count(",", 0, f.evidence.index(":")) == 2
        assert "Shared Bus = physicalSharing on SCSI controller 1" in f.evidence
        assert "Raw Comp. Mode = physicalMode" in f.evidence
        assert "ESXi 5.5" in f.evidence and f.severity == Severity.CRITICAL
        assert f.timing == "next-power-on"  # both are powered off
    gen01 = dict(named(a, "GEN-01"))
    assert "3 shared disk(s)" in gen01["Banchero8sql02"].evidence
    box = host(a, "192.168.1.40")
    assert {"Banchero8sql01", "Banchero8sql02"} <= {g.name for g in box.blockers_at_power_on}
    assert not {"Banchero8sql01", "Banchero8sql02"} & {g.name for g in box.blockers}


def test_farm_lonati_isolate_pins_only_the_connected_nic_of_grppurview() -> None:
    a = audit("abeggi-farm-lonati-4.7.1.xlsx")
    isolate = [(n, f) for n, f in named(a, "VMW-10") if "Network = Isolate" in f.evidence]
    assert len(isolate) == 13
    now = [(n, a.host_names[f.host_key or ""]) for n, f in isolate if f.timing == "now"]
    assert now == [("GRPPURVIEW", "172.26.20.85")]
    later = {n for n, f in isolate if f.timing == "next-power-on"}
    assert later == {"FortiAuthenticator-VM (non accendere)", "FortiManager-VM (non accendere)"}
    hygiene = {n for n, f in isolate if f.timing == "hygiene"}
    assert hygiene == {"FortiAnalyzer-VM", "GRPEPOTEMP_ISOLATO", "GRPNGINX - VLAN2410 - 2768", "Win2016-std-Gen23"}
    pinned_today = {(g.name, h.name) for h in a.hosts for g in h.blockers if "VMW-10" in g.rules}
    assert pinned_today == {("GRPPURVIEW", "172.26.20.85")}
    at_power_on = {g.name for g in host(a, "172.26.20.85").blockers_at_power_on}
    assert later | {"GRPPURVIEW"} <= at_power_on and "Win2016-std-Gen23" not in at_power_on


def test_bm900086_nine_running_guests_on_single_host_datastores() -> None:
    a = audit("bm900086-sample-4.6.1.xlsx")
    local = named(a, "VMW-13")
    now = {n for n, f in local if f.timing == "now"}
    assert now == {"PAN-VM-100-AH", "RBK-Legacy", "beetok", "dale", "dayton-rubrik", "hummingb", "imperial2",
                   "lb-corpAH-vm", "palepilsen"}
    assert {n for n, f in local if f.timing == "next-power-on"} == {"imperial2-deleteby-20250310"}
    templates = {n for n, f in local if f.timing == "hygiene"}
    assert len(templates) == 3
    pinned = {g.name for h in a.hosts for g in h.blockers if "VMW-13" in g.rules}
    assert pinned == now
    stranded = {g.name for h in a.hosts for g in h.stranded if "VMW-13" in g.rules}
    assert stranded == now
    # HA is off on six clusters (ten hosts): their running guests would not restart after a host failure, but for
    # seven vCLS agents, which vSphere redeploys itself (82 running VMs there, 75 guests).
    no_ha = {g.key for h in a.hosts for g in h.stranded if "VMW-24" in g.rules}
    assert len(no_ha) == 75 and sum(1 for h in a.hosts if any("VMW-24" in g.rules for g in h.stranded)) == 10
    assert not [g.name for h in a.hosts for g in (*h.stranded, *h.blockers) if g.name.startswith("vCLS")]
    at_power_on = {g.name for h in a.hosts for g in h.blockers_at_power_on}
    assert "imperial2-deleteby-20250310" in at_power_on and not templates & at_power_on
    # Direct Path IO = True on its vmxnet3 NICs is the UPT flag: no passthrough or SR-IOV finding.
    assert named(a, "VMW-14") == [] and named(a, "VMW-15") == []


def test_ovh_local_vswitch_carries_no_guest_and_pins_nobody() -> None:
    a = audit("abeggi-ovh-4.4.3.xlsx")
    assert named(a, "VMW-10") == []
    assert all(h.evacuable for h in a.hosts)
    uplinkless = a.estate.table("networks").to_pylist()
    assert {r["switch"] for r in uplinkless if r["has_uplink"] is False} == {"Local vSwitch"}


def test_legacy_3x_export_says_what_could_not_be_assessed() -> None:
    a = audit("licenseware-3.x.xlsx")
    not_assessed = {c.rule: c.reason for c in a.coverage if c.status == "not-assessed"}
    assert not_assessed["GEN-01"].startswith("tab vDisk is missing")
    assert "tab vNetwork is missing" in not_assessed["VMW-10"]
    # 34 guests of this edited export have no Host: named, and the checks that need each guest's host say so.
    assert not_assessed["GEN-02"].startswith("vInfo column 'Host' has values reportgen cannot read")
    unplaced = [i for i in a.estate.issues if i.column == "Host" and "have no 'Host'" in i.message]
    assert len(unplaced) == 1 and unplaced[0].rows == 34
    assert not_assessed["VMW-13"].startswith("tab vDatastore is missing")
    assert named(a, "GEN-01") == [] and named(a, "VMW-13") == []
    # every vHost row is skipped (no host name): CPU model, EVC and ESXi version were never read
    for rule in ("VMW-25", "GEN-03"):
        assert "all 43 vHost rows were skipped" in not_assessed[rule]
    # cluster names blanked, vHost unusable: the 22 hosts none of whose guests names a cluster are standalone, since
    # vCluster's NumHosts add up to the 21 hosts vInfo shows in clusters: reported, and the check partly assessed.
    # The 6 nameless rows with hosts all read HA and DRS on, fully automated: those are the 6 clusters' settings.
    vmw24 = [c for c in a.coverage if c.rule == "VMW-24"]
    assert [c.status for c in vmw24] == ["assessed"]
    assert vmw24[0].missing[0].startswith("DRS and HA settings of the clusters read from vCluster rows without names, "
                                          "which agree and whose host counts match the clusters' (vCluster column 'Name'")
    settings = {(c["ha_enabled"], c["drs_enabled"], c["drs_behavior"]) for c in a.estate.table("clusters").to_pylist()}
    assert a.estate.table("clusters").num_rows == 6 and settings == {(True, True, "fullyAutomated")}
    standalone = [f for f in a.findings if f.rule == "VMW-24"]
    assert len(standalone) == 22 and all("(standalone host)" in f.evidence for f in standalone)
    assert not a.estate.hosts.column("cluster_unknown").to_pylist().count(True)

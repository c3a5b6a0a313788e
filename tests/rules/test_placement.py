"""VMW-20 … VMW-25: FT, latency sensitivity, DRS rules, cluster automation, EVC."""

from __future__ import annotations

from typing import Any

from reportgen.estate import Estate
from reportgen.rules import Severity

from .canonical import UUID, guest, host, make, of, run


def test_fault_tolerance_and_high_latency_sensitivity_are_reported_without_pins() -> None:
    guests = [guest("ft", "vm-1", "esx01", ft_state="running", ft_role="1"),
              guest("rt", "vm-2", "esx01", latency_sensitivity="high"), guest("plain", "vm-3", "esx01")]
    out = run(make([host("esx01"), host("esx02")], guests))
    assert [f.guest_key.split("/")[1] for f in of(out, "VMW-20")] == ["vm-1"]
    assert "FT State = running" in of(out, "VMW-20")[0].evidence
    assert [f.guest_key.split("/")[1] for f in of(out, "VMW-21")] == ["vm-2"]
    assert out.pins == []


def test_drs_rule_membership_ranks_vm_host_rules_higher() -> None:
    guests = [guest("a", "vm-1", "esx01", cluster_rules="ClusterVmHostRuleInfo", cluster_rule_names="sql-on-A"),
              guest("b", "vm-2", "esx01", cluster_rules="Affinity", cluster_rule_names="app-pair"),
              guest("c", "vm-3", "esx01")]
    out = run(make([host("esx01"), host("esx02")], guests))
    severity = {f.guest_key.split("/")[1]: f.severity for f in of(out, "VMW-23")}
    assert severity == {"vm-1": Severity.MEDIUM, "vm-2": Severity.LOW}
    assert "must run on" in of(out, "VMW-23")[0].evidence and out.pins == []


def test_clusters_without_automation_and_standalone_hosts() -> None:
    hosts = [host("esx01"), host("esx02"), host("lonely", cluster=None)]
    clusters = [{"cluster_key": f"{UUID}/DC1/Prod", "name": "Prod", "platform": "vsphere", "ha_enabled": False,
                 "drs_enabled": True, "drs_behavior": "manual", "host_count": 2, "source_id": 0}]
    out = run(make(hosts, [guest("a", "vm-1", "esx01")], clusters=clusters))
    evidence = sorted(f.evidence for f in of(out, "VMW-24"))
    assert evidence[0].startswith("host 'lonely'")
    assert "DRS default VM behavior = manual, HA enabled = False" in evidence[1]
    fine = run(make([host("esx01"), host("esx02")], [guest("a", "vm-1", "esx01")]))
    assert of(fine, "VMW-24") == []


def test_cpu_generations_without_evc() -> None:
    mixed = [host("esx01"), host("esx02", evc_max="intel-icelake")]
    assert "2 CPU generations" in of(run(make(mixed, [guest("a", "vm-1", "esx01")])), "VMW-25")[0].evidence
    with_evc = [host("esx01", evc_current="intel-cascadelake"), host("esx02", evc_max="intel-icelake")]
    assert of(run(make(with_evc, [guest("a", "vm-1", "esx01")])), "VMW-25") == []
    same = [host("esx01"), host("esx02")]
    assert of(run(make(same, [guest("a", "vm-1", "esx01")])), "VMW-25") == []


def test_ha_off_strands_running_guests_and_its_evidence_says_so() -> None:
    clusters = [{"cluster_key": f"{UUID}/DC1/Prod", "name": "Prod", "platform": "vsphere", "ha_enabled": False,
                 "drs_enabled": True, "drs_behavior": "fullyAutomated", "host_count": 2, "source_id": 0}]
    out = run(make([host("esx01"), host("esx02")], [guest("a", "vm-1", "esx01")], clusters=clusters))
    [finding] = of(out, "VMW-24")
    assert "fails, its running guests are not restarted elsewhere" in finding.evidence
    assert "moved by hand" not in finding.evidence  # DRS is fully automated here
    assert [(s.guest.split("/")[1], s.host.split("/")[1]) for s in out.strands] == [("vm-1", "esx01")]



def _commons(*evc: str, **second: Any) -> Estate:
    """Two clusters named 'Common', of datacenters BBT and ZRH; the one of ZRH takes the settings ``second`` and has a
    host of each Max EVC of ``evc`` (one host of cascadelake without)."""
    base = {"platform": "vsphere", "ha_enabled": True, "drs_enabled": True, "drs_behavior": "fullyAutomated",
            "host_count": 1, "source_id": 0, "name": "Common"}
    clusters = [{**base, "cluster_key": f"{UUID}/{dc}/Common", "datacenter": dc, **(second if dc == "ZRH" else {})}
                for dc in ("BBT", "ZRH")]
    hosts = [host("esx01", cluster="Common", cluster_key=f"{UUID}/BBT/Common", datacenter="BBT")]
    hosts += [host(f"esx1{i}", cluster="Common", cluster_key=f"{UUID}/ZRH/Common", datacenter="ZRH",
                   **({"evc_max": e} if e else {})) for i, e in enumerate(evc or ("",))]
    return make(hosts, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx10")], clusters=clusters)


def test_cluster_settings_of_a_same_named_cluster_name_it_by_its_datacenter() -> None:
    """Before: "vCluster 'Common': DRS enabled = False" did not say which of the two 'Common' clusters it was."""
    [finding] = of(run(_commons(drs_enabled=False)), "VMW-24")
    assert finding.evidence.startswith("vCluster 'Common' (Common in ZRH): DRS enabled = False; its only host ")
    assert finding.cause is not None and finding.cause.kind == "cluster" and finding.cause.name == "Common in ZRH"
    assert finding.cause.identity == f"{UUID}/ZRH/Common"


def test_evc_finding_names_its_cluster_as_exported_or_by_its_datacenter_when_the_name_is_shared() -> None:
    unique = make([host("esx01"), host("esx02", evc_max="intel-icelake")], [guest("a", "vm-1", "esx01")])
    [finding] = of(run(unique), "VMW-25")
    assert finding.evidence.startswith("vHost, cluster 'Prod': 2 CPU generations")
    assert finding.cause is not None and finding.cause.name == "Prod"
    [finding] = of(run(_commons("", "intel-icelake")), "VMW-25")
    assert finding.evidence.startswith("vHost, cluster 'Common' (Common in ZRH): 2 CPU generations")
    assert finding.cause is not None and finding.cause.name == "Common in ZRH"


def _cluster_row(name: str, hosts: int, **settings: Any) -> dict[str, Any]:
    return {"cluster_key": f"{UUID}/DC1/{name}", "name": name, "platform": "vsphere", "ha_enabled": True,
            "drs_enabled": True, "drs_behavior": "fullyAutomated", "host_count": hosts, "source_id": 0, **settings}


def test_each_cluster_finding_asks_only_for_what_is_missing() -> None:
    """Before: every VMW-24 finding read 'Enable DRS in fully automated mode and HA; put standalone hosts into a
    cluster', also where HA or DRS was on, or the cluster had one host (the JSON and XLSX admins work from)."""
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge"), host("esx04", cluster="Ha"),
             host("esx05", cluster="Ha"), host("lonely", cluster=None)]
    clusters = [_cluster_row("Prod", 2, drs_behavior="partiallyAutomated"), _cluster_row("Ha", 2, ha_enabled=False),
                _cluster_row("Edge", 1, drs_enabled=False, ha_enabled=False)]
    out = run(make(hosts, [guest("a", "vm-1", "esx01")], clusters=clusters))
    said = {f.evidence.split(":")[0]: f.remediation for f in of(out, "VMW-24")}
    assert said["vCluster 'Prod'"] == "Set DRS to fully automated."
    assert said["vCluster 'Ha'"] == "Enable HA."
    assert said["vCluster 'Edge'"] == (
        "Accept, or add a second host (and shared storage): with one host, DRS and HA have no other host to move or "
        "restart guests on; then set DRS to fully automated and enable HA.")
    assert said["host 'lonely'"] == "Put the host into a cluster with DRS fully automated and HA."
    evidence = {f.evidence.split(":")[0]: f.evidence for f in of(out, "VMW-24")}
    assert "maintenance of its 2 host(s) waits until someone applies DRS's migration recommendations" in evidence[
        "vCluster 'Prod'"]
    assert evidence["vCluster 'Edge'"].endswith("its only host has no other host to move or restart guests on")

"""HYV-05 … HYV-07, HYV-09, HYV-13 … HYV-15: network and placement ties, each with a positive and
a negative estate built from rows in the Hyper-V property layout."""

from __future__ import annotations

from pathlib import Path

from reportgen.analysis import analyze
from reportgen.rules import Severity
from tests.rules.hyperv_lab import Lab, edges, findings, two_nodes, vm_id


def _heartbeat_pair(first: str, second: str) -> Lab:
    """Two nodes with a Private switch 'HB'; APP-1 and APP-2 on ``first`` use it."""
    lab = Lab()
    lab.node(first, switches={"Prod": "External", "HB": "Private"})
    lab.node(second, switches={"Prod": "External", "HB": "Private"})
    lab.vm("APP-1", first, switches=("Prod", "HB"))
    lab.vm("APP-2", first, switches=("Prod", "HB"))
    return lab


def test_private_switch_colocates_its_vms_and_pins_them(tmp_path: Path) -> None:
    lab = _heartbeat_pair("HVA", "HVB")
    lab.vm("OTHER", "HVB", switches=("Prod", "HB"))
    _, out = lab.run(tmp_path)
    assert edges(out.colocations, "HYV-05") == {(vm_id("APP-1"), vm_id("APP-2"))}
    assert edges(out.pins, "HYV-05") == {(vm_id("APP-1"), "hyperv/HVA"), (vm_id("APP-2"), "hyperv/HVA"),
                                         (vm_id("OTHER"), "hyperv/HVB")}
    assert (vm_id("APP-1"), vm_id("APP-2")) in out.suspected
    found = findings(out, "HYV-05")
    assert found[vm_id("APP-1")].severity == Severity.CRITICAL and "also used by APP-2" in found[vm_id("APP-1")].evidence
    assert found[vm_id("OTHER")].severity == Severity.HIGH and "no other VM uses it" in found[vm_id("OTHER")].evidence


def test_external_switch_ties_nothing(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("WEB1", "HVA")
    lab.vm("WEB2", "HVB")
    _, out = lab.run(tmp_path)
    assert not out.pins and not out.colocations and not out.findings


def test_internal_switch_pins(tmp_path: Path) -> None:
    lab = Lab()
    lab.node("HVA", switches={"Prod": "External", "Lic": "Internal"})
    lab.node("HVB")
    lab.vm("LIC", "HVA", switches=("Prod", "Lic"))
    lab.vm("WEB", "HVA")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-06") == {(vm_id("LIC"), "hyperv/HVA")}
    assert "SwitchType = Internal" in findings(out, "HYV-06")[vm_id("LIC")].evidence
    assert not out.colocations


def test_disconnected_adapter_ties_nothing(tmp_path: Path) -> None:
    lab = Lab()
    lab.node("HVA", switches={"Prod": "External", "HB": "Private"})
    lab.vm("APP", "HVA", switches=("Prod",))
    lab.nic("APP", None)
    _, out = lab.run(tmp_path)
    assert not out.pins


def test_switch_missing_on_some_nodes(tmp_path: Path) -> None:
    lab = Lab()
    lab.node("HVA", switches={"Prod": "External", "Backup": "External", "DMZ": "External"})
    lab.node("HVB", switches={"Prod": "External", "Backup": "External"})
    lab.node("HVC", switches={"Prod": "External"})
    lab.vm("BACKUP", "HVA", switches=("Prod", "Backup"))
    lab.vm("DMZ", "HVA", switches=("Prod", "DMZ"))
    lab.vm("WEB", "HVB")
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-07")
    assert set(found) == {vm_id("BACKUP"), vm_id("DMZ")}
    assert "missing on HVC" in found[vm_id("BACKUP")].evidence and found[vm_id("BACKUP")].severity == Severity.MEDIUM
    assert found[vm_id("DMZ")].severity == Severity.HIGH
    assert edges(out.pins, "HYV-07") == {(vm_id("DMZ"), "hyperv/HVA")}
    # where each can still go: BACKUP to HVB only; DMZ is pinned, so it has no target list
    assert found[vm_id("BACKUP")].targets == ("hyperv/HVB",) and found[vm_id("DMZ")].targets is None


def test_node_without_switch_data_is_not_counted_as_missing(tmp_path: Path) -> None:
    lab = Lab()
    lab.node("HVA", switches={"Prod": "External", "Backup": "External"})
    lab.node("HVB", switches={})  # not reached: no Get-VMSwitch rows
    lab.vm("BACKUP", "HVA", switches=("Backup",))
    _, out = lab.run(tmp_path)
    assert not findings(out, "HYV-07")


def test_non_clustered_vm_on_a_cluster_node(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("LONE", "HVA", clustered=False)
    lab.vm("HA", "HVB")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-09") == {(vm_id("LONE"), "hyperv/HVA")}
    assert edges(out.strands, "HYV-09") == {(vm_id("LONE"), "hyperv/HVA")}
    assert "IsClustered = False on HVA, a node of cluster CL1" in findings(out, "HYV-09")[vm_id("LONE")].evidence


def test_standalone_host_is_not_a_cluster_node_but_unknown_without_cluster_data(tmp_path: Path) -> None:
    lab = Lab(cluster=None)
    lab.node("HVS")
    lab.vm("LONE", "HVS", clustered=False)
    _, out = lab.run(tmp_path)
    assert not findings(out, "HYV-09")
    coverage = next(c for c in out.coverage if c.rule == "HYV-09")
    assert coverage.status == "not-assessed" and "Get-ClusterNode" in coverage.reason


def test_processor_compatibility_off_with_different_cpus(tmp_path: Path) -> None:
    lab = Lab()
    lab.node("HVA")
    lab.node("HVB")
    lab.node("HVC", cpu="Intel(R) Xeon(R) Gold 6542Y")
    lab.vm("OLD-A", "HVA", compat=False)
    lab.vm("OLD-C", "HVC", compat=False)
    lab.vm("NEW-A", "HVA", compat=True)
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-13")
    assert set(found) == {vm_id("OLD-A"), vm_id("OLD-C")}
    assert "can move only to HVB" in found[vm_id("OLD-A")].evidence
    assert edges(out.pins, "HYV-13") == {(vm_id("OLD-C"), "hyperv/HVC")}
    assert found[vm_id("OLD-A")].targets == ("hyperv/HVB",) and found[vm_id("OLD-C")].targets is None


def test_processor_compatibility_off_with_one_cpu_model(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("OLD", "HVA", compat=False)
    _, out = lab.run(tmp_path)
    assert not findings(out, "HYV-13")


def test_configuration_version_above_other_nodes(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.node("HVC", build="26100", versions=("10.0", "11.0", "12.0"))
    lab.vm("NEW", "HVC", version="12.0")
    lab.vm("CURRENT", "HVC", version="10.0")
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-14")
    assert set(found) == {vm_id("NEW")}
    assert "HVA (up to 10.0)" in found[vm_id("NEW")].evidence and found[vm_id("NEW")].severity == Severity.HIGH
    assert edges(out.pins, "HYV-14") == {(vm_id("NEW"), "hyperv/HVC")}
    # the nodes are behind, not the guest: upgrade them (a project); NEW needs no change
    assert found[vm_id("NEW")].remediation == (
        "Upgrade HVA and HVB to a Windows Server release that runs configuration version 12.0, then run "
        "Update-ClusterFunctionalLevel (a project); NEW needs no change (a configuration version cannot be lowered).")


def test_a_configuration_version_some_other_nodes_run_leaves_those_as_targets(tmp_path: Path) -> None:
    lab = two_nodes()
    for node in ("HVC", "HVD"):
        lab.node(node, build="26100", versions=("10.0", "11.0", "12.0"))
    lab.vm("NEW", "HVC", version="12.0")
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-14")
    assert found[vm_id("NEW")].targets == ("hyperv/HVD",) and not edges(out.pins, "HYV-14")


def test_single_possible_owner_pins_and_strands(tmp_path: Path) -> None:
    lab = Lab()
    for node in ("HVA", "HVB", "HVC"):
        lab.node(node)
    lab.vm("ONE", "HVA", owners=["HVA"])
    lab.vm("TWO", "HVB", owners=["HVA", "HVB"])
    lab.vm("ALL", "HVC")
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-15")
    assert set(found) == {vm_id("ONE"), vm_id("TWO")}
    assert found[vm_id("ONE")].severity == Severity.CRITICAL and found[vm_id("TWO")].severity == Severity.MEDIUM
    assert edges(out.pins, "HYV-15") == {(vm_id("ONE"), "hyperv/HVA")}
    assert edges(out.strands, "HYV-15") == {(vm_id("ONE"), "hyperv/HVA")}
    assert "(1 of 3 nodes)" in found[vm_id("ONE")].evidence
    assert found[vm_id("TWO")].targets == ("hyperv/HVA",) and found[vm_id("ONE")].targets is None


def test_a_possible_owner_not_in_the_export_is_named_as_the_owner_list_writes_it(tmp_path: Path) -> None:
    lab = Lab()
    for node in ("HVA", "HVB", "HVC"):
        lab.node(node)
    lab.vm("TWO", "HVB", owners=["HVB", "hv-old/2"])  # hv-old/2: a node gone from the cluster
    _, out = lab.run(tmp_path)
    assert "possible owners of the VM resource = HVB, hv-old/2 (2 of 3 nodes)" in \
        findings(out, "HYV-15")[vm_id("TWO")].evidence


def test_powered_off_guest_is_tied_at_next_power_on(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("COLD", "HVA", state="Off", clustered=False)
    _, out = lab.run(tmp_path)
    assert findings(out, "HYV-09")[vm_id("COLD")].timing == "next-power-on"
    assert edges(out.pins, "HYV-09") == {(vm_id("COLD"), "hyperv/HVA")}


def test_a_private_switch_is_one_cause_whatever_the_host_is_called(tmp_path: Path) -> None:
    # The export names the hosts by DNS name in lower case; their keys are the upper-case computer names.
    lab = _heartbeat_pair("hva.corp.example", "hvb.corp.example")
    estate, out = lab.run(tmp_path)
    causes = {e.cause for e in (*out.pins, *out.colocations) if e.rule == "HYV-05"}
    assert len(causes) == 1, causes
    remedies = [r for r in analyze(estate).remedies_by_cause if r.kind == "switch"]
    assert [(r.label, r.hosts_freed) for r in remedies] == [("HB on hva.corp.example", ("hva.corp.example",))]


def test_a_cluster_is_named_as_the_export_names_it_not_as_its_key(tmp_path: Path) -> None:
    # The cluster's key is 'hyperv/' and its name in upper case; evidence and causes name it as written.
    lab = Lab(cluster="Prod/HV-Cl01")
    lab.node("HVA", switches={"Prod": "External", "DMZ": "External"})
    lab.node("HVB", switches={"Prod": "External"})
    lab.vm("DMZ", "HVA", switches=("Prod", "DMZ"))
    lab.vm("LONE", "HVB", clustered=False)
    estate, out = lab.run(tmp_path)
    assert "a node of cluster Prod/HV-Cl01 (Get-ClusterNode)" in findings(out, "HYV-09")[vm_id("LONE")].evidence
    [cause] = {e.cause for e in out.pins if e.rule == "HYV-07"}
    assert cause is not None and (cause.identity, cause.where) == ("Prod/HV-Cl01/DMZ", "Prod/HV-Cl01")
    remedies = [r for r in analyze(estate).remedies_by_cause if r.kind == "switch"]
    assert [r.label for r in remedies] == ["DMZ on Prod/HV-Cl01"]


def test_a_host_known_not_to_be_in_a_cluster_has_no_cluster_node_to_be_on(tmp_path: Path) -> None:
    """The collector says the host is not clustered: HYV-09 is assessed there, not 'could not run'."""
    import json
    lab = Lab(cluster=None)
    lab.node("HVS")
    lab.vm("LONE", "HVS", clustered=False)
    manifest = {"collector_version": "2.1.0", "format": 2, "complete": True, "clustered": False,
                "cluster": None, "status": [], "errors": []}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _, out = lab.run(tmp_path)
    assert not findings(out, "HYV-09")
    coverage = next(c for c in out.coverage if c.rule == "HYV-09")
    assert coverage.status == "assessed" and "Get-ClusterNode" not in coverage.reason

"""HYV-16's preferred owners, HYV-17 Replica copies and HYV-18 NUMA spanning, each with a positive
and a negative estate built from rows in the Hyper-V property layout."""

from __future__ import annotations

from pathlib import Path

from reportgen.rules import Severity
from tests.rules.hyperv_lab import GiB, Lab, copy_key, edges, findings, two_nodes, vm_id

SHARED = r"C:\ClusterStorage\Volume2\AG\data.vhdx"


def _coverage(out, rule: str) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(c.status, c.reason) for c in out.coverage if c.rule == rule]


def _replicas(lab: Lab, modes: dict[str, str]) -> None:
    for row in lab.objects["Get-VM"]:
        row["ReplicationMode"] = modes.get(str(row["Name"]), "None")


# -- HYV-16: preferred owners in the evidence ---------------------------------------------------------

def _guest_cluster(tmp_path: Path, preferred: tuple[str, str] | None):  # type: ignore[no-untyped-def]
    lab = two_nodes()
    for name, host in (("AG-N1", "HVA"), ("AG-N2", "HVB")):
        lab.vm(name, host)
        lab.disk(name, SHARED, shared=True)
        lab.add("Get-ClusterGroup", Cluster="CL1", Name=name, OwnerNode=host, State="Online",
                GroupType="VirtualMachine", Priority="2000", AntiAffinityClassNames="", Id=vm_id(name + "group"))
    for row, owners in zip(lab.objects["Get-ClusterOwnerNode"], preferred or (None, None)):
        if preferred is None:
            del row["PreferredOwners"]
        else:
            row["PreferredOwners"] = owners
    return lab.run(tmp_path)


def test_nodes_preferring_the_same_host_first_are_said_to_be_sent_there(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path, ("HVA; HVB", "HVA"))
    found = findings(out, "HYV-16")
    assert "preferred owners = HVA, HVB" in found[vm_id("AG-N1")].evidence
    assert "preferred owners = HVA;" in found[vm_id("AG-N2")].evidence
    assert all("every node lists HVA first among its preferred owners" in f.evidence for f in found.values())


def test_a_preferred_owner_not_in_the_export_is_named_as_the_owner_list_writes_it(tmp_path: Path) -> None:
    # hvz.corp/example is no node of the export: its name is the owner list's, not its key's upper-case tail
    _, out = _guest_cluster(tmp_path, ("hvz.corp/example; HVA", "hvz.corp/example"))
    found = findings(out, "HYV-16")
    assert "preferred owners = hvz.corp/example, HVA" in found[vm_id("AG-N1")].evidence
    assert all("every node lists hvz.corp/example first" in f.evidence for f in found.values())


def test_different_first_preferences_or_none_are_said_as_they_are(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path / "a", ("HVA", "HVB"))
    found = findings(out, "HYV-16")
    assert set(found) == {vm_id("AG-N1"), vm_id("AG-N2")}  # still not kept apart
    assert not any("every node lists" in f.evidence for f in found.values())
    _, out = _guest_cluster(tmp_path / "b", ("", ""))
    assert all("no preferred owners" in f.evidence for f in findings(out, "HYV-16").values())


def test_preferred_owners_missing_from_the_export_are_not_guessed(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path, None)
    found = findings(out, "HYV-16")
    assert all("preferred owners not in the export" in f.evidence for f in found.values())
    assert not any("every node lists" in f.evidence for f in found.values())


# -- HYV-17: Replica copies --------------------------------------------------------------------------

COPY = copy_key("COPY01", "HVA")


def _local_vms(modes: dict[str, str] | None) -> Lab:
    """Three VMs on a local drive of HVA (HYV-08 pins and strands each), with the given replication modes."""
    lab = two_nodes()
    for name in ("COPY01", "MAIN01", "PLAIN01"):
        lab.vm(name, "HVA", state="Off" if name == "COPY01" else "Running", folder=f"D:\\VMs\\{name}")
    if modes is not None:
        _replicas(lab, modes)
    return lab


def test_a_replica_copy_is_said_and_ties_no_host(tmp_path: Path) -> None:
    _, out = _local_vms({"COPY01": "Replica", "MAIN01": "Primary"}).run(tmp_path)
    copy = findings(out, "HYV-17")
    assert set(copy) == {COPY}  # the primary and the plain VM are guests like any other
    assert copy[COPY].severity == Severity.INFO and not copy[COPY].effects
    assert "ReplicationMode = Replica, State = Off on HVA" in copy[COPY].evidence
    local = findings(out, "HYV-08")
    assert set(local) == {COPY, vm_id("MAIN01"), vm_id("PLAIN01")}  # its tie is still reported
    assert "a Hyper-V Replica copy (ReplicationMode = Replica)" in local[COPY].evidence
    assert "Replica" not in local[vm_id("MAIN01")].evidence
    pinned = {g for g, _ in edges(out.pins, "HYV-08")}
    assert pinned == {vm_id("MAIN01"), vm_id("PLAIN01")}
    assert {g for g, _ in edges(out.strands, "HYV-08")} == {vm_id("MAIN01"), vm_id("PLAIN01")}
    assert [s for s, _ in _coverage(out, "HYV-17")] == ["assessed"]


def test_extended_replica_and_numbers_are_copies_too(tmp_path: Path) -> None:
    _, out = _local_vms({"COPY01": "ExtendedReplica", "MAIN01": "2"}).run(tmp_path)
    assert set(findings(out, "HYV-17")) == {COPY, copy_key("MAIN01", "HVA")}
    assert "ReplicationMode = ExtendedReplica" in findings(out, "HYV-17")[COPY].evidence


def test_without_replication_mode_copies_are_guests_and_the_rule_is_not_assessed(tmp_path: Path) -> None:
    _, out = _local_vms(None).run(tmp_path)
    assert not findings(out, "HYV-17")
    assert {g for g, _ in edges(out.pins, "HYV-08")} == {vm_id("COPY01"), vm_id("MAIN01"), vm_id("PLAIN01")}
    [(status, reason)] = _coverage(out, "HYV-17")
    assert status == "not-assessed" and "ReplicationMode" in reason


# -- HYV-18: NUMA spanning -----------------------------------------------------------------------------

def _numa(tmp_path: Path, spanning: dict[str, str | None], memory_gib: int = 6,  # type: ignore[no-untyped-def]
          cluster: str = "CL1"):
    lab = Lab(cluster=cluster)
    lab.node("HVA")
    lab.node("HVB")
    lab.vm("APP01", "HVA")
    lab.vm("BIG01", "HVB")
    lab.objects["Get-VM"][1]["MemoryStartup"] = str(memory_gib * GiB)
    for row in lab.objects["Get-VMHost"]:
        value = spanning.get(str(row["Name"]))
        if value is not None:
            row["NumaSpanningEnabled"] = value
    return lab.run(tmp_path)


def test_a_host_without_numa_spanning_is_reported_with_its_peers(tmp_path: Path) -> None:
    _, out = _numa(tmp_path, {"HVA": "False", "HVB": "True"})
    [found] = [f for f in out.findings if f.rule == "HYV-18"]
    assert found.host_key == "hyperv/HVA" and found.guest_key is None and found.severity == Severity.LOW
    assert "Get-VMHost HVA: NumaSpanningEnabled = False (other nodes of CL1: HVB: True)" in found.evidence
    assert "512 GiB in 1 socket(s)" in found.evidence and "BIG01, starts with 6 GiB" in found.evidence
    assert not [e for e in out.pins + out.strands if e.rule == "HYV-18"]
    assert [s for s, _ in _coverage(out, "HYV-18")] == ["assessed"]


def test_the_peers_cluster_is_named_as_the_export_names_it(tmp_path: Path) -> None:
    _, out = _numa(tmp_path, {"HVA": "False", "HVB": "True"}, cluster="Prod/HV-Cl01")
    [found] = [f for f in out.findings if f.rule == "HYV-18"]
    assert "(other nodes of Prod/HV-Cl01: HVB: True)" in found.evidence


def test_a_vm_larger_than_a_sockets_share_raises_the_severity(tmp_path: Path) -> None:
    _, out = _numa(tmp_path, {"HVA": "False", "HVB": "True"}, memory_gib=600)
    [found] = [f for f in out.findings if f.rule == "HYV-18"]
    assert found.severity == Severity.MEDIUM and "more than one socket's share: BIG01" in found.evidence


def test_numa_spanning_on_everywhere_is_clean_and_unknown_is_not_assessed(tmp_path: Path) -> None:
    _, out = _numa(tmp_path / "a", {"HVA": "True", "HVB": "True"})
    assert not [f for f in out.findings if f.rule == "HYV-18"]
    assert [s for s, _ in _coverage(out, "HYV-18")] == ["assessed"]
    _, out = _numa(tmp_path / "b", {})
    assert not [f for f in out.findings if f.rule == "HYV-18"]
    [(status, reason)] = _coverage(out, "HYV-18")
    assert status == "not-assessed" and "NumaSpanningEnabled" in reason


def test_a_replication_mode_not_understood_is_said_and_audited_as_a_guest(tmp_path: Path) -> None:
    estate, out = _local_vms({"COPY01": "Copy?"}).run(tmp_path)
    assert any("not understood (e.g. 'Copy?')" in i.message and i.column == "ReplicationMode" for i in estate.issues)
    assert not findings(out, "HYV-17")
    assert vm_id("COPY01") in {g for g, _ in edges(out.pins, "HYV-08")}


# -- cluster affinity rules: HYV-16 kept apart by a DifferentNode rule, HYV-19 SameNode ---------------

def _rules(tmp_path: Path, *rules: tuple[str, str, str, str]):  # type: ignore[no-untyped-def]
    lab = two_nodes()
    for name, host in (("AG-N1", "HVA"), ("AG-N2", "HVB"), ("APP01", "HVA")):
        lab.vm(name, host)
        lab.add("Get-ClusterGroup", Cluster="CL1", Name=name, OwnerNode=host, State="Online",
                GroupType="VirtualMachine", Priority="2000", AntiAffinityClassNames="", Id=vm_id(name + "group"))
    for name in ("AG-N1", "AG-N2"):
        lab.disk(name, SHARED, shared=True)
    for name, kind, groups, enabled in rules:
        lab.add("Get-ClusterAffinityRule", Cluster="CL1", Name=name, RuleType=kind, Groups=groups, Enabled=enabled)
    return lab.run(tmp_path)


def test_a_different_node_rule_keeps_a_guest_cluster_apart(tmp_path: Path) -> None:
    _, out = _rules(tmp_path, ("AG-Apart", "DifferentNode", "AG-N1; AG-N2", "1"))
    assert not findings(out, "HYV-16")
    assert [s for s, _ in _coverage(out, "HYV-16")] == ["assessed"]


def test_a_disabled_or_partial_rule_does_not(tmp_path: Path) -> None:
    _, out = _rules(tmp_path / "a", ("AG-Apart", "DifferentNode", "AG-N1; AG-N2", "0"))
    found = findings(out, "HYV-16")
    assert set(found) == {vm_id("AG-N1"), vm_id("AG-N2")}
    assert "no DifferentNode affinity rule names every node" in found[vm_id("AG-N1")].evidence
    _, out = _rules(tmp_path / "b", ("AG-Apart", "4", "AG-N1; APP01", "1"))  # 4: DifferentNode, as CIM writes it
    assert set(findings(out, "HYV-16")) == {vm_id("AG-N1"), vm_id("AG-N2")}


def test_without_affinity_rules_the_guest_cluster_is_reported_and_said_partly(tmp_path: Path) -> None:
    _, out = _rules(tmp_path)
    found = findings(out, "HYV-16")
    assert "no cluster affinity rules in the export" in found[vm_id("AG-N1")].evidence
    [(status, reason)] = _coverage(out, "HYV-16")
    assert status == "assessed" and "partly: tab Get-ClusterAffinityRule is missing" in reason
    [(status, reason)] = _coverage(out, "HYV-19")
    assert status == "not-assessed" and "Get-ClusterAffinityRule" in reason


def test_a_same_node_rule_keeps_roles_together(tmp_path: Path) -> None:
    _, out = _rules(tmp_path, ("Together", "SameNode", "APP01; AG-N1", "True"))
    found = findings(out, "HYV-19")
    assert set(found) == {vm_id("APP01"), vm_id("AG-N1")}
    assert found[vm_id("APP01")].evidence == "Get-ClusterAffinityRule (SameNode, enabled): Together with AG-N1"
    assert found[vm_id("APP01")].severity == Severity.MEDIUM and not out.colocations
    assert [s for s, _ in _coverage(out, "HYV-19")] == ["assessed"]


def test_a_disabled_same_node_rule_or_none_is_clean(tmp_path: Path) -> None:
    _, out = _rules(tmp_path / "a", ("Together", "2", "APP01; AG-N1", "0"))
    assert not findings(out, "HYV-19")
    _, out = _rules(tmp_path / "b", ("Apart", "DifferentNode", "APP01; AG-N2", "1"))
    assert not findings(out, "HYV-19")
    assert [s for s, _ in _coverage(out, "HYV-19")] == ["assessed"]

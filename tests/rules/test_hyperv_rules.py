"""HYV-01 … HYV-04, HYV-08, HYV-10 … HYV-12: storage and device ties, each with a positive and a
negative estate built from rows in the Hyper-V property layout."""

from __future__ import annotations

from pathlib import Path

from reportgen.causes import RuleCause
from reportgen.rules import CATALOGUE, Severity
from tests.rules.hyperv_lab import edges, findings, two_nodes, vm_id

SHARED = r"C:\ClusterStorage\Volume2\SQL\data.vhdx"


def test_shared_vhdx_bonds_the_guest_cluster_across_hosts(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("SQL-N1", "HVA")
    lab.vm("SQL-N2", "HVB")
    lab.disk("SQL-N1", SHARED, shared=True)
    lab.disk("SQL-N2", SHARED, shared=True)
    _, out = lab.run(tmp_path)
    assert edges(out.bonds, "HYV-01") == {(vm_id("SQL-N1"), vm_id("SQL-N2"))}
    found = findings(out, "HYV-01")
    assert set(found) == {vm_id("SQL-N1"), vm_id("SQL-N2")}
    first = found[vm_id("SQL-N1")]
    assert "SupportPersistentReservations = True" in first.evidence and "also attached to SQL-N2" in first.evidence
    assert first.severity == Severity.MEDIUM
    assert not edges(out.pins, "HYV-01")  # live migration works inside the cluster


def test_shared_vhdx_in_a_box_is_escalated(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("SQL-N1", "HVA")
    lab.vm("SQL-N2", "HVA")
    lab.disk("SQL-N1", SHARED, shared=True)
    lab.disk("SQL-N2", SHARED, shared=True)
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-01")[vm_id("SQL-N2")]
    assert found.severity == Severity.HIGH and "cluster in a box" in found.evidence


def test_disks_on_their_own_are_no_guest_cluster(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("APP1", "HVA")
    lab.vm("APP2", "HVB")
    _, out = lab.run(tmp_path)
    assert not out.bonds and not findings(out, "HYV-01") and not findings(out, "HYV-02")


def test_vhd_set_bonds_and_is_low(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("FS-N1", "HVA")
    lab.vm("FS-N2", "HVB")
    for name in ("FS-N1", "FS-N2"):
        lab.disk(name, r"C:\ClusterStorage\Volume2\FS\share.vhds", shared=True)
    _, out = lab.run(tmp_path)
    assert edges(out.bonds, "HYV-02") == {(vm_id("FS-N1"), vm_id("FS-N2"))}
    assert findings(out, "HYV-02")[vm_id("FS-N1")].severity == Severity.LOW
    assert not findings(out, "HYV-01")


def test_shared_vhdx_seen_on_one_vm_only_is_reported_without_a_bond(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("SQL-N1", "HVA")
    lab.disk("SQL-N1", SHARED, shared=True)
    _, out = lab.run(tmp_path)
    assert not out.bonds
    assert "no other VM in this export" in findings(out, "HYV-01")[vm_id("SQL-N1")].evidence


def test_same_path_in_two_clusters_is_not_shared(tmp_path: Path) -> None:
    """C:\\ClusterStorage\\Volume1 exists on every cluster: paths only match inside one cluster."""
    from reportgen.estate import merge
    from tests.rules.hyperv_lab import Lab

    estates = []
    for n, cluster in enumerate(("CL1", "CL2")):
        lab = Lab(cluster=cluster)
        lab.node(f"HV{n}")
        lab.vm(f"SQL{n}", f"HV{n}")
        lab.disk(f"SQL{n}", SHARED, shared=True)
        estates.append(lab.estate(tmp_path / cluster))
    from reportgen.rules import RuleContext, evaluate

    out = evaluate(merge(estates), RuleContext())
    assert not out.bonds


def test_virtual_fibre_channel_is_a_conditional_finding(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("VFC1", "HVA")
    lab.vm("PLAIN", "HVB")
    lab.device("Get-VMFibreChannelHba", "VFC1", Name="Fibre Channel Adapter", SanName="FabricA",
               WorldWidePortNameSetA="C003FF5778E50002", WorldWidePortNameSetB="C003FF5778E50003")
    _, out = lab.run(tmp_path)
    found = findings(out, "HYV-03")
    assert set(found) == {vm_id("VFC1")} and "SanName = FabricA" in found[vm_id("VFC1")].evidence
    assert not edges(out.pins, "HYV-03")
    coverage = [c for c in out.coverage if c.rule == "HYV-03"]
    assert coverage[0].status == "assessed" and "conditional" in coverage[0].reason


def test_pass_through_disk_pins_and_strands_when_not_clustered(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("FILE1", "HVA")
    lab.vm("FILE2", "HVB", clustered=False)
    lab.vm("PLAIN", "HVB")
    lab.disk("FILE1", "Disk 3 500.00 GB Bus 0 Lun 3 Target 0", number=3)
    lab.disk("FILE2", "Disk 4 100.00 GB Bus 0 Lun 4 Target 0", number=4)
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-04") == {(vm_id("FILE1"), "hyperv/HVA"), (vm_id("FILE2"), "hyperv/HVB")}
    assert edges(out.strands, "HYV-04") == {(vm_id("FILE2"), "hyperv/HVB")}
    found = findings(out, "HYV-04")
    assert found[vm_id("FILE1")].severity == Severity.HIGH and found[vm_id("FILE2")].severity == Severity.CRITICAL
    assert "DiskNumber = 3" in found[vm_id("FILE1")].evidence
    assert vm_id("PLAIN") not in found


def test_local_storage_pins_and_strands(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("LOCAL1", "HVA", clustered=False, folder=r"D:\Hyper-V\LOCAL1")
    lab.vm("SMB1", "HVA", folder=r"\\sofs01\vms\SMB1")
    lab.vm("CSV1", "HVB")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-08") == {(vm_id("LOCAL1"), "hyperv/HVA")}
    assert edges(out.strands, "HYV-08") == {(vm_id("LOCAL1"), "hyperv/HVA")}
    finding = findings(out, "HYV-08")[vm_id("LOCAL1")]
    assert "ConfigurationLocation = D:\\Hyper-V\\LOCAL1" in finding.evidence
    assert finding.cause == RuleCause("datastore", "D: on HVA")


def test_local_disk_of_a_vm_whose_configuration_is_on_a_csv(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("MIXED", "HVA")
    lab.disk("MIXED", r"E:\Data\MIXED-data.vhdx")
    _, out = lab.run(tmp_path)
    assert "Path = E:\\Data\\MIXED-data.vhdx" in findings(out, "HYV-08")[vm_id("MIXED")].evidence


def test_dda_device_pins_and_strands_a_non_clustered_vm(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("GPU1", "HVB", clustered=False)
    lab.vm("PLAIN", "HVA")
    lab.device("Get-VMAssignableDevice", "GPU1", Name="NVIDIA A2", InstanceID=r"PCIP\VEN_10DE&DEV_25B6",
               LocationPath="PCIROOT(36)#PCI(0000)#PCI(0000)")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-10") == {(vm_id("GPU1"), "hyperv/HVB")}
    assert edges(out.strands, "HYV-10") == {(vm_id("GPU1"), "hyperv/HVB")}
    assert "LocationPath = PCIROOT(36)#PCI(0000)#PCI(0000)" in findings(out, "HYV-10")[vm_id("GPU1")].evidence
    assert CATALOGUE["HYV-10"].severity == Severity.CRITICAL


def test_no_assignable_device_file_means_not_assessed(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("PLAIN", "HVA")
    _, out = lab.run(tmp_path)
    coverage = {c.rule: c for c in out.coverage if c.rule in ("HYV-10", "HYV-04")}
    assert coverage["HYV-10"].status == "not-assessed" and "Get-VMAssignableDevice" in coverage["HYV-10"].reason
    assert coverage["HYV-04"].status == "assessed"


def test_gpu_partition_pins_before_windows_server_2025_only(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.node("HVC", build="26100", versions=("10.0", "12.0"))
    lab.vm("VDI1", "HVA")
    lab.vm("VDI2", "HVC")
    for name in ("VDI1", "VDI2"):
        lab.device("Get-VMGpuPartitionAdapter", name, Name="GPU Partition Settings", MinPartitionVRAM="80000000")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-11") == {(vm_id("VDI1"), "hyperv/HVA")}
    assert findings(out, "HYV-11")[vm_id("VDI2")].severity == Severity.LOW


def test_dvd_pass_through_and_local_iso_pin_but_csv_iso_does_not(tmp_path: Path) -> None:
    lab = two_nodes()
    for name, media, path in (("TOOLS", "PassThrough", None), ("LOCALISO", "ISO", r"D:\ISO\setup.iso"),
                              ("CSVISO", "ISO", r"C:\ClusterStorage\Volume1\ISO\setup.iso"), ("EMPTY", "None", None)):
        lab.vm(name, "HVA", state="Off" if name == "TOOLS" else "Running")
        lab.device("Get-VMDvdDrive", name, ControllerType="SCSI", ControllerNumber="0", ControllerLocation="1",
                   DvdMediaType=media, Path=path, VMSnapshotId="00000000-0000-0000-0000-000000000000")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-12") == {(vm_id("TOOLS"), "hyperv/HVA"), (vm_id("LOCALISO"), "hyperv/HVA")}
    found = findings(out, "HYV-12")
    assert found[vm_id("TOOLS")].timing == "next-power-on"
    assert "DvdMediaType = PassThrough" in found[vm_id("TOOLS")].evidence
    assert "D:\\ISO\\setup.iso" in found[vm_id("LOCALISO")].evidence


def _guest_cluster(tmp_path: Path, classes: tuple[str | None, str | None], *, clustered: bool = True):  # type: ignore[no-untyped-def]
    lab = two_nodes()
    for name, host, klass in (("AG-N1", "HVA", classes[0]), ("AG-N2", "HVB", classes[1])):
        lab.vm(name, host, clustered=clustered)
        lab.disk(name, SHARED, shared=True)
        lab.add("Get-ClusterGroup", Cluster="CL1", Name=name, OwnerNode=host, State="Online",
                GroupType="VirtualMachine", Priority="2000", AntiAffinityClassNames=klass, Id=vm_id(name + "group"))
    return lab.run(tmp_path)


def test_guest_cluster_without_a_common_anti_affinity_class(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path, ("", "AG"))
    found = findings(out, "HYV-16")
    assert set(found) == {vm_id("AG-N1"), vm_id("AG-N2")}
    assert "AntiAffinityClassNames = none" in found[vm_id("AG-N1")].evidence
    assert "AntiAffinityClassNames = AG" in found[vm_id("AG-N2")].evidence
    assert "the guest cluster AG-N1, AG-N2" in found[vm_id("AG-N1")].evidence
    assert found[vm_id("AG-N1")].severity == Severity.MEDIUM and not found[vm_id("AG-N1")].effects
    assert not edges(out.pins, "HYV-16") and not edges(out.strands, "HYV-16")
    assert {c.status for c in out.coverage if c.rule == "HYV-16"} == {"assessed"}


def test_a_common_anti_affinity_class_keeps_the_nodes_apart(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path, ("SQL; Backup", "SQL"))
    assert not findings(out, "HYV-16")


def test_unknown_classes_and_non_clustered_nodes_are_not_reported(tmp_path: Path) -> None:
    _, out = _guest_cluster(tmp_path / "a", ("System.Collections.Specialized.StringCollection",) * 2)
    assert not findings(out, "HYV-16")
    _, out = _guest_cluster(tmp_path / "b", ("", ""), clustered=False)
    assert not findings(out, "HYV-16")


def test_no_cluster_group_file_means_not_assessed(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.vm("AG-N1", "HVA")
    _, out = lab.run(tmp_path)
    coverage = [c for c in out.coverage if c.rule == "HYV-16"]
    assert [c.status for c in coverage] == ["not-assessed"] and "Get-ClusterGroup" in coverage[0].reason

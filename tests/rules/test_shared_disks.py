"""VMW-01 … VMW-09: shared, raw and multi-writer disks, with their version gates."""

from __future__ import annotations

from reportgen.rules import Effect, Severity

from .canonical import disk, guest, host, key, make, of, pinned, rdm, run, store

HOSTS = [host("esx01"), host("esx02")]
OLD = [host("esx01", esx="VMware ESXi 5.5.0 build-3116895"), host("esx02", esx="VMware ESXi 5.5.0 build-3116895")]
PAIR = [guest("n1", "vm-1", "esx01"), guest("n2", "vm-2", "esx02")]


def shared_vmdk(bus: str, ds: str = "san01", **kw: object) -> list[dict[str, object]]:
    return [disk(v, f"[{ds}] n1/n1_1.vmdk", row=3, controller="SCSI controller 1", bus_sharing=bus,
                 sharing_mode="none", **kw) for v in ("vm-1", "vm-2")]


def test_virtual_bus_sharing_pins_and_colocates_the_nodes() -> None:
    box = [guest("n1", "vm-1", "esx01"), guest("n2", "vm-2", "esx01")]
    out = run(make(HOSTS, box, disks=shared_vmdk("virtual")))
    assert pinned(out, "VMW-01") == {("vm-1", "esx01"), ("vm-2", "esx01")}
    assert [(c.a, c.b, c.cause) for c in out.colocations] == [(key("vm-1"), key("vm-2"), None)]
    finding = of(out, "VMW-01")[0]
    assert finding.severity == Severity.CRITICAL and "Shared Bus = virtualSharing on SCSI controller 1" in finding.evidence


def test_no_bus_sharing_is_no_vmw01() -> None:
    out = run(make(HOSTS, PAIR, disks=[disk("vm-1", "[san01] n1/n1.vmdk"), disk("vm-2", "[san01] n2/n2.vmdk")]))
    assert of(out, "VMW-01") == [] and out.pins == [] and out.colocations == []


def test_physical_rdm_before_esxi_6_pins_with_the_gate_in_the_evidence() -> None:
    out = run(make(OLD, [guest("n1", "vm-1", "esx01", hw="8"), guest("n2", "vm-2", "esx02", hw="8")],
                   disks=[rdm("vm-1", "[san01] n1/n1_1.vmdk", "L1"), rdm("vm-2", "[san01] n1/n1_1.vmdk", "L1")]))
    assert pinned(out, "VMW-02") == {("vm-1", "esx01"), ("vm-2", "esx02")}
    finding = of(out, "VMW-02")[0]
    assert finding.severity == Severity.CRITICAL and Effect.LIVE_MIGRATION in finding.effects
    assert "ESXi 5.5 / hardware 8" in finding.evidence and "Raw Comp. Mode = physicalMode" in finding.evidence


def test_physical_rdm_on_esxi_7_and_hardware_19_moves_with_conditions() -> None:
    out = run(make(HOSTS, PAIR, disks=[rdm("vm-1", "[san01] n1/n1_1.vmdk", "L1"),
                                       rdm("vm-2", "[san01] n1/n1_1.vmdk", "L1")]))
    assert pinned(out) == set()
    finding = of(out, "VMW-02")[0]
    assert finding.severity == Severity.MEDIUM and Effect.LIVE_MIGRATION not in finding.effects
    assert Effect.HOST_BACKUP in finding.effects and "10 GbE" in finding.evidence


def test_hardware_below_11_blocks_even_on_esxi_7() -> None:
    out = run(make(HOSTS, [guest("n1", "vm-1", "esx01", hw="vmx-10"), guest("n2", "vm-2", "esx02", hw="vmx-10")],
                   disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    assert pinned(out, "VMW-02") == {("vm-1", "esx01"), ("vm-2", "esx02")}


def test_shared_vmdk_with_physical_sharing_on_esxi_7_vmfs_is_clustered_vmdk() -> None:
    out = run(make(HOSTS, PAIR, disks=shared_vmdk("physical")))
    finding = of(out, "VMW-03")[0]
    assert pinned(out) == set() and finding.severity == Severity.MEDIUM and "clustered VMDK" in finding.evidence


def test_shared_vmdk_with_physical_sharing_on_nfs_or_before_7_pins() -> None:
    nfs = run(make(HOSTS, PAIR, disks=shared_vmdk("physical", ds="nas01"),
                   datastores=[store("san01", ["esx01", "esx02"]), store("nas01", ["esx01", "esx02"], type="NFS")]))
    assert pinned(nfs, "VMW-03") == {("vm-1", "esx01"), ("vm-2", "esx02")}
    assert "NFS" in of(nfs, "VMW-03")[0].evidence
    old = run(make(OLD, PAIR, disks=shared_vmdk("physical")))
    assert pinned(old, "VMW-03") == {("vm-1", "esx01"), ("vm-2", "esx02")}


def test_vsan_and_vvol_shared_disks_keep_mobility() -> None:
    stores = [store("san01", ["esx01", "esx02"]), store("vsanDatastore", ["esx01", "esx02"], type="vsan")]
    out = run(make(HOSTS, PAIR, disks=shared_vmdk("physical", ds="vsanDatastore"), datastores=stores))
    assert [f.severity for f in of(out, "VMW-04")] == [Severity.LOW, Severity.LOW]
    assert of(out, "VMW-03") == [] and out.pins == []
    plain = run(make(HOSTS, PAIR, disks=shared_vmdk("physical")))
    assert of(plain, "VMW-04") == []


def test_shared_virtual_mode_rdm_with_physical_sharing_is_unsupported() -> None:
    out = run(make(HOSTS, PAIR, disks=[rdm("vm-1", "[san01] q.vmdk", "L1", mode="virtual"),
                                       rdm("vm-2", "[san01] q.vmdk", "L1", mode="virtual")]))
    assert pinned(out, "VMW-05") == {("vm-1", "esx01"), ("vm-2", "esx02")}
    assert of(out, "VMW-02") == []
    physical = run(make(HOSTS, PAIR, disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    assert of(physical, "VMW-05") == []


def test_a_raw_disk_of_one_guest_is_a_backup_gap_not_a_pin() -> None:
    out = run(make(HOSTS, PAIR, disks=[rdm("vm-1", "[san01] n1/r.vmdk", "L1", bus="none"),
                                       rdm("vm-2", "[san01] n2/r.vmdk", "L2", bus="none", mode="virtual")]))
    severities = {f.guest_key: f.severity for f in of(out, "VMW-06")}
    assert severities == {key("vm-1"): Severity.MEDIUM, key("vm-2"): Severity.LOW}
    assert out.pins == [] and out.bonds == []
    shared = run(make(HOSTS, PAIR, disks=[rdm("vm-1", "[san01] r.vmdk", "L1", bus="none"),
                                          rdm("vm-2", "[san01] r.vmdk", "L1", bus="none")]))
    assert of(shared, "VMW-06") == [] and len(of(shared, "VMW-08")) == 2


def test_multi_writer_disks_bond_but_do_not_pin() -> None:
    disks = [disk(v, "[san01] rac/shared.vmdk", row=4, sharing_mode="multi-writer") for v in ("vm-1", "vm-2")]
    out = run(make(HOSTS, PAIR, disks=disks))
    assert len(out.bonds) == 1 and out.pins == []
    finding = of(out, "VMW-07")[0]
    assert "sharingMultiWriter" in finding.evidence and Effect.STORAGE_MIGRATION in finding.effects
    assert of(out, "VMW-08") == []
    alone = run(make(HOSTS, PAIR, disks=[disk("vm-1", "[san01] a.vmdk"), disk("vm-2", "[san01] b.vmdk")]))
    assert of(alone, "VMW-07") == []


def test_one_disk_on_two_guests_without_sharing_is_a_cold_standby() -> None:
    disks = [disk(v, "[san01] app/data.vmdk", row=5) for v in ("vm-1", "vm-2")]
    out = run(make(HOSTS, PAIR, disks=disks))
    findings = of(out, "VMW-08")
    assert len(findings) == 2 and "only one of them can power on" in findings[0].evidence
    assert "Sharing mode = sharingNone" in findings[0].evidence and out.pins == []


def test_snapshots_on_a_guest_with_shared_disks_are_flagged() -> None:
    guests = [guest("n1", "vm-1", "esx01", snapshots=2), guest("n2", "vm-2", "esx02", snapshots=0)]
    out = run(make(HOSTS, guests, disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    findings = of(out, "VMW-09")
    assert [f.guest_key for f in findings] == [key("vm-1")] and "2 snapshot(s)" in findings[0].evidence
    plain = run(make(HOSTS, guests, disks=[disk("vm-1", "[san01] a.vmdk"), disk("vm-2", "[san01] b.vmdk")]))
    assert of(plain, "VMW-09") == []


def test_templates_and_powered_off_guests_get_their_timing() -> None:
    guests = [guest("n1", "vm-1", "esx01", power="poweredOff"), guest("n2", "vm-2", "esx01", template=True)]
    out = run(make(HOSTS, guests, disks=shared_vmdk("virtual")))
    timing = {f.guest_key: f.timing for f in of(out, "VMW-01")}
    assert timing == {key("vm-1"): "next-power-on", key("vm-2"): "hygiene"}
    assert pinned(out) == {("vm-1", "esx01")}

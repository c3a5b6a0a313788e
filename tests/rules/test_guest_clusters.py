"""GEN-01 / GEN-02 / GEN-03: guest clusters from shared disks, their topology and version gates."""

from __future__ import annotations

from reportgen.rules import Severity

from .canonical import disk, guest, host, key, make, of, pinned, rdm, run

HOSTS = [host("esx01"), host("esx02"), host("esx03")]


def test_a_shared_backing_file_bonds_the_guests_and_names_the_partner() -> None:
    out = run(make(HOSTS, [guest("sql01", "vm-1", "esx01"), guest("sql02", "vm-2", "esx02")],
                   disks=[rdm("vm-1", "[san01] sql01/sql01_1.vmdk", "0200aa"),
                          rdm("vm-2", "[san01] sql01/sql01_1.vmdk", "0200aa", row=7)]))
    assert [(b.a, b.b) for b in out.bonds] == [(key("vm-1"), key("vm-2"))]
    gen01 = {f.guest_key: f for f in of(out, "GEN-01")}
    assert set(gen01) == {key("vm-1"), key("vm-2")}
    assert "vDisk row 7" in gen01[key("vm-2")].evidence and "sql01, sql02" in gen01[key("vm-2")].evidence
    assert not any(f.suspected for f in gen01.values())


def test_the_same_raw_lun_through_different_mapping_files_is_one_cluster() -> None:
    out = run(make(HOSTS, [guest("fs01", "vm-1", "esx01"), guest("fs02", "vm-2", "esx02")],
                   disks=[rdm("vm-1", "[san01] fs01/fs01_1.vmdk", "0200bb"),
                          rdm("vm-2", "[san01] fs02/fs02_1.vmdk", "0200bb")]))
    assert len(out.bonds) == 1
    assert "different mapping files" in of(out, "GEN-01")[0].evidence


def test_guests_with_their_own_disks_are_not_bonded() -> None:
    out = run(make(HOSTS, [guest("web01", "vm-1", "esx01"), guest("web02", "vm-2", "esx02")],
                   disks=[disk("vm-1", "[san01] web01/web01.vmdk"), disk("vm-2", "[san01] web02/web02.vmdk"),
                          rdm("vm-1", "[san01] web01/web01_1.vmdk", "0200cc", bus="none"),
                          rdm("vm-2", "[san01] web02/web02_1.vmdk", "0200dd", bus="none")]))
    assert out.bonds == [] and of(out, "GEN-01") == [] and of(out, "GEN-02") == []


def test_three_nodes_sharing_different_disks_pairwise_form_one_cluster() -> None:
    out = run(make(HOSTS, [guest("n1", "vm-1", "esx01"), guest("n2", "vm-2", "esx02"), guest("n3", "vm-3", "esx03")],
                   disks=[rdm("vm-1", "[san01] n1/q.vmdk", "L1"), rdm("vm-2", "[san01] n1/q.vmdk", "L1"),
                          rdm("vm-2", "[san01] n2/d.vmdk", "L2", row=4), rdm("vm-3", "[san01] n2/d.vmdk", "L2", row=4)]))
    topology = {f.evidence for f in of(out, "GEN-02")}
    assert len(topology) == 1 and "n1, n2, n3" in topology.pop()


def test_in_a_box_is_critical_and_escalates_the_disk_rules() -> None:
    shared = "[san01] sql01/sql01_1.vmdk"
    box = run(make(HOSTS, [guest("sql01", "vm-1", "esx01"), guest("sql02", "vm-2", "esx01")],
                   disks=[rdm("vm-1", shared, "L1"), rdm("vm-2", shared, "L1")]))
    apart = run(make(HOSTS, [guest("sql01", "vm-1", "esx01"), guest("sql02", "vm-2", "esx02")],
                     disks=[rdm("vm-1", shared, "L1"), rdm("vm-2", shared, "L1")]))
    assert {f.severity for f in of(box, "GEN-02")} == {Severity.CRITICAL}
    assert "in a box" in of(box, "GEN-02")[0].evidence and "esx01" in of(box, "GEN-02")[0].evidence
    # ESXi 7.0 / hardware 19: vMotion possible (medium), escalated to high in a box.
    assert {f.severity for f in of(apart, "VMW-02")} == {Severity.MEDIUM}
    assert {f.severity for f in of(box, "VMW-02")} == {Severity.HIGH}
    assert {f.severity for f in of(apart, "GEN-02")} == {Severity.MEDIUM}
    assert "with live migration" in of(apart, "GEN-02")[0].evidence


def test_across_boxes_without_live_migration_is_high_and_pins_each_node() -> None:
    old = [host("esx01", esx="VMware ESXi 5.5.0 build-3116895"), host("esx02", esx="VMware ESXi 5.5.0 build-3116895")]
    out = run(make(old, [guest("sql01", "vm-1", "esx01", hw="8"), guest("sql02", "vm-2", "esx02", hw="8")],
                   disks=[rdm("vm-1", "[san01] a.vmdk", "L1"), rdm("vm-2", "[san01] a.vmdk", "L1")]))
    assert {f.severity for f in of(out, "GEN-02")} == {Severity.HIGH}
    assert "without live migration" in of(out, "GEN-02")[0].evidence
    assert pinned(out) == {("vm-1", "esx01"), ("vm-2", "esx02")}


def test_nodes_on_hosts_of_different_builds_are_flagged() -> None:
    hosts = [host("esx01"), host("esx02", esx="VMware ESXi 8.0.3 build-24674464")]
    out = run(make(hosts, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx02")],
                   disks=[rdm("vm-1", "[san01] a.vmdk", "L1"), rdm("vm-2", "[san01] a.vmdk", "L1")]))
    finding = of(out, "GEN-02")[0]
    assert "different builds" in finding.evidence and finding.severity == Severity.HIGH


def test_two_nodes_on_one_host_of_a_three_node_cluster_is_mixed() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx01"), guest("c", "vm-3", "esx02")],
                   disks=[rdm(v, "[san01] q.vmdk", "L1") for v in ("vm-1", "vm-2", "vm-3")]))
    assert "mixed" in of(out, "GEN-02")[0].evidence


def test_a_node_without_a_host_makes_the_topology_unknown() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", None)],
                   disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    assert "unknown" in of(out, "GEN-02")[0].evidence


def test_an_unknown_version_is_treated_as_blocking_and_said_so() -> None:
    hosts = [host("esx01", esx=None), host("esx02", esx=None)]  # type: ignore[arg-type]
    out = run(make(hosts, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx02")],
                   disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    assert pinned(out, "VMW-02") == {("vm-1", "esx01"), ("vm-2", "esx02")}
    notes = of(out, "GEN-03")
    assert len(notes) == 2 and all("treated as blocking" in n.evidence for n in notes)
    assert {f.severity for f in of(out, "VMW-02")} == {Severity.HIGH}


def test_known_versions_leave_no_gate_note() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx02")],
                   disks=[rdm("vm-1", "[san01] q.vmdk", "L1"), rdm("vm-2", "[san01] q.vmdk", "L1")]))
    assert of(out, "GEN-03") == []


def test_node_numbered_names_are_a_suspected_cluster_never_a_bond() -> None:
    out = run(make(HOSTS, [guest("SQLCL01-N1", "vm-1", "esx01"), guest("SQLCL01-N2", "vm-2", "esx02"),
                           guest("web01", "vm-3", "esx01"), guest("web02", "vm-4", "esx02"),
                           guest("Win10", "vm-5", "esx01"), guest("Win11", "vm-6", "esx02")]))
    assert out.bonds == []
    assert out.suspected == [(key("vm-1"), key("vm-2"))]
    findings = of(out, "GEN-01")
    assert {f.guest_key for f in findings} == {key("vm-1"), key("vm-2")}
    assert all(f.suspected and f.severity == Severity.LOW for f in findings)
    assert out.pins == []


def test_same_stem_with_a_cluster_signal_on_each_is_suspected() -> None:
    nodes = [guest("ora01", "vm-1", "esx01", annotation="RAC node"), guest("ora02", "vm-2", "esx02", annotation="RAC")]
    plain = [guest("ora01", "vm-1", "esx01"), guest("ora02", "vm-2", "esx02")]
    assert run(make(HOSTS, nodes)).suspected == [(key("vm-1"), key("vm-2"))]
    assert run(make(HOSTS, plain)).suspected == []


def test_a_lone_shared_bus_guest_says_its_partners_are_not_in_the_export() -> None:
    out = run(make(HOSTS, [guest("sql01", "vm-1", "esx01")], disks=[rdm("vm-1", "[san01] sql01/q.vmdk", "L1")]))
    finding = of(out, "VMW-02")[0]
    assert "no partner guest" in finding.evidence
    assert out.bonds == []

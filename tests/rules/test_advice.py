"""Advice from facts: topology first, then only the gates this guest cluster misses, with the versions seen."""

from __future__ import annotations

import pytest

from reportgen.rules import Finding
from reportgen.rules.advice import GroupFacts, Node, advise

from .canonical import disk, guest, host, make, of, rdm, run, store

NEW = "VMware ESXi 8.0.3 build-24674464"
SEVEN = "VMware ESXi 7.0.3 build-21930508"
OLD = "VMware ESXi 5.5.0 build-3116895"
SIX_FIVE = "VMware ESXi 6.5.0 build-5969303"


def _cluster(where: tuple[str, str], esx: tuple[str, str] = (NEW, SEVEN), hw: str = "19", bus: str = "physical",
             mode: str = "physical", raw: bool = True, ds_type: str = "VMFS", third: bool = True,
             drs: bool | None = True) -> list[Finding]:
    """Findings for a two-node guest cluster sharing one disk on datastore san01, in a cluster of three hosts (enough
    for the nodes to stay apart during maintenance; esx03 runs the version of esx02)."""
    hosts = [host("esx01", esx=esx[0]), host("esx02", esx=esx[1]), *([host("esx03", esx=esx[1])] if third else [])]
    nodes = [guest("sql01", "vm-1", where[0], hw=hw), guest("sql02", "vm-2", where[1], hw=hw)]
    if raw:
        disks = [rdm(v, "[san01] sql/q.vmdk", "L1", bus=bus, mode=mode) for v in ("vm-1", "vm-2")]
    else:
        disks = [disk(v, "[san01] sql/q.vmdk", row=3, controller="SCSI controller 1", bus_sharing=bus)
                 for v in ("vm-1", "vm-2")]
    clusters = [{"cluster_key": hosts[0]["cluster_key"], "name": "Prod", "datacenter": "DC1", "platform": "vsphere",
                 "ha_enabled": True, "drs_enabled": drs, "host_count": len(hosts), "source_id": 0}]
    out = run(make(hosts, nodes, disks=disks, datastores=[store("san01", [h["name"] for h in hosts], type=ds_type)],
                   clusters=clusters))
    return out.findings


def _steps(findings: list[Finding]) -> tuple[str, ...]:
    gen02 = [f for f in findings if f.rule == "GEN-02"]
    assert gen02, "a guest cluster always has a topology finding"
    steps = gen02[0].steps
    assert all(f.steps == steps for f in gen02), "every node of one cluster gets the same advice"
    return steps


PREREQUISITES = "vMotion of the nodes needs: "
NOT_VISIBLE = ("not visible in the export, verify: 10 GbE vMotion network, WSFC heartbeat thresholds "
               "(SameSubnetThreshold 10+, CrossSubnetThreshold 20+, RouteHistoryLength 40+)")


def test_in_a_box_verifies_the_vmotion_prerequisites_before_spreading_its_nodes() -> None:
    """Spread, the nodes move only with vMotion: its prerequisites come first, the spread last."""
    steps = _steps(_cluster(("esx01", "esx01")))
    prerequisites = next(i for i, s in enumerate(steps) if s.startswith(PREREQUISITES))
    spread = next(i for i, s in enumerate(steps) if s.startswith("Spread the nodes"))
    assert prerequisites < spread and "esx01" in steps[spread] and "anti-affinity" in steps[spread]
    assert "Do this last" in steps[spread]
    assert NOT_VISIBLE in steps[prerequisites]
    text = " ".join(steps)
    assert "Upgrade" not in text and "to 7.0" not in text


def test_across_boxes_on_current_versions_gets_the_movable_checks_and_no_upgrade() -> None:
    steps = _steps(_cluster(("esx01", "esx02")))
    text = " ".join(steps)
    assert not steps[0].startswith("Spread")
    assert "Upgrade" not in text
    assert (PREREQUISITES + "ESXi 6.0+ (met: 7.0.3 and 8.0.3), VM hardware 11+ (met: 19), Windows Server 2012+ "
            "(met: Windows Server 2019); " + NOT_VISIBLE) in text


def test_only_the_hardware_gate_is_named_when_the_hosts_are_past_esxi_six() -> None:
    findings = _cluster(("esx01", "esx02"), hw="10")
    text = " ".join(_steps(findings))
    assert "Upgrade the VM hardware of sql01 and sql02 (now version 10) to 11 or later" in text
    assert "Upgrade esx" not in text and "to 6.0" not in text
    # the prerequisites list what is met and what the export cannot show; the unmet gate is the step above
    assert "ESXi 6.0+ (met: 7.0.3 and 8.0.3)" in text and NOT_VISIBLE in text and "VM hardware 11+" not in text
    vmw02 = of_rule(findings, "VMW-02")
    assert vmw02 and all("Upgrade esx" not in f.remediation and "hardware" in f.remediation for f in vmw02)


def test_old_hosts_are_told_their_version_and_the_target() -> None:
    text = " ".join(_steps(_cluster(("esx01", "esx02"), esx=(OLD, OLD), hw="8", third=False)))
    assert "Upgrade esx01 and esx02 from ESXi 5.5.0 to a supported release" in text  # no other host in Prod
    assert "to a supported release" in text and "6.0 itself is out of support" in text
    assert "(now version 8)" in text
    assert NOT_VISIBLE in text and "ESXi 6.0+ (" not in text  # unmet: the upgrade step
    # Windows Server 2019 runs on the supported releases: no guest OS step
    assert "Upgrade the guest OS" not in text and "Windows Server 2012+ (met: Windows Server 2019)" in text


def test_one_old_host_is_named_alone() -> None:
    text = " ".join(_steps(_cluster(("esx01", "esx02"), esx=(OLD, NEW))))
    assert "Upgrade esx01 from ESXi 5.5.0 to a supported release" in text  # esx02, its cluster's other host, is 8.0
    assert "esx02 from" not in text and "other host" not in text
    assert "VM hardware of" not in text


def test_the_clusters_other_old_hosts_are_named_in_the_upgrade_step() -> None:
    """One cluster runs one version: the hosts below 6.0 that run no node are named with their version."""
    hosts = [host("esx01", esx=OLD), host("esx02", esx=OLD), host("esx03", esx=SIX_FIVE), host("esx04", esx=OLD),
             host("esx09", cluster="Test", esx=OLD)]
    nodes = [guest("sql01", "vm-1", "esx01", hw="8"), guest("sql02", "vm-2", "esx01", hw="8")]
    disks = [rdm(v, "[san01] sql/q.vmdk", "L1", bus="physical", mode="physical") for v in ("vm-1", "vm-2")]
    out = run(make(hosts, nodes, disks=disks, datastores=[store("san01", ["esx01", "esx02", "esx03", "esx04"])]))
    text = " ".join(_steps(out.findings))
    assert ("Upgrade esx01 from ESXi 5.5.0, and the cluster's other hosts below 6.0, esx02 and esx04 (ESXi 5.5.0; "
            "one cluster runs one version), to a supported release") in text
    assert "esx03" not in text and "esx09" not in text  # 6.5 is past the gate; esx09 is in another cluster


def test_without_the_clusters_hosts_the_upgrade_step_still_says_every_other_host() -> None:
    facts = GroupFacts("across-boxes", frozenset({"VMW-02"}),
                       (Node("a", "esx01", 505, "5.5.0", 19), Node("b", "esx02", 800, "8.0.3", 19)))
    text = " ".join(advise(facts))
    assert "Upgrade esx01 from ESXi 5.5.0, and every other host of the cluster below 6.0 (one cluster runs one " \
           "version), to a supported release" in text


def test_virtual_bus_sharing_in_a_box_names_the_disk_types_that_work_across_hosts() -> None:
    steps = _steps(_cluster(("esx01", "esx01"), bus="virtual", mode="virtual"))
    # the disks first: spread while they share a virtual bus, the nodes could not run apart at all
    assert steps[0].startswith("Switch the shared disks from virtual to physical SCSI bus sharing")
    spread = next(i for i, s in enumerate(steps) if s.startswith("Spread the nodes"))
    assert spread > 0 and "Do this last: spread earlier, the nodes tie more hosts" in steps[spread]
    text = " ".join(steps)
    assert "physical SCSI bus sharing" in text and "clustered VMDKs on VMFS" in text
    assert "vSphere HA" in text


def test_virtual_bus_sharing_before_seven_says_clustered_vmdk_needs_seven() -> None:
    text = " ".join(_steps(_cluster(("esx01", "esx01"), esx=(SIX_FIVE, SIX_FIVE), bus="virtual", mode="virtual")))
    assert "clustered VMDKs on VMFS" not in text
    assert "Clustered VMDKs would need ESXi 7.0 (esx01 run 6.5.0)" in text


@pytest.mark.parametrize(("ds_type", "esx", "expected", "absent"), [
    ("NFS", (NEW, NEW), "off NFS (san01)", "to 7.0 or later"),
    ("VMFS", (SIX_FIVE, SIX_FIVE), "from ESXi 6.5.0 to 7.0 or later", "NFS"),
    ("VMFS", (NEW, SEVEN), "10 GbE vMotion network", "Upgrade"),
])
def test_shared_vmdks_name_the_datastore_type_or_version_gate(
        ds_type: str, esx: tuple[str, str], expected: str, absent: str) -> None:
    text = " ".join(_steps(_cluster(("esx01", "esx02"), esx=esx, raw=False, ds_type=ds_type)))
    assert expected in text and absent not in text


def test_unknown_versions_are_said_unknown_never_met() -> None:
    hosts = [host("esx01", esx=""), host("esx02", esx="")]
    nodes = [guest("sql01", "vm-1", "esx01", hw=None), guest("sql02", "vm-2", "esx02", hw=None)]
    out = run(make(hosts, nodes, disks=[rdm(v, "[san01] q.vmdk", "L1") for v in ("vm-1", "vm-2")]))
    text = " ".join(_steps(out.findings))
    assert "Check the ESXi version of esx01 and esx02 and the VM hardware version of sql01 and sql02" in text
    assert "ESXi 6.0+ (" not in text and "VM hardware 11+ (" not in text
    assert "not visible in the export, verify: ESXi 6.0+, VM hardware 11+, 10 GbE vMotion network" in text


def test_a_lone_guest_with_a_cluster_disk_is_told_to_find_its_partner() -> None:
    out = run(make([host("esx01", esx=NEW)], [guest("sql01", "vm-1", "esx01", hw="10")],
                   disks=[rdm("vm-1", "[san01] q.vmdk", "L1")]))
    vmw02 = of(out, "VMW-02")
    assert vmw02 and "No partner guest" in vmw02[0].steps[0]
    assert "(now version 10)" in vmw02[0].remediation and "ESXi 6.0" not in vmw02[0].remediation


def of_rule(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


def test_in_a_box_on_old_versions_upgrades_before_spreading() -> None:
    steps = _steps(_cluster(("esx01", "esx01"), esx=(OLD, OLD), hw="8"))
    upgrade = next(i for i, s in enumerate(steps) if s.startswith("Upgrade esx01 from ESXi 5.5.0"))
    hardware = next(i for i, s in enumerate(steps) if s.startswith("Upgrade the VM hardware"))
    spread = next(i for i, s in enumerate(steps) if s.startswith("Spread the nodes"))
    assert upgrade < spread and hardware < spread


def test_a_heartbeat_network_on_one_host_is_fixed_before_the_nodes_are_spread() -> None:
    from reportgen.rules.advice import GroupFacts, Node, advise
    nodes = (Node("fs-a", "esx01", 703, "7.0.3", 19), Node("fs-b", "esx01", 703, "7.0.3", 19))
    steps = advise(GroupFacts("in-a-box", frozenset({"VMW-01", "VMW-10", "VMW-11", "GEN-02"}), nodes))
    assert steps[0].startswith("First give the nodes' heartbeat network uplinks on every host")
    assert "VMW-10: no uplink" in steps[0] and "VMW-11: missing on other hosts" in steps[0]
    assert [s.startswith("Spread the nodes") for s in steps].index(True) > 1


@pytest.mark.parametrize(("drs", "said"), [(True, "a DRS anti-affinity rule and"),
                                           (False, "a DRS anti-affinity rule with DRS turned on and"),
                                           (None, "a DRS anti-affinity rule with DRS on and")], ids=["on", "off", "unknown"])
def test_the_spread_says_a_drs_rule_needs_drs_where_it_is_off_or_not_shown(drs: bool | None, said: str) -> None:
    """The bcspa1 export's nodes were to be kept apart 'by a DRS anti-affinity rule' on a cluster whose DRS is off."""
    spread = next(s for s in _steps(_cluster(("esx01", "esx01"), drs=drs)) if s.startswith("Spread the nodes"))
    assert f"kept apart by {said} 'must run on' host groups" in spread, spread

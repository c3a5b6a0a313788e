"""VMW-10 … VMW-12: uplinkless port groups, names missing on some hosts, heartbeat colocation."""

from __future__ import annotations

from reportgen.causes import RuleCause
from reportgen.rules import Severity

from .canonical import guest, host, key, make, nic, of, pinned, portgroup, run

HOSTS = [host("esx01"), host("esx02"), host("esx03")]


def nets(isolated: bool = True, label: str = "Isolate") -> list[dict[str, object]]:
    rows = [portgroup(h, "VM Network") for h in ("esx01", "esx02", "esx03")]
    rows += [portgroup(h, label, "vSwitch2", uplink=not isolated) for h in ("esx01", "esx02", "esx03")]
    return rows


def test_only_connected_nics_of_running_guests_pin_now() -> None:
    guests = [
        guest("running-connected", "vm-1", "esx01"),
        guest("running-disconnected", "vm-2", "esx01"),
        guest("off-starts-connected", "vm-3", "esx02", power="poweredOff"),
        guest("off-starts-disconnected", "vm-4", "esx02", power="poweredOff"),
        guest("template", "vm-5", "esx03", power="poweredOff", template=True),
    ]
    nics = [
        nic("vm-1", "Isolate", switch="vSwitch4"),
        nic("vm-2", "Isolate", connected=False, starts=False, switch="vSwitch4"),
        nic("vm-3", "Isolate", connected=False, starts=True, switch="vSwitch4"),
        nic("vm-4", "Isolate", connected=False, starts=False),
        nic("vm-5", "Isolate", connected=False, starts=True),
    ]
    out = run(make(HOSTS, guests, nics=nics, networks=nets()))
    timing = {f.guest_key.split("/")[1]: (f.timing, f.severity) for f in of(out, "VMW-10")}
    assert timing == {
        "vm-1": ("now", Severity.HIGH), "vm-2": ("hygiene", Severity.LOW), "vm-3": ("next-power-on", Severity.HIGH),
        "vm-4": ("hygiene", Severity.LOW), "vm-5": ("hygiene", Severity.LOW),
    }
    assert pinned(out, "VMW-10") == {("vm-1", "esx01"), ("vm-3", "esx02")}
    assert {p.cause for p in out.pins} == {RuleCause("portgroup", f"{key('esx01')}/Isolate"),
                                          RuleCause("portgroup", f"{key('esx02')}/Isolate")}


def test_the_switch_comes_from_vport_not_from_vnetwork() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], nics=[nic("vm-1", "Isolate", switch="vSwitch4")],
                   networks=nets()))
    evidence = of(out, "VMW-10")[0].evidence
    assert "is on vSwitch2 of host esx01" in evidence and "vNetwork says Switch = vSwitch4" in evidence


def test_port_groups_with_uplinks_tie_nobody() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], nics=[nic("vm-1", "Isolate")], networks=nets(False)))
    assert of(out, "VMW-10") == [] and out.pins == []


def test_an_uplinkless_switch_without_guests_pins_nobody() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], nics=[nic("vm-1", "VM Network")], networks=nets()))
    assert out.findings == [] and out.pins == []


def test_a_heartbeat_on_a_host_only_network_colocates_the_nodes() -> None:
    guests = [guest("n1", "vm-1", "esx01"), guest("n2", "vm-2", "esx01")]
    nics = [nic("vm-1", "VM Network"), nic("vm-1", "Heartbeat", row=3), nic("vm-2", "VM Network"),
            nic("vm-2", "Heartbeat", row=5)]
    out = run(make(HOSTS, guests, nics=nics, networks=nets(label="Heartbeat")))
    assert [(c.a, c.b, c.rule) for c in out.colocations] == [(key("vm-1"), key("vm-2"), "VMW-10")]
    assert {f.severity for f in of(out, "VMW-10")} == {Severity.CRITICAL}
    assert out.suspected == [(key("vm-1"), key("vm-2"))]
    other = run(make(HOSTS, guests, nics=nics[:2] + [nic("vm-2", "VM Network")], networks=nets(label="Heartbeat")))
    assert other.colocations == []


def test_a_port_group_on_one_host_of_the_cluster_pins_its_guests() -> None:
    networks = nets(False) + [portgroup("esx01", "Backup", "vSwitch1")]
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx02")],
                   nics=[nic("vm-1", "Backup"), nic("vm-2", "VM Network")], networks=networks))
    finding = of(out, "VMW-11")[0]
    assert finding.severity == Severity.HIGH and "1 of the 3 hosts" in finding.evidence
    assert pinned(out, "VMW-11") == {("vm-1", "esx01")}


def test_a_port_group_on_some_hosts_restricts_without_pinning() -> None:
    networks = nets(False) + [portgroup("esx01", "Backup", "vSwitch1"), portgroup("esx02", "Backup", "vSwitch1")]
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], nics=[nic("vm-1", "Backup")], networks=networks))
    finding = of(out, "VMW-11")[0]
    assert finding.severity == Severity.MEDIUM and "2 of the 3 hosts" in finding.evidence and out.pins == []
    assert [t.rsplit("/", 1)[1] for t in finding.targets or ()] == ["esx02"]  # maintenance can move it only there


def test_a_port_group_on_every_host_is_fine() -> None:
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], nics=[nic("vm-1", "VM Network")], networks=nets(False)))
    assert of(out, "VMW-11") == []


def test_a_distributed_port_group_without_uplinks_is_reported_not_pinned() -> None:
    dv = [portgroup(h, "dv-private", "dvs01", uplink=False, kind="distributed") for h in ("esx01", "esx02", "esx03")]
    guests = [guest("n1", "vm-1", "esx01"), guest("n2", "vm-2", "esx01")]
    out = run(make(HOSTS, guests, nics=[nic("vm-1", "dv-private", switch="dvs01"), nic("vm-2", "dv-private",
                                                                                    switch="dvs01")],
                   networks=nets(False) + dv))
    assert len(of(out, "VMW-12")) == 2 and out.pins == []
    assert len(out.colocations) == 1  # 'private' looks like a heartbeat: the two must stay together
    fine = [portgroup(h, "dv-private", "dvs01", uplink=True, kind="distributed") for h in ("esx01", "esx02", "esx03")]
    assert of(run(make(HOSTS, guests, nics=[nic("vm-1", "dv-private")], networks=nets(False) + fine)), "VMW-12") == []

"""VMW-14 … VMW-18: host CD/DVD, host USB, SR-IOV; passthrough cannot be seen."""

from __future__ import annotations

from reportgen.rules import Severity, evaluate

from .canonical import device, guest, host, key, make, nic, of, pinned, run

HOSTS = [host("esx01"), host("esx02")]


def test_a_connected_host_drive_pins_and_a_client_drive_does_not() -> None:
    guests = [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx01"), guest("c", "vm-3", "esx02", power="poweredOff")]
    devices = [
        device("vm-1", "cd", "host", "ATAPI /vmfs/devices/cdrom/mpx.vmhba0:C0:T5:L0", True, True, row=3),
        device("vm-2", "cd", "client", "Remote ATAPI", True, False, row=4),
        device("vm-3", "cd", "host", "ATAPI cdrom0", False, True, row=5),
    ]
    out = run(make(HOSTS, guests, devices=devices))
    assert pinned(out, "VMW-18") == {("vm-1", "esx01"), ("vm-3", "esx02")}
    timing = {f.guest_key: (f.timing, f.severity) for f in of(out, "VMW-18")}
    assert timing == {key("vm-1"): ("now", Severity.MEDIUM), key("vm-2"): ("hygiene", Severity.LOW),
                      key("vm-3"): ("next-power-on", Severity.MEDIUM)}
    assert "(the host's drive)" in of(out, "VMW-18")[0].evidence


def test_disconnected_host_drives_tie_nothing() -> None:
    devices = [device("vm-1", "cd", "host", "ATAPI cdrom0", False, False)]
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], devices=devices))
    assert of(out, "VMW-18") == [] and out.pins == []


def test_a_host_usb_device_pins_its_guest() -> None:
    usb = device("vm-1", "usb", "host", "USB 2.0 storage", True, True, row=2)
    out = run(make(HOSTS, [guest("dongle", "vm-1", "esx02"), guest("b", "vm-2", "esx02")], devices=[usb]))
    assert pinned(out, "VMW-17") == {("vm-1", "esx02")}
    assert "vUSB row 2" in of(out, "VMW-17")[0].evidence
    assert of(run(make(HOSTS, [guest("b", "vm-2", "esx02")])), "VMW-17") == []


def test_sr_iov_adapters_pin_and_strand() -> None:
    out = run(make(HOSTS, [guest("nfv", "vm-1", "esx01")], nics=[nic("vm-1", "VM Network", adapter="SR-IOV")]))
    assert pinned(out, "VMW-15") == {("vm-1", "esx01")} and len(out.strands) == 1


def test_direct_path_io_on_vmxnet3_is_not_passthrough() -> None:
    out = run(make(HOSTS, [guest("web", "vm-1", "esx01")], nics=[nic("vm-1", "VM Network", direct_path_io=True)]))
    assert out.findings == [] and out.pins == []


def test_passthrough_is_never_assessed_and_hot_plug_is_only_a_suspicion() -> None:
    estate = make(HOSTS, [guest("gpu", "vm-1", "esx01", passthru_hotplug="True"), guest("b", "vm-2", "esx01")])
    out = evaluate(estate)
    coverage = [c for c in out.coverage if c.rule == "VMW-14"]
    assert [c.status for c in coverage] == ["not-assessed"] and "no tab for PCI devices" in coverage[0].reason
    hint = of(out, "VMW-14")
    assert [(f.guest_key, f.suspected, f.severity) for f in hint] == [(key("vm-1"), True, Severity.INFO)]
    assert out.pins == []

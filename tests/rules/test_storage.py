"""VMW-13 and VMW-19: single-host datastores holding guest files, disks or ISO images."""

from __future__ import annotations

from reportgen.causes import RuleCause
from reportgen.rules import Effect, Severity
from reportgen.rules.records import Location

from .canonical import device, disk, guest, host, key, make, of, pinned, run, store

HOSTS = [host("esx01"), host("esx02")]
STORES = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"]), store("vsanDatastore", ["esx01"], "vsan")]


def test_files_on_a_single_host_datastore_pin_and_strand_the_running_guest() -> None:
    guests = [guest("app", "vm-1", "esx01", ds="local01", row=9), guest("web", "vm-2", "esx02")]
    out = run(make(HOSTS, guests, disks=[disk("vm-1", "[local01] app/app.vmdk", row=4)], datastores=STORES))
    finding = of(out, "VMW-13")[0]
    assert finding.guest_key == key("vm-1") and finding.timing == "now" and finding.severity == Severity.HIGH
    assert "vInfo row 9 Path" in finding.evidence and "vDisk row 4 Path" in finding.evidence
    assert finding.source == Location("vDisk", "row 4")  # the first place listed
    assert "[local01]" in finding.evidence and "# Hosts = 1, Hosts = esx01" in finding.evidence
    assert Effect.RESTART in finding.effects
    assert pinned(out) == {("vm-1", "esx01")}
    assert [(s.guest, s.cause) for s in out.strands] == [(key("vm-1"), RuleCause("datastore", key("local01")))]


def test_only_a_disk_on_local_storage_is_enough() -> None:
    out = run(make(HOSTS, [guest("app", "vm-1", "esx01")],
                   disks=[disk("vm-1", "[san01] app/app.vmdk"), disk("vm-1", "[local01] app/scratch.vmdk", row=3)],
                   datastores=STORES))
    assert pinned(out, "VMW-13") == {("vm-1", "esx01")}


def test_powered_off_guests_wait_for_power_on_and_templates_are_never_pinned() -> None:
    guests = [guest("old", "vm-1", "esx01", ds="local01", power="poweredOff"),
              guest("tpl", "vm-2", "esx01", ds="local01", power="poweredOff", template=True)]
    out = run(make(HOSTS, guests, datastores=STORES))
    timing = {f.guest_key: f.timing for f in of(out, "VMW-13")}
    assert timing == {key("vm-1"): "next-power-on", key("vm-2"): "hygiene"}
    assert pinned(out) == {("vm-1", "esx01")}


def test_shared_and_vsan_datastores_tie_nothing() -> None:
    guests = [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx01", ds="vsanDatastore")]
    out = run(make(HOSTS, guests, disks=[disk("vm-2", "[vsanDatastore] b/b.vmdk")], datastores=STORES))
    assert of(out, "VMW-13") == [] and out.pins == []


def test_more_than_a_terabyte_on_local_disks_is_critical() -> None:
    out = run(make(HOSTS, [guest("big", "vm-1", "esx01")],
                   disks=[disk("vm-1", "[local01] big/big.vmdk", capacity_mib=2 * 1024 * 1024)], datastores=STORES))
    assert of(out, "VMW-13")[0].severity == Severity.CRITICAL


def test_a_connected_iso_on_a_local_datastore_pins() -> None:
    iso = device("vm-1", "cd", "iso", "ISO [local01] ISO/win2022.iso", connected=True, starts=True, row=6)
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01")], devices=[iso], datastores=STORES))
    finding = of(out, "VMW-19")[0]
    assert finding.timing == "now" and "vCD row 6" in finding.evidence and "seen only by esx01" in finding.evidence
    assert pinned(out, "VMW-19") == {("vm-1", "esx01")}


def test_a_connected_iso_on_a_shared_datastore_is_only_a_note() -> None:
    iso = device("vm-1", "cd", "iso", "ISO [san01] ISO/win2022.iso", connected=True, starts=True)
    off = device("vm-2", "cd", "iso", "ISO [local01] ISO/win2022.iso", connected=False, starts=False)
    out = run(make(HOSTS, [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx01")], devices=[iso, off],
                   datastores=STORES))
    findings = of(out, "VMW-19")
    assert [(f.guest_key, f.timing, f.severity) for f in findings] == [(key("vm-1"), "hygiene", Severity.LOW)]
    assert out.pins == []


def test_redacted_names_tie_the_same_guests() -> None:
    from reportgen.redact import redact_estate

    iso = device("vm-2", "cd", "iso", "ISO [local01] ISO/win2022.iso", connected=True, starts=True)
    estate = make(HOSTS, [guest("app", "vm-1", "esx01", ds="local01"), guest("b", "vm-2", "esx01")],
                  disks=[disk("vm-1", "[local01] app/app.vmdk")], devices=[iso], datastores=STORES)
    plain, redacted = run(estate), run(redact_estate(estate))
    assert sorted(p.rule for p in redacted.pins) == sorted(p.rule for p in plain.pins) == ["VMW-13", "VMW-19"]
    assert len(redacted.strands) == len(plain.strands) == 1

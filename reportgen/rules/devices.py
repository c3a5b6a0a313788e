"""VMW-14 … VMW-18: devices that bind a guest to its host.

Host CD/DVD drives (vCD 'ATAPI …', not 'Remote ATAPI', which is the client's drive) and host
USB devices (vUSB rows) tie a guest while connected. PCI passthrough, Dynamic DirectPath and
vGPU are not in RVTools at all: those rules are never assessed, and 'Direct Path IO = True'
in vNetwork, which is the vmxnet3 UPT flag, is deliberately not read as passthrough.
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from .emit import add_pins, cause, emit
from .evidence import at_row, located, value
from .records import Detector, Effect, Need, RuleContext, RuleInfo, RuleOutput, Severity
from .tables import frame, vsphere_guests
from .timing import device_timing

LM, EVAC, HA, BKP = Effect.LIVE_MIGRATION, Effect.EVACUATION, Effect.RESTART, Effect.HOST_BACKUP
NO_PCI_TAB = (
    "RVTools has no tab for PCI devices, so no RVTools export shows passthrough (vNetwork 'Direct Path IO' is the "
    "vmxnet3 UPT flag, not passthrough): check the guests' PCI devices by hand in vCenter"
)

VMW14 = RuleInfo(
    id="VMW-14", title="PCI passthrough (DirectPath I/O)", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, HA, BKP}),
    summary=(
        "A guest with a PCI device passed through cannot be moved with vMotion, suspended, snapshotted or "
        "restarted by HA elsewhere: every maintenance of its host is an outage."
    ),
    remediation=(
        "Use mediated or virtual devices (vGPU, vmxnet3 with UPT), Dynamic DirectPath with identical devices on "
        "two or more hosts, or agree a shutdown runbook."
    ),
    references=(("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-networking/"
                "GUID-BF2770C3-39ED-4BC5-A8EF-77D55EFE924C.html"),),
    cannot_assess=NO_PCI_TAB,
    detection=(
        "Not visible in RVTools. vInfo 'Fixed Passthru HotPlug' = True (4.6.1+) is reported as a suspicion only; "
        "vNetwork 'Direct Path IO' is never used."
    ),
)
VMW15 = RuleInfo(
    id="VMW-15", title="SR-IOV network adapter", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, HA}),
    summary=(
        "An SR-IOV passthrough NIC rules out vMotion, Storage vMotion, HA, FT, DRS, suspend and snapshots for "
        "the guest: it is tied to its host."
    ),
    remediation="Use vmxnet3 (with UPT where DPUs allow) or dedicated hardware.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/6.5/com.vmware.vsphere.networking.doc/"
                "GUID-E8E8D7B2-FE67-4B4F-921F-C3D6D7223869.html"),),
    needs=(Need("vsphere", "vNetwork", ("Adapter", "Connected", "Starts Connected")),),
    limits="RVTools' name for SR-IOV adapters is unverified: 'Adapter' containing SR-IOV / Sriov is matched",
    detection="vNetwork 'Adapter' containing 'SR-IOV' or 'Sriov' ('Direct Path IO' is not SR-IOV).",
)
VMW16 = RuleInfo(
    id="VMW-16", title="NVIDIA vGPU", severity=Severity.MEDIUM, effects=frozenset({EVAC}),
    summary=(
        "vGPU guests move with vMotion only when vCenter allows it, with a stun time growing with the frame "
        "buffer; maintenance mode evacuates them automatically only from vCenter 7.0 U3f with an opt-in setting."
    ),
    remediation="Enable vGPU vMotion, use 10/25 GbE vMotion, set the DRS maintenance option.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere.vcenterhost.doc/"
                "GUID-8FE6A0DA-49E9-472B-815B-D630CF2014AD.html"),),
    cannot_assess=("RVTools does not list vGPU profiles, so no RVTools export shows them: check the guests' PCI "
                   "devices by hand in vCenter"),
    detection="Not visible in RVTools.",
)
VMW17 = RuleInfo(
    id="VMW-17", title="USB device of the host", severity=Severity.HIGH,
    effects=frozenset({LM, EVAC}),
    summary=(
        "A USB device plugged into the host (dongle, licence key, modem) stays on that host: the guest depends "
        "on it, loses it on every maintenance of the host and cannot get it back on another host."
    ),
    remediation="Use a network USB server (USB over IP) or network licensing, or move the workload to a physical box.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/7.0/com.vmware.vsphere.vm_admin.doc/"
                "GUID-6D2A3FFF-8913-4BB4-9F41-2E1B3B78FEAC.html"),),
    needs=(Need("vsphere", "vUSB", (), "host USB devices of each guest", since="4.1.2"),),
    detection="Rows of vUSB (it lists only guests with a host USB device); 'Connected' / 'Auto connect'.",
)
VMW18 = RuleInfo(
    id="VMW-18", title="CD/DVD drive connected to a host or client device", severity=Severity.MEDIUM,
    effects=frozenset({LM, EVAC}),
    summary=(
        "A guest cannot be moved with vMotion while its CD/DVD drive is connected to the host's physical drive: "
        "it is tied to that host; vLCM / Update Manager also refuse to remediate the host. A client's drive "
        "('Remote ATAPI') blocks vMotion only while a client session keeps it connected: a note, not a tie."
    ),
    remediation=("Disconnect or remove the drive and clear 'Connect at power on' (else it reconnects at the next "
                 "power-on); check connected media in every patch run."),
    references=(("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-vcenter-esxi-management/"
                "GUID-0540DF43-9963-4AF9-A4DB-254414DC00DA.html"),),
    needs=(Need("vsphere", "vCD", ("Device Type", "Connected", "Starts Connected")),),
    limits="floppy drives are not exported by RVTools 4.1.2 and later",
    detection=(
        "vCD 'Device Type' starting with 'ATAPI' or '/dev' (host drive; 'Remote ATAPI' / 'Remote device' is the "
        "client's) with 'Connected' = True (running) or 'Starts Connected' = True (off)."
    ),
)


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    g = vsphere_guests(estate)
    _passthrough_hint(out, g)
    _sriov(out, estate, g)
    devices = frame(estate, "devices")
    if devices.is_empty():
        return out
    devices = devices.join(g.select("guest_key", "host_key", "host", "timing", "power_known"), on="guest_key").with_columns(
        timing=device_timing())
    _usb(out, devices.filter(pl.col("kind") == "usb"))
    _cd(out, devices.filter((pl.col("kind") == "cd") & pl.col("backing").is_in(["host", "client"])))
    return out


def _passthrough_hint(out: RuleOutput, g: pl.DataFrame) -> None:
    hint = g.filter(pl.col("passthru_hotplug").fill_null("").str.to_lowercase() == "true").with_columns(
        **at_row("vInfo")).with_columns(
        severity=pl.lit(int(Severity.INFO)), suspected=pl.lit(True),
        evidence=pl.concat_str(located(),
                               pl.lit(": Fixed Passthru HotPlug = True; a passthrough device is possible but the "
                                      "export cannot show it")),
    )
    emit(out, hint, VMW14, effects=frozenset())


def _sriov(out: RuleOutput, estate: Estate, g: pl.DataFrame) -> None:
    nics = frame(estate, "nics").filter(pl.col("adapter").fill_null("").str.contains(r"(?i)sr-?iov"))
    if nics.is_empty():
        return
    hit = nics.join(g.select("guest_key", "host_key", "timing", "power_known"), on="guest_key").with_columns(
        timing=device_timing(), cause=cause("sriov", pl.col("guest_key")), **at_row("vNetwork"),
    ).with_columns(evidence=pl.concat_str(
        located(), pl.lit(": "), value("Adapter", "adapter"),
        pl.lit(", "), value("Network", "network"), pl.lit(", "), value("Connected", "connected"),
    ))
    tied = hit.filter(pl.col("timing") != "hygiene")
    emit(out, tied, VMW15)
    emit(out, hit.filter(pl.col("timing") == "hygiene").with_columns(severity=pl.lit(int(Severity.LOW))), VMW15,
         effects=frozenset())
    add_pins(out, tied, VMW15.id, strand=True)


def _usb(out: RuleOutput, usb: pl.DataFrame) -> None:
    if usb.is_empty():
        return
    usb = usb.with_columns(**at_row("vUSB")).with_columns(
        cause=cause("usb", pl.col("guest_key")),
        evidence=pl.concat_str(
            located(), pl.lit(": "), pl.col("detail").fill_null("USB device"),
            pl.lit(", "), value("Connected", "connected"), pl.lit(", "), value("Auto connect", "starts_connected"),
            pl.lit(" (a device of host "), pl.col("host").fill_null("(unknown)"), pl.lit(")"),
        ),
    )
    tied = usb.filter(pl.col("timing") != "hygiene")
    emit(out, tied, VMW17)
    emit(out, usb.filter(pl.col("timing") == "hygiene").with_columns(severity=pl.lit(int(Severity.LOW))), VMW17,
         effects=frozenset())
    add_pins(out, tied, VMW17.id)


def _cd(out: RuleOutput, cds: pl.DataFrame) -> None:
    if cds.is_empty():
        return
    client = pl.col("backing") == "client"
    cds = cds.with_columns(cause=cause("cd", pl.col("guest_key")), **at_row("vCD")).with_columns(
        evidence=pl.concat_str(
            located(), pl.lit(": Device Type = "), pl.col("detail"),
            pl.when(client).then(pl.lit(" (a client's drive)")).otherwise(pl.lit(" (the host's drive)")),
            pl.lit(", "), value("Connected", "connected"), pl.lit(", "), value("Starts Connected", "starts_connected"),
            pl.when(client).then(pl.lit("; vMotion fails while it is connected, but it does not tie the guest to "
                                        "this host"))
            .when(pl.col("timing") == "now").then(pl.lit("; connected: tied now"))
            .when(pl.col("timing") == "next-power-on").then(pl.lit("; connects at power-on: tied at next power-on"))
            .otherwise(pl.lit("; not connected: no tie while it stays so")),
        ))
    host = cds.filter(~client)
    tied = host.filter(pl.col("timing") != "hygiene")
    emit(out, tied, VMW18)
    add_pins(out, tied, VMW18.id)
    # Notes: host drives that connect at the guest's next power cycle, client drives connected now.
    notes = pl.concat([
        host.filter((pl.col("timing") == "hygiene") & pl.col("starts_connected").fill_null(False)),
        cds.filter(client & (pl.col("timing") == "now") & pl.col("connected").fill_null(False)),
    ])
    emit(out, notes.with_columns(severity=pl.lit(int(Severity.LOW)), timing=pl.lit("hygiene")), VMW18,
         effects=frozenset())


DETECTORS = (Detector((VMW14, VMW15, VMW16, VMW17, VMW18), detect),)

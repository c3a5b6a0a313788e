"""VMW-13 and VMW-19: guest files, disks and ISO images on datastores one host sees.

A datastore is single-host when vDatastore says so ('# Hosts' <= 1, else 'MHA' = False);
vSAN is shared by design and never counts. A guest whose configuration, log, snapshot or
suspend directory or any disk is on such a datastore cannot be moved by DRS and would not
restart elsewhere if its host failed: pin and strand, with the datastore as the cause.
"""

from __future__ import annotations

import polars as pl

from ..estate import Estate
from .emit import add_pins, cause, emit
from .evidence import at_row, at_rows, located, names_text
from .records import Detector, Effect, Need, RuleContext, RuleInfo, RuleOutput, Severity
from .tables import frame, vsphere_guests
from .timing import device_timing

VM_CONDITIONS = (
    "https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-vcenter-esxi-management/"
    "GUID-0540DF43-9963-4AF9-A4DB-254414DC00DA.html"
)
_STORES = Need("vsphere", "vDatastore", ("Name", "# Hosts", "Hosts"), "which hosts see each datastore")
LARGE_MIB = 1024 * 1024
"""Over 1 TiB on local datastores, a move over the network takes hours: escalate."""

VMW13 = RuleInfo(
    id="VMW-13", title="Guest files or disks on a single-host datastore", severity=Severity.HIGH,
    effects=frozenset({Effect.LIVE_MIGRATION, Effect.EVACUATION, Effect.RESTART}),
    summary=(
        "A guest whose configuration, logs, snapshots, suspend file or disks sit on a datastore that only its "
        "host sees cannot be moved by DRS maintenance mode (only a manual vMotion that copies the disks over "
        "the network), and would not restart on another host if its host failed."
    ),
    remediation=(
        "Move the guest to shared storage with Storage vMotion; if the local placement is intentional (an "
        "appliance), record it as an accepted risk with a shutdown procedure."
    ),
    references=(VM_CONDITIONS,),
    needs=(_STORES, Need("vsphere", "vInfo", ("Path",), "the guest's configuration file"),
           Need("vsphere", "vInfo", ("Log directory", "Snapshot directory", "Suspend directory"), optional=True),
           Need("vsphere", "vDisk", ("Path",), "the guest's disks", optional=True)),
    limits="host-local swap files are not a tie (vMotion recreates them) and are not read",
    detection=(
        "The datastore in brackets of vInfo 'Path', 'Log directory', 'Snapshot directory', 'Suspend directory' "
        "and vDisk 'Path', looked up in vDatastore: '# Hosts' <= 1 (else 'MHA' = False), 'Type' not vsan."
    ),
)
VMW19 = RuleInfo(
    id="VMW-19", title="ISO image connected (a tie when on a single-host datastore)", severity=Severity.MEDIUM,
    effects=frozenset({Effect.LIVE_MIGRATION, Effect.EVACUATION}),
    summary=(
        "A connected CD/DVD drive backed by an ISO on a datastore only its host sees ties the guest to that "
        "host; any connected CD/DVD also makes Update Manager / vLCM pre-checks fail on the host."
    ),
    remediation=("Disconnect the ISO after use and clear 'Connect at power on' (else it reconnects at the next power-on); "
                 "keep an ISO library on a datastore every host sees."),
    references=(VM_CONDITIONS,
                ("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-lifecycle-manager/"
                "GUID-11C3E6A4-01E6-4427-A803-0647504B8E4C.html")),
    needs=(Need("vsphere", "vCD", ("Device Type", "Connected", "Starts Connected")), _STORES),
    detection=(
        "vCD 'Device Type' = 'ISO [datastore] path' with 'Connected' (running) or 'Starts Connected' (off); the "
        "datastore single-host as for VMW-13. ISOs on shared datastores that are connected: a low note."
    ),
)

_DIRS = (("config_path", "Path"), ("log_dir", "Log directory"), ("snapshot_dir", "Snapshot directory"),
         ("suspend_dir", "Suspend directory"))


def local_datastores(estate: Estate) -> pl.DataFrame:
    """Datastores seen by one host at most (vsan excluded): datastore_key, name, hosts seen by."""
    stores = frame(estate, "datastores")
    single = (pl.col("host_count") <= 1) | (pl.col("host_count").is_null() & pl.col("shared").not_())
    return stores.filter(single & ~pl.col("type").fill_null("").str.to_lowercase().is_in(["vsan"])).select(
        "datastore_key", "source_id", datastore="name", ds_name="name", ds_type="type", ds_hosts="host_count",
        seen_by=pl.col("host_names").list.join(", "),
    )


def in_own_vcenter(rows: pl.DataFrame, stores: pl.DataFrame) -> pl.DataFrame:
    """``rows`` (``source_id``, ``host_key``, ``datastore`` name) with the columns of the datastore of that name in
    the guest's own vCenter (``stores`` has ``datastore_key``, ``source_id`` and ``datastore``), by inner join.

    One export can hold several vCenters (RVTools in linked mode tells their rows apart by VI SDK UUID), each with
    its own 'esx03-local': the datastore is the one whose key starts with the vCenter part of the guest's host key
    (keys are '<vCenter>/<name>'). A guest without a host keeps every datastore of the name in its export."""
    scope = pl.concat_str(pl.col("host_key").str.replace(r"/[^/]*$", ""), pl.lit("/"))
    joined = rows.join(stores, on=["source_id", "datastore"], how="inner")
    return joined.filter(pl.col("host_key").is_null() | pl.col("datastore_key").str.starts_with(scope))


def detect(estate: Estate, ctx: RuleContext) -> RuleOutput:
    out = RuleOutput()
    local = local_datastores(estate)
    g = vsphere_guests(estate)
    _iso(out, estate, g, local)  # ISOs on shared datastores are noted even where no datastore is local
    if local.is_empty():
        return out
    places = [
        g.select("guest_key", "source_id", "row", datastore=pl.col(col).str.extract(r"^\[([^\]]+)\]", 1),
                 where=pl.lit("vInfo"), what=pl.lit(label), mib=pl.lit(0, pl.Int64))
        for col, label in _DIRS if col in g.columns
    ]
    disks = frame(estate, "disks").join(g.select("guest_key"), on="guest_key", how="semi")
    places.append(disks.select("guest_key", "source_id", "row", "datastore", where=pl.lit("vDisk"),
                               what=pl.lit("Path"), mib=pl.col("capacity_mib").fill_null(0)))
    found = pl.concat(places, how="vertical_relaxed").filter(pl.col("datastore").is_not_null()).join(
        g.select("guest_key", "host_key"), on="guest_key", how="left")
    found = in_own_vcenter(found, local).drop("host_key")
    if not found.is_empty():
        _on_local(out, g, found)
    return out


def _on_local(out: RuleOutput, g: pl.DataFrame, found: pl.DataFrame) -> None:
    per = found.with_columns(
        fact=pl.concat_str(pl.col("where"), pl.lit(" row "), pl.col("row").cast(pl.String), pl.lit(" "),
                           pl.col("what")),
    ).group_by("guest_key", "datastore_key").agg(
        pl.col("ds_name", "ds_hosts", "seen_by").first(), facts=names_text("fact", 4), mib=pl.col("mib").sum(),
        # the source is the first fact listed
        **at_rows(pl.col("where").sort_by("fact").first(),
                  pl.concat_str(pl.lit("row "), pl.col("row").sort_by("fact").first().cast(pl.String))),
    )
    per = per.join(g.select("guest_key", "host_key", "host", "timing"), on="guest_key").with_columns(
        cause=cause("datastore", pl.col("datastore_key"), name=pl.col("ds_name")),
        severity=pl.when(pl.col("mib") > LARGE_MIB).then(pl.lit(int(Severity.CRITICAL)))
        .otherwise(pl.lit(int(VMW13.severity))),
        evidence=pl.concat_str(
            pl.col("facts"), pl.lit(" on ["), pl.col("ds_name"), pl.lit("]; vDatastore: # Hosts = "),
            pl.col("ds_hosts").cast(pl.String).fill_null("(empty)"), pl.lit(", Hosts = "),
            pl.when(pl.col("seen_by").fill_null("") == "").then(pl.lit("(none)")).otherwise(pl.col("seen_by")),
            pl.when(pl.col("mib") > 0).then(pl.concat_str(
                pl.lit("; "), (pl.col("mib") / 1024).round(0).cast(pl.Int64).cast(pl.String), pl.lit(" GiB of disks there")))
            .otherwise(pl.lit("")),
            pl.when(pl.col("timing") == "now").then(pl.lit("; running: tied now"))
            .when(pl.col("timing") == "next-power-on").then(pl.lit("; off: tied at next power-on"))
            .otherwise(pl.lit("; template: no tie")),
        ),
    )
    emit(out, per.filter(pl.col("timing") != "hygiene"), VMW13)
    emit(out, per.filter(pl.col("timing") == "hygiene").with_columns(severity=pl.lit(int(Severity.LOW))), VMW13,
         effects=frozenset())
    add_pins(out, per, VMW13.id, strand=True)


def _iso(out: RuleOutput, estate: Estate, g: pl.DataFrame, local: pl.DataFrame) -> None:
    devices = frame(estate, "devices").filter((pl.col("kind") == "cd") & (pl.col("backing") == "iso"))
    if devices.is_empty():
        return
    isos = devices.join(g.select("guest_key", "host_key", "host", "timing", "power_known"), on="guest_key").with_columns(
        timing=device_timing())
    isos = isos.with_columns(row_id=pl.int_range(pl.len()))
    stores = frame(estate, "datastores").select("source_id", "datastore_key", datastore="name")
    listed = in_own_vcenter(isos.select("row_id", "source_id", "host_key", "datastore"), stores).unique("row_id")
    isos = isos.join(listed.select("row_id", "datastore_key"), on="row_id", how="left")
    isos = isos.join(local.select("datastore_key", "ds_name", "seen_by"), on="datastore_key", how="left")
    is_local = pl.col("ds_name").is_not_null()
    # a datastore vDatastore does not list is still the one of the guest's vCenter: never one name for all of them
    unlisted = pl.concat_str(pl.col("host_key").str.replace(r"/[^/]*$", ""), pl.lit("/"), pl.col("datastore"))
    isos = isos.with_columns(
        cause=cause("datastore", pl.coalesce("datastore_key", unlisted), name=pl.col("datastore")), **at_row("vCD"),
    ).with_columns(
        severity=pl.when(is_local).then(pl.lit(int(VMW19.severity))).otherwise(pl.lit(int(Severity.LOW))),
        evidence=pl.concat_str(
            located(), pl.lit(": Device Type = "), pl.col("detail"),
            pl.lit(", Connected = "), pl.col("connected").cast(pl.String).fill_null("(empty)"),
            pl.lit(", Starts Connected = "), pl.col("starts_connected").cast(pl.String).fill_null("(empty)"),
            pl.when(is_local).then(pl.concat_str(pl.lit("; datastore seen only by "),
                                                 pl.when(pl.col("seen_by").fill_null("") == "").then(pl.lit("no host"))
                                                 .otherwise(pl.col("seen_by"))))
            .otherwise(pl.lit("; shared datastore: no tie, but a connected CD/DVD fails vLCM / Update Manager "
                              "pre-checks")),
        ),
    )
    tied = isos.filter(is_local & (pl.col("timing") != "hygiene"))
    emit(out, tied, VMW19)
    add_pins(out, tied, VMW19.id)
    note = isos.filter(~is_local & (pl.col("timing") == "now") & pl.col("connected").fill_null(False))
    emit(out, note.with_columns(timing=pl.lit("hygiene")), VMW19, effects=frozenset())


DETECTORS = (Detector((VMW13, VMW19), detect),)

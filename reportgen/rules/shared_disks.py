"""VMW-01 … VMW-09: what a guest's shared, raw and multi-writer disks do to its mobility.

:func:`classify` gives each disk row the rule it falls under, then decides per guest and
rule, with the version gates of GEN-03, whether the guest can still be moved with vMotion
(no pin) or is tied to its host (pin). Bus sharing is per controller, so one shared-bus
controller ties the guest even when its partner is not in the export.
"""

from __future__ import annotations

import polars as pl

from . import wsfc
from .evidence import at_rows, located, names_text, rows_text
from .records import Effect, Need, RuleInfo, Severity
from .versions import ESXI_CLUSTERED_VMDK, esxi_text

WSFC = "https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
LM, EVAC, HA = Effect.LIVE_MIGRATION, Effect.EVACUATION, Effect.RESTART
SVM, BKP = Effect.STORAGE_MIGRATION, Effect.HOST_BACKUP
MOBILITY = frozenset({LM, EVAC, HA})
"""Effects a finding loses when the guest can still be moved (no pin)."""

_BUS = Need("vsphere", "vDisk", ("Shared Bus",), "bus sharing of each disk's controller", since="3.10")
_RAW = Need("vsphere", "vDisk", ("Raw", "Raw Comp. Mode", "Raw LUN ID"), "raw device mappings", since="3.5")
_ESX = Need("vsphere", "vHost", ("ESX Version",), "version gate", optional=True)
_HW = Need("vsphere", "vInfo", ("HW version",), "version gate", optional=True)

VMW01 = RuleInfo(
    id="VMW-01", title="SCSI bus sharing 'virtual' (cluster in a box)", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, SVM}),
    summary=(
        "A SCSI controller with virtual bus sharing can never be moved with vMotion and only works while "
        "every node runs on the same host: the whole guest cluster is shut down for every maintenance of "
        "that host and gives no protection against its failure."
    ),
    remediation=(
        "Rebuild across hosts (physical bus sharing on physical-mode RDMs, clustered VMDK on vSphere 7.0+, "
        "or vVols) with DRS rules keeping nodes apart, or remove the shared disk (SQL Server availability "
        "groups, Exchange DAG); if the cluster exists only for patching, use one guest protected by vSphere HA."
    ),
    references=(WSFC + "GUID-7291B20B-33A6-4E9C-A041-72ED68D385BB.html",
                ("https://developer.broadcom.com/xapis/vsphere-web-services-api/8.0U3/"
                "vim.fault.SharedBusControllerNotSupported.html")),
    needs=(_BUS,),
    detection="vDisk 'Shared Bus' = virtualSharing (per controller 'Label').",
)
VMW02 = RuleInfo(
    id="VMW-02", title="Physical bus sharing with physical-mode RDMs", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, SVM, BKP}),
    summary=(
        "The classic WSFC across boxes. Before ESXi 6.0, with VM hardware below 11, or with a guest OS older than "
        "Windows Server 2012 (2008 SP2 on ESXi 6.x), the nodes cannot be moved with vMotion: each host maintenance "
        "is a manual guest failover and a power-off. From 6.0 with hardware 11 and a supported guest OS vMotion "
        "works on conditions the export cannot show (10 GbE vMotion network, relaxed WSFC heartbeat thresholds). "
        "Physical-mode RDMs are never in VM snapshots."
    ),
    remediation=(
        "Upgrade to ESXi 6.0+ (a supported release), VM hardware 11+ and a guest OS of Windows Server 2012+, "
        "verify a 10 GbE vMotion network and the WSFC heartbeat "
        "thresholds, keep nodes apart with DRS 'must run on' host groups and anti-affinity; medium term move "
        "to clustered VMDK (7.0+) or vVols; long term an application replica."
    ),
    references=(WSFC + "GUID-6AA6AECB-73D3-4B0F-9CAA-D5F9446D3601.html",
                WSFC + "GUID-6BD834AE-69BB-4D0E-B0B6-7E176907E0C7.html"),
    needs=(_BUS, _RAW, _ESX, _HW),
    detection=(
        "vDisk 'Shared Bus' = physicalSharing with 'Raw' = True ('Raw Comp. Mode' physicalMode or empty); "
        "gate: vHost 'ESX Version' >= 6.0, vInfo 'HW version' >= 11 and vInfo 'OS according to the VMware Tools' "
        "(else 'OS according to the configuration file') Windows Server 2012 or later (2008 on ESXi 6.x) -> vMotion "
        "possible on conditions (no pin), else blocking (pin); an unknown version or OS, or an OS other than "
        "Windows, blocks."
    ),
)
VMW03 = RuleInfo(
    id="VMW-03", title="Physical bus sharing on shared VMDKs", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, SVM, BKP}),
    summary=(
        "Shared VMDKs on a physical-sharing controller: from ESXi 7.0 on VMFS this is probably a clustered "
        "VMDK (vMotion works, no Storage vMotion, no snapshots); before 7.0 or on NFS it is unsupported and "
        "the guest cannot be moved."
    ),
    remediation=(
        "On 7.0+ keep the clustered VMDK but enforce DRS anti-affinity and plan storage moves as outages; "
        "before 7.0 or on NFS move the shared disks to physical-mode RDMs or upgrade to clustered VMDK."
    ),
    references=(WSFC + "GUID-97B054E2-2EB0-4E10-855B-521A38776F39.html",),
    needs=(_BUS, Need("vsphere", "vDatastore", ("Type",), "datastore type (VMFS / NFS)", optional=True), _ESX),
    limits="the clustered-VMDK flag of a datastore is not in RVTools: ESXi 7.0+ on VMFS is taken as clustered VMDK",
    detection=(
        "vDisk 'Shared Bus' = physicalSharing with 'Raw' = False; vDatastore 'Type' of the disk's datastore; "
        "vHost 'ESX Version' >= 7.0 on VMFS -> probably clustered VMDK (no pin); NFS or older -> blocking."
    ),
)
VMW04 = RuleInfo(
    id="VMW-04", title="Guest cluster on vVols or vSAN shared disks", severity=Severity.LOW,
    effects=frozenset(),
    summary="Shared disks on vVols or vSAN keep vMotion, HA and DRS; only the topology checks of GEN-02 apply.",
    remediation="Nothing to fix for mobility; keep nodes on different hosts (across boxes only).",
    references=(WSFC + "GUID-26F7CA5F-61F2-4789-A24B-D09172BF040C.html",),
    needs=(_BUS, Need("vsphere", "vDatastore", ("Type",), "datastore type (VVOL / vsan)")),
    detection="vDisk 'Shared Bus' = physicalSharing on a datastore whose vDatastore 'Type' is VVOL or vsan.",
)
VMW05 = RuleInfo(
    id="VMW-05", title="Shared virtual-mode RDM with physical bus sharing", severity=Severity.CRITICAL,
    effects=frozenset({LM, EVAC, SVM}),
    summary=(
        "Virtual-compatibility RDMs are supported for guest clusters in a box only; with physical bus sharing "
        "across hosts the configuration is unsupported (no SCSI-3 reservations) and cannot be moved."
    ),
    remediation="Convert the shared disks to physical-mode RDMs or clustered VMDKs, or use an application replica.",
    references=(WSFC + "GUID-6BD834AE-69BB-4D0E-B0B6-7E176907E0C7.html",),
    needs=(_BUS, _RAW),
    detection="vDisk 'Shared Bus' = physicalSharing, 'Raw' = True, 'Raw Comp. Mode' = virtualMode.",
)
VMW06 = RuleInfo(
    id="VMW-06", title="Raw device mapping used by one guest", severity=Severity.MEDIUM,
    effects=frozenset({BKP, SVM}),
    summary=(
        "A non-shared RDM moves with vMotion only if its LUN is presented to the destination host; a "
        "physical-mode RDM is never in snapshots, so host-level backup skips it, and Storage vMotion moves "
        "only its mapping file."
    ),
    remediation="Convert to a VMDK (Storage vMotion converts virtual-mode RDMs), or present the LUN to every host.",
    references=(("https://docs.vmware.com/en/VMware-vSphere/6.5/com.vmware.vsphere.storage.doc/"
                "GUID-4B2479B1-541D-4FF4-865E-2EE711294478.html"),),
    needs=(_RAW,),
    limits="LUN presentation (zoning, masking) per host is not in the export",
    detection="vDisk 'Raw' = True on a controller without bus sharing, 'Raw LUN ID' used by this guest only.",
)
VMW07 = RuleInfo(
    id="VMW-07", title="Multi-writer disk", severity=Severity.MEDIUM,
    effects=frozenset({SVM, BKP}),
    summary=(
        "Multi-writer disks (Oracle RAC, Pacemaker, Veritas) allow vMotion but not snapshots, Storage vMotion, "
        "cloning or host-level backup."
    ),
    remediation=(
        "Make the shared disks independent-persistent so OS disks can still be snapshotted, back up inside the "
        "guest (RMAN), keep nodes apart with DRS anti-affinity."
    ),
    references=(("https://knowledge.broadcom.com/external/article/313527/"
                "enabling-or-disabling-simultaneous-write.html"),),
    needs=(Need("vsphere", "vDisk", ("Sharing mode",), "the disk's sharing mode", since="4.4.1"),),
    limits="'Sharing mode' is empty for RDMs and on ESXi 5.5 hosts",
    detection="vDisk 'Sharing mode' = sharingMultiWriter.",
)
VMW08 = RuleInfo(
    id="VMW-08", title="Disk attached to several guests without sharing", severity=Severity.MEDIUM,
    effects=frozenset(),
    summary=(
        "The same disk is attached to several guests without bus sharing or multi-writer: only one of them can "
        "power on at a time, so 'failover' is a manual power-off and power-on (a cold-standby guest cluster)."
    ),
    remediation="Remove the duplicate attachment; use vSphere HA or application replication instead.",
    references=(("https://knowledge.broadcom.com/external/article/313527/"
                "enabling-or-disabling-simultaneous-write.html"),),
    needs=(Need("vsphere", "vDisk", ("Path", "Shared Bus")),
           Need("vsphere", "vDisk", ("Sharing mode",), since="4.4.1", optional=True)),
    detection="vDisk 'Path' (or 'Raw LUN ID') on two or more guests, 'Shared Bus' = noSharing, not multi-writer.",
)
VMW09 = RuleInfo(
    id="VMW-09", title="Snapshots on a guest with shared or raw disks", severity=Severity.MEDIUM,
    effects=frozenset({BKP}),
    summary=(
        "Snapshots of multi-writer and clustered disks are unsupported and physical-mode RDMs are skipped: "
        "backup jobs of these guests fail or silently leave the shared data out."
    ),
    remediation="Back up shared data inside the guest or on the array; make shared disks independent-persistent.",
    references=(("https://knowledge.broadcom.com/external/article/313527/"
                "enabling-or-disabling-simultaneous-write.html"),),
    needs=(Need("vsphere", "vSnapshot", (), "snapshots of each guest"), _BUS),
    detection="The guest has rows in vSnapshot and a VMW-01, 02, 03, 05, 06 or 07 finding.",
)

DISK_RULES: tuple[RuleInfo, ...] = (VMW01, VMW02, VMW03, VMW04, VMW05, VMW06, VMW07, VMW08, VMW09)
_SEVERITY = {"VMW-01": Severity.CRITICAL, "VMW-05": Severity.CRITICAL, "VMW-04": Severity.LOW,
             "VMW-07": Severity.MEDIUM, "VMW-08": Severity.MEDIUM}
_BUS_TEXT = {"physical": "physicalSharing", "virtual": "virtualSharing", "none": "noSharing"}
_MODE_TEXT = {"physical": "physicalMode", "virtual": "virtualMode"}
_SHARING_TEXT = {"multi-writer": "sharingMultiWriter", "none": "sharingNone"}


def _rule() -> pl.Expr:
    bus, raw = pl.col("bus_sharing"), pl.col("raw").fill_null(False)
    return (
        pl.when(bus == "virtual").then(pl.lit("VMW-01"))
        .when((bus == "physical") & raw & (pl.col("raw_mode") == "virtual")).then(pl.lit("VMW-05"))
        .when((bus == "physical") & raw).then(pl.lit("VMW-02"))
        .when((bus == "physical") & pl.col("ds_type").is_in(["vvol", "vsan"])).then(pl.lit("VMW-04"))
        .when(bus == "physical").then(pl.lit("VMW-03"))
        .when(pl.col("sharing_mode") == "multi-writer").then(pl.lit("VMW-07"))
        .when(pl.col("shared_path") | pl.col("shared_lun")).then(pl.lit("VMW-08"))
        .when(raw).then(pl.lit("VMW-06"))
        .otherwise(pl.lit(None, pl.String))
    )


def classify(disks: pl.DataFrame, bonded: set[str]) -> pl.DataFrame:
    """One row per (guest, rule): severity, whether it pins, evidence and the GEN-03 gate note."""
    columns = ["guest_key", "host_key", "timing", "rule", "severity", "pins", "evidence", "source_tab",
               "source_rows", "gate_unknown", "gate_note"]
    if disks.is_empty():
        return pl.DataFrame(schema={c: (pl.Boolean if c in ("pins", "gate_unknown") else
                                        pl.Int64 if c == "severity" else pl.String) for c in columns})
    per = _gated(_per_guest_and_rule(disks))
    rule = pl.col("rule")
    pins = rule.is_in(["VMW-01", "VMW-05"]) | (rule.is_in(["VMW-02", "VMW-03"]) & ~pl.col("gate_ok"))
    lonely = rule.is_in(["VMW-01", "VMW-02", "VMW-03", "VMW-05"]) & ~pl.col("guest_key").is_in(list(bonded))
    evidence = pl.concat_str(
        located(), pl.lit(": "), _facts(), pl.lit("; "), _gate(),
        pl.when(lonely).then(pl.lit("; no partner guest shares its disks in this export (partners in another "
                                    "vCenter, or a node not exported?)")).otherwise(pl.lit("")),
    )
    return per.with_columns(pins=pins, severity=_severity(), evidence=evidence, gate_note=_gate_note()).select(columns)


def _per_guest_and_rule(disks: pl.DataFrame) -> pl.DataFrame:
    """The disks under a rule, grouped per guest and rule: the facts evidence and gates need."""
    tagged = disks.with_columns(
        rule=_rule(),
        bus_text=pl.col("bus_sharing").replace_strict(_BUS_TEXT, default=None),
        mode_text=pl.col("raw_mode").replace_strict(_MODE_TEXT, default=None),
        sharing_text=pl.col("sharing_mode").replace_strict(_SHARING_TEXT, default=None),
    ).filter(pl.col("rule").is_not_null())
    return tagged.group_by("guest_key", "rule").agg(
        pl.col("name", "host_key", "host", "timing", "esxi", "hw", "hw_version", "host_product", "os").first(),
        **at_rows("vDisk", rows_text()), controllers=names_text("controller", 3), bus=names_text("bus_text", 2),
        modes=names_text("mode_text", 2), sharing=names_text("sharing_text", 2),
        lun=pl.col("lun_id").drop_nulls().first(), path=pl.col("path").drop_nulls().first(),
        ds_types=names_text("ds_type", 3), nfs=(pl.col("ds_type") == "nfs").any(),
        ds_unknown=pl.col("ds_type").is_null().any(),
        physical=(pl.col("raw_mode") == "physical").any(),
    )


def _gated(per: pl.DataFrame) -> pl.DataFrame:
    """Columns ``gate_unknown`` (a version, datastore type or guest OS the gate needs is unknown), ``gate_ok`` and
    ``wsfc_text`` (VMW-02: what the gate saw, in words; see :mod:`.wsfc`)."""
    gates = [wsfc.gate(e, None if e is None else f"{e // 100}.{e % 100}", h, o) if r == "VMW-02" else None
             for r, e, h, o in per.select("rule", "esxi", "hw", "os").iter_rows()]
    per = per.with_columns(
        wsfc_ok=pl.Series([g and g.ok for g in gates], dtype=pl.Boolean),
        wsfc_unknown=pl.Series([g and g.unknown for g in gates], dtype=pl.Boolean),
        wsfc_text=pl.Series([g and g.text for g in gates], dtype=pl.String))
    esxi, rule = pl.col("esxi"), pl.col("rule")
    gate_unknown = (
        pl.when(rule == "VMW-02").then(pl.col("wsfc_unknown"))
        .when(rule == "VMW-03").then(~pl.col("nfs") & (esxi.is_null() | pl.col("ds_unknown")))
        .otherwise(pl.lit(False))
    )
    gate_ok = (
        pl.when(rule == "VMW-02").then(pl.col("wsfc_ok"))
        .when(rule == "VMW-03").then(~pl.col("nfs") & ~pl.col("ds_unknown") & (esxi >= ESXI_CLUSTERED_VMDK))
        .otherwise(pl.lit(False)).fill_null(False)
    )
    return per.with_columns(gate_unknown=gate_unknown.fill_null(True), gate_ok=gate_ok)


def _severity() -> pl.Expr:
    rule = pl.col("rule")
    return (
        pl.when(rule.is_in(["VMW-02", "VMW-03"])).then(
            pl.when(pl.col("gate_ok")).then(pl.lit(int(Severity.MEDIUM)))
            .when(pl.col("gate_unknown")).then(pl.lit(int(Severity.HIGH)))
            .otherwise(pl.lit(int(Severity.CRITICAL))))
        .when(rule == "VMW-06").then(
            pl.when(pl.col("physical") | (pl.col("modes") == "")).then(pl.lit(int(Severity.MEDIUM)))
            .otherwise(pl.lit(int(Severity.LOW))))
        .otherwise(rule.replace_strict({k: int(v) for k, v in _SEVERITY.items()}, default=None))
    )


def _versions() -> pl.Expr:
    return pl.concat_str(
        pl.lit("vHost ESX Version = "), pl.col("host_product").fill_null("(empty)"),
        pl.lit(", vInfo HW version = "), pl.col("hw_version").fill_null("(empty)"),
    )


def _os() -> pl.Expr:
    """Evidence: the guest OS the VMW-02 gate read."""
    return pl.concat_str(pl.lit(", vInfo OS = "), pl.col("os").fill_null("(empty)"))


def _gate() -> pl.Expr:
    """Evidence: what the rule's gate (versions, datastore type) says about moving the guest."""
    esxi, rule = pl.col("esxi"), pl.col("rule")
    esx = pl.when(esxi.is_null()).then(pl.lit("unknown")).otherwise(esxi_text(esxi))
    return (
        pl.when(rule == "VMW-01").then(pl.lit("virtual bus sharing never allows vMotion and keeps every node on one host"))
        .when(rule == "VMW-02").then(pl.concat_str(_versions(), _os(), pl.lit(": "), pl.col("wsfc_text")))
        .when(rule == "VMW-03").then(pl.concat_str(
            pl.lit("datastore type "), pl.when(pl.col("ds_types") == "").then(pl.lit("unknown"))
            .otherwise(pl.col("ds_types")), pl.lit(", ESXi "), esx, pl.lit(": "),
            pl.when(pl.col("nfs")).then(pl.lit("shared VMDKs on NFS are not supported for guest clusters"))
            .when(pl.col("gate_ok")).then(pl.lit("probably a clustered VMDK: vMotion works, no Storage vMotion or snapshots"))
            .when(pl.col("gate_unknown")).then(pl.lit("version or datastore type unknown, treated as blocking"))
            .otherwise(pl.lit("shared VMDKs with bus sharing need ESXi 7.0 (clustered VMDK)"))))
        .when(rule == "VMW-04").then(pl.concat_str(pl.lit("datastore type "), pl.col("ds_types"),
                                                   pl.lit(": vMotion, HA and DRS keep working")))
        .when(rule == "VMW-05").then(pl.lit("virtual-mode RDMs with physical bus sharing are not supported across hosts"))
        .when(rule == "VMW-06").then(pl.lit("used by this guest only; no snapshots of a physical-mode RDM, and vMotion "
                                            "needs the LUN on the destination host"))
        .when(rule == "VMW-07").then(pl.lit("vMotion works; no snapshots, Storage vMotion or host-level backup"))
        .otherwise(pl.lit("attached to other guests: only one of them can power on at a time"))
    )


def _facts() -> pl.Expr:
    """Evidence: the vDisk columns and values behind the rule."""
    rule = pl.col("rule")
    raw_facts = pl.concat_str(
        pl.lit(", Raw = True, Raw Comp. Mode = "), pl.when(pl.col("modes") == "").then(pl.lit("(empty)"))
        .otherwise(pl.col("modes")),
        pl.when(pl.col("lun").is_not_null()).then(pl.concat_str(pl.lit(", Raw LUN ID = "), pl.col("lun")))
        .otherwise(pl.lit("")),
    )
    bus_facts = pl.concat_str(pl.lit("Shared Bus = "), pl.col("bus"), pl.lit(" on "), pl.col("controllers"))
    return (
        pl.when(rule.is_in(["VMW-02", "VMW-05"])).then(pl.concat_str(bus_facts, raw_facts))
        .when(rule.is_in(["VMW-01", "VMW-03", "VMW-04"])).then(bus_facts)
        .when(rule == "VMW-06").then(pl.concat_str(pl.lit("Shared Bus = "), pl.when(pl.col("bus") == "")
                                                   .then(pl.lit("(empty)")).otherwise(pl.col("bus")), raw_facts))
        .when(rule == "VMW-07").then(pl.concat_str(pl.lit("Sharing mode = sharingMultiWriter, Path = "),
                                                   pl.col("path").fill_null("(empty)")))
        .otherwise(pl.concat_str(
            pl.lit("Path = "), pl.coalesce(pl.col("path"), pl.col("lun")).fill_null("(empty)"),
            pl.lit(", Shared Bus = "), pl.when(pl.col("bus") == "").then(pl.lit("(empty)")).otherwise(pl.col("bus")),
            pl.lit(", Sharing mode = "), pl.when(pl.col("sharing") == "").then(pl.lit("(empty)"))
            .otherwise(pl.col("sharing"))))
    )


def _gate_note() -> pl.Expr:
    """GEN-03's text: the version gate that could not be applied, and why."""
    rule = pl.col("rule")
    return pl.concat_str(
        pl.lit("the "), rule, pl.lit(" version gate could not be applied to "), pl.col("name"), pl.lit(" on host "),
        pl.col("host").fill_null("(unknown)"), pl.lit(": "), _versions(),
        pl.when(rule == "VMW-02").then(_os())
        .when(rule == "VMW-03").then(pl.concat_str(pl.lit(", vDatastore Type = "), pl.when(pl.col("ds_types") == "")
                                                   .then(pl.lit("(empty)")).otherwise(pl.col("ds_types"))))
        .otherwise(pl.lit("")),
        pl.lit("; treated as blocking"),
    )


def snapshot_findings(per_rule: pl.DataFrame, g: pl.DataFrame) -> pl.DataFrame:
    """VMW-09 rows: guests with snapshots and a shared, raw or multi-writer disk finding."""
    risky = per_rule.filter(pl.col("rule").is_in(["VMW-01", "VMW-02", "VMW-03", "VMW-05", "VMW-06", "VMW-07"]))
    if risky.is_empty():
        return pl.DataFrame()
    per = risky.group_by("guest_key").agg(rules=pl.col("rule").unique().sort().str.join(", "))
    return per.join(g.select("guest_key", "host_key", "timing", "snapshots"), on="guest_key").filter(
        pl.col("snapshots") > 0
    ).with_columns(evidence=pl.concat_str(
        pl.lit("vSnapshot: "), pl.col("snapshots").cast(pl.String),
        pl.lit(" snapshot(s) on a guest with "), pl.col("rules"),
        pl.lit(": snapshots of its shared or raw disks fail or leave the shared data out"),
    ))

"""The canonical estate: one Arrow schema per table, shared by every importer and rule.

One row per thing, across every source. A null is *unknown*, never *false*: when an export
cannot show a fact, the column is null and the rules report the check as not assessed.

Keys
----
- ``source_id``: index into the ``sources`` table (int32).
- ``host_key``: vSphere ``<VI SDK UUID>/<host name>``; Hyper-V ``hyperv/<COMPUTERNAME>``, or
  ``hyperv/<scope>/<COMPUTERNAME>`` for hosts of two exports that share a computer name
  (:mod:`reportgen.importers.hyperv_hosts`).
- ``guest_key``: vSphere ``<VI SDK UUID>/<VM ID>`` (never the name: names are not unique);
  Hyper-V the VMId GUID in lower case.
- ``cluster_key``: vSphere ``<VI SDK UUID>/<datacenter>/<cluster>``; Hyper-V
  ``hyperv/<cluster name>``; null for a standalone host.
- ``datastore_key``: ``<VI SDK UUID>/<datastore name>``.

``conform`` casts a table to its schema and fails with :class:`SchemaError` when a required
column is missing; optional columns that are absent are added as nulls.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyarrow as pa

from .errors import SchemaError

PLATFORMS = ("vsphere", "hyperv")
RVTOOLS_FORMATS = ("rvtools-xlsx", "rvtools-csv")
"""The formats in RVTools' layout (written by RVTools or by a tool imitating it)."""
FORMATS = (*RVTOOLS_FORMATS, "hyperv-csv")
POWER_STATES = ("poweredOn", "poweredOff", "suspended")
BUS_SHARING = ("none", "virtual", "physical")
SHARING_MODES = ("none", "multi-writer")
RAW_MODES = ("physical", "virtual")
SWITCH_KINDS = (
    "standard",
    "distributed",
    "hyperv-external",
    "hyperv-internal",
    "hyperv-private",
)
DEVICE_KINDS = ("cd", "usb", "floppy", "pci", "dda", "vfc", "gpu")
DEVICE_BACKINGS = ("host", "client", "iso", "remote", "none")
MAX_MEMORY_MIB = 1 << 36
"""A ``memory_mib`` this large either way (64 PiB) is no machine's: the importers read it as unknown, and the
core refuses it."""


@dataclass(frozen=True)
class Column:
    """One column of a canonical table."""

    name: str
    type: pa.DataType
    required: bool = False
    doc: str = ""


def _schema(columns: list[Column]) -> pa.Schema:
    return pa.schema(
        [
            pa.field(c.name, c.type, nullable=not c.required, metadata={"doc": c.doc} if c.doc else None)
            for c in columns
        ]
    )


STR = pa.string()
I32 = pa.int32()
I64 = pa.int64()
F64 = pa.float64()
BOOL = pa.bool_()

COLUMNS: dict[str, list[Column]] = {
    "sources": [
        Column("source_id", I32, True, "index of this source"),
        Column("file", STR, True, "path of the export as given"),
        Column("format", STR, True, "rvtools-xlsx, rvtools-csv or hyperv-csv"),
        Column("platform", STR, True, "vsphere or hyperv"),
        Column("tool", STR, doc="exporting tool, e.g. RVTools or the reportgen collector"),
        Column("tool_version", STR, doc="exporting tool version, e.g. 4.7.1.4"),
        Column("exported_at", pa.timestamp("ms"), doc="time of the export (vMetaData / manifest)"),
        Column("server", STR, doc="management server as the export names it (vCenter, Hyper-V cluster)"),
        Column("server_uuid", STR, doc="vCenter instance UUID (VI SDK UUID)"),
        Column("server_version", STR, doc="vCenter / management server version"),
        Column("rows_read", I64, doc="data rows read from every tab used"),
        Column("rows_used", I64, doc="rows that became part of the estate"),
        Column("rows_skipped", I64, doc="rows skipped, each counted with a reason in the data-quality issues"),
        Column("superseded_by", I32, doc="source_id of a newer export of the same server, when one was given"),
        Column("producer_recognised", BOOL,
               doc="false when another exporter wrote the export for a platform reportgen cannot tell"),
    ],
    "clusters": [
        Column("cluster_key", STR, True),
        Column("name", STR, True),
        Column("datacenter", STR),
        Column("platform", STR, True),
        Column("ha_enabled", BOOL),
        Column("drs_enabled", BOOL),
        Column("drs_behavior", STR, doc="e.g. fullyAutomated, manual"),
        Column("admission_control", BOOL),
        Column("dpm_enabled", BOOL),
        Column("host_count", I32),
        Column("source_id", I32, True),
    ],
    "hosts": [
        Column("host_key", STR, True),
        Column("name", STR, True, "the host as the export names it"),
        Column("cluster_key", STR),
        Column("cluster", STR),
        Column("cluster_unknown", BOOL, doc="true when the export does not show whether a host with no cluster "
               "is in one (vSphere: vHost cannot tell and vCluster's host counts do not prove it standalone); "
               "such a host is never reported as standalone"),
        Column("datacenter", STR),
        Column("platform", STR, True),
        Column("product", STR, doc="e.g. 'VMware ESXi 7.0.3 build-21930508', 'Windows Server 2022'"),
        Column("version", STR, doc="product version, e.g. 7.0.3"),
        Column("build", STR),
        Column("in_maintenance", BOOL),
        Column("cpu_model", STR),
        Column("evc_current", STR),
        Column("evc_max", STR),
        Column("live_migration", BOOL, doc="vMotion supported / VirtualMachineMigrationEnabled"),
        Column("memory_mib", I64),
        Column("cores", I32),
        Column("max_vm_version", STR, doc="Hyper-V: highest VM configuration version the host runs "
               "(Get-VMHostSupportedVersion, else inferred from the OS build)"),
        Column("numa_spanning", BOOL, doc="Hyper-V: whether VMs may span NUMA nodes (Get-VMHost "
               "NumaSpanningEnabled); null when unknown"),
        Column("sockets", I32, doc="Hyper-V: processor sockets (Win32_Processor rows); null when unknown"),
        Column("vm_sans", pa.list_(STR), doc="Hyper-V: names of the host's virtual SANs (Get-VMSan); empty: "
               "none; null when not read"),
        Column("guardians", pa.list_(STR), doc="Hyper-V: encryption-certificate thumbprints of the HGS guardians "
               "the host holds with their private keys (Get-HgsGuardian); empty: none; null when not read"),
        Column("hgs_mode", STR, doc="Hyper-V: the host's HGS client mode, local or hgs (Get-HgsClientConfiguration "
               "Mode: Local or HostGuardianService); null when unknown"),
        Column("fqdn", STR, doc="Hyper-V: the host's DNS name (Get-VMHost FullyQualifiedDomainName, else a dotted name "
               "the export gives it); tells same-named hosts of two domains apart; null when unknown"),
        Column("fault_domain", STR, doc="vSAN fault domain (vHost 'vSAN Fault Domain Name'): the host's site "
               "unless the configuration names sites"),
        Column("site", STR, doc="the host's site, once assigned (sites.with_sites): [sites] in the "
               "configuration, else the fault domain"),
        Column("source_id", I32, True),
    ],
    "guests": [
        Column("guest_key", STR, True),
        Column("vcenter_scope", STR, doc="what guest_key is scoped by (vSphere): the vCenter's VI SDK UUID, else "
               "'server:<name>' or 'file:<export>' for an export that names no UUID"),
        Column("name", STR, True, "display name, URL escapes decoded"),
        Column("host_key", STR),
        Column("cluster_key", STR),
        Column("cluster", STR),
        Column("datacenter", STR),
        Column("platform", STR, True),
        Column("power_state", STR, doc="poweredOn, poweredOff, suspended"),
        Column("template", BOOL),
        Column("agent", STR, doc="vcls: a vSphere Cluster Services agent VM ('vCLS-<uuid>', 'vCLS (n)'), which "
               "vSphere deploys, moves, powers off and redeploys itself; null for every other VM"),
        Column("owner", STR, doc="from the owners file (--owners) where it names the guest, else the owner column"),
        Column("owner_source", STR, doc="file (the owners file) or export (the owner column); null without owner"),
        Column("owner_email", STR, doc="the owner's e-mail address, from the owners file"),
        Column("owner_team", STR, doc="the owner's team, from the owners file"),
        Column("owner_cost_centre", STR, doc="the owner's cost centre, from the owners file"),
        Column("folder", STR, doc="vInfo Folder: the VM folder in the vCenter inventory"),
        Column("os", STR),
        Column("vcpus", I32),
        Column("memory_mib", I64),
        Column("hw_version", STR, doc="vSphere 'vmx-19' / '19'; Hyper-V configuration version '9.0'"),
        Column("config_path", STR, doc="vmx / configuration file location"),
        Column("log_dir", STR),
        Column("snapshot_dir", STR),
        Column("suspend_dir", STR),
        Column("ft_state", STR),
        Column("ft_role", STR),
        Column("latency_sensitivity", STR),
        Column("cluster_rules", STR, doc="vInfo 'Cluster rule(s)'"),
        Column("cluster_rule_names", STR),
        Column("ha_restart_priority", STR),
        Column("evc_required", STR),
        Column("passthru_hotplug", STR, doc="vInfo 'Fixed Passthru HotPlug'"),
        Column("is_clustered", BOOL, doc="Hyper-V IsClustered"),
        Column("processor_compat", BOOL, doc="Hyper-V CompatibilityForMigrationEnabled"),
        Column("automatic_stop_action", STR),
        Column("annotation", STR),
        Column("snapshots", I32, doc="rows in vSnapshot; null when the export has no vSnapshot tab"),
        Column("vm_id", STR, doc="VM ID as exported (vm-123) or Hyper-V VMId"),
        Column("vm_uuid", STR),
        Column("server", STR),
        Column("created_at", pa.timestamp("ms"), doc="Hyper-V CreationTime"),
        Column("possible_owners", pa.list_(STR), doc="Hyper-V: host keys of the possible owner nodes of the "
               "VM's cluster resource (Get-ClusterOwnerNode); null when unknown"),
        Column("preferred_owners", pa.list_(STR), doc="Hyper-V: host keys of the preferred owners of the VM's "
               "cluster group, in order (Get-ClusterOwnerNode); empty: none set; null when unknown"),
        Column("possible_owner_names", pa.list_(STR), doc="Hyper-V: the nodes of ``possible_owners`` as "
               "Get-ClusterOwnerNode names them, in the same order"),
        Column("preferred_owner_names", pa.list_(STR), doc="Hyper-V: the nodes of ``preferred_owners`` as "
               "Get-ClusterOwnerNode names them, in the same order"),
        Column("replication_mode", STR, doc="Hyper-V Replica: none, primary, replica, extended-replica or "
               "test-replica (Get-VM ReplicationMode); null when unknown"),
        Column("apart_rules", pa.list_(STR), doc="Hyper-V: enabled DifferentNode cluster affinity rules naming "
               "the VM's group (Get-ClusterAffinityRule); empty: none; null when unknown"),
        Column("together_rules", pa.list_(STR), doc="Hyper-V: enabled SameNode cluster affinity rules naming the "
               "VM's group (Get-ClusterAffinityRule); empty: none; null when unknown"),
        Column("anti_affinity", pa.list_(STR), doc="Hyper-V: AntiAffinityClassNames of the VM's cluster group "
               "(Get-ClusterGroup); empty: none; null when unknown or not a cluster role"),
        Column("tpm_enabled", BOOL, doc="Hyper-V: the VM has a virtual TPM (Get-VMSecurity TpmEnabled); null "
               "when unknown"),
        Column("shielded", BOOL, doc="Hyper-V: the VM is shielded (Get-VMSecurity Shielded); null when unknown"),
        Column("key_guardians", pa.list_(STR), doc="Hyper-V: encryption-certificate thumbprints of the owner and "
               "guardians of the VM's key protector (Get-VMKeyProtector, decoded); null when not read"),
        Column("key_guardian_names", pa.list_(STR), doc="Hyper-V: names of the owner and guardians of the VM's key "
               "protector, in the order of key_guardians; null when not read"),
        Column("source_id", I32, True),
        Column("row", I32, doc="spreadsheet row of the guest in its main tab"),
    ],
    "disks": [
        Column("guest_key", STR, True),
        Column("label", STR, doc="'Hard disk 2' / Hyper-V controller location"),
        Column("controller", STR, doc="controller label, e.g. 'SCSI controller 1'"),
        Column("controller_type", STR, doc="e.g. 'VMware paravirtual SCSI', 'SCSI', 'IDE'"),
        Column("unit", I32, doc="the disk's unit on its controller (vDisk 'Unit #', Hyper-V ControllerLocation)"),
        Column("bus_sharing", STR, doc="none, virtual, physical; null when the export cannot say"),
        Column("sharing_mode", STR, doc="none, multi-writer; null when the export cannot say"),
        Column("raw", BOOL, doc="RDM"),
        Column("raw_mode", STR, doc="physical, virtual"),
        Column("lun_id", STR),
        Column("disk_mode", STR),
        Column("path", STR, doc="backing file or mapping file"),
        Column("datastore", STR, doc="datastore name parsed from [ds] or the volume"),
        Column("capacity_mib", I64),
        Column("persistent_reservations", BOOL, doc="Hyper-V SupportPersistentReservations"),
        Column("vhd_set", BOOL),
        Column("passthrough_disk", I32, doc="Hyper-V DiskNumber of a pass-through disk"),
        Column("source_id", I32, True),
        Column("row", I32),
    ],
    "nics": [
        Column("guest_key", STR, True),
        Column("label", STR),
        Column("adapter", STR),
        Column("network", STR, doc="port group / virtual switch name as the guest sees it"),
        Column("switch", STR, doc="switch as exported (vNetwork.Switch can be wrong; see networks)"),
        Column("connected", BOOL),
        Column("starts_connected", BOOL),
        Column("direct_path_io", BOOL, doc="VMXNET3 UPT flag, not PCI passthrough"),
        Column("mac", STR),
        Column("source_id", I32, True),
        Column("row", I32),
    ],
    "networks": [
        Column("host_key", STR, True),
        Column("network", STR, True, "port group or Hyper-V switch name"),
        Column("switch", STR),
        Column("switch_kind", STR, doc="standard, distributed, hyperv-external, -internal, -private"),
        Column("has_uplink", BOOL, doc="null when the export cannot show uplinks"),
        Column("vlan", STR),
        Column("source_id", I32, True),
    ],
    "datastores": [
        Column("datastore_key", STR, True),
        Column("name", STR, True),
        Column("type", STR, doc="VMFS, NFS, vsan, VVOL, CSV, SMB, local"),
        Column("host_count", I32),
        Column("host_keys", pa.list_(STR), doc="hosts that see the datastore"),
        Column("host_names", pa.list_(STR), doc="the same hosts by name, as the export spells them (vSphere)"),
        Column("shared", BOOL, doc="MHA / more than one host; null when unknown"),
        Column("capacity_mib", I64),
        Column("source_id", I32, True),
    ],
    "devices": [
        Column("guest_key", STR, True),
        Column("kind", STR, True, "cd, usb, floppy, pci, dda, vfc, gpu"),
        Column("backing", STR, doc="host, client, iso, remote, none"),
        Column("detail", STR, doc="the device as exported, e.g. 'ATAPI cdrom0'"),
        Column("datastore", STR, doc="datastore of an ISO"),
        Column("connected", BOOL),
        Column("starts_connected", BOOL),
        Column("bound_to_host", BOOL, doc="true / false / null = unknown"),
        Column("source_id", I32, True),
        Column("row", I32),
    ],
}

SCHEMAS: dict[str, pa.Schema] = {name: _schema(cols) for name, cols in COLUMNS.items()}
TABLES: tuple[str, ...] = tuple(COLUMNS)


def empty(table: str) -> pa.Table:
    """An empty table with the canonical schema of ``table``."""
    schema = SCHEMAS[table]  # not schema.empty_table(), which imports pandas when installed
    return pa.Table.from_arrays([pa.nulls(0, field.type) for field in schema], schema=schema)


def from_rows(table: str, rows: Sequence[Mapping[str, object]]) -> pa.Table:
    """The canonical ``table`` from Python rows (dicts keyed by column name; other keys are ignored).

    Built through polars: pyarrow's own conversion of Python objects imports pandas, when it is
    installed, to check for pandas objects: import time for nothing (docs/benchmarks.md, Import).
    """
    import polars as pl

    types = pl.DataFrame(empty(table)).schema
    present = [name for name in types if any(name in row for row in rows)]
    frame = pl.DataFrame([{name: row.get(name) for name in present} for row in rows],
                         schema={name: types[name] for name in present})
    return conform(table, frame.to_arrow())


def conform(table: str, data: pa.Table) -> pa.Table:
    """Cast ``data`` to the canonical schema of ``table``.

    Columns are put in schema order, optional missing columns are added as nulls, extra
    columns are dropped. Raises :class:`SchemaError` naming the missing required columns or
    a column that cannot be cast.
    """
    if table not in SCHEMAS:
        raise SchemaError(f"unknown canonical table {table!r}", hint=f"use one of {', '.join(TABLES)}")
    schema = SCHEMAS[table]
    present = set(data.column_names)
    missing = [f.name for f in schema if not f.nullable and f.name not in present]
    if missing:
        raise SchemaError(
            f"table {table!r} lacks required column(s): {', '.join(missing)}",
            hint="the importer must fill every required column",
        )
    arrays = []
    for field in schema:
        if field.name in present:
            column = data.column(field.name)
            try:
                column = column.cast(field.type) if column.type != field.type else column
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError) as exc:
                raise SchemaError(
                    f"table {table!r}, column {field.name!r}: cannot convert {column.type} to {field.type}",
                    hint=str(exc),
                ) from exc
            if not field.nullable and column.null_count:
                raise SchemaError(
                    f"table {table!r}, column {field.name!r}: {column.null_count} empty value(s) in a required column",
                    hint="the importer must skip (and count) rows without a key",
                )
        else:
            column = pa.nulls(data.num_rows, field.type)
        arrays.append(column)
    return pa.Table.from_arrays(arrays, schema=schema)

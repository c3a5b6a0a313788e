"""Reading Hyper-V PowerShell CSV exports: a collector bundle (zip or folder) or loose files.

Each CSV is recognised by its headers (the .NET property names ``Export-Csv`` writes), never
by its file name, so ``vms.csv`` from a user's own ``Get-VM | Export-Csv`` works as well as
the collector's ``Get-VM.csv``. Values stay text here; nested objects that ``Export-Csv``
renders as type names (``System.String[]``, ``Microsoft.HyperV.PowerShell.HardDiskDrive[]``)
become null (unknown), never data.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from ..errors import InputError, locate
from ..estate import DataIssue
from .bounded import MAX_CSV_BYTES, archive_files, folder_entries, open_export, read_all, read_member
from .detect import MANIFEST, bundle_file
from .hyperv_resaved import resaved
from .notes import skip_blank_rows, skip_notes
from .tabular import TextTable, decode, dedupe, read_text_table


@dataclass(frozen=True)
class Signature:
    """Headers that identify one object type: all of ``required`` and one of ``any_of``."""

    name: str
    required: frozenset[str]
    any_of: frozenset[str] = frozenset()
    spelled: tuple[str, ...] = ()
    """The headers as the cmdlet writes them (``required`` and ``any_of`` hold them in lower case)."""

    def matches(self, headers: frozenset[str]) -> bool:
        return self.required <= headers and (not self.any_of or bool(self.any_of & headers))


def _sig(name: str, required: tuple[str, ...], any_of: tuple[str, ...] = ()) -> Signature:
    return Signature(name, frozenset(h.lower() for h in required), frozenset(h.lower() for h in any_of),
                     (*required, *any_of))


# Most specific first: several objects share Name/State/Id/VMName/ComputerName.
SIGNATURES: tuple[Signature, ...] = (
    _sig("Get-VMHardDiskDrive", ("ControllerType", "Path"), ("DiskNumber", "SupportPersistentReservations")),
    _sig("Get-VMSecurity", ("TpmEnabled",), ("VMId", "VMName")),
    _sig("Get-VMKeyProtector", ("OwnerThumbprint",), ("GuardianThumbprints",)),  # the collector's decoded form
    _sig("Get-HgsGuardian", ("EncryptionThumbprint", "Name")),  # the collector's: certificates as thumbprints
    _sig("Get-HgsClientConfiguration", ("Mode", "IsHostGuarded")),
    _sig("Get-VMDvdDrive", ("DvdMediaType",)),
    _sig("Get-VMFibreChannelHba", ("SanName",), ("WorldWidePortNameSetA", "VMName", "VMId")),
    _sig("Get-VMSan", ("SanName", "ComputerName")),  # the collector's: the SAN's Name written as SanName
    _sig("Get-ClusterAffinityRule", ("RuleType", "Groups")),
    _sig("Get-VMGpuPartitionAdapter", ("MinPartitionVRAM",)),
    _sig("Get-VMAssignableDevice", ("LocationPath", "InstanceID"), ("VMName", "VMId")),
    _sig("Get-VMNetworkAdapter", ("SwitchName", "MacAddress")),
    _sig("Get-VMSwitch", ("SwitchType", "Name")),
    _sig("Get-VMProcessor", ("CompatibilityForMigrationEnabled",)),
    _sig("Get-VMHostSupportedVersion", ("Version", "IsDefault")),
    _sig("Get-VHD", ("VhdFormat", "Path")),
    _sig("Get-VMHost", ("MemoryCapacity",), ("VirtualMachineMigrationEnabled", "LogicalProcessorCount")),
    _sig("Get-ClusterOwnerNode", (), ("PossibleOwners", "OwnerNodes")),
    _sig("Get-ClusterSharedVolume", ("Name",), ("SharedVolumeInfo", "FriendlyVolumeName")),
    _sig("Get-ClusterGroup", ("GroupType", "OwnerNode")),
    _sig("Get-ClusterNode", ("Name", "State"), ("NodeName", "DrainStatus", "NodeWeight")),
    _sig("Win32_Processor", ("SystemName", "Name"), ("NumberOfCores", "ProcessorId", "Manufacturer")),
    _sig("Win32_OperatingSystem", ("CSName", "Caption", "BuildNumber")),
    _sig("Get-VM", ("State",), ("VMId", "Generation", "IsClustered", "ConfigurationLocation", "ProcessorCount")),
)
OBJECTS: tuple[str, ...] = tuple(s.name for s in SIGNATURES)

# Nested objects and collections as Export-Csv renders them (their ToString()).
_TYPE_NAME = (
    r"^(?:(?:System|Microsoft)\.[A-Za-z0-9_.`+]+(?:\[[^\]]*\])*"
    r"|CimSession: .*"
    r"|[A-Za-z]+(?:Component|Adapter|Drive|Controller|Port) \(Name = '.*)$"
)


_COMMON = frozenset({"name", "state", "path", "computername", "id", "vmname", "vmid"})
"""Headers many objects share: they do not tell which object a file that lost its telling column was."""


def near_miss(file: str, headers: tuple[str, ...]) -> tuple[str, tuple[str, ...]] | None:
    """The object a file that :func:`recognise` does not know was meant to be, and the telling columns it lacks:
    by its name (the collector names each file after its cmdlet), or by a telling header it kept."""
    present = frozenset(h.strip().lower() for h in headers)
    stem = file.rsplit("/", 1)[-1].rsplit(".", 1)[0].lower()
    for signature in SIGNATURES:
        spelled = {h.lower(): h for h in signature.spelled}
        lacks = [spelled[h] for h in sorted(signature.required - present)]
        if signature.any_of and not signature.any_of & present:
            lacks.append(" or ".join(spelled[h] for h in sorted(signature.any_of)))
        kept = signature.required & present
        if lacks and (stem == signature.name.lower() or (len(lacks) == 1 and kept - _COMMON)):
            return signature.name, tuple(lacks)
    return None


def recognise(headers: tuple[str, ...]) -> str | None:
    """The Hyper-V object type (cmdlet name) whose properties these headers are, if any."""
    present = frozenset(h.strip().lower() for h in headers)
    for signature in SIGNATURES:
        if signature.matches(present):
            return signature.name
    return None


@dataclass
class RawHyperV:
    """One Hyper-V export read as text: frames per object type plus what could not be used."""

    file: str
    objects: dict[str, pl.DataFrame] = field(default_factory=dict)
    """Per object type, the rows of every file of that type; ``__file`` and ``__row`` locate each."""
    headers: dict[str, frozenset[str]] = field(default_factory=dict)
    common: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per object type, the columns every one of its files has (a column one file lacks is unknown there)."""
    files: dict[str, list[str]] = field(default_factory=dict)
    manifest: dict[str, object] | None = None
    issues: list[DataIssue] = field(default_factory=list)
    type_lines: set[str] = field(default_factory=set)
    nested: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per file, the columns that held object type names (read as unknown, not as empty)."""
    near: dict[str, list[tuple[str, tuple[str, ...]]]] = field(default_factory=dict)
    """Per object, the files meant to be of it that lack a column telling it (file, columns): not read."""
    errors: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per object, the columns with cells holding a spreadsheet error value (read as unknown)."""
    garbled: dict[str, frozenset[str]] = field(default_factory=dict)
    """Per object, the identity columns with long numbers as Excel re-saves them (read as unknown)."""
    cut: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    """Per object, the files that end inside a record (a copy that stopped) and that record's line: partly read."""

    def frame(self, name: str) -> pl.DataFrame | None:
        return self.objects.get(name)


def _members(path: Path, issues: list[DataIssue]) -> Iterator[tuple[str, bytes]]:
    """(name, bytes) of the CSVs and the manifest of a folder, a zip, or the single file itself.

    Files are chosen by name before anything is read, and read within bounds (:mod:`.bounded`);
    folders and broken links named like CSVs are named in ``issues`` and skipped.
    """
    where = str(path)
    if path.is_dir():
        for entry in folder_entries(path, recursive=True):
            if not bundle_file(entry.name):
                _note_archive(entry.name, where, issues)
                continue
            if entry.kind in ("folder", "broken", "gone"):
                issues.append(DataIssue("info", where, str(entry.problem), sheet=entry.name))
                continue
            yield entry.name, entry.read(MAX_CSV_BYTES, f"{path}/{entry.name}")
        return
    with open_export(path, where) as opened:
        if not isinstance(opened, zipfile.ZipFile):
            yield path.name, read_all(opened, MAX_CSV_BYTES, where)
            return
        for info in archive_files(opened):
            _note_archive(info.filename, where, issues)
            if bundle_file(info.filename):
                yield info.filename, read_member(opened, info, MAX_CSV_BYTES, f"{path}!{info.filename}")


def _note_archive(name: str, where: str, issues: list[DataIssue]) -> None:
    """An archive inside a bundle is not opened: say so, so that its CSVs are not missed unseen."""
    if name.lower().endswith((".zip", ".7z", ".rar", ".gz", ".tar")):
        issues.append(DataIssue("warning", where, "an archive inside the bundle is not read; extract it and give "
                                "its folder (or the archive itself) on the command line", sheet=name))


def read_hyperv(path: Path) -> RawHyperV:
    """Read every CSV of a bundle (or one loose CSV) and the collector's manifest, if any."""
    raw = RawHyperV(str(path))
    unknown: list[str] = []
    parts: dict[str, list[pl.DataFrame]] = {}
    for name, data in _members(path, raw.issues):
        base = name.rsplit("/", 1)[-1]
        if base.lower() == MANIFEST:
            raw.manifest = _manifest(data, str(path), name)
            continue
        if not base.lower().endswith((".csv", ".txt")):
            continue
        where = f"{path}, {name}" if name != path.name else str(path)
        if not data.strip(b"\xef\xbb\xbf\xff\xfe\x00\r\n\t "):
            # Export-Csv writes an empty file when the pipeline held no objects.
            raw.issues.append(DataIssue("info", str(path), "the file is empty (no objects were exported); ignored",
                                        sheet=name))
            continue
        type_line = _only_type_line(data, where)
        if type_line is not None:
            raw.issues.append(DataIssue("info", str(path), f"the file holds only its '{type_line}' line (no objects "
                                        "were exported); ignored", sheet=name))
            continue
        table = read_text_table(data, where)
        kind = recognise(table.headers)
        if kind is None:
            _unknown(raw, unknown, name, table.headers)
            continue
        if table.type_line:
            raw.type_lines.add(table.type_line)
        frame = _drop_duplicate_headers(raw, table, _drop_ragged(raw, table, name, kind), name, where)
        cells = [c for c in frame.columns if not c.startswith("__")]
        frame = skip_blank_rows(frame, cells, raw.issues, raw.file, name)
        frame = skip_notes(frame, cells, raw.issues, raw.file, name, "file", "an object of the export")
        if table.encoding in ("utf-8", "cp1252"):
            _note_replaced_characters(raw, frame, name)
        frame = _blank_type_names(raw, frame, name)
        frame = frame.rename({c: _canonical(c) for c in frame.columns if not c.startswith("__")})
        frame = resaved(raw, frame, kind, name, _PROPERTIES)
        frame = frame.with_columns(__file=pl.lit(name))
        parts.setdefault(kind, []).append(frame)
        raw.files.setdefault(kind, []).append(name)
        raw.headers[kind] = raw.headers.get(kind, frozenset()) | frozenset(frame.columns)
        raw.common[kind] = raw.common.get(kind, frozenset(frame.columns)) & frozenset(frame.columns)
    for kind, frames in parts.items():
        raw.objects[kind] = pl.concat(frames, how="diagonal_relaxed")
        _note_uneven_files(raw, kind, frames)
    if unknown and not parts:
        listed = ", ".join(unknown[:3]) + (" …" if len(unknown) > 3 else "")
        raise InputError(
            f"is not a Hyper-V export: no CSV has the headers of a Hyper-V object ({listed})",
            where=str(path),
            hint="export with 'reportgen collector hyperv', or 'Get-VM | Export-Csv vms.csv -NoTypeInformation'",
        )
    for name in unknown:
        raw.issues.append(DataIssue(
            "warning", str(path), "not a Hyper-V object export reportgen knows (headers not recognised); ignored",
            sheet=name,
        ))
    return raw


def _unknown(raw: RawHyperV, unknown: list[str], name: str, headers: tuple[str, ...]) -> None:
    """A file whose headers are no object's: listed as unknown, or, meant to be an object, named with what it lacks."""
    meant = near_miss(name, headers)
    if meant is None:
        unknown.append(name)
        return
    kind, lacks = meant
    raw.near.setdefault(kind, []).append((name, lacks))
    raw.issues.append(DataIssue(
        "warning", raw.file, f"is meant to be {kind} output but lacks its column(s) "
        f"{', '.join(repr(c) for c in lacks)}, which tell such a file; not read, so the checks that need {kind} "
        f"are not assessed: export it again with every column", sheet=name, column=lacks[0]))


def _only_type_line(data: bytes, where: str) -> str | None:
    """The ``#TYPE …`` line of a file that holds nothing else, else None."""
    text = decode(data, where)[0].lstrip("\ufeff").strip()
    return text if text[:5].lower() == "#type" and "\n" not in text else None


def _drop_duplicate_headers(raw: RawHyperV, table: TextTable, frame: pl.DataFrame, name: str,
                            where: str) -> pl.DataFrame:
    """A header written twice (case aside) is never a silent choice: copies with the same values are noted and the
    first is kept; copies that differ stop the audit, naming the file and the column."""
    names = dedupe(list(table.headers))
    seen: dict[str, int] = {}
    for i, header in enumerate(table.headers):
        first = seen.setdefault(header.lower(), i)
        if first == i or not header:
            continue
        a, b = names[first], names[i]
        if not frame.select(pl.col(a).eq_missing(pl.col(b)).all()).item():
            raise InputError(
                f"the column '{header}' appears twice (columns {first + 1} and {i + 1}) with different values: "
                "which one is meant cannot be told", where=locate(where, None, None, header),
                hint="delete one of the two columns (or export the file again with Export-Csv) and run again")
        raw.issues.append(DataIssue(
            "info", str(raw.file), f"the column '{header}' appears twice (columns {first + 1} and {i + 1}) with the "
            "same values; the first is used", sheet=name, column=header, quoted=(header,)))
        frame = frame.drop(b)
    return frame


def _note_uneven_files(raw: RawHyperV, kind: str, frames: list[pl.DataFrame]) -> None:
    """Say which columns some files of one object type lack (one file per host, exported differently)."""
    uneven = sorted(c for c in raw.headers[kind] - raw.common[kind] if not c.startswith("__") and is_property(c))
    for column in uneven:
        lacking = [str(f["__file"][0]) for f in frames if column not in f.columns and f.height]
        if lacking:
            raw.issues.append(DataIssue(
                "warning", raw.file, f"{', '.join(lacking)} lack(s) the {kind} column {column} that the other files "
                "of that object have: it is unknown for their rows, so the checks that need it are not assessed; "
                "export every host with the same command", sheet=", ".join(lacking), column=column,
                quoted=tuple(lacking)))


# Property names are matched case-insensitively; the canonical spelling is the documented one.
_KNOWN = {
    h.lower(): h
    for h in (
        "VMId", "VMName", "Name", "Id", "State", "ComputerName", "IsClustered", "Version", "Generation",
        "ProcessorCount", "MemoryStartup", "MemoryAssigned", "Path", "ConfigurationLocation",
        "SnapshotFileLocation", "SmartPagingFilePath", "AutomaticStopAction", "Notes", "CreationTime",
        "ControllerType", "ControllerNumber", "ControllerLocation", "DiskNumber", "SupportPersistentReservations",
        "VMSnapshotId", "SwitchName", "MacAddress", "Connected", "IsManagementOs", "SwitchType", "DvdMediaType",
        "SanName", "WorldWidePortNameSetA", "WorldWidePortNameSetB", "LocationPath", "InstanceID",
        "CompatibilityForMigrationEnabled", "CompatibilityForMigrationMode", "IsDefault", "VhdFormat", "Size",
        "MemoryCapacity", "LogicalProcessorCount", "VirtualMachineMigrationEnabled", "FullyQualifiedDomainName",
        "PossibleOwners", "PreferredOwners", "OwnerNodes", "Group", "Cluster", "OwnerNode", "GroupType",
        "SharedVolumeInfo", "FriendlyVolumeName", "NodeName", "MajorVersion", "MinorVersion", "BuildNumber",
        "SystemName", "NumberOfCores", "Manufacturer", "CSName", "Caption", "EmbeddedTeamingEnabled",
        "NetAdapterInterfaceDescription", "Node", "ReplicationMode", "NumaSpanningEnabled", "AntiAffinityClassNames",
        "DeviceID", "RuleType", "Groups", "Enabled", "TpmEnabled", "Shielded", "OwnerThumbprint",
        "GuardianThumbprints", "EncryptionThumbprint", "HasPrivateSigningKey", "IsHostGuarded",
    )
}


_PROPERTIES = frozenset(_KNOWN.values())


def is_property(column: str) -> bool:
    """Whether ``column`` is a property reportgen reads from a Hyper-V object export."""
    return column.lower() in _KNOWN


def _canonical(column: str) -> str:
    return _KNOWN.get(column.lower(), column)


def _blank_type_names(raw: RawHyperV, frame: pl.DataFrame, name: str) -> pl.DataFrame:
    """Null out nested objects rendered as type names, and say which columns held them."""
    columns = [c for c in frame.columns if not c.startswith("__") and frame.schema[c] == pl.String]
    if not columns or frame.is_empty():
        return frame
    hits = frame.select([pl.col(c).str.contains(_TYPE_NAME).sum().alias(c) for c in columns]).row(0, named=True)
    nested = [c for c, n in hits.items() if n]
    if not nested:
        return frame
    raw.nested[name] = frozenset(nested)
    # Only properties the mapping reads are worth a word; the others are never data anyway.
    used = [c for c in nested if c.lower() in _KNOWN]
    if not used:
        return _blank(frame, nested)
    shown = ", ".join(used[:6]) + (f" and {len(used) - 6} more" if len(used) > 6 else "")
    raw.issues.append(DataIssue(
        "info", raw.file,
        f"column(s) {shown} hold object type names (nested objects Export-Csv cannot write); read as unknown",
        sheet=name,
    ))
    return _blank(frame, nested)


def _drop_ragged(raw: RawHyperV, table: TextTable, name: str, kind: str) -> pl.DataFrame:
    """Skip (and count) records with more or fewer fields than the header: their columns are shifted. The last
    record of a file cut short is named apart (:attr:`RawHyperV.cut`): the records after it are missing."""
    if not table.ragged:
        return table.frame
    keep = pl.Series([i not in set(table.ragged) for i in range(table.frame.height)])
    shifted = table.ragged[:-1] if table.cut_short else table.ragged
    if table.cut_short:
        line = int(table.frame["__row"][-1])
        raw.cut.setdefault(kind, []).append((name, line))
        raw.issues.append(DataIssue(
            "warning", raw.file, f"the file ends inside the record on line {line} (cut short): that record and any "
            f"after it are missing, so the checks that need {kind} are not assessed; copy or export it again",
            sheet=name, row=line, rows=1, skipped=True))
    if not shifted:
        return table.frame.filter(keep)
    bad = table.frame[list(shifted)]
    raw.issues.append(DataIssue(
        "warning", raw.file,
        f"{bad.height} row(s) skipped: they have a different number of fields than the header ({len(table.headers)}), "
        "so their values would land in the wrong columns. The likely cause is an export made with "
        "'Export-Csv -UseQuotes Never' (PowerShell 7) of values that contain the delimiter; export again "
        "without -UseQuotes, or use the reportgen collector",
        sheet=name, row=int(bad["__row"][0]), rows=bad.height, skipped=True,
    ))
    return table.frame.filter(keep)


_NAMES = ("Name", "VMName", "ComputerName", "SwitchName", "SystemName", "CSName", "OwnerNode", "Cluster")


def _note_replaced_characters(raw: RawHyperV, frame: pl.DataFrame, name: str) -> None:
    """Name '?' in names of a file without a byte order mark: ASCII exports replace non-ASCII letters by '?'."""
    for column in (c for c in frame.columns if c.lower() in {n.lower() for n in _NAMES}):
        hits = frame.filter(pl.col(column).str.contains("?", literal=True))
        if hits.height:
            raw.issues.append(DataIssue(
                "warning", raw.file,
                f"{hits.height} value(s) contain '?' (e.g. {hits[column][0]!r}): an ASCII export (the default of "
                "Export-Csv in Windows PowerShell 5.1) writes every non-ASCII character as '?', so these names may "
                "not match the hosts and VMs of other files; export again with '-Encoding UTF8'",
                sheet=name, row=int(hits["__row"][0]), column=column, rows=hits.height,
            ))


def _blank(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return frame.with_columns(
        [pl.when(pl.col(c).str.contains(_TYPE_NAME)).then(None).otherwise(pl.col(c)).alias(c) for c in columns]
    )


def _manifest(data: bytes, file: str, name: str) -> dict[str, object]:
    text, _ = decode(data, file)
    try:
        value = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        raise InputError(
            f"the collector manifest is not valid JSON ({exc.msg}, line {exc.lineno})",
            where=f"{file}, {name}", hint="run the collector again; the bundle may be truncated",
        ) from exc
    if not isinstance(value, dict):
        raise InputError("the collector manifest is not a JSON object", where=f"{file}, {name}",
                         hint="run the collector again")
    return value

"""Leak checking for ``--redact``: every value of the raw inputs, looked for in every output.

The values are read from the exports themselves (every sheet of a workbook, every CSV of a
folder or zip, the collector's manifest), never from reportgen's tables, so a column the importer
forgets is still checked. Cells that cannot identify anything are left out by one rule,
:func:`identifying`: see its docstring.
"""

from __future__ import annotations

import csv
import json
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from reportgen.redact_vocabulary import is_known_sheet

# Words that make a column one of names, identities or free text, whatever the format
# ('VM', 'Host', 'Datastore cluster name', 'ComputerName', 'Primary IP Address', 'Notes' …).
IDENTIFYING_WORDS = frozenset({
    "vm", "vms", "host", "hosts", "cluster", "datacenter", "name", "names", "path", "directory", "folder", "file",
    "datastore", "datastores", "network", "port", "portgroup", "switch", "uuid", "id", "annotation", "notes",
    "description", "comment", "dns", "ip", "ipv4", "ipv6", "address", "addresses", "mac", "pool", "vapp",
    "server", "servers", "owner", "owners", "domain", "fqdn", "computer", "node", "nodes", "group", "groups",
    "volume", "share", "location", "san", "wwn", "instance", "serial", "tag", "tags", "certificate", "issuer",
    "subject", "user", "login", "url", "target", "lun", "naa", "run", "reached", "errors",
    "message", "object", "ref", "vmref", "nic", "adapter",
})
# Last words of headers of columns whose values come from a fixed list or count something.
VOCABULARY_WORDS = frozenset({"type", "types", "version", "count", "state", "status", "size", "mode", "kind",
                              "policy", "behavior", "behaviour"})
# Columns named like names that hold a product: Win32_Processor's Name is the CPU model.
PRODUCT_COLUMNS = frozenset({("win32_processor", "name")})
# Headers of such columns in any sheet: the guest OS (VMware's list of guest OS names, or what the Tools report),
# which the VMW-02 evidence shows ('file' in the header is the guest's configuration file, not a name).
PRODUCT_HEADERS = frozenset({"os according to the configuration file", "os according to the vmware tools"})
# Words of the products and of the formats' fixed vocabularies, which name nothing of the client's.
COMMON = frozenset(w.lower() for w in (
    "poweredOn", "poweredOff", "suspended", "connected", "disconnected", "notConnected", "green", "yellow", "red",
    "gray", "grey", "normal", "running", "off", "saved", "paused", "none", "true", "false", "yes", "no",
    "enabled", "disabled", "unknown", "manual", "automatic", "fullyAutomated", "partiallyAutomated",
    "Affinity", "Anti-Affinity", "noSharing", "physicalSharing", "virtualSharing",
    "sharingMultiWriter", "physicalMode", "virtualMode", "vmxnet3", "e1000", "e1000e", "Local", "Shared",
    "Internal", "External", "Private", "Standard", "Distributed", "VMware vCenter Server", "VirtualCenter",
    "VMware VirtualCenter Server", "HostSystem", "VirtualMachine",
    # Hyper-V's default device names, which the report's rule titles use too
    "Network Adapter", "Legacy Network Adapter", "Fibre Channel Adapter",
    # the groups every Windows failover cluster has
    "Cluster Group", "Available Storage",
))
_CAMEL = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+")
_NUMBERISH = re.compile(r"^[\s\d.,:;/+\-x%()]*$")
_IP = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_WORD = re.compile(r"^[A-Za-z]+$")
_MIN_LENGTH = 4
_SQUEEZED_MIN = 10


def identifying_column(sheet: str, header: str, known: bool) -> bool:
    """Whether a column holds names, identities or free text: one that is not a column of the
    format (a custom attribute, a tag, a column added by hand), or whose header has a word of
    :data:`IDENTIFYING_WORDS` (CamelCase split: 'ComputerName' is 'computer name') and does not
    end in a word of :data:`VOCABULARY_WORDS` ('Device Type', 'GroupType'), nor is in
    :data:`PRODUCT_COLUMNS`."""
    if not known:
        return True
    words = [w.lower() for w in _CAMEL.findall(header)]
    if not words or words[-1] in VOCABULARY_WORDS or (Path(sheet).stem.lower(), header.lower()) in PRODUCT_COLUMNS \
            or header.lower() in PRODUCT_HEADERS:
        return False
    return any(w in IDENTIFYING_WORDS for w in words)


def identifying(value: str) -> bool:
    """Whether a value can identify something, so that it must not appear in a redacted output.

    Left out (and only these): values shorter than 4 characters (too short to name anything and
    found in any text by chance); values made only of digits, spaces and punctuation (counts,
    sizes, dates, versions such as '8.0.3'), except IPv4 addresses; the products' and formats' own
    words in :data:`COMMON` ('poweredOn', 'vmxnet3' …); the names of the formats' own tabs and objects
    ('vInfo', 'Get-VM', which the collector's manifest lists); and a single word of letters that
    reportgen's own text uses (:func:`own_words`: a guest named 'Media' or a custom attribute named
    'Backup' cannot be told from the report's prose, redacted or not).
    """
    text = value.strip()
    if len(text) < _MIN_LENGTH or text.lower() in COMMON or is_known_sheet(text):
        return False
    if _WORD.match(text) and text.lower() in own_words():
        return False
    return not _NUMBERISH.match(text) or bool(_IP.match(text))


@cache
def own_words() -> frozenset[str]:
    """Every word (lower case) of reportgen's sources and templates: what its outputs may say by themselves."""
    root = Path(__file__).resolve().parents[1]
    files = [*(root / "reportgen").rglob("*.py"), *(root / "templates").rglob("*.*")]
    return frozenset(w.lower() for f in files for w in re.findall(r"[A-Za-z]+", f.read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Value:
    """One identifying value and where it was read."""

    text: str
    where: str


def _rows_xlsx(path: Path) -> Iterator[tuple[str, list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        for sheet in book.worksheets:
            for row in sheet.iter_rows(values_only=True):
                yield sheet.title, ["" if c is None else str(c) for c in row]
    finally:
        book.close()


def _tables_text(name: str, data: bytes) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    text = data.decode("utf-8-sig", errors="replace")
    if name.lower().endswith(".json"):
        strings = list(_json_strings(json.loads(text)))
        yield name, [k for k, _ in strings], [[v for _, v in strings]]
        return
    lines = text.splitlines()
    if lines and lines[0].startswith("#TYPE"):
        lines = lines[1:]
    sample = "\n".join(lines[:5])
    delimiter = max((",", ";", "\t", "|"), key=sample.count)
    rows = list(csv.reader(lines, delimiter=delimiter))
    if rows:
        yield name, rows[0], rows[1:]


def _json_strings(data: object, key: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(data, dict):
        for k, v in data.items():
            yield from _json_strings(v, str(k))
    elif isinstance(data, list):
        for v in data:
            yield from _json_strings(v, key)
    elif isinstance(data, str):
        yield key, data


def _tables(path: Path) -> Iterator[tuple[str, list[str], list[list[str]]]]:
    """(sheet or file, header, rows) of every table in an export; file names come as a table too."""
    names = [path.stem]
    if path.is_dir():
        for file in sorted(p for p in path.rglob("*") if p.is_file()):
            names.append(file.name)
            yield from _tables_text(file.name, file.read_bytes())
    elif path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if not info.is_dir():
                    names.append(Path(info.filename).name)
                    yield from _tables_text(info.filename, archive.read(info))
    elif path.suffix.lower() in (".csv", ".json"):
        yield from _tables_text(path.name, path.read_bytes())
    else:
        sheets: dict[str, list[list[str]]] = {}
        for sheet, row in _rows_xlsx(path):
            sheets.setdefault(sheet, []).append(row)
        for sheet, rows in sheets.items():
            yield sheet, rows[0] if rows else [], rows[1:]
    yield "file names", ["File name"], [[Path(n).stem] for n in names if not is_known_sheet(n)]


def _known(sheet: str, header: str) -> bool:
    """Whether a column is the format's own: custom attributes and tags sit in RVTools' VM tabs only."""
    from reportgen.importers.rvtools_headers import VM_TABS, canonical_tab
    from reportgen.redact_vocabulary import is_known_column

    return canonical_tab(sheet) not in VM_TABS or is_known_column(header)


def input_values(paths: Iterable[Path]) -> dict[str, Value]:
    """Every identifying value of the exports' identifying columns (and the headers of columns that are
    not the format's own), keyed by its lower-case text."""
    values: dict[str, Value] = {}

    def add(text: str, where: str) -> None:
        if identifying(text):
            values.setdefault(text.strip().lower(), Value(text.strip(), where))

    for path in paths:
        for sheet, header, rows in _tables(path):
            columns = [i for i, h in enumerate(header) if identifying_column(sheet, h.strip(), _known(sheet, h.strip()))]
            for i in columns:
                if not _known(sheet, header[i].strip()):
                    add(header[i], f"{path.name} {sheet}: column name")
            for row in rows:
                for i in columns:
                    if i < len(row):
                        add(row[i], f"{path.name} {sheet} {header[i]!r}")
    return values


def _long(key: str) -> bool:
    return len(key) >= _SQUEEZED_MIN + 2 or (len(key) >= _SQUEEZED_MIN and not key.isalnum())


def _squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def leaks(values: dict[str, Value], text: str, wrapped: bool = False) -> list[Value]:
    """The values found in ``text``, as whole words (case ignored); in ``wrapped`` text (a PDF's,
    which wraps long names), long values also anywhere once white space is removed: 12 characters
    or more, or 10 with a separator ('datastore' and '1' on two lines of a table are not 'datastore1')."""
    lowered = text.lower()
    squeezed = _squeeze(lowered) if wrapped else ""
    found = []
    for key, value in values.items():
        if key in lowered and re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", lowered):
            found.append(value)
        elif wrapped and _long(key) and _squeeze(key) in squeezed:
            found.append(value)
    return found


def pdf_texts(path: Path) -> dict[str, str]:
    """The PDF's text (every page) and its metadata."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    meta = reader.metadata or {}
    return {"PDF text": "\n".join(page.extract_text() or "" for page in reader.pages),
            "PDF metadata": "\n".join(f"{k} {v}" for k, v in meta.items())}


def html_text(path: Path) -> str:
    """The HTML without its style sheet (reportgen's own CSS: '@media' is no guest's name)."""
    return re.sub(r"(?s)<style.*?</style>", "", path.read_text(encoding="utf-8"))


def xlsx_text(path: Path) -> str:
    """Every cell of every sheet of the workbook, one a line."""
    return "\n".join("\n".join(row) for _, row in _rows_xlsx(path))

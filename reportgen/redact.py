"""Redaction: replace names in an estate with stable pseudonyms before anything is reported.

Consultants share reports outside the client's walls. ``--redact`` rewrites every host, guest,
cluster, datacenter, datastore, network, owner, path and server name in the canonical tables,
so every output (PDF, HTML, JSON, XLSX, evidence text) shows pseudonyms only. Pseudonyms are
stable: the same name gives the same pseudonym in every run with the same key, so quarterly
reports stay comparable. Keys (guest_key, host_key …) are rewritten the same way.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace

import polars as pl
import pyarrow as pa

from . import schema
from .estate import DataIssue, Estate

# Column -> pseudonym prefix. Key columns are rewritten part by part (see _key).
_NAMES: dict[str, dict[str, str]] = {
    "guests": {"name": "guest", "cluster": "cluster", "datacenter": "dc", "owner": "owner", "config_path": "path",
               "log_dir": "path", "snapshot_dir": "path", "suspend_dir": "path", "annotation": "note",
               "server": "server", "cluster_rule_names": "rule", "vm_uuid": "uuid"},
    "hosts": {"name": "host", "cluster": "cluster", "datacenter": "dc", "fault_domain": "site", "site": "site"},
    "clusters": {"name": "cluster", "datacenter": "dc"},
    "disks": {"path": "path", "datastore": "ds", "lun_id": "lun"},
    "nics": {"network": "net", "switch": "switch", "mac": "mac"},
    "networks": {"network": "net", "switch": "switch"},
    "datastores": {"name": "ds"},
    "devices": {"detail": "detail", "datastore": "ds"},
    "sources": {"file": "export", "server": "server"},
}
_KEYS = ("guest_key", "host_key", "cluster_key", "datastore_key")
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d{1,3})$")
_HEARTBEAT = re.compile(r"(?i)heartbeat|\bhb\b|interconnect|private|cluster")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{2,5}$")
_BRACKET = re.compile(r"^(.*?)\[([^\]]+)\]\s*(.*)$")
_UNC = re.compile(r"^\\\\([^\\]+)\\([^\\]+)\\?(.*)$")
_CSV = re.compile(r"^([A-Za-z]:\\ClusterStorage\\)([^\\]+)\\?(.*)$", re.IGNORECASE)
_DRIVE = re.compile(r"^([A-Za-z]:\\)(.*)$")


class Redactor:
    """Stable pseudonyms for names: ``host-3fa2c1``."""

    def __init__(self, key: str = "reportgen") -> None:
        self.secret = key.encode("utf-8")

    def pseudonym(self, prefix: str, value: str) -> str:
        digest = hashlib.blake2s(value.encode("utf-8"), key=self.secret[:32], digest_size=4).hexdigest()
        return f"{prefix}-{digest}"

    def name(self, prefix: str, value: str) -> str:
        """Names keep a trailing node number (sql01 -> guest-1a2b3c4d01) so stems still match."""
        match = _TRAILING_NUMBER.match(value)
        if match and match.group(1):
            return self.pseudonym(prefix, match.group(1)) + match.group(2)
        return self.pseudonym(prefix, value)

    def network(self, value: str) -> str:
        """Network names keep a heartbeat marker, which the suspected-cluster heuristic reads."""
        marker = "-heartbeat" if _HEARTBEAT.search(value) else ""
        return self.pseudonym("net", value) + marker

    def path(self, value: str) -> str:
        """Paths keep their structure: [datastore], drive, CSV volume or share, and extension."""
        extension = _EXTENSION.search(value)
        ext = extension.group(0) if extension else ""
        if match := _BRACKET.match(value):
            head, ds, rest = match.groups()
            return f"{head}[{self.pseudonym('ds', ds)}] {self.pseudonym('path', rest)}{ext}"
        if match := _UNC.match(value):
            server, share, rest = match.groups()
            return f"\\\\{self.pseudonym('server', server)}\\{self.pseudonym('share', share)}\\{self.pseudonym('path', rest)}{ext}"
        if match := _CSV.match(value):
            prefix, volume, rest = match.groups()
            return f"{prefix}{self.pseudonym('volume', volume)}\\{self.pseudonym('path', rest)}{ext}"
        if match := _DRIVE.match(value):
            drive, rest = match.groups()
            return f"{drive}{self.pseudonym('path', rest)}{ext}"
        return self.pseudonym("path", value) + ext

    def detail(self, value: str) -> str:
        """Device descriptions keep their words ('Remote ATAPI', 'ISO'); paths in them are redacted."""
        if "[" in value:
            return self.path(value)
        if "/" in value:
            head, _, rest = value.partition("/")
            return f"{head}/{self.pseudonym('path', rest)}"
        return value

    def key(self, value: str) -> str:
        """Keys are '<scope>/<name>': every part becomes a pseudonym, the shape is kept."""
        return "/".join(self.pseudonym("k", part) for part in value.split("/"))

    def column(self, series: pl.Series, prefix: str | None) -> pl.Expr:
        """Replace each distinct value once (fast on large tables)."""
        values = series.drop_nulls().unique().to_list()
        if prefix is None:
            mapping = {v: self.key(v) for v in values}
        elif prefix == "path":
            mapping = {v: self.path(v) for v in values}
        elif prefix == "detail":
            mapping = {v: self.detail(v) for v in values}
        elif prefix == "net":
            mapping = {v: self.network(v) for v in values}
        elif prefix in ("guest", "host"):
            mapping = {v: self.name(prefix, v) for v in values}
        else:
            mapping = {v: self.pseudonym(prefix, v) for v in values}
        return pl.col(series.name).replace_strict(mapping, default=None, return_dtype=pl.String)


def redact_estate(estate: Estate, key: str = "reportgen") -> Estate:
    """A copy of ``estate`` with every name replaced by its pseudonym."""
    r = Redactor(key)
    tables: dict[str, pa.Table] = {}
    for name, table in estate.tables.items():
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        if frame.height:
            exprs = [r.column(frame[c], None) for c in _KEYS if c in frame.columns]
            exprs += [r.column(frame[c], p) for c, p in _NAMES.get(name, {}).items() if c in frame.columns]
            if name == "sources":
                exprs.append(r.column(frame["server_uuid"], "uuid"))
            frame = frame.with_columns(exprs)
            if name == "datastores":
                hosts = frame.select(pl.col("host_keys").explode()).to_series().rename("host")
                mapping = {v: r.key(v) for v in hosts.drop_nulls().unique().to_list()}
                frame = frame.with_columns(pl.col("host_keys").list.eval(
                    pl.element().replace_strict(mapping, default=None, return_dtype=pl.String)))
        tables[name] = schema.conform(name, frame.to_arrow())
    files = {str(f): r.pseudonym("export", str(f)) for f in estate.sources.column("file").to_pylist()}
    names = _name_pseudonyms(estate, r)
    issues = tuple(
        DataIssue(i.level, files.get(i.file, r.pseudonym("export", i.file)),
                  _scrub_names(_scrub(i.message, estate, r), names), i.sheet, i.row, i.column, i.rows, i.skipped)
        for i in estate.issues
    )
    tabs = tuple(replace(t, gaps=tuple(_scrub_names(g, names) for g in t.gaps)) if t.gaps else t
                 for t in estate.tabs)
    return Estate(tables=tables, issues=issues, tabs=tabs, custom_columns=estate.custom_columns)


def _name_pseudonyms(estate: Estate, r: Redactor) -> dict[str, str]:
    """Host, guest and cluster names (upper case) and their pseudonyms, for free text such as collector errors."""
    names: dict[str, str] = {}
    for table, column, prefix in (("hosts", "name", "host"), ("guests", "name", "guest"), ("clusters", "name", "cluster"),
                                  ("hosts", "cluster", "cluster")):
        if column not in estate.tables[table].column_names:
            continue
        for value in estate.tables[table].column(column).drop_null().unique().to_pylist():
            text = str(value)
            names[text.upper()] = r.name(prefix, text) if prefix != "cluster" else r.pseudonym(prefix, text)
    return names


def _scrub_names(text: str, names: dict[str, str]) -> str:
    """Replace every word that is a known host, guest or cluster name (any case) by its pseudonym."""
    if not names:
        return text
    return re.sub(r"[\w.-]+", lambda m: names.get(m.group(0).upper(), m.group(0)), text)


def _scrub(message: str, estate: Estate, r: Redactor) -> str:
    """Issue messages may quote file names or values: replace anything that looks like a path or name."""
    files = [str(f) for f in estate.sources.column("file").to_pylist()]
    for f in sorted(files, key=len, reverse=True):
        message = message.replace(f, r.pseudonym("export", f))
    return re.sub(r"'[^']*'", lambda m: "'" + r.pseudonym("value", m.group(0)[1:-1]) + "'"
                  if "/" in m.group(0) or "\\" in m.group(0) else m.group(0), message)

"""Redaction: replace names in an estate with keyed pseudonyms before anything is reported.

Consultants share reports outside the client's walls. ``--redact`` rewrites every name and
identity in the canonical tables (:data:`COLUMNS` says which columns, and how), in the
data-quality issues (the file, sheet and column they name and the values their messages quote)
and in the configuration's names, so every output (PDF, HTML, JSON, XLSX, history snapshot)
shows pseudonyms only. A pseudonym is an HMAC of the name under ``redact.key``: the same name
gives the same pseudonym in every run with the same key, so quarterly reports stay comparable,
and without the key nobody can tell which name a pseudonym stands for by trying likely names.
"""

from __future__ import annotations

import fnmatch
import hashlib
import hmac
import re
from dataclasses import replace

import polars as pl
import pyarrow as pa

from . import schema
from .config import Config
from .estate import DataIssue, Estate, TabStatus
from .redact_vocabulary import is_known_column, is_known_sheet

BUILT_IN_KEY = "reportgen"
"""The key used when the configuration has none: anyone can recompute its pseudonyms."""
DIGITS = 16
"""Hex digits of a pseudonym: 64 bits, so that pseudonyms of different names do not meet."""

# Per canonical table, each column that holds a name or an identity -> how it is pseudonymised:
# "key" ('<scope>/<name>': each part), "keys" (a list of keys), "path" (structure and extension
# kept), "detail" (device text: paths in it; Hyper-V devices' names), "net" (heartbeat marker kept), "rules" (a VM-host
# rule marker kept), "label" (RVTools' own NIC labels kept), "host" / "guest"
# (trailing node number kept); any other word is the pseudonym's prefix. A list column (host keys,
# anti-affinity classes) has each element replaced.
COLUMNS: dict[str, dict[str, str]] = {
    "sources": {"file": "file", "server": "server", "server_uuid": "uuid"},
    "clusters": {"cluster_key": "key", "name": "cluster", "datacenter": "dc"},
    "hosts": {"host_key": "key", "name": "host", "cluster_key": "key", "cluster": "cluster", "datacenter": "dc",
              "fqdn": "host", "fault_domain": "site", "site": "site", "vm_sans": "device", "guardians": "thumb"},
    "guests": {"guest_key": "key", "vcenter_scope": "uuid", "name": "guest", "host_key": "key", "cluster_key": "key",
               "cluster": "cluster", "datacenter": "dc", "owner": "owner", "config_path": "path", "log_dir": "path",
               "snapshot_dir": "path", "suspend_dir": "path", "annotation": "note", "server": "server",
               "cluster_rules": "rules", "cluster_rule_names": "rule", "vm_id": "vmid", "vm_uuid": "uuid",
               "possible_owners": "keys", "preferred_owners": "keys",
               "possible_owner_names": "host", "preferred_owner_names": "host", "anti_affinity": "class",
               "apart_rules": "rule", "together_rules": "rule", "key_guardians": "thumb",
               "key_guardian_names": "guardian",
               "owner_email": "email", "owner_team": "team", "owner_cost_centre": "cc", "folder": "folder"},
    "disks": {"guest_key": "key", "path": "path", "datastore": "ds", "lun_id": "lun"},
    "nics": {"guest_key": "key", "label": "label", "network": "net", "switch": "switch", "mac": "mac"},
    "networks": {"host_key": "key", "network": "net", "switch": "switch"},
    "datastores": {"datastore_key": "key", "name": "ds", "host_keys": "keys", "host_names": "host"},
    "devices": {"guest_key": "key", "detail": "detail", "datastore": "ds"},
}
# Text columns that hold no name: values from a fixed vocabulary, products, versions, labels RVTools writes.
NAME_FREE: dict[str, frozenset[str]] = {
    "sources": frozenset({"format", "platform", "tool", "tool_version", "server_version"}),
    "clusters": frozenset({"platform", "drs_behavior"}),
    "hosts": frozenset({"platform", "product", "version", "build", "cpu_model", "evc_current", "evc_max",
                        "max_vm_version", "hgs_mode"}),
    "guests": frozenset({"platform", "power_state", "os", "hw_version", "ft_state", "ft_role",
                         "latency_sensitivity", "ha_restart_priority", "evc_required", "passthru_hotplug",
                         "automatic_stop_action", "owner_source", "replication_mode", "agent"}),
    "disks": frozenset({"label", "controller", "controller_type", "bus_sharing", "sharing_mode", "raw_mode",
                        "disk_mode"}),
    "nics": frozenset({"adapter"}),
    "networks": frozenset({"switch_kind", "vlan"}),
    "datastores": frozenset({"type"}),
    "devices": frozenset({"kind", "backing"}),
}
_TRAILING_NUMBER = re.compile(r"^(.*?)(\d{1,3})$")
_HEARTBEAT = re.compile(r"(?i)heartbeat|\bhb\b|interconnect|private|cluster")
_EXTENSION = re.compile(r"\.[A-Za-z0-9]{2,5}$")
_BRACKET = re.compile(r"^(.*?)\[([^\]]+)\]\s*(.*)$")
_UNC = re.compile(r"^\\\\([^\\]+)\\([^\\]+)\\?(.*)$")
_CSV = re.compile(r"^([A-Za-z]:\\ClusterStorage\\)([^\\]+)\\?(.*)$", re.IGNORECASE)
_DRIVE = re.compile(r"^([A-Za-z]:\\)(.*)$")
_SEPARATOR = re.compile(r"([\\/]+)")
_HOST_RULE = re.compile(r"(?i)host")
_WORDED_DEVICES = ("cd", "usb", "floppy")
_RVTOOLS_LABEL = re.compile(r"^Network adapter \d+$")


class Redactor:
    """Keyed pseudonyms for names: ``host-3fa2c1d09b7e4a55``; remembers each name it replaced."""

    def __init__(self, key: str = BUILT_IN_KEY) -> None:
        self.secret = (key or BUILT_IN_KEY).encode("utf-8")
        self.replaced: dict[str, str] = {}
        """Name -> the pseudonym it got first, for the names that messages quote."""
        self.guests: dict[str, str] = {}
        """Guest name (case-folded) -> its pseudonym, for the folders named after guests."""
        self.revealed: dict[str, str] = {}
        """Pseudonym -> the name it replaced (and each part of a key), to match accepted exceptions."""

    def pseudonym(self, prefix: str, value: str) -> str:
        digest = hmac.new(self.secret, value.encode("utf-8"), hashlib.sha256).hexdigest()[:DIGITS]
        return f"{prefix}-{digest}"

    def name(self, prefix: str, value: str) -> str:
        """Names keep a trailing node number (sql01 -> guest-…01) so stems still match."""
        match = _TRAILING_NUMBER.match(value)
        if match and match.group(1):
            return self.pseudonym(prefix, match.group(1)) + match.group(2)
        return self.pseudonym(prefix, value)

    def network(self, value: str) -> str:
        """Network names keep a heartbeat marker, which the suspected-cluster heuristic reads."""
        marker = "-heartbeat" if _HEARTBEAT.search(value) else ""
        return self.pseudonym("net", value) + marker

    def path(self, value: str) -> str:
        """Paths keep their structure: [datastore], drive, CSV volume or share, each folder and the extension.

        Each folder is a pseudonym of its own, so files in one folder stay in one folder (the shared-disk
        order reads which guest's folder holds a disk); a folder named after a guest gets that guest's pseudonym.
        """
        if match := _BRACKET.match(value):
            head, ds, rest = match.groups()
            return f"{head}[{self.pseudonym('ds', ds)}] {self.parts(rest)}"
        if match := _UNC.match(value):
            server, share, rest = match.groups()
            return f"\\\\{self.pseudonym('server', server)}\\{self.pseudonym('share', share)}\\{self.parts(rest)}"
        if match := _CSV.match(value):
            prefix, volume, rest = match.groups()
            return f"{prefix}{self.pseudonym('volume', volume)}\\{self.parts(rest)}"
        if match := _DRIVE.match(value):
            drive, rest = match.groups()
            return f"{drive}{self.parts(rest)}"
        return self.parts(value)

    def parts(self, rest: str) -> str:
        """Each part of a relative path replaced, separators kept; the last part keeps its extension."""
        pieces = _SEPARATOR.split(rest)
        last = max((i for i, p in enumerate(pieces) if p and not _SEPARATOR.fullmatch(p)), default=-1)
        out = []
        for i, piece in enumerate(pieces):
            if not piece or _SEPARATOR.fullmatch(piece):
                out.append(piece)
            elif piece.casefold() in self.guests:
                out.append(self.guests[piece.casefold()])
            else:
                extension = _EXTENSION.search(piece) if i == last else None
                out.append(self.pseudonym("path", piece) + (extension.group(0) if extension else ""))
        return "".join(out)

    def file(self, value: str) -> str:
        """A file name or path becomes ``file-…`` with its extension, which says what kind of file it was."""
        extension = _EXTENSION.search(value)
        return self.pseudonym("file", value) + (extension.group(0).lower() if extension else "")

    def detail(self, value: str) -> str:
        """Device descriptions keep their words ('Remote ATAPI', 'ISO'); paths in them are redacted."""
        if "[" in value:
            return self.path(value)
        if "/" in value:
            head, _, rest = value.partition("/")
            return f"{head}/{self.pseudonym('path', rest)}"
        return value

    def rules(self, value: str) -> str:
        """Cluster rules keep a 'host' marker: a VM-host rule weighs more than a VM-VM rule."""
        return self.pseudonym("rule", value) + ("-host" if _HOST_RULE.search(value) else "")

    def label(self, value: str) -> str:
        """NIC labels: RVTools' 'Network adapter 1' is kept; a Hyper-V adapter's own name is not."""
        return value if _RVTOOLS_LABEL.match(value) else self.pseudonym("nic", value)

    def key(self, value: str) -> str:
        """Keys are '<scope>/<name>': every part becomes a pseudonym, the shape is kept."""
        parts = value.split("/")
        hidden = [self.pseudonym("k", part) for part in parts]
        self.revealed.update(zip(hidden, parts))
        return "/".join(hidden)

    def value(self, way: str, value: str) -> str:
        """``value`` pseudonymised the way :data:`COLUMNS` names; remembered for quoting messages."""
        special = {"key": self.key, "keys": self.key, "path": self.path, "detail": self.detail, "net": self.network,
                   "file": self.file, "label": self.label, "rules": self.rules}
        if way in special:
            result = special[way](value)
        elif way in ("guest", "host"):
            result = self.name(way, value)
            if way == "guest":
                self.guests.setdefault(value.casefold(), result)
        elif way == "owner":  # owners are matched with case and edge spaces ignored (owners.py, packs.py)
            result = self.pseudonym(way, value.strip().lower())
        else:
            result = self.pseudonym(way, value)
        self.replaced.setdefault(value, result)
        self.revealed[result] = value
        return result

    def reveal(self, text: str) -> str:
        """The real name behind a pseudonym (a key part by part); other text as it is."""
        known = self.revealed.get(text)
        if known is not None:
            return known
        return "/".join(self.revealed.get(part, part) for part in text.split("/"))

    def column(self, frame: pl.DataFrame, column: str, way: str) -> pl.Expr:
        """Replace each distinct value once (fast on large tables)."""
        if way == "detail":
            return self.details(frame, column)
        listed = isinstance(frame.schema[column], pl.List)  # each element replaced ('keys', anti-affinity classes)
        values = frame.select(pl.col(column).explode() if listed else pl.col(column)).to_series()
        mapping = {v: self.value(way, v) for v in values.drop_nulls().unique().to_list()}
        replace_ = pl.element() if listed else pl.col(column)
        expr = replace_.replace_strict(mapping, default=None, return_dtype=pl.String)
        return pl.col(column).list.eval(expr) if listed else expr

    def details(self, frame: pl.DataFrame, column: str) -> pl.Expr:
        """Devices: RVTools' descriptions keep their words; what else names a device (a Hyper-V virtual
        SAN, a PCI location, a GPU instance) becomes a pseudonym."""
        worded = pl.col("kind").is_in(list(_WORDED_DEVICES))
        pairs = frame.select(worded.alias("worded"), column).drop_nulls().unique().rows()
        words = {d: self.value("detail", d) for w, d in pairs if w}
        others = {d: self.value("device", d) for w, d in pairs if not w}
        return pl.when(worded).then(pl.col(column).replace_strict(words, default=None, return_dtype=pl.String)) \
            .otherwise(pl.col(column).replace_strict(others, default=None, return_dtype=pl.String))

    def quoted(self, value: str) -> str:
        """A name a message quotes: the pseudonym it has in the tables, else a new one."""
        known = self.replaced.get(value)
        return known if known is not None else self.value("value", value)

    def sheet(self, sheet: str | None) -> str | None:
        """Sheets and object files keep the names RVTools and the collector give them; other file names go."""
        if sheet is None:
            return None
        return ", ".join(p if is_known_sheet(p) else self.file(p) for p in sheet.split(", "))

    def header(self, column: str | None) -> str | None:
        """Columns keep the names RVTools and Hyper-V give them; custom attributes (client words) go."""
        return column if column is None or is_known_column(column) else self.value("column", column)

    def text(self, text: str, quoted: tuple[str, ...]) -> str:
        """``text`` with each of the names it ``quoted`` replaced (longest first, in one pass)."""
        names = {q: self.quoted(q) for q in quoted if q}
        if not names:
            return text
        pattern = "|".join(re.escape(q) for q in sorted(names, key=len, reverse=True))
        return re.sub(pattern, lambda m: names[m.group(0)], text)

    def issue(self, issue: DataIssue) -> DataIssue:
        """The issue with its file, sheet, column and every value its message quotes replaced."""
        column = self.header(issue.column)
        return replace(issue, file=self.replaced.get(issue.file) or self.file(issue.file),
                       message=self.text(issue.message, issue.quoted), sheet=self.sheet(issue.sheet), column=column,
                       quoted=tuple(self.quoted(q) for q in issue.quoted if q))

    def tab(self, tab: TabStatus) -> TabStatus:
        """The tab's gaps (collector failures per node) with the nodes and messages they quote replaced."""
        if not tab.gaps:
            return tab
        return replace(tab, gaps=tuple(self.text(g, tab.quoted) for g in tab.gaps),
                       quoted=tuple(self.quoted(q) for q in tab.quoted if q))


def redact_estate(estate: Estate, key: str = BUILT_IN_KEY, redactor: Redactor | None = None) -> Estate:
    """A copy of ``estate`` with every name replaced by its pseudonym."""
    r = redactor or Redactor(key)
    if "guests" in estate.tables:  # first, so that paths name the folders of guests as the guests are named
        for name in estate.guests.column("name").drop_null().unique().to_pylist():
            r.value("guest", name)
    tables: dict[str, pa.Table] = {}
    for name, table in estate.tables.items():
        frame = pl.from_arrow(table)
        assert isinstance(frame, pl.DataFrame)
        if frame.height:
            ways = COLUMNS.get(name, {})
            frame = frame.with_columns([r.column(frame, c, way) for c, way in ways.items() if c in frame.columns])
        tables[name] = schema.conform(name, frame.to_arrow())
    custom = {sid: tuple(str(r.header(c)) for c in cols) for sid, cols in estate.custom_columns.items()}
    return Estate(tables=tables, issues=tuple(r.issue(i) for i in estate.issues),
                  tabs=tuple(r.tab(t) for t in estate.tabs),
                  custom_columns=custom,
                  scope=None if estate.scope is None else estate.scope.redacted(r.key, lambda h: r.value("host", h)),
                  redacted=True)


def redact_config(config: Config, r: Redactor, estate: Estate | None = None) -> Config:
    """The configuration with the names it gives mapped as ``estate``'s (before redaction) are.

    Clusters' wave capacity keeps applying to the same clusters; a site keeps the same hosts (its
    name a pseudonym, its patterns the pseudonyms of the hosts they took). A service pattern becomes the
    pseudonyms of the guests whose names it matches (its own text may name the client's services);
    a pattern that matches only a guest cluster's generated name, not a member's, no longer applies.
    """
    capacity = {r.value("cluster", name): hosts for name, hosts in config.waves.cluster_capacity.items()}
    services: dict[str, float] = {}
    patterns = config.cost.service_outage_cost_per_minute
    if patterns and estate is not None:
        names = [n for n in estate.guests.column("name").unique().to_pylist() if n]
        for pattern, rate in patterns.items():
            for name in names:
                if fnmatch.fnmatchcase(name.lower(), pattern.lower()):
                    key = r.value("guest", name)
                    services[key] = max(rate, services.get(key, rate))
    return replace(config, waves=replace(config.waves, cluster_capacity=capacity),
                   cost=replace(config.cost, service_outage_cost_per_minute=services),
                   sites=_sites(config.sites, r, estate))


def _sites(sites: dict[str, tuple[str, ...]], r: Redactor, estate: Estate | None) -> dict[str, tuple[str, ...]]:
    """Each configured site with the pseudonyms of the hosts its patterns take (first site first)."""
    if not sites:
        return {}
    taken: dict[str, str] = {}
    if estate is not None and estate.hosts.num_rows:
        from .sites import assign_sites

        hosts = pl.from_arrow(estate.hosts.select(["host_key", "name"]))
        assert isinstance(hosts, pl.DataFrame)
        names = dict(zip(hosts["host_key"].to_list(), hosts["name"].to_list()))
        taken = {key: site for key, site in assign_sites(hosts, sites)[1].items()}
        taken = {r.value("host", names[key]): site for key, site in taken.items()}
    # A site that takes no host keeps a pattern that matches none, so the sites still come from the configuration.
    return {r.value("site", site): tuple(h for h, s in taken.items() if s == site) or (r.pseudonym("pattern", site),)
            for site in sites}

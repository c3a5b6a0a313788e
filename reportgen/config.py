"""The audit configuration: who the report is for, the cost model, owners and waves.

Read from a TOML file (``--config audit.toml``); every key is optional and documented in
:data:`DEFAULT_TOML`, which ``reportgen init-config`` writes. A bad file raises
:class:`~reportgen.errors.ConfigError` naming the key and what is wrong.
"""

from __future__ import annotations

import math
import tomllib
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .errors import ConfigError, UsageError
from .logo import read_logo
from .scope_rules import ScopeSettings, parse_rules

DEFAULT_TOML = """\
# reportgen audit configuration. Every key is optional; the values shown are the defaults.

[report]
client = ""                      # the organisation audited, shown on the cover and in the running header
title = "Guests welded to their hosts"   # report title
author = ""                      # person who prepared the report
firm = ""                        # firm name, shown on the cover and in the footer
logo = ""                        # path to a PNG or SVG logo for the cover (relative to this file)
currency = "GBP"                 # ISO 4217 code used for every amount
max_cluster_pages = 8            # guest clusters that get a page of their own (the rest go to the data files)
max_register_rows = 30           # rows of the per-host maintenance register printed in the PDF
max_failure_rows = 30            # hosts listed in the failure-impact section of the PDF
max_issue_rows = 40              # data-quality problems (grouped) and coverage gaps printed in the PDF
accept = ""                      # accepted exceptions file (see 'reportgen accept-template'), relative to this
                                 # file; --accept on the command line takes its place

[owner]
column = ""                      # vInfo custom attribute / tag column holding the guest owner, e.g. "Owner"
file = ""                        # owners file (a CMDB export, .csv or .xlsx; relative to this file): guest or
                                 # vm_uuid or cluster/folder pattern, owner, email, team, cost_centre; wins over
                                 # the column where both name an owner (--owners overrides it)

[redact]
key = ""                         # with --redact: a secret of your own, so that nobody can match pseudonyms to
                                 # names by trying likely names; keep it to compare quarters (empty: built-in key)

[cost]
# One host maintenance under change control instead of an automated standard change.
change_cost = 450.0              # overhead of one normal change: RFC, CAB review, scheduling, review
change_cost_low = 300.0          # the range shown next to change_cost in the report
change_cost_high = 600.0
out_of_hours_multiplier = 1.5    # applied to the hours of people working in the maintenance window
outage_cost_per_minute = 0.0     # business cost of a planned outage of one service, per minute (0 = not priced)
outage_minutes = 45.0            # planned outage of a pinned guest per host maintenance (shutdown, patch, start, test)
media_minutes = 10.0             # virtualisation admin's minutes to disconnect a connected CD/DVD or ISO live (no outage)

# Business cost per minute of outage for named services, overriding outage_cost_per_minute. Keys are
# patterns (* and ? wildcards, case-insensitive) matched against guest cluster and guest names.
[cost.service_outage_cost_per_minute]
# "sql*" = 25.0

# Hours per host maintenance for each pinned guest or guest cluster, by role, and the hourly rate of each role.
[cost.roles.virtualisation_admin]
hours = 2.0
rate = 55.0
[cost.roles.application_owner]
hours = 1.5
rate = 60.0
[cost.roles.database_admin]
hours = 1.0
rate = 65.0

# Host maintenance events per host per year (patch cadence + firmware + emergencies).
[cost.events_per_year]
vsphere = 6.0
hyperv = 14.0

[waves]
hosts_down_per_cluster = 1       # hosts of one vSphere / Hyper-V cluster that may be in maintenance at once

[waves.cluster_capacity]         # per-cluster overrides, by cluster name
# "Production" = 2

# Sites, for what a whole site's failure stops: site name = host name patterns (* and ? wildcards,
# case-insensitive; a short name matches the DNS name). When empty, vSAN fault domains from the
# export are the sites. A host matching two sites belongs to the first.
[sites]
# "North" = ["esx-n*"]
# "South" = ["esx-s*"]

# The part of the estate to audit: FIELD=PATTERN, FIELD one of vcenter, datacenter, cluster, host
# (* and ? wildcards, case ignored). Hosts out of scope and their guests are not audited or priced; a
# guest cluster with a node out of scope is kept and flagged. --include / --exclude add to these.
[scope]
include = []                     # e.g. ["cluster=Prod*"]
exclude = []                     # e.g. ["host=esx-lab-*"]

# Guests not to count (decommissioned, never to be powered on), by name or annotation; * and ?
# are wildcards, case is ignored. Each excluded guest is listed in the report's data quality.
[exclude]
names = []                       # e.g. ["*(do not power on)*", "*-deleteby-*"]
annotations = []                 # e.g. ["decommissioned*"]
"""


@dataclass(frozen=True)
class Role:
    hours: float
    rate: float


@dataclass(frozen=True)
class ReportSettings:
    client: str = ""
    title: str = "Guests welded to their hosts"
    author: str = ""
    firm: str = ""
    logo: str = ""
    currency: str = "GBP"
    max_cluster_pages: int = 8
    max_register_rows: int = 30
    max_failure_rows: int = 30
    max_issue_rows: int = 40
    accept: str = ""
    """Accepted exceptions file (relative paths resolved against the configuration's folder)."""


@dataclass(frozen=True)
class CostSettings:
    change_cost: float = 450.0
    change_cost_low: float = 300.0
    change_cost_high: float = 600.0
    out_of_hours_multiplier: float = 1.5
    outage_cost_per_minute: float = 0.0
    outage_minutes: float = 45.0
    media_minutes: float = 10.0
    """Minutes of the virtualisation admin, in hours, to disconnect a guest's connected media live (no outage)."""
    roles: dict[str, Role] = field(
        default_factory=lambda: {
            "virtualisation_admin": Role(2.0, 55.0),
            "application_owner": Role(1.5, 60.0),
            "database_admin": Role(1.0, 65.0),
        }
    )
    events_per_year: dict[str, float] = field(default_factory=lambda: {"vsphere": 6.0, "hyperv": 14.0})
    service_outage_cost_per_minute: dict[str, float] = field(default_factory=dict)
    """Pattern (guest cluster or guest name, * and ? wildcards) -> outage cost per minute."""


@dataclass(frozen=True)
class WaveSettings:
    hosts_down_per_cluster: int = 1
    cluster_capacity: dict[str, int] = field(default_factory=dict)

    @property
    def lowest_limit(self) -> int:
        """The fewest hosts of one cluster allowed down at once, over the default and every per-cluster value: a
        wave of hosts whose cluster is unknown takes at most this many (whichever cluster they are in)."""
        return min([self.hosts_down_per_cluster, *self.cluster_capacity.values()])


@dataclass(frozen=True)
class ExcludeSettings:
    names: tuple[str, ...] = ()
    """Guest name patterns (* and ? wildcards, case ignored)."""
    annotations: tuple[str, ...] = ()
    """Annotation patterns."""


@dataclass(frozen=True)
class Config:
    report: ReportSettings = field(default_factory=ReportSettings)
    owner_column: str | None = None
    cost: CostSettings = field(default_factory=CostSettings)
    waves: WaveSettings = field(default_factory=WaveSettings)
    exclude: ExcludeSettings = field(default_factory=ExcludeSettings)
    redact_key: str = ""
    """Secret that makes --redact pseudonyms this firm's own (empty: a built-in key)."""
    base_dir: Path | None = None
    """Folder of the config file; relative paths (the logo) are resolved against it."""
    sites: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Site name -> host name patterns (``[sites]``); empty: the export's fault domains."""
    scope: ScopeSettings = field(default_factory=ScopeSettings)
    """The part of the estate to audit (``[scope]``; the command line's --include / --exclude add to it)."""
    owners_file: str | None = None
    """``[owner] file``: the owners file, resolved against the config file's folder."""


_CURRENCIES = {"GBP", "EUR", "USD", "CHF", "SEK", "NOK", "DKK", "PLN", "CAD", "AUD", "NZD", "JPY", "ZAR", "INR"}


MAX_CONFIG_BYTES = 16 * 1024**2
"""A configuration is a few kilobytes; a larger file is not one."""
CONFIG_HINT = "give the configuration file itself, a TOML file of a few kilobytes ('reportgen init-config' writes one)"


def load_config(path: str | Path | None) -> Config:
    """Read a config file; ``None`` gives the defaults."""
    if path is None:
        return Config()
    from .importers.bounded import read_side_file

    path = Path(path)
    if not path.exists():
        raise ConfigError("no such file", where=str(path), hint="run 'reportgen init-config' to write one")
    if path.is_dir():
        raise ConfigError("cannot be read: it is a folder", where=str(path), hint=CONFIG_HINT)
    try:
        data = tomllib.loads(read_side_file(path, MAX_CONFIG_BYTES, CONFIG_HINT).decode("utf-8"))
    except RecursionError:
        raise ConfigError("not valid TOML: its arrays or tables are nested too deeply", where=str(path)) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"is not UTF-8 text (byte {exc.start + 1:,} cannot be read)", where=str(path),
                          hint="save the file as UTF-8 in the text editor") from None
    except OSError as exc:
        raise ConfigError(f"cannot be read: {exc.strerror or exc}", where=str(path),
                          hint="give a readable TOML file (see 'reportgen init-config')") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=str(path)) from None
    return parse_config(data, str(path), base_dir=path.parent)


def parse_config(data: dict[str, Any], where: str = "config", base_dir: Path | None = None) -> Config:
    """Validate a parsed TOML document into a :class:`Config`."""
    _only(data, {"report", "owner", "cost", "waves", "redact", "sites", "exclude", "scope"}, "", where)
    report = _report(data.get("report", {}), where, base_dir)
    column, owners_path = _owner(data.get("owner", {}), where, base_dir)
    names, annotations = _exclude(data.get("exclude", {}), where)
    redact = data.get("redact", {})
    _only(redact, {"key"}, "redact", where)
    redact_key = redact.get("key", "")
    if not isinstance(redact_key, str):
        raise ConfigError("key 'redact.key' must be a text", where=where)
    cost, waves = _cost(data.get("cost", {}), where), _waves(data.get("waves", {}), where)
    sites, scope = _sites(data.get("sites", {}), where), _scope(data.get("scope", {}), where)
    return Config(report=report, owner_column=column or None, cost=cost, waves=waves, redact_key=redact_key,
                  exclude=ExcludeSettings(names, annotations), base_dir=base_dir, sites=sites, scope=scope,
                  owners_file=owners_path)


def _report(data: object, where: str, base_dir: Path | None) -> ReportSettings:
    """[report]: a known currency, counts of 0 or more, a readable logo; paths relative to the file."""
    report: ReportSettings = _section(ReportSettings(), data, "report", where)
    if report.currency.upper() not in _CURRENCIES and not (len(report.currency) == 3 and report.currency.isalpha()):
        raise ConfigError(f"key 'report.currency': {report.currency!r} is not a 3-letter currency code", where=where)
    report = replace(report, currency=report.currency.upper())
    for key in ("max_cluster_pages", "max_register_rows", "max_failure_rows", "max_issue_rows"):
        if getattr(report, key) < 0:
            raise ConfigError(f"key 'report.{key}' must be 0 or more", where=where)
    if report.logo:
        logo = Path(report.logo) if base_dir is None else base_dir / report.logo
        try:
            read_logo(logo)  # a PNG, JPEG or SVG by its content, a file, bounded, self-contained
        except ConfigError as exc:
            raise ConfigError(exc.message, where=where, hint=exc.hint) from None
        report = replace(report, logo=str(logo))
    if report.accept and base_dir is not None:
        report = replace(report, accept=str(base_dir / report.accept))
    return report


def _owner(owner: dict[str, Any], where: str, base_dir: Path | None) -> tuple[str, str | None]:
    """[owner]: the vInfo owner column and the owners file (relative to the configuration file)."""
    _only(owner, {"column", "file"}, "owner", where)
    column = owner.get("column", "")
    if not isinstance(column, str):
        raise ConfigError("key 'owner.column' must be a text (a vInfo column name)", where=where)
    owners_file = owner.get("file", "")
    if not isinstance(owners_file, str):
        raise ConfigError("key 'owner.file' must be a text (the path of a .csv or .xlsx owners file)", where=where)
    owners_path = None
    if owners_file.strip():
        owners_path = str(Path(owners_file) if base_dir is None else base_dir / owners_file)
    return column, owners_path


def _exclude(exclude: object, where: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """[exclude]: name and annotation patterns of guests to leave out."""
    if not isinstance(exclude, dict):
        raise ConfigError("key 'exclude' must be a table with names and annotations", where=where)
    _only(exclude, {"names", "annotations"}, "exclude", where)
    patterns: dict[str, tuple[str, ...]] = {}
    for key in ("names", "annotations"):
        value = exclude.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise ConfigError(f"key 'exclude.{key}' must be a list of texts (patterns with * and ?)", where=where,
                              hint=f'e.g. {key} = ["*-deleteby-*"]')
        patterns[key] = tuple(value)
    return patterns["names"], patterns["annotations"]


def _cost(data: dict[str, Any], where: str) -> CostSettings:
    """[cost]: rates and minutes of 0 or more, a change cost inside its range, roles, events, services."""
    cost_data = dict(data)
    roles_data = cost_data.pop("roles", None)
    events_data = cost_data.pop("events_per_year", None)
    services_data = cost_data.pop("service_outage_cost_per_minute", None)
    cost: CostSettings = _section(CostSettings(), cost_data, "cost", where)
    for key in ("change_cost", "change_cost_low", "change_cost_high", "outage_cost_per_minute", "outage_minutes",
                "media_minutes"):
        if getattr(cost, key) < 0:
            raise ConfigError(f"key 'cost.{key}' must not be negative", where=where)
    if cost.out_of_hours_multiplier < 1:
        raise ConfigError("key 'cost.out_of_hours_multiplier' must be 1 or more", where=where)
    if not cost.change_cost_low <= cost.change_cost <= cost.change_cost_high:
        raise ConfigError(
            "key 'cost.change_cost' must lie between cost.change_cost_low and cost.change_cost_high", where=where
        )
    if roles_data is not None:
        if not isinstance(roles_data, dict):
            raise ConfigError("key 'cost.roles' must be a table of roles", where=where)
        roles = {}
        for name, role in roles_data.items():
            if not isinstance(role, dict):
                raise ConfigError(f"key 'cost.roles.{name}' must be a table with hours and rate", where=where)
            _only(role, {"hours", "rate"}, f"cost.roles.{name}", where)
            hours = _number(role.get("hours", 0.0), f"cost.roles.{name}.hours", where)
            rate = _number(role.get("rate", 0.0), f"cost.roles.{name}.rate", where)
            roles[name] = Role(hours, rate)
        cost = replace(cost, roles=roles)
    if events_data is not None:
        if not isinstance(events_data, dict):
            raise ConfigError("key 'cost.events_per_year' must be a table (vsphere = 6, hyperv = 14)", where=where)
        _only(events_data, {"vsphere", "hyperv"}, "cost.events_per_year", where)
        events = dict(cost.events_per_year)
        for platform, value in events_data.items():
            events[platform] = _number(value, f"cost.events_per_year.{platform}", where)
        cost = replace(cost, events_per_year=events)
    if services_data is not None:
        if not isinstance(services_data, dict):
            raise ConfigError(
                "key 'cost.service_outage_cost_per_minute' must be a table of name pattern = cost", where=where
            )
        services = {
            str(pattern): _number(value, f"cost.service_outage_cost_per_minute.{pattern}", where)
            for pattern, value in services_data.items()
        }
        cost = replace(cost, service_outage_cost_per_minute=services)
    return cost


def _waves(data: dict[str, Any], where: str) -> WaveSettings:
    """[waves]: hosts down per cluster and per-cluster capacity, whole numbers of 1 or more."""
    waves_data = dict(data)
    capacity_data = waves_data.pop("cluster_capacity", {})
    waves: WaveSettings = _section(WaveSettings(), waves_data, "waves", where)
    if not 1 <= waves.hosts_down_per_cluster <= _MAX_HOSTS:
        raise ConfigError(f"key 'waves.hosts_down_per_cluster' must be 1 or more (at most {_MAX_HOSTS:,})",
                          where=where)
    if not isinstance(capacity_data, dict):
        raise ConfigError("key 'waves.cluster_capacity' must be a table of cluster = hosts", where=where)
    capacity = {}
    for name, value in capacity_data.items():
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MAX_HOSTS:
            raise ConfigError(f"key 'waves.cluster_capacity.{name}' must be a whole number of 1 or more "
                              f"(at most {_MAX_HOSTS:,})", where=where)
        capacity[str(name)] = value
    return replace(waves, cluster_capacity=capacity)


def _scope(data: object, where: str) -> ScopeSettings:
    if not isinstance(data, dict):
        raise ConfigError("key 'scope' must be a table with include and exclude", where=where)
    _only(data, {"include", "exclude"}, "scope", where)
    lists = {}
    for key in ("include", "exclude"):
        value = data.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"key 'scope.{key}' must be a list of FIELD=PATTERN texts", where=where,
                              hint=f'e.g. {key} = ["cluster=Prod*"]; FIELD is vcenter, datacenter, cluster or host')
        lists[key] = value
    try:
        return parse_rules(lists["include"], lists["exclude"], f"{where} [scope]")
    except UsageError as exc:
        raise ConfigError(exc.message, where=where, hint=exc.hint) from None


def _sites(data: object, where: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(data, dict):
        raise ConfigError("key 'sites' must be a table of site = [host patterns]", where=where)
    sites = {}
    for name, value in data.items():
        patterns = [value] if isinstance(value, str) else value
        if not isinstance(patterns, list) or not patterns or not all(isinstance(p, str) and p.strip() for p in patterns):
            raise ConfigError(f"key 'sites.{name}' must be a host name pattern or a list of them, e.g. "
                              f"[\"esx-n*\"]", where=where)
        sites[str(name)] = tuple(p.strip() for p in patterns)
    return sites


def _only(data: object, allowed: set[str], section: str, where: str) -> None:
    if not isinstance(data, dict):
        raise ConfigError(f"key '{section}' must be a table", where=where)
    for key in data:
        if key not in allowed:
            name = f"{section}.{key}" if section else key
            raise ConfigError(
                f"unknown key '{name}'", where=where, hint=f"known keys here: {', '.join(sorted(allowed))}"
            )


def _number(value: object, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ConfigError(f"key '{key}' must be a number, got {value!r}", where=where)
    value = _finite(value, key, where)
    if value < 0:
        raise ConfigError(f"key '{key}' must not be negative", where=where)
    return float(value)


_MAX_AMOUNT = 1e9
"""No amount in the configuration may exceed this: products of amounts must stay finite."""
_MAX_HOSTS = 10_000
"""More hosts than any vSphere or Hyper-V cluster has."""


def _finite(value: float, key: str, where: str) -> float:
    """``value`` as a float unless it is infinite or not a number (TOML allows inf, nan and huge integers)."""
    try:
        value = float(value)
    except OverflowError:
        value = math.inf
    if not math.isfinite(value):
        raise ConfigError(f"key '{key}' must be a finite number, got {value!r}", where=where,
                          hint="write an amount such as 450 or 0")
    if abs(value) > _MAX_AMOUNT:
        raise ConfigError(f"key '{key}' must be at most {_MAX_AMOUNT:,.0f}, got {value:g}", where=where,
                          hint="no rate, count or cost of a maintenance comes near that")
    return value


def _section(default: Any, data: object, section: str, where: str) -> Any:
    """Overlay ``data`` on a dataclass of scalar defaults, checking names and types."""
    names = {f.name for f in fields(default) if not isinstance(getattr(default, f.name), dict)}
    _only(data, names, section, where)
    assert isinstance(data, dict)
    values = {}
    for key, value in data.items():
        current = getattr(default, key)
        key_name = f"{section}.{key}"
        if isinstance(current, bool):
            ok = isinstance(value, bool)
        elif isinstance(current, float):
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
            value = _finite(value, key_name, where) if ok else value
        elif isinstance(current, int):
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        if not ok:
            raise ConfigError(
                f"key '{key_name}' must be {type(current).__name__}, got {value!r}", where=where
            )
        values[key] = value
    return replace(default, **values)

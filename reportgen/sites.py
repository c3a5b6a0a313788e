"""Sites: which hosts stand together, and what stops when a whole site fails.

A host's site comes from the configuration's ``[sites]`` patterns when there are any, else from
the export (vSAN fault domains, vHost 'vSAN Fault Domain Name'). With two or more sites, each site's
failure is worked out: the running guests that could not restart on another site (tied to a host of
the site, or a datastore or network of theirs exists only there) and the guest clusters whose every
node runs there.
"""

from __future__ import annotations

import fnmatch
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import polars as pl

from .estate import Estate
from .host_labels import host_labels, told_apart

if TYPE_CHECKING:
    from .analysis import GuestClusterResult, HostResult


@dataclass(frozen=True)
class SiteReason:
    """Why a guest could not restart on another site."""

    kind: str
    """'pinned' (to a host of the site), 'stranded' (would not restart off its host), 'datastore' or
    'network' (seen only by hosts of the site)."""
    what: str
    """The host, datastore or network."""
    rules: tuple[str, ...] = ()
    label: str = ""
    """``what`` as a reader tells it apart: 'esx01 in vc02.example.test' where two vCenters have an esx01."""

    @property
    def text(self) -> str:
        rules = f" ({', '.join(self.rules)})" if self.rules else ""
        what = self.label or self.what
        return {"pinned": f"pinned to {what}{rules}",
                "stranded": f"would not restart off {what}{rules}",
                "datastore": f"datastore {what} is seen only by hosts of this site",
                "network": f"network {what} exists only on hosts of this site"}[self.kind]


@dataclass(frozen=True)
class SiteGuest:
    """A running guest that a site's failure would stop, with why it could not restart elsewhere."""

    key: str
    name: str
    host: str | None
    owner: str | None
    reasons: tuple[SiteReason, ...]
    host_label: str | None = None
    """The host told apart from same-named hosts of other vCenters."""


@dataclass(frozen=True)
class SiteFailure:
    name: str
    hosts: tuple[str, ...]
    running: int
    """Running guests on the site's hosts now."""
    stranded: tuple[SiteGuest, ...]
    """Running guests that could not restart on another site if this one failed."""
    whole_clusters: tuple[str, ...]
    """Ids of the guest clusters whose every node runs in this site: its failure takes them whole."""
    host_labels: tuple[str, ...] = ()
    """``hosts`` told apart where two vCenters have a host of one name ('esx01 in vc02.example.test')."""


@dataclass(frozen=True)
class Sites:
    origin: str = ""
    """Where the sites come from: 'configuration', 'vSAN fault domains', or '' (no sites)."""
    host_site: dict[str, str] = field(default_factory=dict)
    """Host key -> site (two vCenters may each have a host of one name, in different sites)."""
    unsited: tuple[str, ...] = ()
    """Hosts in no site (by label), when there are sites."""
    failures: tuple[SiteFailure, ...] = ()
    """One per site, when there are two or more."""


def _short(name: str) -> str:
    return name.split(".", 1)[0]


def assign_sites(hosts: pl.DataFrame, patterns: Mapping[str, Sequence[str]]) -> tuple[str, dict[str, str]]:
    """Host key -> site, and where the sites come from.

    ``patterns`` (site -> host name patterns, case-insensitive, matched against the name and its
    short form) win over the export; the first site whose pattern matches a host takes it.
    """
    keys: list[str] = hosts["host_key"].to_list()
    names: list[str] = hosts["name"].to_list()
    if patterns:
        found: dict[str, str] = {}
        lowered = {site: [p.lower() for p in pats] for site, pats in patterns.items()}
        for key, name in zip(keys, names):
            forms = {name.lower(), _short(name.lower())}
            for site, pats in lowered.items():
                if any(fnmatch.fnmatchcase(form, p) for form in forms for p in pats):
                    found[key] = site
                    break
        return "configuration", found
    domains = hosts["fault_domain"].to_list() if "fault_domain" in hosts.columns else [None] * len(keys)
    found = {k: d for k, d in zip(keys, domains) if d}
    return ("vSAN fault domains" if found else ""), found


def with_sites(estate: Estate, patterns: Mapping[str, Sequence[str]]) -> Estate:
    """The estate with each host's site filled in, so that redaction can rename sites with the hosts."""
    hosts = pl.from_arrow(estate.hosts)
    assert isinstance(hosts, pl.DataFrame)
    _, site_of = assign_sites(hosts, patterns)
    # Built by polars: pyarrow converting Python objects would import pandas.
    column = pl.Series("site", [site_of.get(k) for k in hosts["host_key"].to_list()], pl.String).to_arrow()
    table = estate.hosts
    tables = dict(estate.tables)
    index = table.schema.get_field_index("site")
    tables["hosts"] = table.set_column(index, table.schema.field(index), column.cast(table.schema.field(index).type))
    return replace(estate, tables=tables)


def _single_site(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Rows of ``by`` whose hosts all sit in one site (no host without a site): ``by`` + site."""
    grouped = frame.group_by(by).agg(
        site=pl.col("site").drop_nulls().unique(), unknown=pl.col("site").is_null().sum())
    return grouped.filter((pl.col("site").list.len() == 1) & (pl.col("unknown") == 0)).with_columns(
        site=pl.col("site").list.first())


def site_failures(estate: Estate, hosts: Sequence[HostResult], clusters: Sequence[GuestClusterResult],
                  patterns: Mapping[str, Sequence[str]]) -> Sites:
    """The sites of the estate and, with two or more, what each one's failure stops."""
    host_frame = pl.from_arrow(estate.hosts)
    assert isinstance(host_frame, pl.DataFrame)
    assigned = dict(zip(host_frame["host_key"].to_list(), host_frame["site"].to_list()))
    if any(assigned.values()):  # assigned before the names were redacted
        site_of = {k: s for k, s in assigned.items() if s}
        origin = "configuration" if patterns else "vSAN fault domains"
    else:
        origin, site_of = assign_sites(host_frame, patterns)
    if not site_of:
        return Sites()
    key_name = dict(zip(host_frame["host_key"].to_list(), host_frame["name"].to_list()))
    labels = {**key_name, **host_labels(estate)}  # same-named hosts of two vCenters told apart
    unsited = tuple(sorted(labels[k] for k in key_name if k not in site_of))
    if len(set(site_of.values())) < 2:
        return Sites(origin, dict(site_of), unsited)

    guests = pl.from_arrow(estate.guests)
    assert isinstance(guests, pl.DataFrame)
    running = guests.filter(
        (pl.col("power_state").is_null() | (pl.col("power_state") == "poweredOn")) & ~pl.col("template").fill_null(False)
        & pl.col("agent").is_null())  # vSphere restarts its own vCLS agents
    reasons = _local_reasons(estate, running, site_of)
    for h in (h for h in hosts if h.key in site_of):  # guests tied to a host of the site
        for g in h.blockers:
            reasons[(site_of[h.key], g.key)].append(SiteReason("pinned", h.name, g.rules, labels.get(h.key, h.name)))
        for g in h.stranded:
            reasons[(site_of[h.key], g.key)].append(SiteReason("stranded", h.name, g.rules, labels.get(h.key, h.name)))
    failures = _failures(guests, running, site_of, reasons, clusters, key_name, labels)
    return Sites(origin, dict(site_of), unsited, failures)


def _places(estate: Estate, table: str, column: str) -> dict[tuple[int, str], str]:
    """(source, name) -> the name, followed by its vCenter (or export) where two sources have one of that name."""
    frame = pl.from_arrow(estate.table(table))
    assert isinstance(frame, pl.DataFrame)
    where = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    pairs = {(int(i), str(n)) for i, n in frame.select("source_id", column).drop_nulls().iter_rows()}
    return told_apart_places(pairs, where)


def told_apart_places(pairs: set[tuple[int, str]], where: Mapping[int, str | None]) -> dict[tuple[int, str], str]:
    """(source, name) -> the name, or 'name in <vCenter>' where several sources have that name."""
    keys = {f"{i}/{n}": (i, n) for i, n in pairs}
    told = told_apart({k: n for k, (_, n) in keys.items()}, {k: where.get(i) for k, (i, _) in keys.items()})
    return {pair: told[k] for k, pair in keys.items()}


def _local_reasons(estate: Estate, running: pl.DataFrame,
                   site_of: Mapping[str, str]) -> dict[tuple[str, str], list[SiteReason]]:
    """(site, guest) -> the datastores and networks of the guest that only hosts of that site have."""
    sites = pl.DataFrame({"host_key": list(site_of), "site": list(site_of.values())},
                         schema={"host_key": pl.String, "site": pl.String})
    reasons: dict[tuple[str, str], list[SiteReason]] = defaultdict(list)
    datastores = pl.from_arrow(estate.table("datastores"))
    assert isinstance(datastores, pl.DataFrame)
    seen = datastores.select("source_id", "name", host_key=pl.col("host_keys")).explode("host_key").filter(
        pl.col("host_key").is_not_null()).join(sites, on="host_key", how="left")
    local = _single_site(seen, ["source_id", "name"]).rename({"name": "datastore"})
    disks = pl.from_arrow(estate.table("disks"))
    assert isinstance(disks, pl.DataFrame)
    tied = disks.select("guest_key", "source_id", "datastore").unique().join(
        local, on=["source_id", "datastore"]).join(running.select("guest_key"), on="guest_key")
    named = _places(estate, "datastores", "name")
    for g, i, ds, s in tied.select("guest_key", "source_id", "datastore", "site").sort("guest_key", "datastore").iter_rows():
        reasons[(s, g)].append(SiteReason("datastore", ds, label=named.get((i, ds), ds)))
    networks = pl.from_arrow(estate.table("networks"))
    assert isinstance(networks, pl.DataFrame)
    local_nets = _single_site(networks.join(sites, on="host_key", how="left"), ["source_id", "network"])
    nics = pl.from_arrow(estate.table("nics"))
    assert isinstance(nics, pl.DataFrame)
    tied = nics.filter(pl.col("network").is_not_null()).select("guest_key", "source_id", "network").unique().join(
        local_nets, on=["source_id", "network"]).join(running.select("guest_key"), on="guest_key")
    named = _places(estate, "networks", "network")
    for g, i, net, s in tied.select("guest_key", "source_id", "network", "site").sort("guest_key", "network").iter_rows():
        reasons[(s, g)].append(SiteReason("network", net, label=named.get((i, net), net)))
    return reasons


def _failures(guests: pl.DataFrame, running: pl.DataFrame, site_of: Mapping[str, str],
              reasons: Mapping[tuple[str, str], list[SiteReason]], clusters: Sequence[GuestClusterResult],
              key_name: Mapping[str, str], labels: Mapping[str, str]) -> tuple[SiteFailure, ...]:
    """Per site, what its failure stops."""
    info = {k: (n or k, h, o) for k, n, h, o in
            guests.select("guest_key", "name", "host_key", "owner").iter_rows()}
    on_site: dict[str, int] = defaultdict(int)
    for h in running["host_key"].to_list():
        if h in site_of:
            on_site[site_of[h]] += 1
    failures = []
    for site in sorted(set(site_of.values())):
        stranded = sorted(
            (SiteGuest(g, info[g][0], key_name.get(info[g][1]) if info[g][1] else None, info[g][2],
                       tuple(dict.fromkeys(why)), labels.get(info[g][1]) if info[g][1] else None)
             for (s, g), why in reasons.items() if s == site and g in info),
            key=lambda x: x.name.lower())
        whole = tuple(c.id for c in clusters if c.running and c.host_keys
                      and all(site_of.get(k) == site for k in c.host_keys))
        keys = sorted((k for k, s in site_of.items() if s == site), key=lambda k: (key_name[k], labels[k]))
        failures.append(SiteFailure(site, tuple(key_name[k] for k in keys), on_site[site], tuple(stranded), whole,
                                    tuple(labels[k] for k in keys)))
    return tuple(failures)

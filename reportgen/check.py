"""Check before any work: can a host be emptied by live migration now, and if not, whom to call.

The answers come from a findings JSON (schema_version 1), read once into a :class:`Register`;
:func:`check_hosts` looks up host names or patterns in it. ``reportgen check`` is a thin shell
over these functions; an audit's :class:`~reportgen.analysis.Analysis` is turned into the same
register through its findings document, so both paths give the same answer.
"""

from __future__ import annotations

import fnmatch
import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .check_names import Ambiguous, Unmatched, ambiguous_names, match_hosts
from .check_parts import (
    Contact,
    contacts,
    limiting,
    nodes_on,
    setting_lines,
    settings,
    unplaced,
    unplaced_running,
)
from .check_shape import check_shape
from .check_together import Together, together
from .errors import InputError
from .failovers import moves_live, needs_failover
from .host_labels import told_apart
from .importers.bounded import read_findings_bytes
from .media import media_only


@dataclass(frozen=True)
class GuestToStop:
    """A guest tied to the host: it must be powered off to empty it (or would not restart elsewhere)."""

    name: str
    key: str
    owner: str | None
    rules: tuple[str, ...]
    guest_cluster: str | None
    unknown: str = ""
    """Where it would not restart only for want of HA: what is not known about starting it elsewhere by hand
    (``ha_only_unknown`` of the findings JSON: its export could not show the other ties)."""


@dataclass(frozen=True)
class ClusterStep:
    """A guest cluster with a node on the host, and the order in which to take it down."""

    id: str
    name: str
    topology: str
    suspected: bool
    fail_over_first: tuple[str, ...]
    """The running nodes on this host: move their roles away and power them off first."""
    take_over: tuple[str, ...]
    """The running nodes on other hosts that take the roles over; empty means the service stops."""
    moves_live: bool = False
    """Its nodes on this host leave it by live migration, like any other guest: no failover."""
    failover: bool = True
    """A failover the wave plan counts for this host (:func:`reportgen.failovers.needs_failover`): its nodes here
    cannot move live and it runs across hosts."""


@dataclass(frozen=True)
class NotAssessed:
    """A check that could not be made from the export this host came from."""

    rule: str
    reason: str


@dataclass(frozen=True)
class HostCheck:
    name: str
    label: str
    """The name, or where another host of the estate has the same name, the name and where it is."""
    cluster: str | None
    platform: str | None
    site: str | None
    evacuable: bool
    power_off: tuple[GuestToStop, ...]
    """Running guests that must be powered off to empty the host now."""
    at_next_power_on: tuple[GuestToStop, ...]
    """Guests off now that would tie the host once started: to power off, or to disconnect the media of."""
    owners: tuple[str, ...]
    """The owners of the guests to power off now."""
    owner_unknown: bool
    """Some guest to power off now has no owner recorded."""
    guest_clusters: tuple[ClusterStep, ...]
    wave: int | None
    """The maintenance wave, counted from 1 as in the report; None when the host has none."""
    waves: int
    stranded_on_failure: tuple[GuestToStop, ...]
    not_assessed: tuple[NotAssessed, ...]
    disconnect_media: tuple[GuestToStop, ...] = ()
    """Running guests tied only by connected media: disconnected while they run, then moved (no power-off)."""
    settings: tuple[str, ...] = ()
    """Cluster settings the audit found keep maintenance mode from emptying the host by itself (DRS off,
    standalone host, CPUs without EVC), as '<rule>: <evidence>'."""
    unplaced: tuple[tuple[str | None, int], ...] = ()
    """(cluster, how many) of the running guests with no known host that may run on it: of its cluster, or of no
    known cluster (None) in its export. Any of them may run on this host, with ties no check could see."""
    restart_unknown: tuple[tuple[GuestToStop, str], ...] = ()
    """Running guests whose restart elsewhere, if the host fails, the export cannot tell, each with what to check."""
    contacts: tuple[Contact, ...] = ()
    """The e-mail and team of the owners named (to power off now, to keep off, or whose media are disconnected), where
    the owners file gave them."""

    @property
    def power_off_once_started(self) -> tuple[GuestToStop, ...]:
        """Of ``at_next_power_on``, those that would have to be powered off once started."""
        return tuple(g for g in self.at_next_power_on if not media_only(g.rules, g.guest_cluster))

    @property
    def media_once_started(self) -> tuple[GuestToStop, ...]:
        """Of ``at_next_power_on``, those tied only by connected media: once started, the media is disconnected
        while they run, then they move (no power-off)."""
        return tuple(g for g in self.at_next_power_on if media_only(g.rules, g.guest_cluster))

    @property
    def unplaced_running(self) -> int:
        return sum(n for _, n in self.unplaced)

    @property
    def verdict(self) -> str:
        """'yes' (can be emptied now), 'no', 'media' (only once media are disconnected, no power-off) or
        'unproven' (no tie found, but checks could not run on its export, or guests with no known host may run
        on it)."""
        if not self.evacuable:
            return "media" if self.disconnect_media and not self.power_off else "no"
        return "unproven" if self.not_assessed or self.unplaced_running else "yes"


@dataclass(frozen=True)
class CheckResult:
    hosts: tuple[HostCheck, ...]
    unmatched: tuple[Unmatched, ...]
    source: str
    ambiguous: tuple[Ambiguous, ...] = ()
    """Names that matched several hosts: every one is answered, and the label to check one is asked for."""
    together: tuple[Together, ...] = ()
    """Why the hosts matched cannot be emptied at the same time (a guest cluster or a cluster they hold whole)."""

    @property
    def all_evacuable(self) -> bool:
        """Every host matched can be emptied now, together, and every check that could tie it ran."""
        return all(h.verdict == "yes" for h in self.hosts) and not self.together

    @property
    def any_tied(self) -> bool:
        """Some host matched cannot be emptied now (guests to power off, or media to disconnect first), or the
        hosts matched cannot be emptied together."""
        return any(h.verdict in ("no", "media") for h in self.hosts) or bool(self.together)


@dataclass(frozen=True)
class Register:
    """A findings document indexed for look-ups by host name."""

    source: str
    hosts: tuple[Mapping[str, Any], ...]
    clusters: Mapping[str, Mapping[str, Any]]
    waves: int
    not_assessed: Mapping[str | None, tuple[NotAssessed, ...]]
    """Checks not assessed, by the export file they concern (None: the whole estate)."""
    sites: Mapping[str, str]
    """Host name -> site, when the estate spans sites."""
    labels: tuple[str, ...] = ()
    """Per host (in ``hosts`` order), its name told apart from same-named hosts (see :mod:`.host_labels`)."""
    settings: tuple[Mapping[str, Any], ...] = ()
    """Findings of no guest that keep maintenance mode from emptying hosts (a cluster's DRS, a standalone host)."""
    contacts: Mapping[str, Contact] | None = None
    """Owner -> how to reach them, from the findings JSON's owners (an owners file given to the audit)."""
    unplaced: tuple[Mapping[str, Any], ...] = ()
    """``estate.unplaced_guests``: guests with no known host, per export and cluster."""
    nodes_on: Mapping[str, tuple[str, ...]] | None = None
    """Host, as a guest cluster's nodes name it (label or name) -> the ids of the guest clusters with a node there."""
    limiting: tuple[Mapping[str, Any], ...] = ()
    """Findings of a guest that limit the hosts it can be moved to (``targets``)."""


def load_register(path: str | os.PathLike[str]) -> Register:
    """Read a findings JSON; raises InputError when it cannot be read or is not one."""
    where = str(path)
    text = read_findings_bytes(Path(path), "name a findings JSON written by 'reportgen audit --json', or an export")
    try:
        document = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {exc}", where=where,
                         hint="name a findings JSON written by 'reportgen audit --json'") from exc
    return register_from_document(document, where)


def register_from_document(document: object, source: str) -> Register:
    """Index a findings document (the parsed findings JSON); raises InputError naming what is wrong."""
    hint = "write it again with 'reportgen audit --json'"
    if not isinstance(document, dict) or "schema_version" not in document:
        raise InputError("not a reportgen findings JSON (no schema_version)", where=source, hint=hint)
    if "all_evacuable" in document and "faux_clusters" not in document:
        raise InputError("this is a 'reportgen check --json' answer, not a findings JSON", where=source,
                         hint="give --from the findings JSON written by 'reportgen audit --json', or the exports")
    if document["schema_version"] != 1:
        raise InputError(f"schema_version {document['schema_version']!r} is not one this reportgen reads (1)",
                         where=source, hint="use the reportgen that wrote it")
    hosts = _list(document, "hosts", source)
    for i, h in enumerate(hosts):
        if not isinstance(h, dict) or not isinstance(h.get("name"), str) or not isinstance(h.get("evacuable"), bool):
            raise InputError(f"hosts[{i}] lacks a name or evacuable", where=source, hint=hint)
    waves = _waves(document, hosts, source)
    check_shape(document, source)
    clusters = {}
    for i, c in enumerate(_list(document, "faux_clusters", source)):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str):
            raise InputError(f"faux_clusters[{i}] lacks an id", where=source, hint=hint)
        clusters[c["id"]] = c
    gaps: dict[str | None, list[NotAssessed]] = {}
    # Without its coverage a host's answer could not say which checks its export did not assess.
    for i, c in enumerate(_list(document, "coverage", source)):
        if not isinstance(c, dict) or not isinstance(c.get("rule"), str) or \
                c.get("status") not in ("assessed", "not-assessed"):
            raise InputError(f"coverage[{i}] lacks a rule or a status of 'assessed' or 'not-assessed'", where=source,
                             hint=hint)
        if not isinstance(c.get("source"), (str, type(None))) or not isinstance(c.get("reason"), (str, type(None))):
            raise InputError(f"coverage[{i}] has a source or reason that is not a text", where=source, hint=hint)
        if c["status"] == "not-assessed":
            gaps.setdefault(c.get("source"), []).append(NotAssessed(c["rule"], str(c.get("reason") or "")))
    _uncovered(hosts, document["coverage"], gaps)
    sites = {}
    for s in document.get("sites") or [] if isinstance(document.get("sites"), list) else []:
        if isinstance(s, dict) and isinstance(s.get("hosts"), list):
            sites.update({str(h): str(s.get("name")) for h in s["hosts"]})
    return Register(source=source, hosts=tuple(hosts), clusters=clusters, waves=waves,
                    not_assessed={k: tuple(v) for k, v in gaps.items()}, sites=sites, labels=_labels(hosts),
                    settings=settings(document), contacts=contacts(document), unplaced=unplaced(document),
                    nodes_on=nodes_on(clusters), limiting=limiting(document))


def _uncovered(hosts: list[Any], coverage: list[Any], gaps: dict[str | None, list[NotAssessed]]) -> None:
    """A gap for each export whose hosts the coverage says nothing about (a coverage emptied or cut): no check is
    known to have run on it, so none of its hosts can be proven free."""
    covered = {c.get("source") for c in coverage}
    if None in covered:
        return
    for source in dict.fromkeys(h.get("source") for h in hosts):
        if isinstance(source, str) and source not in covered:
            gaps.setdefault(source, []).append(NotAssessed(
                "*", f"the findings JSON records no check as assessed or not on {source} (its coverage was emptied "
                "or cut): write it again with 'reportgen audit --json'"))


def _labels(hosts: list[Any]) -> tuple[str, ...]:
    """Each host's label as the findings JSON gives it, else its name told apart by its export file (a JSON
    written before labels were added)."""
    told = told_apart({str(i): h["name"] for i, h in enumerate(hosts)},
                      {str(i): h.get("source") if isinstance(h.get("source"), str) else None
                       for i, h in enumerate(hosts)})
    return tuple(h["label"] if isinstance(h.get("label"), str) and h["label"] else told[str(i)]
                 for i, h in enumerate(hosts))


def _waves(document: Mapping[str, Any], hosts: list[Any], source: str) -> int:
    """The number of waves, once every host's ``wave`` agrees with the ``waves`` lists (the answer
    says "wave N of M": a file where they disagree was altered, and neither can be trusted)."""
    hint = "write it again with 'reportgen audit --json'"
    waves = document.get("waves", [])
    if not isinstance(waves, list) or not all(isinstance(w, list) for w in waves):
        raise InputError("'waves' is not a list of host lists", where=source, hint=hint)
    for i, h in enumerate(hosts):
        wave, number = h.get("wave", -1), h.get("wave_number")
        if wave is None:
            wave = -1
        where = f"hosts[{i}] ({h['name']})"
        if not isinstance(wave, int) or isinstance(wave, bool) or not -1 <= wave < len(waves):
            raise InputError(f"{where} has wave {wave!r}, but 'waves' lists {len(waves)} wave(s) (numbered from 0; "
                             "-1 for none)", where=source, hint=hint)
        if wave >= 0 and h["name"] not in waves[wave]:
            raise InputError(f"{where} has wave {wave!r}, but waves[{wave}] does not list it", where=source,
                             hint=hint)
        if "wave_number" in h and number != (wave + 1 if wave >= 0 else None):
            raise InputError(f"{where} has wave_number {number!r}, which disagrees with its wave {wave!r}",
                             where=source, hint=hint)
    return len(waves)


def _list(document: Mapping[str, Any], key: str, source: str) -> list[Any]:
    value = document.get(key)
    if not isinstance(value, list):
        raise InputError(f"'{key}' is missing or not a list", where=source,
                         hint="write it again with 'reportgen audit --json'")
    return value


def check_hosts(register: Register, patterns: Sequence[str]) -> CheckResult:
    """Answer for every host matching ``patterns``."""
    names = [h["name"] for h in register.hosts]
    rows, unmatched = match_hosts(names, patterns, register.labels)
    return CheckResult(tuple(_check(register, i) for i in rows), tuple(_as_clusters(register, unmatched)),
                       register.source, ambiguous_names(names, patterns, register.labels),
                       together(register.hosts, register.labels, register.clusters, rows, register.limiting))


def _as_clusters(register: Register, unmatched: Sequence[Unmatched]) -> list[Unmatched]:
    """A name that matches no host but is a cluster's ('HQ-PROD-01'): its hosts are named instead of close matches."""
    named = []
    for u in unmatched:
        lower = u.pattern.strip().lower()
        cluster = next((c for h in register.hosts for c in (h.get("cluster_label"), h.get("cluster"))
                        if isinstance(c, str) and c and fnmatch.fnmatchcase(c.lower(), lower)), None)
        hosts = tuple(register.labels[i] if i < len(register.labels) else str(h["name"])
                      for i, h in enumerate(register.hosts) if cluster in (h.get("cluster_label"), h.get("cluster")))
        named.append(Unmatched(u.pattern, hosts, cluster) if cluster else u)
    return named


def _guests(items: object) -> tuple[GuestToStop, ...]:
    if not isinstance(items, list):
        return ()
    return tuple(
        GuestToStop(name=str(g.get("name") or g.get("key")), key=str(g.get("key")), owner=g.get("owner"),
                    rules=tuple(g.get("rules") or ()), guest_cluster=g.get("faux_cluster"),
                    unknown=g["ha_only_unknown"] if isinstance(g.get("ha_only_unknown"), str) else "")
        for g in items if isinstance(g, dict)
    )


def _restart_unknown(items: object) -> tuple[tuple[GuestToStop, str], ...]:
    """The guests whose restart after a host failure is not known, each with what to check (absent in older files)."""
    why = [str(g.get("why") or "") for g in items if isinstance(g, dict)] if isinstance(items, list) else []
    return tuple(zip(_guests(items), why, strict=True))


def _step(cluster: Mapping[str, Any], host: str, degraded: object, tied: set[str]) -> ClusterStep:
    """The guest cluster's nodes here and what happens to them: failed over first where the wave plan counts a
    failover (:func:`reportgen.failovers.needs_failover` on the host's ``degraded_faux_clusters``), moved live where
    no tie holds them. A findings JSON without that list cannot tell: a failover is asked for."""
    cid, topology = str(cluster["id"]), str(cluster.get("topology") or "unknown")
    nodes = [g for g in cluster.get("guests") or [] if isinstance(g, dict)]
    up = [g for g in nodes if g.get("power_state") in ("poweredOn", None)]
    here = [g for g in up if g.get("host_label", g.get("host")) == host]
    if isinstance(degraded, list):
        failover = needs_failover(cid, degraded, topology)
        live = moves_live(cid, degraded) and not any(str(g.get("key")) in tied for g in here)
    else:
        failover, live = topology != "in-a-box", False
    return ClusterStep(
        id=cid, name=str(cluster.get("name") or cid), topology=topology, suspected=bool(cluster.get("suspected")),
        fail_over_first=tuple(str(g.get("name")) for g in here),
        take_over=tuple(str(g.get("name")) for g in up if g.get("host_label", g.get("host")) not in (host, None)),
        moves_live=live, failover=failover,
    )


def _node_host(cluster: Mapping[str, Any], name: str, label: str) -> str:
    """How the guest cluster's nodes name this host: by label where the findings JSON has them (two vCenters'
    esx01 are two hosts), else by name."""
    nodes = [g for g in cluster.get("guests") or [] if isinstance(g, dict)]
    return label if any("host_label" in g for g in nodes) else name


def _clusters_with_a_node(register: Register, name: str, label: str) -> list[str]:
    """The guest clusters, suspected ones too (which tie no guest), with a node on this host."""
    on = register.nodes_on or {}
    return [i for i in dict.fromkeys((*on.get(label, ()), *on.get(name, ())))
            if i in on.get(_node_host(register.clusters[i], name, label), ())]


def _check(register: Register, row: int) -> HostCheck:
    host = register.hosts[row]
    name = str(host["name"])
    label = register.labels[row] if row < len(register.labels) else name
    tied = _guests(host.get("pinned_guests"))
    now = {g.key for g in tied}
    later = tuple(g for g in _guests(host.get("pinned_at_next_power_on")) if g.key not in now)
    media = tuple(g for g in tied if media_only(g.rules, g.guest_cluster))
    power_off = tuple(g for g in tied if g not in media)
    ids = dict.fromkeys([*(host.get("degraded_faux_clusters") or []),
                         *(g.guest_cluster for g in (*tied, *later) if g.guest_cluster),
                         *_clusters_with_a_node(register, name, label)])
    wave = host.get("wave")
    gaps = (*register.not_assessed.get(None, ()), *register.not_assessed.get(host.get("source"), ()))
    if host.get("source") is None:  # a findings JSON without hosts[].source: every gap may concern it
        gaps = tuple(g for k in register.not_assessed for g in register.not_assessed[k])
    return HostCheck(
        name=name, label=label, cluster=host.get("cluster"), platform=host.get("platform"),
        site=host.get("site") or register.sites.get(name), evacuable=bool(host["evacuable"]),
        power_off=power_off, at_next_power_on=later,
        owners=tuple(sorted({g.owner for g in power_off if g.owner})),
        owner_unknown=any(not g.owner for g in power_off),
        guest_clusters=tuple(_step(register.clusters[c], _node_host(register.clusters[c], name, label),
                                   host.get("degraded_faux_clusters"), {g.key for g in (*tied, *later)})
                             for c in ids if c in register.clusters),
        wave=wave + 1 if isinstance(wave, int) and wave >= 0 else None, waves=register.waves,
        stranded_on_failure=_guests(host.get("stranded_on_failure")),
        restart_unknown=_restart_unknown(host.get("restart_unknown_on_failure")),
        not_assessed=tuple(dict.fromkeys(gaps)),
        disconnect_media=media, settings=setting_lines(register.settings, host, label),
        unplaced=unplaced_running(register.unplaced, host),
        contacts=tuple((register.contacts or {})[o] for o in sorted({g.owner for g in (*power_off, *later, *media)
                                                                     if g.owner}) if o in (register.contacts or {})),
    )

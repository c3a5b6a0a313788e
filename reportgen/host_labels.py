"""Host names that tell hosts apart: two vCenters (or Hyper-V clusters) may each have an 'esx01'.

A host's name is the name its export gives it, and the findings JSON keeps that name where the
contract says so. Where several hosts of the estate share a name (compared without case), lists
that name hosts -- the waves, ``reportgen check`` -- also say where each one is:
'esx01 in vc01.example.test', so that an admin can tell which host is meant.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from pathlib import PurePath
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # ``reportgen check`` uses told_apart and loads no table library
    from .estate import Estate


UNKNOWN_CLUSTER = "cluster unknown"
"""How a host whose cluster membership the export does not show is named where its cluster is: never 'standalone'."""


def told_apart(names: Mapping[str, str], places: Mapping[str, str | None]) -> dict[str, str]:
    """Key -> name, or 'name in place' for names that several keys share (``places``: key -> vCenter,
    cluster or export file). Where the place does not tell them apart either, the key does."""
    shared = Counter(n.lower() for n in names.values())
    labels = {k: (f"{n} in {places.get(k) or 'an export without a name'}" if shared[n.lower()] > 1 else n)
              for k, n in names.items()}
    twice = Counter(v.lower() for v in labels.values())
    return {k: (f"{v} ({k})" if twice[v.lower()] > 1 else v) for k, v in labels.items()}


def across_places(names: Mapping[str, str], places: Mapping[str, str | None]) -> dict[str, str]:
    """Key -> name, or 'name in place' for a name that keys of different places share; a name repeated within one
    place only (two guests 'web' in one vCenter's folders) is left as it is."""
    where: dict[str, set[str | None]] = {}
    for k, n in names.items():
        where.setdefault(n.lower(), set()).add(places.get(k))
    return {k: (f"{n} in {places.get(k) or 'an export without a name'}" if len(where[n.lower()]) > 1 else n)
            for k, n in names.items()}


def guest_labels(estate: Estate) -> dict[str, str]:
    """Guest key -> the guest's name, or 'hb01 in vc02.example.test' where a guest of another vCenter (or
    export) has the same name."""
    guests = estate.guests
    places = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    keys = guests.column("guest_key").to_pylist()
    names = dict(zip(keys, (str(n or k) for n, k in zip(guests.column("name").to_pylist(), keys, strict=True)),
                     strict=True))
    where = dict(zip(keys, (places.get(s) for s in guests.column("source_id").to_pylist()), strict=True))
    return across_places(names, where)


def host_labels(estate: Estate) -> dict[str, str]:
    """Host key -> the host's name, told apart from same-named hosts by its vCenter (or export); a Hyper-V
    host by its cluster, else its domain, else the name of its export ('HV01 in CL-NORTH')."""
    hosts = estate.hosts
    places = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    files = {s["source_id"]: PurePath(str(s["file"])).name for s in estate.sources.to_pylist()}
    names: dict[str, str] = {}
    where: dict[str, str | None] = {}
    hyperv: dict[str, list[tuple[str, tuple[str | None, ...]]]] = {}
    for h in hosts.select(["host_key", "name", "platform", "cluster", "fqdn", "source_id"]).to_pylist():
        names[h["host_key"]] = str(h["name"])
        if h["platform"] == "hyperv":
            domain = str(h["fqdn"] or "").partition(".")[2] or None
            ways = (h["cluster"], domain, files.get(h["source_id"]))
            hyperv.setdefault(str(h["name"]).lower(), []).append((h["host_key"], ways))
        else:
            where[h["host_key"]] = places.get(h["source_id"])
    for same in hyperv.values():  # each its cluster, else domain, else export; else the first way that tells
        first = [next((w for w in ways if w), None) for _, ways in same]
        told = next((i for i in range(3) if all(w[i] for _, w in same)
                     and len({str(w[i]).lower() for _, w in same}) == len(same)), None)
        if told is not None and len({str(f).lower() for f in first}) < len(same):
            first = [ways[told] for _, ways in same]
        where.update((key, place) for (key, _), place in zip(same, first, strict=True))
    return told_apart(names, where)


def cluster_labels(estate: Estate) -> dict[str, str]:
    """Cluster key -> the cluster's name, or 'Common in BBT' where another cluster of the estate has the same name:
    vSphere cluster names are unique only within a datacenter, so a vCenter may have a 'Common' in each. A shared
    name is told apart by its datacenter, else its vCenter (or export), else both ('Prod in DC1 in vc01')."""
    places = {s["source_id"]: s["server"] or s["file"] for s in estate.sources.to_pylist()}
    names: dict[str, str] = {}
    dcs: dict[str, str | None] = {}
    servers: dict[str, str | None] = {}
    for c in estate.table("clusters").select(["cluster_key", "name", "datacenter", "source_id"]).to_pylist():
        names[c["cluster_key"]] = str(c["name"])
        dcs[c["cluster_key"]] = c["datacenter"] or None
        servers[c["cluster_key"]] = places.get(c["source_id"])
    same: dict[str, list[str]] = {}
    for k, n in names.items():
        same.setdefault(n.lower(), []).append(k)
    where: dict[str, str | None] = {}
    for keys in same.values():
        apart_dc = all(dcs[k] for k in keys) and len({str(dcs[k]).lower() for k in keys}) == len(keys)
        apart_vc = len({str(servers[k]).lower() for k in keys}) == len(keys)
        for k in keys:
            both = f"{dcs[k]} in {servers[k]}" if dcs[k] and servers[k] else dcs[k] or servers[k]
            where[k] = dcs[k] if apart_dc else servers[k] if apart_vc else both
    return told_apart(names, where)


def cluster_unknown_keys(estate: Estate) -> frozenset[str]:
    """Keys of the hosts in no cluster the export shows, and whose membership it does not show either."""
    hosts = estate.hosts.select(["host_key", "cluster_key", "cluster_unknown"]).to_pylist()
    return frozenset(h["host_key"] for h in hosts if h["cluster_unknown"] and not h["cluster_key"])


def host_cluster_labels(estate: Estate) -> dict[str, str]:
    """Host key -> the label of its cluster ('Common in BBT'), or 'cluster unknown' for a host whose cluster
    membership the export does not show; hosts in no cluster are left out."""
    labels = cluster_labels(estate)
    hosts = estate.hosts.select(["host_key", "cluster_key", "cluster", "cluster_unknown"]).to_pylist()
    unknown = {h["host_key"]: UNKNOWN_CLUSTER for h in hosts if h["cluster_unknown"] and not h["cluster_key"]}
    return unknown | {h["host_key"]: labels.get(h["cluster_key"]) or str(h["cluster"])
                      for h in hosts if h["cluster_key"] and (h["cluster_key"] in labels or h["cluster"])}


def cluster_homes(estate: Estate) -> dict[str, tuple[str, int]]:
    """Cluster key -> (its name as exported, the source id of its export): from vCluster, else from its hosts
    (a cluster whose hosts vHost lists but vCluster does not)."""
    homes: dict[str, tuple[str, int]] = {}
    for h in estate.hosts.select(["cluster_key", "cluster", "source_id"]).to_pylist():
        if h["cluster_key"] and h["cluster"]:
            homes.setdefault(h["cluster_key"], (str(h["cluster"]), int(h["source_id"])))
    for c in estate.table("clusters").select(["cluster_key", "name", "source_id"]).to_pylist():
        homes[c["cluster_key"]] = (str(c["name"]), int(c["source_id"]))
    return homes

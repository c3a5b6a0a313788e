"""A pure-Python reference of the seven core computations: slow, simple, obviously correct.

Plain lists, dicts, sets and BFS; it must not import ``reportgen._core`` (nor
``reportgen.graph``, which does). The tests check the compiled core against it.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import product
from math import ceil

Edge = tuple[int, int, int, int]  # (a, b, rule, cause); b is a guest or a host


@dataclass
class Estate:
    """An estate as plain Python data."""

    n_guests: int
    n_hosts: int
    n_clusters: int
    n_rules: int
    n_causes: int
    guest_host: list[int]
    guest_active: list[bool]
    guest_owner: list[int]
    host_cluster: list[int]
    cluster_capacity: list[int]
    guest_memory: list[int]
    host_memory: list[int]
    bonds: list[Edge] = field(default_factory=list)
    colocations: list[Edge] = field(default_factory=list)
    pins: list[Edge] = field(default_factory=list)
    strands: list[Edge] = field(default_factory=list)
    guest_cluster_cause_pool: list[int] = field(default_factory=list)
    """guest_cluster_cause[f] = guest_cluster_cause_pool[f] (or -1 past its end)."""


def components(n: int, pairs: list[tuple[int, int]]) -> list[int]:
    """Component label per node by BFS, numbered by smallest node."""
    adjacent: list[list[int]] = [[] for _ in range(n)]
    for a, b in pairs:
        adjacent[a].append(b)
        adjacent[b].append(a)
    label = [-1] * n
    count = 0
    for start in range(n):
        if label[start] >= 0:
            continue
        label[start] = count
        queue = deque([start])
        while queue:
            x = queue.popleft()
            for y in adjacent[x]:
                if label[y] < 0:
                    label[y] = count
                    queue.append(y)
        count += 1
    return label


def guest_clusters(e: Estate) -> dict[str, object]:
    """Step 1: guest clusters, their members, hosts, topology and most members per host."""
    label = components(e.n_guests, [(a, b) for a, b, _, _ in e.bonds])
    groups: dict[int, list[int]] = {}
    for g, c in enumerate(label):
        groups.setdefault(c, []).append(g)
    clusters = sorted((m for m in groups.values() if len(m) >= 2), key=lambda m: m[0])
    guest_cluster = [-1] * e.n_guests
    hosts, topology, max_per = [], [], []
    for f, members in enumerate(clusters):
        for g in members:
            guest_cluster[g] = f
        on = [e.guest_host[g] for g in members]
        known = sorted({h for h in on if h >= 0})
        hosts.append(known)
        max_per.append(max((on.count(h) for h in known), default=0))
        if -1 in on:
            topology.append(3)
        elif len(known) == 1:
            topology.append(0)
        elif len(known) == len(members) and len({e.host_cluster[h] for h in known}) == 1:
            topology.append(1)
        else:
            topology.append(2)
    return {"count": len(clusters), "guest_cluster": guest_cluster, "members": clusters,
            "hosts": hosts, "topology": topology, "max_per_host": max_per}


def guest_cluster_causes(e: Estate, n_guest_clusters: int) -> list[int]:
    """The guest_cluster_cause array the tests hand to the core."""
    return [e.guest_cluster_cause_pool[f] if f < len(e.guest_cluster_cause_pool) else -1 for f in range(n_guest_clusters)]


def _closure(e: Estate, colocations: list[Edge], pins: list[Edge]) -> tuple[list[int], list[set[int]]]:
    """Colocation group per guest and pinned host set per group."""
    group = components(e.n_guests, [(a, b) for a, b, _, _ in colocations])
    pinned: dict[int, set[int]] = {}
    for g, h, _, _ in pins:
        pinned.setdefault(group[g], set()).add(h)
    n_groups = max(group, default=-1) + 1
    return group, [pinned.get(i, set()) for i in range(n_groups)]


def _blockers(e: Estate, colocations: list[Edge], pins: list[Edge]) -> list[list[int]]:
    group, pinned = _closure(e, colocations, pins)
    out: list[list[int]] = [[] for _ in range(e.n_hosts)]
    for g in range(e.n_guests):
        h = e.guest_host[g]
        if e.guest_active[g] and h >= 0 and h in pinned[group[g]]:
            out[h].append(g)
    return out


def _freed(e: Estate, before: list[list[int]], drop: set[int], which: int) -> list[int]:
    """Hosts blocked now and free once every pin / colocation with field `which` in drop goes."""
    keep_c = [x for x in e.colocations if x[which] not in drop]
    keep_p = [x for x in e.pins if x[which] not in drop]
    after = _blockers(e, keep_c, keep_p)
    return [h for h in range(e.n_hosts) if before[h] and not after[h]]


def guest_cluster_hosts(e: Estate, guest_cluster: list[int], n_guest_clusters: int) -> list[set[int]]:
    """Distinct known hosts per guest cluster."""
    out: list[set[int]] = [set() for _ in range(n_guest_clusters)]
    for g, f in enumerate(guest_cluster):
        if f >= 0 and e.guest_host[g] >= 0:
            out[f].add(e.guest_host[g])
    return out


def lower_bound(e: Estate, guest_cluster: list[int], n_guest_clusters: int) -> int:
    """Bounds (a)-(d) of the core's lower bound, from explicit neighbour sets."""
    if e.n_hosts == 0:
        return 0
    fh = guest_cluster_hosts(e, guest_cluster, n_guest_clusters)
    bound = max([1] + [len(s) for s in fh])
    for c in range(e.n_clusters):
        size = sum(1 for h in range(e.n_hosts) if e.host_cluster[h] == c)
        bound = max(bound, -(-size // e.cluster_capacity[c]))
    for x in range(e.n_hosts):
        neighbours = set().union(*(s for s in fh if x in s)) - {x}
        for c in range(e.n_clusters):
            inside = sum(1 for y in neighbours if e.host_cluster[y] == c)
            if inside:
                bound = max(bound, 1 + -(-inside // e.cluster_capacity[c]))
    return bound


def max_clique(e: Estate, guest_cluster: list[int], n_guest_clusters: int) -> int:
    """Exact largest clique of conflicts + mates (hosts of one cluster with capacity 1)."""
    adjacent: list[set[int]] = [set() for _ in range(e.n_hosts)]
    for s in guest_cluster_hosts(e, guest_cluster, n_guest_clusters):
        for h in s:
            adjacent[h] |= s - {h}
    for h in range(e.n_hosts):
        c = e.host_cluster[h]
        if c >= 0 and e.cluster_capacity[c] == 1:
            adjacent[h] |= {y for y in range(e.n_hosts) if y != h and e.host_cluster[y] == c}
    best = 0

    def extend(size: int, candidates: set[int]) -> None:
        nonlocal best
        best = max(best, size)
        for x in sorted(candidates):
            if size + len(candidates) <= best:
                return
            extend(size + 1, candidates & adjacent[x])
            candidates = candidates - {x}

    extend(0, set(range(e.n_hosts)))
    return best


def wave_violations(e: Estate, guest_cluster: list[int], n_guest_clusters: int, wave: list[int],
                    wave_count: int) -> list[str]:
    """Why a wave plan is invalid (empty list: valid)."""
    problems = []
    if len(wave) != e.n_hosts:
        return [f"{len(wave)} waves for {e.n_hosts} hosts"]
    if any(not 0 <= w < wave_count for w in wave):
        problems.append("wave out of range")
    if e.n_hosts and wave_count != max(wave) + 1:
        problems.append("wave_count is not the number of waves used")
    for f, hosts in enumerate(guest_cluster_hosts(e, guest_cluster, n_guest_clusters)):
        waves = [wave[h] for h in hosts]
        if len(set(waves)) != len(waves):
            problems.append(f"guest cluster {f} loses two nodes in one wave")
    load: dict[tuple[int, int], int] = {}
    for h in range(e.n_hosts):
        c = e.host_cluster[h]
        if c >= 0:
            load[c, wave[h]] = load.get((c, wave[h]), 0) + 1
            if load[c, wave[h]] > e.cluster_capacity[c]:
                problems.append(f"cluster {c} has too many hosts down in wave {wave[h]}")
    return problems


def min_waves(e: Estate, guest_cluster: list[int], n_guest_clusters: int) -> int:
    """The true minimum number of waves, by exhaustive search (tiny estates only)."""
    for count in range(1, e.n_hosts + 1):
        for wave in product(range(count), repeat=e.n_hosts):
            if not wave_violations(e, guest_cluster, n_guest_clusters, list(wave), max(wave) + 1):
                return count
    return 0


def pinning(e: Estate, guest_cluster: list[int], n_guest_clusters: int) -> dict[str, object]:
    """Steps 2-7 except the wave plan and its bound (see wave_violations, lower_bound)."""
    group, pinned = _closure(e, e.colocations, e.pins)
    members: dict[int, list[int]] = {}
    for g, c in enumerate(group):
        members.setdefault(c, []).append(g)
    conflicts = [c for c in range(len(pinned)) if len(pinned[c]) >= 2]
    blockers = _blockers(e, e.colocations, e.pins)
    degraded = [sorted({guest_cluster[g] for g in b if guest_cluster[g] >= 0}) for b in blockers]
    owners = [sorted({e.guest_owner[g] for g in b if e.guest_owner[g] >= 0}) for b in blockers]
    unknown = [any(e.guest_owner[g] < 0 for g in b) for b in blockers]

    fh = guest_cluster_hosts(e, guest_cluster, n_guest_clusters)
    domain = components(e.n_hosts, [(min(s), h) for s in fh for h in s])

    seeds = {(g, h) for g, h, _, _ in e.strands if e.guest_active[g] and e.guest_host[g] == h}
    seeded = {(group[g], h) for g, h in seeds}
    stranded: list[list[int]] = [[] for _ in range(e.n_hosts)]
    for g in range(e.n_guests):
        h = e.guest_host[g]
        if e.guest_active[g] and h >= 0 and (group[g], h) in seeded:
            stranded[h].append(g)

    fc = guest_cluster_causes(e, n_guest_clusters)
    by_cause = [_freed(e, blockers, {c}, 3) for c in range(e.n_causes)]
    by_rule = [_freed(e, blockers, {r}, 2) for r in range(e.n_rules)]
    freed = len(_freed(e, blockers, {c for c in fc if c >= 0}, 3))
    k = 0
    for f in range(n_guest_clusters):
        on = [e.guest_host[g] for g in range(e.n_guests) if guest_cluster[g] == f]
        k = max(k, 1 if -1 not in on and len(set(on)) == 1 else len(on))
    in_guest_clusters = [g for g in range(e.n_guests) if guest_cluster[g] >= 0]
    carrying = {e.guest_host[g] for g in in_guest_clusters if e.guest_host[g] >= 0}
    if (carrying and all(e.guest_memory[g] > 0 for g in in_guest_clusters)
            and all(e.host_memory[h] > 0 for h in carrying)):
        total = sum(e.guest_memory[g] for g in in_guest_clusters)
        mean = Fraction(sum(e.host_memory[h] for h in carrying), len(carrying))
        k = max(k, ceil(total / (mean * Fraction(8, 10))))
    return {
        "group": group, "group_count": len(pinned),
        "group_pinned": [sorted(s) for s in pinned],
        "pinned": [sorted(pinned[group[g]]) for g in range(e.n_guests)],
        "conflict_groups": conflicts,
        "conflict_guests": [members[c] for c in conflicts],
        "conflict_hosts": [sorted(pinned[c]) for c in conflicts],
        "blockers": blockers, "degraded": degraded, "owners": owners, "unknown_owner": unknown,
        "evacuable": [not b for b in blockers],
        "domain": domain, "domain_count": max(domain, default=-1) + 1,
        "stranded": stranded,
        "freed_by_cause": by_cause, "freed_by_rule": by_rule,
        "containment_k": k, "containment_hosts_freed": freed, "containment_net": freed - k,
    }

"""The seven core computations written with networkx, as the benchmark's yardstick.

Graph work goes through networkx (connected components, subgraph components, DSATUR
colouring); the bookkeeping around it is plain Python. Remediation uses the same local idea
as the core (only groups a cause touches are re-split), so the comparison is about the
implementation, not the algorithm. Waves: networkx's DSATUR colouring of the conflict graph
(plus cliques for clusters allowing one host down), then hosts over a cluster's capacity are
moved to new waves; the bound is the clique/capacity bound without the greedy clique search.
"""

from __future__ import annotations

import time
from collections import defaultdict
from typing import Any

import networkx as nx


def _components(n: int, pairs: Any) -> list[int]:
    g = nx.Graph()
    g.add_nodes_from(range(n))
    g.add_edges_from(pairs)
    label = [0] * n
    for i, comp in enumerate(sorted(nx.connected_components(g), key=min)):
        for x in comp:
            label[x] = i
    return label


def all_seven(e: Any) -> dict[str, Any]:
    """Steps 1-7 on a bench Estate; returns the results as plain Python values.

    ``result["seconds"]`` holds the time spent per step (steps 1-4, 5, 6, 7).
    """
    seconds: dict[str, float] = {}
    start = time.perf_counter()
    n, nh = e.n_guests, e.n_hosts
    gh = e.guest_host.tolist()
    hc = e.host_cluster.tolist()
    active = e.guest_active.tolist()
    owner = e.guest_owner.tolist()

    # 1. guest clusters
    bonds = nx.Graph()
    bonds.add_nodes_from(range(n))
    bonds.add_edges_from(zip(e.bonds.src.tolist(), e.bonds.dst.tolist()))
    guest_clusters = sorted((sorted(c) for c in nx.connected_components(bonds) if len(c) >= 2), key=lambda m: m[0])
    guest_cluster = [-1] * n
    topology = []
    guest_cluster_hosts = []
    for f, members in enumerate(guest_clusters):
        for g in members:
            guest_cluster[g] = f
        on = [gh[g] for g in members]
        known = sorted({h for h in on if h >= 0})
        guest_cluster_hosts.append(known)
        if -1 in on:
            topology.append(3)
        elif len(known) == 1:
            topology.append(0)
        elif len(known) == len(members) and len({hc[h] for h in known}) == 1:
            topology.append(1)
        else:
            topology.append(2)

    # 2. colocation groups and pin closure
    c_src, c_dst = e.colocations.src.tolist(), e.colocations.dst.tolist()
    c_rule, c_cause = e.colocations.rule.tolist(), e.colocations.cause.tolist()
    p_guest, p_host = e.pins.src.tolist(), e.pins.dst.tolist()
    p_rule, p_cause = e.pins.rule.tolist(), e.pins.cause.tolist()
    group = _components(n, zip(c_src, c_dst))
    pinned: dict[int, set[int]] = defaultdict(set)
    for g, h in zip(p_guest, p_host):
        pinned[group[g]].add(h)
    conflicts = sorted(k for k, hosts in pinned.items() if len(hosts) >= 2)

    # 3. evacuation
    blockers: list[list[int]] = [[] for _ in range(nh)]
    for g in range(n):
        h = gh[g]
        if active[g] and h >= 0 and h in pinned.get(group[g], ()):
            blockers[h].append(g)
    degraded = [sorted({guest_cluster[g] for g in b if guest_cluster[g] >= 0}) for b in blockers]
    owners = [sorted({owner[g] for g in b if owner[g] >= 0}) for b in blockers]

    # 4. maintenance domains
    hosts = nx.Graph()
    hosts.add_nodes_from(range(nh))
    for known in guest_cluster_hosts:
        nx.add_path(hosts, known)
    domains = list(nx.connected_components(hosts))

    seconds["steps 1-4"] = time.perf_counter() - start
    start = time.perf_counter()

    # 5. waves
    conflict = nx.Graph()
    conflict.add_nodes_from(range(nh))
    for known in guest_cluster_hosts:
        conflict.add_edges_from((a, b) for i, a in enumerate(known) for b in known[i + 1:])
    by_cluster: dict[int, list[int]] = defaultdict(list)
    for h, c in enumerate(hc):
        if c >= 0:
            by_cluster[c].append(h)
    capacity = e.capacity.tolist()
    for c, members in by_cluster.items():
        if capacity[c] == 1:
            conflict.add_edges_from((a, b) for i, a in enumerate(members) for b in members[i + 1:])
    colour = nx.coloring.greedy_color(conflict, strategy="DSATUR")
    wave = [colour[h] for h in range(nh)]
    next_wave = max(wave, default=-1) + 1
    load: dict[tuple[int, int], int] = defaultdict(int)
    for h in range(nh):
        c = hc[h]
        if c >= 0:
            if load[c, wave[h]] >= capacity[c]:
                wave[h] = next_wave
                next_wave += 1
            load[c, wave[h]] += 1
    bound = max([1 if nh else 0] + [len(k) for k in guest_cluster_hosts]
                + [-(-len(m) // capacity[c]) for c, m in by_cluster.items()])

    seconds["step 5"] = time.perf_counter() - start
    start = time.perf_counter()

    # 6. failure impact
    seeded = {(group[g], h) for g, h in zip(e.strands.src.tolist(), e.strands.dst.tolist())
              if active[g] and gh[g] == h}
    stranded: list[list[int]] = [[] for _ in range(nh)]
    for g in range(n):
        if active[g] and gh[g] >= 0 and (group[g], gh[g]) in seeded:
            stranded[gh[g]].append(g)

    seconds["step 6"] = time.perf_counter() - start
    start = time.perf_counter()

    # 7. remediation: per key, re-split only the groups it touches
    members_of: dict[int, list[int]] = defaultdict(list)
    for g in range(n):
        members_of[group[g]].append(g)
    c_by_group: dict[int, list[int]] = defaultdict(list)
    for i, a in enumerate(c_src):
        c_by_group[group[a]].append(i)
    p_by_group: dict[int, list[int]] = defaultdict(list)
    for i, g in enumerate(p_guest):
        p_by_group[group[g]].append(i)

    def freed(n_keys: int, c_key: list[int], p_key: list[int]) -> list[list[int]]:
        touched: dict[int, set[int]] = defaultdict(set)
        for i, k in enumerate(c_key):
            if k >= 0:
                touched[k].add(group[c_src[i]])
        for i, k in enumerate(p_key):
            if k >= 0:
                touched[k].add(group[p_guest[i]])
        out: list[list[int]] = [[] for _ in range(n_keys)]
        for k, groups in touched.items():
            removed: dict[int, int] = defaultdict(int)
            for grp in groups:
                sub = nx.Graph()
                sub.add_nodes_from(members_of[grp])
                sub.add_edges_from((c_src[i], c_dst[i]) for i in c_by_group[grp] if c_key[i] != k)
                part = {}
                for j, comp in enumerate(nx.connected_components(sub)):
                    for g in comp:
                        part[g] = j
                keep = {(part[p_guest[i]], p_host[i]) for i in p_by_group[grp] if p_key[i] != k}
                for g in members_of[grp]:
                    h = gh[g]
                    if active[g] and h >= 0 and h in pinned.get(grp, ()) and (part[g], h) not in keep:
                        removed[h] += 1
            out[k] = sorted(h for h, r in removed.items() if r == len(blockers[h]))
        return out

    guest_cluster_causes = set(e.guest_cluster_cause[: len(guest_clusters)].tolist())
    by_cause = freed(e.n_causes, c_cause, p_cause)
    by_rule = freed(5, c_rule, p_rule)
    contained = freed(1, [0 if c in guest_cluster_causes else -1 for c in c_cause],
                      [0 if c in guest_cluster_causes else -1 for c in p_cause])
    seconds["step 7"] = time.perf_counter() - start
    return {
        "guest_clusters": guest_clusters, "topology": topology, "group": group, "conflicts": conflicts,
        "blockers": blockers, "degraded": degraded, "owners": owners, "domains": len(domains),
        "wave": wave, "wave_bound": bound, "stranded": stranded,
        "freed_by_cause": by_cause, "freed_by_rule": by_rule, "contained": contained,
        "seconds": seconds,
    }

"""Hypothesis strategies for random estates, and the glue between them and the core."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import strategies as st

from reportgen import graph

from .reference import Edge, Estate, guest_cluster_causes


def _edges(draw: st.DrawFn, n_a: int, n_b: int, n_rules: int, n_causes: int,
           max_size: int, min_size: int = 0) -> list[Edge]:
    """Random edges, with self-loops and duplicates now and then."""
    if n_a == 0 or n_b == 0:
        return []
    edge = st.tuples(st.integers(0, n_a - 1), st.integers(0, n_b - 1),
                     st.integers(-1, n_rules - 1), st.integers(-1, n_causes - 1))
    edges = draw(st.lists(edge, min_size=min(min_size, max_size), max_size=max(max_size, min_size)))
    if edges and draw(st.booleans()):
        edges.append(edges[0])  # duplicate
    if n_a == n_b and draw(st.booleans()):
        g = draw(st.integers(0, n_a - 1))
        edges.append((g, g, min(0, n_rules - 1), min(0, n_causes - 1)))  # self-loop
    return edges


@st.composite
def estates(draw: st.DrawFn, max_guests: int = 24, max_hosts: int = 8, min_guests: int = 0,
            min_hosts: int = 0, min_edges: int = 0) -> Estate:
    """Small random estates: any mix of edges, unknown hosts, inactive guests, capacities.

    min_edges: at least this many bonds, colocations, pins and strands (when there are hosts).
    """
    n = draw(st.integers(min_guests, max_guests))
    nh = draw(st.integers(min_hosts, max_hosts))
    nc = draw(st.integers(0, 3))
    n_rules = draw(st.integers(0, 3))
    n_causes = draw(st.integers(0, 6))
    host_values = st.integers(-1, nh - 1) if nh else st.just(-1)
    cluster_values = st.integers(-1, nc - 1) if nc else st.just(-1)
    density = draw(st.sampled_from([0, 3, 12, 40]))
    return Estate(
        n_guests=n, n_hosts=nh, n_clusters=nc, n_rules=n_rules, n_causes=n_causes,
        guest_host=draw(st.lists(host_values, min_size=n, max_size=n)),
        guest_active=draw(st.lists(st.booleans(), min_size=n, max_size=n)),
        guest_owner=draw(st.lists(st.integers(-1, 4), min_size=n, max_size=n)),
        host_cluster=draw(st.lists(cluster_values, min_size=nh, max_size=nh)),
        cluster_capacity=draw(st.lists(st.integers(1, 3), min_size=nc, max_size=nc)),
        guest_memory=draw(st.lists(st.sampled_from([-1, 0, 512, 4096, 65536]), min_size=n, max_size=n)),
        host_memory=draw(st.lists(st.sampled_from([-1, 0, 4096, 65536, 262144]), min_size=nh, max_size=nh)),
        bonds=_edges(draw, n, n, n_rules, n_causes, density, min_edges),
        colocations=_edges(draw, n, n, n_rules, n_causes, density, min_edges),
        pins=_edges(draw, n, nh, n_rules, n_causes, density, min_edges),
        strands=_edges(draw, n, nh, n_rules, n_causes, density, min_edges),
        guest_cluster_cause_pool=draw(st.lists(st.integers(-1, n_causes - 1), max_size=n)),
    )


def realistic(seed: int, n_hosts: int = 40) -> Estate:
    """A small estate shaped like a real one: clusters of 4-12 hosts, 2-4-node guest clusters
    mostly across boxes, a few in a box, pins and colocations on some of them."""
    rng = random.Random(seed)
    host_cluster: list[int] = []
    capacity: list[int] = []
    while len(host_cluster) < n_hosts:
        size = min(rng.randint(4, 12), n_hosts - len(host_cluster))
        if rng.random() < 0.1:
            host_cluster += [-1] * size
            continue
        host_cluster += [len(capacity)] * size
        capacity.append(rng.choice([1, 1, 1, 2, 2, 3]))
    hosts_of: dict[int, list[int]] = {}
    for h, c in enumerate(host_cluster):
        hosts_of.setdefault(c, []).append(h)
    guest_host: list[int] = []
    bonds: list[Edge] = []
    pins: list[Edge] = []
    colocations: list[Edge] = []
    cause = 0
    for _ in range(n_hosts * 2):
        c = rng.choice(host_cluster)
        pool = hosts_of[c] if rng.random() < 0.9 else list(range(n_hosts))
        size = rng.randint(2, 4)
        first = len(guest_host)
        in_a_box = rng.random() < 0.15 or len(pool) < size
        on = [rng.choice(pool)] * size if in_a_box else rng.sample(pool, size)
        guest_host += on
        for g in range(first + 1, first + size):
            bonds.append((first, g, 0, cause))
            if in_a_box:
                colocations.append((first, g, 1, cause))
        if rng.random() < 0.5:
            pins += [(g, guest_host[g], 0, cause) for g in range(first, first + size)]
        cause += 1
    for _ in range(n_hosts * 3):
        guest_host.append(rng.randrange(n_hosts))
    n = len(guest_host)
    return Estate(
        n_guests=n, n_hosts=n_hosts, n_clusters=len(capacity), n_rules=2, n_causes=cause,
        guest_host=guest_host, guest_active=[True] * n, guest_owner=[g % 7 for g in range(n)],
        host_cluster=host_cluster, cluster_capacity=capacity,
        guest_memory=[8192] * n, host_memory=[524288] * n_hosts,
        bonds=bonds, colocations=colocations, pins=pins,
        guest_cluster_cause_pool=list(range(cause)),
    )


def _edge_arrays(edges: list[Edge]) -> list[np.ndarray]:
    if not edges:
        return [np.zeros(0, np.int32)] * 4
    return [np.asarray(col, dtype=np.int32) for col in zip(*edges)]


def core_clusters(e: Estate) -> graph.GuestClusters:
    """Step 1 through the core."""
    return graph.guest_clusters(e.n_guests, graph.Edges(*_edge_arrays(e.bonds)),
                                np.asarray(e.guest_host, np.int32),
                                np.asarray(e.host_cluster, np.int32))


def inputs(e: Estate, clusters: graph.GuestClusters) -> graph.PinningInputs:
    """The core's inputs for steps 2-7."""
    return graph.PinningInputs(
        n_guests=e.n_guests, n_hosts=e.n_hosts, n_clusters=e.n_clusters, n_rules=e.n_rules,
        n_causes=e.n_causes, guest_host=np.asarray(e.guest_host, np.int32),
        guest_active=np.asarray(e.guest_active, bool),
        guest_owner=np.asarray(e.guest_owner, np.int32),
        guest_cluster=clusters.guest_cluster, n_guest_clusters=clusters.count,
        host_cluster=np.asarray(e.host_cluster, np.int32),
        cluster_capacity=np.asarray(e.cluster_capacity, np.int32),
        guest_memory_mib=np.asarray(e.guest_memory, np.int64),
        host_memory_mib=np.asarray(e.host_memory, np.int64),
        colocations=graph.Edges(*_edge_arrays(e.colocations)),
        pins=graph.Edges(*_edge_arrays(e.pins)),
        strands=graph.Edges(*_edge_arrays(e.strands)),
        guest_cluster_cause=np.asarray(guest_cluster_causes(e, clusters.count), np.int32),
    )


def as_plain(result: object) -> dict[str, object]:
    """A core result dataclass as plain Python values (CSR -> list of lists)."""
    out: dict[str, object] = {}
    for name in result.__dataclass_fields__:  # type: ignore[attr-defined]
        value = getattr(result, name)
        if isinstance(value, (graph.CSR, np.ndarray)):
            out[name] = value.tolist()
        else:
            out[name] = value
    return out

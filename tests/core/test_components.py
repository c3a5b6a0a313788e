"""Step 1: connected components and guest clusters."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from reportgen import graph

from . import reference
from .estates import as_plain, core_clusters, estates

CHAIN = 500_000


def test_connected_components_small() -> None:
    count, labels = graph.connected_components(5, [3, 0], [4, 1])
    assert count == 3
    assert labels.tolist() == [0, 0, 1, 2, 2]


def test_connected_components_no_nodes_no_edges() -> None:
    assert graph.connected_components(0, [], [])[0] == 0
    count, labels = graph.connected_components(3, [], [])
    assert (count, labels.tolist()) == (3, [0, 1, 2])


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.int16, np.uint32])
def test_any_integer_index_dtype(dtype: type) -> None:
    src = np.array([0, 2], dtype=dtype)
    dst = np.array([1, 3], dtype=dtype)
    assert graph.connected_components(4, src, dst)[1].tolist() == [0, 0, 1, 1]


def _bonds(pairs: list[tuple[int, int]]) -> graph.Edges:
    a = np.array([p[0] for p in pairs], np.int32)
    b = np.array([p[1] for p in pairs], np.int32)
    z = np.zeros(len(pairs), np.int32)
    return graph.Edges(a, b, z, z)


def test_two_node_in_a_box() -> None:
    c = graph.guest_clusters(3, _bonds([(0, 2)]), np.array([1, 0, 1], np.int32), np.array([0, 0], np.int32))
    assert c.count == 1
    assert c.guest_cluster.tolist() == [0, -1, 0]
    assert c.members.tolist() == [[0, 2]] and c.hosts.tolist() == [[1]]
    assert c.topology.tolist() == [graph.IN_A_BOX] and c.max_per_host.tolist() == [2]


def test_three_node_across_boxes() -> None:
    c = graph.guest_clusters(3, _bonds([(0, 1), (1, 2)]), np.array([2, 0, 1], np.int32),
                             np.array([5, 5, 5], np.int32))
    assert c.topology.tolist() == [graph.ACROSS_BOXES] and c.hosts.tolist() == [[0, 1, 2]]
    assert c.max_per_host.tolist() == [1]
    assert graph.TOPOLOGY_NAMES[c.topology[0]] == "across-boxes"


def test_mixed_and_unknown() -> None:
    hosts = np.array([0, 0, 1, 0, 1, 2, -1], np.int32)
    # {0,1,2}: two on host 0 -> mixed; {3,4}: hosts in different clusters -> mixed;
    # {5,6}: one host unknown -> unknown.
    c = graph.guest_clusters(7, _bonds([(0, 1), (1, 2), (3, 4), (5, 6)]), hosts,
                             np.array([0, 1, -1], np.int32))
    assert c.topology.tolist() == [graph.MIXED, graph.MIXED, graph.UNKNOWN]
    assert c.hosts.tolist() == [[0, 1], [0, 1], [2]]
    assert c.max_per_host.tolist() == [2, 1, 1]


def test_self_loops_and_duplicates_make_no_cluster() -> None:
    c = graph.guest_clusters(3, _bonds([(1, 1), (1, 1), (2, 2)]), np.array([0, 0, 0], np.int32),
                             np.array([-1], np.int32))
    assert c.count == 0 and c.guest_cluster.tolist() == [-1, -1, -1]
    assert c.members.tolist() == [] and c.members.indptr.tolist() == [0]


def test_across_standalone_hosts() -> None:
    c = graph.guest_clusters(2, _bonds([(0, 1), (1, 0)]), np.array([0, 1], np.int32),
                             np.array([-1, -1], np.int32))
    assert c.topology.tolist() == [graph.ACROSS_BOXES]


@settings(max_examples=300, deadline=None)
@given(estates())
def test_guest_clusters_match_reference(e: reference.Estate) -> None:
    core = as_plain(core_clusters(e))
    assert core == reference.guest_clusters(e)


def test_chain_of_half_a_million_guests() -> None:
    src = np.arange(CHAIN - 1, dtype=np.int32)
    dst = src + 1
    count, labels = graph.connected_components(CHAIN, dst, src)
    assert count == 1 and not labels.any()
    hosts = (np.arange(CHAIN) % 3).astype(np.int32)
    c = graph.guest_clusters(CHAIN, graph.Edges(src, dst, src * 0, src * 0), hosts,
                             np.array([0, 0, 1], np.int32))
    e = reference.Estate(CHAIN, 3, 2, 1, 1, hosts.tolist(), [True] * CHAIN, [-1] * CHAIN,
                         [0, 0, 1], [1, 1], [0] * CHAIN, [0] * 3,
                         bonds=[(int(a), int(a) + 1, 0, 0) for a in src])
    assert as_plain(c) == reference.guest_clusters(e)

"""Inputs the core refuses, with a message that says which array and why."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from reportgen import graph
from reportgen.errors import CoreError

from .estates import core_clusters, inputs, realistic


@pytest.fixture(scope="module")
def good() -> graph.PinningInputs:
    e = realistic(1, n_hosts=12)
    return inputs(e, core_clusters(e))


def _edges(**kw: object) -> graph.Edges:
    base = {"src": np.array([0], np.int32), "dst": np.array([1], np.int32),
                "rule": np.array([0], np.int32), "cause": np.array([0], np.int32)}
    base.update(kw)
    return graph.Edges(**base)  # type: ignore[arg-type]


def test_good_inputs_pass(good: graph.PinningInputs) -> None:
    assert graph.pinning(good).wave_count >= 1


@pytest.mark.parametrize(("change", "message"), [
    ({"guest_host": np.zeros(3, np.int32)}, "guest_host has 3 entries"),
    ({"guest_host": np.zeros(0, np.float64)}, "guest_host has 0 entries"),
    ({"guest_owner": None}, "guest_owner must be one-dimensional"),
    ({"n_hosts": -1}, "n_hosts must be an integer"),
    ({"n_guests": 2.5}, "n_guests must be an integer"),
    ({"cluster_capacity": "x"}, "cluster_capacity must be one-dimensional"),
])
def test_shape_and_count_errors(good: graph.PinningInputs, change: dict, message: str) -> None:
    with pytest.raises(CoreError, match=message):
        graph.pinning(replace(good, **change))


def test_wrong_dtype(good: graph.PinningInputs) -> None:
    with pytest.raises(CoreError, match="guest_host must hold integers, got dtype float64"):
        graph.pinning(replace(good, guest_host=good.guest_host.astype(np.float64)))
    with pytest.raises(CoreError, match="guest_active must hold booleans"):
        graph.pinning(replace(good, guest_active=np.ones(good.n_guests, np.float32)))
    with pytest.raises(CoreError, match="host_memory_mib must hold integers"):
        graph.pinning(replace(good, host_memory_mib=np.ones(good.n_hosts, np.float64)))


def test_out_of_range_names_position(good: graph.PinningInputs) -> None:
    gh = good.guest_host.copy()
    gh[5] = good.n_hosts
    with pytest.raises(CoreError, match=rf"guest_host: value {good.n_hosts} at position 5 is out of range"):
        graph.pinning(replace(good, guest_host=gh))
    pins = replace(good.pins, dst=np.full(good.pins.dst.size, -1, np.int32))
    with pytest.raises(CoreError, match=r"pins.dst: value -1 at position 0 is out of range \[0, "):
        graph.pinning(replace(good, pins=pins))
    with pytest.raises(CoreError, match=r"cluster_capacity: value 0 at position 0 is out of range >= 1"):
        graph.pinning(replace(good, cluster_capacity=np.zeros(good.n_clusters, np.int32)))
    with pytest.raises(CoreError, match="guest_cluster"):
        graph.pinning(replace(good, guest_cluster=np.full(good.n_guests, good.n_guest_clusters, np.int32)))
    with pytest.raises(CoreError, match="colocations.cause"):
        graph.pinning(replace(good, colocations=_edges(cause=np.array([good.n_causes], np.int32))))
    with pytest.raises(CoreError, match="guest_cluster_cause"):
        graph.pinning(replace(good, guest_cluster_cause=np.full(good.n_guest_clusters, -2, np.int32)))


def test_mismatched_edge_lengths(good: graph.PinningInputs) -> None:
    with pytest.raises(CoreError, match="colocations.dst has 2 entries, expected 1"):
        graph.pinning(replace(good, colocations=_edges(dst=np.array([1, 2], np.int32))))
    with pytest.raises(CoreError, match="strands.rule has 0 entries"):
        graph.pinning(replace(good, strands=graph.Edges(
            np.array([0], np.int32), np.array([0], np.int32), np.zeros(0, np.int32), np.array([0], np.int32))))
    with pytest.raises(CoreError, match="edges: 1 sources but 2 targets"):
        graph.connected_components(3, [0], [1, 2])


def test_implausible_memory(good: graph.PinningInputs) -> None:
    mem = good.guest_memory_mib.copy()
    mem[0] = 1 << 40
    with pytest.raises(CoreError, match="not a plausible memory size"):
        graph.pinning(replace(good, guest_memory_mib=mem))


def test_guest_clusters_validation() -> None:
    hc = np.array([0, 0], np.int32)
    with pytest.raises(CoreError, match=r"bonds.src: value 3 at position 0 is out of range \[0, 3\)"):
        graph.guest_clusters(3, _edges(src=np.array([3], np.int32)), np.zeros(3, np.int32), hc)
    with pytest.raises(CoreError, match=r"guest_host: value 2 at position 1"):
        graph.guest_clusters(3, graph.Edges.empty(), np.array([0, 2, 0], np.int32), hc)
    with pytest.raises(CoreError, match="does not fit in int32"):
        graph.guest_clusters(3, _edges(src=np.array([2**40])), np.zeros(3, np.int32), hc)
    with pytest.raises(CoreError, match="one-dimensional"):
        graph.guest_clusters(2, _edges(src=np.zeros((1, 1), np.int32)), np.zeros(2, np.int32), hc)


def test_inputs_are_not_modified(good: graph.PinningInputs) -> None:
    before = good.guest_host.copy(), good.pins.dst.copy()
    graph.pinning(good)
    assert (good.guest_host == before[0]).all() and (good.pins.dst == before[1]).all()


def test_int64_and_readonly_inputs(good: graph.PinningInputs) -> None:
    gh = good.guest_host.astype(np.int64)
    gh.setflags(write=False)
    strided = np.repeat(good.host_cluster, 2)[::2]  # not contiguous
    a = graph.pinning(replace(good, guest_host=gh, host_cluster=strided))
    b = graph.pinning(good)
    assert a.blockers.tolist() == b.blockers.tolist() and (a.wave == b.wave).all()

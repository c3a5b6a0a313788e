"""Step 5: the wave plan is always valid, and the lower bound is a true lower bound."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
from hypothesis import HealthCheck, given, settings

from reportgen import graph

from . import reference
from .estates import core_clusters, estates, inputs, realistic


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(max_guests=12, max_hosts=5))
def test_bound_never_exceeds_the_optimum(e: reference.Estate) -> None:
    clusters = core_clusters(e)
    p = graph.pinning(inputs(e, clusters))
    best = reference.min_waves(e, clusters.guest_cluster.tolist(), clusters.count)
    assert p.wave_lower_bound <= best <= p.wave_count


def test_realistic_estates_valid_and_mostly_at_bound() -> None:
    at_bound = 0
    for seed in range(120):
        e = realistic(seed, n_hosts=30 + seed % 50)
        clusters = core_clusters(e)
        p = graph.pinning(inputs(e, clusters))
        gc = clusters.guest_cluster.tolist()
        assert not reference.wave_violations(e, gc, clusters.count, p.wave.tolist(), p.wave_count)
        at_bound += p.wave_count == p.wave_lower_bound
    assert at_bound >= 0.95 * 120


def test_one_guest_cluster_over_every_host() -> None:
    # A clique over all hosts: one host per wave, and the bound knows it.
    n = 300
    e = reference.Estate(n, n, 1, 1, 1, list(range(n)), [True] * n, [0] * n, [0] * n, [4],
                         [0] * n, [0] * n, bonds=[(0, g, 0, 0) for g in range(1, n)])
    p = graph.pinning(inputs(e, core_clusters(e)))
    assert p.wave_lower_bound == p.wave_count == n
    assert sorted(p.wave.tolist()) == list(range(n))


def test_capacity_fills_waves_without_conflicts() -> None:
    # 10 hosts, 3 down at a time, nothing tied: ceil(10 / 3) = 4 waves of at most 3 hosts.
    e = reference.Estate(0, 10, 1, 0, 0, [], [], [], [0] * 10, [3], [], [0] * 10)
    p = graph.pinning(inputs(e, core_clusters(e)))
    assert p.wave_count == p.wave_lower_bound == 4
    assert np.bincount(p.wave).max() <= 3
    assert p.domain.tolist() == list(range(10)) and p.domain_count == 10


def test_no_hosts() -> None:
    e = reference.Estate(3, 0, 0, 0, 0, [-1] * 3, [True] * 3, [-1] * 3, [], [], [0] * 3, [])
    p = graph.pinning(inputs(e, core_clusters(e)))
    assert (p.wave_count, p.wave_lower_bound, p.domain_count) == (0, 0, 0)
    assert p.blockers.tolist() == [] and p.wave.tolist() == []


def test_waves_tied_only_keeps_apart_only_guest_clusters_with_a_pinned_node() -> None:
    # Guest cluster {0,1,2} over hosts 0-2 of a cluster allowing 3 down at once.
    free = reference.Estate(3, 3, 1, 1, 1, [0, 1, 2], [True] * 3, [0] * 3, [0] * 3, [3],
                            [0] * 3, [0] * 3, bonds=[(0, 1, 0, 0), (1, 2, 0, 0)])
    tied = replace(free, pins=[(1, 1, 0, 0)])
    for e, waves in ((free, 1), (tied, 3)):
        clusters = core_clusters(e)
        assert graph.pinning(inputs(e, clusters)).wave_count == 3  # every guest cluster kept apart
        p = graph.pinning(replace(inputs(e, clusters), waves_tied_only=True))
        assert p.wave_count == p.wave_lower_bound == waves

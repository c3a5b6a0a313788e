"""Steps 2-7 against the pure-Python reference, plus small cases with known answers."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings

from reportgen import graph

from . import reference
from .estates import as_plain, core_clusters, estates, inputs


def _run(e: reference.Estate) -> tuple[dict[str, object], dict[str, object], graph.GuestClusters]:
    clusters = core_clusters(e)
    core = as_plain(graph.pinning(inputs(e, clusters)))
    ref = reference.pinning(e, clusters.guest_cluster.tolist(), clusters.count)
    return core, ref, clusters


def _check(e: reference.Estate) -> dict[str, object]:
    core, ref, clusters = _run(e)
    for name, expected in ref.items():
        assert core[name] == expected, name
    gc = clusters.guest_cluster.tolist()
    assert not reference.wave_violations(e, gc, clusters.count, core["wave"], core["wave_count"])
    # The bound is (a)-(d) or a clique of G': between (a)-(d) and the largest such clique.
    basic = reference.lower_bound(e, gc, clusters.count)
    if e.n_hosts <= 40:
        assert basic <= core["wave_lower_bound"] <= max(basic, reference.max_clique(e, gc, clusters.count))
    assert core["wave_count"] >= core["wave_lower_bound"] >= basic
    return core


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates())
def test_matches_reference(e: reference.Estate) -> None:
    _check(e)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(max_guests=120, max_hosts=30))
def test_matches_reference_larger(e: reference.Estate) -> None:
    _check(e)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(estates(max_guests=30, max_hosts=4, min_guests=6, min_hosts=1, min_edges=4))
def test_matches_reference_crowded(e: reference.Estate) -> None:
    # Few hosts, many guests: most hosts have blockers, so remediation has work to do.
    _check(e)


def _estate(**kw: object) -> reference.Estate:
    n, nh = int(kw.pop("n")), int(kw.pop("nh"))  # type: ignore[call-overload]
    base = {"n_guests": n, "n_hosts": nh, "n_clusters": 1, "n_rules": 2, "n_causes": 4,
                "guest_host": [0] * n, "guest_active": [True] * n, "guest_owner": [0] * n,
                "host_cluster": [0] * nh, "cluster_capacity": [1], "guest_memory": [0] * n,
                "host_memory": [0] * nh}
    base.update(kw)
    return reference.Estate(**base)  # type: ignore[arg-type]


def test_no_edges_everything_evacuable() -> None:
    core = _check(_estate(n=4, nh=3, guest_host=[0, 1, 2, -1]))
    assert core["evacuable"] == [True] * 3
    assert core["blockers"] == [[], [], []] and core["stranded"] == [[], [], []]
    assert core["domain"] == [0, 1, 2] and core["wave_count"] == 3 == core["wave_lower_bound"]
    assert core["containment_k"] == 0 and core["containment_hosts_freed"] == 0


def test_colocated_guest_inherits_pin_and_is_freed_by_its_cause() -> None:
    # 0 is pinned to host 0 (cause 2); 1 is colocated with 0 (cause 1); 2 is inactive.
    e = _estate(n=3, nh=2, guest_owner=[3, -1, 0], guest_active=[True, True, False],
                colocations=[(0, 1, 1, 1), (1, 2, 1, 1)], pins=[(0, 0, 0, 2)])
    core = _check(e)
    assert core["pinned"] == [[0], [0], [0]]
    assert core["blockers"] == [[0, 1], []]
    assert core["owners"] == [[3], []] and core["unknown_owner"] == [True, False]
    assert core["freed_by_cause"] == [[], [], [0], []]
    assert core["freed_by_rule"] == [[0], []]


def test_colocation_conflict_is_reported() -> None:
    e = _estate(n=3, nh=2, guest_host=[0, 1, 0], colocations=[(0, 1, 0, 0)],
                pins=[(0, 0, 0, 1), (1, 1, 0, 2)])
    core = _check(e)
    assert core["conflict_groups"] == [0]
    assert core["conflict_guests"] == [[0, 1]] and core["conflict_hosts"] == [[0, 1]]
    assert core["blockers"] == [[0], [1]]
    # Cutting the colocation leaves each guest pinned to its own host.
    assert core["freed_by_cause"] == [[], [0], [1], []]


def test_across_boxes_cluster_waves_and_domain() -> None:
    # Guest cluster {0,1,2} on hosts 0,1,2 of a cluster allowing 2 hosts down at once;
    # host 3 carries nothing tied.
    e = _estate(n=4, nh=4, guest_host=[0, 1, 2, 3], cluster_capacity=[2],
                bonds=[(0, 1, 0, 0), (1, 2, 0, 0)])
    core = _check(e)
    assert core["domain"] == [0, 0, 0, 1]
    assert core["wave_lower_bound"] == 3 and core["wave_count"] == 3
    assert sorted(core["wave"][:3]) == [0, 1, 2]


def test_neighbour_bound_beats_clique_and_capacity() -> None:
    # Hosts 0-2 form a cluster with one host down at a time; host 3 is standalone and shares
    # a guest cluster with each of them, so it needs a fourth wave.
    e = _estate(n=6, nh=4, guest_host=[0, 3, 1, 3, 2, 3], host_cluster=[0, 0, 0, -1],
                bonds=[(0, 1, 0, 0), (2, 3, 0, 0), (4, 5, 0, 0)])
    core = _check(e)
    assert core["wave_lower_bound"] == 4 == core["wave_count"]


def test_stranded_group_goes_down_together() -> None:
    # 0 has a local-datastore strand on host 0; 1 is colocated with 0 and on host 0; 2 is
    # colocated but on host 1; 3 is inactive.
    e = _estate(n=4, nh=2, guest_host=[0, 0, 1, 0], guest_active=[True, True, True, False],
                colocations=[(0, 1, 0, 0), (1, 2, 0, 0), (2, 3, 0, 0)],
                strands=[(0, 0, 0, 0), (2, 0, 0, 0)])
    core = _check(e)
    assert core["stranded"] == [[0, 1], []]


def test_containment_uses_memory_when_known() -> None:
    # Two 2-node clusters across boxes on hosts of 100 GiB; 4 x 60 GiB of members needs
    # ceil(240 / 80) = 3 hosts, more than the 2 the largest cluster needs.
    gib = 1024
    e = _estate(n=4, nh=4, guest_host=[0, 1, 2, 3], guest_memory=[60 * gib] * 4,
                host_memory=[100 * gib] * 4, bonds=[(0, 1, 0, 0), (2, 3, 0, 1)],
                pins=[(0, 0, 0, 0), (1, 1, 0, 0), (2, 2, 0, 1), (3, 3, 1, 3)],
                guest_cluster_cause_pool=[0, 1])
    core = _check(e)
    assert core["containment_k"] == 3
    assert core["containment_hosts_freed"] == 3 and core["containment_net"] == 0


def test_chain_colocation_closure() -> None:
    n = 500_000
    e = _estate(n=n, nh=2, guest_host=[0] * (n - 1) + [1], guest_owner=[-1] * n, n_rules=1,
                n_causes=2, colocations=[(g, g + 1, 0, g % 2) for g in range(n - 1)],
                pins=[(0, 0, 0, 1), (n - 1, 1, 0, 1)])
    core = _check(e)
    assert core["group_count"] == 1 and core["conflict_hosts"] == [[0, 1]]
    assert len(core["blockers"][0]) == n - 1 and core["blockers"][1] == [n - 1]
    assert core["freed_by_cause"] == [[], [0, 1]] and core["freed_by_rule"] == [[0, 1]]


def test_many_hosts_freed_by_many_causes() -> None:
    # Guest 0 is pinned to hosts 1..m; it reaches the blockers 11..10+m (one per host) through
    # a chain 0-1-...-10 whose links each have their own cause, so cutting any link frees all
    # m hosts: m * 10 results, more than the kernel's first guess at the output size.
    m, links = 10, 10
    blockers = list(range(links + 1, links + 1 + m))
    e = _estate(n=links + 1 + m, nh=m + 1, n_causes=links + 1,
                guest_host=[0] * (links + 1) + list(range(1, m + 1)),
                colocations=[(g, g + 1, 0, g) for g in range(links)] + [(links, b, 1, -1) for b in blockers],
                pins=[(0, h, 1, links) for h in range(1, m + 1)])
    core = _check(e)
    assert core["freed_by_cause"] == [list(range(1, m + 1))] * links + [list(range(1, m + 1))]

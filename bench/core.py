"""Benchmark of the compiled core (steps 1-7) against networkx and scipy, on generated estates.

    python bench/core.py [--quick]

Estates are generated with fixed seeds: clusters of 8-32 hosts (a few standalone hosts), a
few percent of guests in 2-4-node guest clusters (mostly across boxes, some in a box, a few
mixed), host-only-network colocations and pins, host-device pins and local-datastore strands.
Prints, measured in this run: the core's time for all seven computations (best of 7, with
validation and result assembly); the same computations written with networkx (one run; their
results are checked against the core's), with its time per step, since networkx's DSATUR
colouring grows quadratically and dominates at large sizes; scipy.sparse.csgraph.
connected_components against ours on the same bond edges (scipy's time includes building the
sparse matrix from the edge list); and the share of 200 smaller realistic estates whose wave
count equals the lower bound. networkx takes about 7 minutes at 100,000 and 200,000 guests;
--quick runs it at 10,000 guests only. The last line is machine-readable (RESULT ...).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from core_networkx import all_seven as networkx_all_seven

from reportgen import graph

SIZES = ((10_000, 750), (100_000, 7_500), (200_000, 15_000))
RULES = ("shared-bus", "in-a-box", "host-only-net", "host-device", "local-datastore")
SHARED_BUS, IN_A_BOX, HOST_ONLY, DEVICE, LOCAL_DS = range(len(RULES))


class Estate:
    """A generated estate: the core's inputs plus the bond edges."""

    def __init__(self, n_guests: int, n_hosts: int, seed: int, guest_cluster_share: float = 0.03,
                 capacities: tuple[int, ...] = (1, 1, 1, 2, 2, 3)) -> None:
        rng = np.random.default_rng(seed)
        self.n_guests, self.n_hosts = n_guests, n_hosts
        # Hosts: clusters of 8-32 hosts, about 4% standalone; one to three hosts down per wave.
        sizes = []
        while sum(sizes) < n_hosts:
            sizes.append(int(rng.integers(8, 33)))
        sizes[-1] -= sum(sizes) - n_hosts
        host_cluster = np.repeat(np.arange(len(sizes), dtype=np.int32), sizes)
        standalone = rng.random(n_hosts) < 0.04
        host_cluster[standalone] = -1
        used = np.unique(host_cluster[host_cluster >= 0])
        remap = np.full(len(sizes), -1, np.int32)
        remap[used] = np.arange(used.size, dtype=np.int32)
        self.host_cluster = np.where(host_cluster >= 0, remap[np.maximum(host_cluster, 0)], -1).astype(np.int32)
        self.n_clusters = int(used.size)
        self.capacity = rng.choice(capacities, self.n_clusters).astype(np.int32)
        hosts_of = [np.flatnonzero(self.host_cluster == c) for c in range(self.n_clusters)]

        # Guests: spread over hosts; some unknown hosts, powered off, unknown owners.
        guest_host = rng.integers(0, n_hosts, n_guests).astype(np.int32)
        guest_host[rng.random(n_guests) < 0.002] = -1
        self.guest_active = rng.random(n_guests) < 0.85
        self.guest_owner = rng.integers(0, max(1, n_guests // 40), n_guests).astype(np.int32)
        self.guest_owner[rng.random(n_guests) < 0.1] = -1
        self.guest_memory = rng.choice([2048, 4096, 8192, 16384, 65536], n_guests).astype(np.int64)
        self.host_memory = rng.choice([262144, 524288, 1048576], n_hosts).astype(np.int64)

        bonds: list[tuple[int, int]] = []
        coloc: list[tuple[int, int, int, int]] = []
        pins: list[tuple[int, int, int, int]] = []
        strands: list[tuple[int, int, int, int]] = []
        n_guest_clusters = int(n_guests * guest_cluster_share / 3)
        order = rng.permutation(n_guests)
        nxt = 0
        cause = 0
        for _ in range(n_guest_clusters):
            size = int(rng.integers(2, 5))
            members = order[nxt: nxt + size]
            nxt += size
            kind = rng.random()
            pool = hosts_of[int(rng.integers(0, self.n_clusters))]
            if kind < 0.15 or pool.size < size:  # in a box
                guest_host[members] = int(rng.choice(pool))
            elif kind < 0.95:  # across boxes, one cluster
                guest_host[members] = rng.choice(pool, size, replace=False)
            else:  # mixed: anywhere
                guest_host[members] = rng.integers(0, n_hosts, size)
            first = int(members[0])
            bonds += [(first, int(g)) for g in members[1:]]
            if kind < 0.15:
                coloc += [(first, int(g), IN_A_BOX, cause) for g in members[1:]]
            if kind < 0.15 or rng.random() < 0.6:  # physical bus sharing / local shared disk
                pins += [(int(g), int(guest_host[g]), SHARED_BUS, cause) for g in members]
            cause += 1
        self.guest_cluster_cause = np.arange(cause, dtype=np.int32)
        # Host-only networks on 2% of hosts: 2-5 guests that talk over it, pinned there.
        for h in rng.choice(n_hosts, max(1, n_hosts // 50), replace=False):
            members = order[nxt: nxt + int(rng.integers(2, 6))]
            nxt += members.size
            guest_host[members] = h
            coloc += [(int(members[0]), int(g), HOST_ONLY, cause) for g in members[1:]]
            pins += [(int(g), int(h), HOST_ONLY, cause) for g in members]
            cause += 1
        # Host devices (USB, passthrough) on 0.5% of guests; local datastores for 3%.
        for g in rng.choice(n_guests, n_guests // 200, replace=False):
            if guest_host[g] >= 0:
                pins.append((int(g), int(guest_host[g]), DEVICE, cause))
                cause += 1
        # Local datastores: one cause per host (its local datastore).
        for g in rng.choice(n_guests, n_guests * 3 // 100, replace=False):
            if guest_host[g] >= 0:
                strands.append((int(g), int(guest_host[g]), LOCAL_DS, cause + int(guest_host[g])))
        self.n_causes = cause + n_hosts
        self.guest_host = guest_host

        def cols(rows: list[tuple[int, ...]], width: int) -> list[np.ndarray]:
            if not rows:
                return [np.zeros(0, np.int32)] * width
            return [np.asarray(c, np.int32) for c in zip(*rows)]

        b = cols(bonds, 2)
        self.bonds = graph.Edges(b[0], b[1], np.zeros(b[0].size, np.int32), np.full(b[0].size, -1, np.int32))
        self.colocations = graph.Edges(*cols(coloc, 4))
        self.pins = graph.Edges(*cols(pins, 4))
        self.strands = graph.Edges(*cols(strands, 4))

    def inputs(self, clusters: graph.GuestClusters) -> graph.PinningInputs:
        """The core's inputs for steps 2-7."""
        return graph.PinningInputs(
            n_guests=self.n_guests, n_hosts=self.n_hosts, n_clusters=self.n_clusters,
            n_rules=len(RULES), n_causes=self.n_causes, guest_host=self.guest_host,
            guest_active=self.guest_active, guest_owner=self.guest_owner,
            guest_cluster=clusters.guest_cluster, n_guest_clusters=clusters.count,
            host_cluster=self.host_cluster, cluster_capacity=self.capacity,
            guest_memory_mib=self.guest_memory, host_memory_mib=self.host_memory,
            colocations=self.colocations, pins=self.pins, strands=self.strands,
            guest_cluster_cause=self.guest_cluster_cause[: clusters.count],
        )


def core_all_seven(e: Estate) -> tuple[graph.GuestClusters, graph.Pinning]:
    """Steps 1-7 through the compiled core."""
    clusters = graph.guest_clusters(e.n_guests, e.bonds, e.guest_host, e.host_cluster)
    return clusters, graph.pinning(e.inputs(clusters))


def best_of(fn: Callable[[], object], repeat: int) -> float:
    """Fastest of `repeat` timed calls, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def scipy_components(n: int, src: np.ndarray, dst: np.ndarray) -> int:
    """scipy.sparse.csgraph.connected_components on the same edge list (matrix built here)."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    matrix = coo_matrix((np.ones(src.size, np.int8), (src, dst)), shape=(n, n)).tocsr()
    return int(connected_components(matrix, directed=False)[0])


WAVE_MIXES = ((1, 1, 1, 2, 2, 3), (2, 2, 3), (2, 3, 4))


def waves_at_bound(count: int) -> float:
    """Share of smaller realistic estates whose wave count equals the lower bound.

    40-400 hosts, 14 guests per host, 3-12% of guests in guest clusters; a third of the
    estates mix capacities 1-3 as above, two thirds allow 2-4 hosts down per cluster (there
    the guest clusters, not the cluster sizes, decide the number of waves).
    """
    hits = 0
    for seed in range(count):
        rng = np.random.default_rng(10_000 + seed)
        n_hosts = int(rng.integers(40, 401))
        e = Estate(n_hosts * 14, n_hosts, seed=10_000 + seed,
                   guest_cluster_share=float(rng.choice([0.03, 0.06, 0.12])),
                   capacities=WAVE_MIXES[seed % len(WAVE_MIXES)])
        _, p = core_all_seven(e)
        hits += p.wave_count == p.wave_lower_bound
    return hits / count


def machine() -> str:
    """CPU model, cores and RAM of this machine."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
        ram = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    except OSError:
        ram = float("nan")
    return f"{model}, {os.cpu_count()} cores, {ram:.0f} GiB RAM, Python {platform.python_version()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats; networkx at 10k only")
    args = parser.parse_args()
    repeat = 3 if args.quick else 7
    print(f"machine: {machine()}")
    print(f"{'guests':>8} {'hosts':>6} {'gclus':>5} {'pins':>6} {'waves':>5} {'bound':>5} "
          f"{'core s':>8} {'networkx s':>10} {'ratio':>7} {'scipy cc s':>10} {'ours cc s':>9}")
    rows = []
    for n_guests, n_hosts in SIZES:
        e = Estate(n_guests, n_hosts, seed=n_guests)
        clusters, p = core_all_seven(e)
        core_s = best_of(partial(core_all_seven, e), repeat)
        nx_s = nx_rest = float("nan")
        steps = ""
        if not args.quick or n_guests <= SIZES[0][0]:
            start = time.perf_counter()
            result = networkx_all_seven(e)
            nx_s = time.perf_counter() - start
            nx_rest = nx_s - result["seconds"]["step 5"]
            steps = ", ".join(f"{k} {v:.2f}s" for k, v in result["seconds"].items())
            assert result["guest_clusters"] == clusters.members.tolist(), "networkx disagrees on step 1"
            assert result["blockers"] == p.blockers.tolist(), "networkx disagrees on step 3"
            assert result["stranded"] == p.stranded.tolist(), "networkx disagrees on step 6"
            assert result["freed_by_cause"] == p.freed_by_cause.tolist(), "networkx disagrees on step 7"
            assert result["freed_by_rule"] == p.freed_by_rule.tolist(), "networkx disagrees on step 7"
        src, dst = e.bonds.src, e.bonds.dst
        assert scipy_components(n_guests, src, dst) == graph.connected_components(n_guests, src, dst)[0]
        scipy_s = best_of(partial(scipy_components, n_guests, src, dst), repeat * 3)
        ours_s = best_of(partial(graph.connected_components, n_guests, src, dst), repeat * 3)
        rows.append((n_guests, core_s, nx_s, nx_rest, scipy_s, ours_s))
        print(f"{n_guests:>8} {n_hosts:>6} {clusters.count:>5} {e.pins.src.size:>6} "
              f"{p.wave_count:>5} {p.wave_lower_bound:>5} {core_s:>8.4f} {nx_s:>10.2f} "
              f"{nx_s / core_s:>6.0f}x {scipy_s:>10.5f} {ours_s:>9.5f}")
        if steps:
            print(f"{'':>8} networkx by step: {steps}; without waves {nx_rest / core_s:.0f}x the core")
    n_guests, core_s, _, _, scipy_s, ours_s = rows[-1]
    both = [r for r in rows if r[2] == r[2]][-1]
    share = waves_at_bound(200)
    print(f"at {n_guests} guests: core {core_s:.4f} s for all seven steps; our components take "
          f"{ours_s / scipy_s:.2f}x scipy's time")
    print(f"at {both[0]} guests (largest size where both ran): networkx {both[2]:.2f} s, "
          f"{both[2] / both[1]:.0f}x the core; without networkx's DSATUR waves step "
          f"{both[3] / both[1]:.0f}x")
    print(f"wave count equals the lower bound on {share:.1%} of 200 realistic estates")
    print(f"RESULT core_s={core_s:.4f} networkx_s={both[2]:.3f} scipy_cc_s={scipy_s:.5f} "
          f"ours_cc_s={ours_s:.5f} waves_at_bound={share:.3f}")


if __name__ == "__main__":
    main()

"""The glance map: one square per host, coloured by what the checks found and could not find.

A host with no tie found is drawn green ('can be emptied by live migration') only when every check that
could tie a host ran on its export. Otherwise it is drawn neutral: no tie found by the checks that ran,
and the checks that could not run may find some.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from ..analysis import Analysis, HostResult
from ..cost import only_media
from ..host_labels import UNKNOWN_CLUSTER, cluster_labels
from ..rules import CATALOGUE
from ..rules.records import Effect
from . import charts
from .model import Chart

MAX_MAP_ROWS = 16
TIE_EFFECTS = frozenset({Effect.EVACUATION, Effect.LIVE_MIGRATION})
"""What a check must be able to find for its absence to leave a host's evacuation unknown."""
TIED_STATES = frozenset({"tied", "media", "later"})
TODAY = frozenset({"tied", "media"})
TITLE = "Which hosts can be emptied"


def _gaps(analysis: Analysis) -> dict[int | None, set[str]]:
    """Export (None: every export) -> the checks that could not run on it."""
    gaps: dict[int | None, set[str]] = defaultdict(set)
    for c in analysis.coverage:
        if c.status == "not-assessed":
            gaps[c.source_id].add(c.rule)
    return gaps


def _could_tie(rules: set[str]) -> bool:
    return any(CATALOGUE[r].effects & TIE_EFFECTS for r in rules if r in CATALOGUE)


def host_not_run(analysis: Analysis) -> dict[str, set[str]]:
    """Host key -> the checks that could not run on its export."""
    gaps = _gaps(analysis)
    hosts = analysis.estate.hosts
    sources = dict(zip(hosts.column("host_key").to_pylist(), hosts.column("source_id").to_pylist(), strict=True))
    return {h.key: gaps.get(None, set()) | gaps.get(sources.get(h.key), set()) for h in analysis.hosts}


def host_state(h: HostResult, not_run: set[str]) -> str:
    """One of the map's states: tied today, by media only, once started, free, or no tie found (unchecked)."""
    if h.blockers:
        return "media" if all(only_media(g) for g in h.blockers) else "tied"
    if h.blockers_at_power_on:
        return "later"
    return "unchecked" if _could_tie(not_run) else "free"


def _by_cluster(analysis: Analysis) -> dict[str, list[HostResult]]:
    by_cluster: dict[str, list[HostResult]] = defaultdict(list)
    clusters = cluster_labels(analysis.estate)  # one line per cluster: two datacenters may each have a 'Common'
    cluster_of = dict(zip(analysis.estate.hosts.column("host_key").to_pylist(),
                          analysis.estate.hosts.column("cluster_key").to_pylist(), strict=True))
    hosts = analysis.estate.hosts
    unknown = {k for k, u in zip(hosts.column("host_key").to_pylist(), hosts.column("cluster_unknown").to_pylist(),
                                 strict=True) if u}
    for h in analysis.hosts:
        key = cluster_of.get(h.key)
        alone = UNKNOWN_CLUSTER if h.key in unknown else "standalone hosts"
        by_cluster[clusters.get(key, h.cluster or "") if key else h.cluster or alone].append(h)
    return by_cluster


def map_rows(analysis: Analysis) -> list[charts.MapRow]:
    """One row per cluster, ordered by :func:`rank_rows`; a row's ``not_run`` counts the checks that could not run
    on its hosts' exports when one of them could tie a host (0 otherwise: its hosts with no tie can be emptied)."""
    not_run = host_not_run(analysis)
    rows = []
    for name, hs in _by_cluster(analysis).items():
        states = {h.key: host_state(h, not_run[h.key]) for h in hs}
        ordered = sorted(hs, key=lambda x: (states[x.key] not in TIED_STATES, x.name))
        unrun = max((len(not_run[h.key]) for h in hs if _could_tie(not_run[h.key])), default=0)
        rows.append(charts.MapRow(name, tuple(states[h.key] for h in ordered), not_run=unrun))
    return rank_rows(rows)


def rank_rows(rows: Sequence[charts.MapRow]) -> list[charts.MapRow]:
    """The most hosts tied today first, then the most tied once guests that are off start, then by name."""
    return sorted(rows, key=lambda r: (-sum(s in TODAY for s in r.states), -sum(s in TIED_STATES for s in r.states),
                                       r.label))


def unchecked_label(analysis: Analysis) -> str:
    """The legend of the hosts with no tie found while checks could not run, with the estate's counts."""
    missing = {c.rule for c in analysis.coverage if c.status == "not-assessed"}
    ran = {c.rule for c in analysis.coverage if c.status == "assessed"} - missing
    if not ran:
        return f"not checked: none of the {len(missing)} checks could run"
    return f"no tie found by the {len(ran)} checks that ran; {len(missing)} could not run"


def caption(hidden: Sequence[charts.MapRow]) -> str:
    caption = "One square per host, one line per vSphere or Hyper-V cluster, the most tied clusters first."
    if hidden:
        tied = sum(1 for r in hidden for s in r.states if s in TODAY)
        later = sum(1 for r in hidden for s in r.states if s == "later")
        more = f", {later:,} more once guests that are off start" if later else ""
        caption += (f" {len(hidden):,} more clusters ({sum(len(r.states) for r in hidden):,} hosts, "
                    f"{tied:,} of them tied today{more}) are in the data files.")
    return caption


def map_chart(analysis: Analysis) -> Chart:
    """The glance page's map of hosts, at most :data:`MAX_MAP_ROWS` clusters drawn."""
    rows = map_rows(analysis)
    svg = charts.evacuability_map(TITLE, rows[:MAX_MAP_ROWS], unchecked_label=unchecked_label(analysis))
    return Chart(TITLE, svg, caption(rows[MAX_MAP_ROWS:]))

"""The quarter-on-quarter compliance view (``--history DIR``).

Each audit run with ``--history DIR`` leaves a small snapshot in DIR (``2026-Q1.json``: the
quarter of the newest export read). The next audit compares itself with the latest earlier
quarter: hosts freed or newly tied, guest clusters fixed or new, the yearly cost then and now,
and a trend over the last quarters. Re-running a quarter replaces its snapshot.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .cost import Costing
from .errors import RenderError

KIND = "reportgen-history"
VERSION = 1


@dataclass(frozen=True)
class Snapshot:
    period: str
    """Quarter label, e.g. '2026-Q1'."""
    generated_at: str
    totals: dict[str, float]
    faux_clusters: dict[str, list[str]]
    """Cluster name -> sorted member guest keys."""
    pinned_hosts: list[str]
    pinned_guests: list[str]
    findings_by_rule: dict[str, int]


@dataclass(frozen=True)
class Change:
    previous: str
    current: str
    hosts_freed: tuple[str, ...]
    hosts_newly_tied: tuple[str, ...]
    clusters_fixed: tuple[str, ...]
    clusters_new: tuple[str, ...]
    cost_before: float
    cost_now: float


@dataclass(frozen=True)
class History:
    trend: tuple[Snapshot, ...]
    """Up to eight quarters, oldest first, the current one last."""
    change: Change | None
    """Against the latest earlier quarter, when there is one."""
    skipped: tuple[str, ...]
    """Files in the folder that are not readable snapshots (named, not fatal)."""


def quarter(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def snapshot(analysis: Analysis, costing: Costing) -> Snapshot:
    exported = [d for d in analysis.estate.sources.column("exported_at").to_pylist() if d is not None]
    when = max(exported).date() if exported else datetime.now(UTC).date()
    pinned_guests = sorted({g.key for h in analysis.hosts for g in h.blockers})
    proven = [c for c in analysis.faux_clusters if not c.suspected]
    rules: dict[str, int] = {}
    for f in analysis.findings:
        if f.timing != "hygiene":
            rules[f.rule] = rules.get(f.rule, 0) + 1
    return Snapshot(
        period=quarter(when),
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        totals={
            "hosts": len(analysis.hosts), "guests": analysis.estate.guests.num_rows,
            "pinned_hosts": len(analysis.pinned_hosts), "faux_clusters": len(proven),
            "pinned_guests": len(pinned_guests),
            "stranded_guests": len({g.key for h in analysis.hosts for g in h.stranded}),
            "annual_cost": costing.annual_total, "waves": len(analysis.waves),
        },
        faux_clusters={c.name: sorted(g.key for g in c.guests) for c in proven},
        pinned_hosts=sorted(h.name for h in analysis.pinned_hosts),
        pinned_guests=pinned_guests,
        findings_by_rule=dict(sorted(rules.items())),
    )


def load_history(folder: str | Path) -> tuple[list[Snapshot], list[str]]:
    """Snapshots in ``folder`` (oldest first) and the names of files that are not snapshots."""
    folder = Path(folder)
    snapshots: list[Snapshot] = []
    skipped: list[str] = []
    if not folder.is_dir():
        return snapshots, skipped
    for path in sorted(folder.glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("kind") != KIND or data.get("version") != VERSION:
                raise ValueError("not a reportgen history snapshot")
            snapshots.append(Snapshot(**{k: data[k] for k in Snapshot.__dataclass_fields__}))
        except (OSError, ValueError, KeyError, TypeError):
            skipped.append(path.name)
    snapshots.sort(key=lambda s: s.period)
    return snapshots, skipped


def compare(current: Snapshot, earlier: list[Snapshot], skipped: list[str] | None = None) -> History:
    """The trend up to ``current`` and its change against the latest earlier quarter."""
    before = [s for s in earlier if s.period < current.period]
    trend = tuple([*before[-7:], current])
    change = None
    if before:
        prev = before[-1]
        prev_sets = {frozenset(m) for m in prev.faux_clusters.values()}
        now_sets = {frozenset(m) for m in current.faux_clusters.values()}
        fixed = [name for name, m in prev.faux_clusters.items()
                 if not any(frozenset(m) & s for s in now_sets)]
        new = [name for name, m in current.faux_clusters.items()
               if not any(frozenset(m) & s for s in prev_sets)]
        change = Change(
            previous=prev.period, current=current.period,
            hosts_freed=tuple(sorted(set(prev.pinned_hosts) - set(current.pinned_hosts))),
            hosts_newly_tied=tuple(sorted(set(current.pinned_hosts) - set(prev.pinned_hosts))),
            clusters_fixed=tuple(sorted(fixed)), clusters_new=tuple(sorted(new)),
            cost_before=float(prev.totals.get("annual_cost", 0.0)),
            cost_now=float(current.totals.get("annual_cost", 0.0)),
        )
    return History(trend=trend, change=change, skipped=tuple(skipped or ()))


def record(folder: str | Path, current: Snapshot) -> Path:
    """Write ``current`` into ``folder`` as ``<period>.json`` (replacing that quarter's snapshot)."""
    folder = Path(folder)
    target = folder / f"{current.period}.json"
    document: dict[str, Any] = {"kind": KIND, "version": VERSION, **current.__dict__}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(document, indent=2), encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot write the history snapshot: {exc.strerror}", where=str(target)) from exc
    return target


def update_history(folder: str | Path, analysis: Analysis, costing: Costing) -> History:
    """Compare this audit with the snapshots in ``folder``, then record it there."""
    current = snapshot(analysis, costing)
    earlier, skipped = load_history(folder)
    history = compare(current, earlier, skipped)
    record(folder, current)
    return history

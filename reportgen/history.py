"""The quarter-on-quarter compliance view (``--history DIR``).

Each successful audit run with ``--history DIR`` leaves a small snapshot in DIR, one per estate
and quarter: ``2026-Q1-3fa2c1d09b7e.json`` (the quarter of the newest export read, and an
identity of the estate: a hash of its vCenters' instance UUIDs and its Hyper-V clusters' names),
so several estates can share one folder. The next audit of the same estate compares itself with
its latest earlier quarter: hosts freed or newly tied, guest clusters fixed or new, the yearly cost
then and now, and a trend over the last quarters. Re-running a quarter replaces its snapshot.

A snapshot is written last, only when every output of the run has been written, and atomically
(:mod:`.staging`). A file in DIR that is not a readable snapshot is named and ignored; a damaged
snapshot that this run would replace is kept beside it as ``<name>.damaged``. Snapshots from
before estates were told apart (``2026-Q1.json``, no ``estate``) are compared as this estate's
while the folder holds no other estate's snapshots.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from .analysis import Analysis
from .cost import Costing
from .errors import InputError, RenderError
from .importers.bounded import read_regular
from .staging import Staging

KIND = "reportgen-history"
VERSION = 1
MAX_SNAPSHOT_BYTES = 64 * 1024**2
"""A snapshot holds names and counts: a few MiB for the largest estates."""


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
    problems: tuple[tuple[str, str], ...] = ()
    """(file name, what is wrong with it) for each of ``skipped``."""
    folder: str = ""
    """Where the current quarter is recorded (:func:`record`)."""
    estate: str = ""
    """The estate's identity (:func:`estate_identity`)."""

    @property
    def current(self) -> Snapshot:
        return self.trend[-1]


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


_PERIOD = re.compile(r"^[0-9]{4}-Q[1-4]$")


def estate_identity(analysis: Analysis) -> str:
    """A short stable name for the estate: a hash of its vCenters' instance UUIDs (else their names)
    and its Hyper-V clusters' names, so that two estates' snapshots never meet."""
    sources = analysis.estate.sources.to_pylist()
    parts = sorted({
        f"{s['platform']}:{(s['server_uuid'] or s['server'] or '').strip().lower()}"
        for s in sources if s.get("superseded_by") is None
    })
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:12]


def snapshot_name(period: str, estate: str) -> str:
    return f"{period}-{estate}.json"


def _problem(data: Any) -> str | None:
    """What is wrong with a parsed snapshot, or None if its fields have the right shapes."""
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return "not a reportgen history snapshot"
    if data.get("version") != VERSION:
        return f"a history snapshot of another version ({data.get('version')!r})"

    def texts(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool)

    checks: dict[str, Callable[[Any], bool]] = {
        "period": lambda v: isinstance(v, str) and bool(_PERIOD.match(v)),
        "generated_at": lambda v: isinstance(v, str),
        "totals": lambda v: isinstance(v, dict) and all(isinstance(k, str) and number(x) for k, x in v.items()),
        "faux_clusters": lambda v: isinstance(v, dict) and all(isinstance(k, str) and texts(x) for k, x in v.items()),
        "pinned_hosts": texts, "pinned_guests": texts,
        "findings_by_rule": lambda v: isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(x, int) and not isinstance(x, bool) for k, x in v.items()),
        "estate": lambda v: isinstance(v, str),
    }
    for key, ok in checks.items():
        if key not in data:
            if key != "estate":
                return f"damaged: '{key}' is missing"
        elif not ok(data[key]):
            return f"damaged: '{key}' is not what a snapshot holds"
    return None


def read_snapshot(path: Path) -> tuple[Snapshot | None, str | None, str]:
    """(snapshot, its estate or None for an older snapshot, '') or (None, None, what is wrong)."""
    try:
        data = json.loads(read_regular(path, MAX_SNAPSHOT_BYTES, str(path)))
    except InputError as exc:
        return None, None, exc.message
    except (ValueError, RecursionError):
        return None, None, "damaged: not valid JSON"
    problem = _problem(data)
    if problem is not None:
        return None, None, problem
    return Snapshot(**{k: data[k] for k in Snapshot.__dataclass_fields__}), data.get("estate"), ""


def load_history(folder: str | Path, estate: str = "") -> tuple[list[Snapshot], list[tuple[str, str]]]:
    """This estate's snapshots in ``folder`` (oldest first), and (name, problem) for files that are
    not readable snapshots. Other estates' snapshots are left alone."""
    folder = Path(folder)
    mine: list[Snapshot] = []
    older: list[Snapshot] = []
    others = False
    problems: list[tuple[str, str]] = []
    if not folder.is_dir():
        return mine, problems
    for path in sorted(folder.glob("*.json")):
        found, owner, problem = read_snapshot(path)
        if found is None:
            problems.append((path.name, problem))
        elif owner is None:
            older.append(found)
        elif owner == estate:
            mine.append(found)
        else:
            others = True
    snapshots = mine if others else mine + [s for s in older if s.period not in {m.period for m in mine}]
    snapshots.sort(key=lambda s: s.period)
    return snapshots, problems


def compare(current: Snapshot, earlier: list[Snapshot], skipped: list[str] | None = None,
            problems: tuple[tuple[str, str], ...] = (), folder: str = "", estate: str = "") -> History:
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
    return History(trend=trend, change=change, skipped=tuple(skipped or ()), problems=problems, folder=folder,
                   estate=estate)


def record(history: History, staging: Staging | None = None) -> list[str]:
    """Write the current quarter's snapshot into the history folder, atomically.

    With ``staging``, the snapshot is written to a temporary now and put in place by its commit
    (after the outputs reserved before it). A damaged file of the same name is kept beside it as
    ``<name>.damaged``. Returns what was kept aside, for the user.
    """
    if staging is None:
        with Staging() as own:
            said = record(history, own)
            own.commit()
        return said
    folder = Path(history.folder)
    current = history.current
    target = folder / snapshot_name(current.period, history.estate)
    document: dict[str, Any] = {"kind": KIND, "version": VERSION, "estate": history.estate, **current.__dict__}
    said = []
    try:
        staging.make_folder(folder)
    except OSError as exc:
        raise RenderError(f"cannot make the history folder: {exc.strerror}", where=str(folder)) from exc
    if target.exists() and read_snapshot(target)[0] is None:
        aside = _aside(target)
        staging.move_aside(target, aside)
        said.append(f"{target} was not a readable snapshot; kept as {aside.name}")
    try:
        staging.write(target, lambda path: path.write_text(json.dumps(document, indent=2), encoding="utf-8"))
    except OSError as exc:
        raise RenderError(f"cannot write the history snapshot: {exc.strerror}", where=str(target)) from exc
    return said


def _aside(target: Path) -> Path:
    """A free name beside ``target`` for keeping a damaged file: ``<name>.damaged``, ``.damaged-2`` …"""
    aside = target.with_name(target.name + ".damaged")
    n = 1
    while aside.exists():
        n += 1
        aside = target.with_name(f"{target.name}.damaged-{n}")
    return aside


def compare_history(folder: str | Path, analysis: Analysis, costing: Costing) -> History:
    """Compare this audit with the same estate's snapshots in ``folder`` (nothing is written)."""
    current = snapshot(analysis, costing)
    estate = estate_identity(analysis)
    earlier, problems = load_history(folder, estate)
    return compare(current, earlier, [name for name, _ in problems], tuple(problems), str(folder), estate)


def update_history(folder: str | Path, analysis: Analysis, costing: Costing) -> History:
    """Compare this audit with the snapshots in ``folder``, then record it there."""
    history = compare_history(folder, analysis, costing)
    record(history)
    return history

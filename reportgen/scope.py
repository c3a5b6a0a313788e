"""The part of the estate an audit covers (``--include`` / ``--exclude FIELD=PATTERN``, ``[scope]``).

FIELD is ``vcenter`` (the management server: vCenter or Hyper-V cluster, by name or instance
UUID), ``datacenter``, ``cluster`` or ``host`` (a short name matches the DNS name); PATTERN has
``*`` and ``?`` wildcards, case ignored. A host is in scope when it matches the includes (every
field given: one of that field's patterns) and no exclude. A guest is in scope with its host;
a guest whose host the export does not list is judged by its own vCenter, datacenter and cluster.

Guests and hosts out of scope are taken out of the estate before the rules run, with their disks,
NICs, devices and networks, so they are neither audited nor priced. A tie that crosses the
boundary is kept: an out-of-scope guest in a guest cluster with a guest in scope stays in the
estate (its host does not), and the report flags the cluster. What was left out is said in the
data-quality section, as ``[exclude]`` does, one line per rule. A pattern that matches nothing is
a :class:`~reportgen.errors.UsageError` that lists the values that exist.
"""

from __future__ import annotations

import difflib
import fnmatch
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from .errors import UsageError
from .estate import DataIssue, Estate
from .scope_rules import FIELDS, ScopeSettings
from .vm_counts import VmCounts, vm_counts

if TYPE_CHECKING:
    from .analysis import GuestClusterResult
    from .rules.records import Coverage, Finding

GUEST_TABLES = ("disks", "nics", "devices")
MAX_LISTED = 12
"""Values listed in full when a pattern matches nothing; beyond, the closest ones."""


@dataclass(frozen=True)
class ScopeNote:
    """What the audit's scope was and what it left out (shown on the cover, summary and method)."""

    include: tuple[str, ...]
    exclude: tuple[str, ...]
    hosts_in: int
    hosts_out: int
    vms_in: VmCounts
    """The VMs in scope by kind (guests, templates, vCLS agents), without those kept across the boundary."""
    vms_out: VmCounts
    boundary: tuple[str, ...] = ()
    """Keys of out-of-scope guests kept because a guest cluster crosses the boundary."""
    boundary_hosts: tuple[tuple[str, str], ...] = ()
    """(guest key, host name) of those guests: where the out-of-scope node runs."""
    sources_out: tuple[int, ...] = ()
    """Sources (exports) with no host or guest in scope: their coverage and data quality do not count."""
    withheld: bool = False
    """True under --redact: the patterns name real things and are not shown."""

    @property
    def guests_in(self) -> int:
        """Guests in scope, as the cover counts guests (neither templates nor vCLS agents)."""
        return self.vms_in.guests

    @property
    def guests_out(self) -> int:
        return self.vms_out.guests

    @property
    def text(self) -> str:
        """``cluster Prod*, excluding host esx-9*`` (or the fields only, under --redact)."""
        def words(rules: tuple[str, ...]) -> str:
            if self.withheld:
                return ", ".join(sorted({r.split("=", 1)[0] + " patterns" for r in rules}))
            return ", ".join(r.replace("=", " ", 1) for r in rules)

        parts = [f"only {words(self.include)}"] if self.include else []
        if self.exclude:
            parts.append(f"excluding {words(self.exclude)}")
        return "; ".join(parts)

    def redacted(self, key: Callable[[str], str], name: Callable[[str], str]) -> ScopeNote:
        return replace(self, boundary=tuple(key(k) for k in self.boundary),
                       boundary_hosts=tuple((key(k), name(h)) for k, h in self.boundary_hosts), withheld=True)


def _matches(pattern: str, values: tuple[str, ...]) -> bool:
    p = pattern.lower()
    return any(fnmatch.fnmatchcase(v.lower(), p) for v in values if v)


def _forms(field: str, value: str | None, extra: str | None = None) -> tuple[str, ...]:
    forms = [v for v in (value, extra) if v]
    if field == "host" and value:
        forms.append(value.split(".", 1)[0])
    return tuple(forms)


def _in_scope(values: dict[str, tuple[str, ...]], settings: ScopeSettings) -> bool:
    fields = {r.field for r in settings.include}
    for field in fields:
        if not any(_matches(r.pattern, values[field]) for r in settings.include if r.field == field):
            return False
    return not any(_matches(r.pattern, values[r.field]) for r in settings.exclude)


def _check_every_rule_matches(settings: ScopeSettings, seen: dict[str, set[str]], shown: dict[str, set[str]]) -> None:
    for rule in (*settings.include, *settings.exclude):
        if _matches(rule.pattern, tuple(seen[rule.field])):
            continue
        values = sorted(v for v in shown[rule.field] if v)
        noun = {"vcenter": "vCenter or Hyper-V cluster", "datacenter": "datacenter", "cluster": "cluster",
                "host": "host"}[rule.field]
        if len(values) <= MAX_LISTED:
            listed = f"the {noun} names are: {', '.join(values)}" if values else f"the exports name no {noun}"
        else:
            close = _closest(rule.pattern, values)
            listed = (f"{len(values):,} {noun} names exist; the closest: {', '.join(close)}" if close
                      else f"{len(values):,} {noun} names exist, e.g. {', '.join(values[:5])}")
        raise UsageError(f"{rule.origin} {rule.text} matches no {noun} ({listed})",
                         hint="correct the pattern (wildcards * and ?, case ignored)")


def _closest(pattern: str, values: list[str], n: int = 5) -> list[str]:
    """The values most like ``pattern`` (its text without wildcards, against the whole value or its start)."""
    core = pattern.replace("*", "").replace("?", "").lower()

    def score(value: str) -> float:
        v = value.lower()
        return max(difflib.SequenceMatcher(None, core, v).ratio(),
                   difflib.SequenceMatcher(None, core, v[:len(core)]).ratio())

    ranked = sorted(((score(v), v) for v in values), key=lambda sv: (-sv[0], sv[1]))
    return [v for s, v in ranked[:n] if s >= 0.6]


def _components(bonds: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Guest key -> a representative of its guest cluster (union-find over bond edges)."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for a, b in bonds:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    return {x: find(x) for x in parent}


def _boundary(estate: Estate, keep: dict[str, bool]) -> set[str]:
    """Out-of-scope guests in a guest cluster with a guest in scope."""
    from .rules import evaluate

    out = evaluate(estate)
    group = _components((e.a, e.b) for e in out.bonds if e.a != e.b)
    scoped = {group[k] for k, inside in keep.items() if inside and k in group}
    return {k for k, inside in keep.items() if not inside and k in group and group[k] in scoped}


def apply_scope(estate: Estate, settings: ScopeSettings) -> Estate:
    """The estate cut to ``settings`` (with the out-of-scope nodes of boundary-crossing guest clusters
    kept), and one data-quality line per rule saying what it left out."""
    if not settings:
        return estate
    sources = estate.sources.to_pylist()
    server = {s["source_id"]: (s["server"], s["server_uuid"]) for s in sources}
    files = {s["source_id"]: Path(str(s["file"])).name for s in sources}
    hosts = estate.hosts.to_pylist()
    seen: dict[str, set[str]] = {f: set() for f in FIELDS}
    shown: dict[str, set[str]] = {f: set() for f in FIELDS}
    host_in: dict[str, bool] = {}
    host_name: dict[str, str] = {}
    for h in hosts:
        values = {"vcenter": _forms("vcenter", *server.get(h["source_id"], (None, None))),
                  "datacenter": _forms("datacenter", h["datacenter"]), "cluster": _forms("cluster", h["cluster"]),
                  "host": _forms("host", h["name"])}
        for f in FIELDS:
            seen[f].update(values[f])
            shown[f].update(values[f][:1] if f == "host" else values[f])
        host_in[h["host_key"]] = _in_scope(values, settings)
        host_name[h["host_key"]] = h["name"]
    guests = estate.guests
    columns = ["guest_key", "host_key", "cluster", "datacenter", "server", "source_id"]
    keep: dict[str, bool] = {}
    for key, host, cluster, datacenter, srv, source in zip(*(guests.column(c).to_pylist() for c in columns)):
        if host in host_in:
            keep[key] = host_in[host]
            continue
        values = {"vcenter": _forms("vcenter", srv or server.get(source, (None, None))[0],
                                    server.get(source, (None, None))[1]),
                  "datacenter": _forms("datacenter", datacenter), "cluster": _forms("cluster", cluster),
                  "host": ()}
        for f in ("vcenter", "datacenter", "cluster"):
            seen[f].update(values[f])
            shown[f].update(values[f])
        keep[key] = _in_scope(values, settings)
    _check_every_rule_matches(settings, seen, shown)
    if not any(host_in.values()) and not any(keep.values()):
        rules = ", ".join(f"{r.origin} {r.text}" for r in (*settings.include, *settings.exclude))
        raise UsageError(f"the scope ({rules}) leaves no host or guest to audit",
                         hint="loosen the --include patterns or drop an --exclude")
    boundary = _boundary(estate, keep) if not all(keep.values()) else set()
    inside = [keep[k] for k in guests.column("guest_key").to_pylist()]
    kept_guests = [keep[k] or k in boundary for k in guests.column("guest_key").to_pylist()]
    note = ScopeNote(
        include=tuple(r.text for r in settings.include), exclude=tuple(r.text for r in settings.exclude),
        hosts_in=sum(host_in.values()), hosts_out=len(host_in) - sum(host_in.values()),
        vms_in=vm_counts(guests, inside), vms_out=vm_counts(guests, [not k for k in inside]),
        boundary=tuple(sorted(boundary)),
        boundary_hosts=tuple(sorted((k, host_name.get(h) or "") for k, h in zip(
            guests.column("guest_key").to_pylist(), guests.column("host_key").to_pylist()) if k in boundary)),
    )
    cut = _cut(estate, host_in, kept_guests)
    used = set(cut.hosts.column("source_id").to_pylist()) | set(cut.guests.column("source_id").to_pylist())
    note = replace(note, sources_out=tuple(sorted(set(files) - used)))
    out_files = {str(s["file"]) for s in sources if s["source_id"] in note.sources_out}
    kept_issues = tuple(i for i in estate.issues if i.file not in out_files and Path(i.file).name not in
                        {Path(f).name for f in out_files})
    return replace(cut, scope=note, issues=(*kept_issues, *_issues(settings, note, files, estate, host_in)))


def scoped_findings(findings: tuple[Finding, ...], clusters: tuple[GuestClusterResult, ...], note: ScopeNote | None,
                    ) -> tuple[Finding, ...]:
    """Findings without what was not audited: an out-of-scope guest kept for its guest cluster keeps
    only the findings of rules its in-scope partners share (the tie), never its host's."""
    if note is None or not note.boundary:
        return findings
    boundary = set(note.boundary)
    cluster_of = {g.key: c.id for c in clusters for g in c.guests}
    shared: dict[str, set[str]] = {}
    for f in findings:
        if f.guest_key and f.guest_key not in boundary and f.guest_key in cluster_of:
            shared.setdefault(cluster_of[f.guest_key], set()).add(f.rule)
    kept = []
    for f in findings:
        if f.guest_key in boundary:
            if f.rule not in shared.get(cluster_of.get(f.guest_key or "", ""), set()):
                continue
            f = replace(f, host_key=None)
        kept.append(f)
    return tuple(kept)


def scoped_coverage(coverage: tuple[Coverage, ...], note: ScopeNote | None) -> tuple[Coverage, ...]:
    """Coverage without the exports that hold nothing in scope."""
    if note is None or not note.sources_out:
        return coverage
    return tuple(c for c in coverage if c.source_id not in note.sources_out)


def _cut(estate: Estate, host_in: dict[str, bool], kept_guests: list[bool]) -> Estate:
    tables = dict(estate.tables)
    guests = estate.guests
    mask = pa.array(kept_guests, pa.bool_())
    gone = pc.filter(guests.column("guest_key"), pc.invert(mask))
    tables["guests"] = guests.filter(mask)
    for name in GUEST_TABLES:
        table = tables[name]
        tables[name] = table.filter(pc.invert(pc.is_in(table.column("guest_key"), value_set=gone)))
    hosts_out = pa.array([k for k, inside in host_in.items() if not inside], pa.string())
    for name in ("hosts", "networks"):
        table = tables[name]
        tables[name] = table.filter(pc.invert(pc.is_in(table.column("host_key"), value_set=hosts_out)))
    kept_clusters = set(tables["hosts"].column("cluster_key").to_pylist()) | set(
        tables["guests"].column("cluster_key").to_pylist())
    clusters = tables["clusters"]
    tables["clusters"] = clusters.filter(pa.array([c in kept_clusters for c in clusters.column("cluster_key")
                                                   .to_pylist()], pa.bool_()))
    return replace(estate, tables=tables)


def _issues(settings: ScopeSettings, note: ScopeNote, files: dict[int, str], estate: Estate,
            host_in: dict[str, bool]) -> list[DataIssue]:
    """One line saying what the scope left out, and one per guest kept across the boundary."""
    file = ", ".join(sorted(set(files.values()))) or "export"
    rows = estate.hosts.to_pylist()
    kept_clusters = {h["cluster"] for h in rows if host_in[h["host_key"]]}
    out_clusters = sorted({str(h["cluster"]) for h in rows
                           if not host_in[h["host_key"]] and h["cluster"] and h["cluster"] not in kept_clusters})
    issues = [DataIssue(
        "info", file,
        f"audit scope ({note.text}): {counted(note, inside=False)} are out of scope, not audited or priced" + (f", except {len(note.boundary):,} guest(s) kept because their guest cluster crosses the scope "
                     "boundary" if note.boundary else "")
        + (f" (clusters left out whole: {', '.join(out_clusters[:8])}{' …' if len(out_clusters) > 8 else ''})"
           if out_clusters else ""),
        rows=note.vms_out.vms, skipped=True,
        quoted=(*(r.pattern for r in (*settings.include, *settings.exclude)), *out_clusters[:8]),
    )]
    names = dict(zip(estate.guests.column("guest_key").to_pylist(), estate.guests.column("name").to_pylist()))
    for key, host in note.boundary_hosts:
        issues.append(DataIssue(
            "info", file, f"guest '{names.get(key) or key}' on host '{host}' is out of scope but kept: it is in a "
            "guest cluster with a guest in scope (the tie crosses the scope boundary)", sheet="vInfo",
            quoted=tuple(v for v in (names.get(key), host) if v)))
    return issues


def counted(note: ScopeNote, inside: bool = True) -> str:
    """``3 of 4 hosts, 4 of 5 guests and 1 of 2 templates`` in scope (or out of it): templates and vCLS agents
    are said apart from guests, when the estate has any."""
    part, whole = (note.vms_in, note.vms_in + note.vms_out) if inside else (note.vms_out, note.vms_in + note.vms_out)
    hosts = note.hosts_in + note.hosts_out
    said = [_of(note.hosts_in if inside else note.hosts_out, hosts, "host"), _of(part.guests, whole.guests, "guest")]
    if whole.templates:
        said.append(_of(part.templates, whole.templates, "template"))
    if whole.agents:
        said.append(_of(part.agents, whole.agents, "vCLS agent VM"))
    return ", ".join(said[:-1]) + " and " + said[-1]


def _of(part: int, whole: int, noun: str) -> str:
    return f"{part:,} of {whole:,} {noun}{'' if whole == 1 else 's'}"


def scope_document(note: ScopeNote | None, guest_names: dict[str, str]) -> dict[str, object] | None:
    """The scope for the findings JSON (``scope``): null when the whole estate was audited."""
    if note is None:
        return None
    return {
        "include": [] if note.withheld else list(note.include),
        "exclude": [] if note.withheld else list(note.exclude),
        "patterns_withheld": note.withheld,
        "text": note.text,
        "hosts_in_scope": note.hosts_in, "hosts_out_of_scope": note.hosts_out,
        "guests_in_scope": note.guests_in, "guests_out_of_scope": note.guests_out,
        "templates_in_scope": note.vms_in.templates, "templates_out_of_scope": note.vms_out.templates,
        "agents_in_scope": note.vms_in.agents, "agents_out_of_scope": note.vms_out.agents,
        "kept_across_boundary": [{"key": key, "name": guest_names.get(key, key), "host": host}
                                 for key, host in note.boundary_hosts],
    }

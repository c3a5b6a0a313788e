"""The two sides of ``reportgen compare``: findings JSON files (or history snapshots) read into
:class:`~reportgen.compare.AuditView`, and the comparison as a JSON document.

A file that is not a findings JSON or a snapshot, or is of another schema version, is an
:class:`~reportgen.errors.InputError` (exit 3); two audits of different estates are a
:class:`~reportgen.errors.UsageError` (exit 2).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from .compare import AuditView, Comparison, Guest, GuestCluster, acceptances_from, vms_text
from .compare_hosts import hosts_of, when_of
from .errors import InputError, UsageError
from .history import KIND as SNAPSHOT_KIND
from .history import hash_parts, read_snapshot, snapshot_view
from .importers.bounded import read_findings_bytes
from .vm_counts import VmCounts

_QUARTER = re.compile(r"^[0-9]{4}-Q[1-4]$")
HINT = "name a findings JSON written by 'reportgen audit --json', or a snapshot of an --history folder"


def load_view(path: str | Path) -> AuditView:
    """Read one side of a comparison; raises InputError naming the file and what is wrong."""
    where = str(path)
    data = read_findings_bytes(Path(path), HINT)
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise InputError(f"not valid JSON: {exc}", where=where, hint=HINT) from exc
    if isinstance(document, dict) and document.get("kind") == SNAPSHOT_KIND:
        found, estate, problem = read_snapshot(Path(path))
        if found is None:
            raise InputError(problem, where=where, hint=HINT)
        return snapshot_view(found, estate or "", Path(path).name)
    return view_from_findings(document, where)


def _list(document: dict[str, Any], key: str, where: str) -> list[Any]:
    value = document.get(key)
    if not isinstance(value, list):
        raise InputError(f"'{key}' is missing or not a list", where=where,
                         hint="write it again with 'reportgen audit --json'")
    return value


_LISTS = {"faux_clusters": ("rules", "hosts", "host_labels", "guests"),
          "hosts": ("pinned_guests", "pinned_at_next_power_on", "stranded_on_failure")}
"""Per part, the lists a comparison reads of each item (each may be absent or null)."""


def _check_lists(document: dict[str, Any], where: str) -> None:
    """InputError naming the first list a comparison reads that is something else (a number, a text, an
    object): read as empty, a host's tied guests or a guest cluster's rules would silently change the answer."""
    def listed(value: Any, at: str) -> None:
        if value is not None and not isinstance(value, list):
            raise InputError(f"{at} is not a list", where=where, hint="write it again with 'reportgen audit --json'")

    for part, fields in _LISTS.items():
        items = document.get(part)
        for i, item in enumerate(items if isinstance(items, list) else ()):
            for field in fields if isinstance(item, dict) else ():
                listed(item.get(field), f"{part}[{i}].{field}")
                guests = item.get(field) if part == "hosts" else None
                for j, guest in enumerate(guests or ()):
                    if isinstance(guest, dict):
                        listed(guest.get("rules"), f"{part}[{i}].{field}[{j}].rules")
    scope = document.get("scope")
    if isinstance(scope, dict):
        for way in ("include", "exclude"):
            listed(scope.get(way), f"scope.{way}")
    _check_sources(document, where)


def _check_sources(document: dict[str, Any], where: str) -> None:
    """InputError unless ``estate.sources`` is a list of objects whose servers, platform and dates are texts:
    they name the estate, and decide whether the two audits are of one estate and in which order."""
    estate = document.get("estate")
    sources = estate.get("sources") if isinstance(estate, dict) else None
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise InputError("'estate.sources' is missing or not a list of sources", where=where, hint=HINT)
    for i, source in enumerate(sources):
        for key in ("platform", "server", "server_uuid", "exported_at", "file"):
            if not isinstance(source.get(key), str | None):
                raise InputError(f"estate.sources[{i}].{key} is not a text", where=where,
                                 hint="write it again with 'reportgen audit --json'")


def _guest(value: Any, where: str, at: str) -> Guest:
    if not isinstance(value, dict) or not isinstance(value.get("key"), str) or not isinstance(value.get("name"), str):
        raise InputError(f"{at} is not a guest with a key and a name", where=where,
                         hint="write it again with 'reportgen audit --json'")
    uuid = value.get("uuid")
    return Guest(value["key"], value["name"], uuid if isinstance(uuid, str) and uuid else None)


def view_from_findings(document: Any, where: str) -> AuditView:
    """What a comparison needs of a parsed findings JSON; raises InputError naming what is wrong."""
    if not isinstance(document, dict) or "schema_version" not in document:
        raise InputError("not a reportgen findings JSON (no schema_version)", where=where, hint=HINT)
    if document["schema_version"] != 1:
        raise InputError(f"schema_version {document['schema_version']!r} is not one this reportgen reads (1)",
                         where=where, hint="compare two findings JSON files of schema_version 1, or use the "
                         "reportgen that wrote it")
    _check_lists(document, where)
    clusters = []
    for i, c in enumerate(_list(document, "faux_clusters", where)):
        if not isinstance(c, dict) or not isinstance(c.get("id"), str) or not isinstance(c.get("guests"), list):
            raise InputError(f"faux_clusters[{i}] lacks an id or guests", where=where, hint=HINT)
        if c.get("suspected") is True:
            continue
        members = tuple(_guest(g, where, f"faux_clusters[{i}].guests[{j}]") for j, g in enumerate(c["guests"]))
        rules = tuple(str(r) for r in c.get("rules") or () if isinstance(r, str))
        on = c.get("host_labels") if isinstance(c.get("host_labels"), list) else c.get("hosts")
        hosts = tuple(str(h) for h in on or () if isinstance(h, str)) if isinstance(on, list) else ()
        clusters.append(GuestCluster(c["id"], str(c.get("name") or c["id"]), members, rules, hosts))
    tied = set()
    tied_guests: dict[str, frozenset[str]] = {}
    host_rules: dict[str, frozenset[str]] = {}
    guests: list[Guest] = []
    for i, h in enumerate(_list(document, "hosts", where)):
        if not isinstance(h, dict) or not isinstance(h.get("name"), str) or not isinstance(h.get("evacuable"), bool):
            raise InputError(f"hosts[{i}] lacks a name or evacuable", where=where, hint=HINT)
        if not h["evacuable"]:  # by label: two vCenters' esx01 are two hosts (older files: the name)
            host = h["label"] if isinstance(h.get("label"), str) and h["label"] else h["name"]
            tied.add(host)
            host_rules[host] = frozenset(str(r) for g in h.get("pinned_guests") or [] if isinstance(g, dict)
                                              for r in g.get("rules") or () if isinstance(r, str))
        for g in [*(h.get("pinned_guests") or []), *(h.get("pinned_at_next_power_on") or [])]:
            if isinstance(g, dict) and isinstance(g.get("key"), str):
                tied_guests[g["key"]] = frozenset(str(r) for r in g.get("rules") or () if isinstance(r, str))
        for part in ("pinned_guests", "pinned_at_next_power_on", "stranded_on_failure"):
            guests.extend(_guest(g, where, f"hosts[{i}].{part}[{j}]") for j, g in enumerate(h.get(part) or []))
    for i, f in enumerate(_list(document, "findings", where)):
        if isinstance(f, dict) and f.get("guest") is not None:
            guests.append(_guest(f["guest"], where, f"findings[{i}].guest"))
    return AuditView(
        source=Path(where).name, label=_taken(document), clusters=tuple(clusters),
        tied_hosts=frozenset(tied), guests=tuple(guests), **_cost(document, where),
        acceptances=_acceptances(document, where), **_estate(document, where), scope=_scope(document),
        not_assessed=_not_assessed(document), host_rules=host_rules, **hosts_of(document), **when_of(document),
        tied_guests=tied_guests,
    )


def _not_assessed(document: dict[str, Any]) -> frozenset[str] | None:
    """Checks not assessed on some export, from the coverage (None when the file has none)."""
    coverage = document.get("coverage")
    if not isinstance(coverage, list):
        return None
    # a source that is not a file name (hand-edited) names no export: read as none given
    covered = {_text_or_none(c.get("source")) for c in coverage if isinstance(c, dict)}
    hosts = document.get("hosts")
    sources = ({_text_or_none(h.get("source")) for h in hosts if isinstance(h, dict)} if isinstance(hosts, list)
               else set())
    if None not in covered and any(isinstance(s, str) and s not in covered for s in sources):
        return None  # an export with hosts the coverage says nothing of (emptied or cut): as if it had none
    return frozenset(str(c["rule"]) for c in coverage
                     if isinstance(c, dict) and c.get("status") == "not-assessed" and isinstance(c.get("rule"), str))


def _text_or_none(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _scope(document: dict[str, Any]) -> str:
    scope = document.get("scope")
    text = scope.get("text") if isinstance(scope, dict) else None
    return text if isinstance(text, str) else ""


def _taken(document: dict[str, Any]) -> str:
    """When the audit's data was taken: its newest export ('2026-03-01 09:30'), else when it was written."""
    estate = document.get("estate")
    sources = estate.get("sources") if isinstance(estate, dict) else None
    times = [s["exported_at"] for s in sources or () if isinstance(s, dict) and isinstance(s.get("exported_at"), str)]
    if times:
        return "exported " + str(max(times))[:16].replace("T", " ")
    return "written " + str(document.get("generated_at") or "at an unknown time")[:16].replace("T", " ")


def _cost(document: dict[str, Any], where: str) -> dict[str, Any]:
    cost = document.get("cost")
    total = cost.get("annual_total") if isinstance(cost, dict) else None
    if not isinstance(total, int | float) or isinstance(total, bool) or not math.isfinite(total):
        raise InputError("'cost.annual_total' is missing or not a finite number", where=where, hint=HINT)
    currency = cost.get("currency") if isinstance(cost, dict) else None
    return {"cost": float(total), "currency": currency if isinstance(currency, str) else None}


def _acceptances(document: dict[str, Any], where: str) -> Any:
    entries = document.get("acceptances")
    if entries is None:
        return None
    if not isinstance(entries, list):
        raise InputError("'acceptances' is not a list", where=where, hint=HINT)
    return acceptances_from(entries)


def _estate(document: dict[str, Any], where: str) -> dict[str, Any]:
    estate = document.get("estate")
    sources = estate.get("sources") if isinstance(estate, dict) else None
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise InputError("'estate.sources' is missing or not a list of sources", where=where, hint=HINT)
    from .history import estate_parts

    parts = estate_parts(sources)
    return {"servers": frozenset(parts), "estate": hash_parts(parts), **_vms(estate if isinstance(estate, dict) else {})}


def _vms(estate: dict[str, Any]) -> dict[str, Any]:
    """``estate.guests`` counts every VM; with ``templates`` and ``agents`` (added in 0.1) the cover's guests are
    the rest. A file without both cannot tell its guests apart: ``vms`` None."""
    def count(key: str) -> int | None:
        value = estate.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None

    total, templates, agents = count("guests"), count("templates"), count("agents")
    if total is None or templates is None or agents is None or templates + agents > total:
        return {"vms": None, "vm_total": total}
    return {"vms": VmCounts(total - templates - agents, templates, agents), "vm_total": total}


def check_same_estate(old: AuditView, new: AuditView) -> None:
    """Refuse two audits of different estates: no management server in common (or, for snapshots
    written before servers were kept, different estate identities)."""
    if old.servers and new.servers:
        if old.servers & new.servers:
            return
    elif not old.estate or not new.estate or old.estate == new.estate:
        return
    raise UsageError(f"{old.source} and {new.source} are audits of different estates (no vCenter or Hyper-V "
                     "cluster in common), so a comparison would list every guest cluster as fixed and new",
                     hint="compare two audits of the same estate, both written with --redact or both without")


def check_order(old: AuditView, new: AuditView) -> None:
    """Refuse the newer audit given first: an export of a server both audits read that is newer in ``old``
    (for two history snapshots: a later quarter)."""
    from .compare_scope import server_words

    later = sorted(p for p in old.exported.keys() & new.exported.keys() if old.exported[p] > new.exported[p])
    if later:
        part = later[0]
        when = f"{_day(old.exported[part])} in {old.source}, {_day(new.exported[part])} in {new.source}"
        problem = f"the export of {server_words(part, old.server_names)} is newer in the old audit ({when})"
    elif not old.exported and not new.exported and _QUARTER.match(old.label) and _QUARTER.match(new.label) \
            and old.label > new.label:
        problem = f"the old audit is of a later quarter ({old.label}) than the new one ({new.label})"
    else:
        return
    raise UsageError(f"{problem}: the audits are given the wrong way round, so what was fixed would read as new",
                     hint=f"give the older audit first: reportgen compare {new.source} {old.source}")


def _cluster(c: GuestCluster) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "guests": sorted(g.name for g in c.members)}


def comparison_document(found: Comparison) -> dict[str, Any]:
    """The comparison as JSON (``reportgen compare --json``; schema in reportgen/schemas)."""
    return {
        "kind": "reportgen-compare",
        "schema_version": 1,
        "old": _side(found.old),
        "new": _side(found.new),
        "unchanged": found.unchanged,
        "guest_clusters": {
            "new": [_cluster(c) for c in found.clusters_new],
            "fixed": [_cluster(c) for c in found.clusters_fixed],
            "changed": [{"old": _cluster(c.old), "new": _cluster(c.new), "added": list(c.added),
                         "removed": list(c.removed)} for c in found.clusters_changed],
            "not_assessed": [_cluster(c) for c in found.clusters_unseen],
            "first_assessed": [_cluster(c) for c in found.clusters_first_assessed],
            "removed": [_cluster(c) for c in found.clusters_removed],
        },
        "hosts": {"newly_tied": list(found.hosts_newly_tied), "freed": list(found.hosts_freed),
                  "not_assessed": list(found.hosts_unseen), "first_assessed": list(found.hosts_first_assessed),
                  "removed": list(found.hosts_removed), "added": list(found.hosts_added)},
        "not_compared": [{"side": a.side, "reason": a.reason, "server": a.server, "hosts": list(a.hosts),
                          "tied_hosts": list(a.tied_hosts), "guest_clusters": list(a.clusters), "cost": a.cost}
                         for a in found.apart],
        "guests": {"renamed": [{"old": r.old, "new": r.new, "key": r.key} for r in found.renamed]},
        "vms": {"old": _vms_document(found.old), "new": _vms_document(found.new)},
        "acceptances": {"changed": [{"what": a.what, "old": a.old, "new": a.new} for a in found.acceptances]},
        "cost": {"old": found.cost_old, "new": found.cost_new,
                 "currency": None if found.old.currency and found.new.currency and found.old.currency != found.new.currency
                 else found.new.currency or found.old.currency,
                 "old_currency": found.old.currency, "new_currency": found.new.currency,
                 "old_total": found.old.cost, "new_total": found.new.cost,
                 "comparable": not found.cost_differs, "not_comparable_because": list(found.cost_differs)},
        "tied_guests": {"not_assessed": [{"name": n, "cost": c} for n, c in found.guests_unseen]},
        "notes": [a.text(found.old.source, found.new.source) for a in found.apart] + list(found.notes),
    }


def _side(view: AuditView) -> dict[str, Any]:
    """One audit: its file, when it was taken (in words, and as ISO 8601 dates), its servers and scope."""
    return {"file": view.source, "taken": view.label,
            "exported_at": max(view.exported.values()) if view.exported else None, "generated_at": view.generated_at,
            "servers": sorted(n for n in view.server_names.values() if n),
            "scope": view.scope or None if view.scope_rules.known or view.scope else None,
            "scope_recorded": view.scope_rules.known or bool(view.scope)}


def _vms_document(view: AuditView) -> dict[str, int | None]:
    """Guests as the cover counts them, templates and vCLS agents apart; null what the audit did not count apart."""
    vms = view.vms
    return {"vms": view.vm_total, "guests": vms.guests if vms else None, "templates": vms.templates if vms else None,
            "agents": vms.agents if vms else None}


def format_comparison(found: Comparison) -> str:
    """The comparison as a few lines for the terminal."""
    lines = [f"{found.old.source} ({found.old.label}) -> {found.new.source} ({found.new.label})"]
    if found.unchanged:
        lines.append("no change: the same guest clusters, tied hosts, guest names, acceptances and yearly cost")

    def names(label: str, values: tuple[str, ...]) -> None:
        if values:
            lines.append(f"{label} ({len(values)}): {', '.join(values)}")

    names("guest clusters new", tuple(c.name for c in found.clusters_new))
    names("guest clusters fixed", tuple(c.name for c in found.clusters_fixed))
    names("guest clusters gone with their hosts (removed from the estate, not fixed)",
          tuple(c.name for c in found.clusters_removed))
    for c in found.clusters_changed:
        what = [f"added {', '.join(c.added)}" if c.added else "", f"removed {', '.join(c.removed)}" if c.removed else ""]
        lines.append(f"guest cluster changed: {c.new.name}: {'; '.join(w for w in what if w)}")
    names("hosts newly tied", found.hosts_newly_tied)
    names("hosts freed", found.hosts_freed)
    names("tied hosts removed from the estate (not in the new audit, not freed)", found.hosts_removed)
    names("tied hosts added to the estate (not in the old audit)", found.hosts_added)
    names("guest clusters not in the new audit, whose checks it did not assess (not fixed)",
          tuple(c.name for c in found.clusters_unseen))
    names("hosts no longer tied, but a check that tied them was not assessed (not freed)", found.hosts_unseen)
    names("guest clusters not in the old audit, whose checks it did not assess (first assessed, not new)",
          tuple(c.name for c in found.clusters_first_assessed))
    names("hosts newly tied, but a check that ties them was not assessed before (first assessed, not newly tied)",
          found.hosts_first_assessed)
    names("tied guests no longer tied, but a check that tied them was not assessed (not a saving)",
          tuple(n for n, _ in found.guests_unseen))
    names("guests renamed", tuple(f"{r.old} -> {r.new}" for r in found.renamed))
    names("acceptances changed status", tuple(f"{a.what}: {a.old or 'absent'} -> {a.new or 'absent'}"
                                              for a in found.acceptances))
    lines.extend(f"not compared: {a.text(found.old.source, found.new.source)}" for a in found.apart)
    lines.append(f"yearly cost: {cost_text(found)}")
    lines.append(f"guests: {vms_text(found.old)} then; {vms_text(found.new)} now")
    lines.extend(f"note: {n}" for n in found.notes)
    return "\n".join(lines) + "\n"


def cost_text(found: Comparison) -> str:
    """``£32,635 then, £30,195 now``, each in its own currency, and what the amounts leave out or why they cannot
    be compared."""
    from .report.formats import money

    old, new = found.old.currency or "GBP", found.new.currency or found.old.currency or "GBP"
    text = f"{money(found.cost_old, old)} then, {money(found.cost_new, new)} now"
    if found.apart:
        left = [f"{money(a.cost, old if a.side == 'old' else new)} {'then' if a.side == 'old' else 'now'} "
                f"of {a.server}" for a in found.apart]
        text += f", on what both audits cover (left out: {'; '.join(left)})"
    if found.cost_differs:
        text += f"; not comparable: {'; '.join(found.cost_differs)}"
    return text


def _day(iso: str) -> str:
    return iso[:16].replace("T", " ")

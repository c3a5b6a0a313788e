"""``reportgen accept-template``: a first accept file written from a findings JSON, for the admin to prune and fill.

One commented entry for every open guest cluster and every tied guest outside one, each with its
members' names and identities (VM UUID, else vCenter + VM ID), empty ``reason``, ``owner`` and ``approved_by`` (an audit
refuses the file until they are filled in) and an expiry one year after the export, or after today when the export
is older. Open findings that ``--fail-on`` counts and those entries do not cover get one too: per guest that ties no host on its own, per host,
and per rule for a finding that names neither, so that a file filled in as drafted accepts everything open.
Where another vCenter (or Hyper-V cluster) has a host or guest of the same name, an entry also says its
``vcenter``, so that it accepts only what it was drafted for.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from .errors import InputError, printable

_GLOB = re.compile(r"([*?\[])")
SEVERITIES = ("info", "low", "medium", "high", "critical")


def literal(name: str) -> str:
    """``name`` as a pattern that matches only itself (``*``, ``?`` and ``[`` in brackets)."""
    return _GLOB.sub(r"[\1]", name)


def _text(value: str) -> str:
    """A TOML basic string (JSON's escapes are TOML's)."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")  # TOML refuses DEL as well


def _texts(values: Iterable[str]) -> str:
    return "[" + ", ".join(_text(v) for v in values) + "]"


def read_findings(path: str | Path) -> dict[str, Any]:
    """The findings JSON at ``path``; InputError when it cannot be read or is not one."""
    from .check_shape import check_shape
    from .findings_shape import check_findings_shape
    from .importers.bounded import read_findings_bytes

    where = str(path)
    if not Path(path).exists():
        raise InputError("no such file", where=where, hint="write one with 'reportgen audit … --json'")
    data = read_findings_bytes(Path(path), "give the findings JSON 'reportgen audit --json' wrote")
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise InputError(f"not a readable findings JSON: {exc}", where=where) from None
    keys = ("schema_version", "faux_clusters", "hosts", "findings")
    if not isinstance(document, dict) or any(k not in document for k in keys) or document["schema_version"] != 1:
        raise InputError("not a findings JSON of schema_version 1", where=where,
                         hint="give the file 'reportgen audit --json' wrote")
    check_findings_shape(document, where)
    check_shape(document, where)
    if is_redacted(document):
        raise InputError("was written with --redact: its names are pseudonyms, and an accept file drafted from "
                         "them would match nothing", where=where,
                         hint="draft the accept file from the findings JSON of the same audit without --redact; "
                         "a redacted audit matches the entries by the real names")
    return document


_PSEUDONYM = re.compile(r"guest-[0-9a-f]{16}[0-9]*")


def is_redacted(document: dict[str, Any]) -> bool:
    """Whether the findings JSON was written with ``--redact``: it says so, or (a file written before it
    said so) every guest it names is a pseudonym."""
    if "redacted" in document:
        return document["redacted"] is True
    names = [g.get("name") for c in document.get("faux_clusters", []) if isinstance(c, dict)
             for g in c.get("guests", []) if isinstance(g, dict)]
    names += [f["guest"].get("name") for f in document.get("findings", [])
              if isinstance(f, dict) and isinstance(f.get("guest"), dict)]
    return bool(names) and all(isinstance(n, str) and _PSEUDONYM.fullmatch(n) for n in names)


def audit_day(document: dict[str, Any]) -> dt.date:
    """The audit's day: its newest export's, else the day the JSON was written."""
    days = [str(s.get("exported_at"))[:10] for s in document.get("estate", {}).get("sources", [])
            if s.get("exported_at")]
    try:
        return dt.date.fromisoformat(max(days) if days else str(document.get("generated_at", ""))[:10])
    except ValueError:
        raise InputError("the findings JSON says neither when its exports were taken nor when it was written",
                         hint="write it again with 'reportgen audit … --json'") from None


def a_year_after(day: dt.date) -> dt.date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year + 1, day=28)


def template(document: dict[str, Any], source: str = "findings.json", today: dt.date | None = None) -> str:
    """The accept file's text. Its expiries are a year after the export, or after ``today`` (UTC) when the
    export is older: an entry is never drafted already expired, or expiring soon, on the day it is signed."""
    day = audit_day(document)
    today = today or dt.datetime.now(dt.UTC).date()
    expires = a_year_after(max(day, today))
    currency = document.get("cost", {}).get("currency", "")
    costs = document.get("cost", {})
    owners: dict[str, str] = {}
    open_guests: set[str] = set()
    for f in document["findings"]:
        guest = f.get("guest") or {}
        if guest.get("key") and f.get("owner"):
            owners.setdefault(guest["key"], f["owner"])
        if guest.get("key") and f.get("timing") != "hygiene" and not f.get("accepted"):
            open_guests.add(guest["key"])
    blocks = []
    places = _Places(document)
    in_clusters: set[str] = set()
    for c in document["faux_clusters"]:
        in_clusters.update(g["key"] for g in c["guests"])
        if c.get("accepted"):
            continue
        names = [g["name"] for g in c["guests"]]
        cost = costs.get("per_faux_cluster", {}).get(c["id"], 0.0)
        hosts = c.get("host_labels") or c["hosts"]
        what = _comment(f"{c['id']} {c['name']}: {'suspected ' if c['suspected'] else ''}guest cluster "
                        f"{c['topology']} on {', '.join(hosts) or 'unknown hosts'}; rules {', '.join(c['rules'])}; "
                        f"{cost:,.0f} {currency} a year")
        who = sorted({owners[g["key"]] for g in c["guests"] if g["key"] in owners})
        where = places.of_guests(c["guests"], next(iter(hosts), None))
        blocks.append(_entry(what, f"guests = {_texts(literal(n) for n in names)}{where}",
                             [_identity(g) for g in c["guests"]], who, expires))
    seen: set[str] = set()
    for h in document["hosts"]:
        for g in (*h.get("pinned_guests", []), *h.get("pinned_at_next_power_on", [])):
            key = g["key"]
            if key in in_clusters or key in seen or key not in open_guests:
                continue
            seen.add(key)
            cost = costs.get("per_pinned_guest", {}).get(key, 0.0)
            what = _comment(f"{g['name']}: tied to {h.get('label') or h['name']}; rules {', '.join(g.get('rules', []))}; "
                            f"{cost:,.0f} {currency} a year")
            who = [g["owner"]] if g.get("owner") else []
            where = places.of_guests([g], h.get("label") or h["name"])
            blocks.append(_entry(what, f"guest = {_text(literal(g['name']))}{where}", [_identity(g)], who, expires))
    blocks += _other_findings(document, in_clusters | seen, expires, places)
    head = (f"# Accepted exceptions, drafted by 'reportgen accept-template' from {_one_line(Path(source).name)}\n"
            f"# (export of {day}).{_drafted_from(day, today)}\n"
            "# Delete the entries that are to be fixed rather than accepted; for each one kept, fill in reason,\n"
            "# owner and approved_by (an audit refuses the file until then) and check the expiry. 'ids' keep an\n"
            "# entry matching a guest renamed later. Use it with 'reportgen audit … --accept accept.toml'.\n")
    if not blocks:
        return head + "\n# Nothing is open: no guest cluster, tied guest or other finding to accept.\n"
    return head + "\n" + "\n".join(blocks)


def _drafted_from(day: dt.date, today: dt.date) -> str:
    """Why the expiries are a year after today rather than after the export, when they are."""
    if today <= day:
        return ""
    return (f"\n# The export is {(today - day).days} days old: the expiries are drafted one year from today, {today},\n"
            "# not from the export, so that none is already past or close when it is signed. Export again\n"
            "# before signing if the estate may have changed.")


def _one_line(text: str) -> str:
    """``text`` for a comment: a line break (any Unicode one) can never end the comment and start TOML of its own,
    and other control characters show as escapes."""
    return printable(" ".join(str(text).split()))


def _comment(text: str) -> str:
    return "# " + _one_line(text)


class _Places:
    """Where the hosts and guests of a findings JSON are (their vCenter or Hyper-V cluster), and which of their
    names another one shares: an entry drafted for one of those says its ``vcenter``."""

    def __init__(self, document: dict[str, Any]) -> None:
        servers = {s.get("file"): s.get("server") or s.get("file")
                   for s in document.get("estate", {}).get("sources", []) if isinstance(s, dict)}
        self.place: dict[str, str] = {}
        names: Counter[str] = Counter()
        for h in document["hosts"]:
            where = servers.get(h.get("source"))
            if where:
                self.place[str(h.get("label") or h["name"])] = str(where)
            names[str(h["name"]).casefold()] += 1
        self.host_names = names
        self.servers = servers
        self.cluster_files: dict[str, set[str]] = {}
        for h in document["hosts"]:
            if h.get("cluster"):
                self.cluster_files.setdefault(str(h["cluster"]).casefold(), set()).add(str(h.get("source")))
        for f in document["findings"]:
            if f.get("cluster") and not f.get("guest") and not f.get("host"):
                file = str((f.get("source") or {}).get("file"))
                self.cluster_files.setdefault(str(f["cluster"]).casefold(), set()).add(file)
        keys: dict[str, set[str]] = {}
        guests = [g for c in document["faux_clusters"] for g in c["guests"]]
        guests += [g for h in document["hosts"] for part in ("pinned_guests", "pinned_at_next_power_on",
                                                              "stranded_on_failure") for g in h.get(part, [])]
        guests += [f["guest"] for f in document["findings"] if isinstance(f.get("guest"), dict)]
        for g in guests:
            keys.setdefault(str(g.get("name")).casefold(), set()).add(str(g.get("key")))
        self.guest_keys = keys

    def _vcenter(self, host: str | None) -> str:
        where = self.place.get(host) if host else None
        return f"\nvcenter = {_text(literal(where))}" if where else ""

    def of_guests(self, guests: Iterable[dict[str, Any]], host: str | None) -> str:
        """The ``vcenter`` line for an entry naming ``guests`` (on ``host``, its label), where a name is shared."""
        shared = any(len(self.guest_keys.get(str(g.get("name")).casefold(), ())) > 1 for g in guests)
        return self._vcenter(host) if shared else ""

    def of_cluster(self, name: str, file: str) -> str:
        """The ``vcenter`` line for an entry naming a cluster whose name a cluster of another export shares."""
        where = self.servers.get(file)
        shared = len(self.cluster_files.get(name.casefold(), ())) > 1
        return f"\nvcenter = {_text(literal(str(where)))}" if shared and where else ""

    def of_host(self, name: str, label: str) -> str:
        return self._vcenter(label) if self.host_names[name.casefold()] > 1 else ""


def _other_findings(document: dict[str, Any], drafted: set[str], expires: dt.date, places: _Places) -> list[str]:
    """Entries for the open findings ``--fail-on`` counts that no guest-cluster or tied-guest entry covers:
    a guest that ties no host on its own, a host, else (the finding names neither) its rule alone."""
    by_guest: dict[str, list[dict[str, Any]]] = {}
    blocks: list[str] = []
    seen: set[tuple[str, ...]] = set()
    for f in document["findings"]:
        if f.get("timing") == "hygiene" or f.get("accepted"):
            continue
        guest = f.get("guest") or {}
        if guest.get("key"):
            if guest["key"] not in drafted:
                by_guest.setdefault(guest["key"], []).append(f)
            continue
        where, match, note = _subject(f, places)
        if where in seen:
            continue
        seen.add(where)
        blocks.append(_entry(_comment(f"{f['rule']} ({f['severity']}): {f['evidence']}") + note, match, [], [], expires))
    for found in by_guest.values():
        guest = found[0]["guest"]
        rules = ", ".join(sorted({f["rule"] for f in found}))
        worst = max(found, key=lambda f: SEVERITIES.index(f["severity"]) if f["severity"] in SEVERITIES else -1)
        what = _comment(f"{guest['name']}: ties no host on its own; open findings {rules} (up to {worst['severity']})")
        who = [found[0]["owner"]] if found[0].get("owner") else []
        here = places.of_guests([guest], found[0].get("host_label") or found[0].get("host"))
        blocks.append(_entry(what, f"guest = {_text(literal(guest['name']))}{here}", [_identity(guest)], who,
                             expires))
    return blocks


def _subject(f: dict[str, Any], places: _Places) -> tuple[tuple[str, ...], str, str]:
    """(what makes findings one entry, the entry's match keys, a note) for a finding that names no guest: its host,
    else its cluster (a cluster's settings: VMW-24, VMW-25), else its rule alone."""
    rule = f"\nrule = {_text(f['rule'])}"
    if f.get("host"):
        label = str(f.get("host_label") or f["host"])
        return ("host", label, f["rule"]), f"host = {_text(literal(f['host']))}{places.of_host(f['host'], label)}{rule}", ""
    file = str((f.get("source") or {}).get("file"))
    if f.get("cluster"):
        cluster = str(f["cluster"])
        return (("cluster", cluster, file, f["rule"]),
                f"cluster = {_text(literal(cluster))}{places.of_cluster(cluster, file)}{rule}", "")
    return ("rule", f["rule"]), rule[1:], "\n# It names no guest, host or cluster: this entry accepts the rule wherever it occurs."


def _identity(guest: dict[str, Any]) -> str:
    """The VM UUID where the JSON has it (it survives a re-registration), else the guest key (vCenter + VM ID)."""
    uuid = guest.get("uuid")
    return f"uuid:{uuid}" if isinstance(uuid, str) and uuid else str(guest["key"])


def _entry(what: str, match: str, ids: list[str], owners: list[str], expires: dt.date) -> str:
    hint = f"   # owner in the export: {_one_line(', '.join(owners))}" if owners else ""
    identities = f"ids = {_texts(ids)}\n" if ids else ""
    return (f"{what}\n[[accept]]\n{match}\n{identities}reason = \"\"\nowner = \"\"{hint}\n"
            f"approved_by = \"\"\nticket = \"\"\nexpires = {expires.isoformat()}\n")

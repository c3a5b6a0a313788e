"""What ``reportgen check`` prints: lines for people, or JSON for a change-management tool.

The JSON's shape is published in ``reportgen/schemas/check-v1.schema.json``.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from .check import CheckResult, ClusterStep, GuestToStop, HostCheck
from .check_names import Unmatched
from .check_parts import Contact
from .check_together import Together

CHECK_SCHEMA_VERSION = 1


def _guest(g: GuestToStop) -> dict[str, Any]:
    return {"name": g.name, "key": g.key, "owner": g.owner, "rules": list(g.rules), "guest_cluster": g.guest_cluster}


def _cluster(c: ClusterStep) -> dict[str, Any]:
    live = c.moves_live and bool(c.fail_over_first)
    return {"id": c.id, "name": c.name, "topology": c.topology, "suspected": c.suspected,
            "fail_over_first": [] if live else list(c.fail_over_first), "take_over": [] if live else list(c.take_over),
            "service_stops": not live and not c.take_over, "moves_live": live, "failover": c.failover}


def host_document(h: HostCheck) -> dict[str, Any]:
    return {
        "name": h.name, "label": h.label, "cluster": h.cluster, "platform": h.platform, "site": h.site, "evacuable": h.evacuable,
        "verdict": h.verdict,
        "power_off": [_guest(g) for g in h.power_off],
        "disconnect_media": [_guest(g) for g in h.disconnect_media],
        "settings": list(h.settings),
        "at_next_power_on": [_guest(g) for g in h.at_next_power_on],
        "owners": list(h.owners), "owner_unknown": h.owner_unknown,
        "media_owners": sorted({g.owner for g in h.disconnect_media if g.owner}),
        "media_owner_unknown": any(not g.owner for g in h.disconnect_media),
        "unplaced_running": h.unplaced_running,
        "owner_contacts": [{"owner": c.owner, "email": c.email, "team": c.team} for c in h.contacts],
        "guest_clusters": [_cluster(c) for c in h.guest_clusters],
        "wave": h.wave, "waves": h.waves,
        "stranded_on_failure": [_guest(g) for g in h.stranded_on_failure],
        "restart_unknown_on_failure": [{**_guest(g), "why": why} for g, why in h.restart_unknown],
        "not_assessed": [{"rule": n.rule, "reason": n.reason} for n in h.not_assessed],
    }


def check_document(result: CheckResult) -> dict[str, Any]:
    """The answer as a JSON object (``reportgen check --json``)."""
    return {
        "schema_version": CHECK_SCHEMA_VERSION,
        "source": result.source,
        "all_evacuable": result.all_evacuable and not result.unmatched,
        "hosts": [host_document(h) for h in result.hosts],
        "unmatched": [{"pattern": u.pattern, "suggestions": list(u.suggestions), "cluster": u.cluster,
                       "partial": u.partial} for u in result.unmatched],
        "ambiguous": [{"pattern": a.pattern, "hosts": list(a.hosts)} for a in result.ambiguous],
        "together": [{"kind": t.kind, "id": t.id, "name": t.name, "hosts": list(t.hosts), "nodes": list(t.nodes),
                      "suspected": t.suspected, "targets": list(t.targets), "rules": list(t.rules), "owner": t.owner,
                      "limit": t.limit} for t in result.together],
    }


def _together_line(t: Together) -> str:
    if t.kind == "no-target":
        where = ", ".join(t.targets) if t.targets else "no other host"
        owner = f"owner {t.owner}" if t.owner else "owner unknown"
        return (f"  {t.name} on {t.hosts[0]} ({owner}): can be moved only to {where} ({', '.join(t.rules)}), "
                "named too: emptied together it has nowhere to go; empty these hosts one after another, or power it off")
    if t.kind == "cluster-limit":
        which = "waves.hosts_down_per_cluster" if t.limit_recorded else \
            "the default of waves.hosts_down_per_cluster: the findings JSON does not record the audit's"
        return (f"  cluster {t.id}: {len(t.hosts)} of its hosts are named ({', '.join(t.hosts)}), but at most "
                f"{t.limit} may be down at once ({which}): empty them in turns")
    if t.kind == "cluster":
        every = "both" if len(t.hosts) == 2 else f"all {len(t.hosts)}"
        return (f"  cluster {t.id}: {every} of its hosts are named ({', '.join(t.hosts)}): their guests "
                "have nowhere in the cluster to go; empty them one after another")
    return (f"  guest cluster {t.id} {t.name}{', suspected' if t.suspected else ''}: every running node is on the "
            f"hosts named ({', '.join(t.nodes)}): the service stops; put these hosts in different waves")


def format_together(result: CheckResult) -> list[str]:
    """What working on the hosts named at once would do that none alone would (nothing for one host)."""
    if not result.together:
        return []
    return ["CANNOT be emptied together (each host's answer above is for that host alone):",
            *(_together_line(t) for t in result.together), ""]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _guest_line(g: GuestToStop) -> str:
    parts = [g.name, f"owner {g.owner}" if g.owner else "owner unknown", ", ".join(g.rules)]
    if g.guest_cluster:
        parts.append(f"guest cluster {g.guest_cluster}")
    if g.unknown:
        parts.append(f"whether it can be started elsewhere by hand is {g.unknown}")
    return "    " + " · ".join(p for p in parts if p)


def _cluster_line(c: ClusterStep) -> str:
    head = f"    {c.id} {c.name}, {c.topology.replace('-', ' ')}{', suspected' if c.suspected else ''}: "
    here = ", ".join(c.fail_over_first)
    if not c.fail_over_first:
        return head + "no running node on this host"
    if c.moves_live:
        return head + f"moves live, no failover ({here} {'leaves' if len(c.fail_over_first) == 1 else 'leave'} " \
            "by live migration like any other guest)"
    if c.take_over and c.failover:
        return head + f"fail over {here} first, to {', '.join(c.take_over)}"
    if c.take_over:  # suspected by its names only: no failover counted, but its nodes here are tied (above)
        return head + (f"no failover counted (not proven a guest cluster); {here} {'is' if len(c.fail_over_first) == 1 else 'are'} "
                       f"powered off with the guests above: if it is one, move its roles to {', '.join(c.take_over)} first")
    return head + f"no running node on another host: the service stops while {here} {'is' if len(c.fail_over_first) == 1 else 'are'} off"


VERDICTS = {
    "yes": "can be emptied by live migration now",
    "no": "CANNOT be emptied by live migration now",
    "media": "CANNOT be emptied until connected media are disconnected (no power-off needed)",
    "unproven": "no tie found, but not proven: {unrun} could not run on its export (listed below)",
    "unplaced": "no tie found, but not proven: running guests with no known host may run on it (below)",
}
MAX_GAP_LINES = 4
"""Reasons a check could not run printed in full; the rest are counted (``--json`` gives every one)."""


def _verdict(h: HostCheck) -> str:
    unrun = _plural(len(dict.fromkeys(n.rule for n in h.not_assessed)), "check")
    text = VERDICTS["unplaced" if h.verdict == "unproven" and not h.not_assessed else h.verdict].format(unrun=unrun)
    if h.verdict in ("yes", "unproven") and h.power_off_once_started:
        text += f"; {_plural(len(h.power_off_once_started), 'guest')} off now would tie it once started: keep them off"
    if h.verdict in ("yes", "unproven") and h.media_once_started:
        text += (f"; {_plural(len(h.media_once_started), 'guest')} off now would tie it once started only by "
                 "connected media (no power-off)")
    return text


def _gap_lines(h: HostCheck) -> list[str]:
    """The checks its export could not assess, grouped by reason: what to check by hand before the window."""
    by_reason: dict[str, list[str]] = {}
    for n in h.not_assessed:
        by_reason.setdefault(n.reason, []).append(n.rule)
    count = len(dict.fromkeys(n.rule for n in h.not_assessed))
    lines = [f"  not assessed from its export ({_plural(count, 'check')}): ties of these kinds are not known; "
             "check them by hand:"]
    groups = list(by_reason.items())
    lines += [f"    {', '.join(dict.fromkeys(rules))}: {reason or 'no reason recorded'}"
              for reason, rules in groups[:MAX_GAP_LINES]]
    if len(groups) > MAX_GAP_LINES:
        rest = sorted({r for _, rules in groups[MAX_GAP_LINES:] for r in rules})
        lines.append(f"    and {', '.join(rest)} (each reason: --json, or the report's coverage section)")
    return lines


HOW_TO_NAME_OWNERS = ("name owners with an owners file ('reportgen audit --owners', or [owner] file in audit.toml), "
                      "or set [owner] column to the export's owner column")


def _owner_line(label: str, guests: tuple[GuestToStop, ...], contacts: tuple[Contact, ...] = ()) -> str:
    owners = sorted({g.owner for g in guests if g.owner})
    unknown = any(not g.owner for g in guests)
    if not owners:
        return f"  {label}: none recorded ({HOW_TO_NAME_OWNERS})"
    reach = {c.owner: ", ".join(p for p in (c.email, c.team) if p) for c in contacts}
    named = ", ".join(f"{o} ({reach[o]})" if reach.get(o) else o for o in owners)
    return f"  {label}: {named}" + (f" (and some guests have no owner recorded: {HOW_TO_NAME_OWNERS})" if unknown else "")


def format_host(h: HostCheck) -> list[str]:
    """The lines for one host."""
    where = ", ".join(p for p in (f"cluster {h.cluster}" if h.cluster else "", f"site {h.site}" if h.site else "") if p)
    lines = [f"{h.label}{f' ({where})' if where else ''}: {_verdict(h)}"]
    lines += [f"  maintenance mode will not empty it by itself: {s}" for s in h.settings]
    if h.unplaced:
        parts = [f"{n} of cluster {c}" if c else f"{n} of no known cluster" for c, n in h.unplaced]
        lines.append(f"  {_plural(h.unplaced_running, 'running guest')} with no known host in the export may run on "
                     f"it ({', '.join(parts)}): their ties are not known")
    if h.power_off:
        lines.append(f"  power off {_plural(len(h.power_off), 'guest')} first:")
        lines += [_guest_line(g) for g in h.power_off]
        lines.append(_owner_line("owners to ask", h.power_off, h.contacts))
    if h.disconnect_media:
        lines.append(f"  disconnect the media of {_plural(len(h.disconnect_media), 'guest')} while running (and clear "
                     "'Connect at power on'), then migrate (no power-off):")
        lines += [_guest_line(g) for g in h.disconnect_media]
        lines.append(_owner_line("owners to tell before the media are disconnected", h.disconnect_media, h.contacts))
    if h.guest_clusters:
        lines.append("  guest clusters:")
        lines += [_cluster_line(c) for c in h.guest_clusters]
    if later := h.power_off_once_started:
        lines.append(f"  off now, but tied once started ({_plural(len(later), 'guest')}):")
        lines += [_guest_line(g) for g in later]
        lines.append(_owner_line("owners to tell to keep them off", later, h.contacts))
    if media := h.media_once_started:
        lines.append(f"  off now, tied once started only by connected media ({_plural(len(media), 'guest')}): once "
                     "started, disconnect media (no power-off):")
        lines += [_guest_line(g) for g in media]
        lines.append(_owner_line("owners to tell before the media are disconnected", media, h.contacts))
    lines.append(f"  wave {h.wave} of {h.waves}" if h.wave is not None else "  in no maintenance wave")
    if h.stranded_on_failure:
        lines.append(f"  if it fails, {_plural(len(h.stranded_on_failure), 'guest')} could not restart elsewhere:")
        lines += [_guest_line(g) for g in h.stranded_on_failure]
    elif not h.restart_unknown:
        lines.append("  if it fails, no check that could run found a guest that could not restart elsewhere"
                     if h.not_assessed else "  if it fails, every running guest can restart elsewhere")
    if h.restart_unknown:
        lines.append(f"  if it fails, whether {_plural(len(h.restart_unknown), 'guest')} would restart elsewhere is "
                     "not known from the export:")
        lines += [f"{_guest_line(g)} · not known ({why})" for g, why in h.restart_unknown]
    return lines + (_gap_lines(h) if h.not_assessed else [])


def format_check(result: CheckResult) -> str:
    """The answer for people: a block per host and a closing count."""
    lines: list[str] = []
    for h in result.hosts:
        lines += [*format_host(h), ""]
    if result.hosts:
        seen = Counter(h.verdict for h in result.hosts)
        parts = [f"{seen['yes']} can be emptied"]
        parts += [f"{seen['unproven']} with no tie found but not proven (checks could not run)"] if seen["unproven"] else []
        cannot = seen["no"] + seen["media"]
        parts.append(f"{cannot} cannot" + (f" ({seen['media']} only until media are disconnected)" if seen["media"] else ""))
        lines += format_together(result)
        together = f"; together they cannot be emptied ({_plural(len(result.together), 'reason')} above)" \
            if result.together else ""
        lines.append(f"{_plural(len(result.hosts), 'host')} checked: {', '.join(parts)}{together}")
    return "\n".join(lines) + ("\n" if lines else "")


def _unmatched_line(u: Unmatched) -> str:
    if u.partial:
        return (f"'{u.pattern}' is the start of {len(u.suggestions)} host names ({', '.join(u.suggestions)}): give "
                "the whole name of the one to check")
    if u.cluster:
        start = _common(u.suggestions)
        pattern = f" (or a pattern such as '{start}*')" if start else ""
        return (f"no host matches '{u.pattern}': it names cluster {u.cluster}, whose hosts are "
                f"{', '.join(u.suggestions)}; name the hosts{pattern}, and check them one by one or together")
    return f"no host matches '{u.pattern}'" + (f"; did you mean {', '.join(u.suggestions)}?" if u.suggestions else "")


def _common(names: tuple[str, ...]) -> str:
    """The longest start the names share ('hq-esx01' for hq-esx0101 … hq-esx0104)."""
    first, last = min(names, default=""), max(names, default="")
    size = next((i for i, (a, b) in enumerate(zip(first, last)) if a != b), min(len(first), len(last)))
    return first[:size]


def format_unmatched(result: CheckResult) -> list[str]:
    """One line per name that matches no host, with close matches, and per name that several hosts share."""
    return [*(_unmatched_line(u) for u in result.unmatched),
            *(f"'{a.pattern}' names {len(a.hosts)} hosts ({', '.join(a.hosts)}): to check one, give its label, "
              f"e.g. reportgen check '{a.hosts[-1]}'" for a in result.ambiguous)]

"""What ``reportgen check`` prints: lines for people, or JSON for a change-management tool.

The JSON's shape is published in ``reportgen/schemas/check-v1.schema.json``.
"""

from __future__ import annotations

from typing import Any

from .check import CheckResult, ClusterStep, GuestToStop, HostCheck

CHECK_SCHEMA_VERSION = 1


def _guest(g: GuestToStop) -> dict[str, Any]:
    return {"name": g.name, "key": g.key, "owner": g.owner, "rules": list(g.rules), "guest_cluster": g.guest_cluster}


def _cluster(c: ClusterStep) -> dict[str, Any]:
    return {"id": c.id, "name": c.name, "topology": c.topology, "suspected": c.suspected,
            "fail_over_first": list(c.fail_over_first), "take_over": list(c.take_over),
            "service_stops": not c.take_over}


def host_document(h: HostCheck) -> dict[str, Any]:
    return {
        "name": h.name, "label": h.label, "cluster": h.cluster, "platform": h.platform, "site": h.site, "evacuable": h.evacuable,
        "power_off": [_guest(g) for g in h.power_off],
        "at_next_power_on": [_guest(g) for g in h.at_next_power_on],
        "owners": list(h.owners), "owner_unknown": h.owner_unknown,
        "guest_clusters": [_cluster(c) for c in h.guest_clusters],
        "wave": h.wave, "waves": h.waves,
        "stranded_on_failure": [_guest(g) for g in h.stranded_on_failure],
        "not_assessed": [{"rule": n.rule, "reason": n.reason} for n in h.not_assessed],
    }


def check_document(result: CheckResult) -> dict[str, Any]:
    """The answer as a JSON object (``reportgen check --json``)."""
    return {
        "schema_version": CHECK_SCHEMA_VERSION,
        "source": result.source,
        "all_evacuable": result.all_evacuable and not result.unmatched,
        "hosts": [host_document(h) for h in result.hosts],
        "unmatched": [{"pattern": u.pattern, "suggestions": list(u.suggestions)} for u in result.unmatched],
        "ambiguous": [{"pattern": a.pattern, "hosts": list(a.hosts)} for a in result.ambiguous],
    }


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _guest_line(g: GuestToStop) -> str:
    parts = [g.name, f"owner {g.owner}" if g.owner else "owner unknown", ", ".join(g.rules)]
    if g.guest_cluster:
        parts.append(f"guest cluster {g.guest_cluster}")
    return "    " + " · ".join(p for p in parts if p)


def _cluster_line(c: ClusterStep) -> str:
    head = f"    {c.id} {c.name}, {c.topology.replace('-', ' ')}{', suspected' if c.suspected else ''}: "
    here = ", ".join(c.fail_over_first)
    if not c.fail_over_first:
        return head + "no running node on this host"
    if c.take_over:
        return head + f"fail over {here} first, to {', '.join(c.take_over)}"
    return head + f"no running node on another host: the service stops while {here} {'is' if len(c.fail_over_first) == 1 else 'are'} off"


def format_host(h: HostCheck) -> list[str]:
    """The lines for one host."""
    where = ", ".join(p for p in (f"cluster {h.cluster}" if h.cluster else "", f"site {h.site}" if h.site else "") if p)
    unrun = len(dict.fromkeys(n.rule for n in h.not_assessed))
    verdict = ("CANNOT be emptied by live migration now" if not h.evacuable else
               f"no tie found by the checks that could run ({_plural(unrun, 'check')} could not run on its export)"
               if unrun else "can be emptied by live migration now")
    lines = [f"{h.label}{f' ({where})' if where else ''}: {verdict}"]
    if h.power_off:
        lines.append(f"  power off {_plural(len(h.power_off), 'guest')} first:")
        lines += [_guest_line(g) for g in h.power_off]
        owners = ", ".join(h.owners) or "none recorded"
        lines.append(f"  owners to ask: {owners}{' (and some guests have no owner recorded)' if h.owner_unknown and h.owners else ''}")
    if h.guest_clusters:
        lines.append("  guest clusters:")
        lines += [_cluster_line(c) for c in h.guest_clusters]
    if h.at_next_power_on:
        lines.append(f"  off now, but tied once started ({_plural(len(h.at_next_power_on), 'guest')}):")
        lines += [_guest_line(g) for g in h.at_next_power_on]
    lines.append(f"  wave {h.wave} of {h.waves}" if h.wave is not None else "  in no maintenance wave")
    if h.stranded_on_failure:
        lines.append(f"  if it fails, {_plural(len(h.stranded_on_failure), 'guest')} could not restart elsewhere:")
        lines += [_guest_line(g) for g in h.stranded_on_failure]
    else:
        lines.append("  if it fails, no check that could run found a guest that could not restart elsewhere" if unrun
                     else "  if it fails, every running guest can restart elsewhere")
    if h.not_assessed:
        rules = ", ".join(dict.fromkeys(n.rule for n in h.not_assessed))
        lines.append(f"  not assessed from its export: {rules} (see the report's coverage section)")
    return lines


def format_check(result: CheckResult) -> str:
    """The answer for people: a block per host and a closing count."""
    lines: list[str] = []
    for h in result.hosts:
        lines += [*format_host(h), ""]
    free = sum(1 for h in result.hosts if h.evacuable and not h.not_assessed)
    unknown = sum(1 for h in result.hosts if h.evacuable and h.not_assessed)
    if result.hosts:
        found = f"{unknown} with no tie found by the checks that could run, " if unknown else ""
        lines.append(f"{_plural(len(result.hosts), 'host')} checked: {free} can be emptied, {found}"
                     f"{len(result.hosts) - free - unknown} cannot")
    return "\n".join(lines) + ("\n" if lines else "")


def format_unmatched(result: CheckResult) -> list[str]:
    """One line per name that matches no host, with close matches, and per name that several hosts share."""
    return [*(f"no host matches '{u.pattern}'" + (f"; did you mean {', '.join(u.suggestions)}?" if u.suggestions else "")
              for u in result.unmatched),
            *(f"'{a.pattern}' names {len(a.hosts)} hosts ({', '.join(a.hosts)}): to check one, give its label, "
              f"e.g. reportgen check '{a.hosts[-1]}'" for a in result.ambiguous)]

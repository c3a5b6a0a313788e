"""Compare a findings JSON (``reportgen audit --json``) with a generated estate's ground truth.

Used by ``bench/e2e.py`` after each audit and held to its word by ``tests/test_samples.py``.
"""

from __future__ import annotations

from collections import defaultdict

SHOW = 10  # examples printed per kind of mismatch


def norm(key: str) -> str:
    """Guest keys compare on the vCenter UUID case-insensitively: '<uuid>/<vm id>'."""
    scope, _, ident = str(key).rpartition("/")
    return f"{scope.upper()}/{ident}"


def check(findings: dict, truth: dict) -> tuple[int, list[str]]:
    """Compare a findings JSON with the ground truth; returns (number of mismatches, report lines)."""
    lines: list[str] = []
    bad = 0
    names = {}
    for c in truth["faux_clusters"]:
        for g in c["guests"]:
            names[norm(g["key"])] = g["name"]
    for p in truth["pinned_today"] + truth["pinned_at_next_power_on"]:
        names[norm(p["key"])] = p["name"]

    def show(keys) -> str:
        return ", ".join(f"{names.get(k, '?')} ({k})" for k in sorted(keys)[:3])

    # Guest clusters proven by shared disks (suspected ones come from heuristics and are not planted).
    planted = {frozenset(norm(g["key"]) for g in c["guests"]): c for c in truth["faux_clusters"]}
    found = {}
    for c in findings.get("faux_clusters", []):
        if c.get("suspected"):
            continue
        found[frozenset(norm(g["key"]) for g in c.get("guests", []))] = c
    exact = planted.keys() & found.keys()
    missing = [m for m in planted if m not in found]
    extra = [m for m in found if m not in planted]
    topo = [m for m in exact if planted[m]["topology"] != found[m].get("topology")]
    lines.append(f"  guest clusters: planted {len(planted)}, found {len(found)} (suspected ones excluded), "
                 f"exact {len(exact)}, missing {len(missing)}, extra or different {len(extra)}, "
                 f"topology differs {len(topo)}")
    by_mech = defaultdict(int)
    for m in missing:
        by_mech[planted[m]["mechanism"]] += 1
    if by_mech:
        lines.append("    missing by mechanism: " + ", ".join(f"{k} {v}" for k, v in sorted(by_mech.items())))
    for m in missing[:SHOW]:
        c = planted[m]
        lines.append(f"    missing {c['name']} [{c['mechanism']}, {c['topology']}]: {show(m)}")
    for m in extra[:SHOW]:
        c = found[m]
        lines.append(f"    extra {c.get('name')} [{c.get('topology')}, rules {c.get('rules')}]: {show(m)}")
    for m in topo[:SHOW]:
        lines.append(f"    topology {planted[m]['name']}: planted {planted[m]['topology']}, "
                     f"found {found[m].get('topology')}")
    bad += len(missing) + len(extra) + len(topo)

    # Guests pinned today: the union of every host's pinned guests.
    truth_today = {norm(p["key"]): p for p in truth["pinned_today"]}
    got_today = {}
    for h in findings.get("hosts", []):
        for g in h.get("pinned_guests", []):
            got_today[norm(g["key"])] = dict(g, host=h.get("name"))
    missing_p = truth_today.keys() - got_today.keys()
    extra_p = got_today.keys() - truth_today.keys()
    lines.append(f"  guests pinned today: truth {len(truth_today)}, found {len(got_today)}, "
                 f"missing {len(missing_p)}, extra {len(extra_p)}")
    by_rule = defaultdict(int)
    for k in missing_p:
        for r in truth_today[k]["reasons"]:
            by_rule[r["rule"]] += 1
    if by_rule:
        lines.append("    missing by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(by_rule.items())))
    for k in sorted(missing_p)[:SHOW]:
        p = truth_today[k]
        lines.append(f"    missing {p['name']} on {p['host']}: " + "; ".join(r["detail"] for r in p["reasons"]))
    decoys = {norm(d["key"]): d["what"] for d in truth.get("decoys", [])}
    later = {norm(p["key"]) for p in truth["pinned_at_next_power_on"]}
    for k in sorted(extra_p)[:SHOW]:
        g = got_today[k]
        why = decoys.get(k) or ("pinned only at next power-on" if k in later else "")
        lines.append(f"    extra {g.get('name')} on {g.get('host')} rules {g.get('rules')}" + (f" — {why}" if why else ""))
    bad += len(missing_p) + len(extra_p)

    # Hosts that cannot be evacuated.
    truth_hosts = {h["name"] for h in truth["hosts_not_evacuable"]}
    got_hosts = {h["name"] for h in findings.get("hosts", []) if h.get("evacuable") is False}
    mh, eh = truth_hosts - got_hosts, got_hosts - truth_hosts
    lines.append(f"  hosts not evacuable: truth {len(truth_hosts)}, found {len(got_hosts)}, missing {len(mh)}, "
                 f"extra {len(eh)}" + (f"; e.g. missing {sorted(mh)[:3]}" if mh else "")
                 + (f"; e.g. extra {sorted(eh)[:3]}" if eh else ""))
    bad += len(mh) + len(eh)
    estate = findings.get("estate", {})
    if estate.get("guests") not in (None, truth["counts"]["guests"]):
        lines.append(f"  estate.guests {estate.get('guests')} != {truth['counts']['guests']}")
        bad += 1
    return bad, lines

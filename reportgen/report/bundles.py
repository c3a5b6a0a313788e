"""Actions that free a host only together: per host tied today, the actions on its tied guests.

When nothing is tied today, the hosts tied once the guests that are off run again are read instead,
at their yearly cost from then on (the bundle says so).

A host is freed once every cause tying every guest on it is fixed, and each action fixes one
cause (or, for a host alone, a set of them). So the actions whose guests sit on a host free
it together. Each host is named once, under exactly the actions it needs: a host that one action
frees alone is that action's (the remedy table's "hosts freed"), and a host that needs fewer actions
is named under those, so no saving is counted twice. A host alone in its cluster is never freed
(nothing can take its guests), as in the remedy table.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..analysis import Analysis
from ..cost import Costing, crowded_guest_clusters, find_hosts_alone, never_freed_hosts, price_hosts_at_power_on
from .model import Action, Bundle, PlanTotal

EFFORTS = ("minutes", "change", "project")


def plan_bundles(analysis: Analysis, costing: Costing, plan: list[Action]) -> list[Bundle]:
    """Every set of two or more actions that a host tied today (or, when none is, once the guests that are off
    run again) needs, each with the hosts that need exactly that set, most yearly saving first."""
    later = not costing.units
    annual = price_hosts_at_power_on(analysis) if later else {c.label: c.annual for c in costing.hosts}
    alone = never_freed_hosts(analysis)
    needs: dict[str, set[int]] = defaultdict(set)  # host -> the numbers of the actions on its tied guests
    by_one = {h for a in plan for h in a.freed}  # freed by one action (with media at most left): the table's
    for number, action in enumerate(plan, 1):
        for host in action.hosts:
            if host in annual and host not in alone and host not in by_one:
                needs[host].add(number)
    bundles: dict[frozenset[int], Bundle] = {}
    for numbers in needs.values():
        key = frozenset(numbers)
        if len(key) < 2 or key in bundles:
            continue
        freed = sorted(h for h, n in needs.items() if n == key)
        efforts = [plan[i - 1].effort for i in key if plan[i - 1].effort in EFFORTS]
        bundles[key] = Bundle(tuple(freed), tuple(sorted(key)), say_numbers(sorted(key)),
                              max(efforts, key=EFFORTS.index, default="change"),
                              round(sum(annual[h] for h in freed), 2), later)
    return sorted(bundles.values(), key=lambda b: (-b.annual_saving, len(b.actions), b.hosts))


def plan_total(analysis: Analysis, costing: Costing, plan: list[Action]) -> PlanTotal | None:
    """Every action of the plan done together: each tied host is freed but a host alone in its cluster
    (every cause on its guests has an action, and nothing can take a host alone's guests)."""
    if not plan:
        return None
    later = not costing.units
    annual = price_hosts_at_power_on(analysis) if later else {c.label: c.annual for c in costing.hosts}
    total = costing.annual_at_power_on if later else costing.annual_total
    kept = never_freed_hosts(analysis)
    tied = {h for a in plan for h in (*a.hosts, *a.freed) if h in annual}
    freed = tied - kept
    saving = round(sum(annual[h] for h in freed), 2)
    counts = Counter(a.effort for a in plan)
    left = set(annual) - freed
    return PlanTotal(len(plan), len(freed), saving, total, round(max(0.0, total - saving), 2),
                     len(left), tuple((e, counts[e]) for e in reversed(EFFORTS) if counts[e]), later,
                     hosts_alone=len(left & find_hosts_alone(analysis)), freeing=_freeing(analysis, plan, left))


def _freeing(analysis: Analysis, plan: list[Action], kept: set[str]) -> str:
    """The numbers of the projects that would free the hosts left tied ('4 and 5'): adding shared storage and a
    second host for a host alone, or hosts for a guest cluster too big for its host cluster."""
    crowded = set(crowded_guest_clusters(analysis))
    numbers = [i for i, a in enumerate(plan, 1) if set(a.hosts) & kept
               and (a.standalone_hosts or crowded & set(a.unit_ids))]
    return say_numbers(numbers) if numbers else ""


def say_numbers(numbers: list[int]) -> str:
    """[6, 7, 8, 9] -> '6–9'; [3, 5, 7] -> '3, 5 and 7'; runs of three or more are spans."""
    parts: list[str] = []
    start = prev = numbers[0]
    for n in [*numbers[1:], None]:
        if n is not None and n == prev + 1:
            prev = n
            continue
        parts.extend([f"{start}–{prev}"] if prev - start >= 2 else [str(i) for i in range(start, prev + 1)])
        if n is not None:
            start = prev = n
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]

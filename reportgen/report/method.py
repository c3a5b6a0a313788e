"""The method page of the report model: the cost assumptions and the table of checks run."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping

from ..analysis import Analysis
from ..cost import Costing
from ..rules import CATALOGUE
from ..rules.records import Severity
from .events import event_rates
from .formats import money
from .model import Assumption, CheckRow
from .other_findings import counts, found_text, rule_order


def assumption_rows(analysis: Analysis, costing: Costing) -> tuple[Assumption, ...]:
    """The cost model's assumptions as the method page lists them, each with its value."""
    cost = analysis.config.cost
    currency = analysis.config.report.currency
    rows = [
        Assumption("Cost of one normal change (request, approval, scheduling, review)",
                   f"{money(cost.change_cost, currency)}, range {money(cost.change_cost_low, currency)}"
                   f"–{money(cost.change_cost_high, currency)}"),
        Assumption("Out-of-hours multiplier on the hours worked in the window", f"× {cost.out_of_hours_multiplier:g}"),
        Assumption("Labour per guest cluster or tied guest and maintenance",
                   money(costing.per_event_labour, currency)),
        Assumption("Planned outage per guest cluster or tied guest and maintenance",
                   f"{cost.outage_minutes:g} minutes"),
        Assumption("A guest tied only by a connected CD/DVD or ISO (VMW-18, VMW-19, HYV-12): media disconnected "
                   "while it runs, then migrated; no outage, no out-of-hours work, and no normal change for a host "
                   "that nothing else ties",
                   f"{cost.media_minutes:g} minutes of the virtualisation admin"),
        Assumption("Business cost of a minute of planned outage",
                   money(cost.outage_cost_per_minute, currency) if cost.outage_cost_per_minute
                   else "not priced (set cost.outage_cost_per_minute)"),
        Assumption("Guests off today: priced in the figure 'once started'; guests that will never run again can be "
                   "left out", "[exclude] in the configuration"),
    ]
    for pattern, rate in cost.service_outage_cost_per_minute.items():
        rows.append(Assumption(f"… for services named '{pattern}'", f"{money(rate, currency)} a minute"))
    for events in event_rates(cost):
        rows.append(Assumption(f"Maintenance events per {events.platform} host and year: {events.reason}",
                               f"{events.events:g}"))
    return tuple(rows)


def check_rows(analysis: Analysis, places: Mapping[str, Mapping[str, int]] | None = None) -> tuple[CheckRow, ...]:
    """Every check with its coverage and severity: as its findings have it here (a guest cluster in a box raises
    its disk findings), so the table agrees with the pages that show them; the usual one where it found nothing;
    and how many findings it made and which section shows them (``places``, else 'other findings')."""
    status: dict[str, Counter[str]] = defaultdict(Counter)
    missing: dict[str, dict[str, None]] = defaultdict(dict)
    for c in analysis.coverage:
        status[c.rule][c.status] += 1
        missing[c.rule].update(dict.fromkeys(c.missing))
    found: dict[str, set[Severity]] = defaultdict(set)
    for f in analysis.findings:
        found[f.rule].add(f.severity)
    made = counts(analysis.findings)
    rows = []
    for rule, info in CATALOGUE.items():
        seen = status.get(rule, Counter())
        text = ("partly assessed" if seen["not-assessed"] and seen["assessed"] or missing[rule] else
                "assessed" if seen["assessed"] else "not assessed" if seen["not-assessed"] else
                "not applicable")
        levels = found.get(rule)
        low, high = (min(levels), max(levels)) if levels else (info.severity, info.severity)
        rows.append(CheckRow(rule, info.title, high.label, text,
                             "" if not levels else high.label if low == high else f"{low.label} to {high.label}",
                             without=tuple(missing[rule]),
                             found=found_text(made.get(rule, 0), (places or {}).get(rule, {}), text)))
    return tuple(sorted(rows, key=lambda r: rule_order(r.rule)))

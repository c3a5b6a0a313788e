"""What would let the checks that could not run run: the tabs to export, what the exports cannot show at all.

The summary never asks for 'every tab' as a cure: a check whose facts no export shows (PCI passthrough, vGPU,
CPU affinity are in no RVTools tab) is named as such, with what to check by hand, and a check held up by a
missing tab names that tab.
"""

from __future__ import annotations

from ..analysis import Analysis
from ..rules import CATALOGUE
from .model import CoverageAdvice


def coverage_advice(analysis: Analysis) -> CoverageAdvice | None:
    """What would let the checks that could not run run; None when every check ran."""
    estate = analysis.estate
    platform = dict(zip(estate.sources.column("source_id").to_pylist(),
                        estate.sources.column("platform").to_pylist(), strict=True))
    tabs: dict[str, None] = {}
    platforms: set[str] = set()
    by_tab: set[str] = set()
    by_hand: dict[str, str] = {}
    other: set[str] = set()
    for c in analysis.coverage:
        if c.status != "not-assessed" or c.rule not in CATALOGUE:
            continue
        info = CATALOGUE[c.rule]
        if info.cannot_assess:
            by_hand[c.rule] = info.title
            continue
        missing = [n.tab for n in info.needs if c.source_id is not None and not n.optional and not n.if_present
                   and n.platform == platform.get(c.source_id) and not estate.has_tab(c.source_id, n.tab)]
        tabs.update(dict.fromkeys(missing))
        platforms.update(str(platform.get(c.source_id)) for _ in missing[:1])
        (by_tab if missing else other).add(c.rule)
    if not (by_tab or by_hand or other):
        return None
    return CoverageAdvice(tabs=tuple(tabs), tab_checks=len(by_tab), by_hand=tuple(sorted(by_hand.items())),
                          other=len(other - by_tab), rvtools=platforms <= {"vsphere"})


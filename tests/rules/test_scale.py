"""All rules together over a large estate: every planted tie found, once (vectorised detectors).

Their speed over 200,000 guests is measured by ``bench/rules.py``.
"""

from __future__ import annotations

from reportgen.rules import evaluate
from tests.synthetic import rules_estate


def test_every_rule_over_twenty_thousand_guests_finds_each_planted_tie_once() -> None:
    out = evaluate(rules_estate(20_000))
    assert len(out.bonds) == 20_000 // 500
    assert sum(1 for p in out.pins if p.rule == "VMW-13") == 20_000 // 200
    assert sum(1 for p in out.pins if p.rule == "VMW-10") == 20_000 // 1000

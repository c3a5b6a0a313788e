"""The summary names the cause that costs most, never guest clusters that tie no host."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.actions import costliest_causes
from reportgen.report.model import Action

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _summary_text(exports: list[Path]) -> str:
    audit = run_audit(exports)
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_guest_clusters_that_tie_no_host_are_not_called_the_main_cause() -> None:
    text = _summary_text([SAMPLES / "hyperv" / "hyperv-3node.zip"])
    assert "The main cause is" not in text
    assert "The costliest cause is HB-Private on HV02 (HYV-05" in text and "£15,330 of the £68,985 a year" in text
    # the what-if of dedicated hosts for guest clusters is left out when no guest cluster ties a host
    assert "every host the guest clusters tie is also tied by something else" not in text


def test_causes_that_tie_at_the_top_cost_are_all_named() -> None:
    plan = [Action("pg-a in cluster C", "network", 0, 0.0, annual_cost=5085.0, rules=("VMW-11",)),
            Action("sql01", "guest-cluster", 0, 0.0, annual_cost=3735.0, rules=("VMW-02",)),
            Action("pg-b in cluster C", "network", 0, 0.0, annual_cost=5085.0, rules=("VMW-11",))]
    names, cost = costliest_causes(plan)
    assert cost == 5085.0 and [n.split(" (")[0] for n in names] == ["pg-a in cluster C", "pg-b in cluster C"]
    assert costliest_causes([]) == ((), 0.0)

"""Why a host counts so many maintenance events a year: said on the cost page and the method page."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.config import Config
from reportgen.render.html import render_html
from reportgen.report import build_report

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
BOTH = [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]


def _section(html: str, anchor: str) -> str:
    start = html.index(f'id="{anchor}"')
    return " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())


def test_the_default_event_counts_give_their_reason_on_the_cost_and_method_pages() -> None:
    audit = run_audit(BOTH)
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    cost, method = _section(html, "cost"), _section(html, "method")
    assert "14 per Hyper-V host (a Windows Server host takes a cumulative update with a reboot every month" in cost
    assert "6 per vSphere (ESXi) host (ESXi has about four to six update and patch releases a year" in cost
    assert "Maintenance events per Hyper-V host and year: a Windows Server host takes a cumulative update" in method


def test_a_configured_event_count_says_it_comes_from_the_configuration_and_only_tied_platforms_show() -> None:
    config = Config()
    config = replace(config, cost=replace(config.cost, events_per_year={"vsphere": 4.0, "hyperv": 14.0}))
    audit = run_audit([SAMPLES / "hyperv" / "hyperv-3node.zip"], config=config)
    cost = _section(render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))), "cost")
    assert "14 per Hyper-V host (a Windows Server host" in cost
    assert "vSphere" not in cost  # no vSphere host here
    both = run_audit(BOTH, config=config)
    cost = _section(render_html(build_report(both.analysis, both.costing, today=date(2026, 3, 31))), "cost")
    assert "4 per vSphere (ESXi) host (set in the configuration, cost.events_per_year.vsphere)" in cost



def test_the_cost_page_shows_each_set_of_figures_once() -> None:
    """The owner chart and owner table showed the same numbers; so did the unit chart and the unit table."""
    audit = run_audit(BOTH)  # owners named in the vSphere export
    cost = _section(render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))), "cost")
    assert "Yearly cost by owner" in cost and "By owner" not in cost
    assert cost.count("The costliest guest clusters and tied guests") == 1
    hyperv = run_audit([SAMPLES / "hyperv" / "hyperv-3node.zip"])  # no owner anywhere
    cost = _section(render_html(build_report(hyperv.analysis, hyperv.costing, today=date(2026, 3, 31))), "cost")
    assert "The costliest guest clusters and tied guests" in cost
    assert "Yearly cost by guest cluster or tied guest" not in cost and "Yearly cost by owner" not in cost


def test_the_summary_counts_cases_in_plain_words() -> None:
    audit = run_audit(BOTH)
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    html = render_html(model)
    s = model.summary
    assert (f"priced as {s.units} cases ({s.unit_clusters} guest clusters, {s.unit_guests} single guests)"
            in _section(html, "summary-page"))
    assert "cost unit" not in html.lower()

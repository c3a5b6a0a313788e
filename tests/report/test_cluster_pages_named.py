"""An action points at a guest cluster's page only when the page exists; the pages go to the costliest guest
clusters in the cost table's order, equal costs by name, and the report says so."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.model import ReportModel
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make, rdm


def _in_a_box(pages: int) -> ReportModel:
    """Three guest clusters of equal cost, each with its nodes on one host and VM hardware too old to move them;
    'zeta' has three nodes, 'alpha' and 'beta' two."""
    hosts = [host(f"esx0{i}") for i in range(1, 6)]
    guests, disks = [], []
    for n, (name, on, nodes) in enumerate((("zeta", "esx01", 3), ("beta", "esx02", 2), ("alpha", "esx03", 2))):
        for i in range(nodes):
            vm = f"vm-{n}{i}"
            guests.append(guest(f"{name}-n{i + 1}", vm, on, hw="10"))
            disks.append(rdm(vm, f"[san01] {name}/q.vmdk", f"L{n}", row=2 + len(disks)))
    config = replace(CONFIG, report=replace(CONFIG.report, max_cluster_pages=pages))
    analysis = analyze(make(hosts, guests, disks=disks), config)
    return build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31))


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_only_a_guest_cluster_with_a_page_is_said_to_have_one_and_its_action_links_to_it() -> None:
    """Before: every such action read '(its page lists the steps)', pages or not."""
    model = _in_a_box(pages=1)
    [page] = model.cluster_pages
    assert page.name.startswith("alpha")  # equal costs: the first by name, as the cost table lists them
    spread = {a.label.split(" ")[0]: a for a in model.remedies if "spread its nodes" in a.action}
    assert set(spread) == {"alpha", "beta", "zeta"}
    assert f"movable first (its page, {page.id}, lists the steps)" in spread["alpha"].action
    assert spread["alpha"].page == page.id
    for other in ("beta", "zeta"):
        assert "movable first (the data files list the steps)" in spread[other].action and not spread[other].page
    html = render_html(model)
    assert f'(its page, <a href="#{page.id}">{page.id}</a>, lists the steps)' in html
    text = _text(html)
    for other in ("beta (2 nodes)", "zeta (3 nodes)"):  # the summary's first actions and the remedy table
        assert f"{other} movable first (its page" not in text
        assert f"{other} movable first (the data files list the steps)" in text
    assert ("3 guest clusters on shared disks; the costliest has a page (of equal costs, the first by name, as in "
            "the cost table), the others are in the data files.") in text


def test_the_pages_follow_the_cost_table_and_say_nothing_of_names_when_every_guest_cluster_has_one() -> None:
    model = _in_a_box(pages=8)
    assert [p.name.split(" ")[0] for p in model.cluster_pages] == ["alpha", "beta", "zeta"]
    table = [r.label.split(" ")[0] for r in model.unit_costs]
    assert table == ["alpha", "beta", "zeta"]
    text = _text(render_html(model))
    assert "the first by name" not in text and "the data files list the steps" not in text

"""Clusters whose DRS and HA the export does not show are named, never read as on.

Before, a vSphere cluster with no vCluster row (or one whose HA and DRS columns are missing or empty) showed nowhere:
the failure page's "High availability restarts the guests of a failed host on the others" and its "No running guest
was found that could not restart" read as if HA were on there, and the cover as if its hosts emptied unattended.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pypdf

from reportgen.analysis import Analysis, analyze
from reportgen.cost import cost_analysis
from reportgen.estate import Estate
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import UUID, guest, host, make


def _cluster(name: str, hosts: int, **settings: Any) -> dict[str, Any]:
    return {"cluster_key": f"{UUID}/DC1/{name}", "name": name, "datacenter": "DC1", "platform": "vsphere",
            "ha_enabled": True, "drs_enabled": True, "drs_behavior": "fullyAutomated", "host_count": hosts,
            "source_id": 0, **settings}


def _estate(clusters: list[dict[str, Any]], drop: dict[str, tuple[str, ...]] | None = None) -> Estate:
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge")]
    guests = [guest("app1", "vm-1", "esx01"), guest("db1", "vm-2", "esx02"), guest("edge1", "vm-3", "esx03")]
    return make(hosts, guests, clusters=clusters, drop=drop)


def _prod_unknown() -> Analysis:
    """Cluster Prod (2 hosts) has a vCluster row whose HA and DRS are empty; Edge's are shown."""
    return analyze(_estate([_cluster("Prod", 2, ha_enabled=None, drs_enabled=None, drs_behavior=None),
                            _cluster("Edge", 1)]), CONFIG)


def _text(html: str) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "").split())
    return re.sub(r" ([,.;:)])", r"\1", text).replace("( ", "(")


def _section(html: str, marker: str) -> str:
    start = html.index(marker)
    return _text(html[start:html.index("</section>", start)])


def _html(analysis: Analysis) -> str:
    return render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))


def test_the_clusters_whose_settings_the_export_does_not_show_are_listed_with_their_hosts() -> None:
    from reportgen.report.settings import unknown_settings
    analysis = _prod_unknown()
    assert [(u.cluster, u.hosts, u.drs, u.ha) for u in unknown_settings(analysis)] == [("Prod", 2, True, True)]
    summary = build_report(analysis, cost_analysis(analysis)).summary
    assert (summary.settings_unknown, summary.settings_unknown_hosts, summary.settings_unknown_what) == \
        (("Prod",), 2, "DRS and HA")


def test_the_cover_summary_and_failure_page_say_that_drs_and_ha_are_not_shown() -> None:
    html = _html(_prod_unknown())
    said = "DRS and HA of cluster Prod (2 hosts) are not shown by this export"
    assert (f"Cluster settings {said}: whether its hosts are emptied unattended and its guests restart elsewhere "
            "after a host failure is not known") in _section(html, 'id="cover"')
    assert (f"{said}: whether its hosts are emptied unattended and its guests restart elsewhere after a host failure "
            "is not known; check it in vCenter.") in _section(html, 'id="summary-page"')
    failure = _section(html, '<section class="failure')
    assert f"{said}, so whether its guests restart elsewhere after a host failure is not known." in failure
    assert ("No running guest was found that could not restart on another host, as far as the checks that could "
            "run can tell (see coverage); on the cluster whose HA is not shown, that is not known.") in failure
    assert "Edge" not in failure


def test_an_export_without_vcluster_names_every_cluster_and_the_settings_section_says_to_check_them() -> None:
    analysis = analyze(_estate([], drop={"vCluster": ()}), CONFIG)
    html = _html(analysis)
    said = "DRS and HA of 2 clusters (3 hosts) are not shown by this export (Prod, Edge)"
    assert f"{said}, so whether their guests restart elsewhere after a host failure is not known." in \
        _section(html, '<section class="failure')
    assert f"{said}: whether their settings need fixing is not known; check them in vCenter." in _text(html)


def test_clusters_whose_settings_are_shown_are_not_named() -> None:
    from reportgen.report.settings import unknown_settings
    analysis = analyze(_estate([_cluster("Prod", 2), _cluster("Edge", 1)]), CONFIG)
    assert unknown_settings(analysis) == ()
    text = _text(_html(analysis))
    assert "not shown by this export" not in text and "whose HA is not shown" not in text


def test_the_pdf_failure_page_says_whether_guests_restart_is_not_known(tmp_path: Path) -> None:
    from reportgen.render.pdf import render_pdf
    analysis = _prod_unknown()
    target = tmp_path / "r.pdf"
    render_pdf(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)), target)
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages]
    [failure] = [p for p in pages if "If a host fails" in p and "High availability restarts" in p]
    assert ("DRS and HA of cluster Prod (2 hosts) are not shown by this export, so whether its guests restart "
            "elsewhere after a host failure is not known.") in failure
    assert "DRS and HA of cluster Prod (2 hosts) are not shown by this export" in pages[0]

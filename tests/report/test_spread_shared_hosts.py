"""A mixed guest cluster's spread step names only the hosts that hold two or more of its nodes."""

from __future__ import annotations

import re
from datetime import date

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make, rdm


def test_the_spread_step_of_a_mixed_guest_cluster_names_the_host_two_nodes_share_not_the_others() -> None:
    """Before: 'Spread the nodes that share a host (hosts esx01 and esx02)', though esx02 holds one node."""
    hosts = [host(f"esx0{i}") for i in range(1, 6)]
    nodes = [guest("sql-n1", "vm-1", "esx01", hw="10"), guest("sql-n2", "vm-2", "esx01", hw="10"),
             guest("sql-n3", "vm-3", "esx02", hw="10")]
    disks = [rdm(vm, "[san01] sql-n1/q.vmdk", "L1") for vm in ("vm-1", "vm-2", "vm-3")]
    analysis = analyze(make(hosts, nodes, disks=disks), CONFIG)
    [cluster] = [c for c in analysis.guest_clusters if not c.suspected]
    assert cluster.topology == "mixed"
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(build_report(analysis, cost_analysis(analysis),
                                                                     today=date(2026, 3, 31)))).split())
    assert "Spread the nodes that share a host (host esx01) over different hosts" in text
    assert "share a host (hosts" not in text

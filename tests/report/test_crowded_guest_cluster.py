"""A guest cluster whose host cluster has fewer hosts than nodes + 1: its nodes, which never share a host once
spread, cannot stay apart during maintenance, so no spread or DRS rule frees a host (rules.md VMW-02, VMW-23)."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.model import ReportModel
from tests.report_fixtures import CONFIG
from tests.rvtools_files import Estate, Guest, write_xlsx

RDM = {"Raw": "True", "Raw Comp. Mode": "physicalMode", "Disk Mode": "independent_persistent",
       "Label": "SCSI controller 1", "Shared Bus": "physicalSharing", "Raw LUN ID": "0200aa",
       "Path": "[san01] sql01/sql01_1.vmdk"}


def _report(tmp_path: Path, hosts: int) -> tuple[ReportModel, str]:
    """Two SQL nodes in a box on esx01 (hardware 10: they cannot move live) in a cluster of ``hosts`` hosts."""
    estate = Estate(hosts={f"esx0{i}.example.test": "Prod" for i in range(1, hosts + 1)},
                    guests=[Guest(f"sql0{i}", f"vm-10{i}", "esx01.example.test", hw=10, disks=[{}, RDM])
                            for i in (1, 2)])
    audit = run_audit([write_xlsx(estate, tmp_path / f"{hosts}.xlsx")], CONFIG)
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    return model, " ".join(re.sub(r"<[^>]+>", " ", render_html(model)).replace("&#39;", "'").split())


def test_two_hosts_for_two_nodes_no_single_host_groups_and_no_host_counted_as_freed(tmp_path: Path) -> None:
    model, text = _report(tmp_path, 2)
    assert "'must run on' host groups. Do this last" not in text
    assert "kept apart by a DRS anti-affinity rule (no 'must run on' host groups: of one host, they pin the nodes)" in text
    assert ("With 2 hosts for 2 nodes they cannot stay apart in maintenance: each patch needs a failover and a node "
            "shut down until another host, or an application replica without shared disks") in text
    (action,) = model.actions
    assert action.action == "Make sql (2 nodes) movable, then add a host to cluster Prod, or replace it by an application replica"
    assert action.reason == "2 hosts cannot keep 2 nodes apart in maintenance"
    assert (action.hosts_freed, action.annual_saving, action.effort) == (0, 0, "project")
    assert model.plan_total is not None and model.plan_total.hosts_freed == 0
    assert model.plan_total.annual_saving == 0 and model.plan_total.remaining == model.plan_total.annual_total
    assert ("The one action of the remedy table frees no host: the tied host is held by a guest cluster too large "
            "for its host cluster; only the project in action 1 (more hosts, or an application replica instead of "
            "shared disks) could free it, at a cost not priced here, so it is counted as not freed.") in text


def test_three_hosts_for_two_nodes_the_spread_frees_the_host(tmp_path: Path) -> None:
    model, text = _report(tmp_path, 3)
    assert "kept apart by a DRS anti-affinity rule and 'must run on' host groups" in text
    assert "cannot stay apart" not in text
    (action,) = model.actions
    assert action.hosts_freed == 1 and action.annual_saving > 0

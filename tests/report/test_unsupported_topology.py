"""Nodes sharing a host on physical-mode RDMs: VMware supports a guest cluster in a box on shared VMDKs or
virtual-mode RDMs only (rules.md VMW-01), and the guest cluster's page says so."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rvtools_files import Estate, Guest, write_xlsx

SAID = "VMware does not support nodes sharing a host on physical-mode RDMs (VMW-02)"


def _topology(tmp_path: Path, mode: str, bus: str, hosts: tuple[str, str]) -> str:
    rdm = {"Raw": "True", "Raw Comp. Mode": mode, "Disk Mode": "independent_persistent",
           "Label": "SCSI controller 1", "Shared Bus": bus, "Raw LUN ID": "0200aa", "Path": "[san01] sql01/sql01_1.vmdk"}
    estate = Estate(hosts={"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Prod"},
                    guests=[Guest(f"sql0{i}", f"vm-10{i}", h, hw=19, disks=[{}, rdm]) for i, h in enumerate(hosts, 1)])
    audit = run_audit([write_xlsx(estate, tmp_path / "e.xlsx")], CONFIG)
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    (page,) = (*model.cluster_pages, *model.quiet_clusters)
    html = render_html(model)
    shown = "on physical-mode RDMs: not supported by VMware" in html or SAID in html.replace("&#39;", "'")
    assert shown == page.unsupported  # on the guest cluster's page, or in the table of those that cost nothing
    return page.topology + ": " + page.topology_text


@pytest.mark.parametrize(("mode", "bus", "hosts", "unsupported"), [
    ("physicalMode", "physicalSharing", ("esx01.example.test", "esx01.example.test"), True),
    ("virtualMode", "virtualSharing", ("esx01.example.test", "esx01.example.test"), False),
    ("physicalMode", "physicalSharing", ("esx01.example.test", "esx02.example.test"), False),
], ids=["physical-rdm-in-a-box", "virtual-rdm-in-a-box", "physical-rdm-across-boxes"])
def test_a_guest_cluster_in_a_box_on_physical_mode_rdms_is_said_to_be_unsupported(
        tmp_path: Path, mode: str, bus: str, hosts: tuple[str, str], unsupported: bool) -> None:
    text = _topology(tmp_path, mode, bus, hosts)
    assert (SAID in text) == unsupported, text

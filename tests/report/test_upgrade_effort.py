"""An action whose steps upgrade hosts across major ESXi versions (5.5 to a supported release) is a project."""

from __future__ import annotations

from pathlib import Path

from reportgen.audit import run_audit
from reportgen.report import build_report
from reportgen.rules.advice import GroupFacts, Node, plan
from tests.rvtools_files import small_estate, write_xlsx
from tests.test_counts import audit


def test_guest_clusters_on_esxi_55_hosts_are_projects(tmp_path: Path) -> None:
    _, text = audit(write_xlsx(small_estate(esx="VMware ESXi 5.5.0 build-3248547"), tmp_path / "vc.xlsx"), tmp_path)
    assert "Upgrade esx02.example.test and esx03.example.test from ESXi 5.5.0" in text
    assert "1. Make fs01 + fs02 movable with vMotion (project)" in text
    assert "it ties more hosts) (project)" in text
    assert "The 2 actions' one-off cost is not priced (2 projects)." in text
    assert "(change)" not in text


def test_the_host_upgrade_step_is_an_upgrade_and_the_hardware_step_a_gate() -> None:
    nodes = (Node("fs01", "esx02", 505, "5.5.0", 8), Node("fs02", "esx03", 505, "5.5.0", 8))
    steps = plan(GroupFacts("across-boxes", frozenset({"VMW-02"}), nodes))
    kinds = {s.text.split(" ", 2)[1]: s.kind for s in steps if s.text.startswith("Upgrade")}
    assert kinds == {"esx02": "upgrade", "the": "gate"}


def test_a_guest_above_its_nodes_configuration_version_asks_for_the_nodes_upgrade_not_the_guests() -> None:
    samples = Path(__file__).resolve().parents[2] / "samples"
    audit = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    rows = [a for a in model.remedies if "HYV-14" in a.rules]
    assert [(a.action, a.effort) for a in rows] == [
        ("Upgrade the nodes that cannot run NEWVER01 to a newer Windows Server, then Update-ClusterFunctionalLevel "
         "(NEWVER01 needs no change)", "project")]

"""HYV-03 against the virtual SANs of every node (Get-VMSan): definite where every node was read,
conditional where not."""

from __future__ import annotations

from pathlib import Path

from reportgen.rules import Severity
from tests.rules.hyperv_lab import Lab, edges, findings, two_nodes, vm_id


def _vfc(lab: Lab, sans: dict[str, tuple[str, ...]] | None):  # type: ignore[no-untyped-def]
    lab.vm("DB01", "HVA")
    lab.device("Get-VMFibreChannelHba", "DB01", Name="Fibre Channel Adapter", SanName="FabricA",
               WorldWidePortNameSetA="C003FF5778E50002", WorldWidePortNameSetB="C003FF5778E50003")
    for node, names in (sans or {}).items():
        for name in names:
            lab.add("Get-VMSan", ComputerName=node, SanName=name)
    return lab


def _coverage(out) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(c.status, c.reason) for c in out.coverage if c.rule == "HYV-03"]


def test_a_san_on_every_node_keeps_the_finding_medium(tmp_path: Path) -> None:
    _, out = _vfc(two_nodes(), {"HVA": ("FabricA",), "HVB": ("fabrica", "FabricB")}).run(tmp_path)
    found = findings(out, "HYV-03")[vm_id("DB01")]
    assert found.severity == Severity.MEDIUM and "every node of the cluster has it" in found.evidence
    assert not edges(out.pins, "HYV-03")
    assert [s for s, _ in _coverage(out)] == ["assessed"]


def test_a_san_on_its_own_node_only_pins_the_vm_there(tmp_path: Path) -> None:
    _, out = _vfc(two_nodes(), {"HVA": ("FabricA",), "HVB": ("FabricB",)}).run(tmp_path)
    found = findings(out, "HYV-03")[vm_id("DB01")]
    assert found.severity == Severity.HIGH
    assert "Get-VMSan: present on HVA, missing on HVB: live migration and failover" in found.evidence
    assert edges(out.pins, "HYV-03") == {(vm_id("DB01"), "hyperv/HVA")}


def test_a_san_missing_on_some_nodes_is_high_without_a_pin(tmp_path: Path) -> None:
    lab = two_nodes()
    lab.node("HVC")
    _, out = _vfc(lab, {"HVA": ("FabricA",), "HVB": ("FabricA",), "HVC": ("Other",)}).run(tmp_path)
    found = findings(out, "HYV-03")[vm_id("DB01")]
    assert found.severity == Severity.HIGH and "present on HVA, HVB, missing on HVC" in found.evidence
    assert not edges(out.pins, "HYV-03")


def test_a_node_without_rows_in_a_hand_made_export_is_not_taken_as_lacking_the_san(tmp_path: Path) -> None:
    _, out = _vfc(two_nodes(), {"HVA": ("FabricA",)}).run(tmp_path)
    found = findings(out, "HYV-03")[vm_id("DB01")]
    assert found.severity == Severity.MEDIUM and "Get-VMSan was not read on every node" in found.evidence
    assert not edges(out.pins, "HYV-03")


def test_without_get_vmsan_the_finding_is_conditional_and_said_partly_assessed(tmp_path: Path) -> None:
    _, out = _vfc(two_nodes(), None).run(tmp_path)
    found = findings(out, "HYV-03")[vm_id("DB01")]
    assert found.severity == Severity.MEDIUM and "Get-VMSan was not read on every node" in found.evidence
    [(status, reason)] = _coverage(out)
    assert status == "assessed" and "partly: tab Get-VMSan is missing" in reason

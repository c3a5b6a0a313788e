"""VMW-02: the guest OS is a prerequisite of vMotion for WSFC nodes (rules.md VMW-02: Windows Server 2008 SP2 or
later on ESXi 6.x, 2012 or later on 7.x / 8.x), checked where the export shows it and never claimed unchecked."""

from __future__ import annotations

import subprocess
from pathlib import Path

from reportgen.audit import run_audit, write_pdf
from reportgen.rules import Finding, Severity
from tests.conftest import real_export

from .canonical import guest, host, make, rdm, run, store

NEW = "VMware ESXi 8.0.3 build-24674464"
OLD = "VMware ESXi 5.5.0 build-3116895"
SIX_FIVE = "VMware ESXi 6.5.0 build-5969303"
W2008 = "Microsoft Windows Server 2008 R2 (64-bit)"


def _pair(os: str | None, esx: str = NEW, hw: str = "19") -> list[Finding]:
    """Two nodes across boxes in a cluster of three hosts, sharing one physical-mode RDM."""
    hosts = [host(h, esx=esx) for h in ("esx01", "esx02", "esx03")]
    nodes = [guest("sql01", "vm-1", "esx01", hw=hw, os=os), guest("sql02", "vm-2", "esx02", hw=hw, os=os)]
    disks = [rdm(v, "[san01] sql/q.vmdk", "L1") for v in ("vm-1", "vm-2")]
    return run(make(hosts, nodes, disks=disks, datastores=[store("san01", ["esx01", "esx02", "esx03"])])).findings


def _steps(findings: list[Finding]) -> str:
    return " ".join(next(f for f in findings if f.rule == "GEN-02").steps)


def _vmw02(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.rule == "VMW-02"]


def test_windows_2008_r2_on_esxi_8_blocks_vmotion_and_is_told_to_upgrade() -> None:
    findings = _pair(W2008)
    vmw02 = _vmw02(findings)
    assert vmw02 and all(f.severity == Severity.CRITICAL for f in vmw02)
    assert all(f"vInfo OS = {W2008}: ESXi 8.0 / hardware 19: vMotion of clustered guests needs ESXi 6.0, hardware 11 "
               "and Windows Server 2008 SP2+ (ESXi 6.x) or 2012+ (ESXi 7.0+)" in f.evidence for f in vmw02)
    assert "supported guest OS" not in " ".join(f.evidence for f in vmw02)
    text = _steps(findings)
    assert (f"Upgrade the guest OS of sql01 and sql02 ({W2008}) to Windows Server 2012 or later, as ESXi 7.0+ needs "
            "for vMotion of clustered guests.") in text
    assert "Windows Server 2012+" not in text  # unmet: a step of its own, not repeated in the prerequisites


def test_windows_2008_r2_on_esxi_5_5_is_upgraded_with_the_hosts() -> None:
    """The hosts go to a supported release (7.0 or later), where 2008 R2 no longer qualifies."""
    text = _steps(_pair(W2008, esx=OLD, hw="8"))
    assert "Upgrade esx01 and esx02 from ESXi 5.5.0" in text
    assert f"Upgrade the guest OS of sql01 and sql02 ({W2008}) to Windows Server 2012 or later" in text


def test_windows_2008_r2_on_esxi_6_5_moves_with_conditions() -> None:
    findings = _pair(W2008, esx=SIX_FIVE)
    vmw02 = _vmw02(findings)
    assert vmw02 and all(f.severity == Severity.MEDIUM for f in vmw02)
    assert all(f"a supported guest OS ({W2008})" in f.evidence for f in vmw02)
    text = _steps(findings)
    assert "Upgrade the guest OS" not in text
    assert "Windows Server 2008+ (2012+ from ESXi 7.0) (met: Windows Server 2008 R2)" in text


def test_a_guest_os_the_export_does_not_show_is_never_supported() -> None:
    findings = _pair(None)
    vmw02 = _vmw02(findings)
    assert vmw02 and all(f.severity == Severity.HIGH for f in vmw02)  # unknown, so blocking (a pin)
    assert all("vInfo OS = (empty): guest OS not shown in the export, treated as blocking" in f.evidence
               for f in vmw02)
    assert all("supported guest OS" not in f.evidence for f in vmw02)
    gen03 = [f for f in findings if f.rule == "GEN-03"]
    assert gen03 and all("vInfo OS = (empty)" in f.evidence for f in gen03)
    text = _steps(findings)
    assert "Check the guest OS of sql01 and sql02: the export does not show it" in text
    assert "not visible in the export, verify: Windows Server 2012+, 10 GbE vMotion network" in text


def test_a_guest_that_is_not_windows_is_not_judged_by_the_wsfc_list() -> None:
    findings = _pair("Red Hat Enterprise Linux 8 (64-bit)")
    vmw02 = _vmw02(findings)
    assert vmw02 and all(f.severity == Severity.HIGH for f in vmw02)
    assert all("is not Windows" in f.evidence for f in vmw02)
    text = _steps(findings)
    assert ("VMware supports vMotion of guests sharing physical-mode RDMs for Windows Server failover clusters only, "
            "not for sql01 and sql02 (Red Hat Enterprise Linux 8 (64-bit)), so the tie is counted as blocking: "
            "rebuild the shared disks as multi-writer VMDKs") in text
    # no WSFC prerequisites nor SQL Server / Exchange replicas for Linux nodes
    assert "heartbeat" not in text and "Windows Server 2012+" not in text and "SQL Server" not in text
    assert "Longer term, an application replica without shared disks removes the tie." in text


def test_bcspa1_pdf_plans_the_guest_os_upgrade(tmp_path: Path) -> None:
    """bcspa1: both nodes run Windows Server 2008 R2 on ESXi 5.5 hosts."""
    audit = run_audit([real_export("abeggi-bcspa1-4.7.1.xlsx")])
    pdf = tmp_path / "r.pdf"
    write_pdf(audit, pdf)
    pages = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split("\f")
    page = next(i for i, p in enumerate(pages) if "GC-001" in p and "Order to move it" in p)
    text = " ".join(pages[page].split())
    assert (f"Upgrade the guest OS of Banchero8sql01 and Banchero8sql02 ({W2008}) to Windows Server 2012 or "
            "later") in text
    assert f"vInfo OS = {W2008}: ESXi 5.5 / hardware 8: vMotion of clustered guests needs" in text
    assert "supported guest OS" not in text
    assert ("Then verify what vMotion needs and the export does not show: 10 GbE vMotion network, WSFC heartbeat "
            "thresholds (SameSubnetThreshold 10+, CrossSubnetThreshold 20+, RouteHistoryLength 40+)") in text
    assert "Vendor references" in pages[page], "the guest-cluster page runs over"

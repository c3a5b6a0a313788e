"""WSFC guest clusters in the summary and the remedy table: the vMotion prerequisites are the guest-cluster page's,
and a host freed for WSFC nodes is emptied by applying DRS's recommendations by hand, never 'freely' (VMware
advises partially automated DRS for clustered guests)."""

from __future__ import annotations

import subprocess
import sys
from functools import cache
from pathlib import Path

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
NOT_VISIBLE = ("not visible in the export, verify: 10 GbE vMotion network, WSFC heartbeat thresholds "
               "(SameSubnetThreshold 10+, CrossSubnetThreshold 20+, RouteHistoryLength 40+)")


@cache
def _pages(folder: str) -> tuple[str, ...]:
    pdf = Path(folder) / "r.pdf"
    subprocess.run([sys.executable, "-m", "reportgen", "audit", str(SAMPLES / "rvtools" / "acme-vc01.xlsx"),
                    str(SAMPLES / "hyperv" / "hyperv-3node.zip"), "-q", "-o", str(pdf)], check=True,
                   capture_output=True)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return tuple(" ".join(p.split()) for p in text.split("\f"))


def _page(pages: tuple[str, ...], marker: str) -> str:
    return next(p for p in pages if marker in p)


def test_the_summary_says_how_a_host_of_wsfc_nodes_is_emptied(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(str(tmp_path_factory.getbasetemp()))
    summary = _page(pages, "What breaks the promise here")
    assert ("Make hqsqlcl01 (2 nodes) movable with vMotion (change): 1 host can be emptied by live migration, the "
            "WSFC nodes’ DRS recommendations applied by hand; £5,085 a year saved.") in summary
    assert "freely maintainable" not in summary.split("hqsqlcl01 (2 nodes) movable")[1].split("saved.")[0]


def test_the_remedy_table_and_the_guest_cluster_page_give_the_same_prerequisites(tmp_path_factory) -> None:  # type: ignore[no-untyped-def]
    pages = _pages(str(tmp_path_factory.getbasetemp()))
    remedy = _page(pages, "Make hqsqlcl01 (2 nodes) movable with vMotion (VMW-02)")
    row = remedy.split("Make hqsqlcl01 (2 nodes) movable with vMotion (VMW-02)")[1].split(" change 1 £5,085 ")[0]
    # the row names what is not met; what no export shows is said once, under the table
    assert row.strip().endswith("vMotion needs VM hardware 11+ (not met).")
    assert "ESXi 6.0+" not in row and "10 GbE" not in row
    note = _page(pages, "Effort: minutes").split("Effort: minutes")[1]
    assert ("Moving the nodes of a WSFC guest cluster (VMW-02) with vMotion also needs a 10 GbE vMotion network and "
            "WSFC heartbeat thresholds, which no export shows: verify them") in note
    page = next(p for p in pages if "GC-003 · hqsqlcl01 (2 nodes)" in p and "What to do" in p)
    steps = page.split("What to do")[1]
    # the same five: the unmet one as a step of its own, the others in the list
    assert "Upgrade the VM hardware of hqsqlcl01-n1 and hqsqlcl01-n2 (now version 8) to 11 or later" in steps
    assert ("vMotion of the nodes needs: ESXi 6.0+ (met: 8.0.3), Windows Server 2012+ (met: Windows Server 2019); "
            + NOT_VISIBLE) in steps

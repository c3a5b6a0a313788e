"""A guest cluster sharing physical-mode RDMs whose nodes run Linux: VMware supports vMotion of such guests for
Windows Server failover clusters only, so the report never offers "movable with vMotion" as a cheap change for it,
nor WSFC advice (heartbeat thresholds, DRS recommendations, SQL Server replicas) for its nodes."""

from __future__ import annotations

import pytest

from tests.rvtools_files import small_estate, write_xlsx
from tests.test_counts import audit

RHEL = {"OS according to the configuration file": "Red Hat Enterprise Linux 8 (64-bit)"}


@pytest.fixture(scope="module")
def text(tmp_path_factory: pytest.TempPathFactory) -> str:
    """small_estate with its guest clusters running RHEL 8: fs01 + fs02 across boxes, sql01 + sql02 in a box (both
    sharing a physical-mode RDM)."""
    estate = small_estate()
    for g in estate.guests:
        if g.name != "web01":
            g.extra = dict(RHEL)
    out = tmp_path_factory.mktemp("linux")
    return audit(write_xlsx(estate, out / "vc.xlsx"), out)[1]


def test_the_remedy_is_a_project_to_other_shared_disks_not_a_vmotion_change(text: str) -> None:
    assert "fs01 + fs02 movable with vMotion" not in text
    action = ("Rebuild fs01 + fs02 on multi-writer VMDKs or as an application replica (vMotion on shared "
              "physical-mode RDMs is for WSFC only)")
    assert action + " (project)" in text  # the summary's actions
    row = text.split("Remedy table")[1].split("1 Rebuild fs01 + fs02")[1].split("Effort:")[0]
    assert "(VMW-02" in row and " project " in row and "vMotion needs" not in row
    note = text.split("a guest tied by two causes appears under both.")[1][:300]
    assert "WSFC" not in note  # no note on what vMotion of WSFC nodes needs


def test_its_page_gives_no_wsfc_advice(text: str) -> None:
    page = text.split("· fs01 + fs02")[-1].split("Vendor reference")[0]
    assert ("VMware supports vMotion of guests sharing physical-mode RDMs for Windows Server failover clusters only, "
            "not for fs01 and fs02 (Red Hat Enterprise Linux 8 (64-bit)), so the tie is counted as blocking") in page
    assert "heartbeat" not in page and "SQL Server" not in page and "Windows Server 2012+" not in page
    assert "Longer term, an application replica without shared disks removes the tie." in page
    assert "WSFC nodes’ DRS recommendations" not in text

"""The glance map never paints a host green ('can be emptied') while a check that could tie it did not run.

A host with no tie found is green only when every check that could tie a host ran on its export; otherwise it
is neutral, the legend says how many checks ran and how many could not, and each cluster's line says what was
found ('0 of 3 found tied; 26 checks not run').
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree import ElementTree

import pypdf
import pytest

from reportgen.audit import Audit, run_audit
from reportgen.render.pdf import render_pdf
from reportgen.report import build_report, charts, glance_map
from tests.conftest import real_export
from tests.rvtools_files import small_estate, write_xlsx

NS = "{http://www.w3.org/2000/svg}"
SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _squares(svg: str) -> dict[str, int]:
    root = ElementTree.fromstring(svg)
    return {str(p.get("fill")): str(p.get("d")).count("z") for p in root.iter(f"{NS}path") if p.get("class") == "hosts"}


def _texts(svg: str) -> list[str]:
    return [t.text or "" for t in ElementTree.fromstring(svg).iter(f"{NS}text")]


def _legend(svg: str) -> list[str]:
    return [str(r.get("fill")) for r in ElementTree.fromstring(svg).iter(f"{NS}rect")]


def _counts(audit: Audit) -> tuple[int, int]:
    missing = {c.rule for c in audit.analysis.coverage if c.status == "not-assessed"}
    ran = {c.rule for c in audit.analysis.coverage if c.status == "assessed"} - missing
    return len(ran), len(missing)


@pytest.fixture(scope="module")
def no_disks(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    """The small estate without its vDisk, vNetwork and vPort tabs: the guest clusters cannot be seen."""
    book = write_xlsx(small_estate(), tmp_path_factory.mktemp("glance") / "vc.xlsx",
                      drop=("vDisk", "vNetwork", "vPort"))
    return run_audit([book])


def test_unchecked_hosts_are_neutral_and_the_legend_counts_the_checks() -> None:
    rows = [charts.MapRow("Prod", ("tied", "unchecked", "unchecked"), not_run=26)]
    svg = charts.evacuability_map("map", rows, unchecked_label="no tie found by the 2 checks that ran; 26 could not run")
    assert _squares(svg) == {charts.BAD: 1, charts.NEUTRAL: 2}
    assert charts.OK not in _legend(svg) and charts.NEUTRAL in _legend(svg)
    texts = _texts(svg)
    assert "1 of 3 found tied; 26 checks not run" in texts
    assert "no tie found by the 2 checks that ran; 26 could not run" in texts
    assert "can be emptied by live migration" not in texts


def test_a_partly_checked_map_with_every_host_tied_does_not_offer_green_in_its_legend() -> None:
    svg = charts.evacuability_map("map", [charts.MapRow("BC", ("later", "later"), not_run=4)],
                                  unchecked_label="no tie found by the 24 checks that ran; 4 could not run")
    assert charts.OK not in _legend(svg) and "can be emptied by live migration" not in _texts(svg)
    assert "0 of 2 found tied + 2 when started; 4 checks not run" in _texts(svg)


def test_full_coverage_keeps_green_and_the_plain_count() -> None:
    svg = charts.evacuability_map("map", [charts.MapRow("Prod", ("tied", "free", "free"))])
    assert _squares(svg) == {charts.BAD: 1, charts.OK: 2}
    assert charts.NEUTRAL not in _legend(svg) and "1 of 3 tied" in _texts(svg)
    assert "can be emptied by live migration" in _texts(svg)


def test_an_export_without_disk_tabs_paints_no_host_green(no_disks: Audit) -> None:
    ran, missing = _counts(no_disks)
    assert ran and missing
    svg = build_report(no_disks.analysis, no_disks.costing).charts["map"].svg
    squares = _squares(svg)
    assert charts.OK not in squares and squares[charts.NEUTRAL] == 4  # the 4 hosts: no tie the checks that ran see
    texts = _texts(svg)
    assert f"no tie found by the {ran} checks that ran; {missing} could not run" in texts
    assert f"0 of 3 found tied; {missing} checks not run" in texts and "can be emptied by live migration" not in texts


def test_a_fully_checked_export_stays_green_beside_a_partly_checked_one() -> None:
    """The Hyper-V sample ran every check: its cluster keeps the plain count; the vCenter's hosts are neutral."""
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    svg = build_report(audit.analysis, audit.costing).charts["map"].svg
    texts = _texts(svg)
    assert "3 of 3 tied" in texts  # HVCL01, every check ran on its export
    assert any(re.fullmatch(r"0 of 4 found tied; \d+ checks not run", t) for t in texts)
    assert charts.NEUTRAL in _squares(svg)


def test_the_pdf_says_what_is_known(no_disks: Audit, tmp_path: Path) -> None:
    ran, missing = _counts(no_disks)
    target = tmp_path / "r.pdf"
    render_pdf(build_report(no_disks.analysis, no_disks.costing, today=date(2026, 3, 10)), target)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages)
    assert f"no tie found by the {ran} checks that ran; {missing} could not run" in text
    assert f"0 of 3 found tied; {missing} checks not run" in text


@pytest.mark.real
def test_the_legacy_real_export_paints_no_host_green() -> None:
    """25 of its 28 checks cannot run (VMW-24 runs on the standalone hosts only): every host was green."""
    audit = run_audit([real_export("licenseware-3.x.xlsx")])
    svg = build_report(audit.analysis, audit.costing).charts["map"].svg
    assert charts.OK not in _squares(svg) and sum(_squares(svg).values()) == audit.analysis.estate.hosts.num_rows
    assert "no tie found by the 3 checks that ran; 25 could not run" in _texts(svg)
    assert "standalone hosts" in _texts(svg) and "cluster unknown" not in _texts(svg)  # vCluster's counts prove it


def test_the_legend_names_only_the_states_a_host_has() -> None:
    """As the wave chart's: no red entry on a map with no red square, and every colour drawn is named."""
    svg = charts.evacuability_map("map", [charts.MapRow("Prod", ("free", "free"))])
    assert _legend(svg) == [charts.OK]
    assert charts.STATE_LABELS["tied"] not in _texts(svg) and charts.STATE_LABELS["media"] not in _texts(svg)
    mixed = charts.evacuability_map("map", [charts.MapRow("Prod", ("media", "free", "unknown"))])
    assert _legend(mixed) == [charts.MEDIA, charts.OK, charts.GREY]
    assert charts.STATE_LABELS["unknown"] in _texts(mixed)


def test_clusters_tied_today_come_before_those_tied_only_once_guests_start_and_the_caption_tells_them_apart() -> None:
    """At 10k, FRA-CL31 (4 hosts tied today) was left off the map while FRA-CL18 (2 today, 2 once started) was drawn,
    and the caption counted both kinds as 'tied'."""
    today = charts.MapRow("FRA-CL31", ("tied", "tied", "media", "tied", "free"))
    mixed = charts.MapRow("FRA-CL18", ("tied", "later", "later", "tied", "free"))
    later = charts.MapRow("FRA-CL02", ("later", "free"))
    assert [r.label for r in glance_map.rank_rows([later, mixed, today])] == ["FRA-CL31", "FRA-CL18", "FRA-CL02"]
    assert glance_map.caption([mixed, later]).endswith(
        " 2 more clusters (7 hosts, 2 of them tied today, 3 more once guests that are off start) are in the data files.")

"""A guest cluster whose nodes are off ties no host today: its page says so, as the summary does."""

from __future__ import annotations

from pathlib import Path

from tests.rvtools_files import Estate, small_estate, write_xlsx
from tests.test_counts import audit


def _estate(power: str) -> Estate:
    """Guest cluster sql (sql01, sql02) on esx01, its configuration on esx01's local disk: it ties esx01."""
    estate = small_estate(datastores={"san01": [f"esx0{i}.example.test" for i in range(1, 5)],
                                      "esx01-local": ["esx01.example.test"]})
    for g in estate.guests:
        if g.name in ("sql01", "sql02"):
            g.power = power
    estate.guests[0].datastore = "esx01-local"
    return estate


def test_a_guest_cluster_with_its_nodes_off_ties_no_host_today(tmp_path: Path) -> None:
    estate = _estate("poweredOff")
    _, text = audit(write_xlsx(estate, tmp_path / "vc.xlsx"), tmp_path)
    page = text[text.index("GC-001 · sql (2 nodes)", text.index("2 guest clusters on shared disks; the costliest has a page, the others are in the data files.")):]
    assert "2 1 0 £0 nodes host hosts it ties today (1 once its nodes start) a year (£5,085 once all run)" in page
    assert "host it ties " not in page


def test_a_guest_cluster_running_today_reads_as_before(tmp_path: Path) -> None:
    _, text = audit(write_xlsx(_estate("poweredOn"), tmp_path / "vc.xlsx"), tmp_path)
    assert "2 1 1 £5,085 nodes host host it ties a year" in text and "once its nodes start" not in text

"""A title typed above a per-VM tab's header ('RVTools export of vDisk'): the header row is the title, so no row
names a VM. The tab's rows are skipped and counted and its checks not assessed; before, the identity of its rows
came out as one value for the whole tab and the audit ended in an internal error (exit 70)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.rvtools_files import csv_bytes, small_estate, tabs, write_csv_folder, write_tabs_xlsx


@pytest.mark.parametrize("tab", ["vDisk", "vNetwork"])
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_title_row_above_a_per_vm_tab_leaves_its_checks_not_assessed(cli, tmp_path: Path, tab: str,
                                                                        form: str) -> None:
    estate = small_estate()
    if form == "xlsx":
        book = tabs(estate)
        header, rows = book[tab]
        book[tab] = ([f"RVTools export of {tab}"], [header, *rows])
        export = write_tabs_xlsx(book, tmp_path / "e.xlsx")
    else:
        export = write_csv_folder(estate, tmp_path / "csv")
        file = export / f"RVTools_tab{tab}.csv"
        file.write_bytes(csv_bytes([f"RVTools export of {tab}"], []) + file.read_bytes())
    out = tmp_path / "f.json"
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code in (0, 1), result.stderr
    found = json.loads(out.read_text())
    status = {c["rule"]: c["status"] for c in found["coverage"]}
    rule = {"vDisk": "VMW-01", "vNetwork": "VMW-10"}[tab]
    assert status[rule] == "not-assessed"
    assert any("row(s) skipped: no 'VM ID', 'VM UUID' or VM name to tell which guest the row belongs to"
               in d["message"] for d in found["data_quality"])
    assert found["estate"]["guests"] == 5

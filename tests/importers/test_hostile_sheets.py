"""Workbooks and CSVs edited in ways RVTools never writes: merged cells, a guest without a host, a chart sheet."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter

from tests.rvtools_files import small_estate, trimmed, write_csv_folder, write_xlsx


def _audit(cli: Any, export: Path, out: Path) -> tuple[int, str, dict[str, Any]]:
    result = cli(["audit", export, "--json", out, "-q"])
    return result.code, result.stderr, (json.loads(out.read_text()) if out.exists() else {})


def _unplaced(found: dict[str, Any], sheet: str) -> None:
    noted = [i for i in found["data_quality"] if i["column"] == "Host" and "have no 'Host'" in i["message"]]
    assert len(noted) == 1 and noted[0]["sheet"] == sheet and noted[0]["row"] == 3 and noted[0]["level"] == "warning"
    assert "1 guest(s) have no 'Host' (e.g. sql02): where they run is unknown" in noted[0]["message"]
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in ("GEN-02", "VMW-10", "VMW-11"):  # each needs the host of every guest
        assert coverage[rule]["status"] == "not-assessed", rule
        assert "vInfo column 'Host'" in coverage[rule]["reason"], rule


def test_a_guest_whose_host_cell_was_emptied_is_named(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    info = folder / "RVTools_tabvInfo.csv"
    rows = list(csv.reader(io.StringIO(info.read_text(encoding="utf-8"))))
    rows[2][rows[0].index("Host")] = ""  # sql02, spreadsheet row 3
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    info.write_text(text.getvalue(), encoding="utf-8")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code in (0, 1), err
    _unplaced(found, "RVTools_tabvInfo.csv")  # was silent: the guest cluster's topology became "unknown"


def test_host_cells_merged_in_excel_leave_the_guest_below_without_a_host_and_say_so(cli: Any, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "book.xlsx")
    merged = tmp_path / "merged.xlsx"
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(merged, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":  # vInfo: Excel keeps the first cell of a merge only
                cols, _ = trimmed(small_estate())["vInfo"]
                letter = xlsxwriter.utility.xl_col_to_name(cols.index("Host"))
                data = re.sub(rf'<c r="{letter}3"[^>]*?(/>|>.*?</c>)'.encode(), b"", data)
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{letter}2:'
                                    f'{letter}3"/></mergeCells>'.encode())
            target.writestr(item, data)
    code, err, found = _audit(cli, merged, tmp_path / "f.json")
    assert code in (0, 1), err
    _unplaced(found, "vInfo")


def _charted(path: Path, charted: str) -> Path:
    """A workbook of the small estate whose sheet ``charted`` is a chart sheet."""
    book = xlsxwriter.Workbook(str(path))
    for tab, (cols, rows) in trimmed(small_estate()).items():
        if tab == charted:
            chart = book.add_chart({"type": "bar"})
            chart.add_series({"values": "=vHost!$A$1:$A$2"})
            book.add_chartsheet(tab).set_chart(chart)
            continue
        sheet = book.add_worksheet(tab)
        for r, row in enumerate([cols, *rows]):
            for c, value in enumerate(row):
                if value is not None:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_a_vinfo_chart_sheet_is_named_as_one(cli: Any, tmp_path: Path) -> None:
    path = _charted(tmp_path / "chart.xlsx", "vInfo")
    code, err, found = _audit(cli, path, tmp_path / "f.json")
    assert code == 3 and not found
    assert f"{path}: its vInfo sheet is a chart sheet, not a table of VMs" in err  # was "has no vInfo sheet"


def test_another_tab_as_a_chart_sheet_is_named_and_its_checks_not_assessed(cli: Any, tmp_path: Path) -> None:
    code, err, found = _audit(cli, _charted(tmp_path / "chart.xlsx", "vDisk"), tmp_path / "f.json")
    assert code in (0, 1), err
    noted = [i for i in found["data_quality"] if i["sheet"] == "vDisk"]
    assert noted and "the sheet is a chart sheet, not a table: the vDisk tab was not read" in noted[0]["message"]
    vmw02 = {c["rule"]: c for c in found["coverage"]}["VMW-02"]
    assert vmw02["status"] == "not-assessed"
    assert "vDisk was not fully read: sheet 'vDisk' is a chart sheet, not a table" in vmw02["reason"]  # was "missing"

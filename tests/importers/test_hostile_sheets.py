"""Workbooks and CSVs edited in ways RVTools never writes: merged cells, a guest without a host, a chart sheet."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
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


def test_a_guest_without_host_or_name_is_said_to_have_neither(cli: Any, tmp_path: Path) -> None:
    """licenseware: 34 rows had neither 'VM' nor 'Host'; the note named them 'vm-840, …' as if those were names."""
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    info = folder / "RVTools_tabvInfo.csv"
    rows = list(csv.reader(io.StringIO(info.read_text(encoding="utf-8"))))
    for r in (2, 3):  # sql02 and fs01
        rows[r][rows[0].index("Host")] = ""
    rows[2][rows[0].index("VM")] = ""
    text = io.StringIO()
    csv.writer(text, lineterminator="\r\n").writerows(rows)
    info.write_text(text.getvalue(), encoding="utf-8")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code in (0, 1), err
    [noted] = [i for i in found["data_quality"] if i["column"] == "Host" and "have no 'Host'" in i["message"]]
    assert noted["message"].startswith("2 guest(s) have no 'Host' (e.g. vm-102, fs01; 1 of them without a name "
                                       "either ('VM' empty, shown by their VM ID: probably edited out of the workbook))")


def _merge(book: Path, out: Path, tab: str, column: str, first: int, last: int) -> Path:
    """``book`` with ``column`` of ``tab`` merged over spreadsheet rows first..last as Excel does it: the cells
    below the first are dropped and a mergeCells element follows the rows."""
    names = list(trimmed(small_estate()))
    cols, _ = trimmed(small_estate())[tab]
    letter = xlsxwriter.utility.xl_col_to_name(cols.index(column))
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == f"xl/worksheets/sheet{names.index(tab) + 1}.xml":
                for row in range(first + 1, last + 1):
                    data = re.sub(rf'<c r="{letter}{row}"[^>]*?(/>|>.*?</c>)'.encode(), b"", data)
                data = data.replace(b"</sheetData>", f'</sheetData><mergeCells count="1"><mergeCell ref="{letter}{first}:'
                                    f'{letter}{last}"/></mergeCells>'.encode())
            target.writestr(item, data)
    return out


def _merged_note(found: dict[str, Any], sheet: str, column: str, row: int) -> None:
    noted = [i for i in found["data_quality"] if i["column"] == column and "merged in a spreadsheet" in i["message"]]
    assert len(noted) == 1 and noted[0]["sheet"] == sheet and noted[0]["row"] == row
    assert "a merge keeps its first cell's value only, the others read as empty; read as unknown" in noted[0]["message"]


def test_host_cells_merged_in_excel_leave_the_guest_below_without_a_host_and_say_so(cli: Any, tmp_path: Path) -> None:
    book = _merge(write_xlsx(small_estate(), tmp_path / "book.xlsx"), tmp_path / "merged.xlsx", "vInfo", "Host", 2, 3)
    code, err, found = _audit(cli, book, tmp_path / "f.json")
    assert code in (0, 1), err
    _unplaced(found, "vInfo")
    _merged_note(found, "vInfo", "Host", 2)


def test_lun_ids_merged_in_excel_are_named_and_unknown(cli: Any, tmp_path: Path) -> None:
    book = _merge(write_xlsx(small_estate(), tmp_path / "book.xlsx"), tmp_path / "merged.xlsx", "vDisk", "Raw LUN ID",
                  3, 5)
    code, err, found = _audit(cli, book, tmp_path / "f.json")
    assert code in (0, 1), err
    _merged_note(found, "vDisk", "Raw LUN ID", 3)  # was silent: the cells below the first read as "no LUN"
    gen01 = {c["rule"]: c for c in found["coverage"]}["GEN-01"]
    assert "partly: vDisk column 'Raw LUN ID' has values reportgen cannot read" in gen01["reason"]


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


def test_a_merge_split_between_two_pieces_of_the_sheet_is_still_found(cli: Any, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.importers.xlsx_read as xlsx_read

    monkeypatch.setattr(xlsx_read, "CHUNK", 7)  # every tag falls across pieces
    book = _merge(write_xlsx(small_estate(), tmp_path / "book.xlsx"), tmp_path / "merged.xlsx", "vDisk", "Raw LUN ID",
                  3, 5)
    code, err, found = _audit(cli, book, tmp_path / "f.json")
    assert code in (0, 1), err
    _merged_note(found, "vDisk", "Raw LUN ID", 3)

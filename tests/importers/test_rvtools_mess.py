"""Real-world mess in RVTools exports: what is handled and counted, and what is refused with a clear line."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from reportgen.importers import load_estate
from reportgen.rules import evaluate
from tests.rvtools_files import small_estate, tabs, write_xlsx


def test_trimmed_vinfo_loads_and_the_missing_columns_are_not_assessed(tmp_path: Path) -> None:
    """A hand-trimmed vInfo (name, host, identity only) still gives guests; checks needing more say so."""
    keep = {"VM", "Host", "Cluster", "Datacenter", "VM ID", "VI SDK Server", "VI SDK UUID"}
    book = xlsxwriter.Workbook(str(tmp_path / "trimmed.xlsx"))
    for tab, (cols, rows) in tabs(small_estate()).items():
        if tab not in ("vInfo", "vHost", "vDatastore"):
            continue
        index = [i for i, c in enumerate(cols) if tab != "vInfo" or c in keep]
        sheet = book.add_worksheet(tab)
        sheet.write_row(0, 0, [cols[i] for i in index])
        for r, row in enumerate(rows, start=1):
            sheet.write_row(r, 0, ["" if row[i] is None else row[i] for i in index])
    book.close()
    estate = load_estate([tmp_path / "trimmed.xlsx"])
    guests = estate.guests.to_pylist()
    assert len(guests) == 5 and all(g["power_state"] is None for g in guests)  # unknown, not "off"
    coverage = {c.rule: c for c in evaluate(estate).coverage}
    assert coverage["VMW-13"].status == "not-assessed" and "Path" in coverage["VMW-13"].reason
    assert coverage["GEN-01"].status == "not-assessed" and "vDisk" in coverage["GEN-01"].reason


def test_million_row_used_range_blank_rows_formulas_and_headerless_columns(tmp_path: Path) -> None:
    cols, rows = tabs(small_estate())["vInfo"]
    path = tmp_path / "messy.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("vInfo")
    sheet.write_row(0, 0, [*cols, "Lookup", None])
    r = 1
    for row in rows:
        sheet.write_row(r, 0, ["" if v is None else v for v in row])
        sheet.write_formula(r, len(cols), "=1+1", None, 2)  # a hand-added formula column
        sheet.write(r, len(cols) + 1, "stray")  # a value under an empty header cell
        r += 2  # a blank row after every guest
    sheet.write_blank(1_048_575, 0, None, book.add_format({"bold": True}))  # used range to the last row
    vfile = book.add_worksheet("vFileInfo")
    vfile.write_row(0, 0, ["Name", "Path"])
    vfile.write(1, 0, "This tab page is empty when GetFileInfo option is not set in preferences")
    book.close()
    estate = load_estate([path])
    assert estate.guests.num_rows == 5
    messages = [i.message for i in estate.issues]
    assert any("blank row(s) skipped" in m for m in messages)
    assert any("Lookup" in m and "custom attribute" in m for m in messages)
    assert any("without a header ignored" in m for m in messages)
    source = estate.sources.to_pylist()[0]
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]


def _cli_error(cli, path: Path) -> str:
    result = cli(["audit", path, "--json", path.with_suffix(".json"), "-q"])
    assert result.code == 3, result.stderr
    assert "Traceback" not in result.stderr and result.stderr.count("\n") == 1
    assert path.name in result.stderr
    return result.stderr


def test_truncated_workbook(cli, tmp_path: Path) -> None:
    good = write_xlsx(small_estate(), tmp_path / "good.xlsx").read_bytes()
    cut = tmp_path / "cut.xlsx"
    cut.write_bytes(good[: len(good) // 2])
    assert "damaged or truncated" in _cli_error(cli, cut)


def test_encrypted_workbook(cli, tmp_path: Path) -> None:
    locked = tmp_path / "locked.xlsx"
    locked.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 4096)  # how Excel stores encrypted files
    message = _cli_error(cli, locked)
    assert "encrypted workbook" in message and "without the password" in message


def test_decompression_bomb_is_refused_without_inflating(cli, tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            block = b" " * (1024 * 1024)
            for _ in range(300):  # 300 MiB of blanks, compressed to well under 1 MiB
                sheet.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    message = _cli_error(cli, bomb)
    assert "would inflate" in message and "refused" in message


def test_a_csv_that_is_not_an_export(cli, tmp_path: Path) -> None:
    notes = tmp_path / "inventory.csv"
    notes.write_text("asset,location\nserver1,rack 4\n")
    message = _cli_error(cli, notes)
    assert "inventory.csv" in message


def test_an_rvtools_csv_folder_without_vinfo(cli, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    folder.mkdir()
    (folder / "RVTools_tabvHost.csv").write_text("Host,Cluster\nesx01,Prod\n")
    message = _cli_error(cli, folder)
    assert "vInfo" in message


def test_an_rvtools_named_csv_that_is_not_rvtools(cli, tmp_path: Path) -> None:
    folder = tmp_path / "odd"
    folder.mkdir()
    (folder / "RVTools_tabvInfo.csv").write_text("Name,Value\na,1\n")
    message = _cli_error(cli, folder)
    assert "not an RVTools export" in message and "RVTools_tabvInfo.csv" in message


def test_workbook_without_vinfo(cli, tmp_path: Path) -> None:
    """The other tabs are there, vInfo is not: one line naming the file and the missing tab."""
    path = tmp_path / "no-vinfo.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for tab, (cols, rows) in tabs(small_estate()).items():
        if tab in ("vHost", "vDisk", "vMetaData"):
            sheet = book.add_worksheet(tab)
            sheet.write_row(0, 0, cols)
            for r, row in enumerate(rows, start=1):
                sheet.write_row(r, 0, ["" if v is None else v for v in row])
    book.close()
    error = _cli_error(cli, path)
    assert "has no vInfo sheet (its sheets: " in error
    assert all(f"'{tab}'" in error for tab in ("vHost", "vDisk", "vMetaData"))
    assert "export the workbook again from RVTools with all tabs" in error


def test_workbook_whose_vinfo_was_renamed_lists_the_sheets_it_has(cli, tmp_path: Path) -> None:
    path = tmp_path / "renamed.xlsx"
    book = xlsxwriter.Workbook(str(path))
    for name in ("VMs (copy)", "vHost"):
        book.add_worksheet(name).write_row(0, 0, ["VM", "Host"])
    book.close()
    error = _cli_error(cli, path)
    assert "its sheets: 'VMs (copy)', 'vHost'" in error and "give a sheet renamed in Excel its RVTools name" in error


def test_a_stray_cell_below_dvport_is_counted_once(tmp_path: Path) -> None:
    from tests.rvtools_files import UUID, trimmed, write_tabs_xlsx

    sheets = trimmed(small_estate())
    sheets["dvSwitch"] = (["Switch", "Datacenter", "Host members", "VI SDK UUID"],
                        [["dvs01", "DC1", "esx01.example.test, esx02.example.test", UUID]])
    sheets["dvPort"] = (["Port", "Switch", "Type", "VLAN", "Active Uplink", "VI SDK UUID"],
                      [["pg-app", "dvs01", "earlyBinding", "20", "Uplink 1", UUID], [None] * 6,
                       [None, None, "Total", None, None, None]])
    estate = load_estate([write_tabs_xlsx(sheets, tmp_path / "vc.xlsx")])
    [source] = estate.table("sources").to_pylist()
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]
    [dvport] = [t for t in estate.tabs if t.tab == "dvPort"]
    assert (dvport.rows_read, dvport.rows_used) == (3, 1)
    assert any(i.sheet == "dvPort" and i.skipped and "no port group name" in i.message for i in estate.issues)

"""Hostile and damaged workbooks: a row of hundreds of megabytes, a bomb inside a zip, a damaged
vInfo part, cells longer than Excel allows. Each is built here, small on disk."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.importers import load_estate
from reportgen.importers.bounded import MAX_CELL_CHARS, MAX_ROW_BYTES
from reportgen.importers.xlsx_read import index_workbook
from tests.hostile import deflated, one_huge_row_workbook, write_zip, zeros_bomb_workbook, zipped
from tests.rvtools_files import small_estate, write_xlsx


def _audit(args: list[Path | str], cwd: Path) -> tuple[int, str, int]:
    """Run the command in a process of its own: (exit code, stderr, peak resident memory in bytes)."""
    with (cwd / "stderr.txt").open("w+") as err:
        proc = subprocess.Popen([sys.executable, "-m", "reportgen", *map(str, args)], cwd=cwd, stderr=err,
                                stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        return proc.returncode, err.read(), usage.ru_maxrss * 1024


@pytest.mark.parametrize("zipped_up", [False, True], ids=["plain", "zipped"])
def test_a_row_of_half_a_gigabyte_is_refused_with_memory_bounded_by_the_row_limit(
        tmp_path: Path, zipped_up: bool) -> None:
    book = one_huge_row_workbook(tmp_path / "huge.xlsx", row_mib=512)  # 512 MiB of XML, 3.5 MB on disk
    assert book.stat().st_size < 4 * 1024**2
    export = zipped(tmp_path / "export.zip", book) if zipped_up else book
    normal = write_xlsx(small_estate(), tmp_path / "normal.xlsx")
    code, _, baseline = _audit(["audit", normal, "--json", "normal.json", "-q"], tmp_path)
    assert code == 0
    code, stderr, peak = _audit(["audit", export, "--json", "huge.json", "-q"], tmp_path)
    assert code == 3
    where = f"{export}!huge.xlsx" if zipped_up else str(export)
    assert stderr == (f"reportgen: input error: {where}, sheet vInfo, row 2: the row is longer than 4 MiB of XML; "
                      "refused (RVTools writes rows of a few KiB: check where the file came from, and export it "
                      "again)\n")
    assert peak < baseline + 16 * MAX_ROW_BYTES, (peak, baseline)  # reading it all would take 512 MiB and more
    assert not (tmp_path / "huge.json").exists()


def test_a_bomb_inside_a_workbook_inside_a_zip_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    book = zeros_bomb_workbook(tmp_path / "bomb.xlsx", gib=3)  # 3 GiB of zeros, 3 MB on disk
    export = zipped(tmp_path / "export.zip", book)
    with pytest.raises(InputError) as err:
        load_estate([export])
    assert str(err.value).startswith(f"{export}!bomb.xlsx: would inflate 'xl/worksheets/sheet1.xml' from ")
    assert "to 3,221,225,472 bytes, which no real export does; refused" in str(err.value)


def test_a_damaged_vinfo_part_is_said_to_be_damaged(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    with zipfile.ZipFile(book) as archive:
        vinfo = index_workbook(archive).sheets["vInfo"]
        members = [deflated(i.filename, archive.read(i)) for i in archive.infolist()]
    for n, member in enumerate(members):
        if member.name == vinfo:  # a transfer that garbled a few bytes in the middle of the sheet
            middle = len(member.data) // 2
            members[n] = type(member)(member.name, member.data[:middle] + b"\x00" * 16 + member.data[middle + 16:],
                                      member.crc, member.size)
    damaged = write_zip(tmp_path / "damaged.xlsx", members)
    result = cli(["audit", damaged, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3
    assert result.stderr.startswith(f"reportgen: input error: {damaged}: the vInfo sheet is damaged (")
    assert "copy or export the workbook again" in result.stderr and "has no vInfo" not in result.stderr


def test_a_cell_longer_than_excel_allows_is_cut_and_named(tmp_path: Path) -> None:
    excel_max = "\u00e9" * MAX_CELL_CHARS  # what xlsxwriter, like Excel, writes at most
    book = write_xlsx(small_estate(custom={"Backup note": excel_max}), tmp_path / "vc.xlsx")
    with zipfile.ZipFile(book) as archive:  # a crafted file holds more
        members = [deflated(i.filename, archive.read(i).replace(excel_max.encode(), excel_max.encode() * 2))
                   for i in archive.infolist()]
    loaded = load_estate([write_zip(tmp_path / "crafted.xlsx", members)])
    (issue,) = [i for i in loaded.issues if "characters" in i.message]
    assert issue.message == "5 cell(s) longer than 32,767 characters (Excel's limit) were cut to that length"
    assert (issue.sheet, issue.row, issue.column, issue.level) == ("vInfo", 2, "Backup note", "warning")

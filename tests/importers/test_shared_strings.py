"""A workbook whose shared-strings part is missing, cut short or broken: an input error naming the
file, the sheet, the cell and the part, never cells read as empty (checked against fastexcel)."""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import fastexcel
import pytest

from reportgen._core.sheetscan import parse_shared_strings
from tests.rvtools_files import small_estate, write_xlsx

PART = "xl/sharedStrings.xml"
HINT = "open the workbook in Excel and save it again, which repairs the part or says what is lost, or export it again"


def _damaged(tmp_path: Path, change: Callable[[bytes], bytes | None]) -> Path:
    """The small estate's workbook with its shared-strings part changed (None: left out)."""
    good = write_xlsx(small_estate(), tmp_path / "good.xlsx")
    out = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == PART:
                changed = change(data)
                if changed is None:
                    continue
                data = changed
            target.writestr(info.filename, data)
    return out


def _cut(data: bytes) -> bytes:
    return data[: len(data) // 2]


def _broken(data: bytes) -> bytes:
    """An element in the middle whose tag never closes: the strings after it are lost."""
    at = data.index(b"<si>", len(data) // 2)
    return data[:at] + b"<si" + data[at + 3:].replace(b">", b"", 1)


@pytest.mark.parametrize(("change", "state"), [
    (_cut, "the part is damaged or cut short: it ends after "),
    (lambda data: None, "the part is missing from the workbook"),
    (_broken, "the part is damaged or cut short: it ends after "),
])
def test_a_damaged_shared_strings_part_is_an_input_error_naming_file_sheet_cell_and_part(
        cli, tmp_path: Path, change: Callable[[bytes], bytes | None], state: str) -> None:
    path = _damaged(tmp_path, change)
    with pytest.raises(fastexcel.CalamineError):  # the reference reader refuses it too
        fastexcel.read_excel(str(path)).load_sheet_by_name("vInfo").to_polars()
    result = cli(["audit", path, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert not (tmp_path / "f.json").exists()
    message = result.stderr
    assert message.startswith(f"reportgen: input error: {path}, sheet v"), message
    assert ", row " in message and ", column '" in message
    assert f"cell(s) refer to text in {PART} (the text the workbook's cells share) that is not there" in message
    assert state in message and HINT in message
    # before: "vInfo has none of the columns VM ..." or "none of the rows identifies a VM"
    assert "none of the" not in message


def test_the_part_says_when_it_ends_early_or_holds_fewer_strings_than_it_declares(tmp_path: Path) -> None:
    good = write_xlsx(small_estate(), tmp_path / "good.xlsx")
    with zipfile.ZipFile(good) as book:
        data = book.read(PART)
        reference = fastexcel.read_excel(str(good)).load_sheet_by_name("vInfo").to_polars()
    whole = parse_shared_strings(data)
    assert whole.complete and whole.declared == len(whole)
    assert set(reference["VM"].to_list()) <= {whole[i] for i in range(len(whole))}
    cut = parse_shared_strings(_cut(data))
    assert not cut.complete and 0 < len(cut) < whole.declared == cut.declared
    fewer = parse_shared_strings(data.replace(f'uniqueCount="{len(whole)}"'.encode(),
                                              f'uniqueCount="{len(whole) + 5}"'.encode()))
    assert len(fewer) == len(whole) and not fewer.complete


def test_an_intact_workbook_reads_as_fastexcel_reads_it(cli, tmp_path: Path) -> None:
    good = write_xlsx(small_estate(), tmp_path / "good.xlsx")
    result = cli(["audit", good, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    import json

    found = json.loads((tmp_path / "f.json").read_text())
    names = sorted(fastexcel.read_excel(str(good)).load_sheet_by_name("vInfo").to_polars()["VM"].to_list())
    assert found["estate"]["guests"] == len(names) == 5

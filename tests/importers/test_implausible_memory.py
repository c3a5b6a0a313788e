"""A memory size no machine has (a cell typed wrong, bytes where MiB belong, an overflowing number) is one
unreadable value: named in the data quality and read as unknown, never an internal error of the analysis."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.importers.hyperv_bundle import audit_members, members, rows
from tests.rvtools_files import small_estate, tabs, write_csv_folder, write_tabs_xlsx


def _set(table: tuple[list[str], list[list[object]]], column: str, value: object) -> None:
    header, data = table
    data[0][header.index(column)] = value


@pytest.mark.parametrize(("tab", "column", "value"), [
    ("vInfo", "Memory", 100_000_000_000),
    ("vInfo", "Memory", -100_000_000_000),
    ("vHost", "# Memory", 100_000_000_000),
    ("vHost", "# Memory", "-9223372036854775809"),
])
def test_an_implausible_memory_size_in_a_workbook_is_named_and_unknown(cli, tmp_path: Path, tab: str, column: str,
                                                                      value: object) -> None:
    book = tabs(small_estate())
    _set(book[tab], column, value)
    out = tmp_path / "f.json"
    result = cli(["audit", write_tabs_xlsx(book, tmp_path / "e.xlsx"), "--json", out, "-q"])
    assert result.code == 0, result.stderr
    found = json.loads(out.read_text())
    [issue] = [d for d in found["data_quality"] if d["column"] == column]
    assert (issue["sheet"], issue["row"]) == (tab, 2)
    assert f"1 value(s) not understood (e.g. '{value}'); read as unknown" in issue["message"]
    assert "out of the range this column can hold" in issue["message"]
    assert found["estate"]["guests"] == 5 and found["estate"]["hosts"] == 4


def test_an_implausible_memory_size_in_a_csv_folder_is_named(cli, tmp_path: Path) -> None:
    estate = small_estate()
    estate.guests[0].extra = {"Memory": "1e12"}
    out = tmp_path / "f.json"
    result = cli(["audit", write_csv_folder(estate, tmp_path / "csv"), "--json", out, "-q"])
    assert result.code == 0, result.stderr
    [issue] = [d for d in json.loads(out.read_text())["data_quality"] if d["column"] == "Memory"]
    assert (issue["sheet"], issue["row"]) == ("RVTools_tabvInfo.csv", 2)


@pytest.mark.parametrize(("name", "column"), [("Get-VM.csv", "MemoryStartup"), ("Get-VMHost.csv", "MemoryCapacity")])
def test_an_implausible_hyperv_memory_size_is_named_and_unknown(cli, tmp_path: Path, name: str, column: str) -> None:
    files = members()
    table = rows(files[name])
    table[1][table[0].index(column)] = "100000000000000000000"  # bytes: 86 EiB
    files[name] = "\r\n".join(",".join(f'"{v}"' for v in r) for r in table).encode("utf-8-sig")
    found = audit_members(cli, files, tmp_path)
    notes = [d for d in found["data_quality"] if d["column"] == column and "not understood" in d["message"]]
    assert [(d["sheet"], d["row"]) for d in notes] == [(name, 2)]
    assert found["estate"]["guests"] == 23 and found["estate"]["hosts"] == 3

"""Hyper-V CSVs someone opened in Excel and saved again: error values (#N/A, #REF!) and long numbers in exponent
form ('5.00144E+15') are unknown, never values that pair two VMs' disks or hide a VM; a size Excel rounded is read
and said to be rounded. Each ends in a data-quality line naming the file, row and column, and in checks not
assessed where the column they need is damaged."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest

from tests.importers import hyperv_bundle as bundle


def _csv(rows: list[list[str]], delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _edited(file: str, match: dict[str, str], column: str, value: str, every: bool = False) -> dict[str, bytes]:
    """The bundle with ``column`` set to ``value`` in the first row of ``file`` (every row with ``every``) whose
    cells equal ``match``, written back as Excel writes a CSV (quoted only where needed)."""
    members = bundle.members()
    rows = bundle.rows(members[file])
    header = rows[0]
    hits = [r for r in rows[1:] if all(r[header.index(k)] == v for k, v in match.items())]
    assert hits, match
    for row in hits if every else hits[:1]:
        row[header.index(column)] = value
    return {**members, file: _csv(rows)}




def _coverage(found: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["rule"]: c for c in found["coverage"]}


def _line(found: dict[str, Any], column: str, words: str) -> dict[str, Any]:
    [issue] = [d for d in found["data_quality"] if d["column"] == column and words in d["message"]]
    return issue


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#WERT!", "#VALUE!"])
def test_error_values_in_two_disk_paths_do_not_make_a_shared_disk(cli: Any, tmp_path: Path, error: str) -> None:
    """Two '#N/A' paths are equal text: read as values, SQLFCI-N1 and FILE01 would share a virtual disk."""
    members = _edited("Get-VMHardDiskDrive.csv", {"VMName": "SQLFCI-N1", "ControllerLocation": "0"}, "Path", error)
    rows = bundle.rows(members["Get-VMHardDiskDrive.csv"])
    path = rows[0].index("Path")
    [file01] = [r for r in rows[1:] if r[0] == "FILE01" and r[path].endswith(".vhdx")]
    file01[path] = error
    found = bundle.audit_members(cli, {**members, "Get-VMHardDiskDrive.csv": _csv(rows)}, tmp_path)
    members_of = [sorted(g["name"] for g in c["guests"]) for c in found["faux_clusters"]]
    assert ["FILE01", "SQLFCI-N1"] not in members_of and ["SQLFCI-N1", "SQLFCI-N2"] in members_of
    issue = _line(found, "Path", "spreadsheet error value")
    assert issue["sheet"] == "Get-VMHardDiskDrive.csv" and issue["rows"] == 2 and issue["level"] == "warning"
    assert error in bundle.rows(_csv(rows))[issue["row"] - 1]  # the row named holds it
    hyv01 = _coverage(found)["HYV-01"]
    assert hyv01["status"] != "assessed"
    assert "Get-VMHardDiskDrive column 'Path' has cells holding a spreadsheet error value" in hyv01["reason"]


def test_a_vmid_excel_damaged_leaves_the_vm_out_counted_and_the_checks_not_assessed(cli: Any,
                                                                                   tmp_path: Path) -> None:
    members = _edited("Get-VM.csv", {"VMName": "FILE01"}, "VMId", "#N/A")
    found = bundle.audit_members(cli, members, tmp_path)
    issue = _line(found, "VMId", "spreadsheet error value")
    assert issue["sheet"] == "Get-VM.csv" and issue["row"] is not None and issue["rows"] == 1
    skipped = [d for d in found["data_quality"] if d["skipped"] and "no VMId (or Id) that can be read" in d["message"]]
    assert [d["row"] for d in skipped] == [issue["row"]]
    [source] = found["estate"]["sources"]
    assert source["rows_skipped"] >= 1
    assert "FILE01" not in {g["name"] for c in found["faux_clusters"] for g in c["guests"]}
    hyv01 = _coverage(found)["HYV-01"]
    assert hyv01["status"] != "assessed" and "listed without a VMId that can be read" in hyv01["reason"]


def test_a_vmid_in_exponent_form_is_not_read_as_an_id(cli: Any, tmp_path: Path) -> None:
    members = _edited("Get-VM.csv", {"VMName": "FILE01"}, "VMId", "1.23457E+15")
    found = bundle.audit_members(cli, members, tmp_path)
    issue = _line(found, "VMId", "long numbers as Excel re-saves them")
    assert issue["sheet"] == "Get-VM.csv" and "'1.23457E+15'" in issue["message"]
    assert "Export the file again with Export-Csv" in issue["message"] and "RVTools" not in issue["message"]
    assert _coverage(found)["HYV-01"]["status"] != "assessed"


def test_wwpns_excel_turned_into_the_same_number_are_unknown(cli: Any, tmp_path: Path) -> None:
    members = _edited("Get-VMFibreChannelHba.csv", {"VMName": "VFC01"}, "WorldWidePortNameSetA", "5.00144E+15")
    found = bundle.audit_members(cli, members, tmp_path)
    issue = _line(found, "WorldWidePortNameSetA", "long numbers as Excel re-saves them")
    assert issue["sheet"] == "Get-VMFibreChannelHba.csv" and issue["rows"] == 1 and issue["row"] == 2


def test_a_size_excel_rounded_is_read_and_said_to_be_rounded(cli: Any, tmp_path: Path) -> None:
    members = _edited("Get-VHD.csv", {"ComputerName": "HV01"}, "Size", "1.07374E+11", every=True)
    found = bundle.audit_members(cli, members, tmp_path)
    issue = _line(found, "Size", "size(s) in bytes are long numbers")
    assert issue["level"] == "info" and issue["sheet"] == "Get-VHD.csv" and issue["rows"] >= 2
    assert "rounded" in issue["message"]
    assert _coverage(found)["HYV-01"]["status"] == "assessed"  # a rounded size is no unknown disk


def test_an_error_value_in_notes_is_what_someone_typed(cli: Any, tmp_path: Path) -> None:
    found = bundle.audit_members(cli, _edited("Get-VM.csv", {"VMName": "FILE01"}, "Notes", "#N/A"), tmp_path)
    assert not [d for d in found["data_quality"] if d["column"] == "Notes"]
    assert {c["status"] for c in found["coverage"]} == {"assessed"}


def _every(members: dict[str, bytes], file: str, column: str, value: str) -> dict[str, bytes]:
    rows = bundle.rows(members[file])
    at = rows[0].index(column)
    for row in rows[1:]:
        row[at] = value
    return {**members, file: _csv(rows)}


def test_a_german_excel_resave_with_its_error_word_and_a_rounded_size(cli: Any, tmp_path: Path) -> None:
    """Excel in German saves ';'-separated UTF-8 with a byte order mark and CRLF, '#NV' for #N/A and a decimal
    comma in '1,07374E+11'."""
    members = _edited("Get-VMHardDiskDrive.csv", {"VMName": "FS-N2", "ControllerLocation": "1"}, "Path", "#NV")
    members = {**members, "Get-VHD.csv": _edited("Get-VHD.csv", {"ComputerName": "HV02"}, "Size", "1,07374E+11",
                                                 every=True)["Get-VHD.csv"]}
    german = {n: _csv(bundle.rows(d), delimiter=";") if n.endswith(".csv") else d for n, d in members.items()}
    assert german["Get-VM.csv"].startswith(b"\xef\xbb\xbf") and b"\r\n" in german["Get-VM.csv"]
    found = bundle.audit_members(cli, german, tmp_path)
    issue = _line(found, "Path", "spreadsheet error value")
    assert issue["sheet"] == "Get-VMHardDiskDrive.csv" and issue["rows"] == 1
    assert _line(found, "Size", "size(s) in bytes")["sheet"] == "Get-VHD.csv"
    assert _coverage(found)["HYV-01"]["status"] != "assessed"


def test_a_column_of_only_whitespace_is_unknown_not_empty(cli: Any, tmp_path: Path) -> None:
    found = bundle.audit_members(cli, _every(bundle.members(), "Get-VMHardDiskDrive.csv", "Path", "   "), tmp_path)
    hyv01 = _coverage(found)["HYV-01"]
    assert hyv01["status"] == "not-assessed" and "'Path' present but empty" in hyv01["reason"]


def test_every_vmid_damaged_is_no_vm_at_all_and_nothing_assessed(cli: Any, tmp_path: Path) -> None:
    found = bundle.audit_members(cli, _every(bundle.members(), "Get-VM.csv", "VMId", "#N/A"), tmp_path)
    assert _line(found, "VMId", "spreadsheet error value")["rows"] == 23
    assert [d for d in found["data_quality"] if d["level"] == "error" and "lists no VM at all" in d["message"]]
    assert found["faux_clusters"] == [] and "assessed" not in {c["status"] for c in found["coverage"]}

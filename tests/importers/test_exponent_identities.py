"""Identities that Excel re-saved in exponent form ('6.0001E+31') are unknown, not equal.

Excel reads a long run of digits as a number, keeps 15 digits and shows 6 in its General format: two LUN ids
(or serials, UUIDs) that differ only after the sixth digit read alike, which would make two guests share a
disk they do not share (a false guest cluster), or one hide the other. Such a value is read as unknown, named
in the data quality (file, sheet, row, column), and the checks that need the column say so.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.rvtools_files import Guest, small_estate, write_csv_folder, write_xlsx

RDM = {"Raw": "True", "Raw Comp. Mode": "physicalMode", "Disk Mode": "independent_persistent",
       "Label": "SCSI controller 1", "Shared Bus": "noSharing"}


def _estate(lun: str | float) -> Any:
    estate = small_estate()
    estate.guests = [*estate.guests,
                     Guest("app01", "vm-401", "esx02.example.test",
                           disks=[{}, {**RDM, "Path": "[san01] app01/app01_1.vmdk", "Raw LUN ID": lun}]),
                     Guest("app02", "vm-402", "esx03.example.test",
                           disks=[{}, {**RDM, "Path": "[san01] app02/app02_1.vmdk", "Raw LUN ID": lun}])]
    return estate


def _audit(cli: Any, export: Path, out: Path) -> dict[str, Any]:
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code in (0, 1), result.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def _check(found: dict[str, Any], sheet: str) -> None:
    members = [sorted(g["name"] for g in c["guests"]) for c in found["faux_clusters"]]
    assert ["app01", "app02"] not in members  # no false shared disk
    assert ["sql01", "sql02"] in members  # the LUN ids RVTools wrote whole still pair
    noted = [i for i in found["data_quality"] if i["column"] == "Raw LUN ID" and "long numbers as Excel" in i["message"]]
    assert len(noted) == 1 and noted[0]["sheet"] == sheet and noted[0]["level"] == "warning"
    assert noted[0]["rows"] == 2 and noted[0]["row"] is not None
    assert "two different values may read alike; read as unknown" in noted[0]["message"]
    gen01 = {c["rule"]: c for c in found["coverage"]}["GEN-01"]
    assert "partly: vDisk column 'Raw LUN ID' has values reportgen cannot read" in gen01["reason"]


def test_a_csv_resaved_by_excel_makes_long_lun_ids_unknown(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(_estate("6.0001E+31"), tmp_path / "export")
    found = _audit(cli, folder, tmp_path / "f.json")
    _check(found, "RVTools_tabvDisk.csv")
    row = next(i["row"] for i in found["data_quality"] if i["column"] == "Raw LUN ID")
    lines = (folder / "RVTools_tabvDisk.csv").read_text(encoding="utf-8").splitlines()
    assert "6.0001E+31" in lines[row - 1]  # the row named is the one holding it


@pytest.mark.parametrize("lun", [6.0001e31, "6,0001E+31", 1.23456789012346e18],
                         ids=["number", "decimal-comma", "19-digits"])
def test_a_workbook_resaved_by_excel_makes_long_lun_ids_unknown(cli: Any, tmp_path: Path, lun: str | float) -> None:
    book = write_xlsx(_estate(lun), tmp_path / "export.xlsx")
    _check(_audit(cli, book, tmp_path / "f.json"), "vDisk")


def test_an_id_with_one_e_among_hex_digits_is_an_id(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(_estate("600A0E31"), tmp_path / "export")
    found = _audit(cli, folder, tmp_path / "f.json")
    assert not [i for i in found["data_quality"] if "long numbers as Excel" in i["message"]]


@pytest.mark.parametrize("error", ["#N/A", "#REF!", "#BEZUG!", "#¡VALOR!"])
def test_error_values_a_spreadsheet_wrote_into_a_csv_are_unknown_not_equal(cli: Any, tmp_path: Path,
                                                                            error: str) -> None:
    folder = write_csv_folder(_estate(error), tmp_path / "export")
    found = _audit(cli, folder, tmp_path / "f.json")
    members = [sorted(g["name"] for g in c["guests"]) for c in found["faux_clusters"]]
    assert ["app01", "app02"] not in members and ["sql01", "sql02"] in members  # was a false guest cluster
    noted = [i for i in found["data_quality"] if i["column"] == "Raw LUN ID"]
    assert len(noted) == 1 and noted[0]["sheet"] == "RVTools_tabvDisk.csv" and noted[0]["rows"] == 2
    assert "2 cell(s) hold a spreadsheet error value where RVTools writes a value" in noted[0]["message"]
    lines = (folder / "RVTools_tabvDisk.csv").read_text(encoding="utf-8").splitlines()
    assert error in lines[noted[0]["row"] - 1]  # the first row holding one
    gen01 = {c["rule"]: c for c in found["coverage"]}["GEN-01"]
    assert "partly: vDisk column 'Raw LUN ID' has cells holding a spreadsheet error value" in gen01["reason"]

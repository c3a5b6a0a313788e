"""A sheet whose XML breaks off part-way (rows out of order, a writer that stopped), or a CSV that ends inside a
record (a copy that stopped): the rows after the break are not there. Read as a whole tab, it reported hosts free
whose guests sat after the break."""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

from tests.conftest import SAMPLES
from tests.importers.hyperv_bundle import audit_members, members

BOOK = SAMPLES / "rvtools" / "acme-vc01.xlsx"


def _broken(tmp_path: Path, sheet: str) -> Path:
    """The sample workbook with ``sheet``'s third row numbered 2 again: the XML breaks off after row 2."""
    target = tmp_path / "broken.xlsx"
    with zipfile.ZipFile(BOOK) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in source.namelist():
            data = source.read(name)
            if name == f"xl/worksheets/{sheet}.xml":
                assert b'<row r="3"' in data
                data = data.replace(b'<row r="3"', b'<row r="2"', 1)
            out.writestr(name, data)
    return target


def _audit(cli, export: Path, out: Path) -> tuple[int, str, dict]:
    result = cli(["audit", export, "--json", out, "-q"])
    return result.code, result.stderr, (json.loads(out.read_text()) if out.exists() else {})


def test_a_vinfo_sheet_cut_short_stops_the_audit(cli, tmp_path: Path) -> None:
    code, err, _ = _audit(cli, _broken(tmp_path, "sheet1"), tmp_path / "f.json")
    assert code == 3, err
    assert "broken.xlsx: the vInfo sheet's XML is malformed or cut short after spreadsheet row 2, so the VMs " \
           "after it cannot be read" in err


def test_another_sheet_cut_short_leaves_its_checks_not_assessed(cli, tmp_path: Path) -> None:
    """vPort cut after its first row lost 10 findings of VMW-10/11 and freed a host, both checks 'assessed'."""
    code, err, cut = _audit(cli, _broken(tmp_path, "sheet18"), tmp_path / "cut.json")  # vPort
    assert code == 0, err
    status = {c["rule"]: c["status"] for c in cut["coverage"]}
    assert status["VMW-10"] == status["VMW-11"] == "not-assessed"
    reasons = " ".join(c["reason"] or "" for c in cut["coverage"] if c["rule"] == "VMW-10")
    assert "sheet 'vPort' is malformed or cut short after row 2, so its later rows were not read" in reasons
    [note] = [d for d in cut["data_quality"] if d["sheet"] == "vPort" and "cut short" in d["message"]]
    assert "rows after spreadsheet row 2 were not read, so the checks that need the vPort tab are not assessed" \
        in note["message"]


def _cut_csv(tmp_path: Path, tab: str) -> Path:
    """The sample CSV folder with ``tab``'s file ending half-way through its second record."""
    folder = tmp_path / "csv"
    shutil.copytree(SAMPLES / "rvtools-csv" / "acme-vc01", folder)
    file = folder / f"RVTools_tab{tab}.csv"
    header, first, second = file.read_bytes().split(b"\r\n")[:3]
    file.write_bytes(b"\r\n".join((header, first, second[: len(second) // 2])))
    return folder


def test_a_vinfo_csv_cut_short_stops_the_audit(cli, tmp_path: Path) -> None:
    code, err, _ = _audit(cli, _cut_csv(tmp_path, "vInfo"), tmp_path / "f.json")
    assert code == 3, err
    assert "RVTools_tabvInfo.csv: the file ends inside the record on line 3, so the VMs after it are missing" in err


def test_another_csv_cut_short_leaves_its_checks_not_assessed(cli, tmp_path: Path) -> None:
    code, err, cut = _audit(cli, _cut_csv(tmp_path, "vPort"), tmp_path / "cut.json")
    assert code == 0, err
    status = {c["rule"]: c["status"] for c in cut["coverage"]}
    assert status["VMW-10"] == status["VMW-11"] == "not-assessed"
    [note] = [d for d in cut["data_quality"] if d["sheet"] == "RVTools_tabvPort.csv" and "cut short" in d["message"]]
    assert note["row"] == 3 and "the checks that need the vPort tab are not assessed" in note["message"]


def test_a_csv_without_a_final_line_break_is_not_cut_short(cli, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    shutil.copytree(SAMPLES / "rvtools-csv" / "acme-vc01", folder)
    for file in folder.glob("*.csv"):
        file.write_bytes(file.read_bytes().rstrip(b"\r\n"))
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert not [d for d in found["data_quality"] if "cut short" in d["message"]]
    assert found["estate"]["guests"] == 88


def test_a_hyperv_csv_cut_short_leaves_its_checks_not_assessed(cli, tmp_path: Path) -> None:
    """Get-VMHardDiskDrive.csv cut inside its second record lost 5 findings under an assessed HYV-01."""
    files = members()
    header, first, second = files["Get-VMHardDiskDrive.csv"].split(b"\r\n")[:3]
    files["Get-VMHardDiskDrive.csv"] = b"\r\n".join((header, first, second[: len(second) // 2]))
    found = audit_members(cli, files, tmp_path)
    status = {c["rule"]: c for c in found["coverage"]}
    assert status["HYV-01"]["status"] == status["HYV-04"]["status"] == "not-assessed"
    assert "Get-VMHardDiskDrive.csv ends inside the record on line 3 (cut short)" in status["HYV-01"]["reason"]
    [note] = [d for d in found["data_quality"] if d["sheet"] == "Get-VMHardDiskDrive.csv" and d["row"] == 3]
    assert "the file ends inside the record on line 3 (cut short)" in note["message"]
    assert "-UseQuotes" not in " ".join(d["message"] for d in found["data_quality"])

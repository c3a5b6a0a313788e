"""An RVTools tab file with nothing in it, or with a header and no rows, in a CSV folder, a zip or a workbook.

0 bytes (or a byte order mark, blank lines, a ``#TYPE`` line) is not what RVTools writes: it writes the header
row even for a tab with nothing to list. Such a file (other than vInfo, without which there is no audit) is
named in the data quality and the checks that need its tab are not assessed; the audit goes on. A header-only
tab is read as "none", unless the rest of the export shows it must list rows (then it is not fully read).
"""

from __future__ import annotations

import codecs
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from reportgen.rules import CATALOGUE
from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx

TYPE_LINE = "#TYPE System.Management.Automation.PSCustomObject"


def _audit(cli: Any, export: Path, out: Path) -> tuple[int, str, dict[str, Any]]:
    result = cli(["audit", export, "--json", out, "-q"])
    return result.code, result.stderr, (json.loads(out.read_text()) if out.exists() else {})


def _needing(tab: str) -> set[str]:
    """The vSphere rules that declare a need of ``tab`` that is not optional."""
    return {rule for rule, info in CATALOGUE.items() if not info.cannot_assess
            and any(n.tab == tab and n.platform == "vsphere" and not n.optional for n in info.needs)}


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, b"\r\n\r\n", (TYPE_LINE + "\r\n").encode()],
                         ids=["empty", "bom", "blank-lines", "type-line"])
@pytest.mark.parametrize("tab", ["vDisk", "vHost", "vNetwork", "vPort"])
def test_an_empty_tab_file_is_named_and_its_checks_are_not_assessed(cli: Any, tmp_path: Path, content: bytes,
                                                                     tab: str) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    (folder / f"RVTools_tab{tab}.csv").write_bytes(content)
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    noted = [i for i in found["data_quality"] if i["sheet"] == f"RVTools_tab{tab}.csv"]
    assert noted and noted[0]["level"] == "warning"
    assert f"the {tab} tab was not read, so the checks that need it are not assessed; export it again" \
        in noted[0]["message"]
    coverage = {c["rule"]: c for c in found["coverage"]}
    rules = _needing(tab)
    assert rules
    for rule in rules:
        assert coverage[rule]["status"] == "not-assessed", rule
        assert f"{tab} was not fully read: RVTools_tab{tab}.csv " in coverage[rule]["reason"], rule


def test_an_empty_tab_file_in_a_zip_is_named_too(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    (folder / "RVTools_tabvDisk.csv").write_bytes(b"")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        for member in sorted(folder.iterdir()):
            zipped.write(member, member.name)
    code, err, found = _audit(cli, archive, tmp_path / "f.json")
    assert code == 0, err
    assert any(i["sheet"] == "RVTools_tabvDisk.csv" and "the file is empty" in i["message"]
               for i in found["data_quality"])
    vmw02 = {c["rule"]: c for c in found["coverage"]}["VMW-02"]
    assert vmw02["status"] == "not-assessed" and "RVTools_tabvDisk.csv is empty" in vmw02["reason"]


@pytest.mark.parametrize("tab", ["vHost", "vPort", "vDatastore"])
def test_a_header_only_tab_the_rest_contradicts_is_not_read_as_none(cli: Any, tmp_path: Path, tab: str) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    path = folder / f"RVTools_tab{tab}.csv"
    path.write_bytes(path.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    noted = [i for i in found["data_quality"] if i["sheet"] == f"RVTools_tab{tab}.csv"]
    assert noted and noted[0]["level"] == "warning" and "has a header and no rows, but" in noted[0]["message"]
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in _needing(tab):
        assert coverage[rule]["status"] == "not-assessed", rule
        assert f"{tab} was not fully read: it has no rows, but" in coverage[rule]["reason"], rule


def test_a_header_only_tab_with_nothing_to_list_is_read_as_none_and_named(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    path = folder / "RVTools_tabvCD.csv"
    path.write_bytes(path.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    noted = [i for i in found["data_quality"] if i["sheet"] == "RVTools_tabvCD.csv"]
    assert noted and noted[0]["level"] == "info" and "has a header and no rows: read as none" in noted[0]["message"]
    coverage = {c["rule"]: c for c in found["coverage"]}
    assert all(coverage[rule]["status"] == "assessed" for rule in _needing("vCD"))


def test_header_only_tabs_of_one_export_are_one_row_of_the_pdf(tmp_path: Path) -> None:
    """bcspa1's data quality had a row per header-only tab (dvPort, dvSwitch, vSnapshot, vUSB), one page for four
    notes that say the same; the findings JSON keeps one entry per tab."""
    from reportgen.audit import run_audit
    from reportgen.report import build_report

    folder = write_csv_folder(small_estate(), tmp_path / "export")
    path = folder / "RVTools_tabvCD.csv"
    path.write_bytes(path.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    (folder / "RVTools_tabvUSB.csv").write_bytes(b"VM,Powerstate,Template,Connected,Path,Host\r\n")
    audit = run_audit([folder])
    notes = [i for i in audit.analysis.estate.issues if "has a header and no rows" in i.message]
    assert sorted(str(i.sheet) for i in notes) == ["RVTools_tabvCD.csv", "RVTools_tabvUSB.csv"]
    rows = [g for g in build_report(audit.analysis, audit.costing).issues if "header and no rows" in g.message]
    assert [(g.where, g.message) for g in rows] == [
        ("export", "2 tabs have a header and no rows (vCD and vUSB): read as none in this export (RVTools writes a "
                   "tab with nothing to list so)")]


def test_an_empty_vinfo_file_still_stops_the_audit(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    (folder / "RVTools_tabvInfo.csv").write_bytes(b"")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 3 and not found
    assert "RVTools_tabvInfo.csv: the file is empty" in err and "export it again" in err


def _with_sheet(book: Path, tab: str, xml: bytes, target: Path) -> Path:
    """``book`` with the worksheet of ``tab`` replaced by ``xml``."""
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w") as out:
        order = [s.split('"')[0] for s in source.read("xl/workbook.xml").decode().split('<sheet name="')[1:]]
        victim = f"xl/worksheets/sheet{order.index(tab) + 1}.xml"
        for item in source.infolist():
            out.writestr(item, xml if item.filename == victim else source.read(item))
    return target


SHEETLESS = {
    "no-cells": (b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData/>'
                 b"</worksheet>", "has no header row"),
    "cut-in-header": (b'<worksheet><sheetData><row r="1"><c r="A1" t="s"><v>99', "is cut short before its header row"),
}


@pytest.mark.parametrize("case", sorted(SHEETLESS))
def test_a_sheet_without_a_header_row_is_named_and_its_checks_not_assessed(cli: Any, tmp_path: Path,
                                                                            case: str) -> None:
    xml, problem = SHEETLESS[case]
    book = _with_sheet(write_xlsx(small_estate(), tmp_path / "book.xlsx"), "vDisk", xml, tmp_path / "cut.xlsx")
    code, err, found = _audit(cli, book, tmp_path / "f.json")
    assert code == 0, err  # was an internal error (exit 70)
    noted = [i for i in found["data_quality"] if i["sheet"] == "vDisk"]
    assert noted and f"the sheet {problem}" in noted[0]["message"] and "export the workbook again" in noted[0]["message"]
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in _needing("vDisk"):
        assert coverage[rule]["status"] == "not-assessed", rule
        assert f"vDisk was not fully read: sheet 'vDisk' {problem}" in coverage[rule]["reason"], rule


def test_a_vinfo_sheet_without_a_header_row_stops_the_audit(cli: Any, tmp_path: Path) -> None:
    book = _with_sheet(write_xlsx(small_estate(), tmp_path / "book.xlsx"), "vInfo", SHEETLESS["no-cells"][0],
                       tmp_path / "cut.xlsx")
    code, err, found = _audit(cli, book, tmp_path / "f.json")
    assert code == 3 and not found
    assert "the vInfo sheet has no header row" in err and "export the workbook again" in err

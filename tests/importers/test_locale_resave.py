"""CSV exports as a client sends them back: re-saved by Excel in another display language, written by
PowerShell in another encoding, with a ``#TYPE`` line, quoted headers or trailing empty columns.

Each file is read like the original (the same findings and coverage), or the audit stops naming the file,
or what could not be read is in the data quality and the checks that needed it are not assessed.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rvtools_files import small_estate, write_csv_folder

ROOT = Path(__file__).resolve().parents[2]
LOOSE = ROOT / "samples" / "hyperv" / "loose"
TYPE_LINE = "#TYPE System.Management.Automation.PSCustomObject"
_DECIMAL = re.compile(r"^-?\d+\.\d+$")
_DATE = re.compile(r"^(\d{4})[/-](\d\d)[/-](\d\d)[ T](\d\d):(\d\d)(:\d\d)?$")
WORDS = {"de": ("WAHR", "FALSCH"), "fr": ("VRAI", "FAUX"), "pt": ("VERDADEIRO", "FALSO"), "pl": ("PRAWDA", "FAŁSZ"),
         "ru": ("ИСТИНА", "ЛОЖЬ"), "tr": ("DOĞRU", "YANLIŞ")}
ANSI = {"pl": "cp1250", "ru": "cp1251", "tr": "cp1254"}
"""Excel's "CSV (delimited)" is the Windows code page of the display language; Western languages use cp1252."""


def _rows(path: Path) -> tuple[str | None, list[list[str]]]:
    data = path.read_bytes()
    text = data.decode("utf-16") if data.startswith(codecs.BOM_UTF16_LE) else data.decode("utf-8-sig")
    type_line = None
    if text.startswith("#TYPE"):
        type_line, text = text.split("\n", 1)
    delimiter = ";" if text.split("\n", 1)[0].count(";") > text.split("\n", 1)[0].count(",") else ","
    return type_line, list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _write(path: Path, rows: list[list[str]], *, delimiter: str = ",", encoding: str = "utf-8", bom: bytes = b"",
           quoting: int = csv.QUOTE_MINIMAL, type_line: str | None = None) -> None:
    buffer = io.StringIO()
    if type_line:
        buffer.write(type_line.rstrip("\r") + "\r\n")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n", quoting=quoting).writerows(rows)
    path.write_bytes(bom + buffer.getvalue().encode(encoding))


def _excel_cell(value: str, language: str) -> str:
    """A cell as Excel shows it, and so saves it, in ``language``: decimal comma, local dates and TRUE/FALSE."""
    if _DECIMAL.match(value):
        return value.replace(".", ",")
    date = _DATE.match(value)
    if date:
        year, month, day, hour, minute, _ = date.groups()
        return f"{day}.{month}.{year} {hour}:{minute}" if language == "de" else f"{day}/{month}/{year} {hour}:{minute}"
    true, false = WORDS[language]
    return {"true": true, "false": false}.get(value.lower(), value)


Resave = Callable[[Path, str | None, list[list[str]]], None]


def _excel(language: str, encoding: str | None = None, bom: bytes = b"") -> Resave:
    def resave(path: Path, type_line: str | None, rows: list[list[str]]) -> None:
        cells = [rows[0], *([_excel_cell(c, language) for c in row] for row in rows[1:])]
        _write(path, cells, delimiter=";", encoding=encoding or ANSI.get(language, "cp1252"), bom=bom)
    return resave


def _copy(source: Path, target: Path, resave: Resave) -> Path:
    target.mkdir(parents=True)
    for file in sorted(source.glob("*.csv")):
        type_line, rows = _rows(file)
        resave(target / file.name, type_line, rows)
    return target


def _audit(cli: Any, export: Path, out: Path) -> tuple[int, str, dict[str, Any]]:
    result = cli(["audit", export, "--json", out, "-q"])
    return result.code, result.stderr, (json.loads(out.read_text()) if out.exists() else {})


def _seen(found: dict[str, Any]) -> dict[str, Any]:
    """What a reader of the report sees: findings, guest clusters, coverage and counts (row numbers in the
    evidence are lines of the file, which a ``#TYPE`` line added or dropped moves)."""
    return {
        "findings": sorted((f["rule"], f["severity"], (f["guest"] or {}).get("name") or "", f["host"] or "",
                            re.sub(r"\brows? [\d, ]+", "row", f["evidence"])) for f in found["findings"]),
        "clusters": sorted(c["name"] for c in found["faux_clusters"]),
        "coverage": sorted((c["rule"], c["status"]) for c in found["coverage"]),
        "estate": (found["estate"]["hosts"], found["estate"]["guests"]),
        "skipped": sum(i["rows"] or 0 for i in found["data_quality"] if i["skipped"]),
    }


def _bytes(change: Callable[[bytes], bytes]) -> Resave:
    def resave(path: Path, type_line: str | None, rows: list[list[str]]) -> None:
        _write(path, rows, quoting=csv.QUOTE_ALL, type_line=type_line)
        path.write_bytes(change(path.read_bytes()))
    return resave


RESAVES: dict[str, Resave] = {
    "excel-de": _excel("de"),
    "excel-fr": _excel("fr"),
    "excel-pt": _excel("pt"),
    "excel-pl-ansi": _excel("pl"),
    "excel-ru-ansi": _excel("ru"),
    "excel-tr-ansi": _excel("tr"),
    "excel-de-csv-utf8": _excel("de", "utf-8", codecs.BOM_UTF8),
    "excel-unicode-text": lambda p, t, rows: _write(p, rows, delimiter="\t", encoding="utf-16-le",
                                                    bom=codecs.BOM_UTF16_LE),
    "powershell-unicode": lambda p, t, rows: _write(p, rows, encoding="utf-16-le", bom=codecs.BOM_UTF16_LE,
                                                    quoting=csv.QUOTE_ALL, type_line=t or TYPE_LINE),
    "powershell-utf8-bom": lambda p, t, rows: _write(p, rows, bom=codecs.BOM_UTF8, quoting=csv.QUOTE_ALL,
                                                     type_line=t),
    "type-line-pscustomobject": lambda p, t, rows: _write(p, rows, quoting=csv.QUOTE_ALL, type_line=TYPE_LINE),
    "use-culture-quoted": lambda p, t, rows: _write(p, rows, delimiter=";", quoting=csv.QUOTE_ALL, type_line=t),
    "cr-cr-lf": _bytes(lambda b: b.replace(b"\r\n", b"\r\r\n")),  # a CRLF file copied in text mode
    "ctrl-z-at-the-end": _bytes(lambda b: b + b"\x1a"),  # DOS end-of-file mark
    "space-after-each-comma": _bytes(lambda b: b.replace(b'","', b'", "')),
    "space-after-commas-of-the-header": _bytes(lambda b: b.replace(b'","', b'", "', 3)),
}


@pytest.mark.parametrize("how", sorted(RESAVES))
def test_a_resaved_rvtools_csv_folder_reads_like_the_original(cli: Any, tmp_path: Path, how: str) -> None:
    original = write_csv_folder(small_estate(), tmp_path / "original")
    resaved = _copy(original, tmp_path / how, RESAVES[how])
    code, err, found = _audit(cli, resaved, tmp_path / "resaved.json")
    assert code == 0, err
    base_code, base_err, base = _audit(cli, original, tmp_path / "original.json")
    assert base_code == 0, base_err
    assert _seen(found) == _seen(base)
    assert not [i for i in found["data_quality"] if "not understood" in i["message"]]


@pytest.mark.parametrize("how", sorted(set(RESAVES) - {"excel-ru-ansi"}))  # cp1251 cannot write the sample's 'ü'
def test_resaved_hyperv_export_csv_files_read_like_the_originals(cli: Any, tmp_path: Path, how: str) -> None:
    resaved = _copy(LOOSE, tmp_path / how, RESAVES[how])
    code, err, found = _audit(cli, resaved, tmp_path / "resaved.json")
    assert code == 0, err
    _, _, base = _audit(cli, LOOSE, tmp_path / "original.json")
    assert _seen(found) == _seen(base)
    assert not [i for i in found["data_quality"] if "not understood" in i["message"]]


def test_trailing_empty_columns_are_noted_and_change_nothing(cli: Any, tmp_path: Path) -> None:
    """Excel writes ';;;' after every row when cells right of the table were once touched."""
    original = write_csv_folder(small_estate(), tmp_path / "original")
    resaved = _copy(original, tmp_path / "trailing", lambda p, t, rows: _write(
        p, [[*r, "", "", ""] for r in rows], delimiter=";", encoding="cp1252"))
    code, err, found = _audit(cli, resaved, tmp_path / "resaved.json")
    assert code == 0, err
    _, _, base = _audit(cli, original, tmp_path / "original.json")
    assert _seen(found) == _seen(base)
    notes = [i for i in found["data_quality"] if i["sheet"] == "RVTools_tabvDisk.csv"]
    assert [i["message"] for i in notes] == ["3 column(s) without a header ignored (column number 28, 29, 30)"]


def _words(true: str, false: str) -> Resave:
    def resave(path: Path, type_line: str | None, rows: list[list[str]]) -> None:
        swap = {"true": true, "false": false}
        _write(path, [rows[0], *([swap.get(c.lower(), c) for c in r] for r in rows[1:])], delimiter=";")
    return resave


def test_true_and_false_in_an_unknown_language_leave_their_checks_not_assessed(cli: Any, tmp_path: Path) -> None:
    """Booleans reportgen cannot read are unknown: every check that needs the column says so, and the data
    quality names the file, the first row and the column, never a finding quietly lost or changed."""
    original = write_csv_folder(small_estate(), tmp_path / "original")
    resaved = _copy(original, tmp_path / "ja-nein", _words("JA", "NEIN"))
    code, err, found = _audit(cli, resaved, tmp_path / "resaved.json")
    assert code == 0, err
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in ("VMW-02", "VMW-10", "VMW-11"):
        assert coverage[rule]["status"] == "not-assessed", rule
    assert "vDisk column 'Raw' has values reportgen cannot read" in coverage["VMW-02"]["reason"]
    assert "vNetwork column 'Connected'" in coverage["VMW-10"]["reason"]
    unread = {(i["sheet"], i["column"]): i for i in found["data_quality"] if "not understood" in i["message"]}
    assert unread[("RVTools_tabvDisk.csv", "Raw")]["row"] == 2
    assert "(e.g. 'NEIN'); read as unknown" in unread[("RVTools_tabvDisk.csv", "Raw")]["message"]
    assert ("RVTools_tabvNetwork.csv", "Connected") in unread  # was read as unknown without a word
    assert ("RVTools_tabvCluster.csv", "HA enabled") in unread


def test_hyperv_true_and_false_in_an_unknown_language_are_named(cli: Any, tmp_path: Path) -> None:
    resaved = _copy(LOOSE, tmp_path / "ja-nein", _words("JA", "NEIN"))
    code, err, found = _audit(cli, resaved, tmp_path / "resaved.json")
    assert code == 0, err
    unread = {(i["sheet"], i["column"]) for i in found["data_quality"] if "not understood" in i["message"]}
    assert {("disks.csv", "SupportPersistentReservations"), ("nics.csv", "Connected")} <= unread
    hyv01 = {c["rule"]: c for c in found["coverage"]}["HYV-01"]  # the column is an optional need of HYV-01
    assert hyv01["status"] == "assessed"
    assert "partly: Get-VMHardDiskDrive column 'SupportPersistentReservations' has values reportgen cannot read" \
        in hyv01["reason"]


@pytest.mark.parametrize("content", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE, b"\r\n\r\n",
                                     (TYPE_LINE + "\r\n").encode()], ids=["empty", "utf8-bom", "utf16-bom",
                                                                           "blank-lines", "type-line"])
@pytest.mark.parametrize("tab", ["vInfo"])  # another tab: tests/importers/test_empty_tabs.py
def test_an_empty_rvtools_csv_stops_the_audit_naming_the_file(cli: Any, tmp_path: Path, content: bytes,
                                                               tab: str) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    (folder / f"RVTools_tab{tab}.csv").write_bytes(content)
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 3 and not found
    assert f"RVTools_tab{tab}.csv: the file is empty" in err and "export it again" in err
    assert "Traceback" not in err


def test_a_header_only_vdisk_csv_leaves_the_disk_checks_not_assessed(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    disk = folder / "RVTools_tabvDisk.csv"
    disk.write_bytes(disk.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    coverage = {c["rule"]: c for c in found["coverage"]}
    assert coverage["VMW-02"]["status"] == "not-assessed"
    assert "vDisk was not fully read" in coverage["VMW-02"]["reason"]
    assert not [f for f in found["findings"] if f["rule"] in ("VMW-01", "VMW-02", "VMW-03")]


def test_a_header_only_vinfo_csv_stops_the_audit(cli: Any, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    info = folder / "RVTools_tabvInfo.csv"
    info.write_bytes(codecs.BOM_UTF8 + info.read_bytes().split(b"\r\n", 1)[0] + b"\r\n")
    code, err, _ = _audit(cli, folder, tmp_path / "f.json")
    assert code == 3
    assert "the vInfo tab has no rows" in err and "export vInfo again" in err


@pytest.mark.parametrize("content", [b"", TYPE_LINE.encode() + b"\r\n", codecs.BOM_UTF16_LE])
def test_an_empty_hyperv_csv_is_noted_and_its_checks_not_assessed(cli: Any, tmp_path: Path, content: bytes) -> None:
    folder = tmp_path / "export"
    shutil.copytree(LOOSE, folder)
    (folder / "disks.csv").write_bytes(content)
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert any(i["sheet"] == "disks.csv" and "no objects were exported" in i["message"]
               for i in found["data_quality"])
    coverage = {c["rule"]: c for c in found["coverage"]}
    assert coverage["HYV-01"]["status"] == "not-assessed"


def test_a_header_only_hyperv_disk_file_is_not_read_as_no_disks(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "export"
    shutil.copytree(LOOSE, folder)
    type_line, rows = _rows(folder / "disks.csv")
    _write(folder / "disks.csv", rows[:1], quoting=csv.QUOTE_ALL, type_line=type_line)
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    hyv01 = {c["rule"]: c for c in found["coverage"]}["HYV-01"]
    assert hyv01["status"] == "not-assessed"
    assert "Get-VMHardDiskDrive failed on HVSA01 (no virtual disk listed for any of its" in hyv01["reason"]

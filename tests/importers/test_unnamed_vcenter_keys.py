"""An RVTools export that names no vCenter (a trimmed or old export without 'VI SDK UUID' and 'VI SDK Server'):
its guests' keys carry no file path into the JSON, the workbook, the HTML or the PDF, and two such exports read
together, even of one vCenter, never share a key, so their guests are never merged."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES
from tests.leaks import html_text, pdf_texts, xlsx_text

EXPORT = SAMPLES / "rvtools-csv" / "acme-vc01"
MARK = "Private-Share-q7x"
"""A folder name that must not appear in any output."""


def _unnamed(target: Path, renamed: float = 0.0) -> Path:
    """The sample CSV export without its vCenter columns; ``renamed``: the share of VM IDs given new ones (other
    guests of the same vCenter)."""
    target.mkdir(parents=True)
    ids: dict[str, str] = {}
    for file in sorted(EXPORT.glob("*.csv")):
        rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8-sig"), newline="")))
        header = rows[0]
        keep = [i for i, h in enumerate(header) if h not in ("VI SDK UUID", "VI SDK Server")]
        at = header.index("VM ID") if "VM ID" in header else None
        for row in rows[1:]:
            if at is not None and row[at]:
                if row[at] not in ids:
                    ids[row[at]] = row[at] if len(ids) % 10 >= renamed * 10 else f"{row[at]}-2"
                row[at] = ids[row[at]]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([[r[i] for i in keep if i < len(r)] for r in rows])
        (target / file.name).write_text(buffer.getvalue(), encoding="utf-8")
    return target


def _audit(cli: Any, exports: list[Path], out: Path) -> dict[str, Any]:
    result = cli(["audit", *exports, "--json", out / "f.json", "--xlsx", out / "f.xlsx", "--html", out / "f.html",
                  "-o", out / "r.pdf", "-q"])
    assert result.code in (0, 1), result.stderr
    found: dict[str, Any] = json.loads((out / "f.json").read_text())
    return found


def _keys(found: dict[str, Any]) -> set[str]:
    return {g["key"] for c in found["faux_clusters"] for g in c["guests"]} | {
        f["guest"]["key"] for f in found["findings"] if f["guest"]}


def test_no_output_shows_the_folder_of_an_export_that_names_no_vcenter(cli: Any, tmp_path: Path) -> None:
    export = _unnamed(tmp_path / MARK / "vc01")
    found = _audit(cli, [export], tmp_path)
    keys = _keys(found)
    assert keys and all(k.startswith("export-") for k in keys)
    texts = {"JSON": (tmp_path / "f.json").read_text(), "XLSX": xlsx_text(tmp_path / "f.xlsx"),
             "HTML": html_text(tmp_path / "f.html"), **pdf_texts(tmp_path / "r.pdf")}
    assert {name: MARK.lower() in text.lower() for name, text in texts.items()} == dict.fromkeys(texts, False)
    assert not any("file:" in k for k in keys)


def test_two_unnamed_exports_of_one_vcenter_keep_their_guests_apart(cli: Any, tmp_path: Path) -> None:
    """Four guests in ten are in both exports, under the same VM ID: too few to be one export given twice."""
    one = _unnamed(tmp_path / "a" / "vc01")
    two = _unnamed(tmp_path / "b" / "vc01", renamed=0.6)
    (tmp_path / "alone").mkdir()
    alone = _audit(cli, [one], tmp_path / "alone")
    both = _audit(cli, [one, two], tmp_path)
    assert both["estate"]["guests"] == 2 * alone["estate"]["guests"]  # none merged
    keys = _keys(both)
    prefixes = sorted({k.split("/")[0] for k in keys})
    assert len(prefixes) == 2
    first, second = ({k.split("/", 1)[1] for k in keys if k.startswith(p)} for p in prefixes)
    assert first & second  # the same VM ID in both exports, under two keys


def test_one_unnamed_export_given_twice_is_refused(cli: Any, tmp_path: Path) -> None:
    """Without VM IDs its guests are keyed by name, so no share of VM IDs can tell it is one export."""
    export = _unnamed(tmp_path / "vc01")
    for file in export.glob("*.csv"):
        rows = list(csv.reader(io.StringIO(file.read_text(encoding="utf-8"), newline="")))
        keep = [i for i, h in enumerate(rows[0]) if h not in ("VM ID", "VM UUID")]
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows([[r[i] for i in keep if i < len(r)] for r in rows])
        file.write_text(buffer.getvalue(), encoding="utf-8")
    result = cli(["audit", export, tmp_path / "." / "vc01", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3 and "Traceback" not in result.stderr
    assert "is the same export as" in result.stderr and "given twice" in result.stderr

"""A workbook re-saved or edited in a spreadsheet program: cells holding an error value (#N/A, #REF!) are
unknown, never an empty cell that reads as "no sharing", and text written inline reads as shared text does."""

from __future__ import annotations

import html
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from tests.rvtools_files import small_estate, tabs, write_tabs_xlsx


def _letter(col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _rewrite(book: Path, out: Path, edit: Any) -> Path:
    """``book`` with each worksheet's XML passed through ``edit(sheet name, xml, shared strings)``."""
    with zipfile.ZipFile(book) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    strings = [html.unescape(re.sub(r"<[^>]+>", "", si))
               for si in re.findall(r"<si>(.*?)</si>", parts["xl/sharedStrings.xml"].decode(), re.S)]
    names = re.findall(r'<sheet name="([^"]+)"', parts["xl/workbook.xml"].decode())
    for i, name in enumerate(names):
        member = f"xl/worksheets/sheet{i + 1}.xml"
        parts[member] = edit(name, parts[member].decode(), strings).encode()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    return out


def _error_at(tab: str, column: str, row: int, value: str = "#N/A") -> Any:
    ref = f"{_letter(tabs(small_estate())[tab][0].index(column))}{row}"

    def edit(sheet: str, xml: str, strings: list[str]) -> str:
        if sheet != tab:
            return xml
        xml, done = re.subn(rf'<c r="{ref}"[^>]*?(/>|>.*?</c>)', f'<c r="{ref}" t="e"><v>{value}</v></c>', xml,
                            count=1)
        assert done == 1
        return xml
    return edit


def _inline(sheet: str, xml: str, strings: list[str]) -> str:
    """Shared-string cells written as inline strings, as some programs save them."""
    return re.sub(r'<c r="([A-Z]+\d+)"([^>]*?) t="s"([^>]*)><v>(\d+)</v></c>',
                  lambda m: f'<c r="{m[1]}"{m[2]} t="inlineStr"{m[3]}><is><t>{html.escape(strings[int(m[4])])}</t>'
                            "</is></c>", xml)


def _audit(cli: Any, export: Path) -> dict[str, Any]:
    out = export.with_suffix(".json")
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def _findings(document: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((f["rule"], f["guest"]["name"] if f["guest"] else "", f["evidence"]) for f in document["findings"])


def _coverage(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["rule"]: (c["status"], c["reason"] or "") for c in document["coverage"]}


def test_an_error_value_in_a_column_a_check_reads_makes_it_not_assessed(cli: Any, tmp_path: Path) -> None:
    """Before: '#N/A' in sql01's shared disk's Shared Bus read as an empty cell: its VMW-02 finding was gone
    while VMW-02 stayed 'assessed', and nothing said a cell could not be read."""
    book = write_tabs_xlsx(tabs(small_estate()), tmp_path / "plain.xlsx")
    plain = _audit(cli, book)
    assert ("VMW-02", "sql01") in {(r, g) for r, g, _ in _findings(plain)}
    edited = _audit(cli, _rewrite(book, tmp_path / "edited.xlsx", _error_at("vDisk", "Shared Bus", 3)))
    status, reason = _coverage(edited)["VMW-02"]
    assert status == "not-assessed"
    assert "vDisk column 'Shared Bus' has cells holding a spreadsheet error value, read as unknown" in reason
    [line] = [d for d in edited["data_quality"] if "spreadsheet error value" in d["message"]]
    assert (line["sheet"], line["column"], line["rows"]) == ("vDisk", "Shared Bus", 1)
    assert "export it again from RVTools, or fix the cells" in line["message"]
    assert _coverage(plain)["VMW-02"][0] == "assessed"


def test_an_error_value_in_a_column_no_check_reads_changes_nothing(cli: Any, tmp_path: Path) -> None:
    book = write_tabs_xlsx(tabs(small_estate()), tmp_path / "plain.xlsx")
    plain = _audit(cli, book)
    edited = _audit(cli, _rewrite(book, tmp_path / "edited.xlsx", _error_at("vDisk", "SRM Placeholder", 3, "#REF!")))
    assert _findings(edited) == _findings(plain) and _coverage(edited) == _coverage(plain)
    assert not [d for d in edited["data_quality"] if "spreadsheet error value" in d["message"]]


def test_text_written_inline_reads_as_shared_text(cli: Any, tmp_path: Path) -> None:
    book = write_tabs_xlsx(tabs(small_estate()), tmp_path / "plain.xlsx")
    plain = _audit(cli, book)
    inline = _audit(cli, _rewrite(book, tmp_path / "inline.xlsx", _inline))
    assert _findings(inline) == _findings(plain) and _coverage(inline) == _coverage(plain)
    assert len(inline["faux_clusters"]) == 2

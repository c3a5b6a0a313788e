"""An audit of a workbook whose XML is written in another form XML allows finds what it finds in the plain one.

Before, a cell tag with a line break or tab before its attributes was passed over (a value lost mid-row), spaces
around ``=`` ended the sheet as malformed, a closing ``</row >`` merged the next row into it, a cell in a
comment holding '>' was read, text in a CDATA section was lost and a sheet in UTF-16 stopped the audit with "no header row". A date-styled cell holding 1e20
and a boolean cell holding 7 were read as garbage text and as false: now unknown, and said.
"""

from __future__ import annotations

import codecs
import json
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.rvtools_files import small_estate, tabs, write_tabs_xlsx, write_xlsx


def _audit(cli: Any, book: Path) -> tuple[int, str, dict[str, Any]]:
    out = book.with_suffix(".json")
    result = cli(["audit", book, "--json", out, "-q"])
    found = json.loads(out.read_text()) if out.exists() else {}
    found.pop("generated_at", None)
    return result.code, result.stderr, found


def _rewritten(book: Path, target: Path, change: Callable[[str, bytes], bytes]) -> Path:
    """``book`` with every part passed through ``change(name, xml)``."""
    target.parent.mkdir(exist_ok=True)
    with zipfile.ZipFile(book) as source, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            out.writestr(item.filename, change(item.filename, source.read(item)))
    return target


def _sheets(edit: Callable[[bytes], bytes]) -> Callable[[str, bytes], bytes]:
    return lambda name, xml: edit(xml) if name.startswith("xl/worksheets/") else xml


def _cdata(name: str, xml: bytes) -> bytes:
    if name != "xl/sharedStrings.xml":
        return xml
    return re.sub(rb"<t>([^<&]*)</t>", rb"<t><![CDATA[\1]]></t>", xml)


def _utf16(name: str, xml: bytes) -> bytes:
    if not name.startswith(("xl/worksheets/", "xl/sharedStrings")):
        return xml
    return codecs.BOM_UTF16_LE + xml.replace(b'encoding="UTF-8"', b'encoding="UTF-16"').decode().encode("utf-16-le")


FORMS: dict[str, Callable[[str, bytes], bytes]] = {
    "line break before the attributes": _sheets(lambda x: x.replace(b'<c r="', b'<c\n  r="')),
    "tab before the attributes": _sheets(lambda x: x.replace(b'<c r="', b'<c\tr="')),
    "spaces around =": _sheets(lambda x: re.sub(rb'(<(?:c|row) [^>]*)', lambda m: m.group(1).replace(b'="', b' = "'),
                                                x)),
    "white space before >": _sheets(lambda x: x.replace(b"</row>", b"</row >").replace(b"</c>", b"</c\n>")),
    "comments between cells": _sheets(lambda x: x.replace(b"</c><c", b'</c><!-- a > <c r="B1"><v>9</v></c> -->'
                                                          b"<?x a > b?><c")),
    "CDATA sections": _cdata,
    "UTF-16": _utf16,
}


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_workbook_in_another_xml_form_audits_the_same(cli: Any, tmp_path: Path, form: str) -> None:
    (tmp_path / "plain").mkdir()
    plain = write_xlsx(small_estate(), tmp_path / "plain" / "e.xlsx")
    other = _rewritten(plain, tmp_path / "other" / "e.xlsx", FORMS[form])
    assert other.read_bytes() != plain.read_bytes()
    code, err, found = _audit(cli, plain)
    assert code == 0 and found["findings"], err
    assert _audit(cli, other) == (code, err, found)


def _with_cell(tmp_path: Path, tab: str, column: str, cell: Callable[[str], str]) -> Path:
    """The small estate's workbook with the first data row's cell of ``column`` in ``tab`` replaced by
    ``cell(reference)`` (a whole ``<c>`` element)."""
    book = tabs(small_estate())
    cols, _rows = book[tab]
    letter = chr(ord("A") + cols.index(column))
    plain = write_tabs_xlsx(book, tmp_path / "plain.xlsx")
    order = list(book).index(tab) + 1

    def change(name: str, xml: bytes) -> bytes:
        if name != f"xl/worksheets/sheet{order}.xml":
            return xml
        return re.sub(rf'<c r="{letter}2"[^>]*?(/>|>.*?</c>)'.encode(), cell(f"{letter}2").encode(), xml, count=1)

    return _rewritten(plain, tmp_path / "odd" / "e.xlsx", change)


def test_an_export_time_out_of_any_calendar_is_unknown_and_said(cli: Any, tmp_path: Path) -> None:
    """Before: 1e20 in a date-styled cell was read as '2030437201-06-05 2047687697:-12...'."""
    book = _with_cell(tmp_path, "vMetaData", "xlsx creation datetime", lambda ref: f'<c r="{ref}" s="1"><v>1E+20</v></c>')
    code, err, found = _audit(cli, book)
    assert code == 0, err
    assert found["estate"]["sources"][0]["exported_at"] is None
    [line] = [d for d in found["data_quality"] if "type cannot have" in d["message"]]
    assert (line["sheet"], line["row"], line["level"]) == ("vMetaData", 2, "warning")
    assert line["message"].startswith("1 cell(s) hold a value their type cannot have (a date before 1900 or after 9999")
    assert "2030437201" not in json.dumps(found)
    [history] = [d for d in found["data_quality"] if "today's quarter" in d["message"]]
    assert history["message"].startswith("the export time's cell holds a value that is not a date and time reportgen can read")


def test_a_boolean_cell_holding_7_is_unknown_and_said(cli: Any, tmp_path: Path) -> None:
    """Before: read as false, so the guest was taken for a VM where it may be a template."""
    book = _with_cell(tmp_path, "vInfo", "Template", lambda ref: f'<c r="{ref}" t="b"><v>7</v></c>')
    code, err, found = _audit(cli, book)
    assert code == 0, err
    [line] = [d for d in found["data_quality"] if d["column"] == "Template" and "type cannot have" in d["message"]]
    assert (line["sheet"], line["row"], line["rows"]) == ("vInfo", 2, 1)
    assert "a true/false other than 1 and 0" in line["message"] and "read as unknown" in line["message"]


def test_a_vinfo_in_utf16_cut_in_a_character_is_refused_naming_the_sheet(cli: Any, tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    plain = write_xlsx(small_estate(), tmp_path / "plain" / "e.xlsx")
    book = _rewritten(plain, tmp_path / "cut" / "e.xlsx",
                      lambda name, xml: _utf16(name, xml) + b"<" if name == "xl/worksheets/sheet1.xml" else xml)
    code, err, found = _audit(cli, book)
    assert code == 3 and not found
    assert "the vInfo sheet is damaged (the part xl/worksheets/sheet1.xml is not the UTF-16 text it says it is" in err
    assert "copy or export the workbook again" in err

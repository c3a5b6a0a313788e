"""The worksheet scanner: values as a spreadsheet shows them, only the chosen columns, any piece size.

fastexcel (calamine) is the reference: on generated workbooks and on the real exports, every
column the scanner reads must equal what calamine reads (after trimming, which the importer
applies), except numbers that calamine rounds to nine decimals.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import fastexcel
import pytest
import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reportgen._core.sheetscan import SheetScanner, parse_shared_strings
from reportgen.importers import xlsx_read
from reportgen.importers.xlsx_read import index_workbook, read_columns, read_shared_strings
from tests.conftest import real_export


def _scan(path: Path | io.BytesIO, sheet: str, pick: list[int] | None = None):
    with zipfile.ZipFile(path) as archive:
        index = index_workbook(archive)
        strings = read_shared_strings(archive, index)
        return read_columns(archive, index, sheet, strings, lambda h: sorted(h) if pick is None else pick)


# White space as Unicode (and polars' strip_chars) defines it; Python's str.strip also strips \x1c-\x1f.
WHITE_SPACE = "\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(map(chr, range(0x2000, 0x200B))) + "\u2028\u2029\u202f\u205f\u3000"


def _as_text(value: object) -> str | None:
    text = None if value is None else str(value).strip(WHITE_SPACE)
    return text or None


def _reference(path: Path | io.BytesIO, sheet: str) -> dict[str, list[str | None]]:
    if isinstance(path, io.BytesIO):
        path.seek(0)
        source: Path | bytes = path.read()
    else:
        source = path
    frame = fastexcel.read_excel(source).load_sheet(
        sheet, dtypes="string", skip_whitespace_tail_rows=True, whitespace_as_null=True
    ).to_arrow()
    return {name: [_as_text(v) for v in frame.column(name).to_pylist()] for name in frame.column_names}


def _workbook(rows: list[list[object]], date_format: str = "yyyy-mm-dd hh:mm:ss") -> io.BytesIO:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    sheet = book.add_worksheet("vInfo")
    dates = book.add_format({"num_format": date_format})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, dates)
            elif isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif value is not None:
                sheet.write(r, c, value)
    book.close()
    buffer.seek(0)
    return buffer


def test_values_read_as_a_spreadsheet_shows_them() -> None:
    rows = [
        ["Text", "Int", "Float", "Big", "When", "Flag", "Formula", "Spaces", "Entities"],
        ["vm_x005F_01", 4096, 1.5, 1e20, dt.datetime(2025, 5, 30, 15, 43, 3), True, "=1+1", "  padded\u00a0 ", "a & <b>"],
        ["vm\x0102", 0, 0.1, 123456789012, dt.datetime(1999, 12, 31, 23, 59, 59), False, None, "   ", "\"q\" 'a'"],
    ]
    read = _scan(_workbook(rows), "vInfo")
    values = {read.header[c]: arr.to_pylist() for c, arr in read.columns.items()}
    assert values["Text"] == ["vm_x005F_01", "vm\x0102"]  # stored as Excel's _x0001_ escape
    assert values["Int"] == ["4096", "0"]
    assert values["Float"] == ["1.5", "0.1"]
    assert values["Big"] == ["100000000000000000000", "123456789012"]
    assert values["When"] == ["2025-05-30 15:43:03", "1999-12-31 23:59:59"]
    assert values["Flag"] == ["true", "false"]
    assert values["Formula"] == ["0", None]  # xlsxwriter stores 0 as the cached result
    assert values["Spaces"] == ["padded", None]  # trimmed; white space only is empty
    assert values["Entities"] == ["a & <b>", "\"q\" 'a'"]
    assert (read.first_row, read.rows, read.width, read.complete) == (2, 2, 9, True)


def test_only_chosen_columns_are_materialised_and_rows_keep_their_numbers() -> None:
    rows = [["A", "B", "C"], ["1", "x", "y"], [None, None, None], [None, None, None], ["4", None, "z"]]
    read = _scan(_workbook(rows), "vInfo", pick=[2])
    assert list(read.columns) == [2]
    assert read.columns[2].to_pylist() == ["y", None, None, "z"]
    assert (read.first_row, read.rows) == (2, 4)


def test_trailing_rows_without_values_are_not_rows() -> None:
    rows = [["A", "B"], ["1", "2"], [None, "only B"], [None, None], [None, None]]
    read = _scan(_workbook(rows), "vInfo", pick=[0])
    assert read.rows == 2  # row 3 has a value in an unchosen column: it is a row (blank in A)
    assert read.columns[0].to_pylist() == ["1", None]


def test_a_column_without_header_widens_the_sheet() -> None:
    rows = [["A", None, "C"], ["1", "2", "3", "4"]]
    read = _scan(_workbook(rows), "vInfo")
    assert read.header == {0: "A", 2: "C"} and read.width == 4


SHEET = (
    '<?xml version="1.0"?><x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    "<x:sheetData>{rows}</x:sheetData></x:worksheet>"
)


def _scanner(xml: bytes, strings: bytes = b"<sst/>", styles: bytes = b"", date1904: bool = False) -> SheetScanner:
    return SheetScanner(parse_shared_strings(strings), styles, date1904)


def _run(scanner: SheetScanner, xml: bytes, piece: int, pick: list[int]) -> tuple[int, list[list[str | None]]]:
    pending = b""
    for start in range(0, len(xml) + 1, piece):
        chunk = xml[start:start + piece]
        data = pending + chunk
        used = scanner.feed(data, 0, len(pending))  # as read_columns does: the carried bytes hold no row end
        if scanner.needs_columns:
            scanner.choose(pick)
            used = scanner.feed(data, used)
        pending = data[used:]
    rows, columns = scanner.finish()
    out = []
    for data, offsets, bitmap, nulls in columns:
        out.append(xlsx_read._arrow(rows, data, offsets, bitmap, nulls).to_pylist())
    return rows, out


def test_prefixed_inline_rich_text_and_cells_without_references() -> None:
    rows = (
        '<x:row r="1"><x:c t="inlineStr"><x:is><x:t>Name</x:t></x:is></x:c>'
        '<x:c t="s"><x:v>0</x:v></x:c></x:row>'
        '<x:row><x:c t="inlineStr"><x:is><x:r><x:rPr><x:b/></x:rPr><x:t>ri</x:t></x:r>'
        '<x:r><x:t xml:space="preserve">ch </x:t></x:r><x:rPh><x:t>PHONETIC</x:t></x:rPh></x:is></x:c>'
        '<x:c t="e"><x:v>#N/A</x:v></x:c></x:row>'
        '<x:row r="4"><x:c r="B4" t="str"><x:f>A1</x:f><x:v>x&amp;y&#233;&#x263A;</x:v></x:c></x:row>'
    )
    strings = b'<sst><si><r><t>Ho</t></r><r><t>st</t></r></si></sst>'
    scanner = _scanner(SHEET.format(rows=rows).encode(), strings)
    rows_read, columns = _run(scanner, SHEET.format(rows=rows).encode(), 1 << 20, [0, 1])
    assert rows_read == 3
    assert columns == [["rich", None, None], [None, None, "x&y\u00e9\u263a"]]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    cells=st.lists(
        st.lists(st.one_of(st.none(), st.text(max_size=8), st.integers(-10**6, 10**6), st.booleans(),
                           st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 4))),
                 min_size=3, max_size=3),
        max_size=25,
    ),
    piece=st.integers(7, 400),
)
def test_any_piece_size_gives_what_calamine_reads(cells: list[list[object]], piece: int) -> None:
    """Generated workbooks fed in pieces of any size read the same as fastexcel reads them."""
    book = _workbook([["A", "B", "C"], *cells])
    with zipfile.ZipFile(book) as archive:
        index = index_workbook(archive)
        strings = read_shared_strings(archive, index)
        xml = archive.read(index.sheets["vInfo"])
    rows, columns = _run(SheetScanner(strings, index.date_styles, index.date1904), xml, piece, [0, 1, 2])
    reference = _reference(book, "vInfo")
    for name, column in zip("ABC", columns, strict=True):
        assert column == reference[name][:rows]
        assert all(v is None for v in reference[name][rows:])


def test_malformed_xml_keeps_the_rows_before_and_says_so() -> None:
    rows = '<x:row r="1"><x:c r="A1" t="str"><x:v>H</x:v></x:c></x:row><x:row r="2"><x:c r="A2" t="str"><x:v>ok'
    xml = SHEET.format(rows=rows).encode().replace(b"</x:sheetData></x:worksheet>", b"")
    scanner = _scanner(xml)
    rows_read, columns = _run(scanner, xml + b'</x:v></x:c></x:row><x:row r="2">', 64, [0])
    assert not scanner.complete and rows_read == 1 and columns == [["ok"]]


def test_1904_workbooks_and_custom_date_formats() -> None:
    rows = '<x:row r="1"><x:c r="A1" t="str"><x:v>When</x:v></x:c></x:row><x:row r="2"><x:c r="A2" s="1"><x:v>0.5</x:v></x:c></x:row>'
    xml = SHEET.format(rows=rows).encode()
    assert _run(_scanner(xml, styles=b"\x00\x01", date1904=True), xml, 1 << 20, [0])[1] == [["1904-01-01 12:00:00"]]
    assert xlsx_read._is_date_format("yyyy/MM/dd HH:mm:ss") and xlsx_read._is_date_format('[$-409]d-mmm;@')
    assert not xlsx_read._is_date_format("#,##0.0000") and not xlsx_read._is_date_format('0.00" days"')


@pytest.mark.parametrize("name", [
    "abeggi-bcspa1-4.7.1.xlsx", "abeggi-farm-lonati-4.7.1.xlsx", "abeggi-ovh-4.4.3.xlsx",
    "bm900086-sample-4.6.1.xlsx", "licenseware-3.x.xlsx",
])
def test_real_exports_read_as_calamine_reads_them(name: str) -> None:
    path = real_export(name)
    with zipfile.ZipFile(path) as archive:
        index = index_workbook(archive)
        strings = read_shared_strings(archive, index)
        for sheet in index.sheets:
            read = read_columns(archive, index, sheet, strings, lambda h: sorted(h))
            reference = _reference(path, sheet)
            assert read.complete
            names = [n for n in reference if not n.startswith("__UNNAMED__")]
            assert len(names) == len(read.header), sheet
            for (_col, array), ref_name in zip(sorted(read.columns.items()), names, strict=True):
                mine, theirs = array.to_pylist(), reference[ref_name]
                assert len(mine) == len(theirs), (sheet, ref_name)
                for a, b in zip(mine, theirs, strict=True):
                    if a != b:  # calamine writes numbers with at most nine decimals
                        assert a is not None and b is not None and abs(float(a) - float(b)) < 1e-6, (sheet, ref_name, a, b)


def _inline(row: int, *values: str) -> str:
    cells = "".join(f'<x:c t="inlineStr"><x:is><x:t>{v}</x:t></x:is></x:c>' for v in values)
    return f'<x:row r="{row}">{cells}</x:row>'


def test_a_row_beyond_the_limit_stops_the_scan_and_names_the_row() -> None:
    xml = SHEET.format(rows=_inline(1, "Name") + _inline(2, "y" * 300) + _inline(3, "z")).encode()
    for piece in (1 << 20, 50):
        scanner = SheetScanner(parse_shared_strings(b"<sst/>"), b"", max_row=200)
        rows, _ = _run(scanner, xml, piece, [0])
        assert scanner.long_row == 2 and not scanner.complete and rows == 1
    scanner = SheetScanner(parse_shared_strings(b"<sst/>"), b"", max_row=400)
    assert _run(scanner, xml, 1 << 20, [0]) == (2, [["y" * 300, "z"]]) and scanner.long_row == 0


def test_cells_beyond_the_limit_are_cut_at_a_character_and_counted() -> None:
    strings = b"<sst><si><t>\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9</t></si><si><t>short</t></si></sst>"
    rows = (_inline(1, "Name", "Other") + '<x:row r="2"><x:c t="s"><x:v>0</x:v></x:c><x:c t="s"><x:v>1</x:v></x:c></x:row>'
            + _inline(3, "\u263a" * 4 + "abc", "tiny"))
    scanner = SheetScanner(parse_shared_strings(strings), b"", max_cell=5)
    rows_read, columns = _run(scanner, SHEET.format(rows=rows).encode(), 1 << 20, [0, 1])
    assert columns == [["\u00e9" * 5, "\u263a" * 4 + "a"], ["short", "tiny"]]
    assert scanner.cells_cut == 2 and scanner.first_cut == (2, 0)


def test_a_shared_string_repeated_beyond_the_text_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _workbook([["Name"], *[["the same long name"] for _ in range(50)]])
    monkeypatch.setattr(xlsx_read, "MAX_SHEET_TEXT_BYTES", 500)
    with pytest.raises(xlsx_read.TooLarge, match="the cells read hold more than 500 bytes of text"):
        _scan(book, "vInfo")
    monkeypatch.setattr(xlsx_read, "MAX_SHEET_TEXT_BYTES", 5000)
    assert _scan(book, "vInfo").rows == 50

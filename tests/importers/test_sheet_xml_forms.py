"""Worksheet XML in every form XML allows, read as fastexcel (calamine) reads it.

Each case is a workbook written by hand (zipfile and literal XML): white space inside tags, attributes in
single quotes or with spaces around ``=``, comments and processing instructions between cells, CDATA
sections, character references, rich inline strings, cells and rows without references, a part in UTF-16.
Where calamine reads a cell, the scanner must read the same; where a value is one its type cannot have
(a date out of range, a boolean 7), it is read as empty and counted, never as some other value.
"""

from __future__ import annotations

import codecs
import io
import zipfile

import fastexcel
import pytest

from reportgen.importers.xlsx_read import SheetColumns, WorkbookError, index_workbook, read_columns, read_shared_strings

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
    'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
    'spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
    f'package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>",
    "xl/workbook.xml": f'<?xml version="1.0" encoding="UTF-8"?><workbook {NS} xmlns:r="{_REL}"><sheets>'
    '<sheet name="vInfo" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
    f'openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{_REL}/worksheet" '
    f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{_REL}/sharedStrings" '
    f'Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{_REL}/styles" Target="styles.xml"/>'
    "</Relationships>",
    "xl/styles.xml": f'<?xml version="1.0" encoding="UTF-8"?><styleSheet {NS}><numFmts count="1"><numFmt '
    'numFmtId="164" formatCode="yyyy-mm-dd hh:mm:ss"/></numFmts><cellXfs count="2"><xf numFmtId="0"/>'
    '<xf numFmtId="164" applyNumberFormat="1"/></cellXfs></styleSheet>',
}
HEADER = ('<row r="1"><c r="A1" t="inlineStr"><is><t>Name</t></is></c>'
          '<c r="B1" t="inlineStr"><is><t>Value</t></is></c></row>')
STRINGS = f'<sst {NS} count="2" uniqueCount="2"><si><t>s0</t></si><si><t>s1</t></si></sst>'


def sheet(rows: str, declaration: str = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>') -> bytes:
    return f"{declaration}\n<worksheet {NS}><sheetData>{HEADER}{rows}</sheetData></worksheet>".encode()


def book(xml: bytes, strings: bytes = STRINGS.encode()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        archive.writestr("xl/sharedStrings.xml", strings)
        archive.writestr("xl/worksheets/sheet1.xml", xml)
    return buffer.getvalue()


def scan(data: bytes) -> SheetColumns:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        index = index_workbook(archive)
        return read_columns(archive, index, "vInfo", read_shared_strings(archive, index), lambda h: [0, 1])


def ours(data: bytes) -> list[list[str | None]]:
    read = scan(data)
    assert read.complete and read.header == {0: "Name", 1: "Value"}
    return [read.columns[0].to_pylist(), read.columns[1].to_pylist()]


def calamine(data: bytes) -> list[list[str | None]]:
    frame = fastexcel.read_excel(data).load_sheet("vInfo", dtypes="string").to_arrow()
    return [[None if v is None else (v.strip() or None) for v in frame.column(n).to_pylist()]
            for n in ("Name", "Value")]


# case -> (the rows after the header, what both read)
SAME_AS_CALAMINE = {
    "line break before the attributes": ('<row r="2"><c r="A2" t="inlineStr"><is><t>a</t></is></c>'
                                         '<c\n r="B2" t="inlineStr"><is><t>b</t></is></c></row>', [["a"], ["b"]]),
    "tab before the attributes": ('<row r="2"><c\tr="A2" t="s"><v>0</v></c><c\r\n\tr="B2"\n\tt="s"><v>1</v></c>'
                                  "</row>", [["s0"], ["s1"]]),
    "spaces around =": ('<row r = "2"><c r = "A2" t = "s"><v>0</v></c><c r ="B2"  s= "0"><v>5</v></c></row>',
                        [["s0"], ["5"]]),
    "single quotes": ("<row r='2'><c r='A2' t='s'><v>0</v></c><c r='B2'><v>5</v></c></row>", [["s0"], ["5"]]),
    "white space before >": ('<row r="2" ><c r="A2" t="s" ><v >0</v ></c ><c r="B2" ><v>5</v></c\n></row\n>'
                             '<row\nr="3"><c r="A3" t="s"><v>1</v></c></row >', [["s0", "s1"], ["5", None]]),
    "comments and processing instructions": (
        '<!-- <row r="2"><c r="A2"><v>9</v></c></row> --><row r="2"><c r="A2" t="s"><v>0</v></c>'
        '<!-- a > b <c r="B2"><v>9</v></c> --><?pi a > b?><c r="B2"><v>5</v></c><!-- </row> --></row>',
        [["s0"], ["5"]]),
    "CDATA in an inline string": ('<row r="2"><c r="A2" t="inlineStr"><is><t><![CDATA[a<b]]></t></is></c>'
                                  '<c r="B2" t="inlineStr"><is><t>p&amp;<![CDATA[&amp;</t></c></row>]]>q</t></is></c>'
                                  "</row>", [["a<b"], ["p&&amp;</t></c></row>q"]]),
    "references and named entities": ('<row r="2"><c r="A2" t="inlineStr"><is><t>&#x41;&#66;&amp;&lt;&gt;&quot;&apos;'
                                      '</t></is></c><c r="B2" t="inlineStr"><is><t>x&#10;y</t></is></c></row>',
                                      [["AB&<>\"'"], ["x\ny"]]),
    "rich inline string": ('<row r="2"><c r="A2" t="inlineStr"><is><r><rPr><b/></rPr><t>ri</t></r><r>'
                           '<t xml:space="preserve">ch </t></r></is></c><c r="B2"><v>5</v></c></row>',
                           [["rich"], ["5"]]),
    "self-closing cells": ('<row r="2"><c r="A2"/><c r="B2" s="0" /></row><row r="3"><c r="A3" t="s"><v>1</v></c>'
                           "</row>", [[None, "s1"], [None, None]]),
    "no references": ('<row><c t="s"><v>0</v></c><c><v>5</v></c></row><row><c/><c><v>6</v></c></row>',
                      [["s0", None], ["5", "6"]]),
    "lower-case references": ('<row r="2"><c r="a2" t="s"><v>0</v></c><c r="b2"><v>5</v></c></row>',
                              [["s0"], ["5"]]),
    "a long row": ('<row r="2">' + "".join(f'<c r="C2"><v>{i}</v></c>' for i in range(3000))
                   + '<c r="A2" t="s"><v>0</v></c><c r="B2"><v>5</v></c></row>', [["s0"], ["5"]]),
}


@pytest.mark.parametrize("case", sorted(SAME_AS_CALAMINE))
def test_a_form_xml_allows_reads_as_calamine_reads_it(case: str) -> None:
    rows, expected = SAME_AS_CALAMINE[case]
    data = book(sheet(rows))
    assert ours(data) == expected
    assert calamine(data) == expected


def test_cdata_in_shared_strings_reads_as_calamine_reads_it() -> None:
    strings = (f'<sst {NS}><si><t><![CDATA[a<b]]></t></si><si><r><t><![CDATA[</si>]]></t></r><r><t>c</t></r></si>'
               "</sst>").encode()
    data = book(sheet('<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="s"><v>1</v></c></row>'), strings)
    assert ours(data) == calamine(data) == [["a<b"], ["</si>c"]]


def test_cdata_in_a_value_is_read() -> None:
    """calamine reads these as empty; the text is there, so it is read."""
    data = book(sheet('<row r="2"><c r="A2" t="str"><v><![CDATA[x<y]]></v></c><c r="B2"><v><![CDATA[5]]></v></c>'
                      "</row>"))
    assert ours(data) == [["x<y"], ["5"]]


@pytest.mark.parametrize("piece", [7, 64, 1 << 20])
def test_a_closing_row_tag_with_white_space_is_found_in_any_piece(piece: int, monkeypatch: pytest.MonkeyPatch) -> None:
    from reportgen.importers import xlsx_read
    monkeypatch.setattr(xlsx_read, "CHUNK", piece)
    rows = "".join(f'<row r="{r}"><c r="A{r}"><v>{r}</v></c></row{" " * (r % 5)}>' for r in range(2, 60))
    data = book(sheet(rows))
    assert ours(data)[0] == [str(r) for r in range(2, 60)] == calamine(data)[0]


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_a_sheet_in_utf16_is_read(encoding: str) -> None:
    text = sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>\u00e9t\u00e9 \u263a</t></is></c><c r="B2"><v>5</v>'
                 "</c></row>", '<?xml version="1.0" encoding="UTF-16" standalone="yes"?>').decode()
    bom = codecs.BOM_UTF16_LE if encoding.endswith("le") else codecs.BOM_UTF16_BE
    assert ours(book(bom + text.encode(encoding))) == [["\u00e9t\u00e9 \u263a"], ["5"]]
    strings = ('<?xml version="1.0" encoding="UTF-16"?>' + STRINGS).encode("utf-16")
    assert ours(book(sheet('<row r="2"><c r="A2" t="s"><v>1</v></c></row>'), strings)) == [["s1"], [None]]


def test_a_sheet_in_a_declared_legacy_encoding_is_read() -> None:
    xml = sheet('<row r="2"><c r="A2" t="inlineStr"><is><t>\u00e9t\u00e9</t></is></c></row>',
                '<?xml version="1.0" encoding="ISO-8859-1"?>').decode().encode("latin-1")
    assert ours(book(xml)) == [["\u00e9t\u00e9"], [None]]


def test_a_sheet_in_utf16_cut_in_a_character_is_refused() -> None:
    xml = codecs.BOM_UTF16_LE + sheet("").decode().encode("utf-16-le") + b"<"
    with pytest.raises(WorkbookError, match=r"xl/worksheets/sheet1.xml is not the UTF-16 text it says it is"):
        scan(book(xml))


BOOLEAN = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" t="b"><v>{}</v></c></row>'


@pytest.mark.parametrize(("written", "read"), [("1", "true"), ("0", "false"), (" 1 ", "true"), ("true", "true"),
                                               ("false", "false")])
def test_a_boolean_reads_as_calamine_reads_it(written: str, read: str) -> None:
    data = book(sheet(BOOLEAN.format(written)))
    assert ours(data) == [["s0"], [read]]
    if written != "false":  # calamine reads any text but 0 as true
        assert calamine(data) == [["s0"], [read]]


@pytest.mark.parametrize("written", ["7", "2", "yes", "-1"])
def test_a_boolean_other_than_0_or_1_is_unknown_and_counted(written: str) -> None:
    """It was read as false. calamine reads any text but 0 as true; Excel writes only 0 and 1."""
    read = scan(book(sheet(BOOLEAN.format(written))))
    assert read.columns[1].to_pylist() == [None]
    assert read.odd_by_column == {1: 1} and read.first_odd == (2, 1)


DATE = '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2" s="1"><v>{}</v></c></row>'


@pytest.mark.parametrize("written", ["1e20", "1E+20", "NaN", "nan", "inf", "-INF", "-5", "-0.5", "2958466",
                                     "abc", "12abc"])
def test_a_date_out_of_range_is_unknown_and_counted(written: str) -> None:
    """It was formatted as garbage text ('2030437201-06-05 2047687697:-12...') or a date it is not."""
    read = scan(book(sheet(DATE.format(written))))
    assert read.columns[1].to_pylist() == [None]
    assert read.odd_by_column == {1: 1} and read.first_odd == (2, 1)


@pytest.mark.parametrize(("written", "read"), [("45000.5", "2023-03-15 12:00:00"), ("45000", "2023-03-15 00:00:00"),
                                               (" 45000 ", "2023-03-15 00:00:00"),
                                               ("2958465.5", "9999-12-31 12:00:00")])
def test_a_date_in_range_reads_as_calamine_reads_it(written: str, read: str) -> None:
    data = book(sheet(DATE.format(written)))
    assert ours(data) == [["s0"], [read]]
    assert scan(data).odd_by_column == {}
    if written.strip() == written:  # calamine reads a number with white space as text
        assert calamine(data) == [["s0"], [read]]

"""Drawing pages of one PDF onto pages of another (pypdf), for the report laid out in two parts.

Each sheet page becomes a form XObject, with its own resources, drawn on the frame page it
belongs to; the frame keeps everything else (outline, named destinations, links, metadata, the
running header and "page n of N"). Content streams are copied as they are, still compressed:
nothing is parsed or re-encoded, so the overlay takes a few hundredths of a second.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DecodedStreamObject, DictionaryObject, NameObject


def overlay_pages(frame: bytes, sheets: bytes, placements: Sequence[tuple[int, int]]) -> bytes:
    """``frame`` with page ``s`` of ``sheets`` drawn over page ``f``, for every ``(f, s)`` in ``placements``."""
    frame_reader = PdfReader(io.BytesIO(frame))
    writer = PdfWriter(clone_from=frame_reader)
    header = frame_reader.pdf_header  # "%PDF-1.7" as WeasyPrint wrote it (pypdf would write 1.3)
    writer.pdf_header = header.encode() if isinstance(header, str) else header
    reader = PdfReader(io.BytesIO(sheets))
    taken = _font_names(writer)
    renamed: set[int] = set()
    for index, (frame_page, sheet_page) in enumerate(placements):
        sheet, page = reader.pages[sheet_page], writer.pages[frame_page]
        form = _as_form(sheet, writer)
        _rename_fonts(form["/Resources"], taken, renamed)
        _paint(page, writer._add_object(form), NameObject(f"/RgSheet{index}"), writer)
        _copy_links(sheet, page, writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _as_form(page: Any, writer: PdfWriter) -> Any:
    """The page as a form XObject: its content stream as it is, its resources cloned."""
    contents = page["/Contents"].get_object()
    if isinstance(contents, ArrayObject):  # several streams (WeasyPrint writes one): join them
        form: Any = DecodedStreamObject()
        form.set_data(b"\n".join(part.get_object().get_data() for part in contents))
    else:
        form = contents.clone(writer, force_duplicate=True)
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = page.mediabox
    form[NameObject("/Resources")] = page["/Resources"].get_object().clone(writer)
    return form


def _paint(page: Any, form: Any, name: NameObject, writer: PdfWriter) -> None:
    """Draw the form first, then the frame page's own content (its running header and page number).

    That is the order in which WeasyPrint draws a whole page, so text is extracted in the same
    order; the frame paints nothing else on a sheet's page (its headings there are invisible).
    """
    resources = DictionaryObject(page["/Resources"].get_object())  # the pages share one dict: copy it
    xobjects = DictionaryObject(resources.get("/XObject", DictionaryObject()).get_object())
    xobjects[name] = form
    resources[NameObject("/XObject")] = xobjects
    page[NameObject("/Resources")] = resources
    draw = DecodedStreamObject()
    draw.set_data(b"q " + name.encode() + b" Do Q\n")
    contents = page["/Contents"].get_object()
    streams = list(contents) if isinstance(contents, ArrayObject) else [page.raw_get("/Contents")]
    page[NameObject("/Contents")] = ArrayObject([writer._add_object(draw), *streams])


def _copy_links(sheet: Any, page: Any, writer: PdfWriter) -> None:
    """The sheet page's annotations (its links), now on the frame page."""
    annotations = sheet.get("/Annots")
    if not annotations:
        return
    existing = page.get("/Annots")
    target = ArrayObject(existing.get_object()) if existing is not None else ArrayObject()
    for annotation in annotations.get_object():
        copy = DictionaryObject(annotation.get_object())
        copy.pop(NameObject("/P"), None)  # the sheet page it named is not copied
        target.append(writer._add_object(copy.clone(writer)))
    page[NameObject("/Annots")] = target


def _font_names(writer: PdfWriter) -> set[str]:
    names: set[str] = set()
    for page in writer.pages:
        resources: Any = page["/Resources"].get_object()
        fonts = resources.get("/Font")
        for font in fonts.get_object().values() if fonts is not None else ():
            names.add(str(font.get_object().get("/BaseFont")))
    return names


def _rename_fonts(resources: Any, taken: set[str], renamed: set[int]) -> None:
    """Give the sheets' font subsets tags of their own.

    WeasyPrint derives the six-letter subset tag from the font, not from the glyphs kept, so the
    two parts name their different subsets alike, and a viewer may take them for one font.
    """
    fonts = resources.get_object().get("/Font")
    for ref in fonts.get_object().values() if fonts is not None else ():
        font = ref.get_object()
        if id(font) in renamed or "/BaseFont" not in font:
            continue
        renamed.add(id(font))
        name = NameObject(_fresh_name(str(font["/BaseFont"]), taken))
        taken.add(str(name))
        for part in [font, *(d.get_object() for d in font.get("/DescendantFonts") or ())]:
            part[NameObject("/BaseFont")] = name
            descriptor = part.get("/FontDescriptor")
            if descriptor is not None:
                descriptor.get_object()[NameObject("/FontName")] = name


def _fresh_name(name: str, taken: set[str]) -> str:
    """``/ABCDEF+Font`` with the tag's letters shifted along the alphabet until the name is free."""
    tag, plus, rest = name.removeprefix("/").partition("+")
    if not (plus and len(tag) == 6 and tag.isascii() and tag.isalpha() and tag.isupper()):
        tag, rest = "AAAAAA", name.removeprefix("/")
    for shift in range(1, 26):
        candidate = "/" + "".join(chr((ord(c) - 65 + shift) % 26 + 65) for c in tag) + "+" + rest
        if candidate not in taken:
            return candidate
    return f"/{tag}+{rest}-{len(taken)}"

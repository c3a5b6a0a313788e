"""The PDF as a reader gets it: figures and names, running header, pages, contents, layout rules."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pypdf
import pytest

from reportgen.audit import Audit, run_audit
from reportgen.render.pdf import Layout, layout_pdf, render_pdf
from reportgen.report import build_report
from reportgen.report.formats import money
from tests.conftest import SAMPLES
from tests.report_fixtures import CLIENT, TITLE, small_audit


@dataclass
class Rendered:
    audit: Audit
    layout: Layout
    pages: list[str]


def page_texts(data: bytes) -> list[str]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join((p.extract_text() or "").split()) for p in reader.pages]


@pytest.fixture(scope="module")
def rendered() -> Rendered:
    audit = small_audit()
    layout = layout_pdf(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    return Rendered(audit, layout, page_texts(layout.document.write_pdf()))


def test_weasyprint_logs_no_warnings(rendered: Rendered, tmp_path: Path) -> None:
    assert rendered.layout.warnings == ()
    audit = rendered.audit
    assert render_pdf(build_report(audit.analysis, audit.costing), tmp_path / "r.pdf").warnings == ()
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")


def test_key_figures_and_names_are_in_the_text(rendered: Rendered) -> None:
    text = " ".join(rendered.pages)
    costing = rendered.audit.costing
    assert CLIENT in text and TITLE in text and "Example Advisory" in text
    assert money(costing.annual_total, "GBP") in rendered.pages[0]  # on the cover
    for name in ("sqlprod (2 nodes)", "web-cib (2 nodes)", "licsrv", "esx04.example.net", "dba-team"):
        assert name in text
    assert money(costing.per_guest_cluster["GC-001"], "GBP") in text


def test_page_count_footer_and_running_header(rendered: Rendered) -> None:
    pages = rendered.pages
    n = len(pages)
    assert 8 <= n <= 40 == rendered.layout.pages + (40 - n)
    assert "page" not in pages[0].split(TITLE)[0]  # the cover has no running header or footer
    for i, text in enumerate(pages[1:], start=2):
        assert f"page {i} of {n}" in text
        assert CLIENT in text and TITLE in text


def page_of(pages: list[str], heading: str, start: int = 2) -> int:
    """1-based number of the first page after the contents that shows ``heading``."""
    return next(i + 1 for i, t in enumerate(pages) if i >= start and heading in t)


def test_executive_summary_is_one_page(rendered: Rendered) -> None:
    pages = rendered.pages
    n = page_of(pages, "Executive summary")
    summary = pages[n - 1]
    for words in ("What breaks the promise here", "What it costs", "The three actions that save most",
                  money(rendered.audit.costing.annual_total, "GBP")):
        assert words in summary
    assert "The estate at a glance" in pages[n]


def test_contents_page_numbers_point_at_their_sections(rendered: Rendered) -> None:
    contents = next(t for t in rendered.pages if t.startswith("Contents "))[len("Contents "):]
    entries = re.findall(r"([A-Z][A-Za-z ,·()0-9\-]+?) ?(?:\. ?){3,}(\d+)", contents)  # leaders: ". . ."
    titles = {title.strip(): int(page) for title, page in entries}
    assert {"Executive summary", "Host maintenance register", "Data quality and coverage", "Glossary"} <= set(titles)
    for title, page in titles.items():
        assert title.split(" · ")[-1] in rendered.pages[page - 1], title


def boxes(box: Any) -> Iterator[Any]:
    stack = [box]
    while stack:
        b = stack.pop()
        yield b
        stack.extend(reversed(getattr(b, "children", [])))


def test_no_table_row_is_split_and_no_heading_ends_a_page(rendered: Rendered) -> None:
    seen: dict[int, int] = {}
    for number, page in enumerate(rendered.layout.document.pages, start=1):
        # Header rows repeat on every page a table spans (thead is a table-header-group): not a split.
        header_rows = {id(row.element) for b in boxes(page._page_box) if getattr(b, "is_header", False)
                       for row in getattr(b, "children", [])}
        rows = {id(b.element) for b in boxes(page._page_box)
                if getattr(b, "element_tag", None) == "tr" and id(b.element) not in header_rows}
        for row in rows:
            assert row not in seen, f"a table row runs from page {seen[row]} onto page {number}"
            seen[row] = number
        blocks = [b for b in boxes(page._page_box)
                  if getattr(b, "element_tag", None) in ("h2", "h3", "h4", "p", "table", "figure", "ol", "ul", "dl")]
        if blocks:
            assert blocks[-1].element_tag not in ("h2", "h3", "h4"), f"page {number} ends on a heading"
    assert len(seen) > 20  # the walk does see the rows of the register, costs and method tables


def test_an_introduction_marked_whole_moves_with_its_heading_and_is_never_split() -> None:
    """The samples' 'Wave plan' heading and three lines of its introduction ended a page, the rest began the next."""
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    layout = layout_pdf(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    pages: dict[int, set[int]] = {}
    headings: dict[str, int] = {}
    for number, page in enumerate(layout.document.pages, start=1):
        for b in boxes(page._page_box):
            element = getattr(b, "element", None)
            if element is not None and "whole" in (element.get("class") or "").split():
                pages.setdefault(id(element), set()).add(number)
            if element is not None and element.get("id") == "waves":
                headings["waves"] = number
    assert pages and all(len(p) == 1 for p in pages.values()), pages
    assert {headings["waves"]} in pages.values()  # the wave plan's heading is on its introduction's page

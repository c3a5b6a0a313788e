"""The report as a PDF, laid out by WeasyPrint from the same HTML."""

from __future__ import annotations

import gc
import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import RenderError
from ..report.model import ReportModel
from .html import render_html


@dataclass(frozen=True)
class Layout:
    """A laid-out PDF: WeasyPrint's document, its page count, and what WeasyPrint warned about."""

    document: Any
    pages: int
    warnings: tuple[str, ...]


MISSING_SUBSET = (
    "the HarfBuzz subsetting library (libharfbuzz-subset0, HarfBuzz >= 4.1) is missing: "
    "fonts are embedded through a slower fallback; install it with the system's package manager"
)
"""Said once per run by the command line (``--quiet`` hides it); the PDF is complete either way."""

_SUBSET_FALLBACK = "Using fontTools instead of HarfBuzz-Subset"
"""WeasyPrint's warning, once per font and per PDF, when :data:`MISSING_SUBSET` applies."""


_NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: "(.+)" \(U\+[0-9A-F]+\)$',
                     re.DOTALL)


@dataclass(frozen=True)
class PdfNotes:
    """What WeasyPrint said while writing a PDF."""

    warnings: tuple[str, ...] = ()
    """Problems with this report's layout (none expected)."""
    environment: tuple[str, ...] = ()
    """What this machine lacks (a system library): not about the report, said once per run."""


def environment_notes() -> tuple[str, ...]:
    """System libraries WeasyPrint would use and cannot find here, one line each."""
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None or not ffi.harfbuzz.hb_version_atleast(4, 1, 0):
        return (MISSING_SUBSET,)
    return ()


def notes(warnings: list[str]) -> PdfNotes:
    """Layout warnings, with the environment's own (reported by :func:`environment_notes`) set apart.

    WeasyPrint warns once per character a font lacks; those become one note (the data-quality
    section names the names).
    """
    missing = list(dict.fromkeys(m.group(1) for w in warnings if (m := _NOTDEF.match(w))))
    said = tuple(w for w in warnings if not w.startswith(_SUBSET_FALLBACK) and not _NOTDEF.match(w))
    environment = environment_notes()
    if missing:
        shown = " ".join(missing[:8]) + (" …" if len(missing) > 8 else "")
        environment += (f"{len(missing)} character(s) are not in the PDF's fonts and print as empty boxes ({shown}); "
                        "install a font for those scripts (e.g. fonts-noto-cjk, fonts-noto-color-emoji) to print "
                        "them",)
    return PdfNotes(said, environment)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _collect_warnings() -> Iterator[_Collect]:
    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)


@contextmanager
def gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works.

    Laying out and drawing allocate many short-lived objects; with the collector on, the bursts of
    allocation set off collections that walk every live object of the process (the estate and the
    analysis too). The report is bounded, so the cycles it leaves are few; the collector takes them
    once it runs again. (What this saves is in docs/benchmarks.md.)
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def layout_pdf(model: ReportModel) -> Layout:
    """Lay the report out in pages (no file written)."""
    return layout_html(render_html(model, pdf=True))


def layout_html(html: str) -> Layout:
    """Lay a document of the report's templates out in pages, offline (no file written)."""
    import weasyprint

    from .fetch import OfflineFetcher

    with _collect_warnings() as handler, gc_paused():
        document = weasyprint.HTML(string=html, base_url=".", url_fetcher=OfflineFetcher()).render()
    return Layout(document, len(document.pages), tuple(handler.messages))


def write_layout(layout: Layout, target: str | Path) -> list[str]:
    """Write a laid-out report to ``target``; returns WeasyPrint's warnings (none expected)."""
    with _collect_warnings() as handler, gc_paused():
        data = layout.document.write_pdf()
    try:
        Path(target).write_bytes(data)
    except OSError as exc:
        raise RenderError(f"cannot write the PDF: {exc.strerror or exc}", where=str(target)) from exc
    return [*layout.warnings, *handler.messages]


def render_pdf(model: ReportModel, target: str | Path) -> PdfNotes:
    """Write the PDF; returns what WeasyPrint said (no layout warning expected)."""
    with gc_paused():  # and the laid-out document is dropped before the collector is back
        return notes(write_layout(layout_pdf(model), target))

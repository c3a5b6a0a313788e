"""The report as a PDF, laid out by WeasyPrint from the same HTML."""

from __future__ import annotations

import gc
import logging
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
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while WeasyPrint works.

    Laying out and drawing allocate about a million short-lived objects; with the collector on,
    the bursts of allocation set off collections that walk every live object of the process (the
    estate and the analysis too), which took a quarter of the PDF time. The report is bounded, so
    the cycles it leaves are few; the collector takes them once it runs again.
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
    import weasyprint

    with _collect_warnings() as handler, _gc_paused():
        document = weasyprint.HTML(string=render_html(model), base_url=".").render()
    return Layout(document, len(document.pages), tuple(handler.messages))


def write_layout(layout: Layout, target: str | Path) -> list[str]:
    """Write a laid-out report to ``target``; returns WeasyPrint's warnings (none expected)."""
    with _collect_warnings() as handler, _gc_paused():
        try:
            layout.document.write_pdf(str(target))
        except OSError as exc:
            raise RenderError(f"cannot write the PDF: {exc.strerror or exc}", where=str(target)) from exc
    return [*layout.warnings, *handler.messages]


def render_pdf(model: ReportModel, target: str | Path) -> list[str]:
    """Write the PDF; returns WeasyPrint's warnings (none expected)."""
    with _gc_paused():  # and the laid-out document is dropped before the collector is back
        return write_layout(layout_pdf(model), target)


def warm_up() -> None:
    """Import WeasyPrint and load the fonts, so that the first real layout does not pay for it."""
    import weasyprint

    with _collect_warnings():
        weasyprint.HTML(string='<p style="font-family: DejaVu Sans">warm <b>up</b></p>').render()

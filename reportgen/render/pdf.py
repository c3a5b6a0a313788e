"""The report as a PDF, laid out by WeasyPrint from the same HTML."""

from __future__ import annotations

import logging
from pathlib import Path

from ..errors import RenderError
from ..report.model import ReportModel
from .html import render_html


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def render_pdf(model: ReportModel, target: str | Path) -> list[str]:
    """Write the PDF; returns WeasyPrint's warnings (none expected)."""
    import weasyprint

    handler = _Collect()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        document = weasyprint.HTML(string=render_html(model)).render()
        document.write_pdf(str(target))
    except OSError as exc:
        raise RenderError(f"cannot write the PDF: {exc.strerror or exc}", where=str(target)) from exc
    finally:
        logger.removeHandler(handler)
    return handler.messages

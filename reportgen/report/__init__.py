"""The report model: what the PDF and HTML say, as plain data (no Jinja, no WeasyPrint)."""

from .build import build_report
from .model import ReportModel

__all__ = ["ReportModel", "build_report"]

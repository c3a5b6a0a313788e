"""The report model: what the PDF and HTML say, as plain data (no Jinja, no WeasyPrint)."""

from .model import ReportModel, build_report

__all__ = ["ReportModel", "build_report"]

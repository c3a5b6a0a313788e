"""The report model: what the PDF and HTML say, as plain data (no Jinja, no WeasyPrint).

``build_report`` (which needs the analysis, and so polars) is imported when first used: the
PDF worker only unpickles a finished model.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .model import ReportModel

if TYPE_CHECKING:
    from .build import build_report

__all__ = ["ReportModel", "build_report"]


def __getattr__(name: str) -> Any:
    if name == "build_report":
        from .build import build_report

        return build_report
    raise AttributeError(f"module 'reportgen.report' has no attribute {name!r}")

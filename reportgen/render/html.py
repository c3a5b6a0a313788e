"""The report as one self-contained HTML document (CSS inline)."""

from __future__ import annotations

from collections.abc import Mapping
from importlib import resources
from typing import Any

from ..report.model import ReportModel
from .env import environment
from .explorer import explorer_page


def stylesheet() -> str:
    return resources.files("reportgen.templates").joinpath("report.css").read_text(encoding="utf-8")


def render_html(model: ReportModel, explorer: Mapping[str, Any] | None = None, pdf: bool = False) -> str:
    """The report's HTML.

    With ``explorer`` (:func:`~reportgen.report.explorer.explorer_data`), the page also gets a
    search box and full, sortable lists of hosts, guest clusters and findings (the HTML output);
    the PDF is laid out without them. With ``pdf``, the HTML is the one the PDF is laid out from.
    """
    return environment(pdf).get_template("report.html").render(
        report=model, css=stylesheet(), explorer=explorer_page(explorer) if explorer is not None else None)

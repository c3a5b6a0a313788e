"""The report as one self-contained HTML document (CSS inline)."""

from __future__ import annotations

from importlib import resources

from ..report.model import ReportModel
from .env import environment


def stylesheet() -> str:
    return resources.files("reportgen.templates").joinpath("report.css").read_text(encoding="utf-8")


def render_html(model: ReportModel) -> str:
    return environment().get_template("report.html").render(report=model, css=stylesheet())

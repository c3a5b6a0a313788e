"""The report as one self-contained HTML document (CSS inline)."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from importlib import resources
from typing import Any, Literal

from ..report.model import ReportModel
from .env import environment
from .explorer import explorer_page


def stylesheet() -> str:
    return resources.files("reportgen.templates").joinpath("report.css").read_text(encoding="utf-8")


Part = Literal["whole", "frame", "sheets"]
"""What of the report to render: all of it (the default); the *frame*, where each one-page
*sheet* (the cover, the executive summary, the estate at a glance, the guest clusters named as
sheets, the glossary) is only its invisible headings on an otherwise empty page; or the *sheets*
alone, without running header or page numbers. The sheets drawn over the frame give the whole
report."""


def render_html(model: ReportModel, part: Part = "whole", borrowed: Sequence[str] = (),
                sheets: Collection[str] = (), explorer: Mapping[str, Any] | None = None) -> str:
    """The report's HTML.

    With ``explorer`` (:func:`~reportgen.report.explorer.explorer_data`), the page also gets a
    search box and full, sortable lists of hosts, guest clusters and findings (the HTML output);
    the PDF is laid out without them.

    For a report laid out in two parts, ``sheets`` names the guest clusters whose page is a sheet
    (the others stay in the frame), and ``borrowed`` (sheets only) the frame's anchors the sheets
    link to, added invisibly so that WeasyPrint keeps those links.
    """
    ids = [page.id for page in model.cluster_pages]
    bodies = {"whole": ids, "frame": [i for i in ids if i not in sheets], "sheets": [i for i in ids if i in sheets]}
    return environment().get_template("report.html").render(
        report=model, css=stylesheet(), part=part, borrowed=list(borrowed), bodies=frozenset(bodies[part]),
        explorer=explorer_page(explorer) if explorer is not None else None)

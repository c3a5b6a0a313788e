"""Owner action packs as HTML and PDF, from the pack template on the report's stylesheet."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..report.pack_model import PackModel
from .env import environment
from .html import stylesheet
from .pdf import PdfNotes, gc_paused, layout_html, notes, write_layout


def render_pack_html(model: PackModel) -> str:
    css = stylesheet() + resources.files("reportgen.templates").joinpath("pack.css").read_text(encoding="utf-8")
    return environment().get_template("pack.html").render(pack=model.pack, brand=model.brand, css=css)


def render_pack_pdf(model: PackModel, target: str | Path) -> PdfNotes:
    """Write one owner's pack; returns what WeasyPrint said (no layout warning expected)."""
    with gc_paused():
        return notes(write_layout(layout_html(render_pack_html(model)), target))

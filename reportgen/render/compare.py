"""The comparison of two audits as a short PDF, through the one Jinja environment and the report's stylesheet."""

from __future__ import annotations

from pathlib import Path

from ..compare import Comparison, vms_text
from .env import environment
from .html import stylesheet
from .pdf import Layout, PdfNotes, _collect_warnings, gc_paused, notes, write_layout


def render_comparison_html(found: Comparison) -> str:
    old = found.old.currency or "GBP"
    new = found.new.currency or found.old.currency or "GBP"
    return environment().get_template("compare.html").render(comparison=found, currency=(old, new), css=stylesheet(),
                                                             guests=(vms_text(found.old), vms_text(found.new)))


def render_comparison_pdf(found: Comparison, target: str | Path) -> PdfNotes:
    """Write the comparison PDF; returns what WeasyPrint said (no layout warning expected)."""
    import weasyprint

    from .fetch import OfflineFetcher

    html = render_comparison_html(found)
    with _collect_warnings() as handler, gc_paused():
        document = weasyprint.HTML(string=html, base_url=".", url_fetcher=OfflineFetcher()).render()
        return notes(write_layout(Layout(document, len(document.pages), tuple(handler.messages)), target))

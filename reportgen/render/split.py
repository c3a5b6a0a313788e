"""Laying the PDF out on two cores: the one-page sheets in a forked child, the rest here.

WeasyPrint lays a document out on one core, page after page, and its laid-out pages cannot be
sent to another process. But some parts of the report are one page each by design, and their
layout does not depend on the pages around them: the cover, the executive summary, the estate at
a glance, the guest-cluster pages short enough to be sure to fit (:func:`fits_one_page`) and the
glossary (the *sheets*). So the child lays out the sheets alone, without running header or page
numbers, while this process lays out the *frame*: the whole report with each sheet reduced to its
invisible headings on an empty page. The frame thus has the contents page, the outline, the links
and "page n of N" exactly as the whole report has them, and the sheets are drawn over their empty
pages (:mod:`.overlay`).

Nothing is assumed. Each sheet must come out as one page holding the same anchors as its page in
the frame, in the same order; otherwise (a summary that ran onto a second page, a child that
failed) the report is laid out whole here, as :func:`~.pdf.render_pdf` does.

Forking is safe only in a single-threaded process; the PDF worker is one. Anywhere else, and
where :func:`can_split` cannot tell, :func:`render_pdf_split` lays the report out whole.
"""

from __future__ import annotations

import gc
import os
import pickle
import re
import threading
from collections.abc import Sequence
from math import ceil
from pathlib import Path
from typing import Any

from ..report.model import ClusterPage, ReportModel
from .html import render_html
from .pdf import Layout, PdfNotes, gc_paused, layout_html, notes, pdf_bytes, render_pdf, write_file

_ID = re.compile(r'\sid="([^"]+)"')
_LINK = re.compile(r'\shref="#([^"]+)"')


def cluster_sheets(model: ReportModel) -> frozenset[str]:
    """The guest clusters whose page is laid out as a sheet: those that look sure to fit one page."""
    pages = model.cluster_pages
    return frozenset(page.id for page in pages if fits_one_page(page, first=page is pages[0]))


def fits_one_page(page: ClusterPage, first: bool) -> bool:
    """A cautious guess, in lines of text, at whether a guest cluster's page fits on one page.

    The first page also holds the section's heading. A wrong guess costs time, never correctness:
    a page guessed too long stays in the frame, one guessed short is caught after layout (and the
    report laid out whole). Calibrated on generated pages: four members and three reasons with
    420 characters of evidence each fit, five do not (the first page: three members and three
    reasons with 300 characters fit, four do not).
    """
    lines = sum(max(1, ceil(len(m.name) / 28), ceil(len(m.host or "") / 28)) for m in page.members)
    lines += bool(page.members_not_shown)
    lines += sum(max(2, ceil(len(r.evidence) / 60)) for r in page.reasons)
    # beyond what the calibration pages had: the cost sentence, the remedy, the references
    lines += max(0, ceil((len(", ".join(page.hosts_tied)) + 130) / 110) - 2)
    lines += max(0, ceil(len(page.remediation) / 110) - 3)
    lines += max(0, ceil(sum(len(r) for r in page.references) / 140) - 3)
    return lines <= (18 if first else 24)


def sheet_keys(model: ReportModel, clusters: frozenset[str]) -> list[str]:
    """The anchor that names each sheet, in the order of the report."""
    return ["cover", "summary", "glance", *(p.id for p in model.cluster_pages if p.id in clusters), "glossary"]


def can_split() -> bool:
    """Whether this process may fork: it runs one thread, native ones included (polars' are not
    Python's), as ``/proc`` shows. Without ``/proc`` (macOS, Windows) the layout is not split:
    there, native libraries may not survive a fork."""
    if not hasattr(os, "fork") or threading.active_count() != 1:
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def render_pdf_split(model: ReportModel, target: str | Path) -> PdfNotes:
    """Write the PDF as :func:`~.pdf.render_pdf` does, laying it out on two cores when it can."""
    if not can_split():
        return render_pdf(model, target)
    with gc_paused():  # no collection over the laid-out pages between layout, writing and overlay
        return _render_split(model, target)


def _render_split(model: ReportModel, target: str | Path) -> PdfNotes:
    clusters = cluster_sheets(model)
    keys = sheet_keys(model, clusters)
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process to spare (limits, a sandbox): lay it out whole, here
        os.close(read_end)
        os.close(write_end)
        return render_pdf(model, target)
    if pid == 0:  # the child: lay out the sheets, send them back, leave without cleaning up
        os.close(read_end)
        _send_sheets(model, clusters, keys, write_end)
    os.close(write_end)
    reply: tuple[Any, ...] | None = None
    try:
        frame = layout_html(render_html(model, "frame", sheets=clusters))
        frame_pdf, warnings = pdf_bytes(frame)
        frame_anchors = [frozenset(page.anchors) for page in frame.document.pages]
        del frame
    finally:
        with os.fdopen(read_end, "rb") as pipe:
            try:
                reply = pickle.load(pipe)
            except (EOFError, pickle.UnpicklingError):
                reply = None
        os.waitpid(pid, 0)
    if reply is None or reply[0] != "ok":
        return render_pdf(model, target)
    _, sheets_pdf, sheet_anchors, sheet_warnings = reply
    placements = match_sheets(frame_anchors, sheet_anchors, keys)
    if placements is None:
        return render_pdf(model, target)
    from .overlay import overlay_pages

    write_file(overlay_pages(frame_pdf, sheets_pdf, placements), target)
    return notes([*warnings, *sheet_warnings])


def sheets_html(model: ReportModel, clusters: frozenset[str]) -> tuple[str, frozenset[str]]:
    """The sheets' HTML, with the frame's anchors they link to; and those borrowed anchors."""
    html = render_html(model, "sheets", sheets=clusters)
    borrowed = sorted(set(_LINK.findall(html)) - set(_ID.findall(html)))
    if borrowed:
        html = render_html(model, "sheets", borrowed, sheets=clusters)
    return html, frozenset(borrowed)


def match_sheets(frame: Sequence[frozenset[str]], sheets: Sequence[frozenset[str]],
                 keys: Sequence[str]) -> list[tuple[int, int]] | None:
    """``(frame page, sheet page)`` for each sheet, or None unless every sheet fits its place.

    ``frame`` and ``sheets`` are the anchors on each page (the borrowed ones already taken out of
    the sheets). Each sheet must be one page holding its key, and the frame page holding that key
    must hold the same anchors and come after the previous sheet's.
    """
    if len(sheets) != len(keys):
        return None
    where = {name: index for index, names in enumerate(frame) for name in names}
    placements: list[tuple[int, int]] = []
    for index, (key, names) in enumerate(zip(keys, sheets, strict=True)):
        page = where.get(key)
        if key not in names or page is None or frame[page] != names:
            return None
        if placements and page <= placements[-1][0]:
            return None
        placements.append((page, index))
    return placements


def _send_sheets(model: ReportModel, clusters: frozenset[str], keys: Sequence[str], pipe: int) -> None:
    gc.disable()  # this process ends with os._exit: nothing of it needs collecting
    try:
        html, borrowed = sheets_html(model, clusters)
        sheets: Layout = layout_html(html)
        anchors = [frozenset(page.anchors) - borrowed for page in sheets.document.pages]
        if len(anchors) == len(keys):
            data, warnings = pdf_bytes(sheets)
            reply: tuple[Any, ...] = ("ok", data, anchors, warnings)
        else:  # a sheet ran onto a second page: the parent lays the report out whole
            reply = ("overflow",)
    except BaseException as exc:  # the parent lays the report out whole, and reports any real error then
        reply = ("error", f"{type(exc).__name__}: {exc}")
    try:
        with os.fdopen(pipe, "wb") as out:
            pickle.dump(reply, out)
    finally:
        os._exit(0)

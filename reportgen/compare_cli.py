"""``reportgen compare OLD NEW``: read both audits, compare, print and write what was asked."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from .compare import AuditView, compare_views
from .compare_io import check_order, check_same_estate, comparison_document, format_comparison, load_view
from .errors import RenderError, UsageError
from .exit_codes import ExitStatus
from .staging import write_atomically


def _check_targets(inputs: tuple[str, str], targets: tuple[str | None, ...]) -> None:
    chosen = [Path(t) for t in targets if t]
    for target in chosen:
        if any(target.resolve() == Path(i).resolve() for i in inputs):
            raise UsageError("an output would replace an input", where=str(target), hint="name another file")
        if not target.resolve().parent.is_dir():
            raise RenderError("the folder does not exist", where=str(target), hint="create it first")
    if len(chosen) == 2 and chosen[0].resolve() == chosen[1].resolve():
        raise UsageError("--json and -o name the same file", where=str(chosen[0]))


def run_compare(old: str, new: str, json_path: str | None, pdf_path: str | None, out: TextIO, err: TextIO) -> int:
    """Compare two audits; print the summary and write the JSON and PDF asked for."""
    _check_targets((old, new), (json_path, pdf_path))
    found = compare_views(*_views(old, new))
    if json_path:
        text = json.dumps(comparison_document(found), indent=2, ensure_ascii=False) + "\n"
        _write(json_path, lambda to: to.write_text(text, encoding="utf-8"), "the comparison JSON")
    if pdf_path:
        from .render.compare import render_comparison_pdf
        from .render.pdf import PdfNotes

        said: list[PdfNotes] = []
        _write(pdf_path, lambda to: said.append(render_comparison_pdf(found, to)), "the comparison PDF")
        err.writelines(f"reportgen: layout warning: {w}\n" for w in said[0].warnings)
    out.write(format_comparison(found))
    err.writelines(f"reportgen: warning: {a.text(found.old.source, found.new.source)}\n" for a in found.apart)
    if found.cost_differs:
        err.write(f"reportgen: warning: the yearly costs are not comparable: {'; '.join(found.cost_differs)}\n")
    return ExitStatus.OK


def _views(old: str, new: str) -> tuple[AuditView, AuditView]:
    before, after = load_view(old), load_view(new)
    check_same_estate(before, after)
    check_order(before, after)
    return before, after


def _write(path: str, write: Callable[[Path], object], what: str) -> None:
    try:
        write_atomically(path, write)
    except OSError as exc:
        raise RenderError(f"cannot write {what}: {exc.strerror}", where=path) from exc

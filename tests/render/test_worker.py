"""The PDF worker process: same PDF as rendering in-process, errors come back as RenderError."""

from __future__ import annotations

from pathlib import Path

import pypdf
import pytest

from reportgen.errors import RenderError
from reportgen.render.pdf import render_pdf
from reportgen.render.worker import PdfWorker
from reportgen.report import build_report
from tests.report_fixtures import small_audit


def text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages]


def test_worker_writes_the_same_pdf_as_in_process(tmp_path: Path) -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    worker = PdfWorker()
    worker.render(model, tmp_path / "worker.pdf")
    assert worker.result() == []
    worker.close()
    render_pdf(model, tmp_path / "here.pdf")
    assert text(tmp_path / "worker.pdf") == text(tmp_path / "here.pdf")


def test_worker_reports_an_unwritable_target(tmp_path: Path) -> None:
    audit = small_audit()
    target = tmp_path / "missing" / "r.pdf"
    worker = PdfWorker()
    worker.render(build_report(audit.analysis, audit.costing), target)
    with pytest.raises(RenderError) as err:
        worker.result()
    assert "r.pdf" in str(err.value)
    worker.close()


def test_an_unused_worker_stops(tmp_path: Path) -> None:
    worker = PdfWorker()
    worker.close()
    assert worker._proc is not None and worker._proc.poll() is not None

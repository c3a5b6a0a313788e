"""A large estate still gives a short PDF, quickly: the PDF summarises, the data files list."""

from __future__ import annotations

import io
import time

import pypdf

from bench.estates import synthetic_estate
from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.pdf import layout_pdf
from reportgen.report import build_report


def test_twenty_thousand_guests_fit_in_forty_pages_in_seconds() -> None:
    analysis = analyze(synthetic_estate(20_000, issues=500))
    costing = cost_analysis(analysis)
    start = time.perf_counter()
    layout = layout_pdf(build_report(analysis, costing))
    data = layout.document.write_pdf()
    elapsed = time.perf_counter() - start
    assert layout.warnings == ()
    assert 12 <= layout.pages <= 40
    assert elapsed < 10.0
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "more in the data files" in text
    assert f"{analysis.estate.guests.num_rows:,} guests" in text

"""A large estate still gives a short PDF: the PDF summarises, the data files list.

How long the layout takes is measured by ``bench/report.py``.
"""

from __future__ import annotations

import io

import pypdf

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.pdf import layout_pdf
from reportgen.report import build_report
from tests.synthetic import synthetic_estate


def test_twenty_thousand_guests_fit_in_forty_pages() -> None:
    analysis = analyze(synthetic_estate(20_000, issues=500))
    costing = cost_analysis(analysis)
    layout = layout_pdf(build_report(analysis, costing))
    data = layout.document.write_pdf()
    assert layout.warnings == ()
    assert 12 <= layout.pages <= 40
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages)
    assert "more in the data files" in text
    assert f"{analysis.estate.guests.num_rows:,} guests" in text

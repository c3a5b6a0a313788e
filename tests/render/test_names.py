"""Host, cluster and guest names break only after '.', '-' or '_', never mid-word."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from reportgen.render.env import breakable
from reportgen.render.pdf import render_pdf
from reportgen.report import build_report
from tests.report_fixtures import small_audit

NAME = "Munich_Cluster1_Production.example-datacentre.local"


def _starts(name: str) -> set[int]:
    return {0} | {i + 1 for i, ch in enumerate(name) if ch in "._-"}


def test_the_filter_offers_breaks_after_dots_and_underscores_and_escapes() -> None:
    assert str(breakable("a_b.c<d>")) == "a_<wbr>b.<wbr>c&lt;d&gt;"


def test_a_long_cluster_name_in_the_register_breaks_only_at_separators(tmp_path: Path) -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    model = replace(model, register=tuple(replace(r, cluster=NAME) for r in model.register))
    render_pdf(model, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pieces = [tok for line in text.splitlines() for tok in line.split() if len(tok) >= 4 and tok in NAME]
    assert len(pieces) >= 2, "the name wraps in its narrow column"
    allowed = _starts(NAME)
    for piece in pieces:
        assert any(NAME.startswith(piece, i) for i in allowed), piece

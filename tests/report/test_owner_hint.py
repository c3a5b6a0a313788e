"""The register says how to name owners where it shows '(owner unknown)'."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report.test_events import _section

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_the_register_says_how_to_supply_owners_where_one_is_unknown() -> None:
    audit = run_audit([SAMPLES / "hyperv" / "hyperv-3node.zip"])  # Hyper-V names no owner
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    assert any(r.unknown_owner for r in model.register)
    register = _section(render_html(model), "register")
    assert "(owner unknown)" in register
    assert "Owner unknown: name the owners with an owners file ( --owners" in register
    assert "set owner.column in the configuration" in register and "Get-VM property such as Notes" in register

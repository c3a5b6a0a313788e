"""What the wave plan promises about guest clusters, and only when the checks behind it could run."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rvtools_files import small_estate, write_xlsx

PROMISE = "no guest cluster loses more than one node"


def _text(export: Path) -> str:
    audit = run_audit([export], CONFIG)
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_without_the_vdisk_tab_the_wave_plan_does_not_promise_guest_clusters_keep_a_node(tmp_path: Path) -> None:
    text = _text(write_xlsx(small_estate(), tmp_path / "no-vdisk.xlsx", drop=("vDisk",)))
    plan = text[text.index("can be patched in"):]
    assert PROMISE not in text
    assert ("Guest clusters could not be detected in this export (the shared-disk checks could not run): "
            "a wave may take two nodes of one guest cluster down together") in plan
    assert "guest clusters could not be detected, so a wave may take two nodes of one down together" in text


def test_with_the_vdisk_tab_the_wave_plan_keeps_its_promise(tmp_path: Path) -> None:
    text = _text(write_xlsx(small_estate(), tmp_path / "full.xlsx"))
    assert PROMISE in text
    assert "could not be detected" not in text

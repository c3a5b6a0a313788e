"""A check that ran without an optional column says so in the PDF's checks table.

Before: GEN-01 on an export whose vDisk 'Sharing mode' column is empty read plain "assessed" in the PDF, while
the workbook's Coverage sheet said "assessed, partly: vDisk column 'Sharing mode' present but empty": a reader of
the PDF took the multi-writer guest clusters as checked.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.rvtools_files import small_estate, tabs, write_tabs_xlsx


def _checks_table(export: Path) -> str:
    audit = run_audit([export])
    html = render_html(build_report(audit.analysis, audit.costing))
    start = html.index("<th>Coverage</th>")
    table = html[start:html.index("</table>", start)]
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", table)).split())


def test_a_check_run_without_an_optional_column_reads_partly_assessed(tmp_path: Path) -> None:
    written = tabs(small_estate())
    names, rows = written["vDisk"]
    for row in rows:
        row[names.index("Sharing mode")] = None
    table = _checks_table(write_tabs_xlsx(written, tmp_path / "vc.xlsx"))
    gen01 = table[table.index("GEN-01"):table.index("GEN-02")]
    assert "partly assessed without: vDisk column 'Sharing mode' present but empty (multi-writer disks)" in gen01


def test_a_check_with_every_column_it_reads_stays_assessed(tmp_path: Path) -> None:
    written = tabs(small_estate())
    table = _checks_table(write_tabs_xlsx(written, tmp_path / "vc.xlsx"))
    gen01 = table[table.index("GEN-01"):table.index("GEN-02")]
    assert re.search(r"\bassessed\b", gen01) and "not assessed" not in gen01  # then the 'Found here' column
    assert "partly" not in gen01 and "without" not in gen01

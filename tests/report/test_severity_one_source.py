"""A check's severity is read from its findings on every page: the method page's table never says 'high' for
GEN-01 while the guest cluster page says 'critical' (a guest cluster in a box raises its findings)."""

from __future__ import annotations

import re
from datetime import date

from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.rules import CATALOGUE
from tests.report_fixtures import small_audit


def _rows(html: str, table: str) -> list[list[str]]:
    start = html.index(f'<table class="{table}"')
    body = html[start:html.index("</table>", start)]
    return [[" ".join(re.sub(r"<[^>]+>", " ", cell).split()) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)]


def test_the_checks_table_shows_the_severity_the_findings_have() -> None:
    audit = small_audit()
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    checks = {r[0]: r[2] for r in _rows(html, "checks") if r}
    in_a_box = [f for f in audit.analysis.findings if f.rule == "GEN-01" and f.severity.label == "critical"]
    assert in_a_box and CATALOGUE["GEN-01"].severity.label == "high"  # the estate raises GEN-01 above its usual
    across = {f.severity.label for f in audit.analysis.findings if f.rule == "GEN-01"}
    assert checks["GEN-01"] == ("critical" if across == {"critical"} else "high to critical")
    for rule in {f.rule for f in audit.analysis.findings}:
        levels = sorted({f.severity for f in audit.analysis.findings if f.rule == rule})
        said = levels[0].label if len(levels) == 1 else f"{levels[0].label} to {levels[-1].label}"
        assert checks[rule] == said, rule
    quiet = [r for r in CATALOGUE if r in checks and r not in {f.rule for f in audit.analysis.findings}]
    assert quiet and all(checks[r] == CATALOGUE[r].severity.label for r in quiet)
    assert "a check that found nothing here shows the severity it usually has" in html


def test_no_severity_on_a_guest_cluster_page_is_outside_what_the_checks_table_says() -> None:
    audit = small_audit()
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    checks = {r[0]: r[2] for r in _rows(html, "checks") if r}
    reasons = re.findall(r'<td><strong>([A-Z]+-\d+)</strong><br>(?:(?!</tr>).)*?<span class="tag sev-(\w+)">', html, re.S)
    assert ("GEN-01", "critical") in reasons
    for rule, severity in reasons:
        assert severity in checks[rule].split(" to "), (rule, severity, checks[rule])

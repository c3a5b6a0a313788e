"""Every check that found something here has its findings on a page of the PDF, and the checks table says where.

VMW-11 on a port group carried by 2 of 6 hosts was listed as 'medium' in the checks table yet shown on no page:
it ties no host, so it was in neither the register nor the guest cluster pages nor the cluster settings.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

import pypdf
import pytest

from reportgen.analysis import Analysis, analyze
from reportgen.audit import run_audit
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.render.pdf import render_pdf
from reportgen.report import build_report
from reportgen.report.model import ReportModel
from tests.conftest import real_export
from tests.report_fixtures import CONFIG
from tests.rules.canonical import device, guest, host, make, nic, portgroup, store
from tests.trimmed_export import text

SAMPLES = Path(__file__).resolve().parents[2] / "samples"
SECTIONS = {"register": ('<section class="register',), "guest clusters": ('<section class="clusters', '<section class="quiet'),
            "cluster settings": ('id="settings"',), "other findings": ('<section class="other-findings',)}
"""The sections the checks table's 'Found here' names, by where each starts in the HTML."""


def _restricted() -> Analysis:
    """A port group on 2 of 3 hosts: its guest can move only between those two (VMW-11, medium, no tie)."""
    hosts = [host("esx01"), host("esx02"), host("esx03")]
    networks = [portgroup(h, "VM Network") for h in ("esx01", "esx02", "esx03")]
    networks += [portgroup("esx01", "Backup", "vSwitch1"), portgroup("esx02", "Backup", "vSwitch1")]
    guests = [guest("app1", "vm-1", "esx01"), guest("web1", "vm-2", "esx03")]
    return analyze(make(hosts, guests, nics=[nic("vm-1", "Backup"), nic("vm-2", "VM Network")],
                        networks=networks), CONFIG)


def _samples() -> Analysis:
    return run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]).analysis


def _model(analysis: Analysis) -> ReportModel:
    return build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 10))


def _section(html: str, *markers: str) -> str:
    starts = [html.index(m) for m in markers if m in html]
    return " ".join(text(html[s:html.index("</section>", s)]) for s in starts)


def _pages(html: str) -> str:
    """The report's text without the contents, coverage, method and glossary: where findings are shown."""
    return text(html[html.index('id="summary-page"'):html.index('<section class="quality')])


@pytest.mark.parametrize("build", [_restricted, _samples], ids=["port-group-on-some-hosts", "samples"])
def test_every_check_with_findings_is_on_a_page_and_the_table_says_where(build: object) -> None:
    analysis = build()  # type: ignore[operator]
    model = _model(analysis)
    html = render_html(model)
    pages = _pages(html)
    found = {f.rule for f in analysis.findings}
    assert found
    assert not [r for r in found if not re.search(rf"\b{r}\b", pages)]  # every one on some page
    rows = {c.rule: c.found for c in model.checks}
    for rule in found:
        parts = [p.split(" · ") for p in rows[rule].split("; ")]
        assert sum(int(count.replace(",", "")) for count, _ in parts) == sum(1 for f in analysis.findings
                                                                             if f.rule == rule)
        for _, place in parts:
            assert re.search(rf"\b{rule}\b", _section(html, *SECTIONS[place])), (rule, place)
    assert {rows[r] for r in rows.keys() - found} <= {"none", "not run", "none where it ran"}


def test_a_port_group_on_some_hosts_is_listed_under_other_findings_in_the_pdf(tmp_path: Path) -> None:
    target = tmp_path / "r.pdf"
    render_pdf(_model(_restricted()), target)
    pdf = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages)
    other = pdf[pdf.index("Other findings These checks"):]
    assert "VMW-11 Port group missing on other hosts of the cluster medium 1 app1 on esx01" in other
    assert "VMW-11 Port group missing on other hosts of the cluster medium assessed 1 · other findings" in pdf


def test_a_tie_on_a_row_the_pdf_does_not_print_is_not_said_to_tie_nothing() -> None:
    """At 10,000 guests the register prints 30 of 118 hosts: a USB device on the 31st host was listed under 'Other
    findings' as tying no guest. It is listed there, marked as tying hosts beyond the printed rows."""
    analysis = _samples()
    full = _model(analysis)
    assert not full.register_not_shown and not full.clusters_not_shown  # the samples print every row
    tying = {r for row in full.register for r in row.rules} | {r.rule for p in full.cluster_pages for r in p.reasons}
    report = replace(analysis.config.report, max_register_rows=1, max_cluster_pages=1)
    model = _model(replace(analysis, config=replace(analysis.config, report=report)))
    others = {o.rule: o.tied_in for o in model.other_findings}
    assert {r for r, place in others.items() if place} == tying & others.keys() != set()
    section = _section(render_html(model), '<section class="other-findings')
    assert "Those marked ties hosts do tie guests to their hosts" in section
    starts = sorted(section.index(f" {rule} ") for rule in others)
    for rule, place in others.items():
        start = section.index(f" {rule} ")
        row = section[start:min([s for s in starts if s > start] or [len(section)])]
        assert ("rows beyond the first 1 " in row) == (place == "register"), row


def test_a_check_that_could_not_run_is_not_said_to_have_found_nothing() -> None:
    analysis = analyze(make([host("esx01")], [guest("a", "vm-1", "esx01")], drop={"vNetwork": ()}), CONFIG)
    rows = {c.rule: c for c in _model(analysis).checks}
    assert rows["VMW-14"].found == "not run"  # no RVTools export shows passthrough
    made = {f.rule for f in analysis.findings}
    assert {c.found for c in rows.values() if c.status == "assessed" and c.rule not in made} == {"none"}


@pytest.mark.real
def test_the_farm_export_shows_its_port_group_finding() -> None:
    audit = run_audit([real_export("abeggi-farm-lonati-4.7.1.xlsx")])
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 10))
    other = _section(render_html(model), '<section class="other-findings')
    assert "VMW-11 Port group missing on other hosts of the cluster medium 1 GRPSRVNETAPP on 172.26.20.82" in other


def test_an_iso_on_a_shared_datastore_is_not_titled_a_tie_where_it_is_listed_as_tying_nothing() -> None:
    """VMW-19's title said 'a tie on a single-host datastore' above an ISO on a datastore every host sees; and with no
    single-host datastore in the estate, the ISO was not noted at all."""
    hosts = [host("esx01"), host("esx02")]
    iso = [device("vm-1", "cd", "iso", "ISO [san01] ISO/img.iso", connected=True, starts=True)]
    analysis = analyze(make(hosts, [guest("web1", "vm-1", "esx01")], devices=iso,
                            datastores=[store("san01", ["esx01", "esx02"])]), CONFIG)
    other = _section(render_html(_model(analysis)), '<section class="other-findings')
    assert "VMW-19 ISO image connected (a tie when on a single-host datastore) low 1 web1 on esx01" in other
    assert "a tie on a single-host datastore" not in other

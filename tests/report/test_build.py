"""The report model: the figures, lists and actions the PDF and HTML show, bounded in size."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from reportgen.analysis import analyze
from reportgen.audit import Audit, run_audit, write_pdf
from reportgen.cost import cost_analysis
from reportgen.report import build_report
from reportgen.report.model import ReportModel
from reportgen.rules import CATALOGUE
from tests.conftest import SAMPLES
from tests.report_fixtures import CONFIG, freeing, small_audit, with_analysis
from tests.synthetic import synthetic_estate

SEVERITY_ORDER = ["critical", "high", "medium", "low", "info"]


def model_of(audit: Audit) -> ReportModel:
    return build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))


def test_summary_counts_what_the_estate_holds() -> None:
    s = model_of(small_audit()).summary
    assert (s.hosts, s.guests, s.running_guests) == (6, 13, 11)
    assert (s.guest_clusters, s.clusters_in_a_box, s.clusters_across_boxes) == (3, 2, 1)
    assert s.pinned_hosts == 4 and s.pinned_hosts_at_power_on == 4
    assert s.pinned_guests == 5 and s.pinned_guests_at_power_on == 7
    assert s.units == 3 and s.data_issues == 2


def test_register_lists_tied_hosts_first_with_guests_owners_and_one_based_waves() -> None:
    audit = small_audit()
    model = model_of(audit)
    rows = {r.host: r for r in model.register}
    assert set(rows) == {"esx01.example.net", "esx02.example.net", "esx03.example.net", "esx04.example.net"}
    assert model.register[0].host == "esx03.example.net"  # all cost the same: two guests to power off first
    esx04 = rows["esx04.example.net"]
    assert esx04.power_off == ("licsrv",) and set(esx04.at_power_on) == {"olddb-1", "olddb-2"}
    assert esx04.unknown_owner
    host = next(h for h in audit.analysis.hosts if h.name == "esx04.example.net")
    assert esx04.wave == host.wave + 1
    assert esx04.annual_cost == audit.costing.per_host["esx04.example.net"]


def test_register_is_cut_to_the_configured_length_and_says_how_many_more() -> None:
    config = replace(CONFIG, report=replace(CONFIG.report, max_register_rows=2, max_cluster_pages=1))
    model = model_of(small_audit(config))
    assert len(model.register) == 2 and model.register_not_shown == 2
    assert len(model.cluster_pages) == 1 and model.clusters_not_shown == 2


def test_without_remedies_the_actions_are_the_costliest_units() -> None:
    audit = with_analysis(small_audit(), remedies_by_cause=(), remedies_by_rule=())
    model = model_of(audit)
    assert [a.label for a in model.actions][0] == "sqlprod (2 nodes)"
    assert all(a.hosts_freed == 0 and a.reason for a in model.actions)  # each says why it frees no host alone
    assert model.actions_hosts_freed is None
    assert model.actions_saving == pytest.approx(sum(u.annual for u in audit.costing.units[:3]))


def test_with_remedies_the_three_best_fixes_and_their_combined_saving() -> None:
    audit = small_audit()
    remedies = (
        freeing(audit, "faux:1", "web-cib (2 nodes)", "guest-cluster", "esx03.example.net"),
        freeing(audit, "faux:0", "sqlprod (2 nodes)", "guest-cluster", "esx01.example.net", "esx02.example.net"),
        freeing(audit, "guest:SYN-VC-0001/vm-5:VMW-01", "SYN-VC-0001/vm-5:VMW-01", "guest", "esx04.example.net"),
        freeing(audit, "datastore:local", "esx05 local", "datastore"),
    )
    fixed = with_analysis(audit, remedies_by_cause=remedies)
    model = model_of(fixed)
    # a lone guest's cause is named by the guest, not by its key
    assert [a.label for a in model.actions] == ["sqlprod (2 nodes)", "licsrv", "web-cib (2 nodes)"]
    assert model.actions[0].hosts_freed == 2
    assert model.actions_hosts_freed == 4
    assert model.actions_saving == pytest.approx(fixed.costing.annual_total)


def test_failure_impact_lists_hosts_by_stranded_guests() -> None:
    audit = small_audit()
    hosts = tuple(
        replace(h, stranded=h.blockers) if h.name in ("esx03.example.net", "esx04.example.net") else h
        for h in audit.analysis.hosts
    )
    model = model_of(with_analysis(audit, hosts=hosts))
    assert [r.host for r in model.failure] == ["esx03.example.net", "esx04.example.net"]
    assert model.failure[0].count == 2 and model.summary.stranded_guests == 3
    assert model.failure[1].owners == ("(owner unknown)",)


def test_cluster_pages_explain_why_and_what_it_costs() -> None:
    audit = small_audit()
    page = model_of(audit).cluster_pages[0]
    assert page.name == "sqlprod (2 nodes)" and page.topology == "across-boxes"
    rules = {r.rule for r in page.reasons}
    assert {"GEN-01", "VMW-03"} <= rules  # a shared VMDK on a physicalSharing controller
    order = [SEVERITY_ORDER.index(r.severity) for r in page.reasons]
    assert order == sorted(order)  # the most severe first
    assert any("Shared Bus" in r.evidence for r in page.reasons if r.rule == "VMW-03")
    assert page.annual_cost == audit.costing.per_guest_cluster["GC-001"]
    assert page.per_event * page.events_per_year == pytest.approx(page.annual_cost)
    assert page.references and page.remediation
    assert {m.owner for m in page.members} == {"dba-team"}


def test_data_issues_are_grouped_and_coverage_gaps_named() -> None:
    audit = small_audit()
    tabs = tuple(t for t in audit.estate.tabs if t.tab != "vDisk")
    estate = replace(audit.estate, tabs=tabs)
    analysis = analyze(estate, CONFIG)
    model = build_report(analysis, cost_analysis(analysis))
    needs_vdisk = {rule for rule, info in CATALOGUE.items()
                   if any(n.tab == "vDisk" and not n.optional for n in info.needs)}
    assert {"GEN-01", "VMW-01"} <= needs_vdisk
    assert {g.rule for g in model.coverage_gaps if "vDisk" in g.reason} == needs_vdisk
    assert all(g.files == ("hand-built.xlsx",) for g in model.coverage_gaps if "vDisk" in g.reason)
    assert model.summary.checks_not_assessed == len({c.rule for c in analysis.coverage if c.status == "not-assessed"})
    assert not any(g.rule.startswith("HYV") for g in model.coverage_gaps)  # no Hyper-V export: not applicable
    assert [i.level for i in model.issues] == ["error", "warning"]


def test_a_large_estate_stays_bounded() -> None:
    estate = synthetic_estate(5000, issues=300)
    analysis = analyze(estate, CONFIG)
    model = build_report(analysis, cost_analysis(analysis))
    report = CONFIG.report
    assert len(model.register) == report.max_register_rows and model.register_not_shown > 0
    assert len(model.cluster_pages) == report.max_cluster_pages
    assert model.clusters_not_shown == model.summary.guest_clusters - report.max_cluster_pages
    assert len(model.issues) == 1 and model.issues[0].count == 300  # one message, grouped
    assert all(len(r.power_off) <= 8 for r in model.register)


def test_cluster_pages_advise_by_topology_then_unmet_gates() -> None:
    pages = {p.name: p for p in model_of(small_audit()).cluster_pages}
    in_a_box = pages["web-cib (2 nodes)"]
    assert in_a_box.steps[0].startswith("Switch the shared disks")  # the disks first, then spread
    assert in_a_box.steps[1].startswith("Spread the nodes") and "esx03.example.net" in in_a_box.steps[1]
    assert not any("heartbeat" in s or "10 GbE" in s for s in in_a_box.steps)
    across = pages["sqlprod (2 nodes)"]
    assert not across.steps[0].startswith("Spread")
    assert not any("ESXi 6.0" in s or "to 7.0" in s for s in across.steps)  # the hosts run 7.0 already
    assert across.remediation == " ".join(across.steps)


def test_checks_are_sorted_by_id_and_other_platforms_collapse_to_one_line() -> None:
    model = model_of(small_audit())  # vSphere only
    ids = [c.rule for c in model.checks]
    assert ids.index("VMW-9" if "VMW-9" in ids else "VMW-09") < ids.index("VMW-10") < ids.index("VMW-19")
    assert ids.index("VMW-18") < ids.index("VMW-19") < ids.index("VMW-20")
    assert all(c.status != "not applicable" for c in model.checks)
    assert model.checks_not_applicable and all(r.startswith("HYV") for r in model.checks_not_applicable)


def test_no_table_hides_a_single_row() -> None:
    config = replace(CONFIG, report=replace(CONFIG.report, max_register_rows=3))
    model = model_of(small_audit(config))
    assert len(model.register) == 4 and model.register_not_shown == 0


def test_evidence_names_its_export_when_several_were_read() -> None:
    from pathlib import Path

    from reportgen.audit import run_audit

    samples = Path(__file__).resolve().parents[2] / "samples"
    both = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    pages = build_report(both.analysis, both.costing).cluster_pages
    vsphere = next(p for p in pages if any(r.rule == "GEN-01" for r in p.reasons))
    assert all(r.evidence.startswith("acme-vc01.xlsx, ") for r in vsphere.reasons)
    one = run_audit([samples / "rvtools" / "acme-vc01.xlsx"])
    assert not any(r.evidence.startswith("acme-vc01.xlsx") for p in build_report(one.analysis, one.costing)
                   .cluster_pages for r in p.reasons)


def test_guest_clusters_that_cost_nothing_share_one_table() -> None:
    from pathlib import Path

    from reportgen.audit import run_audit

    samples = Path(__file__).resolve().parents[2] / "samples"
    audit = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    assert model.quiet_clusters and all(not (p.annual_cost or p.annual_at_power_on) for p in model.quiet_clusters)
    assert all(p.annual_cost or p.annual_at_power_on for p in model.cluster_pages)
    proven = sum(1 for c in audit.analysis.guest_clusters if not c.suspected)
    assert len(model.cluster_pages) + len(model.quiet_clusters) + model.clusters_not_shown == proven


def test_the_register_lists_the_costliest_hosts_first_and_says_so(tmp_path: Path) -> None:
    """A finance reader looks for the money: by yearly cost, then the most guests to power off, then the host."""
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    hosts = {h.name: h for h in audit.analysis.hosts}
    order = [(-r.annual_cost, -len(hosts[r.host].blockers), -len(hosts[r.host].blockers_at_power_on), r.host)
             for r in model.register]
    assert order == sorted(order)
    assert [r.host for r in model.register[:3]] == ["HV03", "HV02", "HV01"]
    assert [r.host for r in model.register[-3:]] == [  # same cost: one more guest once started; nothing today
        "hq-esx0201.acme.local", "hq-esx0104.acme.local", "hq-esx0102.acme.local"]
    write_pdf(audit, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    start = text.index("Host maintenance register\n\nCheck")
    section = text[start:text.index("Wave plan\n", start)]
    assert "The costliest hosts come first: by yearly cost, then by the number of guests to power off." in " ".join(
        section.split())
    firsts = [line.split()[0] for line in section.splitlines() if line.strip()]
    rows = [next(i for i, first in enumerate(firsts) if len(first) > 3 and r.host.startswith(first))
            for r in model.register]
    assert rows == sorted(rows)  # the PDF's rows in the model's order (a long name wraps after a dot)

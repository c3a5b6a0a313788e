"""The wave plan in the PDF: every host, by wave, with the guests it stops, owners, failovers and the limit."""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit, write_pdf
from reportgen.config import WaveSettings
from reportgen.report import build_report
from tests.report_fixtures import CONFIG, small_audit

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_every_host_is_in_exactly_one_wave_row_with_its_guests_and_owners() -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    listed = [h for w in model.wave_plan for h in w.hosts]
    assert sorted(listed) == sorted(h.name for h in audit.analysis.hosts)
    assert all(w.hosts_not_shown == 0 for w in model.wave_plan)
    esx03 = next(w for w in model.wave_plan if "esx03.example.net" in w.hosts)
    assert {"web-cib-1", "web-cib-2"} <= set(esx03.power_off) and "web-team" in esx03.owners
    across = next(w for w in model.wave_plan if "esx01.example.net" in w.hosts)
    assert across.failovers >= 1  # sqlprod runs across esx01 / esx02
    assert [w.number for w in model.wave_plan] == list(range(1, len(model.wave_plan) + 1))


def test_the_register_says_why_each_host_is_tied() -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    rows = {r.host: r for r in model.register}
    assert "VMW-01" in rows["esx03.example.net"].rules
    assert all(r.rules for r in model.register)


def test_the_limiting_cluster_and_its_configuration_key_are_named() -> None:
    config = replace(CONFIG, waves=WaveSettings(hosts_down_per_cluster=1))
    audit = small_audit(config)
    model = build_report(audit.analysis, audit.costing)
    assert model.wave_limit == 1 and model.wave_limit_cluster == "Prod" and model.wave_limit_hosts == 4


def test_the_sample_pdf_lists_every_host_in_its_wave_plan(tmp_path: Path) -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    pdf = tmp_path / "sample.pdf"
    write_pdf(audit, pdf)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    plan = text[text.index("Wave plan\n"):]
    assert "waves.hosts_down_per_cluster" in plan
    # names may break across lines at a hyphen, which pdftotext then drops; names hold no spaces
    flat = "".join(plan[:plan.index("Failovers: guest clusters")].split()).replace("-", "")
    for h in audit.analysis.hosts:
        assert h.name.replace("-", "") in flat, h.name


def _plan_text(exports: list[Path], down: int = 1) -> str:
    import re

    from reportgen.render.html import render_html
    audit = run_audit(exports, replace(CONFIG, waves=WaveSettings(hosts_down_per_cluster=down)))
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return text[text.index("can be patched in"):][:900]


def test_a_guest_cluster_whose_nodes_move_live_does_not_force_the_waves() -> None:
    # hqrac01 (4 nodes on 4 hosts, multi-writer disks) ties no host: its nodes leave by vMotion, so the
    # 4 waves come from the per-cluster limit and a limit of 2 halves them.
    exports = [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]
    text = _plan_text(exports, 1)
    assert "in 4 waves" in text and "hqrac01" not in text
    assert "3 clusters of 4 hosts, each allowing 1 down at once, need 4 waves each" in text
    text = _plan_text(exports, 2)
    assert "in 2 waves" in text and "hqrac01" not in text


def test_a_higher_limit_is_suggested_only_when_it_lowers_the_bound_and_keeps_a_host_up() -> None:
    text = _plan_text([SAMPLES / "hyperv" / "hyperv-3node.zip"])
    assert "Cluster HVCL01 has 3 hosts and allows 1 down at once, so it alone needs 3 waves" in text
    assert "allowing 2 of its hosts down at once" in text and "keep 1 host up" in text


def test_no_higher_limit_is_suggested_for_a_cluster_of_two_hosts() -> None:
    from tests.rules.canonical import guest, host, make
    estate = make([host("esx01"), host("esx02")], [guest("a", "vm-1", "esx01"), guest("b", "vm-2", "esx02")])
    audit = small_audit(estate=estate)
    model = build_report(audit.analysis, audit.costing)
    bound = model.wave_bound
    assert bound is not None and (bound.kind, bound.waves, bound.raise_to) == ("cluster", 2, 0)


def test_a_wave_lists_the_guests_that_would_stop_once_started() -> None:
    """Wave 4 of the sample read 'none' though hq-esx0102 holds two guests that tie it once started."""
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    host = next(h for h in audit.analysis.hosts if h.name == "hq-esx0102.acme.local")
    later = sorted({g.name for g in host.blockers_at_power_on} - {g.name for g in host.blockers})
    assert later and not host.blockers
    row = next(w for w in model.wave_plan if host.name in w.hosts)
    assert set(later) <= {*row.at_power_on, *row.media_at_power_on} and not set(row.at_power_on) & set(row.power_off)
    assert row.at_power_on == ("hqdb02",) and row.media_at_power_on == ("hqci02",)  # a CD drive: no power-off
    asked = {g.owner or "(owner unknown)" for g in host.blockers_at_power_on}
    assert asked <= set(row.owners)  # as in the register: whoever must agree once their guest runs again
    from reportgen.render.html import render_html
    html = render_html(model)
    plan = " ".join(html[html.index('id="waves"'):].split())
    import re
    said = "once started: hqdb02 once started, disconnect media (no power-off): hqci02"
    assert said in " ".join(re.sub(r"<[^>]+>", " ", plan).split())
    assert "Failovers: guest clusters that cannot live-migrate" in plan
    rows = [" ".join(re.sub(r"<[^>]+>", "", r).split()) for r in plan.split("</tr>")]
    wave = next(r for r in rows if "once started: hqdb02" in r)
    assert all(owner in wave for owner in asked), wave


def _bound_text(clusters: dict[str, int]) -> str:
    """The wave plan's sentence on what forces the number of waves, for clusters of the given sizes."""
    import re

    from reportgen.render.html import render_html
    from tests.rules.canonical import guest, host, make
    hosts = [host(f"{c.lower()}-esx{i}", cluster=c) for c, n in clusters.items() for i in range(1, n + 1)]
    guests = [guest(f"vm{i}", f"vm-{i}", h["name"]) for i, h in enumerate(hosts)]
    audit = small_audit(estate=make(hosts, guests))
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    text = " ".join(re.sub(r"<[^>]+>", " ", render_html(model)).split())
    return text[text.index("can be patched in"):][:900]


def test_clusters_of_one_size_that_need_as_many_waves_are_named_together() -> None:
    """bm900086 read 'Cluster Volta-Cluster1 has 2 hosts … so it alone needs 2 waves' of one of nine 2-host clusters."""
    text = _bound_text({"Alpha": 2, "Beta": 2, "Gamma": 2})
    assert ("3 clusters of 2 hosts, each allowing 1 down at once, need 2 waves each (cluster Gamma and 2 more); "
            "a higher limit would not lower this without taking a whole cluster down at once.") in text
    assert "alone needs" not in text


def test_a_single_cluster_that_needs_the_most_waves_is_still_named_alone() -> None:
    text = _bound_text({"Alpha": 3, "Beta": 2})
    assert "Cluster Alpha has 3 hosts and allows 1 down at once, so it alone needs 3 waves" in text
    assert "clusters of" not in text


def test_a_wave_of_one_host_says_cannot_be_emptied_without_counting_and_its_chart_has_a_title() -> None:
    """lonati's wave 5 read '172.26.20.85 / 1 of 1 cannot be emptied'; the chart began a page with no title."""
    from reportgen.analysis import analyze
    from reportgen.cost import cost_analysis
    from reportgen.render.html import render_html
    from reportgen.report import build_report
    from tests.report_fixtures import CONFIG
    from tests.rules.canonical import guest, host, make, store

    estate = make([host("esx01"), host("esx02")], [guest("db1", "vm-1", "esx01", ds="local01")],
                  datastores=[store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])])
    analysis = analyze(estate, CONFIG)
    html = render_html(build_report(analysis, cost_analysis(analysis)))
    plan = html[html.index('class="wave-plan"'):html.index("</figure>", html.index('class="wave-plan"'))]
    text = " ".join(re.sub(r"<[^>]+>", " ", plan).split())
    assert "esx01 cannot be emptied" in text and "1 of 1" not in text
    assert "Maintenance waves" in text

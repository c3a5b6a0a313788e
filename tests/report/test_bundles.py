"""Actions that free a host only together: named per host on the summary page, with the saving."""

from __future__ import annotations

import re
import subprocess
from collections import defaultdict
from datetime import date
from pathlib import Path

import pytest

from reportgen.analysis import analyze
from reportgen.audit import Audit, run_audit, write_pdf
from reportgen.cost import cost_analysis, find_hosts_alone, only_media, price_hosts_at_power_on
from reportgen.host_labels import host_labels
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.bundles import say_numbers
from reportgen.report.formats import money
from reportgen.report.model import ReportModel
from tests.conftest import REAL
from tests.report_fixtures import CONFIG
from tests.rules.canonical import disk, guest, host, make, nic, portgroup, store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _two_causes(power: str = "poweredOn") -> ReportModel:
    """One guest on esx01 tied twice: a single-host datastore and a port group only esx01 has."""
    hosts = [host("esx01"), host("esx02"), host("esx03")]
    estate = make(hosts, [guest("app", "vm-1", "esx01", power=power, ds="local01"), guest("web", "vm-2", "esx02")],
                  disks=[disk("vm-1", "[local01] app/app.vmdk"), disk("vm-2", "[san01] web/web.vmdk")],
                  nics=[nic("vm-1", "Iso"), nic("vm-2", "LAN")],
                  networks=[portgroup("esx01", "Iso"), *(portgroup(h, "LAN") for h in ("esx01", "esx02", "esx03"))],
                  datastores=[store("san01", ["esx01", "esx02", "esx03"]), store("local01", ["esx01"])])
    analysis = analyze(estate, CONFIG)
    return build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31))


def test_two_actions_that_free_a_host_only_together_are_named_with_the_hosts_yearly_cost() -> None:
    model = _two_causes()
    assert [a.hosts_freed for a in model.remedies] == [0, 0]  # neither frees esx01 alone
    assert all("also tied by" in a.reason for a in model.remedies)
    cost = model.summary.annual_cost
    assert cost > 0
    [bundle] = model.bundles
    assert (bundle.hosts, bundle.actions, bundle.annual_saving) == (("esx01",), (1, 2), cost)
    html = render_html(model)
    summary = html[html.index('id="summary-page"'):html.index("</section>", html.index('id="summary-page"'))]
    text = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert f"Only together: actions 1 and 2 of the remedy table free esx01 ( {money(cost)} a year)." in text
    start = html.index('id="bundles"')
    listed = " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())
    assert f"esx01 : actions 1 and 2 together free it, {money(cost)} a year saved" in listed  # name in its span


def test_a_host_tied_only_once_its_guest_starts_names_the_actions_that_free_it_then() -> None:
    """Nothing tied today (the guest is off): the set is still named, with the cost from power-on."""
    model = _two_causes(power="poweredOff")
    assert model.summary.annual_cost == 0
    later = model.summary.annual_at_power_on
    assert later > 0
    [bundle] = model.bundles
    assert (bundle.hosts, bundle.actions, bundle.annual_saving, bundle.later) == (("esx01",), (1, 2), later, True)
    html = render_html(model)
    summary = html[html.index('id="summary-page"'):html.index("</section>", html.index('id="summary-page"'))]
    text = " ".join(re.sub(r"<[^>]+>", " ", summary).split())
    assert (f"Only together, once the guests that are off run again: actions 1 and 2 of the remedy table free esx01 "
            f"( {money(later)} a year).") in text
    start = html.index('id="bundles"')
    listed = " ".join(re.sub(r"<[^>]+>", " ", html[start:html.index("</section>", start)]).split())
    assert "Nothing is tied today: these hosts are tied once the guests that are off run again" in listed
    assert f"esx01 : actions 1 and 2 together free it, {money(later)} a year saved" in listed


def test_action_numbers_read_as_spans_and_lists() -> None:
    assert say_numbers([6, 7, 8, 9, 10]) == "6–10"
    assert say_numbers([2, 13]) == "2 and 13"
    assert say_numbers([3, 5, 6, 7, 9]) == "3, 5–7 and 9"
    assert say_numbers([1, 2, 4]) == "1, 2 and 4"


def test_the_sample_summary_names_the_hyperv_hosts_freed_by_several_actions(tmp_path: Path) -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    hv03 = [n for n, a in enumerate(model.remedies, 1) if "HV03" in a.hosts]
    assert len(hv03) == 5 and all(not model.remedies[n - 1].hosts_freed for n in hv03)
    assert model.bundles[0].hosts == ("HV03",) and model.bundles[0].actions == tuple(hv03)
    pdf = tmp_path / "sample.pdf"
    write_pdf(audit, pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    summary = " ".join(next(p for p in text.split("\f") if "Executive summary\n" in p).split())
    first = model.bundles[0]
    assert first.annual_saving > model.actions[0].annual_saving > 0
    # the set that saves more than the best single action leads, so that the action is not read as the best buy
    assert (f"What saves most Actions {first.numbers} of the remedy table together free HV03: "
            f"{money(audit.costing.per_host['HV03'])} a year (effort up to a project), more than any one action; "
            f"{len(model.bundles) - 1} more sets below the table. Best single action: 1. ") in summary
    assert "Only together" not in summary


def _needs(audit: Audit, model: ReportModel, tied: dict[str, float]) -> dict[str, set[int]]:
    """Host tied (not alone) -> the numbers of the actions on its guests; on a host with a guest to power off, not
    the actions that only disconnect media (done live, the host needs no normal change for them)."""
    alone = find_hosts_alone(audit.analysis)
    labels = host_labels(audit.analysis.estate)
    media = {labels.get(h.key, h.name): {g.key for g in h.blockers if only_media(g)} for h in audit.analysis.hosts}
    needs: dict[str, set[int]] = defaultdict(set)
    media_only: dict[str, set[int]] = defaultdict(set)
    for n, a in enumerate(model.remedies, 1):
        for h in a.hosts:
            if h in tied and h not in alone:
                on_host = set(a.unit_ids) & ({g.guest_cluster or g.key for x in audit.analysis.hosts
                                              if labels.get(x.key, x.name) == h for g in x.blockers})
                (media_only if on_host and on_host <= media.get(h, set()) else needs)[h].add(n)
    return {h: needs.get(h) or media_only[h] for h in {*needs, *media_only}}


@pytest.mark.parametrize("exports", [
    [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"],
    *([p] for p in sorted(REAL.glob("*.xlsx"))),
], ids=lambda e: f"{len(e)}-exports" if len(e) > 1 else "real")
def test_a_single_action_frees_exactly_the_hosts_the_core_says(exports: list[Path]) -> None:
    """The host-by-host reading behind the sets agrees with the core's freed hosts for one action."""
    audit = run_audit(exports)
    model = build_report(audit.analysis, audit.costing)
    assert model.remedies_not_shown == 0
    needs = _needs(audit, model, audit.costing.per_host)
    for n, a in enumerate(model.remedies, 1):
        assert set(a.freed) == {h for h, numbers in needs.items() if numbers == {n}}, a.action
    later = price_hosts_at_power_on(audit.analysis)
    for b in model.bundles:
        assert b.later == (not audit.costing.units)
        tied = later if b.later else audit.costing.per_host
        needs = _needs(audit, model, tied)
        assert set(b.hosts) == {h for h, numbers in needs.items() if numbers == set(b.actions)}
        assert b.annual_saving == round(sum(tied[h] for h in b.hosts), 2)


@pytest.mark.parametrize("exports", [
    [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"],
    *([p] for p in sorted(REAL.glob("*.xlsx"))),
], ids=lambda e: f"{len(e)}-exports" if len(e) > 1 else "real")
def test_no_host_is_counted_twice_between_the_actions_and_the_sets(exports: list[Path]) -> None:
    """A reader who adds what each action saves alone and what each set saves gets what the whole plan saves:
    a host one action frees is not named in a set too, and a host is in one set at most."""
    audit = run_audit(exports)
    model = build_report(audit.analysis, audit.costing)
    named = [h for b in model.bundles for h in b.hosts]
    assert len(named) == len(set(named))
    alone_freed = {h for a in model.remedies for h in a.freed}
    assert not alone_freed & set(named)
    if model.plan_total and not model.plan_total.later:
        parts = sum(audit.costing.per_host[h] for h in alone_freed) + sum(b.annual_saving for b in model.bundles)
        assert round(parts, 2) == model.plan_total.annual_saving


def test_the_samples_set_of_actions_1_and_14_names_only_the_host_action_1_does_not_free_alone() -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    freed_by_first = set(model.remedies[0].freed)
    assert freed_by_first  # action 1 frees a host alone
    for b in model.bundles:
        assert not freed_by_first & set(b.hosts), (b.numbers, b.hosts)

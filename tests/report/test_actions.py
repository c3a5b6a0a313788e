"""Actions a CIO can approve: verb and scope, effort class, hosts freed, money, and every cost unit reached."""

from __future__ import annotations

import re
import subprocess
from collections import Counter
from datetime import date
from html import unescape
from pathlib import Path

import pytest

from reportgen.analysis import analyze
from reportgen.audit import Audit, run_audit, write_pdf
from reportgen.cost import cost_analysis, find_hosts_alone
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.actions import costliest_causes, plan_actions
from reportgen.report.formats import money
from reportgen.rules.effort import EFFORT, EFFORT_CLASSES
from tests.report_fixtures import CONFIG, small_audit
from tests.rules.canonical import device, guest, host, make, store

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def _audit(estate: object) -> Audit:
    analysis = analyze(estate, CONFIG)  # type: ignore[arg-type]
    return Audit(estate, analysis, cost_analysis(analysis))  # type: ignore[arg-type]


def _units_reached(audit: Audit) -> tuple[set[str], set[str]]:
    plan = plan_actions(audit.analysis, audit.costing)
    reached = {u for a in plan for u in a.unit_ids}
    units = audit.costing.units or audit.costing.units_at_power_on
    return {u.unit for u in units}, {u.unit for u in units} - reached


def test_iso_images_on_a_local_datastore_are_one_action_in_minutes() -> None:
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    guests = [guest(f"app{i}", f"vm-{i}", "esx01") for i in range(1, 4)]
    isos = [device(f"vm-{i}", "cd", "iso", f"ISO [local01] ISO/img{i}.iso", connected=True, starts=True, row=i + 1)
            for i in range(1, 4)]
    audit = _audit(make(hosts, guests, devices=isos, datastores=stores))
    plan = plan_actions(audit.analysis, audit.costing)
    assert [a.action for a in plan] == ["Disconnect the ISO images of 3 guests on local01, at power-on too"]
    action = plan[0]
    assert action.effort == "minutes" and action.hosts_freed == 1 and action.units == 3
    assert action.annual_saving == pytest.approx(audit.costing.annual_total) and not action.reason


def test_a_standalone_host_on_local_storage_is_offered_accept_or_shared_storage() -> None:
    hosts = [host("esx09", cluster=None)]
    audit = _audit(make(hosts, [guest("erp", "vm-1", "esx09", ds="local09")],
                        datastores=[store("local09", ["esx09"])], clusters=[]))
    plan = plan_actions(audit.analysis, audit.costing)
    assert len(plan) == 1 and plan[0].action.startswith("Accept, or add shared storage")
    assert plan[0].action.endswith("for standalone host esx09") and plan[0].effort == "project"
    assert plan[0].annual_cost == pytest.approx(audit.costing.annual_total)


def test_every_cost_unit_of_the_hand_built_estate_has_an_action() -> None:
    units, missing = _units_reached(small_audit())
    assert units and not missing


def test_every_cost_unit_of_the_samples_has_an_action_and_no_host_freed_without_a_reason(tmp_path: Path) -> None:
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    units, missing = _units_reached(audit)
    assert len(units) > 10 and not missing
    plan = plan_actions(audit.analysis, audit.costing)
    assert all(a.effort in EFFORT_CLASSES for a in plan)
    assert all(a.reason for a in plan if not a.hosts_freed)
    assert not any(a.action.startswith("Fix ") for a in plan)


def test_the_summary_says_what_remains_and_counts_its_actions() -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    assert model.actions_left == pytest.approx(audit.costing.annual_total - model.actions_saving)
    html = render_html(model)
    count = len(model.actions)
    heading = {1: "The action that saves most", 2: "The two actions that save most",
               3: "The three actions that save most"}[count]
    assert heading in html
    assert "a year left" in html and "staff time under change control" in html
    assert "The outage itself is not priced" not in html  # this configuration prices it
    assert "(range" not in html and "((" not in html


def test_every_tying_rule_has_an_effort_class() -> None:
    from reportgen.rules import CATALOGUE

    tying = {r for r, info in CATALOGUE.items() if info.effects and not r.startswith("GEN")}
    assert tying - set(EFFORT) <= {"VMW-04", "VMW-09"}
    assert all(e.level in EFFORT_CLASSES for e in EFFORT.values())


def test_a_host_alone_with_two_local_datastores_gets_one_action() -> None:
    hosts = [host("esx09", cluster="Solo"), host("esx01"), host("esx02")]
    stores = [store("local09", ["esx09"]), store("local10", ["esx09"]), store("san01", ["esx01", "esx02"])]
    guests = [guest("erp", "vm-1", "esx09", ds="local09"), guest("crm", "vm-2", "esx09", ds="local10")]
    audit = _audit(make(hosts, guests, datastores=stores))
    plan = plan_actions(audit.analysis, audit.costing)
    assert len(plan) == 1 and plan[0].units == 2
    # the only host of cluster Solo is not called standalone: it has a cluster, with no other host in it
    assert plan[0].action == "Accept, or add shared storage and a second host for esx09, alone in cluster Solo"
    assert "standalone" not in plan[0].action
    assert costliest_causes(plan)[0] == ("the local storage of esx09, alone in cluster Solo (VMW-13 guest files or "
                                         "disks on a single-host datastore)",)
    assert plan[0].annual_cost == pytest.approx(audit.costing.annual_total)


def test_fixes_by_rule_free_no_host_alone_in_its_cluster() -> None:
    hosts = [host("esx01"), host("esx02"), host("solo", cluster="Edge")]
    stores = [store("san01", ["esx01", "esx02", "solo"]), store("local01", ["esx01"]), store("local09", ["solo"])]
    guests = [guest("app1", "vm-1", "esx01"), guest("erp", "vm-2", "solo", ds="local09")]
    iso = [device("vm-1", "cd", "iso", "ISO [local01] ISO/img.iso", connected=True, starts=True)]
    audit = _audit(make(hosts, guests, devices=iso, datastores=stores))
    model = build_report(audit.analysis, audit.costing, today=date(2026, 3, 31))
    by_rule = {a.label: a.hosts_freed for a in model.rule_remedies}
    assert by_rule == {"ISO image on storage only this host sees (VMW-19)": 1}  # not "single-host datastore: 1 freed"
    solo = [a for a in plan_actions(audit.analysis, audit.costing) if "solo" in a.action or a.label == "erp"]
    assert solo and all(a.hosts_freed == 0 and "no other host to move to" in a.reason for a in solo)


def test_a_host_usb_licence_key_is_not_something_to_disconnect_in_minutes() -> None:
    hosts = [host("esx01"), host("esx02")]
    key = device("vm-1", "usb", "host", "SafeNet Sentinel HL Key", connected=True, starts=True)
    audit = _audit(make(hosts, [guest("licsrv", "vm-1", "esx01")], devices=[key]))
    [action] = plan_actions(audit.analysis, audit.costing)
    assert action.action == ("Replace the host USB device of licsrv by a network USB server (USB over IP) "
                             "or network licensing")
    assert action.effort == "project" and "Disconnect" not in action.action


def test_a_guest_cluster_in_a_box_that_could_not_move_is_told_to_spread_last() -> None:
    """Spreading nodes that cannot move (here virtual bus sharing) ties a second host: it comes last."""
    audit = small_audit()
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    in_a_box = next(a for a in plan_actions(audit.analysis, audit.costing) if "web-cib" in a.label)
    assert "VMW-01" in in_a_box.rules
    assert in_a_box.action.startswith(f"Make guest cluster {in_a_box.label} movable first")
    assert in_a_box.action.endswith("then spread its nodes over different hosts (spread alone, it ties more hosts)")
    assert "spread alone, it ties more hosts" in html
    across = next(a for a in plan_actions(audit.analysis, audit.costing) if "sqlprod" in a.label)
    assert "spread" not in across.action.lower()


def test_a_guest_tied_twice_is_named_with_its_other_cause_not_itself() -> None:
    """'Move 1 VM off local storage … also tied by LOCALAPP01' when that VM is LOCALAPP01 said nothing."""
    audit = run_audit([SAMPLES / "hyperv" / "hyperv-3node.zip"])
    plan = plan_actions(audit.analysis, audit.costing)
    local = next(a for a in plan if "HYV-08" in a.rules and a.reason)
    role = next(a for a in plan if a.rules == ("HYV-09",) and "LOCALAPP01" in a.action)
    assert local.reason == "LOCALAPP01 is also tied by HYV-09 (VM is not a cluster role on a cluster node)"
    assert role.reason.startswith("LOCALAPP01 is also tied by ") and "(HYV-08)" in role.reason
    for a in plan:  # no action gives the guest it works on as its own other cause
        if a.reason and " is also tied by " in a.reason:
            who, _, other = a.reason.partition(" is also tied by ")
            assert who not in other, a.reason


def test_the_spread_last_action_reads_as_one_sentence_in_the_remedy_table(tmp_path: Path) -> None:
    """It broke after 'different', alone on a line, before 'hosts: spread alone …' in the sample's PDF."""
    import subprocess

    from reportgen.audit import run_audit, write_pdf
    samples = Path(__file__).resolve().parents[2] / "samples"
    audit = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    write_pdf(audit, tmp_path / "s.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    table = text[text.index("Remedy table"):text.index("Actions that free hosts together")]
    cells = [line[:60].strip() for line in table.splitlines()]
    assert "different" not in cells
    flowing = " ".join(" ".join(c.split()[1:]) if c.split() and c.split()[0].isdigit() else c for c in cells)
    assert "then spread its nodes over different hosts (spread alone, it ties more hosts)" in " ".join(flowing.split())


def _summary_text(pdf: Path) -> str:
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(next(p for p in text.split("\f") if "Executive summary\n" in p).split())


def test_the_summary_gives_the_saving_of_every_action_together_and_says_the_one_off_cost_is_not_priced(
        tmp_path: Path) -> None:
    """A finance reader asks what doing all of it saves and costs once, not only the first three actions."""
    audit = run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])
    model = build_report(audit.analysis, audit.costing)
    plan = plan_actions(audit.analysis, audit.costing)
    total = model.plan_total
    assert total is not None and total.actions == len(plan) > len(model.actions)
    alone = find_hosts_alone(audit.analysis)
    freed = {c.label: c.annual for c in audit.costing.hosts if c.label not in alone}
    assert total.hosts_freed == len(freed) and total.annual_saving == pytest.approx(sum(freed.values()))
    assert total.annual_saving + total.remaining == pytest.approx(audit.costing.annual_total)
    efforts = Counter(a.effort for a in plan)
    assert dict(total.efforts) == efforts
    write_pdf(audit, tmp_path / "r.pdf")
    summary = _summary_text(tmp_path / "r.pdf")
    words = {"project": "project", "change": "normal change", "minutes": "standard change"}
    counts = [f"{efforts[e]} {words[e]}{'s' if efforts[e] > 1 else ''}" for e in ("project", "change", "minutes")
              if efforts[e]]
    assert (f"remains. All {len(plan)} actions of the remedy table together free {len(freed)} hosts and save "
            f"{money(total.annual_saving)} a year, the whole yearly cost. The {len(plan)} actions' one-off cost is "
            f"not priced ({', '.join(counts)}).") in summary


def test_the_saving_of_every_action_leaves_out_a_host_alone_and_says_what_remains() -> None:
    hosts = [host("esx09", cluster=None)]
    audit = _audit(make(hosts, [guest("erp", "vm-1", "esx09", ds="local09")],
                        datastores=[store("local09", ["esx09"])], clusters=[]))
    total = build_report(audit.analysis, audit.costing).plan_total
    assert total is not None and (total.actions, total.hosts_freed, total.annual_saving) == (1, 0, 0.0)
    assert total.remaining == pytest.approx(audit.costing.annual_total) and total.hosts_kept == 1
    assert dict(total.efforts) == {"project": 1}


def test_the_summary_says_when_every_action_together_frees_no_host_and_when_all_are_listed() -> None:
    audit = _audit(make([host("esx09", cluster=None)], [guest("erp", "vm-1", "esx09", ds="local09")],
                        datastores=[store("local09", ["esx09"])], clusters=[]))
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", render_html(build_report(audit.analysis, audit.costing)))).split())
    assert ("The one action of the remedy table frees no host: the tied host is alone in its cluster; only the "
            "project in action 1 (a second host and shared storage) could free it, at a cost not priced here, so it "
            "is counted as not freed. The action's one-off cost is not priced (1 project).") in text
    small = small_audit()
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", render_html(build_report(small.analysis, small.costing)))).split())
    assert ("a year left. These are all the actions of the remedy table . The 3 actions' one-off cost is not priced "
            "(3 projects).") in text  # 'Together' already gave their saving

"""The cost model: figures reproducible by hand from the config and the findings."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reportgen.cost import UNKNOWN_OWNER, cost_analysis, unit_labour
from reportgen.outputs.findings_json import findings_document
from tests.report_fixtures import CONFIG, freeing, small_audit, with_analysis


def test_guest_cluster_yearly_cost_recomputed_by_hand_from_config_and_findings() -> None:
    audit = small_audit()
    doc = findings_document(audit.analysis, audit.costing)
    cluster = next(c for c in doc["faux_clusters"] if c["name"].startswith("sqlprod"))
    cost = CONFIG.cost
    labour = sum(r.hours * r.rate for r in cost.roles.values()) * cost.out_of_hours_multiplier
    outage = cost.outage_minutes * cost.outage_cost_per_minute
    expected = 0.0
    for host in doc["hosts"]:
        units = {g["faux_cluster"] or g["key"] for g in host["pinned_guests"]}
        if cluster["id"] in units:
            expected += cost.events_per_year[host["platform"]] * (cost.change_cost / len(units) + labour + outage)
    assert expected > 0
    assert doc["cost"]["per_faux_cluster"][cluster["id"]] == pytest.approx(expected)
    assert doc["cost"]["per_owner"]["dba-team"] == pytest.approx(expected)


def test_total_is_the_sum_of_hosts_units_and_owners() -> None:
    costing = small_audit().costing
    assert costing.annual_total == pytest.approx(sum(costing.per_host.values()))
    assert costing.annual_total == pytest.approx(sum(costing.per_guest_cluster.values()) + sum(costing.per_guest.values()))
    assert costing.annual_total == pytest.approx(sum(costing.per_owner.values()))
    assert costing.annual_low < costing.annual_total < costing.annual_high


def test_lone_pinned_guest_without_owner_is_priced_and_owner_unknown() -> None:
    audit = small_audit()
    licsrv = next(u for u in audit.costing.units if u.label == "licsrv")
    assert licsrv.kind == "guest"
    assert audit.costing.per_guest[licsrv.unit] == licsrv.annual
    assert audit.costing.per_owner[UNKNOWN_OWNER] == pytest.approx(licsrv.annual)


def test_guests_off_today_cost_nothing_now_but_count_once_started() -> None:
    costing = small_audit().costing
    assert not any(u.label.startswith("olddb") for u in costing.units)
    olddb = next(u for u in costing.units_at_power_on if u.label.startswith("olddb"))
    cost = CONFIG.cost
    per_unit = unit_labour(cost) + cost.outage_minutes * cost.outage_cost_per_minute
    # esx04 then carries two units (licsrv and olddb), sharing one change.
    assert olddb.annual == pytest.approx(cost.events_per_year["vsphere"] * (cost.change_cost / 2 + per_unit))
    assert costing.annual_at_power_on > costing.annual_total


def test_service_outage_cost_overrides_the_default_for_matching_names() -> None:
    config = replace(CONFIG, cost=replace(CONFIG.cost, service_outage_cost_per_minute={"SQLPROD*": 10.0}))
    base, priced = small_audit(), small_audit(config)
    gc = next(u for u in priced.costing.units if u.label.startswith("sqlprod"))
    assert gc.outage_cost_per_minute == 10.0
    extra = gc.events_per_year * config.cost.outage_minutes * (10.0 - CONFIG.cost.outage_cost_per_minute)
    assert priced.costing.per_guest_cluster[gc.unit] == pytest.approx(base.costing.per_guest_cluster[gc.unit] + extra)
    web = next(u for u in priced.costing.units if u.label.startswith("web-cib"))
    assert web.outage_cost_per_minute == CONFIG.cost.outage_cost_per_minute


def test_remedies_are_priced_by_the_hosts_they_free_and_ranked_by_saving() -> None:
    audit = small_audit()
    remedies = (
        freeing(audit, "faux:1", "web-cib (2 nodes)", "guest-cluster", "esx03.example.net"),
        freeing(audit, "faux:0", "sqlprod (2 nodes)", "guest-cluster", "esx01.example.net", "esx02.example.net"),
    )
    costing = with_analysis(audit, remedies_by_cause=remedies).costing
    assert [r.label for r in costing.remedies] == ["sqlprod (2 nodes)", "web-cib (2 nodes)"]
    top = costing.remedies[0]
    assert top.annual_saving == pytest.approx(costing.per_host["esx01.example.net"] + costing.per_host["esx02.example.net"])


def test_containment_saves_the_change_overhead_of_the_net_freed_hosts() -> None:
    audit = small_audit()
    costing = with_analysis(audit, containment_k=1, containment_hosts_freed=3).costing
    assert costing.containment is not None
    per_host_overhead = CONFIG.cost.events_per_year["vsphere"] * CONFIG.cost.change_cost
    assert costing.containment.annual_saving == pytest.approx((3 - 1) * per_host_overhead)
    analysis = audit.analysis  # the core's own what-if for this estate
    real = cost_analysis(analysis).containment
    assert real is not None and real.dedicated_hosts == analysis.containment_k
    assert real.annual_saving == pytest.approx(
        max(0, analysis.containment_hosts_freed - analysis.containment_k) * per_host_overhead)

"""Naming the analysis results: causes and guest clusters as a reader sees them."""

from __future__ import annotations

from reportgen.analysis import cluster_name
from reportgen.causes import RuleCause, cause_label


def test_cause_labels_name_the_thing_to_fix() -> None:
    guests = {"UUID/vm-7": "dongle01"}
    assert cause_label(RuleCause("datastore", "UUID/local-esx01", "local-esx01"), guests) == "local-esx01"
    assert cause_label(RuleCause("portgroup", "UUID/esx01.corp/Isolate", "Isolate", "esx01.corp"),
                       guests) == "Isolate on esx01.corp"
    assert cause_label(RuleCause("network", "UUID/DC1/Prod/HB", "HB", "Prod"), guests) == "HB in cluster Prod"
    assert cause_label(RuleCause("usb", "UUID/vm-7"), guests) == "dongle01's host USB device"
    assert cause_label(RuleCause("switch", "HV02/HB-Private", "HB-Private", "HV02"), guests) == "HB-Private on HV02"


def test_a_name_holding_a_slash_is_labelled_whole() -> None:
    """Labels come from the parts the rule gave, so a '/' in a port group or switch name splits nothing."""
    pg = RuleCause("dvportgroup", "UUID/dvs/core/VLAN 10/20", "VLAN 10/20", "dvs/core")
    assert cause_label(pg, {}) == "VLAN 10/20 on dvs/core"
    assert cause_label(RuleCause("network", "UUID/DC1/Prod/a/b", "a/b", "Prod"), {}) == "a/b in cluster Prod"


def test_a_cause_is_its_kind_and_identity() -> None:
    assert RuleCause("portgroup", "UUID/esx01/HB", "HB", "esx01") == RuleCause("portgroup", "UUID/esx01/HB")


def test_cluster_names_use_the_common_stem() -> None:
    assert cluster_name(["sqlcl01-n1", "sqlcl01-n2"]) == "sqlcl01 (2 nodes)"
    assert cluster_name(["alpha", "beta"]) == "alpha + beta"
    assert cluster_name(["a1x", "b2y", "c3z", "d4w"]) == "a1x + 3 more"

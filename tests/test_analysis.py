"""Naming the analysis results: causes and guest clusters as a reader sees them."""

from __future__ import annotations

from reportgen.analysis import cluster_name
from reportgen.causes import cause_label


def test_cause_labels_name_the_thing_to_fix() -> None:
    hosts = {"UUID/esx01.corp": "esx01.corp"}
    guests = {"UUID/vm-7": "dongle01"}
    assert cause_label("datastore", "UUID/local-esx01", hosts, guests) == "local-esx01"
    assert cause_label("portgroup", "UUID/esx01.corp/Isolate", hosts, guests) == "Isolate on esx01.corp"
    assert cause_label("network", "UUID/DC1/Prod/HB", hosts, guests) == "HB in cluster Prod"
    assert cause_label("usb", "UUID/vm-7", hosts, guests) == "dongle01's host USB device"
    assert cause_label("switch", "HV02/HB-Private", hosts, guests) == "HB-Private on HV02"


def test_cluster_names_use_the_common_stem() -> None:
    assert cluster_name(["sqlcl01-n1", "sqlcl01-n2"]) == "sqlcl01 (2 nodes)"
    assert cluster_name(["alpha", "beta"]) == "alpha + beta"
    assert cluster_name(["a1x", "b2y", "c3z", "d4w"]) == "a1x + 3 more"

"""The RVTools importer on real exports from other organisations (skipped when absent)."""

from __future__ import annotations

import pytest

from reportgen.importers import load_estate
from tests.conftest import real_export

pytestmark = pytest.mark.real


def test_bcspa1_identity_and_shared_rdms() -> None:
    estate = load_estate([real_export("abeggi-bcspa1-4.7.1.xlsx")])
    guests = {g["name"]: g for g in estate.guests.to_pylist()}
    assert len(guests) == 19
    sql1 = guests["Banchero8sql01"]
    assert sql1["guest_key"].startswith("7480AD31-17CA-4D0C-83C3-9CC98BB051F8/vm-")
    assert sql1["host_key"].endswith("/192.168.1.40")
    rdms = [d for d in estate.table("disks").to_pylist()
            if d["guest_key"] in (guests["Banchero8sql01"]["guest_key"], guests["Banchero8sql02"]["guest_key"])
            and d["raw"]]
    assert len(rdms) == 6
    assert {d["bus_sharing"] for d in rdms} == {"physical"}
    assert {d["raw_mode"] for d in rdms} == {"physical"}
    assert {d["sharing_mode"] for d in rdms} == {None}  # empty on ESXi 5.5: unknown
    assert len({d["lun_id"] for d in rdms}) == 3
    hosts = {h["name"]: h for h in estate.hosts.to_pylist()}
    assert hosts["192.168.1.40"]["version"] == "5.5.0"
    source = estate.sources.to_pylist()[0]
    assert source["tool_version"] == "4.7.1.4" and source["rows_skipped"] == 0


def test_bm900086_duplicate_names_templates_and_single_host_datastores() -> None:
    estate = load_estate([real_export("bm900086-sample-4.6.1.xlsx")])
    guests = estate.guests.to_pylist()
    assert len(guests) == 339
    assert len({g["guest_key"] for g in guests}) == 339
    assert len({g["name"] for g in guests}) < 339  # a duplicate name kept as two guests
    assert sum(1 for g in guests if g["template"]) == 44
    local = [d for d in estate.table("datastores").to_pylist() if d["host_count"] is not None and d["host_count"] <= 1]
    assert len(local) == 24
    assert all(d["shared"] is False for d in local)


def test_farm_lonati_custom_attributes_and_uplinkless_port_group() -> None:
    estate = load_estate([real_export("abeggi-farm-lonati-4.7.1.xlsx")])
    assert len(estate.custom_columns[0]) == 8
    isolate = [n for n in estate.table("networks").to_pylist() if n["network"] == "Isolate"]
    assert isolate and all(n["has_uplink"] is False for n in isolate)
    on_isolate = [n for n in estate.table("nics").to_pylist() if n["network"] == "Isolate"]
    assert len(on_isolate) == 13


def test_licenseware_3x_legacy_layout() -> None:
    estate = load_estate([real_export("licenseware-3.x.xlsx")])
    guests = estate.guests.to_pylist()
    assert len(guests) == 387
    assert all(g["vm_id"] and g["vm_id"].startswith("vm-") for g in guests)  # from 3.x 'Object ID'
    assert sum(1 for g in guests if g["template"]) > 0  # .vmtx paths
    assert not estate.has_tab(0, "vDisk")
    source = estate.sources.to_pylist()[0]
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]


def test_ovh_resaved_by_excel_reads_every_tab() -> None:
    estate = load_estate([real_export("abeggi-ovh-4.4.3.xlsx")])
    assert estate.guests.num_rows == 124
    local = [n for n in estate.table("networks").to_pylist() if n["network"] == "Local PortGroup"]
    assert len(local) == 5 and all(n["has_uplink"] is False for n in local)
    dist = [n for n in estate.table("networks").to_pylist() if n["switch_kind"] == "distributed"]
    assert dist and all(n["has_uplink"] for n in dist if n["network"].startswith("VLAN"))

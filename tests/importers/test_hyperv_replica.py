"""A Hyper-V Replica primary and its copy share one VMId: in one export, or in the primary site's and the
replica site's exports audited together, they stay two guests, each with its own host, disks and ties."""

from __future__ import annotations

from pathlib import Path

import polars as pl

from reportgen.estate import merge
from reportgen.importers import load_estate
from reportgen.rules import RuleContext, evaluate
from tests.rules.hyperv_lab import Lab, copy_key, edges, findings, two_nodes, vm_id


def _mode(lab: Lab, host: str, mode: str) -> None:
    for row in lab.objects["Get-VM"]:
        if row["ComputerName"] == host:
            row["ReplicationMode"] = mode


def _guests(estate) -> dict[str, dict[str, object]]:  # type: ignore[no-untyped-def]
    frame = pl.from_arrow(estate.guests)
    assert isinstance(frame, pl.DataFrame)
    return {r["guest_key"]: r for r in frame.iter_rows(named=True)}


def test_a_primary_and_its_copy_in_one_export_are_two_guests(tmp_path: Path) -> None:
    """APP01 runs on HVA from the CSV; its Replica copy is kept on HVB's local D: (one cluster's two nodes)."""
    lab = two_nodes()
    lab.vm("APP01", "HVA")
    lab.vm("APP01", "HVB", state="Off", clustered=False, folder=r"D:\Replica\APP01")
    _mode(lab, "HVA", "Primary")
    _mode(lab, "HVB", "Replica")
    estate, out = lab.run(tmp_path)
    guests = _guests(estate)
    copy = copy_key("APP01", "HVB")
    assert set(guests) == {vm_id("APP01"), copy}
    assert (guests[vm_id("APP01")]["host_key"], guests[vm_id("APP01")]["power_state"]) == ("hyperv/HVA", "poweredOn")
    assert (guests[copy]["host_key"], guests[copy]["replication_mode"]) == ("hyperv/HVB", "replica")
    assert guests[copy]["vm_id"] == guests[vm_id("APP01")]["vm_id"] == vm_id("APP01")
    disks = pl.from_arrow(estate.table("disks"))
    assert isinstance(disks, pl.DataFrame)
    by_guest = dict(zip(disks["guest_key"].to_list(), disks["path"].to_list()))
    assert by_guest[copy].startswith("D:\\Replica") and by_guest[vm_id("APP01")].startswith("C:\\ClusterStorage")
    assert not any("listed twice" in i.message for i in estate.issues)
    [source] = estate.sources.to_pylist()
    assert source["rows_skipped"] == 0
    # The copy's local disk is its tie, said but holding no host; the primary on the CSV has none.
    assert set(findings(out, "HYV-08")) == {copy} and set(findings(out, "HYV-17")) == {copy}
    assert not edges(out.pins, "HYV-08")
    # The primary keeps its cluster data (possible owners by VMId); the copy, not a cluster role, has none.
    assert guests[vm_id("APP01")]["possible_owners"] == ["hyperv/HVA", "hyperv/HVB"]
    assert guests[copy]["possible_owners"] is None


def test_cluster_rows_of_a_shared_vmid_go_to_the_copy_whose_cluster_lists_its_host(tmp_path: Path) -> None:
    """A clustered copy (a Replica Broker cluster) and its primary in one export of two clusters' nodes."""
    lab = Lab(cluster="SITEA")
    lab.node("HVA")
    lab.vm("APP01", "HVA", owners=["HVA"])
    lab.cluster = "SITEB"
    lab.node("HVB")
    lab.vm("APP01", "HVB", state="Off", owners=["HVB"])
    _mode(lab, "HVA", "Primary")
    _mode(lab, "HVB", "Replica")
    lab.cluster = "SITEC"  # an extended Replica of the copy on a third cluster
    lab.node("HVC")
    lab.vm("APP01", "HVC", state="Off", owners=["HVC"])
    _mode(lab, "HVC", "ExtendedReplica")
    guests = _guests(lab.estate(tmp_path))
    assert len(guests) == 3
    assert guests[vm_id("APP01")]["possible_owners"] == ["hyperv/HVA"]
    assert guests[copy_key("APP01", "HVB")]["possible_owners"] == ["hyperv/HVB"]
    assert guests[copy_key("APP01", "HVC")]["possible_owners"] == ["hyperv/HVC"]


def test_the_primary_sites_and_the_replica_sites_exports_together_keep_both(tmp_path: Path) -> None:
    primary, replica = two_nodes(), Lab(cluster=None)
    primary.vm("APP01", "HVA", folder=r"D:\VMs\APP01")
    _mode(primary, "HVA", "Primary")
    replica.node("DR01")
    replica.vm("APP01", "DR01", state="Off", clustered=False, folder=r"D:\Replica\APP01")
    _mode(replica, "DR01", "Replica")
    estate = merge([primary.estate(tmp_path / "site-a"), replica.estate(tmp_path / "site-b")])
    guests = _guests(estate)
    copy = copy_key("APP01", "DR01")
    assert set(guests) == {vm_id("APP01"), copy}
    assert (guests[vm_id("APP01")]["source_id"], guests[copy]["source_id"]) == (0, 1)
    out = evaluate(estate, RuleContext())
    assert set(findings(out, "HYV-08")) == {vm_id("APP01"), copy}
    assert {g for g, _ in edges(out.pins, "HYV-08")} == {vm_id("APP01")}  # the copy ties no host


def test_without_replication_mode_the_running_row_is_the_guest(tmp_path: Path) -> None:
    """A copy cannot be told from its primary: one guest, where it runs, and the other row counted as skipped."""
    lab = two_nodes()
    lab.vm("APP01", "HVB", state="Off", clustered=False)
    lab.vm("APP01", "HVA")
    estate = lab.estate(tmp_path)
    guests = _guests(estate)
    assert list(guests) == [vm_id("APP01")] and guests[vm_id("APP01")]["host_key"] == "hyperv/HVA"
    assert any("listed twice" in i.message and i.skipped for i in estate.issues)


def _two_sites_without_mode(tmp_path: Path, copy_state: str = "Off") -> tuple[Path, Path]:
    primary, replica = two_nodes(), Lab(cluster=None)
    primary.vm("APP01", "HVA", folder=r"D:\VMs\APP01")
    replica.node("DR01")
    replica.vm("APP01", "DR01", state=copy_state, clustered=False, folder=r"D:\Replica\APP01")
    for lab in (primary, replica):
        for row in lab.objects["Get-VM"]:
            row.pop("ReplicationMode", None)
    primary.estate(tmp_path / "site-a")
    replica.estate(tmp_path / "site-b")
    return tmp_path / "site-a", tmp_path / "site-b"


def test_two_sites_without_replication_mode_keep_the_primary_and_its_copy_apart(tmp_path: Path) -> None:
    """Before: two guests under one key; the primary's tie to HVA (local D:) was lost to the copy's row and
    HVA read as free to empty."""
    estate = load_estate(list(_two_sites_without_mode(tmp_path)))
    guests = _guests(estate)
    copy = copy_key("APP01", "DR01")
    assert set(guests) == {vm_id("APP01"), copy} and estate.guests.num_rows == 2
    assert guests[vm_id("APP01")]["host_key"] == "hyperv/HVA"
    disks = pl.from_arrow(estate.tables["disks"])
    assert isinstance(disks, pl.DataFrame)
    assert sorted(disks["guest_key"].to_list()) == sorted([vm_id("APP01"), copy])
    out = evaluate(estate, RuleContext())
    assert edges(out.pins, "HYV-08") == {(vm_id("APP01"), "hyperv/HVA"), (copy, "hyperv/DR01")}  # each its own host
    [said] = [i for i in estate.issues if "is in 2 exports" in i.message]
    assert "poweredOn on HVA (site-a); poweredOff on DR01 (site-b)" in said.message
    assert "read as a Hyper-V Replica primary (the running one) and its copy" in said.message


def test_two_sites_that_both_run_the_vm_are_kept_and_said(tmp_path: Path) -> None:
    estate = load_estate(list(_two_sites_without_mode(tmp_path, copy_state="Running")))
    assert estate.guests.num_rows == 2 and len(set(_guests(estate))) == 2
    [said] = [i for i in estate.issues if "is in 2 exports" in i.message]
    assert "cannot be told" in said.message and "counted twice" in said.message

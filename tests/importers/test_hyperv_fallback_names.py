"""Where a Hyper-V export leaves a name out, what stands in for it is what the user can find (a VMId, a node as
written), never a key reportgen made, and never the same for two different things or two for one thing; each
stand-in is said in the data quality."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import polars as pl

from reportgen.importers.hyperv import load_hyperv
from reportgen.importers.hyperv_values import node_label
from reportgen.importers.rvtools_map import MapOptions
from tests.importers import hyperv_bundle as bundle


def _csv(rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def _set(members: dict[str, bytes], file: str, vm: str, changes: dict[str, str]) -> dict[str, bytes]:
    rows = bundle.rows(members[file])
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("VMName")] == vm:
            for column, value in changes.items():
                row[header.index(column)] = value
    return {**members, file: _csv(rows)}




def test_a_node_no_file_names_is_shown_whole_never_by_the_end_of_its_key() -> None:
    assert node_label("hyperv/RACK1/HV09", {}) == "RACK1/HV09" != node_label("hyperv/RACK2/HV09", {})
    assert node_label("hyperv/HV09", {}, " hv09.corp.example ") == "hv09.corp.example"
    assert node_label("hyperv/HV09", {"hyperv/HV09": "HV09.corp"}, "hv09") == "HV09.corp"


def test_two_nodes_owning_vm_roles_without_vms_are_named_apart(cli: Any, tmp_path: Path) -> None:
    members = bundle.members()
    rows = bundle.rows(members["Get-ClusterGroup.csv"])
    header = rows[0]
    for node in ("rack1/HV09", "rack2/HV09"):
        row = dict.fromkeys(header, "")
        row.update(Cluster="HVCL01", Name=f"VM on {node}", OwnerNode=node, State="Online", GroupType="VirtualMachine")
        rows.append([row[h] for h in header])
    found = bundle.audit_members(cli, {**members, "Get-ClusterGroup.csv": _csv(rows)}, tmp_path)
    said = [d["message"] for d in found["data_quality"] if "lists no VM although the cluster" in d["message"]]
    assert sorted(m.split(" lists")[0] for m in said) == ["rack1/HV09", "rack2/HV09"]
    assert not any("hyperv/" in m for m in said)


def test_a_vm_without_a_name_is_shown_by_its_vmid_and_said(cli: Any, tmp_path: Path) -> None:
    members = _set(bundle.members(), "Get-VM.csv", "FILE01", {"Name": ""})
    members = _set(members, "Get-VM.csv", "FILE01", {"VMName": ""})
    found = bundle.audit_members(cli, members, tmp_path)
    vm_id = "fd36778b-3238-5c28-853b-c3b9ca5baa9c"
    [issue] = [d for d in found["data_quality"] if d["column"] == "Name" and "have no Name" in d["message"]]
    assert issue["sheet"] == "Get-VM.csv" and issue["level"] == "warning" and vm_id in issue["message"]
    names = {(f["guest"] or {}).get("name") for f in found["findings"]}
    assert vm_id in names and "FILE01" not in names


def test_a_nameless_replica_copy_is_not_shown_as_its_primary(tmp_path: Path) -> None:
    members = bundle.members()
    rows = bundle.rows(members["Get-VM.csv"])
    header = rows[0]
    at = {h: i for i, h in enumerate(header)}
    [primary] = [r for r in rows[1:] if r[at["VMName"]] == "FILE01"]
    copy = [*primary]
    copy[at["ComputerName"]], copy[at["State"]], copy[at["ReplicationMode"]] = "HV01", "Off", "Replica"
    primary[at["ReplicationMode"]] = "Primary"
    for row in (primary, copy):
        row[at["Name"]] = row[at["VMName"]] = ""
    edited = bundle.zip_members(tmp_path / "bundle.zip", {**members, "Get-VM.csv": _csv([*rows, copy])})
    guests = pl.from_arrow(load_hyperv(edited, 0, MapOptions()).guests)
    assert isinstance(guests, pl.DataFrame)
    shown = sorted(guests.filter(pl.col("vm_id") == primary[at["VMId"]])["name"].to_list())
    assert shown == [primary[at["VMId"]], f"{primary[at['VMId']]} (Replica copy on HV01)"]
    assert not [n for n in guests["name"].to_list() if "/replica" in n]


def test_one_volume_written_in_two_cases_is_one_datastore(tmp_path: Path) -> None:
    members = bundle.members()
    rows = bundle.rows(members["Get-VMHardDiskDrive.csv"])
    path = rows[0].index("Path")
    for row in rows[1:]:
        row[path] = row[path].replace("C:\\ClusterStorage\\Volume1", "c:\\clusterstorage\\VOLUME1")
    estate = load_hyperv(bundle.zip_members(tmp_path / "bundle.zip", {**members, "Get-VMHardDiskDrive.csv": _csv(rows)}), 0,
                         MapOptions())
    stores = estate.tables["datastores"].column("name").to_pylist()
    assert [s for s in stores if s.lower() == "c:\\clusterstorage\\volume1"] == ["C:\\ClusterStorage\\Volume1"]
    disks = set(estate.tables["disks"].column("datastore").to_pylist())
    assert "C:\\ClusterStorage\\Volume1" in disks and "c:\\clusterstorage\\VOLUME1" not in disks
    [issue] = [i for i in estate.issues if "is also written" in i.message]
    assert issue.level == "info" and "'c:\\\\clusterstorage\\\\VOLUME1'" in issue.message


def test_a_local_drive_of_a_vm_on_no_known_host_is_said_not_dropped(tmp_path: Path) -> None:
    members = _set(bundle.members(), "Get-VM.csv", "LOCALAPP01", {"ComputerName": ""})
    estate = load_hyperv(bundle.zip_members(tmp_path / "bundle.zip", members), 0, MapOptions())
    [issue] = [i for i in estate.issues if "local drive of a VM whose host is unknown" in i.message]
    assert issue.level == "warning" and "D:\\Hyper-V\\LOCALAPP01" in issue.message


def test_one_volume_path_in_two_clusters_is_two_datastores(tmp_path: Path) -> None:
    """Every cluster has its own C:\\ClusterStorage\\Volume1: nodes of two clusters in one export (loose files
    from several clusters) must not make their volumes one datastore seen by one cluster's nodes."""
    members = bundle.members()
    rows = bundle.rows(members["Get-ClusterNode.csv"])
    for row in rows[1:]:
        if row[1] == "HV03":
            row[0] = "HVCL02"
    estate = load_hyperv(bundle.zip_members(tmp_path / "bundle.zip", {**members, "Get-ClusterNode.csv": _csv(rows)}), 0,
                         MapOptions())
    stores = pl.from_arrow(estate.tables["datastores"])
    assert isinstance(stores, pl.DataFrame)
    apart = stores.filter(pl.col("name").str.starts_with("C:\\ClusterStorage\\Volume1 ("))
    assert sorted(apart["name"].to_list()) == ["C:\\ClusterStorage\\Volume1 (HVCL01)",
                                               "C:\\ClusterStorage\\Volume1 (HVCL02)"]
    assert sorted(apart.filter(pl.col("name").str.ends_with("(HVCL02)"))["host_keys"].to_list()[0]) == ["hyperv/HV03"]
    disks = pl.from_arrow(estate.tables["disks"])
    guests = pl.from_arrow(estate.tables["guests"])
    assert isinstance(disks, pl.DataFrame) and isinstance(guests, pl.DataFrame)
    on = disks.join(guests.select("guest_key", "name"), on="guest_key").filter(
        pl.col("path").str.contains("Volume1", literal=True)).select("name", "datastore")
    assert set(on.filter(pl.col("name") == "FS-N2")["datastore"]) == {"C:\\ClusterStorage\\Volume1 (HVCL02)"}
    assert set(on.filter(pl.col("name") == "FS-N1")["datastore"]) == {"C:\\ClusterStorage\\Volume1 (HVCL01)"}
    assert [i for i in estate.issues if "used on nodes of several clusters" in i.message]

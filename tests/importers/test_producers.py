"""RVTools-shaped exports written by other exporters: the producer, the platform and the disk file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.importers import load_estate
from tests.rvtools_files import csv_bytes, small_estate, trimmed, write_tabs_xlsx, write_xlsx

GUID = "6f1c2a90-0000-4000-8000-0000000000{:02d}"
VM_COLUMNS = ["VM", "Powerstate", "Template", "Datacenter", "Cluster", "Host", "VM ID", "VM UUID", "VI SDK Server",
              "VI SDK UUID"]


def hyperv_shaped(meta: dict[str, Any] | None, source: dict[str, Any] | None) -> dict[str, tuple[list[str], list]]:
    """Five Hyper-V VMs in RVTools' layout, the way an imitating exporter writes them.

    sql-a (hv01) and sql-b (hv02) share a .vhdx; fs-1 and fs-2 (both hv01) share a VHD Set; web-a is off.
    The disk file is in 'Disk Path'; 'Path' is empty; power states are On / Off; no vCenter columns.
    """
    vms = [("sql-a", "On", "hv01"), ("sql-b", "On", "hv02"), ("fs-1", "On", "hv01"), ("fs-2", "On", "hv01"),
           ("web-a", "Off", "hv02")]
    shared = {"sql-a": r"C:\ClusterStorage\Volume2\sql\quorum.vhdx", "sql-b": r"C:\ClusterStorage\Volume2\sql\quorum.vhdx",
              "fs-1": r"C:\ClusterStorage\Volume3\fs\data.vhds", "fs-2": r"C:\ClusterStorage\Volume3\fs\data.vhds"}
    ids = {name: GUID.format(n) for n, (name, _, _) in enumerate(vms)}
    vinfo = [[name, power, None, None, "HVCL01", host, ids[name], None, None, None, 4, 8192,
              rf"C:\ClusterStorage\Volume1\{name}"] for name, power, host in vms]
    disks = []
    for name, power, host in vms:
        files = [rf"C:\ClusterStorage\Volume1\{name}\{name}.vhdx", *([shared[name]] if name in shared else [])]
        for unit, file in enumerate(files):
            disks.append([name, power, None, None, "HVCL01", host, ids[name], None, None, None,
                          file.rsplit("\\", 1)[1], file, 40960, "SCSI 0", unit, None])
    tabs: dict[str, tuple[list[str], list]] = {
        "vInfo": ([*VM_COLUMNS, "CPUs", "Memory", "Path"], vinfo),
        "vDisk": ([*VM_COLUMNS, "Disk", "Disk Path", "Capacity MiB", "Controller", "Unit #", "Path"], disks),
        "vHost": (["Host", "Datacenter", "Cluster", "# Cores", "VI SDK Server", "VI SDK UUID"],
                  [["hv01", None, "HVCL01", 32, None, None], ["hv02", None, "HVCL01", 32, None, None]]),
    }
    if source is not None:
        tabs["vSource"] = (list(source), [list(source.values())])
    if meta is not None:
        tabs["vMetaData"] = (list(meta), [list(meta.values())])
    return tabs


HYPERV_SOURCE = {"Name": "Hyper-V Inventory", "OS type": "Windows Server 2022", "API type": "WinRM",
                 "Version": "1.0", "Product name": "Hyper-V", "Vendor": "Microsoft"}
HYPERV_META = {"RVTools major version": "HvInventory", "RVTools version": "1.0",
               "xlsx creation datetime": "2026-01-10T08:00:00Z", "Server": "Hyper-V Inventory"}


def audit(cli, tabs: dict, tmp_path: Path, kind: str = "xlsx") -> dict:
    if kind == "xlsx":
        export = write_tabs_xlsx(tabs, tmp_path / "export.xlsx")
    else:  # the way such exporters name their CSVs: vInfo.csv, vDisk.csv ...
        export = tmp_path / "export"
        export.mkdir()
        for tab, (cols, rows) in tabs.items():
            (export / f"{tab}.csv").write_bytes(csv_bytes(cols, rows))
    out = tmp_path / "f.json"
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    return json.loads(out.read_text())


@pytest.mark.parametrize(("meta", "kind"), [(HYPERV_META, "xlsx"), (None, "xlsx"), (HYPERV_META, "csv")])
def test_hyperv_in_rvtools_shape_is_audited_as_hyperv(cli, tmp_path: Path, meta: dict | None, kind: str) -> None:
    document = audit(cli, hyperv_shaped(meta, HYPERV_SOURCE), tmp_path, kind)
    [source] = document["estate"]["sources"]
    assert source["platform"] == "hyperv"
    assert source["tool"] == ("HvInventory" if meta else "Hyper-V Inventory")
    clusters = {tuple(sorted(g["name"] for g in c["guests"])): c for c in document["faux_clusters"]}
    assert set(clusters) == {("sql-a", "sql-b"), ("fs-1", "fs-2")}
    assert clusters[("sql-a", "sql-b")]["rules"] == ["HYV-01"] and clusters[("sql-a", "sql-b")]["suspected"] is False
    assert clusters[("fs-1", "fs-2")]["rules"] == ["HYV-02"] and clusters[("fs-1", "fs-2")]["topology"] == "in-a-box"
    evidence = [f["evidence"] for f in document["findings"] if f["rule"] == "HYV-01"]
    assert evidence and all(e.startswith("vDisk row ") for e in evidence)
    assert all("SupportPersistentReservations not in the export" in e for e in evidence)
    assert all(r"Path = C:\ClusterStorage\Volume2\sql\quorum.vhdx" in e for e in evidence)
    coverage = {c["rule"]: c for c in document["coverage"]}
    assert coverage["HYV-01"]["status"] == "assessed" and "SupportPersistentReservations" in coverage["HYV-01"]["reason"]
    assert coverage["HYV-02"]["status"] == "assessed"
    assert coverage["HYV-04"]["status"] == "not-assessed"  # no DiskNumber in RVTools' layout
    assert not any(r.startswith(("GEN-", "VSP-")) for r in coverage)  # vSphere checks do not apply
    said = [i["message"] for i in document["data_quality"]]
    assert any(m.startswith("written by ") and "not by RVTools, for Hyper-V" in m for m in said)


def test_on_and_off_are_power_states(tmp_path: Path) -> None:
    book = write_tabs_xlsx(hyperv_shaped(HYPERV_META, HYPERV_SOURCE), tmp_path / "export.xlsx")
    guests = {g["name"]: g for g in load_estate([book]).table("guests").to_pylist()}
    assert guests["web-a"]["power_state"] == "poweredOff" and guests["sql-a"]["power_state"] == "poweredOn"
    assert {g["platform"] for g in guests.values()} == {"hyperv"}


def test_an_unrecognised_producer_is_reported_and_nothing_is_assessed(cli, tmp_path: Path) -> None:
    meta = {"RVTools major version": "InventoryTool", "RVTools version": "2.3", "Server": "inv01"}
    document = audit(cli, hyperv_shaped(meta, None), tmp_path)
    [source] = document["estate"]["sources"]
    assert source["tool"] == "InventoryTool" and source["tool_version"] == "2.3"
    assert {c["status"] for c in document["coverage"]} == {"not-assessed"}
    assert all("does not recognise" in c["reason"] for c in document["coverage"])
    warnings = [i for i in document["data_quality"] if i["level"] == "warning"]
    assert any("written by InventoryTool 2.3, not by RVTools" in i["message"] for i in warnings)


def test_rvtools_exports_are_rvtools_and_vsphere(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "vc.xlsx")])
    [source] = estate.table("sources").to_pylist()
    assert (source["tool"], source["platform"], source["producer_recognised"]) == ("RVTools", "vsphere", True)
    assert not any(i.message.startswith("written by") for i in estate.issues)


def test_a_guest_mount_point_in_disk_path_is_never_the_disk_file(tmp_path: Path) -> None:
    """RVTools 4.6.x writes the guest's drive letters in 'Disk Path'."""
    est = small_estate()
    est.guests[4].disks = [{}, {"Path": None}]  # web01: a second disk without a Path
    cols, rows = trimmed(est)["vDisk"]
    rows = [[*r, "C:\\" if r[0] == "web01" else None] for r in rows]
    book = write_tabs_xlsx({**trimmed(est), "vDisk": ([*cols, "Disk Path"], rows)}, tmp_path / "mounts.xlsx")
    disks = [d for d in load_estate([book]).table("disks").to_pylist() if d["guest_key"].endswith("vm-301")]
    assert [d["path"] for d in disks] == ["[san01] web01/web01_0.vmdk", None]

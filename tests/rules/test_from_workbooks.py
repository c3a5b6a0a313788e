"""Rules over small RVTools-shaped workbooks read by the importer (real column layout end to end)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from reportgen.analysis import analyze
from reportgen.importers import load_estate
from reportgen.rules import Severity, evaluate
from tests import rvtools_files

SNAPSHOT_HEADERS = ["VM", "Powerstate", "Name", "Description", "Date / time", "Filename", "Size MiB (vmsn)",
                    "Size MiB (total)", "Quiesced", "State", "Annotation", "Datacenter", "Cluster", "Host", "Folder",
                    "OS according to the configuration file", "OS according to the VMware Tools", "VM ID", "VM UUID",
                    "VI SDK Server", "VI SDK UUID"]


def workbook(estate: rvtools_files.Estate, path: Path, snapshots: list[tuple[str, str]] | None = None) -> Path:
    """rvtools_files.write_xlsx plus, when given, a vSnapshot sheet with one row per (VM, VM ID)."""
    book = xlsxwriter.Workbook(str(path))
    sheets: dict[str, tuple[list[str], list[list[Any]]]] = dict(rvtools_files.tabs(estate))
    if snapshots is not None:
        rows = [[vm, "poweredOn", "before patch", None, None, None, 10, 2048, "False", "poweredOff", None, "DC1",
                 "Prod", "esx01.example.test", None, None, None, vm_id, None, estate.server, estate.uuid]
                for vm, vm_id in snapshots]
        sheets["vSnapshot"] = (SNAPSHOT_HEADERS, rows)
    for tab, (cols, data) in sheets.items():
        sheet = book.add_worksheet(tab)
        sheet.write_row(0, 0, cols)
        for r, row in enumerate(data, start=1):
            for c, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, (int, float)):
                    sheet.write_number(r, c, value)
                else:
                    sheet.write(r, c, value)
    book.close()
    return path


def test_the_small_estate_has_one_cluster_in_a_box_and_one_across_boxes(tmp_path: Path) -> None:
    analysis = analyze(load_estate([workbook(rvtools_files.small_estate(), tmp_path / "vc.xlsx")]))
    clusters = {tuple(sorted(g.name for g in c.guests)): c for c in analysis.guest_clusters if not c.suspected}
    assert set(clusters) == {("sql01", "sql02"), ("fs01", "fs02")}
    assert clusters[("sql01", "sql02")].topology == "in-a-box"
    assert clusters[("fs01", "fs02")].topology == "across-boxes"
    topology = {analysis.guest_names[f.guest_key or ""]: f for f in analysis.findings if f.rule == "GEN-02"}
    assert topology["sql01"].severity == Severity.CRITICAL and topology["fs01"].severity == Severity.MEDIUM
    # ESXi 7.0.3 and hardware 19: physical-mode RDMs move with vMotion, so nobody is pinned.
    assert all(h.evacuable for h in analysis.hosts)


def test_snapshots_are_counted_from_vsnapshot_and_flag_shared_disk_guests(tmp_path: Path) -> None:
    estate = load_estate([workbook(rvtools_files.small_estate(), tmp_path / "vc.xlsx",
                                   snapshots=[("sql01", "vm-101"), ("sql01", "vm-101"), ("web01", "vm-301")])])
    counts = dict(zip(estate.guests.column("name").to_pylist(), estate.guests.column("snapshots").to_pylist()))
    assert counts == {"sql01": 2, "sql02": 0, "fs01": 0, "fs02": 0, "web01": 1}
    out = evaluate(estate)
    flagged = [f for f in out.findings if f.rule == "VMW-09"]
    assert [f.evidence.split(":")[1].strip() for f in flagged] == ["2 snapshot(s) on a guest with VMW-02"]


def test_without_a_vsnapshot_tab_snapshots_are_unknown_and_vmw09_not_assessed(tmp_path: Path) -> None:
    estate = load_estate([workbook(rvtools_files.small_estate(), tmp_path / "vc.xlsx")])
    assert set(estate.guests.column("snapshots").to_pylist()) == {None}
    coverage = {c.rule: c for c in evaluate(estate).coverage}
    assert coverage["VMW-09"].status == "not-assessed" and "tab vSnapshot is missing" in coverage["VMW-09"].reason


def test_a_host_only_port_group_read_from_vport_and_vnic_pins_the_running_guest(tmp_path: Path) -> None:
    estate = rvtools_files.small_estate()
    estate.guests[4].nics.append({"Network": "Isolate", "Switch": "vSwitch9", "NIC label": "Network adapter 2"})
    estate.portgroups += [("esx04.example.test", "Isolate", "vSwitch2", False)]
    analysis = analyze(load_estate([workbook(estate, tmp_path / "vc.xlsx")]))
    pinned = {(g.name, h.name) for h in analysis.hosts for g in h.blockers}
    assert pinned == {("web01", "esx04.example.test")}
    finding = next(f for f in analysis.findings if f.rule == "VMW-10")
    assert "is on vSwitch2 of host esx04.example.test" in finding.evidence

"""Findings that hang on a column of another tab: a trimmed export must not lose them while the rule
still says 'assessed' (found by the mutation harness comparing findings)."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

from tests.rvtools_files import small_estate, write_csv_folder

HOSTS = ("esx01.example.test", "esx02.example.test", "esx03.example.test", "esx04.example.test")


def _estate(power: str = "poweredOn", connected: str = "True"):
    """sql01 has a NIC on 'Isolated', a port group that only esx01 of the three Prod hosts carries."""
    estate = small_estate(portgroups=[*((h, "VM Network", "vSwitch0", True) for h in HOSTS),
                                      ("esx01.example.test", "Isolated", "vSwitch0", True)])
    sql = estate.guests[0]
    sql.power = power
    sql.nics = [{"Network": "Isolated", "Switch": "vSwitch0", "Connected": connected, "Starts Connected": "True"}]
    return estate


def _audit(cli, folder: Path, tmp_path: Path) -> dict:
    out = tmp_path / "f.json"
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    return json.loads(out.read_text())


def _vmw11(found: dict) -> list[tuple[str, str]]:
    return [(f["guest"]["name"], f["timing"]) for f in found["findings"] if f["rule"] == "VMW-11"]


def _status(found: dict, rule: str) -> tuple[str, str]:
    [entry] = [c for c in found["coverage"] if c["rule"] == rule]
    return entry["status"], entry["reason"] or ""


def test_a_port_group_on_one_host_is_found_without_the_datacenter_column_in_vhost(cli, tmp_path: Path) -> None:
    whole = _audit(cli, write_csv_folder(_estate(), tmp_path / "whole"), tmp_path)
    assert _vmw11(whole) == [("sql01", "now")]
    trimmed = _audit(cli, write_csv_folder(_estate(), tmp_path / "trimmed", columns={"vHost": ("Datacenter",)}),
                     tmp_path)
    assert _vmw11(trimmed) == [("sql01", "now")]  # before: none, and VMW-11 'assessed'


def test_without_vinfo_host_the_port_group_rules_are_not_assessed(cli, tmp_path: Path) -> None:
    found = _audit(cli, write_csv_folder(_estate(), tmp_path / "e", columns={"vInfo": ("Host",)}), tmp_path)
    for rule in ("VMW-10", "VMW-11"):
        status, reason = _status(found, rule)
        assert status == "not-assessed" and "'Host'" in reason, (rule, reason)  # before: assessed, 0 findings


def test_without_vport_host_the_port_group_rules_are_not_assessed(cli, tmp_path: Path) -> None:
    """Found by the exhaustive mutation run: vPort 'Host' dropped, blanked or renamed left VMW-10 and VMW-11
    'assessed' with none of their findings (the port groups could not be placed on any host)."""
    for variant, kwargs in (("dropped", {"columns": {"vPort": ("Host",)}}), ("blank", {})):
        folder = write_csv_folder(_estate(), tmp_path / variant, **kwargs)
        if variant == "blank":
            vport = folder / "RVTools_tabvPort.csv"
            head, *rows = vport.read_text(encoding="utf-8").splitlines()
            at = head.split(",").index("Host")
            rows = [",".join("" if i == at else c for i, c in enumerate(r.split(","))) for r in rows]
            vport.write_text("\r\n".join([head, *rows]) + "\r\n", encoding="utf-8")
        found = _audit(cli, folder, tmp_path)
        for rule in ("VMW-10", "VMW-11"):
            status, reason = _status(found, rule)
            assert status == "not-assessed" and "vPort" in reason and "'Host'" in reason, (variant, rule, reason)


def test_a_guest_of_unknown_power_with_a_nic_that_starts_connected_is_tied_at_next_power_on(
        cli, tmp_path: Path) -> None:
    off = _audit(cli, write_csv_folder(_estate("poweredOff", "False"), tmp_path / "off"), tmp_path)
    assert _vmw11(off) == [("sql01", "next-power-on")]
    unknown = _audit(cli, write_csv_folder(_estate("poweredOff", "False"), tmp_path / "unknown",
                                           columns={t: ("Powerstate",) for t in ("vInfo", "vNetwork", "vDisk")}),
                     tmp_path)
    assert _vmw11(unknown) == [("sql01", "next-power-on")]  # before: a hygiene note only, not a tie


def test_the_columns_that_place_guests_and_switches_are_declared(cli, tmp_path: Path) -> None:
    """Found by the exhaustive mutation run comparing findings: without vInfo 'Host' (or vCluster 'Name') VMW-24
    lost its findings, and without Get-VMSwitch 'ComputerName' HYV-05/06 lost theirs, all while 'assessed'."""
    for tab, column, rule in (("vInfo", "Host", "VMW-24"), ("vCluster", "Name", "VMW-24")):
        found = _audit(cli, write_csv_folder(_estate(), tmp_path / f"{tab}-{column}", columns={tab: (column,)}),
                       tmp_path)
        status, reason = _status(found, rule)
        assert status == "not-assessed" and f"'{column}'" in reason, (tab, column, reason)
    loose = tmp_path / "loose"
    shutil.copytree(Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "loose", loose)
    switches = loose / "switches.csv"
    type_line, body = switches.read_text(encoding="utf-8-sig").split("\n", 1)
    rows = list(csv.reader(io.StringIO(body)))
    at = rows[0].index("ComputerName")
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        [c for i, c in enumerate(r) if i != at] for r in rows)
    switches.write_text(type_line + "\n" + out.getvalue(), encoding="utf-8-sig")
    found = _audit(cli, loose, tmp_path)
    for rule in ("HYV-05", "HYV-06"):
        status, reason = _status(found, rule)
        assert status == "not-assessed" and "Get-VMSwitch" in reason and "'ComputerName'" in reason, (rule, reason)


def _bundle_without(tmp_path: Path, drops: dict[str, str]) -> Path:
    """The 3-node Hyper-V sample bundle with one column left out of some objects' CSVs."""
    import zipfile

    source = Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "hyperv-3node.zip"
    tmp_path.mkdir(parents=True, exist_ok=True)
    target = tmp_path / "bundle.zip"
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            data = old.read(info)
            obj = info.filename.removesuffix(".csv")
            if obj in drops:
                rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
                at = rows[0].index(drops[obj])
                out = io.StringIO()
                csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
                    [c for i, c in enumerate(r) if i != at] for r in rows)
                data = b"\xef\xbb\xbf" + out.getvalue().encode()
            new.writestr(info, data)
    return target


def test_the_columns_that_join_cluster_objects_are_declared(cli, tmp_path: Path) -> None:
    """Found by the exhaustive mutation run: without Get-ClusterOwnerNode 'VMId' HYV-15 lost its finding, without
    Get-VM 'IsClustered' or Get-ClusterGroup 'Name' HYV-16 lost its two, while 'assessed'."""
    for obj, column, rule in (("Get-ClusterOwnerNode", "VMId", "HYV-15"), ("Get-VM", "IsClustered", "HYV-16"),
                              ("Get-ClusterGroup", "Name", "HYV-16")):
        found = _audit(cli, _bundle_without(tmp_path / f"{obj}-{column}", {obj: column}), tmp_path)
        status, reason = _status(found, rule)
        assert status == "not-assessed" and obj in reason and f"'{column}'" in reason, (obj, column, reason)

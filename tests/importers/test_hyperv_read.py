"""Hyper-V CSVs as Export-Csv writes them: each quirk is parsed from a file that shows it."""

from __future__ import annotations

import codecs
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest

from reportgen.errors import InputError
from reportgen.estate import Estate
from reportgen.importers.hyperv import load_hyperv
from reportgen.importers.hyperv_read import read_hyperv, recognise
from reportgen.importers.rvtools_map import MapOptions

SAMPLES = Path(__file__).resolve().parents[2] / "samples" / "hyperv"
VM_ID = "8b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3"
VM_HEADER = '"VMName","VMId","Name","State","ComputerName","IsClustered","Version","ConfigurationLocation","CreationTime"'


def vm_row(name: str = "DC01", vm_id: str = VM_ID, created: str = "5/14/2024 8:21:33 AM", sep: str = ",") -> str:
    cells = [name, vm_id, name, "Running", "HVSA01", "False", "9.0", f"D:\\VMs\\{name}", created]
    return sep.join(f'"{c}"' for c in cells)


def load(path: Path) -> Estate:
    return load_hyperv(path, 0, MapOptions())


def table(estate: Estate, name: str) -> pl.DataFrame:
    result = pl.from_arrow(estate.table(name))
    assert isinstance(result, pl.DataFrame)
    return result


def write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)
    return folder


def test_type_line_of_windows_powershell_is_skipped(tmp_path: Path) -> None:
    text = "#TYPE Microsoft.HyperV.PowerShell.VirtualMachine\r\n" + VM_HEADER + "\r\n" + vm_row() + "\r\n"
    estate = load(write(tmp_path, "vms.csv", text.encode("ascii")))
    guests = table(estate, "guests")
    assert guests["name"].to_list() == ["DC01"] and guests["guest_key"].to_list() == [VM_ID]
    assert estate.sources.column("tool_version").to_pylist() == ["Windows PowerShell 5.1"]


def test_every_field_quoted_and_empty_versus_null(tmp_path: Path) -> None:
    """5.1 writes $null as nothing (,,) and an empty string as "": both are unknown, columns stay aligned."""
    header = '"VMName","VMId","ComputerName","ControllerType","ControllerNumber","ControllerLocation","Path",' \
             '"DiskNumber","SupportPersistentReservations"'
    rows = [
        f'"DC01","{VM_ID}","HVSA01","SCSI","0","0","D:\\VMs\\DC01\\DC01.vhdx",,"False"',
        f'"DC01","{VM_ID}","HVSA01","SCSI","0","1","D:\\VMs\\DC01\\data, archive.vhdx","","False"',
        f'"DC01","{VM_ID}","HVSA01","SCSI","0","2","Disk 2 1.00 TB Bus 0 Lun 2 Target 0","2","False"',
    ]
    folder = write(tmp_path, "vms.csv", (VM_HEADER + "\r\n" + vm_row() + "\r\n").encode())
    write(folder, "disks.csv", ("\r\n".join([header, *rows]) + "\r\n").encode())
    disks = table(load(folder), "disks").sort("label")
    assert disks["label"].to_list() == ["SCSI 0:0", "SCSI 0:1", "SCSI 0:2"]
    assert disks["passthrough_disk"].to_list() == [None, None, 2]
    assert disks["path"][1] == "D:\\VMs\\DC01\\data, archive.vhdx"
    assert disks["persistent_reservations"].to_list() == [False, False, False]


def test_utf8_with_bom(tmp_path: Path) -> None:
    header = '"VMId","VMName","Name","State","ComputerName"'
    text = header + "\r\n" + f'"{VM_ID}","Büro","Büro","Off","HVSA02"\r\n'
    estate = load(write(tmp_path, "vms.csv", codecs.BOM_UTF8 + text.encode("utf-8")))
    guests = table(estate, "guests")
    assert guests["guest_key"].to_list() == [VM_ID]  # the BOM did not stick to the first header
    assert guests["name"].to_list() == ["Büro"] and guests["power_state"].to_list() == ["poweredOff"]


def test_utf16_from_encoding_unicode(tmp_path: Path) -> None:
    text = "#TYPE Microsoft.HyperV.PowerShell.VMSwitch\r\n" + '"Name","SwitchType","ComputerName"\r\n' \
           '"LAN","External","HVSA01"\r\n"Lab Net","Private","HVSA01"\r\n'
    folder = write(tmp_path, "vms.csv", (VM_HEADER + "\r\n" + vm_row() + "\r\n").encode())
    write(folder, "sw.csv", text.encode("utf-16"))  # BOM + UTF-16 LE, as -Encoding Unicode writes
    networks = table(load(folder), "networks").sort("network")
    assert networks["network"].to_list() == ["LAN", "Lab Net"]
    assert networks["switch_kind"].to_list() == ["hyperv-external", "hyperv-private"]
    assert networks["has_uplink"].to_list() == [True, False]


def test_ascii_replaces_what_it_cannot_write(tmp_path: Path) -> None:
    """5.1's default ASCII writes '?' for non-ASCII characters: the name is kept as written."""
    text = VM_HEADER + "\r\n" + vm_row(name="B?ro-Server") + "\r\n"
    guests = table(load(write(tmp_path, "vms.csv", text.encode("ascii"))), "guests")
    assert guests["name"].to_list() == ["B?ro-Server"]


def test_semicolons_from_use_culture_and_german_dates(tmp_path: Path) -> None:
    text = VM_HEADER.replace(",", ";") + "\r\n" + vm_row(created="14.05.2024 08:21:33", sep=";") + "\r\n"
    guests = table(load(write(tmp_path, "vms.csv", codecs.BOM_UTF8 + text.encode("utf-8"))), "guests")
    assert guests["host_key"].to_list() == ["hyperv/HVSA01"]
    assert guests["created_at"].to_list() == [datetime(2024, 5, 14, 8, 21, 33)]


def test_culture_dates_read_the_same(tmp_path: Path) -> None:
    rows = [vm_row("US", "00000000-0000-0000-0000-000000000001", "5/14/2024 8:21:33 PM"),
            vm_row("ISO", "00000000-0000-0000-0000-000000000002", "2024-05-14T20:21:33.0000000Z"),
            vm_row("FR", "00000000-0000-0000-0000-000000000003", "14/05/2024 20:21:33")]
    guests = table(load(write(tmp_path, "vms.csv", ("\r\n".join([VM_HEADER, *rows]) + "\r\n").encode())), "guests")
    assert guests["created_at"].to_list() == [datetime(2024, 5, 14, 20, 21, 33)] * 3


def test_culture_decimals(tmp_path: Path) -> None:
    """A de-DE host writes doubles with a decimal comma; quoting keeps it one field and it reads as a number."""
    text = '"ComputerName","Name","MemoryCapacity","LogicalProcessorCount","VirtualMachineMigrationEnabled"\r\n' \
           '"HVSA02","HVSA02","274877906944,0","48","False"\r\n'
    folder = write(tmp_path, "hosts.csv", text.encode())
    write(folder, "vms.csv", (VM_HEADER + "\r\n" + vm_row().replace("HVSA01", "HVSA02") + "\r\n").encode())
    hosts = table(load(folder), "hosts")
    assert hosts["memory_mib"].to_list() == [262144]
    assert hosts["live_migration"].to_list() == [False]


def test_nested_objects_become_unknown_not_data(tmp_path: Path) -> None:
    header = VM_HEADER + ',"HardDrives","Notes","NetworkAdapters","CimSession"'
    row = vm_row() + ',"System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.HardDiskDrive]",' \
                     '"Microsoft.Exchange DAG member","System.Collections.Generic.List`1[Microsoft.HyperV.PowerShell.' \
                     'VMNetworkAdapter]","CimSession: ."'
    owners = '"ClusterObject","OwnerNodes"\r\n"Virtual Machine DC01","System.Collections.ObjectModel.' \
             'ReadOnlyCollection`1[Microsoft.FailoverClusters.PowerShell.ClusterNode]"\r\n'
    folder = write(tmp_path, "vms.csv", (header + "\r\n" + row + "\r\n").encode())
    write(folder, "owners.csv", owners.encode())
    raw = read_hyperv(folder)
    vms = raw.objects["Get-VM"]
    assert vms["HardDrives"].to_list() == [None] and vms["NetworkAdapters"].to_list() == [None]
    assert vms["CimSession"].to_list() == [None]
    assert vms["Notes"].to_list() == ["Microsoft.Exchange DAG member"]
    estate = load(folder)
    assert table(estate, "guests")["annotation"].to_list() == ["Microsoft.Exchange DAG member"]
    assert table(estate, "guests")["possible_owners"].to_list() == [None]
    messages = [i.message for i in estate.issues]
    assert any("OwnerNodes hold object type names" in m for m in messages)
    assert any("possible owners are unknown" in m for m in messages)


def test_files_are_recognised_by_headers_not_names(tmp_path: Path) -> None:
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    for n, source in enumerate(sorted((SAMPLES / "loose").glob("*.csv"))):
        shutil.copy(source, renamed / f"export-{n}.txt")
    original, copy = load(SAMPLES / "loose"), load(renamed)
    for name in ("guests", "disks", "nics", "networks", "devices"):
        a, b = table(copy, name).drop("row", strict=False), table(original, name).drop("row", strict=False)
        keys = [c for c, t in a.schema.items() if not isinstance(t, pl.List)]
        assert a.height and a.sort(keys, nulls_last=True).equals(b.sort(keys, nulls_last=True)), name


def test_checkpoint_rows_are_counted_not_used() -> None:
    estate = load(SAMPLES / "loose")
    issues = [i for i in estate.issues if i.skipped]
    assert [(i.sheet, i.rows) for i in issues] == [("disks.csv", 1)]
    assert "checkpoint" in issues[0].message
    source = estate.sources.to_pylist()[0]
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"] and source["rows_skipped"] == 1


def test_recognise_every_object_of_the_documented_lists() -> None:
    cases = {
        "Get-VM": ("VMName", "VMId", "State", "IsClustered", "Name", "Id"),
        "Get-VMHardDiskDrive": ("Path", "DiskNumber", "SupportPersistentReservations", "ControllerType", "VMName"),
        "Get-VMDvdDrive": ("DvdMediaType", "Path", "ControllerType", "VMName"),
        "Get-VMNetworkAdapter": ("MacAddress", "SwitchName", "VMName", "Name"),
        "Get-VMSwitch": ("Name", "Id", "SwitchType", "ComputerName"),
        "Get-VMHost": ("LogicalProcessorCount", "MemoryCapacity", "Name", "VirtualMachineMigrationEnabled"),
        "Get-VMFibreChannelHba": ("SanName", "WorldWidePortNameSetA", "VMName"),
        "Get-VMAssignableDevice": ("InstanceID", "LocationPath", "VMName"),
        "Get-ClusterNode": ("BuildNumber", "Cluster", "DrainStatus", "Name", "State", "Id"),
        "Get-ClusterGroup": ("Cluster", "GroupType", "Name", "OwnerNode", "State", "Id"),
        "Get-ClusterSharedVolume": ("Id", "Name", "OwnerNode", "SharedVolumeInfo", "State"),
        "Get-VHD": ("ComputerName", "Path", "VhdFormat", "VhdType", "Size"),
    }
    for expected, headers in cases.items():
        assert recognise(headers) == expected
    assert recognise(("Host", "Cluster", "CPU Model")) is None


def test_a_csv_that_is_no_hyperv_export_exits_3(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "inventory.csv"
    path.write_text("Server,Owner,Room\nSRV01,Finance,B12\n", encoding="utf-8")
    result = cli(["audit", path, "--json", tmp_path / "f.json"])
    assert result.code == 3
    assert "is not a Hyper-V export" in result.stderr and "inventory.csv" in result.stderr
    assert "Get-VM | Export-Csv" in result.stderr


def test_a_bundle_without_get_vm_exits_3(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    bundle = tmp_path / "bundle.zip"
    with zipfile.ZipFile(SAMPLES / "hyperv-3node.zip") as source, zipfile.ZipFile(bundle, "w") as target:
        for name in source.namelist():
            if name != "Get-VM.csv":
                target.writestr(name, source.read(name))
    result = cli(["audit", bundle, "--json", tmp_path / "f.json"])
    assert result.code == 3
    assert "has no Get-VM data" in result.stderr and "bundle.zip" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_an_empty_file_in_a_bundle_is_noted_not_fatal(tmp_path: Path) -> None:
    folder = write(tmp_path, "vms.csv", (VM_HEADER + "\r\n" + vm_row() + "\r\n").encode())
    write(folder, "dvd.csv", b"")
    estate = load(folder)
    assert table(estate, "guests").height == 1
    assert any(i.sheet == "dvd.csv" and "empty" in i.message for i in estate.issues)


def test_a_single_loose_get_vm_file(tmp_path: Path) -> None:
    path = tmp_path / "vms.csv"
    path.write_text(VM_HEADER + "\r\n" + vm_row() + "\r\n", encoding="utf-8")
    estate = load(path)
    assert table(estate, "guests")["name"].to_list() == ["DC01"]
    with pytest.raises(InputError, match="no Get-VM data"):
        disks = tmp_path / "disks.csv"
        disks.write_text('"VMName","Path","ControllerType","DiskNumber"\r\n"DC01","D:\\x.vhdx","SCSI",\r\n')
        load(disks)

"""The Hyper-V collector script: shipped, printed by the CLI, read-only, and gathering every
object and property the importer and the Hyper-V rules read."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen.collector import collector_script
from reportgen.importers.hyperv_read import OBJECTS, SIGNATURES
from reportgen.rules import CATALOGUE

SCRIPT = collector_script("hyperv")


def properties() -> dict[str, list[str]]:
    """The collector's property list per object, as written in the script."""
    block = SCRIPT[SCRIPT.index("$Properties = [ordered]@{"): SCRIPT.index("$Collected = @{}")]
    return {name: re.findall(r"'([^']+)'", body) for name, body in re.findall(r"'([\w-]+)'\s*=\s*@\(([^)]*)\)", block)}


def test_cli_prints_the_script(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli(["collector", "hyperv"])
    assert result.code == 0
    assert result.stdout.startswith("#Requires -Version 5.1") and "Compress-Archive" in result.stdout


def test_cli_writes_the_script_for_windows(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    target = tmp_path / "hyperv-collector.ps1"
    result = cli(["collector", "hyperv", "-o", target])
    assert result.code == 0 and str(target) in result.stdout
    data = target.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf#Requires")  # a BOM so that PowerShell 5.1 reads UTF-8
    assert b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")


def test_cli_reports_an_unwritable_target(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(["collector", "hyperv", "-o", tmp_path / "missing" / "c.ps1"])
    assert result.code == 4 and "cannot write the collector script" in result.stderr


def test_cli_rejects_an_unknown_collector(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli(["collector", "vmware"]).code == 2


def test_script_calls_every_cmdlet_the_importer_reads() -> None:
    for name in OBJECTS:
        if name.startswith("Win32_"):
            assert f"-ClassName {name}" in SCRIPT, name
        else:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", SCRIPT.split("# -- which hosts")[1]), name
    assert set(properties()) == set(OBJECTS)


def test_script_writes_what_recognises_each_object() -> None:
    from reportgen.importers.hyperv_read import recognise

    for name, columns in properties().items():
        assert recognise(tuple(columns)) == name


def test_script_writes_every_property_the_rules_need() -> None:
    written = properties()
    for info in CATALOGUE.values():
        for need in info.needs:
            if need.platform != "hyperv":
                continue
            assert need.tab in written, (info.id, need.tab)
            missing = set(need.columns) - set(written[need.tab])
            assert not missing, (info.id, need.tab, missing)


def test_script_writes_every_property_the_mapping_reads() -> None:
    written = properties()
    wanted = {
        "Get-VM": {"VMId", "Name", "ComputerName", "State", "IsClustered", "Version", "ProcessorCount",
                   "MemoryStartup", "ConfigurationLocation", "SnapshotFileLocation", "AutomaticStopAction", "Notes",
                   "CreationTime"},
        "Get-VMHardDiskDrive": {"VMId", "VMName", "ComputerName", "ControllerType", "ControllerNumber",
                                "ControllerLocation", "Path", "DiskNumber", "SupportPersistentReservations",
                                "VMSnapshotId"},
        "Get-VMNetworkAdapter": {"VMId", "SwitchName", "Connected", "MacAddress", "IsManagementOs"},
        "Get-VMSwitch": {"ComputerName", "Name", "SwitchType"},
        "Get-VMDvdDrive": {"VMId", "DvdMediaType", "Path"},
        "Get-VMHost": {"ComputerName", "Name", "MemoryCapacity", "VirtualMachineMigrationEnabled"},
        "Get-ClusterNode": {"Cluster", "Name", "State", "BuildNumber"},
        "Get-ClusterOwnerNode": {"VMId", "PossibleOwners"},
        "Get-ClusterSharedVolume": {"FriendlyVolumeName", "Size"},
        "Win32_Processor": {"SystemName", "Name", "NumberOfCores"},
        "Get-VHD": {"Path", "VhdFormat", "Size"},
    }
    for name, columns in wanted.items():
        assert columns <= set(written[name]), (name, columns - set(written[name]))


def test_script_is_read_only() -> None:
    cmdlets = set(re.findall(r"\b([A-Z][a-z]+-[A-Z][A-Za-z]+)\b", SCRIPT))
    verbs = {c.split("-")[0] for c in cmdlets}
    allowed = {"Get", "Select", "Where", "ForEach", "Export", "Out", "ConvertTo", "Compress", "Join", "Write",
               "Test", "Add", "Format", "New", "Remove", "Set"}
    assert verbs <= allowed, verbs - allowed
    assert {c for c in cmdlets if c.startswith("Set-")} == {"Set-StrictMode"}  # the script's own session only
    # Add-/Format-/Test- are the script's own helpers; New-/Remove- touch only its output folder.
    assert {c for c in cmdlets if c.startswith("Add-")} == {"Add-Rows", "Add-CollectorError"}
    assert {c for c in cmdlets if c.startswith("New-")} == {"New-Object", "New-Item"}
    assert re.findall(r"Remove-Item[^\n]*", SCRIPT) == [
        "Remove-Item -LiteralPath $Folder -Recurse -Force   # the collector's own temporary folder"]
    assert "Invoke-Command" not in SCRIPT and "Set-Item" not in SCRIPT


def test_script_exports_utf8_without_type_information() -> None:
    assert "Export-Csv -LiteralPath $file -NoTypeInformation -Encoding UTF8" in SCRIPT
    for key in ("collector_version", "created", "cluster", "nodes_reached", "nodes_not_reached", "errors"):
        assert re.search(rf"^\s+{key}\s+=", SCRIPT, re.MULTILINE), key


@pytest.mark.skipif(shutil.which("pwsh") is None, reason="PowerShell (pwsh) is not installed")
def test_script_parses_in_powershell(tmp_path: Path) -> None:
    path = tmp_path / "hyperv-collector.ps1"
    path.write_text(SCRIPT, encoding="utf-8")
    command = (
        "$errors = $null; [void][System.Management.Automation.Language.Parser]::ParseFile("
        f"'{path}', [ref]$null, [ref]$errors); $errors | ForEach-Object {{ $_.ToString() }}; exit $errors.Count"
    )
    result = subprocess.run(["pwsh", "-NoProfile", "-NonInteractive", "-Command", command],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_signatures_cover_every_object() -> None:
    assert len({s.name for s in SIGNATURES}) == len(SIGNATURES)

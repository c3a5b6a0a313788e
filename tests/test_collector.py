"""The Hyper-V collector script: shipped, printed by the CLI, read-only, and gathering every object and
property the importer and the Hyper-V rules read.

There is no PowerShell here to run it, so its behaviour is pinned statically: every cmdlet and parameter
it calls is in a table checked against Microsoft's documentation, the preflight, the timeouts, per-VM error
handling and the manifest status are present, and the script's brackets balance outside strings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from reportgen.collector import collector_script
from reportgen.importers.hyperv_read import OBJECTS, SIGNATURES
from reportgen.importers.hyperv_status import CLUSTER, PER_VM
from reportgen.rules import CATALOGUE

SCRIPT = collector_script("hyperv")
LEARN = "https://learn.microsoft.com/powershell/module"

# Every cmdlet the script calls, the parameters it passes, and where Microsoft documents them.
CMDLETS: dict[str, tuple[set[str], str]] = {
    "Get-VMHost": ({"CimSession"}, f"{LEARN}/hyper-v/get-vmhost"),
    "Get-VM": ({"CimSession"}, f"{LEARN}/hyper-v/get-vm"),
    "Get-VMSwitch": ({"CimSession"}, f"{LEARN}/hyper-v/get-vmswitch"),
    "Get-VMHostSupportedVersion": ({"CimSession"}, f"{LEARN}/hyper-v/get-vmhostsupportedversion"),
    "Get-VMSan": ({"CimSession"}, f"{LEARN}/hyper-v/get-vmsan"),
    "Get-VMHardDiskDrive": ({"VM"}, f"{LEARN}/hyper-v/get-vmharddiskdrive"),
    "Get-VMNetworkAdapter": ({"VM"}, f"{LEARN}/hyper-v/get-vmnetworkadapter"),
    "Get-VMDvdDrive": ({"VM"}, f"{LEARN}/hyper-v/get-vmdvddrive"),
    "Get-VMFibreChannelHba": ({"VM"}, f"{LEARN}/hyper-v/get-vmfibrechannelhba"),
    "Get-VMProcessor": ({"VM"}, f"{LEARN}/hyper-v/get-vmprocessor"),
    "Get-VMAssignableDevice": ({"VM"}, f"{LEARN}/hyper-v/get-vmassignabledevice"),
    "Get-VMGpuPartitionAdapter": ({"VM"}, f"{LEARN}/hyper-v/get-vmgpupartitionadapter"),
    "Get-VHD": ({"Path", "CimSession"}, f"{LEARN}/hyper-v/get-vhd"),
    # vTPM: the VM's security settings and raw key protector (Hyper-V), decoded and matched with the guardians each
    # host holds (HgsClient, CDXML cmdlets over the node's CIM session; ConvertTo- only parses the bytes it is given).
    "Get-VMSecurity": ({"VM"}, f"{LEARN}/hyper-v/get-vmsecurity"),
    "Get-VMKeyProtector": ({"VM"}, f"{LEARN}/hyper-v/get-vmkeyprotector"),
    "ConvertTo-HgsKeyProtector": ({"Bytes", "CimSession"}, f"{LEARN}/hgsclient/convertto-hgskeyprotector"),
    "Get-HgsGuardian": ({"CimSession"}, f"{LEARN}/hgsclient/get-hgsguardian"),
    "Get-HgsClientConfiguration": ({"CimSession"}, f"{LEARN}/hgsclient/get-hgsclientconfiguration"),
    "Get-Cluster": ({"Name"}, f"{LEARN}/failoverclusters/get-cluster"),
    "Get-ClusterNode": ({"Cluster"}, f"{LEARN}/failoverclusters/get-clusternode"),
    "Get-ClusterGroup": ({"Cluster"}, f"{LEARN}/failoverclusters/get-clustergroup"),
    "Get-ClusterSharedVolume": ({"Cluster"}, f"{LEARN}/failoverclusters/get-clustersharedvolume"),
    "Get-ClusterResource": ({"Cluster"}, f"{LEARN}/failoverclusters/get-clusterresource"),
    "Get-ClusterParameter": ({"InputObject", "Name"}, f"{LEARN}/failoverclusters/get-clusterparameter"),
    "Get-ClusterOwnerNode": ({"Resource", "Group", "Cluster"}, f"{LEARN}/failoverclusters/get-clusterownernode"),
    # A CDXML cmdlet (MSCluster_AffinityRule over CIM): -CimSession, no -Cluster in its documented syntax.
    "Get-ClusterAffinityRule": ({"CimSession"}, f"{LEARN}/failoverclusters/get-clusteraffinityrule"),
    "Get-CimInstance": ({"ClassName", "Namespace", "CimSession", "OperationTimeoutSec", "Filter", "ComputerName"},
                        f"{LEARN}/cimcmdlets/get-ciminstance"),
    # A client-side session object and its end: nothing is created or removed on a host.
    "New-CimSession": ({"ComputerName", "OperationTimeoutSec"}, f"{LEARN}/cimcmdlets/new-cimsession"),
    "Remove-CimSession": ({"CimSession", "ErrorAction"}, f"{LEARN}/cimcmdlets/remove-cimsession"),
    "Get-Command": ({"Name", "ErrorAction"}, f"{LEARN}/microsoft.powershell.core/get-command"),
    "Get-Date": (set(), f"{LEARN}/microsoft.powershell.utility/get-date"),
    "Get-Location": (set(), f"{LEARN}/microsoft.powershell.management/get-location"),
    "Get-Culture": (set(), f"{LEARN}/microsoft.powershell.utility/get-culture"),
    "Select-Object": (set(), f"{LEARN}/microsoft.powershell.utility/select-object"),
    "Where-Object": (set(), f"{LEARN}/microsoft.powershell.core/where-object"),
    "ForEach-Object": (set(), f"{LEARN}/microsoft.powershell.core/foreach-object"),
    "New-Object": (set(), f"{LEARN}/microsoft.powershell.utility/new-object"),
    "Join-Path": (set(), f"{LEARN}/microsoft.powershell.management/join-path"),
    "Test-Path": ({"LiteralPath"}, f"{LEARN}/microsoft.powershell.management/test-path"),
    "Set-StrictMode": ({"Version"}, f"{LEARN}/microsoft.powershell.core/set-strictmode"),
    "Write-Progress": ({"Activity", "Status", "PercentComplete", "Completed"},
                       f"{LEARN}/microsoft.powershell.utility/write-progress"),
    "Write-Warning": (set(), f"{LEARN}/microsoft.powershell.utility/write-warning"),
    "Write-Output": (set(), f"{LEARN}/microsoft.powershell.utility/write-output"),
    "Out-Null": (set(), f"{LEARN}/microsoft.powershell.core/out-null"),
    # The collector's own output: a new folder, its files, the zip, and the removal of its temporary folder.
    "New-Item": ({"ItemType", "Path", "Force"}, f"{LEARN}/microsoft.powershell.management/new-item"),
    "Export-Csv": ({"LiteralPath", "NoTypeInformation", "Encoding", "Append"},
                   f"{LEARN}/microsoft.powershell.utility/export-csv"),
    "Out-File": ({"LiteralPath", "Encoding"}, f"{LEARN}/microsoft.powershell.utility/out-file"),
    "ConvertTo-Json": ({"Depth"}, f"{LEARN}/microsoft.powershell.utility/convertto-json"),
    "Compress-Archive": ({"Path", "DestinationPath", "Force"}, f"{LEARN}/microsoft.powershell.archive/compress-archive"),
    "Remove-Item": ({"LiteralPath", "Recurse", "Force"}, f"{LEARN}/microsoft.powershell.management/remove-item"),
}
OWN = {"Format-Value", "Get-Thumbprint", "ConvertTo-Row", "New-Result", "Add-Failure", "Add-Status", "Get-ClusterState", "Add-Check",
       "Write-Result", "Write-Manifest"}
"""The script's own functions (defined in it, touching nothing outside it)."""


def code() -> str:
    """The script without comments and string contents (strings become '' or "")."""
    out, i, text = [], 0, SCRIPT
    while i < len(text):
        if text.startswith("<#", i):
            i = text.index("#>", i) + 2
        elif text[i] == "#":
            i = text.find("\n", i) if "\n" in text[i:] else len(text)
        elif text[i] == "'":
            j = i + 1
            while not (text[j] == "'" and text[j + 1: j + 2] != "'"):
                j += 2 if text[j: j + 2] == "''" else 1
            out.append("''")
            i = j + 1
        elif text[i] == '"':
            j = i + 1
            while text[j] != '"':
                j += 2 if text[j] == "`" else 1
            out.append('""')
            i = j + 1
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


CODE = code()


def properties() -> dict[str, list[str]]:
    """The collector's property list per object, as written in the script."""
    block = SCRIPT[SCRIPT.index("$Properties = [ordered]@{"): SCRIPT.index("# -- end of the property list")]
    return {name: re.findall(r"'([^']+)'", body) for name, body in re.findall(r"'([\w-]+)'\s*=\s*@\(([^)]*)\)", block)}


def calls() -> list[tuple[str, set[str]]]:
    """Each cmdlet call in the code and the parameters given to it (up to a pipe, bracket or statement end)."""
    found = []
    for match in re.finditer(r"(?<![\w$-])([A-Z][A-Za-z]+-[A-Z][A-Za-z]+)\b([^|;\n{})]*)", CODE):
        name, tail = match.groups()
        if CODE[max(0, match.start() - 9): match.start()].endswith("function "):
            continue
        found.append((name, set(re.findall(r"(?<![\w-])-([A-Z][A-Za-z]+)", tail))))
    return found


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


def test_the_script_is_ascii_and_its_brackets_balance() -> None:
    assert SCRIPT.isascii()
    pairs, stack = {")": "(", "}": "{", "]": "["}, []
    for char in CODE:
        if char in "({[":
            stack.append(char)
        elif char in pairs:
            assert stack and stack.pop() == pairs[char], "unbalanced brackets"
    assert stack == []


def test_every_cmdlet_and_parameter_is_in_the_documented_table() -> None:
    used: dict[str, set[str]] = {}
    for name, params in calls():
        if name in OWN:
            continue
        assert name in CMDLETS, f"{name} is not in the table of documented cmdlets"
        used.setdefault(name, set()).update(params)
    for name, params in used.items():
        assert params <= CMDLETS[name][0], (name, params - CMDLETS[name][0])
    assert {n for n in CMDLETS if n.startswith(("Get-VM", "Get-Cluster", "Get-Hgs", "ConvertTo-Hgs"))} <= set(used)
    defined = set(re.findall(r"function ([A-Z][A-Za-z]+-[A-Z][A-Za-z]+)", CODE))
    assert defined == OWN


def test_the_script_is_read_only() -> None:
    """Only Get- reads touch a host; every other verb is the script's own session, output or functions."""
    verbs = {name.split("-")[0] for name, _ in calls() if name not in OWN}
    assert verbs <= {"Get", "Select", "Where", "ForEach", "New", "Join", "Test", "Set", "Write", "Out", "Export",
                     "ConvertTo", "Compress", "Remove"}
    for forbidden in ("Start-", "Stop-", "Invoke-", "Enable-", "Disable-", "Suspend-", "Resume-", "Move-", "Grant-",
                      "Install-", "Restart-", "Add-VM", "Set-VM", "Remove-VM", "Set-Cluster", "Set-Item"):
        assert not re.search(rf"(?<![\w-]){forbidden}", CODE), forbidden
    assert {n for n, _ in calls() if n.startswith("Set-")} == {"Set-StrictMode"}
    assert {n for n, _ in calls() if n.startswith("New-")} - OWN == {"New-Object", "New-Item", "New-CimSession"}
    removals = re.findall(r"Remove-Item[^\n]*", SCRIPT)
    assert removals == ["Remove-Item -LiteralPath $Folder -Recurse -Force   # the collector's own temporary folder"]
    assert "BeginStop" in CODE and ".Stop()" not in CODE  # only this script's own reader is ever stopped


def test_script_calls_every_cmdlet_the_importer_reads() -> None:
    for name in OBJECTS:
        if name.startswith("Win32_"):
            assert f"-ClassName {name}" in SCRIPT, name
        else:
            assert re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", SCRIPT.split("# -- end of the property list")[1]), name
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
                   "CreationTime", "ReplicationMode"},
        "Get-VMHardDiskDrive": {"VMId", "VMName", "ComputerName", "ControllerType", "ControllerNumber",
                                "ControllerLocation", "Path", "DiskNumber", "SupportPersistentReservations",
                                "VMSnapshotId"},
        "Get-VMNetworkAdapter": {"VMId", "SwitchName", "Connected", "MacAddress", "IsManagementOs"},
        "Get-VMSwitch": {"ComputerName", "Name", "SwitchType"},
        "Get-VMDvdDrive": {"VMId", "DvdMediaType", "Path"},
        "Get-VMHost": {"ComputerName", "Name", "MemoryCapacity", "VirtualMachineMigrationEnabled", "NumaSpanningEnabled"},
        "Get-ClusterNode": {"Cluster", "Name", "State", "BuildNumber"},
        "Get-ClusterGroup": {"Name", "OwnerNode", "GroupType", "AntiAffinityClassNames"},
        "Get-ClusterOwnerNode": {"VMId", "PossibleOwners", "PreferredOwners"},
        "Get-ClusterAffinityRule": {"Name", "RuleType", "Groups", "Enabled"},
        "Get-VMSan": {"ComputerName", "SanName"},
        "Get-ClusterSharedVolume": {"FriendlyVolumeName", "Size"},
        "Win32_Processor": {"SystemName", "Name", "NumberOfCores"},
        "Get-VHD": {"Path", "VhdFormat", "Size"},
    }
    for name, columns in wanted.items():
        assert columns <= set(written[name]), (name, columns - set(written[name]))


def test_preflight_refuses_before_collecting() -> None:
    """Language mode and PowerShell 7 first; then elevation, the module and the cluster, or exit 1."""
    start = CODE.index("# -- which hosts") if "# -- which hosts" in CODE else SCRIPT.index("# -- which hosts")
    head = SCRIPT[:start]
    assert head.index("LanguageMode -ne 'FullLanguage'") < head.index("PSEdition -eq 'Core'") < head.index("$Properties")
    assert "Windows PowerShell 5.1" in head and "powershell.exe -NoProfile -ExecutionPolicy Bypass -File" in head
    assert "WindowsBuiltInRole]::Administrator" in head and "'S-1-5-32-578'" in head  # Hyper-V Administrators
    assert "Name='ClusSvc'" in head and "Get-Command -Name Get-Cluster" in head
    assert re.search(r"if \(\$failedChecks\.Count -gt 0 -and -not \$AllowPartial\) \{.*?\n    exit 1\n\}", head, re.S)
    assert "pwsh" not in SCRIPT  # PowerShell 7 is not offered as an equal option


def test_a_cluster_that_cannot_be_read_is_failed_never_not_a_cluster() -> None:
    body = SCRIPT[SCRIPT.index("function Get-ClusterState"): SCRIPT.index("# -- preflight")]
    statuses = re.findall(r"Status = '([\w-]+)'", body)
    assert statuses.count("not-a-cluster") == 1 and statuses.count("failed") >= 4
    # 'not a cluster' only when the Cluster service does not exist on the host, in -ComputerName mode too.
    assert re.search(r"if \(\$service\.Count -eq 0\) \{ return @\{ Status = 'not-a-cluster'", body)
    assert "foreach ($target in $targets)" in SCRIPT and SCRIPT.count("$clustered = $false") == 1
    assert "elseif ($ClusterStatus -eq 'not-a-cluster') { $clustered = $false }" in SCRIPT
    assert "cluster_status" in SCRIPT and "cluster_error" in SCRIPT


def test_timeouts_on_every_remote_operation() -> None:
    for call in re.findall(r"(?:New-CimSession|Get-CimInstance)[^\n]*", CODE):
        assert "-OperationTimeoutSec" in call, call
    assert "$NodeTimeoutMinutes" in SCRIPT and "BeginStop" in SCRIPT and "[runspacefactory]::CreateRunspacePool(1, $ThrottleLimit)" in SCRIPT
    for cmdlet in ("Get-VMHost", "Get-VM", "Get-VMSwitch", "Get-VMHostSupportedVersion", "Get-VHD"):
        for call in re.findall(rf"(?<![\w-])(?<!-Name ){cmdlet} [^\n|)]*", CODE):
            assert "-CimSession $session" in call, call


def test_each_vm_is_read_on_its_own_and_its_failure_recorded() -> None:
    reader = SCRIPT[SCRIPT.index("$NodeReader = {"): SCRIPT.index("$ClusterReader = {")]
    per_vm = [o for o in PER_VM if o != "Get-VHD"]
    for cmdlet in per_vm:
        assert f"{cmdlet} -VM $vm" in reader, cmdlet
        assert f"$vms | {cmdlet}" not in SCRIPT
    loop = reader[reader.index("foreach ($vm in $vms) {"):]
    assert re.search(r"try \{.*\} catch \{\s*\$failed\+\+.*Add-Failure \$result \$object \$vm\.Name", loop, re.S)
    assert "'partial'" in reader and "Msvm_ComputerSystem" in reader  # an empty VM list is verified
    cluster = SCRIPT[SCRIPT.index("$ClusterReader = {"): SCRIPT.index("function Get-ClusterState")]
    assert "foreach ($resource in $resources)" in cluster and "'partial'" in cluster


def test_status_values_are_those_the_importer_reads() -> None:
    written = set(re.findall(r"Add-Status \$\w+ [^\n]*?'(ok|partial|failed|skipped)'", SCRIPT))
    assert written == {"ok", "partial", "failed", "skipped"}
    for obj in CLUSTER:
        assert obj in SCRIPT


def test_manifest_and_zip_are_written_in_finally() -> None:
    tail = SCRIPT[SCRIPT.rindex("} finally {"):]
    assert tail.index("Write-Manifest") < tail.index("Compress-Archive")
    for key in ("collector_version", "format", "created", "complete", "cluster", "cluster_status", "partial_allowed",
                "preflight", "nodes_reached", "nodes_not_reached", "status", "errors"):
        assert re.search(rf"^\s+{key}\s+=", SCRIPT, re.MULTILINE), key
    assert "Export-Csv -LiteralPath $file -NoTypeInformation -Encoding UTF8 -Append" in SCRIPT  # rows as nodes finish
    assert "exit 1" in SCRIPT and "$exitCode = 2" in SCRIPT and "$exitCode = 3" in SCRIPT and "exit $exitCode" in SCRIPT
    assert "$env:SystemRoot" in SCRIPT and "GetFolderPath('MyDocuments')" in SCRIPT


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


def test_affinity_rules_and_virtual_sans_are_read_with_a_status_like_every_object() -> None:
    """Get-ClusterAffinityRule per cluster (skipped before Windows Server 2022, over a CIM session with a timeout),
    Get-VMSan per node: each with its own try/catch and status, and in the objects a stopped reader marks failed."""
    cluster = SCRIPT[SCRIPT.index("$ClusterReader = {"): SCRIPT.index("function Get-ClusterState")]
    assert "Get-ClusterAffinityRule -CimSession $cim" in cluster
    assert "$cim = New-CimSession -ComputerName $Cluster -OperationTimeoutSec $TimeoutSec" in cluster
    assert "Remove-CimSession -CimSession $cim" in cluster
    assert re.search(r"if \(\$object -eq 'Get-ClusterAffinityRule' -and -not \(Get-Command -Name \$object[^\n]*\n"
                     r"\s+Add-Status \$result \$object 'skipped'", cluster)
    node = SCRIPT[SCRIPT.index("$NodeReader = {"): SCRIPT.index("$ClusterReader = {")]
    assert "'Get-VMSan'                  = { Get-VMSan -CimSession $session" in node
    assert "'Get-ClusterAffinityRule')" in SCRIPT  # failed too when the cluster reader is stopped
    assert "AddArgument($StartedAt).AddArgument($OperationTimeoutSec)" in SCRIPT


def test_vtpm_keys_and_guardians_are_read_and_hgsclient_missing_is_failed_never_empty() -> None:
    """Get-VMSecurity per VM; the key protector of each vTPM VM decoded on its node into guardians (certificate
    thumbprints); the guardians and HGS mode of each host. Without the HgsClient module both are 'failed'."""
    node = SCRIPT[SCRIPT.index("$NodeReader = {"): SCRIPT.index("$ClusterReader = {")]
    assert "Get-VMSecurity -VM $vm" in node and "$row['TpmEnabled'] -eq 'True'" in node
    assert "$raw = Get-VMKeyProtector -VM $vm" in node
    assert "ConvertTo-HgsKeyProtector -Bytes $raw -CimSession $session" in node
    assert "Get-HgsGuardian -CimSession $session" in node and "Get-HgsClientConfiguration -CimSession $session" in node
    assert "Get-Thumbprint $_.EncryptionCertificate" in node and "Get-Thumbprint $protector.Owner.EncryptionCertificate" in node
    # A missing module is a failure per node, with its reason; never 'skipped' (read as "no guardian") nor no record.
    for block in (node[node.index("if ($object -like 'Get-Hgs*'"):node.index("try {", node.index("if ($object -like 'Get-Hgs*'"))],
                  node[node.index("if (-not (Get-Command -Name ConvertTo-HgsKeyProtector"):node.index("} else {", node.index(
                      "if (-not (Get-Command -Name ConvertTo-HgsKeyProtector"))]):
        assert "'failed'" in block and "'skipped'" not in block and "HgsClient" in block and "Add-Failure" in block
    helpers = SCRIPT[SCRIPT.index("function Get-Thumbprint"):SCRIPT.index("function New-Result")]
    assert "X509Certificate2]::new([byte[]]$Certificate).Thumbprint" in helpers  # parsed in memory, nothing stored

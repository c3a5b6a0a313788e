#Requires -Version 5.1
<#
.SYNOPSIS
    Collects a read-only Hyper-V inventory for reportgen: one CSV per object type, a manifest, zipped.

.DESCRIPTION
    Run it in Windows PowerShell 5.1 (powershell.exe) on a Hyper-V host or on a node of a Hyper-V
    failover cluster, elevated ("Run as administrator"), as an account that is a member of Administrators
    or Hyper-V Administrators on every node and has (at least read-only) access to the cluster.
    PowerShell 7 is refused: it loads FailoverClusters through a compatibility layer whose deserialized
    objects break the cluster part.

    Before collecting it checks the language mode, elevation and group membership, the Hyper-V module,
    and whether each host is a cluster node (the Cluster service) and the cluster can be read; what is
    missing is printed and the script exits with code 1, unless -AllowPartial is given (the manifest then
    says so). On a cluster node it reads every node of the cluster; elsewhere the local host, or the hosts
    named with -ComputerName (whose clusters are read when they are cluster nodes).

    Nodes are read in parallel (-ThrottleLimit), each through one CIM session with an operation timeout
    (-OperationTimeoutSec), and a node that takes longer than -NodeTimeoutMinutes is stopped and recorded
    as failed. Each VM is read on its own: a VM that fails is recorded with its error and the others are
    kept. Per node: Get-VMHost, Get-VM, Get-VMHardDiskDrive (and Get-VHD on that node for format and
    size), Get-VMNetworkAdapter, Get-VMSwitch, Get-VMDvdDrive, Get-VMFibreChannelHba,
    Get-VMAssignableDevice and Get-VMGpuPartitionAdapter (where the cmdlets exist), Get-VMProcessor,
    Get-VMSecurity, Get-VMKeyProtector of each VM with a virtual TPM (decoded into its guardians with
    ConvertTo-HgsKeyProtector), Get-HgsGuardian and Get-HgsClientConfiguration (HgsClient module; without it
    these are recorded as failed, never as empty), Get-VMHostSupportedVersion, Win32_Processor and
    Win32_OperatingSystem. When clustered:
    Get-ClusterNode, Get-ClusterGroup, Get-ClusterSharedVolume and Get-ClusterOwnerNode per VM resource.

    It is read-only: it calls Get-* cmdlets and CIM queries only and changes nothing on any host. Rows are
    written as each node finishes (UTF-8 CSV, invariant-culture numbers, ISO 8601 dates); manifest.json
    records, per object type and node, ok / partial / failed / skipped with the errors, and is written
    with the zip even when the run is interrupted. Exit code: 0 complete, 1 preflight failed (nothing
    collected), 2 partial results (see the manifest), 3 the output could not be written.

.PARAMETER OutputPath
    The zip file to write. Default: reportgen-hyperv-<cluster or host>-<yyyyMMdd-HHmmss>.zip in the
    current folder, or in Documents when the current folder is under the Windows folder.

.PARAMETER ComputerName
    Hyper-V hosts to read instead of the local host or cluster.

.PARAMETER NoZip
    Leave a folder of CSV files instead of a zip (OutputPath then names the folder).

.PARAMETER AllowPartial
    Collect even when preflight checks fail; the manifest records which ones.

.PARAMETER ThrottleLimit
    How many nodes are read at the same time (default 4).

.PARAMETER OperationTimeoutSec
    Timeout of each CIM operation on a node (default 120 seconds).

.PARAMETER NodeTimeoutMinutes
    A node (or the cluster) still being read after this long is stopped and recorded as failed (default 30).

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\hyperv-collector.ps1

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\hyperv-collector.ps1 -ComputerName HV01,HV02 -OutputPath D:\audit\standalone.zip
#>
[CmdletBinding()]
param(
    [string]$OutputPath,
    [string[]]$ComputerName,
    [switch]$NoZip,
    [switch]$AllowPartial,
    [ValidateRange(1, 64)][int]$ThrottleLimit = 4,
    [ValidateRange(10, 3600)][int]$OperationTimeoutSec = 120,
    [ValidateRange(1, 1440)][int]$NodeTimeoutMinutes = 30
)

# -- what cannot work at all ----------------------------------------------------------------------
if ($ExecutionContext.SessionState.LanguageMode -ne 'FullLanguage') {
    [Console]::Error.WriteLine("reportgen collector: PowerShell runs in $($ExecutionContext.SessionState.LanguageMode) mode (WDAC or AppLocker): this script must be signed with a certificate your policy trusts (see docs/hyperv.md, 'Signing').")
    exit 1
}
if ($PSVersionTable.PSEdition -eq 'Core') {
    [Console]::Error.WriteLine("reportgen collector: run it in Windows PowerShell 5.1, not PowerShell 7: powershell.exe -NoProfile -ExecutionPolicy Bypass -File `"$PSCommandPath`"")
    exit 1
}

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$CollectorVersion = '2.0.0'
$Started = (Get-Date).ToUniversalTime()
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture

# The properties written for each object type. Values are flattened to text as they are read, so no
# column holds a type name such as System.String[].
$Properties = [ordered]@{
    'Get-VMHost'                 = @('ComputerName', 'Name', 'FullyQualifiedDomainName', 'LogicalProcessorCount',
                                     'MemoryCapacity', 'VirtualMachineMigrationEnabled', 'UseAnyNetworkForMigration',
                                     'MaximumVirtualMachineMigrations', 'VirtualHardDiskPath', 'VirtualMachinePath',
                                     'NumaSpanningEnabled')
    'Get-VM'                     = @('VMName', 'VMId', 'Name', 'ComputerName', 'State', 'IsClustered', 'Version',
                                     'Generation', 'ProcessorCount', 'MemoryStartup', 'MemoryAssigned',
                                     'DynamicMemoryEnabled', 'Path', 'ConfigurationLocation', 'SnapshotFileLocation',
                                     'SmartPagingFilePath', 'AutomaticStartAction', 'AutomaticStopAction',
                                     'ReplicationMode', 'ReplicationState', 'CheckpointType', 'Notes', 'CreationTime')
    'Get-VMHardDiskDrive'        = @('VMName', 'VMId', 'ComputerName', 'Name', 'ControllerType', 'ControllerNumber',
                                     'ControllerLocation', 'Path', 'DiskNumber', 'SupportPersistentReservations',
                                     'MaximumIOPS', 'MinimumIOPS', 'VMSnapshotId')
    'Get-VHD'                    = @('ComputerName', 'Path', 'VhdFormat', 'VhdType', 'FileSize', 'Size', 'ParentPath',
                                     'Attached')
    'Get-VMNetworkAdapter'       = @('VMName', 'VMId', 'ComputerName', 'Name', 'SwitchName', 'Connected',
                                     'MacAddress', 'IsLegacy', 'IsManagementOs', 'IovWeight', 'IovUsage',
                                     'VMSnapshotId')
    'Get-VMSwitch'               = @('ComputerName', 'Name', 'Id', 'SwitchType', 'AllowManagementOS',
                                     'EmbeddedTeamingEnabled', 'NetAdapterInterfaceDescriptions', 'IovEnabled')
    'Get-VMDvdDrive'             = @('VMName', 'VMId', 'ComputerName', 'Name', 'ControllerType', 'ControllerNumber',
                                     'ControllerLocation', 'DvdMediaType', 'Path', 'VMSnapshotId')
    'Get-VMFibreChannelHba'      = @('VMName', 'VMId', 'ComputerName', 'Name', 'SanName', 'WorldWideNodeNameSetA',
                                     'WorldWidePortNameSetA', 'WorldWideNodeNameSetB', 'WorldWidePortNameSetB')
    'Get-VMAssignableDevice'     = @('VMName', 'VMId', 'ComputerName', 'Name', 'InstanceID', 'LocationPath',
                                     'ResourcePoolName')
    'Get-VMGpuPartitionAdapter'  = @('VMName', 'VMId', 'ComputerName', 'Name', 'InstancePath', 'MinPartitionVRAM',
                                     'MaxPartitionVRAM')
    'Get-VMProcessor'            = @('VMName', 'VMId', 'ComputerName', 'Count', 'CompatibilityForMigrationEnabled',
                                     'CompatibilityForMigrationMode')
    'Get-VMSecurity'             = @('VMName', 'VMId', 'ComputerName', 'TpmEnabled', 'KsdEnabled', 'Shielded',
                                     'EncryptStateAndVmMigrationTraffic', 'VirtualizationBasedSecurityOptOut')
    # The key protector's owner and the guardians granted access, each with the thumbprint of its encryption certificate.
    'Get-VMKeyProtector'         = @('VMName', 'VMId', 'ComputerName', 'Owner', 'OwnerThumbprint', 'Guardians',
                                     'GuardianThumbprints')
    'Get-HgsGuardian'            = @('ComputerName', 'Name', 'EncryptionThumbprint', 'SigningThumbprint',
                                     'HasPrivateSigningKey')
    'Get-HgsClientConfiguration' = @('ComputerName', 'Mode', 'IsHostGuarded')
    'Get-VMHostSupportedVersion' = @('ComputerName', 'Name', 'Version', 'IsDefault')
    'Get-VMSan'                  = @('ComputerName', 'SanName')
    'Win32_Processor'            = @('SystemName', 'DeviceID', 'Name', 'Manufacturer', 'NumberOfCores',
                                     'NumberOfLogicalProcessors')
    'Win32_OperatingSystem'      = @('CSName', 'Caption', 'Version', 'BuildNumber')
    'Get-ClusterNode'            = @('Cluster', 'Name', 'Id', 'State', 'DrainStatus', 'MajorVersion', 'MinorVersion',
                                     'BuildNumber', 'NodeWeight', 'Manufacturer', 'Model')
    'Get-ClusterGroup'           = @('Cluster', 'Name', 'OwnerNode', 'State', 'GroupType', 'Priority',
                                     'AntiAffinityClassNames', 'Id')
    'Get-ClusterSharedVolume'    = @('Cluster', 'Name', 'OwnerNode', 'State', 'FriendlyVolumeName', 'Size',
                                     'FreeSpace', 'Id')
    'Get-ClusterOwnerNode'       = @('Cluster', 'Group', 'Resource', 'VMId', 'PossibleOwners', 'PreferredOwners')
    'Get-ClusterAffinityRule'    = @('Cluster', 'Name', 'RuleType', 'Groups', 'Enabled')
}
# -- end of the property list

# Shared by the main script and every node reader (each runs in its own runspace).
$Helpers = {
    function Format-Value {
        param($Value)
        if ($null -eq $Value) { return $null }
        if ($Value -is [string]) { return $Value }
        if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o', [System.Globalization.CultureInfo]::InvariantCulture) }
        if ($Value -is [System.IFormattable]) { return $Value.ToString($null, [System.Globalization.CultureInfo]::InvariantCulture) }
        if ($Value -is [System.Collections.IEnumerable]) { return ((@($Value) | ForEach-Object { Format-Value $_ }) -join '; ') }
        return $Value.ToString()
    }
    function ConvertTo-Row {
        # One flat row of text for one object, in the column order of its object type.
        param([string[]]$Columns, $Item)
        $row = [ordered]@{}
        foreach ($column in $Columns) {
            $property = $Item.PSObject.Properties[$column]
            if ($property) { $row[$column] = Format-Value $property.Value } else { $row[$column] = $null }
        }
        return $row
    }
    function Get-Thumbprint {
        # The thumbprint of a guardian's certificate as the certificate store shows it, from the certificate object
        # the HgsClient module gives or from its raw bytes (MSFT_HgsGuardian); nothing is stored anywhere.
        param($Certificate)
        if ($null -eq $Certificate) { return $null }
        if ($Certificate.PSObject.Properties['Thumbprint']) { return [string]$Certificate.Thumbprint }
        return [System.Security.Cryptography.X509Certificates.X509Certificate2]::new([byte[]]$Certificate).Thumbprint
    }
    function New-Result {
        param([string]$Node, $Properties)
        $rows = @{}
        foreach ($name in $Properties.Keys) { $rows[$name] = New-Object 'System.Collections.Generic.List[object]' }
        return @{ Node = $Node; Rows = $rows; Status = New-Object 'System.Collections.Generic.List[object]';
                  Errors = New-Object 'System.Collections.Generic.List[object]'; Reached = $false; Cluster = $null }
    }
    function Add-Failure {
        param($Result, [string]$Object, [string]$Vm, [string]$Message)
        $Result.Errors.Add([pscustomobject][ordered]@{ node = $Result.Node; cmdlet = $Object; vm = $Vm; message = $Message })
    }
    function Add-Status {
        # ok / partial / failed / skipped for one object type on one node.
        param($Result, [string]$Object, [string]$Status, [int]$Rows, [int]$Errors, [string]$Message)
        $Result.Status.Add([pscustomobject][ordered]@{ object = $Object; node = $Result.Node; status = $Status;
                                                       rows = $Rows; errors = $Errors; message = $Message })
    }
}
. $Helpers

# Reads one node. Runs in a runspace of the pool; returns the result of New-Result.
$NodeReader = {
    param([string]$Node, [bool]$Local, $Properties, [int]$TimeoutSec, [string]$HelperText, $Started)
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version 2.0
    . ([scriptblock]::Create($HelperText))
    $Started[$Node] = [datetime]::UtcNow
    $result = New-Result -Node $Node -Properties $Properties
    $session = $null
    try {
        if ($Local) { $session = New-CimSession -OperationTimeoutSec $TimeoutSec }
        else { $session = New-CimSession -ComputerName $Node -OperationTimeoutSec $TimeoutSec }
        try {
            $vmHost = Get-VMHost -CimSession $session
        } catch {
            Add-Failure $result 'Get-VMHost' $null $_.Exception.Message
            Add-Status $result 'Get-VMHost' 'failed' 0 1 $_.Exception.Message
            return $result
        }
        $result.Reached = $true
        $result.Rows['Get-VMHost'].Add((ConvertTo-Row $Properties['Get-VMHost'] $vmHost))
        Add-Status $result 'Get-VMHost' 'ok' 1 0 $null

        # Host-level objects: one call each.
        $hostQueries = [ordered]@{
            'Get-VMSwitch'               = { Get-VMSwitch -CimSession $session }
            'Get-VMHostSupportedVersion' = { Get-VMHostSupportedVersion -CimSession $session |
                                             Select-Object @{ Name = 'ComputerName'; Expression = { $Node } }, Name, Version, IsDefault }
            # The virtual SANs a virtual Fibre Channel adapter can connect to on this node (SanName = the SAN's Name).
            'Get-VMSan'                  = { Get-VMSan -CimSession $session |
                                             Select-Object @{ Name = 'ComputerName'; Expression = { $Node } }, @{ Name = 'SanName'; Expression = { $_.Name } } }
            # The guardians this host holds (local mode: 'UntrustedGuardian' and imported ones) and the HGS client mode.
            'Get-HgsGuardian'            = { Get-HgsGuardian -CimSession $session | ForEach-Object {
                                             [pscustomobject][ordered]@{ ComputerName = $Node; Name = [string]$_.Name
                                                 EncryptionThumbprint = Get-Thumbprint $_.EncryptionCertificate
                                                 SigningThumbprint = Get-Thumbprint $_.SigningCertificate
                                                 HasPrivateSigningKey = $_.HasPrivateSigningKey } } }
            'Get-HgsClientConfiguration' = { Get-HgsClientConfiguration -CimSession $session |
                                             Select-Object @{ Name = 'ComputerName'; Expression = { $Node } }, Mode, IsHostGuarded }
            'Win32_Processor'            = { Get-CimInstance -ClassName Win32_Processor -CimSession $session -OperationTimeoutSec $TimeoutSec }
            'Win32_OperatingSystem'      = { Get-CimInstance -ClassName Win32_OperatingSystem -CimSession $session -OperationTimeoutSec $TimeoutSec }
        }
        foreach ($object in $hostQueries.Keys) {
            if ($object -eq 'Get-VMHostSupportedVersion' -and -not (Get-Command -Name $object -ErrorAction SilentlyContinue)) {
                Add-Status $result $object 'skipped' 0 0 'cmdlet not available (Windows Server 2016 or earlier)'
                continue
            }
            if ($object -like 'Get-Hgs*' -and -not (Get-Command -Name $object -ErrorAction SilentlyContinue)) {
                # Not "no guardian": without the module nothing says which hosts hold the vTPM keys.
                $message = 'the HgsClient PowerShell module is not available where the collector runs: guardians not read'
                Add-Failure $result $object $null $message
                Add-Status $result $object 'failed' 0 1 $message
                continue
            }
            try {
                $items = @(& $hostQueries[$object])
                foreach ($item in $items) { $result.Rows[$object].Add((ConvertTo-Row $Properties[$object] $item)) }
                Add-Status $result $object 'ok' $items.Count 0 $null
            } catch {
                Add-Failure $result $object $null $_.Exception.Message
                Add-Status $result $object 'failed' 0 1 $_.Exception.Message
            }
        }

        # The VM list; an empty one is verified, because Get-VM returns nothing without the rights to see VMs.
        try {
            $vms = @(Get-VM -CimSession $session)
        } catch {
            Add-Failure $result 'Get-VM' $null $_.Exception.Message
            Add-Status $result 'Get-VM' 'failed' 0 1 $_.Exception.Message
            return $result
        }
        if ($vms.Count -eq 0) {
            try {
                $listed = @(Get-CimInstance -Namespace 'root/virtualization/v2' -ClassName Msvm_ComputerSystem -CimSession $session -OperationTimeoutSec $TimeoutSec |
                    Where-Object { $_.Name -match '^[0-9A-Fa-f]{8}-([0-9A-Fa-f]{4}-){3}[0-9A-Fa-f]{12}$' })
                if ($listed.Count -gt 0) {
                    $message = "Get-VM returned no VM although the virtualization provider lists $($listed.Count): the account cannot see them (not elevated, or not a member of Hyper-V Administrators)"
                    Add-Failure $result 'Get-VM' $null $message
                    Add-Status $result 'Get-VM' 'failed' 0 1 $message
                    return $result
                }
                Add-Status $result 'Get-VM' 'ok' 0 0 'no VM on this node (verified with Msvm_ComputerSystem)'
            } catch {
                $message = "Get-VM returned no VM and this could not be verified: $($_.Exception.Message)"
                Add-Failure $result 'Get-VM' $null $message
                Add-Status $result 'Get-VM' 'failed' 0 1 $message
                return $result
            }
        } else {
            foreach ($vm in $vms) { $result.Rows['Get-VM'].Add((ConvertTo-Row $Properties['Get-VM'] $vm)) }
            Add-Status $result 'Get-VM' 'ok' $vms.Count 0 $null
        }

        # Per-VM objects, one VM at a time: a VM that fails (deleted mid-run, critical state) costs only its own rows.
        $vmQueries = [ordered]@{
            'Get-VMHardDiskDrive'       = { param($vm) Get-VMHardDiskDrive -VM $vm }
            'Get-VMNetworkAdapter'      = { param($vm) Get-VMNetworkAdapter -VM $vm }
            'Get-VMDvdDrive'            = { param($vm) Get-VMDvdDrive -VM $vm }
            'Get-VMFibreChannelHba'     = { param($vm) Get-VMFibreChannelHba -VM $vm }
            'Get-VMProcessor'           = { param($vm) Get-VMProcessor -VM $vm }
            'Get-VMAssignableDevice'    = { param($vm) Get-VMAssignableDevice -VM $vm }
            'Get-VMGpuPartitionAdapter' = { param($vm) Get-VMGpuPartitionAdapter -VM $vm }
            'Get-VMSecurity'            = { param($vm) Get-VMSecurity -VM $vm |
                                            Select-Object @{ Name = 'VMName'; Expression = { $vm.Name } },
                                                          @{ Name = 'VMId'; Expression = { $vm.Id } },
                                                          @{ Name = 'ComputerName'; Expression = { $vm.ComputerName } },
                                                          TpmEnabled, KsdEnabled, Shielded, EncryptStateAndVmMigrationTraffic,
                                                          VirtualizationBasedSecurityOptOut }
        }
        foreach ($object in $vmQueries.Keys) {
            if (-not (Get-Command -Name $object -ErrorAction SilentlyContinue)) {
                Add-Status $result $object 'skipped' 0 0 'cmdlet not available on this Windows version'
                continue
            }
            $failed = 0; $first = $null; $count = 0
            foreach ($vm in $vms) {
                try {
                    foreach ($item in @(& $vmQueries[$object] $vm)) {
                        $result.Rows[$object].Add((ConvertTo-Row $Properties[$object] $item)); $count++
                    }
                } catch {
                    $failed++
                    if (-not $first) { $first = $_.Exception.Message }
                    Add-Failure $result $object $vm.Name $_.Exception.Message
                }
            }
            if ($failed -eq 0) { Add-Status $result $object 'ok' $count 0 $null }
            elseif ($failed -lt $vms.Count) { Add-Status $result $object 'partial' $count $failed "$failed of $($vms.Count) VM(s) failed, e.g. $first" }
            else { Add-Status $result $object 'failed' 0 $failed $first }
        }

        # Key protectors of the VMs with a virtual TPM, decoded on the node into their owner and guardians.
        $object = 'Get-VMKeyProtector'
        $tpm = @{}
        foreach ($row in $result.Rows['Get-VMSecurity']) { if ($row['TpmEnabled'] -eq 'True') { $tpm[$row['VMId']] = $true } }
        if (-not (Get-Command -Name ConvertTo-HgsKeyProtector -ErrorAction SilentlyContinue)) {
            $message = 'the HgsClient PowerShell module is not available where the collector runs: key protectors not read'
            Add-Failure $result $object $null $message
            Add-Status $result $object 'failed' 0 1 $message
        } else {
            $failed = 0; $first = $null; $count = 0; $wanted = 0
            foreach ($vm in $vms) {
                if (-not $tpm.ContainsKey((Format-Value $vm.Id))) { continue }
                $wanted++
                try {
                    $raw = Get-VMKeyProtector -VM $vm
                    $protector = ConvertTo-HgsKeyProtector -Bytes $raw -CimSession $session
                    $guardians = @($protector.Guardians)
                    $result.Rows[$object].Add([ordered]@{
                        VMName = $vm.Name; VMId = Format-Value $vm.Id; ComputerName = $vm.ComputerName
                        Owner = [string]$protector.Owner.Name; OwnerThumbprint = Get-Thumbprint $protector.Owner.EncryptionCertificate
                        Guardians = (@($guardians | ForEach-Object { [string]$_.Name }) -join '; ')
                        GuardianThumbprints = (@($guardians | ForEach-Object { Get-Thumbprint $_.EncryptionCertificate }) -join '; ')
                    })
                    $count++
                } catch {
                    $failed++
                    if (-not $first) { $first = $_.Exception.Message }
                    Add-Failure $result $object $vm.Name $_.Exception.Message
                }
            }
            if ($failed -eq 0) { Add-Status $result $object 'ok' $count 0 $null }
            elseif ($failed -lt $wanted) { Add-Status $result $object 'partial' $count $failed "$failed of $wanted VM(s) with a virtual TPM failed, e.g. $first" }
            else { Add-Status $result $object 'failed' 0 $failed $first }
        }

        # VHD format and size, read by the node that runs the VM; pass-through disks have no file.
        $failed = 0; $first = $null; $count = 0
        foreach ($drive in $result.Rows['Get-VMHardDiskDrive']) {
            if ($drive['DiskNumber'] -or -not $drive['Path']) { continue }
            try {
                $result.Rows['Get-VHD'].Add((ConvertTo-Row $Properties['Get-VHD'] (Get-VHD -Path $drive['Path'] -CimSession $session))); $count++
            } catch {
                $failed++
                $message = $_.Exception.Message
                if ($drive['Path'].StartsWith('\\')) { $message += ' (an SMB path: reading it remotely needs delegation; run the collector on this node)' }
                if (-not $first) { $first = $message }
                Add-Failure $result 'Get-VHD' $drive['VMName'] $message
            }
        }
        if ($failed -eq 0) { Add-Status $result 'Get-VHD' 'ok' $count 0 $null }
        else { Add-Status $result 'Get-VHD' 'partial' $count $failed "$failed disk(s) not read, e.g. $first" }
    } catch {
        Add-Failure $result 'node' $null $_.Exception.Message
        Add-Status $result 'Get-VMHost' 'failed' 0 1 $_.Exception.Message
    } finally {
        if ($session) { Remove-CimSession -CimSession $session -ErrorAction SilentlyContinue }
    }
    return $result
}

# Reads one cluster (Windows PowerShell 5.1, FailoverClusters module). Runs in a runspace of the pool.
$ClusterReader = {
    param([string]$Cluster, $Properties, [string]$HelperText, $Started, [int]$TimeoutSec)
    $ErrorActionPreference = 'Stop'
    Set-StrictMode -Version 2.0
    . ([scriptblock]::Create($HelperText))
    $Started["cluster $Cluster"] = [datetime]::UtcNow
    $result = New-Result -Node $Cluster -Properties $Properties
    $queries = [ordered]@{
        'Get-ClusterNode'  = { Get-ClusterNode -Cluster $Cluster }
        'Get-ClusterGroup' = { Get-ClusterGroup -Cluster $Cluster }
        'Get-ClusterSharedVolume' = {
            foreach ($csv in @(Get-ClusterSharedVolume -Cluster $Cluster)) {
                foreach ($info in @($csv.SharedVolumeInfo)) {
                    [pscustomobject][ordered]@{
                        Cluster = $Cluster; Name = $csv.Name; OwnerNode = $csv.OwnerNode; State = $csv.State
                        FriendlyVolumeName = $info.FriendlyVolumeName; Size = $info.Partition.Size
                        FreeSpace = $info.Partition.FreeSpace; Id = $csv.Id
                    }
                }
            }
        }
        # Affinity rules (Windows Server 2022 and later), read over CIM: the rule's groups, type and whether it is enabled.
        'Get-ClusterAffinityRule' = {
            $cim = New-CimSession -ComputerName $Cluster -OperationTimeoutSec $TimeoutSec
            try {
                foreach ($rule in @(Get-ClusterAffinityRule -CimSession $cim)) {
                    $row = ConvertTo-Row $Properties['Get-ClusterAffinityRule'] $rule
                    $row['Cluster'] = $Cluster
                    [pscustomobject]$row
                }
            } finally { Remove-CimSession -CimSession $cim -ErrorAction SilentlyContinue }
        }
    }
    foreach ($object in $queries.Keys) {
        if ($object -eq 'Get-ClusterAffinityRule' -and -not (Get-Command -Name $object -ErrorAction SilentlyContinue)) {
            Add-Status $result $object 'skipped' 0 0 'cmdlet not available (before Windows Server 2022, which has no affinity rules)'
            continue
        }
        try {
            $items = @(& $queries[$object])
            foreach ($item in $items) { $result.Rows[$object].Add((ConvertTo-Row $Properties[$object] $item)) }
            Add-Status $result $object 'ok' $items.Count 0 $null
        } catch {
            Add-Failure $result $object $null $_.Exception.Message
            Add-Status $result $object 'failed' 0 1 $_.Exception.Message
        }
    }
    # Possible and preferred owners of every VM resource, one resource at a time.
    $object = 'Get-ClusterOwnerNode'
    try {
        $resources = @(Get-ClusterResource -Cluster $Cluster | Where-Object { $_.ResourceType.Name -eq 'Virtual Machine' })
    } catch {
        Add-Failure $result $object $null $_.Exception.Message
        Add-Status $result $object 'failed' 0 1 $_.Exception.Message
        return $result
    }
    $failed = 0; $first = $null
    foreach ($resource in $resources) {
        try {
            $vmId = (Get-ClusterParameter -InputObject $resource -Name VmID).Value
            $possible = @((Get-ClusterOwnerNode -Resource $resource.Name -Cluster $Cluster).OwnerNodes | ForEach-Object { $_.Name })
            $preferred = @((Get-ClusterOwnerNode -Group $resource.OwnerGroup.Name -Cluster $Cluster).OwnerNodes | ForEach-Object { $_.Name })
            $result.Rows[$object].Add([ordered]@{
                Cluster = $Cluster; Group = [string]$resource.OwnerGroup.Name; Resource = [string]$resource.Name
                VMId = Format-Value $vmId; PossibleOwners = ($possible -join '; '); PreferredOwners = ($preferred -join '; ')
            })
        } catch {
            $failed++
            if (-not $first) { $first = $_.Exception.Message }
            Add-Failure $result $object ([string]$resource.OwnerGroup.Name) $_.Exception.Message
        }
    }
    if ($failed -eq 0) { Add-Status $result $object 'ok' $resources.Count 0 $null }
    elseif ($failed -lt $resources.Count) { Add-Status $result $object 'partial' ($resources.Count - $failed) $failed "$failed of $($resources.Count) VM resource(s) failed, e.g. $first" }
    else { Add-Status $result $object 'failed' 0 $failed $first }
    return $result
}

function Get-ClusterState {
    # Whether a host is a cluster node (the Cluster service exists), and the cluster's name when it can be read.
    param([string]$Target, [bool]$Local)
    try {
        if ($Local) { $service = @(Get-CimInstance -ClassName Win32_Service -Filter "Name='ClusSvc'" -OperationTimeoutSec $OperationTimeoutSec) }
        else { $service = @(Get-CimInstance -ClassName Win32_Service -Filter "Name='ClusSvc'" -ComputerName $Target -OperationTimeoutSec $OperationTimeoutSec) }
    } catch {
        return @{ Status = 'failed'; Name = $null; Error = "cannot tell whether $Target is a cluster node: $($_.Exception.Message)" }
    }
    if ($service.Count -eq 0) { return @{ Status = 'not-a-cluster'; Name = $null; Error = $null } }
    if ($service[0].State -ne 'Running') {
        return @{ Status = 'failed'; Name = $null; Error = "the Cluster service on $Target is $($service[0].State)" }
    }
    if (-not (Get-Command -Name Get-Cluster -ErrorAction SilentlyContinue)) {
        return @{ Status = 'failed'; Name = $null; Error = "$Target is a cluster node but the FailoverClusters PowerShell module is not installed here (Windows feature RSAT-Clustering-PowerShell)" }
    }
    try {
        if ($Local) { $name = (Get-Cluster).Name } else { $name = (Get-Cluster -Name $Target).Name }
        return @{ Status = 'ok'; Name = [string]$name; Error = $null }
    } catch {
        return @{ Status = 'failed'; Name = $null; Error = "cannot read the cluster of ${Target}: $($_.Exception.Message) (read-only cluster access is enough: see docs/hyperv.md)" }
    }
}

# -- preflight ------------------------------------------------------------------------------------
$Preflight = New-Object 'System.Collections.Generic.List[object]'
function Add-Check {
    param([string]$Check, [bool]$Ok, [string]$Message)
    $Preflight.Add([pscustomobject][ordered]@{ check = $Check; ok = $Ok; message = $Message })
}
$LocalRun = -not $ComputerName
$principal = New-Object System.Security.Principal.WindowsPrincipal([System.Security.Principal.WindowsIdentity]::GetCurrent())
$IsAdmin = $principal.IsInRole([System.Security.Principal.WindowsBuiltInRole]::Administrator)
$IsHyperVAdmin = $principal.IsInRole([System.Security.Principal.SecurityIdentifier]'S-1-5-32-578')
if ($LocalRun) {
    Add-Check 'elevated' ($IsAdmin -or $IsHyperVAdmin) 'not elevated and not a member of Hyper-V Administrators: Get-VM would list no VM (start PowerShell with "Run as administrator")'
}
Add-Check 'hyper-v module' ([bool](Get-Command -Name Get-VM -ErrorAction SilentlyContinue)) 'the Hyper-V PowerShell module is not installed (Windows feature Hyper-V-PowerShell)'
$Clusters = [ordered]@{}
$ClusterProblems = New-Object 'System.Collections.Generic.List[string]'
if ($LocalRun) { $targets = @($env:COMPUTERNAME) } else { $targets = @($ComputerName) }
foreach ($target in $targets) {
    $state = Get-ClusterState -Target $target -Local $LocalRun
    if ($state.Status -eq 'ok') { $Clusters[$state.Name] = $true }
    elseif ($state.Status -eq 'failed') { $ClusterProblems.Add($state.Error) }
}
Add-Check 'cluster' ($ClusterProblems.Count -eq 0) ($ClusterProblems -join '; ')
$failedChecks = @($Preflight | Where-Object { -not $_.ok })
if ($failedChecks.Count -gt 0 -and -not $AllowPartial) {
    foreach ($check in $failedChecks) { [Console]::Error.WriteLine("reportgen collector: $($check.check): $($check.message)") }
    [Console]::Error.WriteLine('Nothing was collected. Fix the above and run again, or add -AllowPartial to collect what can be read (the audit then marks the rest not assessed).')
    exit 1
}

# -- which hosts ----------------------------------------------------------------------------------
$Nodes = New-Object 'System.Collections.Generic.List[string]'
foreach ($cluster in $Clusters.Keys) {
    try { foreach ($node in @(Get-ClusterNode -Cluster $cluster)) { if (-not $Nodes.Contains([string]$node.Name)) { $Nodes.Add([string]$node.Name) } } }
    catch { $ClusterProblems.Add("cannot list the nodes of ${cluster}: $($_.Exception.Message)") }
}
foreach ($target in $targets) { if (-not ($Nodes -contains $target)) { $Nodes.Add($target) } }
if ($ClusterProblems.Count -gt 0) { $ClusterStatus = 'failed' }
elseif ($Clusters.Count -gt 0) { $ClusterStatus = 'ok' }
else { $ClusterStatus = 'not-a-cluster' }
$ClusterNames = @($Clusters.Keys)
if ($ClusterNames.Count -gt 0) { $label = $ClusterNames[0] } else { $label = $env:COMPUTERNAME }

# -- where to write -------------------------------------------------------------------------------
if (-not $OutputPath) {
    $here = (Get-Location).ProviderPath
    if ($here.StartsWith($env:SystemRoot, [System.StringComparison]::OrdinalIgnoreCase)) {
        $here = [Environment]::GetFolderPath('MyDocuments')   # not C:\Windows\System32 of an elevated console
        if (-not $here) { $here = $env:TEMP }
    }
    $OutputPath = Join-Path $here ("reportgen-hyperv-{0}-{1}" -f $label, $Started.ToString('yyyyMMdd-HHmmss', $Invariant))
    if (-not $NoZip) { $OutputPath = $OutputPath + '.zip' }
}
if ($NoZip) { $Folder = $OutputPath }
else { $Folder = Join-Path ([System.IO.Path]::GetTempPath()) ('reportgen-hyperv-' + [guid]::NewGuid().ToString('N')) }
New-Item -ItemType Directory -Path $Folder -Force | Out-Null

$Status = New-Object 'System.Collections.Generic.List[object]'
$Errors = New-Object 'System.Collections.Generic.List[object]'
$Files = [ordered]@{}
$Reached = New-Object 'System.Collections.Generic.List[string]'
$NotReached = New-Object 'System.Collections.Generic.List[string]'
$Complete = $false

function Write-Result {
    # Append one node's (or cluster's) rows to the CSV files and its status to the manifest lists.
    param($Result)
    foreach ($object in $Properties.Keys) {
        $rows = $Result.Rows[$object]
        if ($rows.Count -eq 0) { continue }
        $file = Join-Path $Folder ($object + '.csv')
        $rows | ForEach-Object { [pscustomobject]$_ } | Export-Csv -LiteralPath $file -NoTypeInformation -Encoding UTF8 -Append
        $Files[$object + '.csv'] = [int]$Files[$object + '.csv'] + $rows.Count
    }
    foreach ($record in $Result.Status) { $Status.Add($record) }
    foreach ($record in $Result.Errors) { $Errors.Add($record); Write-Warning ("{0} {1} {2}: {3}" -f $record.node, $record.cmdlet, $record.vm, $record.message) }
}

function Write-Manifest {
    foreach ($object in $Properties.Keys) {
        if ($object -like 'Get-Cluster*' -and $ClusterStatus -eq 'not-a-cluster') { continue }
        $file = Join-Path $Folder ($object + '.csv')
        if (-not (Test-Path -LiteralPath $file)) {
            ('"' + ($Properties[$object] -join '","') + '"') | Out-File -LiteralPath $file -Encoding UTF8
            $Files[$object + '.csv'] = 0
        }
    }
    $clustered = $null
    if ($ClusterStatus -eq 'ok') { $clustered = $true } elseif ($ClusterStatus -eq 'not-a-cluster') { $clustered = $false }
    $cluster = $null
    if ($ClusterNames.Count -gt 0) { $cluster = $ClusterNames -join ', ' }
    $manifest = [ordered]@{
        collector          = 'reportgen Hyper-V collector'
        collector_version  = $CollectorVersion
        format             = 2
        created            = $Started.ToString('o', $Invariant)
        finished           = (Get-Date).ToUniversalTime().ToString('o', $Invariant)
        complete           = $Complete
        run_on             = $env:COMPUTERNAME
        powershell         = $PSVersionTable.PSVersion.ToString()
        culture            = (Get-Culture).Name
        elevated           = $IsAdmin
        hyperv_administrator = $IsHyperVAdmin
        preflight          = @($Preflight)
        partial_allowed    = [bool]($AllowPartial -and @($Preflight | Where-Object { -not $_.ok }).Count -gt 0)
        clustered          = $clustered
        cluster            = $cluster
        cluster_status     = $ClusterStatus
        cluster_error      = ($ClusterProblems -join '; ')
        nodes_reached      = @($Reached)
        nodes_not_reached  = @($NotReached)
        status             = @($Status)
        files              = $Files
        errors             = @($Errors)
    }
    $manifest | ConvertTo-Json -Depth 5 | Out-File -LiteralPath (Join-Path $Folder 'manifest.json') -Encoding UTF8
}

# -- collect: nodes and clusters in parallel, each within its time limit ---------------------------
$StartedAt = [hashtable]::Synchronized(@{})
$pool = [runspacefactory]::CreateRunspacePool(1, $ThrottleLimit)
$jobs = New-Object 'System.Collections.Generic.List[object]'
$exitCode = 0
try {
    $pool.Open()
    foreach ($cluster in $ClusterNames) {
        $shell = [powershell]::Create(); $shell.RunspacePool = $pool
        [void]$shell.AddScript($ClusterReader).AddArgument($cluster).AddArgument($Properties).AddArgument($Helpers.ToString()).AddArgument($StartedAt).AddArgument($OperationTimeoutSec)
        $jobs.Add(@{ Key = "cluster $cluster"; Name = $cluster; Cluster = $true; Shell = $shell; Handle = $shell.BeginInvoke(); Done = $false })
    }
    foreach ($node in $Nodes) {
        $isLocal = $LocalRun -and ($node -eq $env:COMPUTERNAME)
        $shell = [powershell]::Create(); $shell.RunspacePool = $pool
        [void]$shell.AddScript($NodeReader).AddArgument($node).AddArgument($isLocal).AddArgument($Properties).AddArgument($OperationTimeoutSec).AddArgument($Helpers.ToString()).AddArgument($StartedAt)
        $jobs.Add(@{ Key = $node; Name = $node; Cluster = $false; Shell = $shell; Handle = $shell.BeginInvoke(); Done = $false })
    }
    $limit = [TimeSpan]::FromMinutes($NodeTimeoutMinutes)
    while (@($jobs | Where-Object { -not $_.Done }).Count -gt 0) {
        foreach ($job in @($jobs | Where-Object { -not $_.Done })) {
            if ($job.Handle.IsCompleted) {
                $job.Done = $true
                try {
                    $result = @($job.Shell.EndInvoke($job.Handle))[-1]
                } catch {
                    $result = New-Result -Node $job.Name -Properties $Properties
                    if ($job.Cluster) { $object = 'Get-ClusterNode' } else { $object = 'Get-VMHost' }
                    Add-Failure $result $object $null $_.Exception.Message
                    Add-Status $result $object 'failed' 0 1 $_.Exception.Message
                }
                if (-not $job.Cluster) { if ($result.Reached) { $Reached.Add($job.Name) } else { $NotReached.Add($job.Name) } }
                Write-Result $result
                $job.Shell.Dispose()
            } elseif ($StartedAt.ContainsKey($job.Key) -and ([datetime]::UtcNow - $StartedAt[$job.Key]) -gt $limit) {
                $job.Done = $true
                [void]$job.Shell.BeginStop($null, $null)   # stops this script's own reader; nothing on the host
                $message = "still running after $NodeTimeoutMinutes minute(s): stopped (a provider that does not answer?)"
                $result = New-Result -Node $job.Name -Properties $Properties
                if ($job.Cluster) { $objects = @('Get-ClusterNode', 'Get-ClusterGroup', 'Get-ClusterSharedVolume', 'Get-ClusterOwnerNode', 'Get-ClusterAffinityRule') }
                else { $objects = @('Get-VMHost'); $NotReached.Add($job.Name) }
                foreach ($object in $objects) { Add-Status $result $object 'failed' 0 1 $message }
                Add-Failure $result $objects[0] $null $message
                Write-Result $result
            }
        }
        $done = @($jobs | Where-Object { $_.Done }).Count
        Write-Progress -Activity 'reportgen Hyper-V collector' -Status "$done of $($jobs.Count) node(s) and cluster(s) read" -PercentComplete (100 * $done / [Math]::Max(1, $jobs.Count))
        [System.Threading.Thread]::Sleep(500)
    }
    Write-Progress -Activity 'reportgen Hyper-V collector' -Completed
    $Complete = $true
} catch {
    $Errors.Add([pscustomobject][ordered]@{ node = $env:COMPUTERNAME; cmdlet = 'collector'; vm = $null; message = $_.Exception.Message })
} finally {
    # Written whatever happened above (an error, Ctrl+C): what was read is kept and the manifest says how far it got.
    try {
        $pool.Close()
        Write-Manifest
        if (-not $NoZip) {
            Compress-Archive -Path (Join-Path $Folder '*') -DestinationPath $OutputPath -Force
            Remove-Item -LiteralPath $Folder -Recurse -Force   # the collector's own temporary folder
        }
    } catch {
        [Console]::Error.WriteLine("reportgen collector: cannot write ${OutputPath}: $($_.Exception.Message) (the CSV files are in $Folder)")
        $exitCode = 3
    }
}
$partial = @($Status | Where-Object { $_.status -eq 'failed' -or $_.status -eq 'partial' }).Count
if ($exitCode -eq 0 -and (-not $Complete -or $partial -gt 0 -or $Errors.Count -gt 0 -or $ClusterStatus -eq 'failed')) { $exitCode = 2 }
Write-Output ("reportgen collector: wrote {0} ({1} node(s) read, {2} not reached, {3} error(s))" -f $OutputPath, $Reached.Count, $NotReached.Count, $Errors.Count)
if ($exitCode -eq 2) { Write-Output 'Partial results: the manifest lists what failed; the audit marks those checks not assessed.' }
exit $exitCode

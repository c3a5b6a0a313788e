#Requires -Version 5.1
<#
.SYNOPSIS
    Collects a read-only Hyper-V inventory for reportgen: one CSV per object type, a manifest, zipped.

.DESCRIPTION
    Run it on a Hyper-V host or on a node of a Hyper-V failover cluster, in Windows PowerShell 5.1 or
    PowerShell 7, as an account that may read the Hyper-V and cluster configuration of every node
    (member of "Hyper-V Administrators" or the local Administrators on each node).

    On a cluster node it reads every node of the cluster; elsewhere the local host, or the hosts named
    with -ComputerName. Per reachable node: Get-VMHost, Get-VM, Get-VMHardDiskDrive (and Get-VHD for the
    VHD format and size), Get-VMNetworkAdapter, Get-VMSwitch, Get-VMDvdDrive, Get-VMFibreChannelHba,
    Get-VMAssignableDevice and Get-VMGpuPartitionAdapter (where the cmdlets exist), Get-VMProcessor
    (processor compatibility), Get-VMHostSupportedVersion, and the CPU model and OS build
    (Win32_Processor, Win32_OperatingSystem). When clustered: Get-ClusterNode, Get-ClusterGroup,
    Get-ClusterSharedVolume (with the volume paths) and Get-ClusterOwnerNode for every VM resource.

    It is read-only: it calls Get-* cmdlets only and changes nothing on any host. It writes the CSV files
    (UTF-8, -NoTypeInformation, invariant-culture numbers and ISO 8601 dates) and manifest.json into a
    new folder and zips it. Nodes that cannot be reached and cmdlets that fail are listed in the manifest;
    the collection goes on without them.

.PARAMETER OutputPath
    The zip file to write. Default: reportgen-hyperv-<cluster or host>-<yyyyMMdd-HHmmss>.zip in the
    current folder.

.PARAMETER ComputerName
    Hyper-V hosts to read instead of the local host or cluster (standalone hosts).

.PARAMETER NoZip
    Leave a folder of CSV files instead of a zip (OutputPath then names the folder).

.EXAMPLE
    powershell.exe -NoProfile -ExecutionPolicy Bypass -File .\hyperv-collector.ps1

.EXAMPLE
    pwsh -NoProfile -File .\hyperv-collector.ps1 -ComputerName HV01,HV02 -OutputPath D:\audit\standalone.zip
#>
[CmdletBinding()]
param(
    [string]$OutputPath,
    [string[]]$ComputerName,
    [switch]$NoZip
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$CollectorVersion = '1.0.0'
$Started = (Get-Date).ToUniversalTime()
$Invariant = [System.Globalization.CultureInfo]::InvariantCulture
$script:Errors = New-Object 'System.Collections.Generic.List[object]'
$script:Files = [ordered]@{}
$script:Rows = @{}

# The properties written for each object type. Nested objects are flattened to text so that no
# column ends up holding a type name such as System.String[].
$Properties = [ordered]@{
    'Get-VMHost'                 = @('ComputerName', 'Name', 'FullyQualifiedDomainName', 'LogicalProcessorCount',
                                     'MemoryCapacity', 'VirtualMachineMigrationEnabled', 'UseAnyNetworkForMigration',
                                     'MaximumVirtualMachineMigrations', 'VirtualHardDiskPath', 'VirtualMachinePath')
    'Get-VM'                     = @('VMName', 'VMId', 'Name', 'ComputerName', 'State', 'IsClustered', 'Version',
                                     'Generation', 'ProcessorCount', 'MemoryStartup', 'MemoryAssigned',
                                     'DynamicMemoryEnabled', 'Path', 'ConfigurationLocation', 'SnapshotFileLocation',
                                     'SmartPagingFilePath', 'AutomaticStartAction', 'AutomaticStopAction',
                                     'ReplicationState', 'CheckpointType', 'Notes', 'CreationTime')
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
    'Get-VMHostSupportedVersion' = @('ComputerName', 'Name', 'Version', 'IsDefault')
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
}
$Collected = @{}
foreach ($name in $Properties.Keys) { $Collected[$name] = New-Object 'System.Collections.Generic.List[object]' }

function Add-CollectorError {
    param([string]$Node, [string]$Cmdlet, [string]$Message)
    $script:Errors.Add([pscustomobject][ordered]@{ node = $Node; cmdlet = $Cmdlet; message = $Message })
    Write-Warning ("{0} {1}: {2}" -f $Node, $Cmdlet, $Message)
}

function Test-Cmdlet {
    param([string]$Name)
    return [bool](Get-Command -Name $Name -ErrorAction SilentlyContinue)
}

function Format-Value {
    param($Value)
    if ($null -eq $Value) { return $null }
    if ($Value -is [string]) { return $Value }
    if ($Value -is [datetime]) { return $Value.ToUniversalTime().ToString('o', $Invariant) }
    if ($Value -is [System.IFormattable]) { return $Value.ToString($null, $Invariant) }
    if ($Value -is [System.Collections.IEnumerable]) {
        return ((@($Value) | ForEach-Object { Format-Value $_ }) -join '; ')
    }
    return $Value.ToString()
}

function Add-Rows {
    # Run one read-only query for one node; a failure is recorded and the collection goes on.
    param([string]$Object, [string]$Node, [scriptblock]$Query)
    try {
        foreach ($item in @(& $Query)) {
            if ($null -ne $item) { $Collected[$Object].Add($item) }
        }
    } catch {
        Add-CollectorError -Node $Node -Cmdlet $Object -Message $_.Exception.Message
    }
}

function Export-Object {
    # One UTF-8 CSV per object type; a header-only file when there are no objects.
    param([string]$Object, [string]$Folder)
    $file = Join-Path $Folder ($Object + '.csv')
    $columns = $Properties[$Object]
    $rows = New-Object 'System.Collections.Generic.List[object]'
    foreach ($item in $Collected[$Object]) {
        $row = [ordered]@{}
        foreach ($column in $columns) {
            $property = $item.PSObject.Properties[$column]
            if ($property) { $row[$column] = Format-Value $property.Value } else { $row[$column] = $null }
        }
        $rows.Add([pscustomobject]$row)
    }
    if ($rows.Count -gt 0) {
        $rows | Export-Csv -LiteralPath $file -NoTypeInformation -Encoding UTF8
    } else {
        ('"' + ($columns -join '","') + '"') | Out-File -LiteralPath $file -Encoding UTF8
    }
    $script:Files[$Object + '.csv'] = $rows.Count
}

# -- which hosts --------------------------------------------------------------------------------
$Clustered = $false
$ClusterName = $null
$Nodes = @()
if (-not $ComputerName -and (Test-Cmdlet 'Get-Cluster')) {
    try {
        $ClusterName = (Get-Cluster -ErrorAction Stop).Name
        $Clustered = $true
        $Nodes = @(Get-ClusterNode -Cluster $ClusterName | ForEach-Object { $_.Name })
    } catch {
        $Clustered = $false   # the Failover Clustering tools are installed but this host is no cluster node
        $ClusterName = $null
    }
}
if ($Nodes.Count -eq 0) {
    if ($ComputerName) { $Nodes = @($ComputerName) } else { $Nodes = @($env:COMPUTERNAME) }
}

# -- per node -----------------------------------------------------------------------------------
$Reached = New-Object 'System.Collections.Generic.List[string]'
$NotReached = New-Object 'System.Collections.Generic.List[string]'
$HasAssignable = Test-Cmdlet 'Get-VMAssignableDevice'
$HasGpuPartition = Test-Cmdlet 'Get-VMGpuPartitionAdapter'
$HasSupportedVersion = Test-Cmdlet 'Get-VMHostSupportedVersion'
$index = 0
foreach ($node in $Nodes) {
    $index++
    Write-Progress -Activity 'reportgen Hyper-V collector' -Status $node -PercentComplete (100 * $index / $Nodes.Count)
    try {
        $vmHost = Get-VMHost -ComputerName $node -ErrorAction Stop
    } catch {
        $NotReached.Add($node)
        Add-CollectorError -Node $node -Cmdlet 'Get-VMHost' -Message $_.Exception.Message
        continue
    }
    $Reached.Add($node)
    $Collected['Get-VMHost'].Add($vmHost)
    $vms = @()
    try { $vms = @(Get-VM -ComputerName $node -ErrorAction Stop) } catch {
        Add-CollectorError -Node $node -Cmdlet 'Get-VM' -Message $_.Exception.Message
    }
    foreach ($vm in $vms) { $Collected['Get-VM'].Add($vm) }
    if ($vms.Count -gt 0) {
        Add-Rows 'Get-VMHardDiskDrive' $node { $vms | Get-VMHardDiskDrive }
        Add-Rows 'Get-VMNetworkAdapter' $node { $vms | Get-VMNetworkAdapter }
        Add-Rows 'Get-VMDvdDrive' $node { $vms | Get-VMDvdDrive }
        Add-Rows 'Get-VMFibreChannelHba' $node { $vms | Get-VMFibreChannelHba }
        Add-Rows 'Get-VMProcessor' $node { $vms | Get-VMProcessor }
        if ($HasAssignable) { Add-Rows 'Get-VMAssignableDevice' $node { $vms | Get-VMAssignableDevice } }
        if ($HasGpuPartition) { Add-Rows 'Get-VMGpuPartitionAdapter' $node { $vms | Get-VMGpuPartitionAdapter } }
    }
    Add-Rows 'Get-VMSwitch' $node { Get-VMSwitch -ComputerName $node }
    if ($HasSupportedVersion) {
        Add-Rows 'Get-VMHostSupportedVersion' $node {
            Get-VMHostSupportedVersion -ComputerName $node |
                Select-Object @{ Name = 'ComputerName'; Expression = { $node } }, Name, Version, IsDefault
        }
    }
    # The local host is read without WinRM, which may be disabled on it.
    if ($node -eq $env:COMPUTERNAME) { $cim = @{} } else { $cim = @{ ComputerName = $node } }
    Add-Rows 'Win32_Processor' $node { Get-CimInstance -ClassName Win32_Processor @cim }
    Add-Rows 'Win32_OperatingSystem' $node { Get-CimInstance -ClassName Win32_OperatingSystem @cim }
    # VHD format and size of file-backed disks (pass-through disks have no file).
    $vhdFailures = 0
    foreach ($drive in @($Collected['Get-VMHardDiskDrive'] | Where-Object { $_.ComputerName -eq $node })) {
        if ($null -ne $drive.DiskNumber -or -not $drive.Path) { continue }
        try {
            $Collected['Get-VHD'].Add((Get-VHD -ComputerName $node -Path $drive.Path -ErrorAction Stop))
        } catch {
            $vhdFailures++
        }
    }
    if ($vhdFailures -gt 0) {
        Add-CollectorError -Node $node -Cmdlet 'Get-VHD' -Message ("{0} disk(s) could not be read (in use by another node, or a shared disk); their format and size are unknown" -f $vhdFailures)
    }
}
Write-Progress -Activity 'reportgen Hyper-V collector' -Completed

# -- cluster ------------------------------------------------------------------------------------
if ($Clustered) {
    Add-Rows 'Get-ClusterNode' $ClusterName { Get-ClusterNode -Cluster $ClusterName }
    Add-Rows 'Get-ClusterGroup' $ClusterName { Get-ClusterGroup -Cluster $ClusterName }
    Add-Rows 'Get-ClusterSharedVolume' $ClusterName {
        foreach ($csv in @(Get-ClusterSharedVolume -Cluster $ClusterName)) {
            foreach ($info in @($csv.SharedVolumeInfo)) {
                [pscustomobject][ordered]@{
                    Cluster = $ClusterName; Name = $csv.Name; OwnerNode = $csv.OwnerNode; State = $csv.State
                    FriendlyVolumeName = $info.FriendlyVolumeName; Size = $info.Partition.Size
                    FreeSpace = $info.Partition.FreeSpace; Id = $csv.Id
                }
            }
        }
    }
    Add-Rows 'Get-ClusterOwnerNode' $ClusterName {
        $resources = @(Get-ClusterResource -Cluster $ClusterName | Where-Object { $_.ResourceType.Name -eq 'Virtual Machine' })
        foreach ($resource in $resources) {
            $vmId = $null
            try { $vmId = ($resource | Get-ClusterParameter -Name VmID -ErrorAction Stop).Value } catch { $vmId = $null }
            $possible = @((Get-ClusterOwnerNode -Resource $resource.Name -Cluster $ClusterName).OwnerNodes |
                ForEach-Object { $_.Name })
            $preferred = @((Get-ClusterOwnerNode -Group $resource.OwnerGroup.Name -Cluster $ClusterName).OwnerNodes |
                ForEach-Object { $_.Name })
            [pscustomobject][ordered]@{
                Cluster = $ClusterName; Group = $resource.OwnerGroup.Name; Resource = $resource.Name; VMId = $vmId
                PossibleOwners = ($possible -join '; '); PreferredOwners = ($preferred -join '; ')
            }
        }
    }
}

# -- write --------------------------------------------------------------------------------------
if ($ClusterName) { $label = $ClusterName } else { $label = $env:COMPUTERNAME }
if (-not $OutputPath) {
    $stamp = (Get-Date).ToString('yyyyMMdd-HHmmss', $Invariant)
    $OutputPath = Join-Path (Get-Location).Path ("reportgen-hyperv-{0}-{1}" -f $label, $stamp)
    if (-not $NoZip) { $OutputPath = $OutputPath + '.zip' }
}
if ($NoZip) {
    $Folder = $OutputPath
} else {
    $Folder = Join-Path ([System.IO.Path]::GetTempPath()) ('reportgen-hyperv-' + [guid]::NewGuid().ToString('N'))
}
New-Item -ItemType Directory -Path $Folder -Force | Out-Null
foreach ($object in $Properties.Keys) {
    if (-not $Clustered -and $object -like 'Get-Cluster*') { continue }
    Export-Object -Object $object -Folder $Folder
}
$manifest = [ordered]@{
    collector          = 'reportgen Hyper-V collector'
    collector_version  = $CollectorVersion
    created            = $Started.ToString('o', $Invariant)
    finished           = (Get-Date).ToUniversalTime().ToString('o', $Invariant)
    run_on             = $env:COMPUTERNAME
    powershell         = $PSVersionTable.PSVersion.ToString()
    culture            = (Get-Culture).Name
    clustered          = $Clustered
    cluster            = $ClusterName
    nodes_reached      = @($Reached)
    nodes_not_reached  = @($NotReached)
    files              = $script:Files
    errors             = @($script:Errors)
}
$manifest | ConvertTo-Json -Depth 4 | Out-File -LiteralPath (Join-Path $Folder 'manifest.json') -Encoding UTF8
if ($NoZip) {
    Write-Output ("reportgen collector: wrote {0} ({1} node(s) read, {2} not reached, {3} error(s))" -f $Folder, $Reached.Count, $NotReached.Count, $script:Errors.Count)
} else {
    Compress-Archive -Path (Join-Path $Folder '*') -DestinationPath $OutputPath -Force
    Remove-Item -LiteralPath $Folder -Recurse -Force   # the collector's own temporary folder
    Write-Output ("reportgen collector: wrote {0} ({1} node(s) read, {2} not reached, {3} error(s))" -f $OutputPath, $Reached.Count, $NotReached.Count, $script:Errors.Count)
}

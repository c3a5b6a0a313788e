"""What RVTools writes: tab names, the headers of each tab across versions, and renames.

Headers are matched exactly after stripping and after the alias table below; anything else
in a tab is a custom attribute, a tag or a column someone added by hand. Sources: real
exports 3.x to 4.7.1 and the RVTools 4.8.1 manual (see docs/formats.md).
"""

from __future__ import annotations

import re

# Tabs reportgen reads, in the order RVTools writes them.
TABS: tuple[str, ...] = (
    "vInfo",
    "vDisk",
    "vNetwork",
    "vCD",
    "vUSB",
    "vSnapshot",
    "vSource",
    "vCluster",
    "vHost",
    "vHBA",
    "vNIC",
    "vSwitch",
    "vPort",
    "dvSwitch",
    "dvPort",
    "vDatastore",
    "vMultiPath",
    "vMetaData",
)


def _cols(text: str) -> frozenset[str]:
    return frozenset(c.strip() for c in text.split("|") if c.strip())


_VM_TAIL = (
    "Datacenter | Cluster | Host | Folder | OS according to the configuration file | "
    "OS according to the VMware Tools | VM ID | VM UUID | VI SDK Server type | VI SDK API Version | "
    "VI SDK Server | VI SDK UUID | VMRef"
)

# Headers of RVTools 4.7.1 (plus columns of older releases that keep their meaning).
# samples/rvgen/headers.py holds its own copy of the 4.7.1 lists, on purpose: the sample generator
# writes what RVTools writes and must not import the product it feeds, or a wrong header here would
# be written into the samples and read back as right. tests/test_samples.py checks that every header
# the generator writes in a tab read here is one this table knows.
KNOWN: dict[str, frozenset[str]] = {
    "vInfo": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Config status | DNS Name | Connection state | "
        "Guest state | Heartbeat | Consolidation Needed | PowerOn | Suspended To Memory | Suspend time | "
        "Suspend Interval | Creation date | Change Version | CPUs | Overall Cpu Readiness | Memory | "
        "Active Memory | NICs | Disks | Total disk capacity MiB | Fixed Passthru HotPlug | "
        "min Required EVC Mode Key | Latency Sensitivity | Op Notification Timeout | EnableUUID | CBT | "
        "Primary IP Address | Network #1 | Network #2 | Network #3 | Network #4 | Network #5 | Network #6 | "
        "Network #7 | Network #8 | Num Monitors | Video Ram KiB | Resource pool | Folder ID | Folder | vApp | "
        "DAS protection | FT State | FT Role | FT Latency | FT Bandwidth | FT Sec. Latency | "
        "Vm Failover In Progress | Provisioned MiB | In Use MiB | Unshared MiB | HA Restart Priority | "
        "HA Isolation Response | HA VM Monitoring | Cluster rule(s) | Cluster rule name(s) | Boot Required | "
        "Boot delay | Boot retry delay | Boot retry enabled | Boot BIOS setup | Reboot PowerOff | "
        "EFI Secure boot | Firmware | HW version | HW upgrade status | HW upgrade policy | HW target | Path | "
        "Log directory | Snapshot directory | Suspend directory | Annotation | Customization Info | "
        "Guest Detailed Data | SMBIOS UUID | IP Address | " + _VM_TAIL
    ),
    "vDisk": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Disk | Disk Key | Disk UUID | Disk Path | "
        "Capacity MiB | Raw | Disk Mode | Sharing mode | Thin | Eagerly Scrub | Split | Write Through | "
        "Level | Shares | Reservation | Limit | Controller | Label | SCSI Unit # | Unit # | Shared Bus | "
        "Path | Raw LUN ID | Raw Comp. Mode | Internal Sort Column | Annotation | " + _VM_TAIL
    ),
    "vNetwork": _cols(
        "VM | Powerstate | Template | SRM Placeholder | NIC label | Adapter | Network | Switch | Connected | "
        "Starts Connected | Mac Address | Type | IPv4 Address | IPv6 Address | IP Address | Direct Path IO | "
        "Internal Sort Column | Annotation | " + _VM_TAIL
    ),
    "vCD": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Device Node | Connected | Starts Connected | "
        "Device Type | Annotation | " + _VM_TAIL
    ),
    "vUSB": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Device Node | Device Type | Connected | Family | "
        "Speed | EHCI enabled | Auto connect | Bus number | Unit number | Annotation | " + _VM_TAIL
    ),
    "vSnapshot": _cols(
        "VM | Powerstate | Name | Description | Date / time | Filename | Size MiB (vmsn) | Size MiB (total) | "
        "Quiesced | State | Annotation | " + _VM_TAIL
    ),
    "vSource": _cols(
        "Name | OS type | API type | API version | Version | Patch level | Build | Fullname | Product name | "
        "Product version | Product line | Vendor | VI SDK Server | VI SDK UUID"
    ),
    "vCluster": _cols(
        "Name | Config status | OverallStatus | NumHosts | numEffectiveHosts | TotalCpu | NumCpuCores | "
        "NumCpuThreads | Effective Cpu | TotalMemory | Effective Memory | Num VMotions | HA enabled | "
        "Failover Level | AdmissionControlEnabled | Host monitoring | HB Datastore Candidate Policy | "
        "Isolation Response | Restart Priority | Cluster Settings | Max Failures | Max Failure Window | "
        "Failure Interval | Min Up Time | VM Monitoring | DRS enabled | DRS default VM behavior | "
        "DRS vmotion rate | DPM enabled | DPM default behavior | DPM Host Power Action Rate | Object ID | "
        "VI SDK Server | VI SDK UUID"
    ),
    "vHost": _cols(
        "Host | Datacenter | Cluster | Config status | Compliance Check State | in Maintenance Mode | "
        "in Quarantine Mode | vSAN Fault Domain Name | CPU Model | Speed | HT Available | HT Active | # CPU | "
        "Cores per CPU | # Cores | CPU usage % | # Memory | Memory Tiering Type | Memory usage % | Console | "
        "# NICs | # HBAs | # VMs total | # VMs | VMs per Core | # vCPUs | vCPUs per Core | vRAM | "
        "VM Used memory | VM Memory Swapped | VM Memory Ballooned | VMotion support | "
        "Storage VMotion support | Current EVC | Max EVC | Assigned License(s) | ATS Heartbeat | ATS Locking | "
        "Current CPU power man. policy | Supported CPU power man. | Host Power Policy | ESX Version | "
        "Boot time | DNS Servers | DHCP | Domain | Domain List | DNS Search Order | NTP Server(s) | "
        "NTPD running | Time Zone | Time Zone Name | GMT Offset | Vendor | Model | Serial number | "
        "Service tag | OEM specific string | BIOS Vendor | BIOS Version | BIOS Date | Certificate Issuer | "
        "Certificate Start Date | Certificate Expiry Date | Certificate Status | Certificate Subject | "
        "Object ID | UUID | VI SDK Server | VI SDK UUID"
    ),
    "vHBA": _cols("Host | Datacenter | Cluster | Device | Type | Status | Bus | Pci | Driver | Model | WWN | "
                  "VI SDK Server | VI SDK UUID"),
    "vNIC": _cols(
        "Host | Datacenter | Cluster | Network Device | Driver | Speed | Duplex | MAC | Switch | Uplink port | "
        "PCI | WakeOn | VI SDK Server | VI SDK UUID"
    ),
    "vSwitch": _cols(
        "Host | Datacenter | Cluster | Switch | # Ports | Free Ports | Promiscuous Mode | Mac Changes | "
        "Forged Transmits | Traffic Shaping | Width | Peak | Burst | Policy | Reverse Policy | Notify Switch | "
        "Rolling Order | Offload | TSO | Zero Copy Xmit | MTU | VI SDK Server | VI SDK UUID"
    ),
    "vPort": _cols(
        "Host | Datacenter | Cluster | Port Group | Switch | VLAN | Promiscuous Mode | Mac Changes | "
        "Forged Transmits | Traffic Shaping | Width | Peak | Burst | Policy | Reverse Policy | Notify Switch | "
        "Rolling Order | Offload | TSO | Zero Copy Xmit | VI SDK Server | VI SDK UUID"
    ),
    "dvSwitch": _cols(
        "Switch | Datacenter | Name | Vendor | Version | Description | Created | Host members | Max Ports | "
        "# Ports | # VMs | In Traffic Shaping | In Avg | In Peak | In Burst | Out Traffic Shaping | Out Avg | "
        "Out Peak | Out Burst | CDP Type | CDP Operation | LACP Name | LACP Mode | LACP Load Balance Alg. | "
        "Max MTU | Contact | Admin Name | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "dvPort": _cols(
        "Port | Switch | Type | # Ports | VLAN | Speed | Full Duplex | Blocked | Allow Promiscuous | "
        "Mac Changes | Active Uplink | Standby Uplink | Policy | Forged Transmits | In Traffic Shaping | "
        "In Avg | In Peak | In Burst | Out Traffic Shaping | Out Avg | Out Peak | Out Burst | Reverse Policy | "
        "Notify Switch | Rolling Order | Check Beacon | Live Port Moving | Check Duplex | Check Error % | "
        "Check Speed | Percentage | Block Override | Config Reset | Shaping Override | Vendor Config Override | "
        "Sec. Policy Override | Teaming Override | Vlan Override | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vDatastore": _cols(
        "Name | Config status | Address | Accessible | Type | # VMs total | # VMs | Capacity MiB | "
        "Provisioned MiB | In Use MiB | Free MiB | Free % | SIOC enabled | SIOC Threshold | # Hosts | Hosts | "
        "Cluster name | Cluster capacity MiB | Cluster free space MiB | Block size | Max Blocks | # Extents | "
        "Major Version | Version | VMFS Upgradeable | MHA | URL | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vMultiPath": _cols(
        "Host | Cluster | Datacenter | Datastore | Disk | Display name | Policy | Oper. State | "
        + " | ".join(f"Path {i} | Path {i} state" for i in range(1, 9))
        + " | vStorage | Queue depth | Vendor | Model | Revision | Level | Serial # | UUID | Object ID | "
        "VI SDK Server | VI SDK UUID"
    ),
    "vMetaData": _cols("RVTools major version | RVTools version | xlsx creation datetime | Server"),
}

# Renames across versions, applied after stripping. Keys are old names.
_ALIASES_ALL: dict[str, str] = {
    "vCenter UUID": "VI SDK UUID",
    "OS according to VMware tools": "OS according to the VMware Tools",
    "OS according to the VMware tools": "OS according to the VMware Tools",
    "OS according to VMware Tools": "OS according to the VMware Tools",
    "Raw Com. Mode": "Raw Comp. Mode",
}
# 3.x VM tabs: the OS, hardware version and identity columns had other names.
_ALIASES_VM_TABS: dict[str, str] = {
    "OS": "OS according to the configuration file",
    "VM Version": "HW version",
    "UUID": "VM UUID",
    "Object ID": "VM ID",
}
VM_TABS = frozenset({"vInfo", "vDisk", "vNetwork", "vCD", "vUSB", "vSnapshot"})

_MB = re.compile(r"\bMB\b")

# Headers that appear where a custom attribute is expected but belong to RVTools.
CUSTOM_ANCHOR = {tab: "Annotation" for tab in VM_TABS}


def canonical_header(tab: str, header: str) -> str:
    """The 4.7.1 name of ``header`` in ``tab`` (stripped, renamed, MB -> MiB)."""
    name = " ".join(str(header).split())
    if tab in VM_TABS and name in _ALIASES_VM_TABS:
        return _ALIASES_VM_TABS[name]
    name = _ALIASES_ALL.get(name, name)
    if "MB" in name:
        name = _MB.sub("MiB", name)
    return name


def canonical_tab(sheet: str) -> str | None:
    """The tab a sheet or CSV file holds: 'tabvInfo', 'RVTools_tabvInfo.csv' -> 'vInfo'."""
    stem = sheet.strip()
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    for prefix in ("rvtools_tab", "tab"):  # whatever the case: 'RVTOOLS_TABVINFO.CSV' from a tool that upper-cases
        if stem.lower().startswith(prefix) and len(stem) > len(prefix):
            stem = stem[len(prefix):]
            break
    stem = stem.replace("+", "_")
    lowered = {t.lower(): t for t in (*TABS, "vSC_VMK", "vCPU", "vMemory", "vPartition", "vSnapshot")}
    return lowered.get(stem.lower())

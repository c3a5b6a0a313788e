"""Tab order and exact column headers of an RVTools 4.7.1 "Export all" workbook.

Taken from real 4.7.1.4 exports (see ../shared/research/formats.md §1.2-1.3). Custom attributes are not
part of these lists: RVTools inserts them where ``with_custom`` puts them.

reportgen keeps its own copy of these lists (``reportgen/importers/rvtools_headers.py``, ``KNOWN``), on
purpose: the generator writes what RVTools writes and does not import the product it feeds, so a wrong
header in the product cannot slip into the samples and be read back as right. tests/test_samples.py
checks that every header written here in a tab reportgen reads is one reportgen knows.
"""

from __future__ import annotations

TAB_ORDER: tuple[str, ...] = (
    "vInfo", "vCPU", "vMemory", "vDisk", "vPartition", "vNetwork", "vCD", "vUSB", "vSnapshot", "vTools",
    "vSource", "vRP", "vCluster", "vHost", "vHBA", "vNIC", "vSwitch", "vPort", "dvSwitch", "dvPort",
    "vSC_VMK", "vDatastore", "vMultiPath", "vLicense", "vFileInfo", "vHealth", "vMetaData",
)


def _cols(text: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in text.split("|") if c.strip())


# The tail shared by per-VM tabs (vInfo has its own).
_VM_TAIL = ("Datacenter | Cluster | Host | Folder | OS according to the configuration file | "
            "OS according to the VMware Tools | ")

HEADERS: dict[str, tuple[str, ...]] = {
    "vInfo": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Config status | DNS Name | Connection state | Guest state | "
        "Heartbeat | Consolidation Needed | PowerOn | Suspended To Memory | Suspend time | Suspend Interval | "
        "Creation date | Change Version | CPUs | Overall Cpu Readiness | Memory | Active Memory | NICs | Disks | "
        "Total disk capacity MiB | Fixed Passthru HotPlug | min Required EVC Mode Key | Latency Sensitivity | "
        "Op Notification Timeout | EnableUUID | CBT | Primary IP Address | Network #1 | Network #2 | Network #3 | "
        "Network #4 | Network #5 | Network #6 | Network #7 | Network #8 | Num Monitors | Video Ram KiB | "
        "Resource pool | Folder ID | Folder | vApp | DAS protection | FT State | FT Role | FT Latency | "
        "FT Bandwidth | FT Sec. Latency | Vm Failover In Progress | Provisioned MiB | In Use MiB | Unshared MiB | "
        "HA Restart Priority | HA Isolation Response | HA VM Monitoring | Cluster rule(s) | Cluster rule name(s) | "
        "Boot Required | Boot delay | Boot retry delay | Boot retry enabled | Boot BIOS setup | Reboot PowerOff | "
        "EFI Secure boot | Firmware | HW version | HW upgrade status | HW upgrade policy | HW target | Path | "
        "Log directory | Snapshot directory | Suspend directory | Annotation | Datacenter | Cluster | Host | "
        "OS according to the configuration file | OS according to the VMware Tools | Customization Info | "
        "Guest Detailed Data | VM ID | SMBIOS UUID | VM UUID | VI SDK Server type | VI SDK API Version | "
        "VI SDK Server | VI SDK UUID"
    ),
    "vCPU": _cols(
        "VM | Powerstate | Template | SRM Placeholder | CPUs | Sockets | Cores p/s | Max | Overall | Level | Shares | "
        "Reservation | Entitlement | DRS Entitlement | Limit | Hot Add | Hot Remove | Numa Hotadd Exposed | "
        "Annotation | " + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vMemory": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Size MiB | Memory Reservation Locked To Max | Overhead | Max | "
        "Consumed | Consumed Overhead | Private | Shared | Swapped | Ballooned | Active | Entitlement | "
        "DRS Entitlement | Level | Shares | Reservation | Limit | Hot Add | Annotation | "
        + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vDisk": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Disk | Disk Key | Disk UUID | Disk Path | Capacity MiB | Raw | "
        "Disk Mode | Sharing mode | Thin | Eagerly Scrub | Split | Write Through | Level | Shares | Reservation | "
        "Limit | Controller | Label | SCSI Unit # | Unit # | Shared Bus | Path | Raw LUN ID | Raw Comp. Mode | "
        "Internal Sort Column | Annotation | " + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vPartition": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Disk Key | Disk | Capacity MiB | Consumed MiB | Free MiB | "
        "Free % | Internal Sort Column | Annotation | " + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vNetwork": _cols(
        "VM | Powerstate | Template | SRM Placeholder | NIC label | Adapter | Network | Switch | Connected | "
        "Starts Connected | Mac Address | Type | IPv4 Address | IPv6 Address | Direct Path IO | "
        "Internal Sort Column | Annotation | " + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vCD": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Device Node | Connected | Starts Connected | Device Type | "
        "Annotation | " + _VM_TAIL + "VMRef | VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    # Note the lowercase "tools" in this tab only.
    "vUSB": _cols(
        "VM | Powerstate | Template | SRM Placeholder | Device Node | Device Type | Connected | Family | Speed | "
        "EHCI enabled | Auto connect | Bus number | Unit number | Annotation | Datacenter | Cluster | Host | Folder | "
        "OS according to the configuration file | OS according to the VMware tools | VMRef | VM ID | VM UUID | "
        "VI SDK Server | VI SDK UUID"
    ),
    "vSnapshot": _cols(
        "VM | Powerstate | Name | Description | Date / time | Filename | Size MiB (vmsn) | Size MiB (total) | "
        "Quiesced | State | Annotation | " + _VM_TAIL + "VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vTools": _cols(
        "VM | Powerstate | Template | SRM Placeholder | VM Version | Tools | Tools Version | Required Version | "
        "Upgradeable | Upgrade Policy | Sync time | App status | Heartbeat status | Kernel Crash state | "
        "Operation Ready | State change support | Interactive Guest | Annotation | "
        + _VM_TAIL + "VMRef | VM ID | VM UUID | VI SDK Server | VI SDK UUID"
    ),
    "vSource": _cols(
        "Name | OS type | API type | API version | Version | Patch level | Build | Fullname | Product name | "
        "Product version | Product line | Vendor | VI SDK Server | VI SDK UUID"
    ),
    "vRP": _cols(
        "Resource Pool name | Resource Pool path | Status | # VMs total | # VMs | # vCPUs | CPU limit | "
        "CPU overheadLimit | CPU reservation | CPU level | CPU shares | CPU expandableReservation | CPU maxUsage | "
        "CPU overallUsage | CPU reservationUsed | CPU reservationUsedForVm | CPU unreservedForPool | "
        "CPU unreservedForVm | Mem Configured | Mem limit | Mem overheadLimit | Mem reservation | Mem level | "
        "Mem shares | Mem expandableReservation | Mem maxUsage | Mem overallUsage | Mem reservationUsed | "
        "Mem reservationUsedForVm | Mem unreservedForPool | Mem unreservedForVm | QS overallCpuDemand | "
        "QS overallCpuUsage | QS staticCpuEntitlement | QS distributedCpuEntitlement | QS balloonedMemory | "
        "QS compressedMemory | QS consumedOverheadMemory | QS distributedMemoryEntitlement | QS guestMemoryUsage | "
        "QS hostMemoryUsage | QS overheadMemory | QS privateMemory | QS sharedMemory | QS staticMemoryEntitlement | "
        "QS swappedMemory | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vCluster": _cols(
        "Name | Config status | OverallStatus | NumHosts | numEffectiveHosts | TotalCpu | NumCpuCores | "
        "NumCpuThreads | Effective Cpu | TotalMemory | Effective Memory | Num VMotions | HA enabled | "
        "Failover Level | AdmissionControlEnabled | Host monitoring | HB Datastore Candidate Policy | "
        "Isolation Response | Restart Priority | Cluster Settings | Max Failures | Max Failure Window | "
        "Failure Interval | Min Up Time | VM Monitoring | DRS enabled | DRS default VM behavior | DRS vmotion rate | "
        "DPM enabled | DPM default behavior | DPM Host Power Action Rate | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vHost": _cols(
        "Host | Datacenter | Cluster | Config status | Compliance Check State | in Maintenance Mode | "
        "in Quarantine Mode | vSAN Fault Domain Name | CPU Model | Speed | HT Available | HT Active | # CPU | "
        "Cores per CPU | # Cores | CPU usage % | # Memory | Memory Tiering Type | Memory usage % | Console | # NICs | "
        "# HBAs | # VMs total | # VMs | VMs per Core | # vCPUs | vCPUs per Core | vRAM | VM Used memory | "
        "VM Memory Swapped | VM Memory Ballooned | VMotion support | Storage VMotion support | Current EVC | "
        "Max EVC | Assigned License(s) | ATS Heartbeat | ATS Locking | Current CPU power man. policy | "
        "Supported CPU power man. | Host Power Policy | ESX Version | Boot time | DNS Servers | DHCP | Domain | "
        "Domain List | DNS Search Order | NTP Server(s) | NTPD running | Time Zone | Time Zone Name | GMT Offset | "
        "Vendor | Model | Serial number | Service tag | OEM specific string | BIOS Vendor | BIOS Version | "
        "BIOS Date | Certificate Issuer | Certificate Start Date | Certificate Expiry Date | Certificate Status | "
        "Certificate Subject | Object ID | UUID | VI SDK Server | VI SDK UUID"
    ),
    "vHBA": _cols(
        "Host | Datacenter | Cluster | Device | Type | Status | Bus | Pci | Driver | Model | WWN | VI SDK Server | "
        "VI SDK UUID"
    ),
    "vNIC": _cols(
        "Host | Datacenter | Cluster | Network Device | Driver | Speed | Duplex | MAC | Switch | Uplink port | PCI | "
        "WakeOn | VI SDK Server | VI SDK UUID"
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
        "Switch | Datacenter | Name | Vendor | Version | Description | Created | Host members | Max Ports | # Ports | "
        "# VMs | In Traffic Shaping | In Avg | In Peak | In Burst | Out Traffic Shaping | Out Avg | Out Peak | "
        "Out Burst | CDP Type | CDP Operation | LACP Name | LACP Mode | LACP Load Balance Alg. | Max MTU | Contact | "
        "Admin Name | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "dvPort": _cols(
        "Port | Switch | Type | # Ports | VLAN | Speed | Full Duplex | Blocked | Allow Promiscuous | Mac Changes | "
        "Active Uplink | Standby Uplink | Policy | Forged Transmits | In Traffic Shaping | In Avg | In Peak | "
        "In Burst | Out Traffic Shaping | Out Avg | Out Peak | Out Burst | Reverse Policy | Notify Switch | "
        "Rolling Order | Check Beacon | Live Port Moving | Check Duplex | Check Error % | Check Speed | Percentage | "
        "Block Override | Config Reset | Shaping Override | Vendor Config Override | Sec. Policy Override | "
        "Teaming Override | Vlan Override | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vSC_VMK": _cols(
        "Host | Datacenter | Cluster | Port Group | Device | Mac Address | DHCP | IP Address | IP 6 Address | "
        "Subnet mask | Gateway | IP 6 Gateway | MTU | VI SDK Server | VI SDK UUID"
    ),
    "vDatastore": _cols(
        "Name | Config status | Address | Accessible | Type | # VMs total | # VMs | Capacity MiB | Provisioned MiB | "
        "In Use MiB | Free MiB | Free % | SIOC enabled | SIOC Threshold | # Hosts | Hosts | Cluster name | "
        "Cluster capacity MiB | Cluster free space MiB | Block size | Max Blocks | # Extents | Major Version | "
        "Version | VMFS Upgradeable | MHA | URL | Object ID | VI SDK Server | VI SDK UUID"
    ),
    "vMultiPath": _cols(
        "Host | Cluster | Datacenter | Datastore | Disk | Display name | Policy | Oper. State | "
        + " | ".join(f"Path {i} | Path {i} state" for i in range(1, 9))
        + " | vStorage | Queue depth | Vendor | Model | Revision | Level | Serial # | UUID | Object ID | "
        "VI SDK Server | VI SDK UUID"
    ),
    "vLicense": _cols("Name | Key | Labels | Cost Unit | Total | Used | Expiration Date | Features | VI SDK Server | "
                      "VI SDK UUID"),
    "vFileInfo": _cols("Friendly Path Name | File Name | File Type | File Size in bytes | Path | "
                       "Internal Sort Column | VI SDK Server | VI SDK UUID"),
    "vHealth": _cols("Name | Message | Message type | VI SDK Server | VI SDK UUID"),
    "vMetaData": _cols("RVTools major version | RVTools version | xlsx creation datetime | Server"),
}

# Per-VM tabs: custom attributes go right after "Annotation".
VM_TABS = ("vInfo", "vCPU", "vMemory", "vDisk", "vPartition", "vNetwork", "vCD", "vUSB", "vSnapshot", "vTools")
# Other tabs with custom attributes: they go right after "Object ID".
OBJECT_TABS = ("vHost", "vCluster", "vDatastore", "dvSwitch")


def with_custom(tab: str, attributes: tuple[str, ...]) -> tuple[str, ...]:
    """The header of ``tab`` with custom-attribute columns inserted where RVTools puts them."""
    cols = HEADERS[tab]
    if not attributes:
        return cols
    if tab in VM_TABS:
        at = cols.index("Annotation") + 1
    elif tab in OBJECT_TABS:
        at = cols.index("Object ID") + 1
    else:
        return cols
    return cols[:at] + tuple(attributes) + cols[at:]


# Sanity: the counts documented in formats.md §1.3.
_EXPECTED = {"vInfo": 90, "vDisk": 40, "vNetwork": 27, "vHost": 70, "vCluster": 34, "vDatastore": 30, "vSwitch": 23,
             "vPort": 22, "dvSwitch": 30, "dvPort": 41, "vUSB": 25, "vCD": 20, "vHBA": 13, "vNIC": 14, "vSC_VMK": 15,
             "vMultiPath": 35, "vSource": 14, "vMetaData": 4}
for _tab, _n in _EXPECTED.items():
    assert len(HEADERS[_tab]) == _n, (_tab, len(HEADERS[_tab]))
assert tuple(HEADERS) == TAB_ORDER

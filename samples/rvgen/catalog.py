"""Value pools the generator draws from: guest operating systems, server roles, sites, hardware."""

from __future__ import annotations

# (OS according to the configuration file, OS according to the VMware Tools, family, build, pretty name)
OPERATING_SYSTEMS: tuple[tuple[str, str, str, str, str], ...] = (
    ("Microsoft Windows Server 2016 or later (64-bit)", "Microsoft Windows Server 2016 (64-bit)", "Windows",
     "14393", "Windows Server 2016 Standard, 64-bit (Build 14393)"),
    ("Microsoft Windows Server 2019 (64-bit)", "Microsoft Windows Server 2019 (64-bit)", "Windows",
     "17763", "Windows Server 2019 Standard, 64-bit (Build 17763)"),
    ("Microsoft Windows Server 2022 (64-bit)", "Microsoft Windows Server 2022 (64-bit)", "Windows",
     "20348", "Windows Server 2022 Standard, 64-bit (Build 20348)"),
    ("Red Hat Enterprise Linux 8 (64-bit)", "Red Hat Enterprise Linux 8 (64-bit)", "Linux",
     "4.18.0", "Red Hat Enterprise Linux 8.10 (Ootpa)"),
    ("Red Hat Enterprise Linux 9 (64-bit)", "Red Hat Enterprise Linux 9 (64-bit)", "Linux",
     "5.14.0", "Red Hat Enterprise Linux 9.4 (Plow)"),
    ("Ubuntu Linux (64-bit)", "Ubuntu Linux (64-bit)", "Linux", "5.15.0", "Ubuntu 22.04.4 LTS"),
    ("SUSE Linux Enterprise 15 (64-bit)", "SUSE Linux Enterprise 15 (64-bit)", "Linux", "5.14.21",
     "SUSE Linux Enterprise Server 15 SP5"),
    ("Other 4.x or later Linux (64-bit)", "Other 4.x or later Linux (64-bit)", "Linux", "5.10.0", "Photon OS 4.0"),
)
# Weights of the systems above for ordinary guests.
OS_WEIGHTS = (10, 25, 25, 12, 10, 8, 5, 5)
OS_WIN2019, OS_WIN2022 = 1, 2
ORACLE_LINUX = ("Oracle Linux 8 (64-bit)", "Oracle Linux 8 (64-bit)", "Linux", "5.15.0",
                "Oracle Linux Server 8.9")

# Server roles that make guest names, with the owning team (custom attribute "Owner").
ROLES: tuple[tuple[str, str], ...] = (
    ("app", "team-apps"), ("web", "team-web"), ("db", "team-dba"), ("file", "team-infra"), ("print", "team-infra"),
    ("dc", "team-identity"), ("mq", "team-apps"), ("etl", "team-data"), ("rpt", "team-data"), ("jump", "team-infra"),
    ("mon", "team-ops"), ("bkp", "team-backup"), ("ci", "team-devops"), ("k8s", "team-platform"),
    ("erp", "team-erp"), ("crm", "team-crm"), ("mail", "team-messaging"), ("proxy", "team-network"),
)
ROLE_WEIGHTS = (20, 14, 8, 5, 2, 2, 4, 4, 3, 2, 3, 2, 4, 8, 6, 5, 3, 3)

# Site codes: one per vCenter (cycled when there are more vCenters than codes).
SITES = ("fra", "ams", "lon", "par", "mad", "mil", "zrh", "vie", "waw", "prg", "sto", "osl", "hel", "dub", "lis",
         "bru", "cph", "muc", "ber", "ham")

# Distributed port groups per datacenter: (name suffix, VLAN).
DV_PORTGROUPS = (("APP", 110), ("WEB", 120), ("DB", 130), ("INFRA", 140), ("MGMT", 200), ("BACKUP", 300),
                 ("DEV", 410), ("CLUSTER-HB", 250), ("RAC-IC", 260))
# Port groups ordinary guests use, with weights.
GUEST_PORTGROUPS = (("APP", 30), ("WEB", 20), ("DB", 12), ("INFRA", 14), ("MGMT", 4), ("DEV", 10))
BACKUP_PG = "BACKUP"

# Names of port groups on standard vSwitches that have no physical uplink.
ISOLATED_PORTGROUPS = ("Isolated", "Lab-Internal", "Private-Net", "Test-NoUplink")

# (vendor, model, CPU model, speed MHz, sockets, cores per socket, memory MiB, max EVC)
HOST_MODELS = (
    ("Dell Inc.", "PowerEdge R650", "Intel(R) Xeon(R) Gold 6338 CPU @ 2.00GHz", 1995, 2, 32, 1048196,
     "intel-icelake"),
    ("Dell Inc.", "PowerEdge R750", "Intel(R) Xeon(R) Gold 6346 CPU @ 3.10GHz", 3093, 2, 16, 786108,
     "intel-icelake"),
    ("HPE", "ProLiant DL380 Gen10 Plus", "Intel(R) Xeon(R) Gold 6342 CPU @ 2.80GHz", 2793, 2, 24, 1048260,
     "intel-icelake"),
    ("Lenovo", "ThinkSystem SR650 V3", "Intel(R) Xeon(R) Gold 6442Y", 2600, 2, 24, 1048048,
     "intel-sapphirerapids"),
)

ESXI = (("VMware ESXi 8.0.3 build-24674464", "8.0.3"), ("VMware ESXi 7.0.3 build-24723872", "7.0.3"))
VCENTER = {
    "8.0.3": ("VMware vCenter Server 8.0.3 build-24674346", "8.0.3.0", "00500", "24674346"),
    "7.0.3": ("VMware vCenter Server 7.0.3 build-24322831", "7.0.3.0", "02100", "24322831"),
}

ISO_IMAGES = ("ISO/SW_DVD9_Win_Server_STD_CORE_2022_64Bit_English.ISO", "ISO/rhel-9.4-x86_64-dvd.iso",
              "ISO/VMware-tools-windows-12.4.0.iso", "ISO/ubuntu-22.04.4-live-server-amd64.iso")
HOST_CDROM = "ATAPI /vmfs/devices/cdrom/mpx.vmhba0:C0:T5:L0"
USB_DEVICES = (("SafeNet Sentinel HL Key", "other", "full"), ("Wibu CodeMeter-Stick", "other", "full"),
               ("Digi AnywhereUSB Modem", "comm", "high"))

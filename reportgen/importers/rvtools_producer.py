"""Who wrote an RVTools-shaped export, and for which platform.

RVTools writes vMetaData (``RVTools version`` such as ``4.7.1.4``) and vSource (a vCenter or an
ESXi host: ``API type`` ``VirtualCenter`` / ``HostAgent``). Other exporters imitate the layout,
some for Hyper-V: their vMetaData and vSource name them and the platform (formats.md §3.3).
An export with neither tab (RVTools before 4.3.1, a CSV folder, a trimmed workbook) is taken
for RVTools and vSphere, as the layout says.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import polars as pl

from ..estate import IssueLevel, TabStatus

__all__ = ["Producer", "describe", "hyperv_objects", "recognise"]

_VERSION = re.compile(r"^\d+(\.\d+){1,3}$")
_HYPERV = re.compile(r"(?i)hyper-?v|microsoft|windows server|\bscvmm\b")
_VSPHERE = re.compile(r"(?i)vmware|vcenter|vsphere|\besxi?\b|virtualcenter|hostagent")


@dataclass(frozen=True)
class Producer:
    """The tool that wrote an export, its version and the platform it describes."""

    tool: str
    version: str | None
    platform: str
    """``vsphere`` or ``hyperv``; ``vsphere`` when an unrecognised producer does not say."""
    recognised: bool = True
    """False for another exporter that names no platform reportgen knows: its values are not trusted."""

    @property
    def rvtools(self) -> bool:
        return self.tool == "RVTools"


def _first_row(frame: pl.DataFrame | None) -> dict[str, str]:
    if frame is None or frame.is_empty():
        return {}
    return {k: str(v).strip() for k, v in frame.row(0, named=True).items() if v is not None and k != "__row"}


def recognise(meta: pl.DataFrame | None, source: pl.DataFrame | None) -> Producer:
    """The producer of an export from its vMetaData and vSource tabs (either may be absent)."""
    m, s = _first_row(meta), _first_row(source)
    major, version = m.get("RVTools major version", ""), m.get("RVTools version") or None
    said = " ".join(s.get(k, "") for k in ("Name", "OS type", "API type", "Fullname", "Product name", "Product line",
                                           "Vendor"))
    platform = "hyperv" if _HYPERV.search(said) or _HYPERV.search(major) else \
        "vsphere" if _VSPHERE.search(said) else None
    rvtools_meta = not m or (version is not None and bool(_VERSION.match(version))
                             and (not major or bool(re.match(r"^\d", major))))
    if rvtools_meta and platform != "hyperv":
        return Producer("RVTools", version, "vsphere")
    name = (major if major and not re.match(r"^\d", major) else "") or s.get("Name") or m.get("Server") or \
        "an unknown exporter"
    if platform is None:
        return Producer(name, version, "vsphere", recognised=False)
    return Producer(name, version, platform)


# The Hyper-V objects the Hyper-V checks read, and the RVTools columns that hold their properties
# in an RVTools-shaped Hyper-V export (the first present column counts).
_HYPERV_OBJECTS: dict[str, tuple[str, dict[str, tuple[str, ...]]]] = {
    "Get-VM": ("vInfo", {"Name": ("VM",), "VMId": ("VM ID",), "State": ("Powerstate",), "ComputerName": ("Host",),
                         "ConfigurationLocation": ("Path",), "Version": ("HW version",)}),
    "Get-VMHardDiskDrive": ("vDisk", {"VMName": ("VM",), "VMId": ("VM ID",), "Path": ("Path", "Disk Path"),
                                      "ControllerType": ("Controller",)}),
    "Get-VMNetworkAdapter": ("vNetwork", {"VMName": ("VM",), "VMId": ("VM ID",), "SwitchName": ("Switch",)}),
}


def hyperv_objects(source_id: int, headers: Mapping[str, frozenset[str]]) -> list[TabStatus]:
    """What an RVTools-shaped Hyper-V export (tab -> headers) holds of the objects the Hyper-V checks read.

    The checks name Hyper-V objects and properties; the rows are the tabs' own (counted there).
    """
    found = []
    for name, (tab, columns) in _HYPERV_OBJECTS.items():
        if tab in headers:
            held = frozenset(p for p, cols in columns.items() if any(c in headers[tab] for c in cols))
            found.append(TabStatus(source_id, name, True, columns=held))
    return found


def describe(producer: Producer, tabs: Iterable[str]) -> tuple[IssueLevel, str] | None:
    """What the data-quality section says about the producer (nothing for RVTools)."""
    if producer.rvtools:
        return None
    tool = " ".join(p for p in (producer.tool, producer.version) if p)
    if not producer.recognised:
        return ("warning", f"written by {tool}, not by RVTools, for a platform reportgen cannot tell (vSource and "
                           "vMetaData name none it knows): no check is assessed on this export, because its values "
                           "may not mean what RVTools' do")
    if producer.platform == "hyperv":
        read = ", ".join(f"{tab} as {name}" for name, (tab, _) in _HYPERV_OBJECTS.items() if tab in tabs)
        return ("info", f"written by {tool}, not by RVTools, for Hyper-V (vSource / vMetaData): Hyper-V checks "
                        f"apply; {read or 'no tab'} read in RVTools' layout; checks that need other Hyper-V objects "
                        "are not assessed")
    return ("info", f"written by {tool}, not by RVTools, for vSphere (vSource / vMetaData): read in RVTools' layout")

"""VMW-02: what vMotion of WSFC nodes sharing physical-mode RDMs needs, checked where the export shows it.

rules.md VMW-02: from ESXi 6.0, vMotion of the nodes is supported only if every prerequisite holds: VM
hardware 11 or later, a guest OS of Windows Server 2008 SP2 or later on 6.x and Windows Server 2012 or later on
7.x / 8.x, a 10 Gbit/s vMotion network and relaxed WSFC heartbeat thresholds. The export shows the ESXi version,
the VM hardware and the guest OS; it never shows the vMotion network or the heartbeat settings. One list,
:func:`prerequisites`, says which hold, which do not and which cannot be seen; the guest-cluster page and the
remedy table both print it (:func:`prerequisites_text`), and the VMW-02 gate (:func:`gate`) reads the same
facts.

ESXi before 6.0 has no supported release left to stay on: the plan upgrades such hosts to a supported one
(7.0 or later), so their guests are held to the 7.x / 8.x guest OS.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from .versions import ESXI_CLUSTERED_VMDK, ESXI_WSFC_VMOTION, HW_WSFC_VMOTION

OsVerdict = Literal["ok", "old", "unknown", "other"]
"""'ok': a Windows Server release supported for the target ESXi; 'old': one that is not; 'unknown': the export
shows no OS, or no release in it; 'other': not Windows (the WSFC support list does not cover it)."""

NETWORK = "10 GbE vMotion network"
HEARTBEAT = "WSFC heartbeat thresholds (SameSubnetThreshold 10+, CrossSubnetThreshold 20+, RouteHistoryLength 40+)"
NOT_VISIBLE = (NETWORK, HEARTBEAT)
"""Prerequisites no export shows."""
NOT_VISIBLE_SHORT = (NETWORK, "WSFC heartbeat thresholds")


def windows_floor(esxi: int | None) -> int:
    """The oldest Windows Server release supported for vMotion of clustered guests on the ESXi the guest will run:
    2008 (SP2) on 6.x, 2012 on 7.x / 8.x; a host below 6.0 (or of unknown version) is upgraded to 7.0 or later."""
    return 2008 if esxi is not None and ESXI_WSFC_VMOTION <= esxi < ESXI_CLUSTERED_VMDK else 2012


def os_verdict(os: str | None, esxi: int | None) -> OsVerdict:
    """Whether the guest OS the export shows is supported for vMotion of clustered guests on ``esxi``."""
    text = (os or "").strip().lower()
    if not text:
        return "unknown"
    if "windows" not in text:
        return "other"
    if re.search(r"\bnt\b", text):
        return "old"
    year = re.search(r"\b(?:19|20)\d\d\b", text)
    if year is None:
        return "unknown"
    return "ok" if int(year.group()) >= windows_floor(esxi) else "old"


OS_NEEDS = "Windows Server 2008 SP2+ (ESXi 6.x) or 2012+ (ESXi 7.0+)"


@dataclass(frozen=True)
class Gate:
    """The VMW-02 gate of one guest: whether vMotion is allowed by what the export shows, and why, in words."""

    ok: bool
    unknown: bool
    text: str


def gate(esxi: int | None, esxi_text: str | None, hw: int | None, os: str | None) -> Gate:
    """The VMW-02 gate for one guest: ESXi 6.0+, VM hardware 11+ and a supported Windows Server release. A fact the
    export does not show is unknown (blocking), never met."""
    verdict = os_verdict(os, esxi)
    missing = [what for what, gone in (("ESXi version", esxi is None), ("VM hardware version", hw is None),
                                       ("guest OS", verdict == "unknown")) if gone]
    unmet = (esxi is not None and esxi < ESXI_WSFC_VMOTION or hw is not None and hw < HW_WSFC_VMOTION
             or verdict == "old")
    needs = f"ESXi 6.0, hardware {HW_WSFC_VMOTION} and {OS_NEEDS}"
    seen = f"ESXi {esxi_text or '?'} / hardware {'?' if hw is None else hw}"
    parts = [f"{seen}: vMotion of clustered guests needs {needs}"] if unmet else []
    if verdict == "other":
        parts.append(f"guest OS {os} is not Windows: VMware supports vMotion of clustered guests for Windows Server "
                     "failover clusters (verify with the OS vendor)")
    if missing:
        parts.append(" and ".join(missing) + " not shown in the export, treated as blocking")
    if parts:
        return Gate(False, bool(missing) or verdict == "other", "; ".join(parts))
    return Gate(True, False, f"ESXi 6.0+, hardware {HW_WSFC_VMOTION}+ and a supported guest OS ({os}): vMotion "
                f"possible on conditions the export cannot show ({NETWORK}, WSFC heartbeat thresholds)")


Status = Literal["met", "unmet", "unknown"]


@dataclass(frozen=True)
class Prerequisite:
    """One prerequisite of vMotion for the nodes, and what the export shows of it."""

    name: str
    status: Status
    seen: str
    """The values seen ('8 on sql01 and sql02'); empty when nothing was seen."""


@dataclass(frozen=True)
class NodeFacts:
    """What a prerequisite needs of one node."""

    name: str
    esxi: int | None
    esxi_text: str | None
    hw: int | None
    os: str | None


def _names(values: list[str]) -> str:
    items = sorted(dict.fromkeys(v for v in values if v))
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else "".join(items)


def _status(flags: list[bool | None]) -> Status:
    if any(f is False for f in flags):
        return "unmet"
    return "unknown" if any(f is None for f in flags) else "met"


def _release(os: str | None) -> str:
    """'Windows Server 2008 R2' out of 'Microsoft Windows Server 2008 R2 (64-bit)'; the text itself otherwise."""
    found = re.search(r"Windows Server \d{4}(?: R2)?", os or "")
    return found.group() if found else os or ""


def is_windows(nodes: tuple[NodeFacts, ...]) -> bool:
    """Whether no node runs an OS other than Windows (an OS the export does not show counts as Windows: its gate is
    unknown, never met, see :func:`os_verdict`)."""
    return all(os_verdict(n.os, n.esxi) != "other" for n in nodes)


def prerequisites(nodes: tuple[NodeFacts, ...]) -> tuple[Prerequisite, ...]:
    """The VMW-02 prerequisites for these nodes: ESXi, VM hardware and guest OS as the export shows them."""
    esxi = [None if n.esxi is None else n.esxi >= ESXI_WSFC_VMOTION for n in nodes]
    hw = [None if n.hw is None else n.hw >= HW_WSFC_VMOTION for n in nodes]
    verdicts = [os_verdict(n.os, n.esxi) for n in nodes]
    os = [True if v == "ok" else None if v == "unknown" else False for v in verdicts]
    floor = max((windows_floor(n.esxi) for n in nodes), default=2012)
    return (
        Prerequisite("ESXi 6.0+", _status(esxi),
                     _names([n.esxi_text or "" for n in nodes])),
        Prerequisite(f"VM hardware {HW_WSFC_VMOTION}+", _status(hw),
                     _names([str(n.hw) for n in nodes if n.hw is not None])),
        Prerequisite(f"Windows Server {floor}+" + (" (2012+ from ESXi 7.0)" if floor == 2008 else ""),
                     _status(os), _names([_release(n.os) for n in nodes])),
    )


def prerequisites_short(nodes: tuple[NodeFacts, ...]) -> str:
    """The prerequisites of :func:`prerequisites` not met or not shown by this export, without the values seen
    (a row of the remedy table); empty when the export shows them all met. What no export shows is said once,
    under the table (:data:`NOT_VISIBLE_SHORT`); the guest-cluster page gives the whole list with the values."""
    found = prerequisites(nodes)
    unmet = ", ".join(p.name for p in found if p.status == "unmet")
    unknown = ", ".join(p.name for p in found if p.status == "unknown")
    parts = ([f"vMotion needs {unmet} (not met)"] if unmet else []) + (
        [f"not in this export, verify: {unknown}"] if unknown else [])
    return "; ".join(parts) + "." if parts else ""


def prerequisites_text(nodes: tuple[NodeFacts, ...], unmet_elsewhere: bool = False) -> str:
    """The prerequisites in one sentence: those seen met or not (with the values), those the export does not show
    and those it never shows, marked 'not visible in the export, verify'. ``unmet_elsewhere``: the unmet ones are
    steps of their own (the guest-cluster page), so they are left out here."""
    said = {"met": "met", "unmet": "not met"}
    found = prerequisites(nodes)
    shown = [f"{p.name} ({said[p.status]}: {p.seen})" for p in found
             if p.status == "met" or p.status == "unmet" and not unmet_elsewhere]
    hidden = ", ".join([*(p.name for p in found if p.status == "unknown"), *NOT_VISIBLE])
    if not shown:
        return f"Then verify what vMotion needs and the export does not show: {hidden}."
    return f"vMotion of the nodes needs: {', '.join(shown)}; not visible in the export, verify: {hidden}."

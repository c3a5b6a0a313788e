"""The shared-disk order of a guest cluster as its page shows it: owners, boot disks, power-off and move order."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..analysis import GuestClusterResult
    from ..disk_order import DiskOrder, NodeStep
    from .model import ClusterPage

UNKNOWN_OWNER = {
    "no-path": "with no file path in the export",
    "no-member": "in a folder of no node",
    "several-members": "in a folder several nodes share",
    "several-files": "one LUN mapped through each node's own file",
}
"""Why a shared disk's owner is unknown, as the page says it."""


@dataclass(frozen=True)
class DiskPlan:
    files: int
    owners: tuple[tuple[str, int], ...]
    """(node, shared disk files in its folder), most first."""
    unknown: tuple[tuple[str, int], ...]
    """(why the owner is unknown, files)."""
    boot: int
    """Shared disks that boot a node (SCSI 0:0, IDE 0:0 …)."""
    boot_unknown: int
    """Shared disks of which the export cannot tell whether they boot a node."""
    cannot_move: tuple[str, ...]
    """Nodes that boot from a shared disk: rebuilt, not moved."""
    places: dict[str, str]
    """Per node key, its place in the order in words, for a running node: 'shut down last, move first
    disks (disk holder)'; 'shut down first; rebuild: boots from a shared disk' when it boots from one)."""

    @property
    def complete(self) -> bool:
        return not self.unknown

    @property
    def worth_a_note(self) -> bool:
        """More than the table's order column says: an unknown owner, several owners, a (maybe) boot disk."""
        return not self.complete or len(self.owners) != 1 or bool(self.boot or self.boot_unknown)


def disk_plan(order: DiskOrder | None) -> DiskPlan | None:
    """What the guest-cluster page says about its shared disks; None without shared disks."""
    if order is None or not order.disks:
        return None
    unknown = Counter(UNKNOWN_OWNER.get(d.owner_basis, d.owner_basis) for d in order.disks if d.owner_key is None)
    return DiskPlan(
        files=len(order.disks),
        owners=tuple((s.name, s.owns) for s in order.owners),
        unknown=tuple(unknown.items()),
        boot=sum(1 for d in order.disks if d.boot is True),
        boot_unknown=sum(1 for d in order.disks if d.boot is None),
        cannot_move=tuple(s.name for s in order.steps if s.can_move is False),
        places={s.key: _place(s, len(order.steps)) for s in order.steps},
    )


def with_disk_plan(page: ClusterPage, c: GuestClusterResult, order: DiskOrder | None) -> ClusterPage:
    """The guest-cluster page with its shared-disk order, each shown member with its place in it."""
    plan = disk_plan(order)
    if plan is None:
        return page
    steps = {s.key: s for s in order.steps} if order else {}
    n = len(steps)
    members = tuple(replace(m, order=_place(steps[g.key], n, m.power_state) if g.key in steps else None)
                    for m, g in zip(page.members, c.guests))
    return replace(page, disks=plan, members=members)


def _place(step: NodeStep, nodes: int, power_state: str | None = "poweredOn") -> str:
    """A node's place in the shared-disk order, in words: 'shut down last, move first (disk holder)'. The holder
    of the disks goes off last and moves first; a node that boots from a shared disk is rebuilt, not moved; a node
    that is off is only moved ('off; move first')."""
    off = "" if power_state == "poweredOff" else f"shut down {_when(step.power_off, nodes)}"
    if step.can_move is False:
        return f"{off or 'off'}; rebuild: boots from a shared disk"
    owns = " (disk holder)" if step.owns else ""
    return f"{off or 'off'}{', ' if off else '; '}move {_when(step.move, nodes)}{owns}"


def _when(n: int, nodes: int) -> str:
    return "first" if n == 1 else "last" if n == nodes else _nth(n)


def _nth(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"

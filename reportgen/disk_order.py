"""Shared-disk order: which node of a guest cluster owns each shared disk file, and in which order the nodes go.

A shared disk file lives in the folder of one node (vSphere puts the second node's pointer into the first
node's folder: ``[ds] nodeA/nodeA_1.vmdk``). Migration tools move a shared disk with one guest and attach it to
the others afterwards (kubev2v/forklift #1382), and a shared boot disk cannot be moved at all. So the owner is
powered off last and moved first, and a node that boots from a shared disk must be rebuilt, not moved.

The owner is the member whose own folder (the folder of its configuration file, shared with no other member)
holds the file, else the member the file's folder is named after; otherwise it is unknown, with the reason.
A disk is a boot disk when it sits at unit 0 of controller 0 (SCSI 0:0, IDE 0:0, SATA 0:0) of a node and is
that node's only disk there; it is not one when the node's only such disk is another; otherwise unknown.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import polars as pl

from .estate import Estate

if TYPE_CHECKING:
    from .analysis import GuestClusterResult

OWNER_BASES = ("config-folder", "named-folder", "no-path", "no-member", "several-members", "several-files")
"""How a disk's owner was told (the first two), or why it cannot be."""

_CONFIG_FILE = re.compile(r"\.(vmx|vmtx|vmcx|vmc|xml)$")
_NUMBER = re.compile(r"(\d+)\s*$")
_DISK_COLUMNS = ("guest_key", "controller", "controller_type", "unit", "path", "datastore", "lun_id")


@dataclass(frozen=True)
class SharedDisk:
    """One disk file (or LUN) that two or more nodes of a guest cluster attach."""

    disk: str
    """The file as exported, else 'LUN <id>'."""
    datastore: str | None
    owner_key: str | None
    """The node whose folder holds the file; None when the export cannot tell."""
    owner_name: str | None
    owner_basis: str
    """One of :data:`OWNER_BASES`."""
    boot: bool | None
    """A boot disk of a node that attaches it; None when the export cannot tell."""
    controller: str | None
    """Where the first node attaches it ('SCSI controller 1') and at which unit."""
    unit: int | None
    guests: tuple[str, ...]
    """Keys of the nodes that attach it."""


@dataclass(frozen=True)
class NodeStep:
    """A node's place in the order: moved ``move``-th, powered off ``power_off``-th (both from 1)."""

    key: str
    name: str
    owns: int
    """Shared disks whose file is in its folder."""
    move: int
    power_off: int
    can_move: bool | None
    """False when it attaches a shared boot disk (rebuild it instead), None when one it attaches may be one."""


@dataclass(frozen=True)
class DiskOrder:
    """The shared disks of one guest cluster and its nodes in move order (owners first)."""

    cluster: str
    disks: tuple[SharedDisk, ...]
    steps: tuple[NodeStep, ...]

    @property
    def complete(self) -> bool:
        """Every shared disk's owner is known, so the order is whole."""
        return all(d.owner_key is not None for d in self.disks)

    @property
    def owners(self) -> tuple[NodeStep, ...]:
        return tuple(s for s in self.steps if s.owns)


def order_disks(estate: Estate, clusters: Sequence[GuestClusterResult]) -> dict[str, DiskOrder]:
    """The disk order of every guest cluster with shared disks, by cluster id."""
    member_of = {g.key: c.id for c in clusters for g in c.guests}
    if not member_of:
        return {}
    keys = pl.Series(list(member_of), dtype=pl.String)
    disks = _frame(estate.table("disks"), _DISK_COLUMNS).filter(pl.col("guest_key").is_in(keys.implode()))
    guests = _frame(estate.guests, ("guest_key", "name", "config_path")).filter(pl.col("guest_key").is_in(keys.implode()))
    folders = {k: _config_folder(p) for k, p in zip(guests["guest_key"].to_list(), guests["config_path"].to_list())}
    rows: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in disks.iter_rows(named=True):
        rows[member_of[row["guest_key"]]].append(row)
    orders = {}
    for c in clusters:
        if c.id in rows:
            order = _order(c, rows[c.id], folders)
            if order.disks:
                orders[c.id] = order
    return orders


def _frame(table: Any, columns: Iterable[str]) -> pl.DataFrame:
    frame = pl.from_arrow(table.select(list(columns)))
    assert isinstance(frame, pl.DataFrame)
    return frame


def _order(c: GuestClusterResult, rows: list[dict[str, Any]], folders: dict[str, tuple[str, ...] | None]) -> DiskOrder:
    names = {g.key: g.name for g in c.guests}
    boots = _boot_flags(rows)
    homes = _Homes.of(names, folders)
    disks = tuple(_shared_disk(group, [boots[id(r)] for r in group], names, homes) for group in _groups(rows))
    owned: dict[str, int] = defaultdict(int)
    for d in disks:
        if d.owner_key is not None:
            owned[d.owner_key] += 1
    ranked = sorted(c.guests, key=lambda g: (-owned.get(g.key, 0), g.name.casefold(), g.key))
    n = len(ranked)
    steps = tuple(NodeStep(g.key, g.name, owned.get(g.key, 0), i + 1, n - i, _can_move(g.key, disks))
                  for i, g in enumerate(ranked))
    return DiskOrder(c.id, disks, steps)


def _can_move(key: str, disks: Sequence[SharedDisk]) -> bool | None:
    attached = [d.boot for d in disks if key in d.guests]
    if any(b is True for b in attached):
        return False
    return None if any(b is None for b in attached) else True


# -- which disks are shared ---------------------------------------------------------------------------------

def _path_key(path: str | None) -> str | None:
    return None if not path else re.sub(r"\s+", " ", path.strip().replace("\\", "/")).casefold()


def _groups(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Rows that are one disk (same file, or same LUN), attached by two or more nodes; in row order."""
    parent = list(range(len(rows)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[tuple[str, str], int] = {}
    for i, row in enumerate(rows):
        for kind, value in (("path", _path_key(row["path"])), ("lun", row["lun_id"] or None)):
            if value is None:
                continue
            j = first.setdefault((kind, value), i)
            parent[find(i)] = find(j)
    groups: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for i, row in enumerate(rows):
        if _path_key(row["path"]) or row["lun_id"]:
            groups[find(i)].append(row)
    return [g for g in groups.values() if len({r["guest_key"] for r in g}) >= 2]


def _shared_disk(group: list[dict[str, Any]], boots: list[bool | None], names: dict[str, str],
                 homes: _Homes) -> SharedDisk:
    paths = list(dict.fromkeys(r["path"] for r in group if r["path"]))
    attached = tuple(dict.fromkeys(r["guest_key"] for r in group))
    if len({_path_key(p) for p in paths}) > 1:
        owner, basis = None, "several-files"
    elif not paths:
        owner, basis = None, "no-path"
    else:
        owner, basis = _owner(paths[0], names, homes)
    lun = next((r["lun_id"] for r in group if r["lun_id"]), None)
    boot = True if True in boots else (False if all(b is False for b in boots) else None)
    first = group[0]
    return SharedDisk(
        disk=paths[0] if len(paths) == 1 else f"LUN {lun}", datastore=first["datastore"],
        owner_key=owner, owner_name=names.get(owner) if owner else None, owner_basis=basis, boot=boot,
        controller=first["controller"], unit=first["unit"], guests=attached,
    )


# -- who owns a file ----------------------------------------------------------------------------------------

def _parts(path: str) -> tuple[str, ...]:
    """A path as case-folded parts: '[ds] a/b.vmdk' -> ('[ds]', 'a', 'b.vmdk'); 'C:\\x\\y' -> ('c:', 'x', 'y')."""
    text = path.strip().replace("\\", "/").casefold()
    root: tuple[str, ...] = ()
    if text.startswith("["):
        end = text.find("]")
        if end > 0:
            root, text = (text[: end + 1],), text[end + 1:]
    elif text.startswith("//"):
        root = ("//",)
    return root + tuple(p.strip() for p in text.split("/") if p.strip())


def _config_folder(path: str | None) -> tuple[str, ...] | None:
    """The folder of a guest's configuration: the file's folder, or the location itself (Hyper-V)."""
    if not path:
        return None
    parts = _parts(path)
    return parts[:-1] if parts and _CONFIG_FILE.search(parts[-1]) else parts


@dataclass(frozen=True)
class _Homes:
    """The members' configuration folders: each member's own, and those several members share."""

    own: dict[str, tuple[str, ...]]
    shared: tuple[tuple[str, ...], ...]

    @staticmethod
    def of(names: dict[str, str], folders: dict[str, tuple[str, ...] | None]) -> _Homes:
        known = {k: f for k, f in folders.items() if k in names and f}
        # A folder is a member's own when no other member's folder is it or lies inside it.
        own = {k: f for k, f in known.items() if not any(o != k and g[: len(f)] == f for o, g in known.items())}
        return _Homes(own, tuple(f for k, f in known.items() if k not in own))


def _owner(path: str, names: dict[str, str], homes: _Homes) -> tuple[str | None, str]:
    """The member whose own folder holds ``path``, else the one its folder is named after; else why not."""
    folder = _parts(path)[:-1]
    holding = [(len(f), k) for k, f in homes.own.items() if folder[: len(f)] == f]
    if holding:
        return max(holding)[1], "config-folder"
    for part in reversed(folder[1:] if folder and _is_root(folder[0]) else folder):
        named = [k for k, n in names.items() if n.casefold() == part]
        if len(named) == 1:
            return named[0], "named-folder"
        if named:
            return None, "several-members"
    return None, "several-members" if any(folder[: len(f)] == f for f in homes.shared) else "no-member"


def _is_root(part: str) -> bool:
    return part.startswith("[") or part == "//" or part.endswith(":")


# -- which disk boots a node --------------------------------------------------------------------------------

def _position(row: dict[str, Any]) -> tuple[int, int] | None:
    """(controller number, unit), or None when the export does not say."""
    label = row["controller"] or ""
    number = _NUMBER.search(label)
    if number is None or row["unit"] is None:
        return None
    return int(number.group(1)), int(row["unit"])


def _boot_flags(rows: list[dict[str, Any]]) -> dict[int, bool | None]:
    """Per row (by id): whether the disk is its guest's boot disk (the guest's only disk at 0:0)."""
    by_guest: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        by_guest[row["guest_key"]].append(row)
    flags: dict[int, bool | None] = {}
    for disks in by_guest.values():
        positions = [_position(r) for r in disks]
        first = sum(1 for p in positions if p == (0, 0))
        told = first == 1 and None not in positions  # one disk at 0:0, and every disk's place known
        for row, position in zip(disks, positions):
            flags[id(row)] = (position == (0, 0)) if told else None
    return flags

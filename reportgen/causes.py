"""Causes: what a fix removes, as records; the core knows each one by its integer id.

A cause is a guest cluster (fixing it unties every member), one tied guest outside any guest
cluster together with the rule that ties it, or a thing a rule named (a datastore, a port
group, a host device...). Rules name theirs as a :class:`RuleCause` on their edges and
findings; :func:`named_cause` gives it a label.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RuleCause:
    """The thing a rule names as what ties a guest: its kind and identity, and its parts as a reader names them.

    Two causes are the same cause when kind and identity agree; ``name`` and ``where`` only label it.
    """

    kind: str
    """'datastore', 'portgroup', 'network', 'dvportgroup', 'switch', 'san', 'cpu', 'guardian', 'usb', 'cd', 'sriov';
    'cluster' (a vSphere cluster whose settings are to fix: DRS, HA, EVC)."""
    identity: str
    """What it is, e.g. a datastore key ('<scope>/<name>') or '<host>/<switch>'; a key, never read back."""
    name: str = field(default="", compare=False)
    """Its own name (the datastore, port group, switch or guardian); empty for a guest's device or a host."""
    where: str = field(default="", compare=False)
    """Where that name lives as a reader calls it: the host, the cluster or the distributed switch."""

    @property
    def id(self) -> str:
        """The findings-JSON spelling, '<kind>:<identity>'."""
        return f"{self.kind}:{self.identity}"


@dataclass(frozen=True)
class Cause:
    """One cause: its kind, what it is, what a reader calls it, and its findings-JSON id."""

    kind: str
    """'guest-cluster', 'guest', or the word the rule used ('datastore', 'portgroup', 'usb', ...)."""
    identity: str
    """The guest cluster's index, the guest's key, or what the rule named (a datastore key...)."""
    label: str
    id: str
    """The contract spelling in the findings JSON: 'faux:<index>', 'guest:<key>:<rule>' or '<kind>:<identity>'."""


def guest_cluster_cause(index: int, name: str) -> Cause:
    """The cause that is guest cluster ``index`` (numbered as the core numbers them)."""
    return Cause("guest-cluster", str(index), name, f"faux:{index}")


def guest_cause(key: str, name: str | None, rule: str) -> Cause:
    """The cause that is one guest outside any guest cluster, tied by ``rule``."""
    return Cause("guest", key, f"{name or key} ({rule})", f"guest:{key}:{rule}")


def named_cause(named: RuleCause, guest_names: dict[str, str]) -> Cause:
    """The cause a rule named, with a label for a reader."""
    return Cause(named.kind, named.identity, cause_label(named, guest_names), named.id)


_DEVICE_WORDS = {"usb": "host USB device", "cd": "host CD/DVD drive", "sriov": "SR-IOV adapter"}
_PLACED = {"switch": "{name} on {where}", "guardian": "{name} of {where}", "portgroup": "{name} on {where}",
           "network": "{name} in cluster {where}", "dvportgroup": "{name} on {where}"}


def cause_label(cause: RuleCause, guest_names: dict[str, str]) -> str:
    """A readable name for a cause a rule named, from the parts the rule gave (never parsed from its identity)."""
    if cause.identity in guest_names:  # a device of one guest (usb:, cd:, sriov:)
        return f"{guest_names[cause.identity] or cause.identity}'s {_DEVICE_WORDS.get(cause.kind, cause.kind)}"
    if cause.kind == "datastore" and cause.name:
        return cause.name
    if cause.kind in _PLACED and cause.name and cause.where:
        return _PLACED[cause.kind].format(name=cause.name, where=cause.where)
    return cause.identity

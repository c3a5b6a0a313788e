"""Causes: what a fix removes, as records; the core knows each one by its integer id.

A cause is a guest cluster (fixing it unties every member), one tied guest outside any guest
cluster together with the rule that ties it, or a thing a rule named (a datastore, a port
group, a host device...). Rules name theirs as a :class:`RuleCause` on their edges and
findings; :func:`named_cause` gives it a label.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleCause:
    """The thing a rule names as what ties a guest: its kind and identity."""

    kind: str
    """'datastore', 'portgroup', 'network', 'dvportgroup', 'switch', 'san', 'cpu', 'guardian', 'usb', 'cd', 'sriov'."""
    identity: str
    """What it is, e.g. a datastore key ('<scope>/<name>') or '<host>/<switch>'."""

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


def named_cause(named: RuleCause, host_names: dict[str, str], guest_names: dict[str, str]) -> Cause:
    """The cause a rule named, with a label for a reader."""
    label = cause_label(named.kind, named.identity, host_names, guest_names)
    return Cause(named.kind, named.identity, label, named.id)


_DEVICE_WORDS = {"usb": "host USB device", "cd": "host CD/DVD drive", "sriov": "SR-IOV adapter"}


def cause_label(kind: str, ident: str, host_names: dict[str, str], guest_names: dict[str, str]) -> str:
    """A readable name for a cause id written by the rules (keys are '<scope>/<name>' paths)."""
    if ident in guest_names:  # a device of one guest (usb:, cd:, sriov:)
        return f"{guest_names[ident] or ident}'s {_DEVICE_WORDS.get(kind, kind)}"
    if kind == "switch":  # Hyper-V <host or cluster>/<switch>
        where, _, switch = ident.partition("/")
        return f"{switch} on {where}" if switch else ident
    if kind == "datastore":
        return ident.split("/", 1)[-1]
    if kind == "guardian":  # Hyper-V <host>/<guardian>: the vTPM key-protector guardian a host alone holds
        host, _, guardian = ident.partition("/")
        return f"{guardian} of {host}" if guardian else ident
    if kind == "portgroup":  # <host key>/<port group>
        for i, ch in enumerate(ident):
            if ch == "/" and ident[:i] in host_names:
                return f"{ident[i + 1:]} on {host_names[ident[:i]]}"
        return ident
    if kind == "network":  # <cluster key>/<network>; cluster key = <scope>/<datacenter>/<cluster>
        parts = ident.split("/", 3)
        return f"{parts[3]} in cluster {parts[2]}" if len(parts) == 4 else ident
    if kind == "dvportgroup":  # <scope>/<switch>/<port group>
        parts = ident.split("/", 2)
        return f"{parts[2]} on {parts[1]}" if len(parts) == 3 else ident
    return ident

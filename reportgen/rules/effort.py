"""What fixing each kind of tie takes: the action's verb and its effort class.

An action a CIO can approve names what is done and to what ("Disconnect 6 ISO images from
DS01"), not the object ("Fix datastore DS01"). The verb comes from the rule behind the tie;
``{n}`` is the number of guests concerned and ``{scope}`` the thing fixed (a datastore, a port
group, a guest). Effort classes:

- ``minutes``: a standard change done in minutes, no outage (disconnect a device, widen owners);
- ``change``: a normal change with a planned window and usually a short guest outage;
- ``project``: design, rebuild, migration or purchase (move to shared storage, rebuild a guest cluster).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

EFFORT_CLASSES = ("minutes", "change", "project")


@dataclass(frozen=True)
class Effort:
    level: str
    """'minutes', 'change' or 'project'."""
    verb: str
    """The action with ``{n}`` (guests) and ``{scope}`` placeholders."""


EFFORT: dict[str, Effort] = {
    "GEN-01": Effort("project", "Rebuild guest cluster {scope} so that it can move"),
    "GEN-02": Effort("project", "Spread guest cluster {scope} over different hosts"),
    "VMW-01": Effort("project", "Replace the virtual bus sharing of {scope}"),
    "VMW-02": Effort("change", "Make {scope} movable with vMotion"),
    "VMW-03": Effort("project", "Move the shared VMDKs of {scope} to a supported disk type"),
    "VMW-05": Effort("project", "Convert the shared virtual-mode RDMs of {scope}"),
    "VMW-06": Effort("change", "Present the LUN to every host, or convert the RDM of {scope}"),
    "VMW-07": Effort("change", "Keep the nodes of {scope} apart and back up inside the guests"),
    "VMW-08": Effort("change", "Remove the duplicate disk attachment of {scope}"),
    "VMW-10": Effort("change", "Give port group {scope} physical uplinks, or move its {n} guest(s) off it"),
    "VMW-11": Effort("change", "Create port group {scope} on every host of the cluster"),
    "VMW-12": Effort("change", "Add uplinks to distributed port group {scope}"),
    "VMW-13": Effort("project", "Move {n} guest(s) off single-host datastore {scope} to shared storage"),
    "VMW-19": Effort("minutes", "Disconnect the ISO image(s) of {n} guest(s) on {scope}, at power-on too"),
    "VMW-14": Effort("project", "Remove the PCI passthrough device of {scope}"),
    "VMW-15": Effort("change", "Replace the SR-IOV adapter of {scope} by a VMXNET3 adapter"),
    "VMW-16": Effort("change", "Plan the vGPU moves of {scope}"),
    "VMW-17": Effort("project", "Replace the host USB device of {scope} by a network USB server (USB over IP) "
                               "or network licensing"),
    "VMW-18": Effort("minutes", "Disconnect the host CD/DVD drive of {scope}, at power-on too"),
    "VMW-20": Effort("change", "Turn off Fault Tolerance on {scope}, or accept the tie"),
    "VMW-21": Effort("change", "Set the latency sensitivity of {scope} to normal"),
    "VMW-22": Effort("change", "Remove the CPU scheduling affinity of {scope}"),
    "VMW-23": Effort("minutes", "Relax the DRS 'must run on' rule holding {scope}"),
    "VMW-24": Effort("project", "Accept, or add shared storage and a cluster for {scope}"),
    "VMW-25": Effort("change", "Turn on EVC for {scope}"),
    "HYV-01": Effort("project", "Convert the shared VHDX of {scope} to a VHD Set"),
    "HYV-02": Effort("change", "Keep the nodes of {scope} apart with AntiAffinityClassNames"),
    "HYV-03": Effort("change", "Plan the virtual Fibre Channel moves of {scope}"),
    "HYV-04": Effort("project", "Replace the pass-through disk of {scope} by a VHDX on shared storage"),
    "HYV-05": Effort("change", "Connect {n} VM(s) on Private switch {scope} to an external switch"),
    "HYV-06": Effort("change", "Connect {n} VM(s) on Internal switch {scope} to an external switch"),
    "HYV-07": Effort("change", "Create switch {scope} on every cluster node"),
    "HYV-08": Effort("project", "Move {n} VM(s) off local storage {scope} to a Cluster Shared Volume"),
    "HYV-09": Effort("change", "Make {scope} a cluster role"),
    "HYV-10": Effort("project", "Remove the device assigned to {scope}"),
    "HYV-11": Effort("change", "Plan the GPU partition moves of {scope}"),
    "HYV-12": Effort("minutes", "Disconnect the host DVD drive of {scope}"),
    "HYV-13": Effort("change", "Turn on processor compatibility for {scope} (one shutdown each)"),
    "HYV-14": Effort("project", "Upgrade the nodes that cannot run {scope} to a newer Windows Server, then "
                     "Update-ClusterFunctionalLevel ({scope} needs no change)"),
    "HYV-15": Effort("minutes", "Widen the possible owners of {scope}"),
    "HYV-20": Effort("minutes", "Import the vTPM guardian {scope} (its certificates) on every node for {n} VM(s)"),
}
"""Rules that tie a guest to a host, with the action that removes the tie. Rules absent here tie nothing."""

INTRANET = Effort("change", "Let vMotion move its {n} guest(s) between the isolated copies of port group {scope} "
                            "(vCenter setting VMOnVirtualIntranet = false: a moved guest cannot reach those left on "
                            "its old host); physical uplinks only last: they end the isolation")
"""VMW-10 when the same port group is uplink-less on other hosts of the cluster too: the isolation looks deliberate,
so uplinks, which would end it, come last (see :func:`..rules.networks.intranet_steps`)."""

STANDALONE = Effort("project", "Accept, or add shared storage and a second host for {scope}")
"""A guest on local storage of a host alone: there is nowhere to move it to yet. ``scope`` says which kind of
alone: 'standalone host esx09' (in no cluster) or 'esx09, alone in cluster DMZ' (see :mod:`..report.actions`)."""

_ORDER = {level: i for i, level in enumerate(EFFORT_CLASSES)}


def effort_of(rules: tuple[str, ...] | list[str] | set[str]) -> Effort:
    """The effort of the biggest job among ``rules`` (a tie is gone only when every rule is fixed)."""
    known = [EFFORT[r] for r in sorted(rules) if r in EFFORT]
    if not known:
        return Effort("change", "Remove the tie of {scope}")
    return max(known, key=lambda e: _ORDER[e.level])


def phrase(effort: Effort, scope: str, n: int, off: int = 0) -> str:
    """The verb with its scope and count filled in ('(s)' becomes a plural when n is not 1); ``off`` more guests
    that are off today and tied once started are counted with them: 'its 3 guests (1 running, 2 off)'."""
    total = n + off
    text = effort.verb.format(scope=scope, n=total).replace("(s)", "" if total == 1 else "s")
    if not off or "{n}" not in effort.verb:
        return text
    counted = re.compile(rf"\b{total} (guests?|VMs?|ISO images?)\b")
    return counted.sub(lambda m: f"{m.group(0)} ({n:,} running, {off:,} off)", text, count=1)

"""HYV-20: a VM with a virtual TPM starts only on hosts that hold a guardian of its key protector.

The vTPM state is encrypted under the VM's key protector, which names an owner guardian and the guardians
granted access. In local mode (no Host Guardian Service) a host unwraps it only with a guardian whose
certificates and private keys it holds; each host creates its own 'UntrustedGuardian', so a VM made on
one node cannot start, fail over or live-migrate to another until that guardian's certificates are
imported there. With an HGS guardian the HGS releases the key to any attested guarded host.

Guardians are matched by the thumbprint of their encryption certificate (Get-VMKeyProtector decoded by
ConvertTo-HgsKeyProtector, against Get-HgsGuardian on every node). Where a node's guardians were not read,
or the key protector was not, the finding says what to verify and holds no host; it is never clean.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from ..causes import RuleCause
from ..estate import Estate
from .hyperv import CLUSTER_NODES, EVAC, HA, LM, _info, _tie, hyperv_guests, scoped
from .records import Detector, Location, Need, RuleContext, RuleOutput, Severity
from .tables import frame

PS = "https://learn.microsoft.com/powershell/module"
HYV20 = _info(
    "HYV-20", "Virtual TPM key held by some hosts only", Severity.HIGH, {LM, EVAC, HA},
    "The VM has a virtual TPM, whose state is encrypted under the VM's key protector. In local mode a host can "
    "start the VM only if it holds one of the key protector's guardians with its private keys; every host makes its "
    "own 'UntrustedGuardian', so live migration, failover and node drain fail on hosts that were not given the "
    "guardian's certificates. A key protector with a Host Guardian Service (HGS) guardian is released to any "
    "attested guarded host instead.",
    "Export the guardian's two certificates with their private keys from the 'Shielded VM Local Certificates' store "
    "of a host that holds it and import them on every node that may run the VM (or move the VM to an HGS-attested "
    "guarded fabric); then check that Get-HgsGuardian on each node lists a guardian with the same encryption "
    "certificate thumbprint.",
    (f"{PS}/hyper-v/get-vmsecurity", f"{PS}/hyper-v/get-vmkeyprotector", f"{PS}/hgsclient/convertto-hgskeyprotector",
     f"{PS}/hgsclient/get-hgsguardian", f"{PS}/hgsclient/get-hgsclientconfiguration"),
    (Need("hyperv", "Get-VMSecurity", ("TpmEnabled",), "which VMs have a virtual TPM"),
     Need("hyperv", "Get-VMKeyProtector", ("OwnerThumbprint",), "the guardians of each vTPM VM's key protector "
          "(decoded by the collector with the HgsClient module)"),
     Need("hyperv", "Get-HgsGuardian", ("EncryptionThumbprint",), "the guardians each host holds (HgsClient "
          "module)"),
     Need("hyperv", "Get-HgsClientConfiguration", ("Mode",), "which hosts are HGS-attested guarded hosts; without "
          "it every host is taken to be in local mode", optional=True), CLUSTER_NODES),
    limits="a guardian counts as held where Get-HgsGuardian lists it with its private signing key; that the "
    "encryption certificate's private key is there too, and HGS attestation of each guarded host, are not in the "
    "export",
)
VERIFY = ("verify with ConvertTo-HgsKeyProtector -Bytes (Get-VMKeyProtector -VMName {vm}) and Get-HgsGuardian on "
          "each node that the node holds a guardian with the same encryption certificate thumbprint")


def _guardian(g: dict[str, Any]) -> RuleCause:
    """The key-protector guardian only the VM's own host holds."""
    guardian = (g["key_guardian_names"] or ["?"])[0]
    return RuleCause("guardian", scoped(g, guardian), guardian, g["host_name"])


def vtpm(estate: Estate, ctx: RuleContext) -> RuleOutput:
    """One HYV-20 finding per vTPM VM that some host of its cluster cannot start."""
    out = RuleOutput()
    guests = hyperv_guests(estate)
    if guests.is_empty():
        return out
    hosts = frame(estate, "hosts").filter(pl.col("platform") == "hyperv")
    for g in guests.filter(pl.col("tpm_enabled").fill_null(False)).iter_rows(named=True):
        peers = [h for h in hosts.iter_rows(named=True)
                 if (g["host_cluster"] and h["cluster_key"] == g["host_cluster"]) or h["host_key"] == g["host_key"]]
        _vm(out, g, peers)
    return out


def _vm(out: RuleOutput, g: dict[str, Any], peers: list[dict[str, Any]]) -> None:
    at = Location("Get-VMSecurity", f"row {g['row']}")
    evidence = f"{at}: TpmEnabled = True" + (", Shielded = True" if g["shielded"] else "")
    verify = VERIFY.format(vm=g["name"])
    thumbs = g["key_guardians"]
    if thumbs is None:
        _tie(out, HYV20, g, evidence + f"; its key protector is not in the export (Get-VMKeyProtector): it starts only "
             f"on hosts that hold a guardian of it; {verify}", severity=Severity.MEDIUM, source=at)
        return
    evidence += f"; key protector guardians: {_guardians(g)}"
    keys = set(thumbs)
    holders = [p for p in peers if p["guardians"] and keys & set(p["guardians"])]
    unread = [p for p in peers if p["guardians"] is None]
    own = next((p for p in peers if p["host_key"] == g["host_key"]), None)
    if not holders and own is not None and own["hgs_mode"] == "hgs":
        _remote(out, g, peers, evidence, at)
        return
    lacking = [p for p in peers if p["guardians"] is not None and p not in holders]
    others = [p for p in peers if p["host_key"] != g["host_key"]]
    said = _said(holders, lacking, unread)
    if unread:
        _tie(out, HYV20, g, evidence + f"; {said}: tied unless every node holds a guardian of it; {verify}",
             severity=Severity.HIGH if lacking else Severity.MEDIUM, source=at)
    elif not lacking:
        return  # every node of its cluster holds a guardian of the key protector
    elif own is None or own not in holders:
        _tie(out, HYV20, g, evidence + f"; {said}: not even its own host {g['host_name']} holds one; {verify}",
             severity=Severity.MEDIUM, source=at)
    elif not others:
        _tie(out, HYV20, g, evidence + f"; {said}: no other host in the export; a host it moves to must be given "
             "the guardian's certificates first", severity=Severity.LOW, source=at)
    elif holders == [own]:
        _tie(out, HYV20, g, evidence + f"; {said}: live migration, failover and drain to "
             f"{_names(lacking)} fail (the VM cannot start there)", pin=True, strand=True,
             cause=_guardian(g), source=at)
    else:
        _tie(out, HYV20, g, evidence + f"; {said}: the VM cannot move to {_names(lacking)}", source=at)


def _remote(out: RuleOutput, g: dict[str, Any], peers: list[dict[str, Any]], evidence: str, at: Location) -> None:
    """An HGS guardian: any attested guarded host gets the key; a node in local mode (or unknown) does not."""
    local = [p for p in peers if p["hgs_mode"] != "hgs"]
    if not local:
        return  # every node is an HGS guarded host: not tied to any of them
    modes = ", ".join(f"{p['name']}: {p['hgs_mode'] or 'mode unknown'}" for p in local)
    _tie(out, HYV20, g, evidence + f"; no node holds a guardian of it and {g['host_name']} is an HGS guarded host "
         f"(an HGS guardian), but not every node is ({modes}): the VM cannot start on those unless they are "
         "attested guarded hosts", severity=Severity.MEDIUM, source=at)


def _guardians(g: dict[str, Any]) -> str:
    names = g["key_guardian_names"] or []
    thumbs = g["key_guardians"] or []
    if not thumbs:
        return "none with a certificate"
    return ", ".join(f"{names[i] if i < len(names) else '?'} ({t})" for i, t in enumerate(thumbs))


def _said(holders: list[dict[str, Any]], lacking: list[dict[str, Any]], unread: list[dict[str, Any]]) -> str:
    parts = [f"held by {_names(holders) or 'no node'}"]
    if lacking:
        parts.append(f"not by {_names(lacking)}")
    if unread:
        parts.append(f"Get-HgsGuardian not read on {_names(unread)}")
    return "; ".join(parts)


def _names(hosts: list[dict[str, Any]]) -> str:
    return ", ".join(str(h["name"]) for h in hosts)


DETECTORS = (Detector((HYV20,), vtpm),)

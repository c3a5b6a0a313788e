"""HYV-20: a vTPM VM starts only on hosts holding a guardian of its key protector. Positive and negative
estates built from rows in the collector's layout (Get-VMSecurity, the decoded Get-VMKeyProtector,
Get-HgsGuardian, Get-HgsClientConfiguration)."""

from __future__ import annotations

import json
from pathlib import Path

from reportgen.rules import Severity
from tests.rules.hyperv_lab import Lab, edges, findings, two_nodes, vm_id

A, B, HGS = "A1" * 20, "B2" * 20, "C3" * 20  # encryption-certificate thumbprints


def _lab(*, guardians: dict[str, list[tuple[str, str, bool]]] | None = None, protector: bool = True,
         owner: tuple[str, str] = ("UntrustedGuardian", A), granted: tuple[tuple[str, str], ...] = (),
         modes: dict[str, str] | None = None) -> Lab:
    """TPM01 (vTPM) and PLAIN01 (none) on HVA of a two-node cluster; each node's guardians as given
    (default: its own UntrustedGuardian, A on HVA and B on HVB)."""
    lab = two_nodes()
    for name in ("TPM01", "PLAIN01"):
        lab.vm(name, "HVA")
        lab.device("Get-VMSecurity", name, TpmEnabled=str(name == "TPM01"), Shielded="False",
                   EncryptStateAndVmMigrationTraffic="False")
    if protector:
        lab.device("Get-VMKeyProtector", "TPM01", Owner=owner[0], OwnerThumbprint=owner[1],
                   Guardians="; ".join(n for n, _ in granted), GuardianThumbprints="; ".join(t for _, t in granted))
    else:  # the object is there (another VM's row), TPM01's is not
        lab.vm("OTHER01", "HVB")
        lab.device("Get-VMKeyProtector", "OTHER01", Owner="UntrustedGuardian", OwnerThumbprint=B, Guardians="",
                   GuardianThumbprints="")
    held = guardians if guardians is not None else {"HVA": [("UntrustedGuardian", A, True)],
                                                    "HVB": [("UntrustedGuardian", B, True)]}
    for host, rows in held.items():
        for name, thumb, private in rows:
            lab.add("Get-HgsGuardian", ComputerName=host, Name=name, EncryptionThumbprint=thumb,
                    SigningThumbprint=thumb[::-1], HasPrivateSigningKey=str(private))
    for host, mode in (modes or {}).items():
        lab.add("Get-HgsClientConfiguration", ComputerName=host, Mode=mode, IsHostGuarded=str(mode != "Local"))
    return lab


def _coverage(out, rule: str = "HYV-20") -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    return [(c.status, c.reason) for c in out.coverage if c.rule == rule]


def test_a_local_guardian_held_by_its_own_host_only_pins_the_vm(tmp_path: Path) -> None:
    _, out = _lab().run(tmp_path)
    found = findings(out, "HYV-20")
    assert set(found) == {vm_id("TPM01")}  # PLAIN01 has no virtual TPM
    f = found[vm_id("TPM01")]
    assert f.severity == Severity.HIGH
    assert f"key protector guardians: UntrustedGuardian ({A})" in f.evidence
    assert "held by HVA; not by HVB: live migration, failover and drain to HVB fail" in f.evidence
    assert edges(out.pins, "HYV-20") == {(vm_id("TPM01"), "hyperv/HVA")}
    assert edges(out.strands, "HYV-20") == {(vm_id("TPM01"), "hyperv/HVA")}
    assert [s for s, _ in _coverage(out)] == ["assessed"]


def test_a_guardian_imported_on_every_node_ties_nothing(tmp_path: Path) -> None:
    held = {"HVA": [("UntrustedGuardian", A, True)],
            "HVB": [("UntrustedGuardian", B, True), ("HVA-Guardian", A, True)]}
    _, out = _lab(guardians=held).run(tmp_path)
    assert not findings(out, "HYV-20") and not edges(out.pins, "HYV-20")
    assert [s for s, _ in _coverage(out)] == ["assessed"]


def test_a_granted_guardian_counts_like_the_owner(tmp_path: Path) -> None:
    _, out = _lab(granted=(("HVB-Guardian", B),)).run(tmp_path)
    assert not findings(out, "HYV-20")


def test_guardians_are_matched_by_certificate_never_by_name(tmp_path: Path) -> None:
    """Both nodes have an 'UntrustedGuardian': only HVA's has the key protector's certificate."""
    _, out = _lab().run(tmp_path)
    assert "not by HVB" in findings(out, "HYV-20")[vm_id("TPM01")].evidence


def test_a_guardian_without_its_private_key_does_not_unlock(tmp_path: Path) -> None:
    held = {"HVA": [("UntrustedGuardian", A, True)],
            "HVB": [("UntrustedGuardian", B, True), ("HVA-Guardian", A, False)]}
    _, out = _lab(guardians=held).run(tmp_path)
    assert edges(out.pins, "HYV-20") == {(vm_id("TPM01"), "hyperv/HVA")}


def test_a_node_whose_guardians_were_not_read_is_verified_never_clean(tmp_path: Path) -> None:
    """A hand-made export without HVB's guardians: tied unless HVB holds one, and nothing is pinned on a guess."""
    held = {"HVA": [("UntrustedGuardian", A, True)]}
    _, out = _lab(guardians=held).run(tmp_path)
    f = findings(out, "HYV-20")[vm_id("TPM01")]
    assert f.severity == Severity.MEDIUM and not edges(out.pins, "HYV-20")
    assert "held by HVA; Get-HgsGuardian not read on HVB: tied unless every node holds a guardian of it" in f.evidence
    assert "verify with ConvertTo-HgsKeyProtector -Bytes (Get-VMKeyProtector -VMName TPM01)" in f.evidence


def test_hgsclient_missing_on_a_node_makes_the_check_not_assessed(tmp_path: Path) -> None:
    """The collector records Get-HgsGuardian failed (HgsClient absent) on HVB: not 'no guardian there'."""
    lab = _lab(guardians={"HVA": [("UntrustedGuardian", A, True)]})
    message = "the HgsClient PowerShell module is not available where the collector runs: guardians not read"
    manifest = {"collector": "reportgen Hyper-V collector", "collector_version": "2.1.0", "format": 2,
                "complete": True, "clustered": True, "cluster": "CL1", "cluster_status": "ok",
                "nodes_reached": ["HVA", "HVB"], "nodes_not_reached": [],
                "status": [{"object": "Get-HgsGuardian", "node": "HVA", "status": "ok", "rows": 1, "errors": 0},
                           {"object": "Get-HgsGuardian", "node": "HVB", "status": "failed", "rows": 0, "errors": 1,
                            "message": message}],
                "errors": [{"node": "HVB", "cmdlet": "Get-HgsGuardian", "vm": None, "message": message}]}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _, out = lab.run(tmp_path)
    [(status, reason)] = _coverage(out)
    assert status == "not-assessed" and "Get-HgsGuardian failed on HVB" in reason and "HgsClient" in reason
    assert not edges(out.pins, "HYV-20")


def test_a_node_read_completely_without_guardians_holds_none(tmp_path: Path) -> None:
    """The manifest says Get-HgsGuardian was read on HVB and it has no row there: HVB holds no guardian."""
    lab = _lab(guardians={"HVA": [("UntrustedGuardian", A, True)]})
    manifest = {"collector_version": "2.1.0", "format": 2, "complete": True, "clustered": True, "cluster": "CL1",
                "cluster_status": "ok", "status": [
                    {"object": "Get-HgsGuardian", "node": n, "status": "ok", "rows": r, "errors": 0}
                    for n, r in (("HVA", 1), ("HVB", 0))], "errors": []}
    (tmp_path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _, out = lab.run(tmp_path)
    assert edges(out.pins, "HYV-20") == {(vm_id("TPM01"), "hyperv/HVA")}


def test_a_key_protector_not_in_the_export_is_said(tmp_path: Path) -> None:
    _, out = _lab(protector=False).run(tmp_path)
    f = findings(out, "HYV-20")[vm_id("TPM01")]
    assert f.severity == Severity.MEDIUM and "its key protector is not in the export" in f.evidence
    assert not edges(out.pins, "HYV-20")


def test_an_hgs_guardian_on_guarded_hosts_ties_nothing(tmp_path: Path) -> None:
    modes = {"HVA": "HostGuardianService", "HVB": "HostGuardianService"}
    _, out = _lab(owner=("Tenant", "D4" * 20), granted=(("Fabric-HGS", HGS),), guardians={"HVA": [], "HVB": []},
                  modes=modes).run(tmp_path)
    assert not findings(out, "HYV-20")


def test_an_hgs_guardian_with_a_node_in_local_mode_is_said(tmp_path: Path) -> None:
    modes = {"HVA": "HostGuardianService", "HVB": "Local"}
    _, out = _lab(owner=("Tenant", "D4" * 20), granted=(("Fabric-HGS", HGS),), guardians={"HVA": [], "HVB": []},
                  modes=modes).run(tmp_path)
    f = findings(out, "HYV-20")[vm_id("TPM01")]
    assert f.severity == Severity.MEDIUM and "HVB: local" in f.evidence and not edges(out.pins, "HYV-20")


def test_a_mode_written_as_its_cim_number_is_read(tmp_path: Path) -> None:
    """MSFT_HgsClientConfiguration.Mode is a uint16: 1 Local Mode, 2 Secure Hosting Service Mode (HGS),
    0 Unknown; a collector run that writes the raw CIM value must mean the same as the cmdlet's names."""
    hgs = (("Fabric-HGS", HGS),)
    _, out = _lab(owner=("Tenant", "D4" * 20), granted=hgs, guardians={"HVA": [], "HVB": []},
                  modes={"HVA": "2", "HVB": "2"}).run(tmp_path / "guarded")
    assert not findings(out, "HYV-20")
    _, out = _lab(owner=("Tenant", "D4" * 20), granted=hgs, guardians={"HVA": [], "HVB": []},
                  modes={"HVA": "2", "HVB": "1"}).run(tmp_path / "local")
    f = findings(out, "HYV-20")[vm_id("TPM01")]
    assert f.severity == Severity.MEDIUM and "HVB: local" in f.evidence
    estate, out = _lab(owner=("Tenant", "D4" * 20), granted=hgs, guardians={"HVA": [], "HVB": []},
                       modes={"HVA": "2", "HVB": "0"}).run(tmp_path / "unknown")
    f = findings(out, "HYV-20")[vm_id("TPM01")]
    assert "HVB: mode unknown" in f.evidence and not edges(out.pins, "HYV-20")
    assert any("Mode" in (i.column or "") for i in estate.issues)  # the unknown value is named, never guessed


def test_without_vm_security_the_check_is_not_assessed(tmp_path: Path) -> None:
    lab = _lab()
    del lab.objects["Get-VMSecurity"]
    _, out = lab.run(tmp_path)
    assert not findings(out, "HYV-20")
    [(status, reason)] = _coverage(out)
    assert status == "not-assessed" and "Get-VMSecurity" in reason


def test_without_guardians_the_check_is_not_assessed(tmp_path: Path) -> None:
    lab = _lab(guardians={})
    _, out = lab.run(tmp_path)
    [(status, reason)] = _coverage(out)
    assert status == "not-assessed" and "Get-HgsGuardian" in reason

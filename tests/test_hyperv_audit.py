"""Hyper-V exports through the whole audit, alone and mixed with a vSphere export."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import CHECKER, SAMPLES, real_export

BUNDLE = SAMPLES / "hyperv" / "hyperv-3node.zip"


def check_contract(path: Path) -> None:
    if not CHECKER.exists():
        pytest.skip("../shared/tools/check-findings-json is absent")
    result = subprocess.run([str(CHECKER), str(path)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr


def hosts(doc: dict) -> dict[str, dict]:
    return {h["name"]: h for h in doc["hosts"]}


def names(items: list[dict]) -> set[str]:
    return {g["name"] for g in items}


@pytest.fixture(scope="module")
def bundle_audit(tmp_path_factory: pytest.TempPathFactory) -> tuple[object, dict, Path]:
    import io
    import json

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("audit")
    err = io.StringIO()
    code = main(["audit", str(BUNDLE), "--json", str(out / "f.json"), "-o", str(out / "r.pdf")], stderr=err)
    return code, json.loads((out / "f.json").read_text(encoding="utf-8")), out


def test_bundle_audits_with_exit_0_and_a_valid_json(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    code, doc, out = bundle_audit
    assert code == 0
    check_contract(out / "f.json")
    assert [s["platform"] for s in doc["estate"]["sources"]] == ["hyperv"]
    assert {h["platform"] for h in doc["hosts"]} == {"hyperv"} and doc["estate"]["guests"] == 23


def test_guest_clusters_with_members_hosts_and_topology(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    clusters = {frozenset(names(c["guests"])): c for c in doc["faux_clusters"]}
    sql = clusters[frozenset({"SQLFCI-N1", "SQLFCI-N2"})]
    assert sql["topology"] == "across-boxes" and sorted(sql["hosts"]) == ["HV01", "HV02"]
    assert sql["suspected"] is False and sql["rules"] == ["HYV-01"]
    fs = clusters[frozenset({"FS-N1", "FS-N2"})]
    assert fs["topology"] == "across-boxes" and sorted(fs["hosts"]) == ["HV01", "HV03"]
    assert fs["rules"] == ["HYV-02", "HYV-16"]  # no anti-affinity class in common
    heartbeat = clusters[frozenset({"APPHB-1", "APPHB-2"})]
    assert heartbeat["topology"] == "in-a-box" and heartbeat["hosts"] == ["HV02"] and heartbeat["suspected"] is True


def test_a_group_found_by_two_heuristics_is_one_suspected_group(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, out = bundle_audit
    suspected = [frozenset(names(c["guests"])) for c in doc["faux_clusters"] if c["suspected"]]
    assert suspected == [frozenset({"APPHB-1", "APPHB-2"})]  # a private switch and node-numbered names
    text = " ".join(subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "1 further group of guests looks like a guest cluster by name" in text


def test_pass_through_and_dda_guests_are_pinned(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    hv3 = hosts(doc)["HV03"]
    pinned = {g["name"]: g["rules"] for g in hv3["pinned_guests"]}
    assert "HYV-04" in pinned["FILE01"] and "HYV-10" in pinned["RENDER01"]
    assert hv3["evacuable"] is False


def test_private_switch_guests_are_colocated_on_their_host(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    hv2 = hosts(doc)["HV02"]
    assert {"APPHB-1", "APPHB-2"} <= names(hv2["pinned_guests"])
    assert all("HYV-05" in g["rules"] for g in hv2["pinned_guests"] if g["name"].startswith("APPHB"))
    colocated = [f for f in doc["findings"] if f["rule"] == "HYV-05"]
    assert {f["host"] for f in colocated} == {"HV02"} and {f["severity"] for f in colocated} == {"critical"}


def test_guest_cluster_without_anti_affinity_is_reported(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    apart = [f for f in doc["findings"] if f["rule"] == "HYV-16"]
    assert sorted(f["guest"]["name"] for f in apart) == ["FS-N1", "FS-N2"]  # SQLFCI-N1/N2 share a class
    evidence = {f["guest"]["name"]: f["evidence"] for f in apart}
    assert "AntiAffinityClassNames = FS-Nodes;" in evidence["FS-N1"]  # only one node was given the class
    assert "AntiAffinityClassNames = none;" in evidence["FS-N2"]
    assert all("preferred owners = HV01, HV03" in e and "every node lists HV01 first" in e for e in evidence.values())
    assert {c["status"] for c in doc["coverage"] if c["rule"] == "HYV-16"} == {"assessed"}


def test_a_replica_copy_is_said_and_holds_no_host(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    copies = [f for f in doc["findings"] if f["rule"] == "HYV-17"]
    assert [(f["guest"]["name"], f["severity"]) for f in copies] == [("DRAPP01", "info")]  # WEB01 is a primary
    [not_clustered] = [f for f in doc["findings"] if f["rule"] == "HYV-09" and f["guest"]["name"] == "DRAPP01"]
    assert "a Hyper-V Replica copy (ReplicationMode = Replica)" in not_clustered["evidence"]
    hv3 = hosts(doc)["HV03"]
    assert "DRAPP01" not in names(hv3["pinned_guests"]) | names(hv3["stranded_on_failure"])


def test_a_vtpm_vm_whose_key_only_its_node_holds_is_pinned(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    """VTPM01's key protector names HV02's own UntrustedGuardian only; VTPM02's guardian is on every node."""
    _, doc, out = bundle_audit
    found = [f for f in doc["findings"] if f["rule"] == "HYV-20"]
    assert [(f["guest"]["name"], f["severity"], f["host"]) for f in found] == [("VTPM01", "high", "HV02")]
    assert "held by HV02; not by HV01, HV03" in found[0]["evidence"]
    hv2 = hosts(doc)["HV02"]
    assert "VTPM01" in names(hv2["pinned_guests"]) & names(hv2["stranded_on_failure"])
    assert {c["status"] for c in doc["coverage"] if c["rule"] == "HYV-20"} == {"assessed"}
    text = " ".join(subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "Import the vTPM guardian UntrustedGuardian of HV02 (its certificates) on every node for 1 VM" in text


def test_a_host_without_numa_spanning_is_context(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    [numa] = [f for f in doc["findings"] if f["rule"] == "HYV-18"]
    assert numa["host"] == "HV03" and numa["guest"] is None and numa["severity"] == "low"
    assert "NumaSpanningEnabled = False (other nodes of HVCL01: HV01: True, HV02: True)" in numa["evidence"]
    assert {c["status"] for c in doc["coverage"] if c["rule"] in ("HYV-17", "HYV-18")} == {"assessed"}


def test_non_clustered_and_local_storage_guests_are_stranded(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    stranded = {g["name"]: set(g["rules"]) for g in hosts(doc)["HV01"]["stranded_on_failure"]}
    assert {"HYV-08", "HYV-09"} <= stranded["LOCALAPP01"]
    assert "RENDER01" in names(hosts(doc)["HV03"]["stranded_on_failure"])
    assert "FILE01" not in names(hosts(doc)["HV03"]["stranded_on_failure"])  # clustered: fails over


def test_powered_off_guest_is_tied_at_next_power_on(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    hv1 = hosts(doc)["HV01"]
    assert "TOOLS01" not in names(hv1["pinned_guests"]) and "TOOLS01" in names(hv1["pinned_at_next_power_on"])


def test_pdf_names_the_hyperv_hosts_and_clusters(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, _, out = bundle_audit
    if not Path("/usr/bin/pdftotext").exists():
        pytest.skip("pdftotext is not installed")
    text = subprocess.run(["pdftotext", "-layout", str(out / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    assert "SQLFCI (2 nodes)" in text and "HV03" in text and "HVCL01" in text
    assert "Guest cluster on a shared VHDX" in text


def test_loose_exports_audit(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    result = cli(["audit", SAMPLES / "hyperv" / "loose", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    doc = result.json(tmp_path / "f.json")
    check_contract(tmp_path / "f.json")
    assert sorted(hosts(doc)) == ["HVSA01", "HVSA02"]
    coverage = {(c["rule"], c["status"]) for c in doc["coverage"]}
    assert ("HYV-09", "not-assessed") in coverage and ("HYV-05", "assessed") in coverage


@pytest.mark.real
def test_mixed_vsphere_and_hyperv_audit(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    workbook = real_export("abeggi-bcspa1-4.7.1.xlsx")
    result = cli(["audit", workbook, BUNDLE, "--json", tmp_path / "f.json", "--html", tmp_path / "r.html", "-q"])
    assert result.code == 0, result.stderr
    doc = result.json(tmp_path / "f.json")
    check_contract(tmp_path / "f.json")
    assert sorted(s["platform"] for s in doc["estate"]["sources"]) == ["hyperv", "vsphere"]
    platforms = {h["name"]: h["platform"] for h in doc["hosts"]}
    assert platforms["HV01"] == "hyperv" and platforms["192.168.1.40"] == "vsphere"
    clusters = [(c["topology"], sorted(c["hosts"]), c["rules"]) for c in doc["faux_clusters"] if not c["suspected"]]
    assert ("across-boxes", ["HV01", "HV02"], ["HYV-01"]) in clusters
    assert any(hosts_ == ["192.168.1.40"] and "GEN-01" in rules for _, hosts_, rules in clusters)
    assert doc["estate"]["guests"] == 23 + 19
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "HV03" in html and "192.168.1.40" in html


def test_larger_estate_of_two_clusters_and_a_standalone_host(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    bundles = sorted((SAMPLES / "hyperv" / "estate").glob("*.zip"))
    assert [b.name for b in bundles] == ["hvcl-a.zip", "hvcl-b.zip", "hvstd01.zip"]
    result = cli(["audit", *bundles, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    doc = result.json(tmp_path / "f.json")
    check_contract(tmp_path / "f.json")
    clusters = {frozenset(names(c["guests"])): (c["topology"], sorted(c["hosts"]), c["suspected"])
                for c in doc["faux_clusters"]}
    assert clusters == {
        frozenset({"SQLCL-N1", "SQLCL-N2"}): ("across-boxes", ["HVA01", "HVA02"], False),
        frozenset({"FSCL-N1", "FSCL-N2"}): ("across-boxes", ["HVA03", "HVA04"], False),
        frozenset({"HBCL-N1", "HBCL-N2"}): ("in-a-box", ["HVA02"], False),
    }
    by_host = hosts(doc)
    assert {h["cluster"] for h in doc["hosts"]} == {"HVCL-A", "HVCL-B", None}
    assert names(by_host["HVB01"]["pinned_guests"]) == {"DBRAW01"}
    assert names(by_host["HVB02"]["stranded_on_failure"]) == {"AIGPU01"}
    assert names(by_host["HVB03"]["stranded_on_failure"]) == {"UTIL01"}
    assert names(by_host["HVB04"]["stranded_on_failure"]) == {"UTIL02"}
    assert names(by_host["HVSTD01"]["stranded_on_failure"]) == {"BRANCH-DC01", "BRANCH-FS01", "EDGE01"}
    assert by_host["HVA01"]["evacuable"] is True and by_host["HVA02"]["evacuable"] is False
    # hvcl-b's VM roles have no anti-affinity class and no preferred owner: empty means none, not unknown
    hyv16 = {c["source"]: c["status"] for c in doc["coverage"] if c["rule"] == "HYV-16"}
    assert hyv16["hvcl-b.zip"] == "assessed" and hyv16["hvcl-a.zip"] == "assessed"


def test_affinity_rules_and_virtual_sans_from_the_collector(bundle_audit) -> None:  # type: ignore[no-untyped-def]
    _, doc, _ = bundle_audit
    [vfc] = [f for f in doc["findings"] if f["rule"] == "HYV-03"]
    assert vfc["severity"] == "high" and "present on HV01, HV02, missing on HV03" in vfc["evidence"]  # HV03: ok, no SAN
    together = {f["guest"]["name"]: f["evidence"] for f in doc["findings"] if f["rule"] == "HYV-19"}
    assert together == {"WEB02": "Get-ClusterAffinityRule (SameNode, enabled): WebBackup-Together with BACKUP01",
                        "BACKUP01": "Get-ClusterAffinityRule (SameNode, enabled): WebBackup-Together with WEB02"}
    assert not [f for f in doc["findings"] if f["rule"] == "HYV-16" and f["guest"]["name"].startswith("SQLFCI")]

"""A Hyper-V export that was not fully read is never audited as clean: each way a collection goes wrong
(a cmdlet failed on a node, an empty VM list, the cluster not read, partial results, hand-made CSVs
with shifted columns) gives "not assessed" and a data-quality error, built here as real bundles."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.estate import Estate
from reportgen.importers.hyperv import load_hyperv
from reportgen.importers.rvtools_map import MapOptions
from reportgen.rules import Coverage, RuleContext, evaluate

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "hyperv-3node.zip"
HEADER_ONLY = object()


def rebuild(tmp_path: Path, *, manifest: Callable[[dict], None] | None = None,
            files: dict[str, object] | None = None, name: str = "bundle.zip") -> Path:
    """The sample bundle with its manifest edited and some CSVs replaced (HEADER_ONLY: what a failed cmdlet leaves)."""
    target = tmp_path / name
    with zipfile.ZipFile(SAMPLE) as source, zipfile.ZipFile(target, "w") as out:
        for member in source.namelist():
            data = source.read(member)
            stem = member.removesuffix(".csv")
            if member == "manifest.json" and manifest is not None:
                doc = json.loads(data.decode("utf-8-sig"))
                manifest(doc)
                data = json.dumps(doc).encode("utf-8")
            elif files and stem in files:
                replacement = files[stem]
                if replacement is None:
                    continue
                data = data.split(b"\r\n", 1)[0] + b"\r\n" if replacement is HEADER_ONLY else replacement  # type: ignore[assignment]
            out.writestr(member, data)
    return target


def audit(path: Path) -> tuple[Estate, dict[str, Coverage]]:
    estate = load_hyperv(path, 0, MapOptions())
    out = evaluate(estate, RuleContext())
    return estate, {c.rule: c for c in out.coverage}


def errors(estate: Estate) -> list[str]:
    return [i.message for i in estate.issues if i.level == "error"]


def status(*records: dict[str, object]) -> Callable[[dict], None]:
    def edit(doc: dict) -> None:
        doc["collector_version"] = "2.0.0"
        doc["status"] = list(records)
        doc["cluster_status"] = "ok"
    return edit


def old_format(doc: dict) -> None:
    """A manifest as collector 1.0 wrote it: no status, no cluster status."""
    for key in ("format", "status", "cluster_status", "cluster_error", "complete", "preflight", "partial_allowed"):
        doc.pop(key, None)
    doc["collector_version"] = "1.0.0"


def test_the_sample_bundle_is_assessed_everywhere() -> None:
    """The baseline the failures below are compared with: a complete bundle is assessed, with no note."""
    estate, coverage = audit(SAMPLE)
    assert {c.status for rule, c in coverage.items() if rule.startswith("HYV")} == {"assessed"}
    assert errors(estate) == [] and not any("per-object status" in i.message for i in estate.issues)


def test_a_failed_cmdlet_on_one_node_is_not_assessed_and_named(tmp_path: Path) -> None:
    """The issue's reproduction: vFC and owner-node reads failed, their files are header-only."""
    bundle = rebuild(tmp_path, files={"Get-VMFibreChannelHba": HEADER_ONLY, "Get-ClusterOwnerNode": HEADER_ONLY},
                     manifest=status(
                         {"object": "Get-VMFibreChannelHba", "node": "HV02", "status": "failed",
                          "message": "Access is denied."},
                         {"object": "Get-ClusterOwnerNode", "node": "", "status": "failed",
                          "message": "The cluster service is not running."}))
    estate, coverage = audit(bundle)
    assert coverage["HYV-03"].status == "not-assessed"
    assert "Get-VMFibreChannelHba failed on HV02 (Access is denied.)" in coverage["HYV-03"].reason
    assert coverage["HYV-15"].status == "not-assessed"
    assert "Get-ClusterOwnerNode failed on the whole export" in coverage["HYV-15"].reason
    assert coverage["HYV-04"].status == "assessed"  # disks were read on every node
    assert any(m.startswith("Get-VMFibreChannelHba failed on HV02: Access is denied; the checks") and "To fix:" in m
               for m in errors(estate))


def test_an_old_bundle_without_status_reads_its_error_list(tmp_path: Path) -> None:
    """Collector 1.0 wrote only errors: still readable, its failures still not assessed, with a note."""
    def edit(doc: dict) -> None:
        old_format(doc)
        doc["errors"] = [{"node": "HV02", "cmdlet": "Get-VMFibreChannelHba", "message": "Access is denied."}]

    estate, coverage = audit(rebuild(tmp_path, manifest=edit, files={"Get-VMFibreChannelHba": HEADER_ONLY}))
    assert estate.table("guests").num_rows == 23
    assert coverage["HYV-03"].status == "not-assessed" and "HV02" in coverage["HYV-03"].reason
    assert any("records no per-object status" in i.message and i.level == "info" for i in estate.issues)


def test_an_old_bundle_without_errors_is_still_readable(tmp_path: Path) -> None:
    estate, coverage = audit(rebuild(tmp_path, manifest=old_format))
    assert estate.table("guests").num_rows == 23 and coverage["HYV-03"].status == "assessed"
    assert any("made by collector version 1.0.0, which records no per-object status" in i.message
               for i in estate.issues)


def test_every_error_is_counted_not_only_the_first_twenty(tmp_path: Path) -> None:
    def edit(doc: dict) -> None:
        doc["errors"] = [{"node": f"HV0{1 + n % 3}", "cmdlet": "Get-VHD", "message": f"disk {n}"} for n in range(45)]

    estate, _ = audit(rebuild(tmp_path, manifest=edit))
    counted = [i for i in estate.issues if "the collector reported 45 error(s)" in i.message]
    assert len(counted) == 1 and counted[0].rows == 45
    assert "Get-VHD on HV01: 15" in counted[0].message


def test_an_empty_vm_list_is_an_error_and_nothing_is_assessed(tmp_path: Path, cli) -> None:  # type: ignore[no-untyped-def]
    """Not elevated: Get-VM returns nothing and no error. Never '1 host, 0 guests, all assessed'."""
    per_vm = ("Get-VM", "Get-VMHardDiskDrive", "Get-VHD", "Get-VMNetworkAdapter", "Get-VMDvdDrive",
              "Get-VMFibreChannelHba", "Get-VMAssignableDevice", "Get-VMProcessor", "Get-ClusterGroup",
              "Get-ClusterOwnerNode")
    bundle = rebuild(tmp_path, files=dict.fromkeys(per_vm, HEADER_ONLY))
    estate, coverage = audit(bundle)
    assert any(m.startswith("the export lists no VM at all") for m in errors(estate))
    hyperv = {rule: c for rule, c in coverage.items() if rule.startswith("HYV")}
    assert {c.status for c in hyperv.values()} == {"not-assessed"}
    result = cli(["audit", bundle, "--json", tmp_path / "f.json", "-o", tmp_path / "r.pdf"])
    doc = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert result.code == 0 and doc["estate"]["guests"] == 0
    assert {c["status"] for c in doc["coverage"] if c["rule"].startswith("HYV")} == {"not-assessed"}


def test_a_node_without_vms_that_the_cluster_says_owns_vms(tmp_path: Path) -> None:
    """HV03's VM list was read empty (a UAC-filtered token there) while the cluster lists its VM roles."""
    def drop_hv03(data: bytes) -> bytes:
        lines = data.split(b"\r\n")
        return b"\r\n".join(line for line in lines if b'"HV03"' not in line)

    with zipfile.ZipFile(SAMPLE) as source:
        vms = drop_hv03(source.read("Get-VM.csv"))
    estate, coverage = audit(rebuild(tmp_path, files={"Get-VM": vms}))
    assert any(m.startswith("HV03 lists no VM although the cluster says it owns") for m in errors(estate))
    for rule in ("HYV-04", "HYV-08", "HYV-10", "HYV-15"):
        assert coverage[rule].status == "not-assessed", rule
        assert "on HV03" in coverage[rule].reason


def test_a_cluster_that_could_not_be_read_is_not_a_standalone_host(tmp_path: Path) -> None:
    def edit(doc: dict) -> None:
        status()(doc)
        doc.update(clustered=None, cluster=None, cluster_status="failed",
                   cluster_error="Get-Cluster: Access is denied")

    files = {"Get-ClusterNode": None, "Get-ClusterGroup": None, "Get-ClusterSharedVolume": None,
             "Get-ClusterOwnerNode": None}
    estate, coverage = audit(rebuild(tmp_path, manifest=edit, files=files))
    for rule in ("HYV-09", "HYV-15"):
        assert coverage[rule].status == "not-assessed", rule
        assert "Access is denied" in coverage[rule].reason
    assert any("Grant-ClusterAccess -ReadOnly" in m for m in errors(estate))


def test_partial_results_of_one_node_are_not_assessed(tmp_path: Path) -> None:
    """One VM failed (deleted mid-run): the node's other disks are there, but the check is not complete."""
    estate, coverage = audit(rebuild(tmp_path, manifest=status(
        {"object": "Get-VMHardDiskDrive", "node": "HV01", "status": "partial", "rows": 9, "errors": 1,
         "message": "1 of 7 VM(s) failed"})))
    assert estate.table("disks").num_rows > 0
    for rule in ("HYV-01", "HYV-02", "HYV-04", "HYV-08"):
        assert coverage[rule].status == "not-assessed"
        assert "Get-VMHardDiskDrive partial on HV01 (1 of 7 VM(s) failed)" in coverage[rule].reason
    assert any(i.level == "warning" and i.message.startswith("Get-VMHardDiskDrive partial on HV01")
               for i in estate.issues)


def test_a_node_not_reached_leaves_every_per_node_check_unassessed(tmp_path: Path) -> None:
    def edit(doc: dict) -> None:
        status()(doc)
        doc["nodes_reached"], doc["nodes_not_reached"] = ["HV01", "HV02"], ["HV03"]

    estate, coverage = audit(rebuild(tmp_path, manifest=edit))
    for rule in ("HYV-03", "HYV-05", "HYV-11", "HYV-12", "HYV-13"):
        assert coverage[rule].status == "not-assessed", rule
        assert "on HV03" in coverage[rule].reason
    assert any(m.startswith("Get-VMHost failed on HV03: node not reached") for m in errors(estate))


def test_allow_partial_is_said(tmp_path: Path) -> None:
    def edit(doc: dict) -> None:
        status()(doc)
        doc["partial_allowed"] = True
        doc["preflight"] = [{"check": "elevated", "ok": False, "message": "not elevated"}]

    estate, _ = audit(rebuild(tmp_path, manifest=edit))
    assert any("-AllowPartial" in i.message and "not elevated" in i.message for i in estate.issues)


@pytest.mark.parametrize("sep", [",", ";"])
def test_use_quotes_never_rows_with_the_delimiter_are_skipped_and_counted(tmp_path: Path, sep: str) -> None:
    """PowerShell 7 'Export-Csv -UseQuotes Never': a value with the delimiter shifts the columns."""
    header = sep.join(["VMName", "VMId", "Name", "State", "ComputerName", "IsClustered", "Notes"])
    rows = [
        sep.join(["DC01", "8b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3", "DC01", "Running", "HVSA01", "False", "domain"]),
        sep.join(["APP01", "9b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3", "APP01", "Running", "HVSA01", "False",
                  f"web{sep} app{sep} HVPHANTOM"]),
    ]
    folder = tmp_path / "loose"
    folder.mkdir()
    (folder / "vms.csv").write_text("\r\n".join([header, *rows]) + "\r\n", encoding="utf-8")
    estate = load_hyperv(folder, 0, MapOptions())
    assert estate.table("guests").column("name").to_pylist() == ["DC01"]
    assert "HVPHANTOM" not in str(estate.table("hosts").column("name").to_pylist())
    skipped = [i for i in estate.issues if i.skipped and "-UseQuotes Never" in i.message]
    assert len(skipped) == 1 and skipped[0].rows == 1 and skipped[0].row == 3
    assert estate.sources.column("rows_skipped").to_pylist() == [1]


def test_question_marks_of_an_ascii_export_are_noted(tmp_path: Path) -> None:
    header = '"VMName","VMId","Name","State","ComputerName"'
    row = '"B?ro-Server","8b1c2d3e-4f50-4a6b-9c7d-8e9fa0b1c2d3","B?ro-Server","Running","HVSA01"'
    folder = tmp_path / "ascii"
    folder.mkdir()
    (folder / "vms.csv").write_bytes(f"{header}\r\n{row}\r\n".encode("ascii"))
    estate = load_hyperv(folder, 0, MapOptions())
    notes = [i for i in estate.issues if "'-Encoding UTF8'" in i.message]
    assert {i.column for i in notes} == {"VMName", "Name"} and all(i.row == 2 for i in notes)
    assert estate.table("guests").column("name").to_pylist() == ["B?ro-Server"]

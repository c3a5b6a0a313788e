"""Hyper-V bundles as an unlucky or hostile user hands them over: an interrupted run, a manifest with
wrong types, a Replica copy of a VM, an archive inside the bundle."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

from tests.conftest import SAMPLES

BUNDLE = SAMPLES / "hyperv" / "hyperv-3node.zip"


def _members() -> dict[str, bytes]:
    with zipfile.ZipFile(BUNDLE) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _manifest(members: dict[str, bytes]) -> dict:
    return json.loads(members["manifest.json"].decode("utf-8-sig"))


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def _audit(cli, path: Path, tmp_path: Path) -> dict:
    out = tmp_path / "f.json"
    result = cli(["audit", path, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    return json.loads(out.read_text())


def _with_manifest(tmp_path: Path, **changes: object) -> Path:
    members = _members()
    manifest = {**_manifest(members), **changes}
    return _zip(tmp_path / "bundle.zip", {**members, "manifest.json": json.dumps(manifest).encode()})


def _statuses(found: dict) -> dict[str, str]:
    return {c["rule"]: c["status"] for c in found["coverage"]}


def test_the_sample_bundle_is_assessed_in_full(cli, tmp_path: Path) -> None:
    assert set(_statuses(_audit(cli, BUNDLE, tmp_path)).values()) == {"assessed"}


def test_an_interrupted_collector_run_is_never_read_as_clean(cli, tmp_path: Path) -> None:
    """'complete': false is written when the run was stopped: nodes still being read have no record."""
    found = _audit(cli, _with_manifest(tmp_path, complete=False), tmp_path)
    statuses = _statuses(found)
    assert statuses and set(statuses.values()) == {"not-assessed"}
    [issue] = [d for d in found["data_quality"] if "did not finish" in d["message"]]
    assert issue["level"] == "error" and issue["sheet"] == "manifest.json"
    assert "'complete' is false, not true" in issue["message"]
    assert "run the collector again and let it finish" in issue["message"]


def test_nodes_not_reached_written_as_one_name_instead_of_a_list_still_counts(cli, tmp_path: Path) -> None:
    found = _audit(cli, _with_manifest(tmp_path, nodes_not_reached="HV02"), tmp_path)
    assert _statuses(found)["HYV-01"] == "not-assessed"
    assert any(d["message"].startswith("Get-VMHost failed on HV02: node not reached") for d in found["data_quality"])


def test_a_status_the_importer_does_not_know_is_not_taken_as_ok(cli, tmp_path: Path) -> None:
    records = _manifest(_members())["status"]
    changed = [{**r, "status": "aborted"} if (r["object"], r["node"]) == ("Get-VM", "HV02") else r for r in records]
    found = _audit(cli, _with_manifest(tmp_path, status=changed), tmp_path)
    coverage = {c["rule"]: c for c in found["coverage"]}
    assert coverage["HYV-01"]["status"] == "not-assessed"
    assert "partial on HV02 (its VM list partial: status 'aborted' not understood)" in coverage["HYV-01"]["reason"]


def test_a_replica_copy_listed_first_does_not_move_the_guest_off_its_running_host(cli, tmp_path: Path) -> None:
    """Hyper-V Replica keeps the VMId: the same VM, off, on another node. The running row is the guest."""
    members = _members()
    rows = list(csv.reader(io.StringIO(members["Get-VM.csv"].decode("utf-8-sig"), newline="")))
    header = rows[0]
    name, state, node = header.index("VMName"), header.index("State"), header.index("ComputerName")
    [running] = [r for r in rows[1:] if r[name] == "SQLFCI-N1"]
    assert (running[node], running[state]) == ("HV01", "Running")
    replica = [*running]
    replica[node], replica[state] = "HV03", "Off"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows([header, replica, *rows[1:]])
    bundle = _zip(tmp_path / "bundle.zip", {**members, "Get-VM.csv": buffer.getvalue().encode("utf-8-sig")})
    found = _audit(cli, bundle, tmp_path)
    [sql] = [c for c in found["faux_clusters"] if c["name"].startswith("SQLFCI")]
    assert sql["hosts"] == ["HV01", "HV02"]
    assert all(f["host"] == "HV01" for f in found["findings"] if (f["guest"] or {}).get("name") == "SQLFCI-N1")
    [source] = found["estate"]["sources"]
    assert source["rows_skipped"] == 1 and source["rows_read"] == source["rows_used"] + 1
    assert any("the row where it runs is used" in d["message"] for d in found["data_quality"])


def test_an_archive_inside_the_bundle_is_named_not_ignored_unseen(cli, tmp_path: Path) -> None:
    members = _members()
    disks = members.pop("Get-VMHardDiskDrive.csv")
    inner = _zip(tmp_path / "inner.zip", {"Get-VMHardDiskDrive.csv": disks})
    bundle = _zip(tmp_path / "bundle.zip", {**members, "more/inner.zip": inner.read_bytes()})
    found = _audit(cli, bundle, tmp_path)
    [issue] = [d for d in found["data_quality"] if "archive inside the bundle" in d["message"]]
    assert issue["sheet"] == "more/inner.zip" and "extract it" in issue["message"]
    assert _statuses(found)["HYV-01"] == "not-assessed"


def _blank_node_names(members: dict[str, bytes], keep: int = 0) -> bytes:
    rows = list(csv.reader(io.StringIO(members["Get-ClusterNode.csv"].decode("utf-8-sig"), newline="")))
    name = rows[0].index("Name")
    for row in rows[1 + keep:]:
        row[name] = ""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


CLUSTER_RULES = ("HYV-07", "HYV-09", "HYV-13", "HYV-14", "HYV-15", "HYV-16", "HYV-20")


def test_cluster_nodes_without_names_are_skipped_rows_and_leave_cluster_checks_not_assessed(
        cli, tmp_path: Path) -> None:
    """Blanked node names made every host look standalone: seven cluster checks stayed 'assessed' with no finding."""
    members = _members()
    for keep in (0, 2):  # every name blank, or the last node's only
        bundle = _zip(tmp_path / "bundle.zip", {**members, "Get-ClusterNode.csv": _blank_node_names(members, keep)})
        found = _audit(cli, bundle, tmp_path)
        coverage = {c["rule"]: c for c in found["coverage"]}
        for rule in CLUSTER_RULES:
            assert coverage[rule]["status"] == "not-assessed", rule
            assert f"{3 - keep} of 3 node row(s) have no Name" in coverage[rule]["reason"]
        assert coverage["HYV-01"]["status"] == "assessed"
        [issue] = [d for d in found["data_quality"] if "the node has no Name" in d["message"]]
        assert (issue["sheet"], issue["row"], issue["column"], issue["rows"]) == (
            "Get-ClusterNode.csv", 2 + keep, "Name", 3 - keep)
        [source] = found["estate"]["sources"]
        assert source["rows_skipped"] == 3 - keep
        assert {h["cluster"] for h in found["hosts"]} == {"HVCL01"}  # the manifest still names the cluster


def test_a_standalone_export_without_a_node_list_keeps_its_cluster_checks(cli, tmp_path: Path) -> None:
    found = _audit(cli, SAMPLES / "hyperv" / "loose", tmp_path)
    coverage = {c["rule"]: c["status"] for c in found["coverage"]}
    assert coverage["HYV-07"] == "assessed" and coverage["HYV-09"] == "not-assessed"


def _with_second_column(members: dict[str, bytes], column: str, change: bool) -> bytes:
    rows = list(csv.reader(io.StringIO(members["Get-VM.csv"].decode("utf-8-sig"), newline="")))
    at = rows[0].index(column)
    out = [[*rows[0], column.upper()]] + [[*r, (r[at] + "-copy") if change else r[at]] for r in rows[1:]]
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_ALL).writerows(out)
    return buffer.getvalue().encode("utf-8-sig")


def test_a_header_written_twice_with_different_values_stops_the_audit_naming_file_and_column(
        cli, tmp_path: Path) -> None:
    """Before: the second 'State' column was renamed 'State_1' and ignored, whatever it said."""
    members = _members()
    bundle = _zip(tmp_path / "bundle.zip", {**members, "Get-VM.csv": _with_second_column(members, "State", True)})
    result = cli(["audit", bundle, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3 and "Traceback" not in result.stderr
    assert "Get-VM.csv" in result.stderr and "the column 'STATE' appears twice" in result.stderr
    assert "delete one of the two columns" in result.stderr


def test_a_header_written_twice_with_the_same_values_is_noted(cli, tmp_path: Path) -> None:
    members = _members()
    bundle = _zip(tmp_path / "bundle.zip", {**members, "Get-VM.csv": _with_second_column(members, "State", False)})
    found = _audit(cli, bundle, tmp_path)
    [issue] = [d for d in found["data_quality"] if "appears twice" in d["message"]]
    assert (issue["sheet"], issue["column"]) == ("Get-VM.csv", "STATE") and "the first is used" in issue["message"]
    assert set(_statuses(found).values()) == {"assessed"}

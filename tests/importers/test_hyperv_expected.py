"""Hand-made Hyper-V files: a Get-VMHardDiskDrive file without a row for a node's VMs is a failed read
(not elevated, the command failed, or a node left out), never "these VMs have no disks"."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

LOOSE = Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "loose"
DISK_RULES = ("HYV-01", "HYV-02", "HYV-04", "HYV-08")


def _copy(tmp_path: Path, keep: Any) -> Path:
    """The loose sample with only the disks.csv lines for which ``keep(line)`` holds (header kept)."""
    folder = tmp_path / "loose"
    shutil.copytree(LOOSE, folder)
    disks = folder / "disks.csv"
    head, *rows = disks.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    disks.write_text(head + "".join(r for r in rows if keep(r)), encoding="utf-8-sig")
    return folder


def _audit(cli: Any, folder: Path) -> dict[str, Any]:
    out = folder.parent / "f.json"
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def _coverage(document: dict[str, Any]) -> dict[str, tuple[str, str]]:
    return {c["rule"]: (c["status"], c["reason"] or "") for c in document["coverage"]}


def test_a_header_only_disk_file_is_not_read_as_vms_without_disks(cli: Any, tmp_path: Path) -> None:
    """Before: HYV-01/02/04/08 'assessed' over 7 VMs without a single disk, and nothing said."""
    found = _audit(cli, _copy(tmp_path, lambda row: False))
    coverage = _coverage(found)
    for rule in DISK_RULES:
        status, reason = coverage[rule]
        assert status == "not-assessed", rule
        assert "Get-VMHardDiskDrive failed on HVSA01 (no virtual disk listed for any of its 4 VM(s))" in reason
    lines = [d["message"] for d in found["data_quality"] if "lists no virtual disk" in d["message"]]
    assert len(lines) == 2 and "the 3 VM(s) on HVSA02" in lines[1] and "Export it again elevated" in lines[1]


def test_a_node_left_out_of_the_disk_file_is_a_gap_there_only(cli: Any, tmp_path: Path) -> None:
    plain = _audit(cli, _copy(tmp_path / "a", lambda row: True))
    found = _audit(cli, _copy(tmp_path / "b", lambda row: '"HVSA02"' not in row))
    for rule in DISK_RULES:
        assert _coverage(plain)[rule][0] == "assessed"
        status, reason = _coverage(found)[rule]
        assert status == "not-assessed" and "on HVSA02" in reason and "HVSA01" not in reason
    [line] = [d for d in found["data_quality"] if "lists no virtual disk" in d["message"]]
    assert "the 3 VM(s) on HVSA02" in line["message"]
    # HVSA01's disk findings are still shown
    def on_01(document: dict[str, Any]) -> list[tuple[str, str]]:
        return sorted((f["rule"], f["evidence"]) for f in document["findings"]
                      if f["host"] == "HVSA01" and f["rule"] in DISK_RULES)
    assert on_01(found) == on_01(plain)


def test_a_column_one_hosts_file_lacks_is_unknown_for_the_object(cli: Any, tmp_path: Path) -> None:
    """Before: with ConfigurationLocation left out of one host's Get-VM file only, the other file's column counted
    for both and HYV-08 stayed 'assessed' over VMs whose configuration path was unknown (exhaustive mutation
    run; likewise Version for HYV-14)."""
    import csv
    import io

    folder = _copy(tmp_path, lambda row: True)
    vms = folder / "vms-hvsa01.csv"
    type_line, body = vms.read_text(encoding="utf-8-sig").split("\n", 1)
    rows = list(csv.reader(io.StringIO(body)))
    at = rows[0].index("ConfigurationLocation")
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(
        [c for i, c in enumerate(r) if i != at] for r in rows)
    vms.write_text(type_line + "\n" + out.getvalue(), encoding="utf-8-sig")
    found = _audit(cli, folder)
    status, reason = _coverage(found)["HYV-08"]
    assert status == "not-assessed" and "Get-VM lacks column" in reason and "'ConfigurationLocation'" in reason
    [line] = [d for d in found["data_quality"] if d["column"] == "ConfigurationLocation"]
    assert line["message"].startswith("vms-hvsa01.csv lack(s) the Get-VM column ConfigurationLocation")


def test_a_hosts_empty_vm_file_is_a_failed_read_there(cli: Any, tmp_path: Path) -> None:
    """Before: with HVSA01's Get-VM file header-only, its 4 VMs vanished, 15 rows of their disks and adapters
    were skipped, and HYV-05/08/12 stayed 'assessed' without HVSA01's findings."""
    folder = _copy(tmp_path, lambda row: True)
    vms = folder / "vms-hvsa01.csv"
    type_line, header, *_ = vms.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    vms.write_text(type_line + header, encoding="utf-8-sig")
    found = _audit(cli, folder)
    for rule in ("HYV-05", "HYV-08", "HYV-12"):
        status, reason = _coverage(found)[rule]
        assert status == "not-assessed" and "failed on HVSA01" in reason and "HVSA02" not in reason, (rule, reason)
    [line] = [d for d in found["data_quality"] if d["message"].startswith("Get-VM lists no VM on HVSA01")]
    assert line["level"] == "error" and "Export Get-VM on that host again" in line["message"]

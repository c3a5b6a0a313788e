"""A note typed under a Hyper-V table ('Total: see summary', as people type totals) is not an object of the export.

Read as a VM with no VMId, it left every Hyper-V check of the bundle not assessed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.importers.hyperv_bundle import audit_members, members, rows


def _with_note(name: str) -> dict[str, bytes]:
    files = members()
    width = len(rows(files[name])[0])
    note = '"Total: see summary"' + ',""' * (width - 1)
    files[name] = files[name].rstrip(b"\r\n") + b"\r\n" + b'""' + b',""' * (width - 1) + b"\r\n" + note.encode() + b"\r\n"
    return files


def _summary(found: dict[str, Any]) -> tuple[dict[str, str], list[tuple[str, str, str, str]]]:
    return ({c["rule"]: c["status"] for c in found["coverage"]},
            sorted((f["rule"], str(f["guest"]), f["host"] or "", f["evidence"]) for f in found["findings"]))


@pytest.mark.parametrize("name", ["Get-VM.csv", "Get-VMHardDiskDrive.csv", "Get-VMHost.csv"])
def test_a_note_under_a_table_is_skipped_and_said_and_changes_no_finding(cli, tmp_path: Path, name: str) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    intact = audit_members(cli, members(), tmp_path / "a")
    noted = audit_members(cli, _with_note(name), tmp_path / "b")
    assert _summary(noted) == _summary(intact)
    [issue] = [d for d in noted["data_quality"] if "only one cell holds a value" in d["message"]]
    assert issue["sheet"] == name and issue["level"] == "warning"
    assert "'Total: see summary'" in issue["message"] and "not an object of the export" in issue["message"]
    said = [(d["level"], d["row"], d["message"]) for d in noted["data_quality"] if d["sheet"] == name]
    assert said == [("info", issue["row"] - 1, "1 blank row(s) skipped"), ("warning", issue["row"], issue["message"])]

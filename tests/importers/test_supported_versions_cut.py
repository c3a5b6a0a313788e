"""Get-VMHostSupportedVersion cut short: the top of a node's list lost made the node look older than it is, and
HYV-14 reported 22 ties that are not there on the sample bundle. A node whose list the export does not fully show
now has an unknown highest version: HYV-14 is not assessed, data quality names the node, no false tie is made."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.importers.hyperv_bundle import audit_members, members, rows, zip_members

FILE = "Get-VMHostSupportedVersion.csv"
SAMPLE = members()[FILE]


def _lines(keep: int) -> bytes:
    """The file's header and its first ``keep`` records, each line whole (a copy stopped between lines)."""
    return b"".join(SAMPLE.splitlines(keepends=True)[: keep + 1])


def _without(node: str) -> bytes:
    return b"".join(line for line in SAMPLE.splitlines(keepends=True) if f'"{node}"'.encode() not in line)


def _hyv14(found: dict[str, Any]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    [coverage] = [c for c in found["coverage"] if c["rule"] == "HYV-14"]
    return [f for f in found["findings"] if f["rule"] == "HYV-14"], coverage


def _note(found: dict[str, Any]) -> str:
    [note] = [d["message"] for d in found["data_quality"]
              if (d["sheet"] or "").startswith("Get-VMHostSupportedVersion") and "are not fully shown" in d["message"]]
    return str(note)


def test_the_whole_sample_has_one_true_tie(cli, tmp_path: Path) -> None:
    tied, coverage = _hyv14(audit_members(cli, members(), tmp_path))
    assert [f["guest"]["name"] for f in tied] == ["NEWVER01"] and coverage["status"] == "assessed"


@pytest.mark.parametrize(("name", "data", "nodes", "why"), [
    ("bytes-35%", SAMPLE[: int(len(SAMPLE) * 0.35)], "HV01, HV02, HV03", "stops before its default version"),
    ("lines-10", _lines(10), "HV01, HV02, HV03", "stops before its default version"),
    ("lines-29", _lines(29), "HV03", "stops before its default version"),
    ("HV01-removed", _without("HV01"), "HV01", "the file lists other nodes but none of its versions"),
    ("header-only", _lines(0), "HV01, HV02, HV03", "the file has a header and no rows"),
    ("empty", b"", "HV01, HV02, HV03", "the file is missing or empty, though the collector's manifest says"),
])
def test_a_list_not_fully_shown_leaves_hyv14_not_assessed_and_makes_no_false_tie(
        cli, tmp_path: Path, name: str, data: bytes, nodes: str, why: str) -> None:
    found = audit_members(cli, {**members(), FILE: data}, tmp_path)
    tied, coverage = _hyv14(found)
    assert coverage["status"] == "not-assessed", name
    assert "Get-VMHostSupportedVersion was not fully read" in coverage["reason"] and why in coverage["reason"]
    # the one true tie stays (HV01 and HV02 are shown up to 10.0, or NEWVER01 runs where nothing else can tell)
    assert {f["guest"]["name"] for f in tied} <= {"NEWVER01"}, name
    assert f"the configuration versions that {nodes} support are not fully shown" in _note(found)
    assert "HYV-14 (configuration version not supported by every node) is not assessed" in _note(found)


def test_a_node_left_out_is_named_where_the_tie_is_told(cli, tmp_path: Path) -> None:
    """NEWVER01 (12.0) on HV03: HV02 runs up to 10.0, HV01's list is gone: it may run it, so NEWVER01 is not alone."""
    tied, _ = _hyv14(audit_members(cli, {**members(), FILE: _without("HV01")}, tmp_path))
    [newver] = tied
    assert newver["evidence"].endswith("nodes that cannot run it: HV02 (up to 10.0); not known for HV01")
    assert newver["severity"] == "medium" and newver["targets"] == ["HV01"]


def test_a_version_not_understood_leaves_the_node_unknown(cli, tmp_path: Path) -> None:
    """Excel makes a date of '9.1' in de-DE: the node's list is not understood, never read around."""
    table = rows(SAMPLE)
    table = [[("09. Jan" if cell == "9.1" else cell) for cell in row] for row in table]
    data = "\r\n".join(",".join(f'"{c}"' for c in row) for row in table).encode("utf-8-sig") + b"\r\n"
    found = audit_members(cli, {**members(), FILE: data}, tmp_path)
    tied, coverage = _hyv14(found)
    assert coverage["status"] == "not-assessed" and {f["guest"]["name"] for f in tied} <= {"NEWVER01"}
    assert "the configuration versions that HV01, HV02, HV03 support are not fully shown (its list holds a version " \
        "not understood)" in _note(found)


def test_without_the_file_the_os_build_still_tells(cli, tmp_path: Path) -> None:
    """A loose export (no manifest) without the object: the highest version comes from the OS build, as before."""
    files = {k: v for k, v in members().items() if k not in (FILE, "manifest.json")}
    tied, coverage = _hyv14(audit_members(cli, files, tmp_path))
    assert coverage["status"] == "assessed" and [f["guest"]["name"] for f in tied] == ["NEWVER01"]


def test_the_pdf_says_not_assessed_on_the_cut_sample(cli, tmp_path: Path) -> None:
    bundle = zip_members(tmp_path / "cut.zip", {**members(), FILE: SAMPLE[: int(len(SAMPLE) * 0.35)]})
    pdf = tmp_path / "report.pdf"
    result = cli(["audit", bundle, "-o", pdf, "-q"])
    assert result.code in (0, 1), result.stderr
    text = " ".join(subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "HYV-14 VM configuration version not supported by medium not assessed not run" in text

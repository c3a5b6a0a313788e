"""Zips made on Windows: Compress-Archive of Windows PowerShell 5.1 names a folder's files with '\\'
('export\\RVTools_tabvInfo.csv'), and some tools upper-case file names. They are read as the folder would be:
never refused as 'not a Hyper-V export', and never a collector's manifest passed over (its failed cmdlets would
then be audited as clean)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

from tests.conftest import SAMPLES
from tests.importers.test_hyperv_status import HEADER_ONLY, audit, rebuild, status


def _windows_zip(source: Path, target: Path, folder: str, *, upper: bool = False) -> Path:
    """Every member of ``source`` (a zip) or file of ``source`` (a folder) under ``folder\\``."""
    if source.is_dir():
        files = {p.name: p.read_bytes() for p in sorted(source.iterdir())}
    else:
        with zipfile.ZipFile(source) as archive:
            files = {n: archive.read(n) for n in archive.namelist()}
    with zipfile.ZipFile(target, "w") as out:
        for name, data in files.items():
            out.writestr(f"{folder}\\{name.upper() if upper else name}", data)
    return target


def test_an_rvtools_csv_folder_zipped_with_windows_separators_is_read(cli, tmp_path: Path) -> None:
    for upper in (False, True):
        export = _windows_zip(SAMPLES / "rvtools-csv" / "acme-vc01", tmp_path / f"rv{upper}.zip", "acme-vc01",
                              upper=upper)
        out = tmp_path / f"f{upper}.json"
        result = cli(["audit", export, "--json", out, "-q"])
        assert result.code == 0, result.stderr
        found = json.loads(out.read_text())
        assert (found["estate"]["guests"], found["estate"]["hosts"], len(found["faux_clusters"])) == (88, 12, 4)


def test_a_hyperv_bundle_zipped_with_windows_separators_keeps_its_manifest(tmp_path: Path) -> None:
    failed = rebuild(tmp_path, files={"Get-VMFibreChannelHba": HEADER_ONLY}, manifest=status(
        {"object": "Get-VMFibreChannelHba", "node": "HV02", "status": "failed", "message": "Access is denied."}))
    estate, coverage = audit(_windows_zip(failed, tmp_path / "windows.zip", "hv-export"))
    assert coverage["HYV-03"].status == "not-assessed"
    assert "Get-VMFibreChannelHba failed on HV02 (Access is denied.)" in coverage["HYV-03"].reason
    assert estate.sources["tool_version"].to_pylist() == ["2.0.0"]


def test_two_exports_in_one_zip_are_named_with_their_folders(cli, tmp_path: Path) -> None:
    folder = SAMPLES / "rvtools-csv" / "acme-vc01"
    both = tmp_path / "both.zip"
    with zipfile.ZipFile(both, "w") as out:
        for file in sorted(folder.iterdir()):
            out.writestr(f"vc1/{file.name}", file.read_bytes())
            out.writestr(f"vc2/{file.name}", file.read_bytes())
    result = cli(["audit", both, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3
    assert "'vc1/RVTools_tabdvPort.csv' and 'vc2/RVTools_tabdvPort.csv' both hold the dvPort tab" in result.stderr
    assert "give each export (its folder, zip or workbook) on the command line" in result.stderr

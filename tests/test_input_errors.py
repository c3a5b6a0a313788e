"""Every decode and parse error is an input error; an internal error says how to report it."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.rvtools_files import small_estate, write_csv_folder


@pytest.mark.parametrize("tab", ["vInfo", "vDisk"])
def test_a_utf16_csv_cut_to_an_odd_byte_count_is_exit_3_naming_it(cli, tmp_path: Path, tab: str) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export", encoding="utf-16", bom=True)
    cut = folder / f"RVTools_tab{tab}.csv"
    cut.write_bytes(cut.read_bytes()[:-1])
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"reportgen: input error: {cut}: is UTF-16 text that cannot be decoded at byte ")
    assert "cut short" in line and "export the file again" in line


def test_a_hyperv_csv_cut_to_an_odd_byte_count_is_exit_3(cli, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLES / "hyperv" / "loose", folder)
    disks = folder / "disks.csv"
    disks.write_bytes(disks.read_text(encoding="utf-8").encode("utf-16")[:-1])
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert "disks.csv: is UTF-16 text that cannot be decoded" in result.stderr


def test_a_hyperv_folder_with_a_folder_and_a_broken_link_named_like_csvs(cli, tmp_path: Path) -> None:
    folder = tmp_path / "bundle"
    shutil.copytree(SAMPLES / "hyperv" / "loose", folder)
    (folder / "sub.csv").mkdir()
    (folder / "gone.csv").symlink_to(tmp_path / "nowhere.csv")
    out = tmp_path / "f.json"
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    quality = {(i["sheet"], i["message"]) for i in json.loads(out.read_text())["data_quality"]}
    assert ("sub.csv", "is a folder, not a file; skipped") in quality
    assert ("gone.csv", "is a broken symbolic link; skipped") in quality


@pytest.mark.parametrize("debug", [False, True])
def test_an_internal_error_says_it_is_a_bug_and_what_to_send(cli, tmp_path: Path, monkeypatch, debug: bool) -> None:
    from reportgen import cli as command

    def broken(*_: object) -> int:
        raise KeyError("guest_key")

    monkeypatch.setattr(command, "_audit", broken)
    result = cli(["audit", tmp_path / "vc.xlsx", "-q", *(["--debug"] if debug else [])])
    assert result.code == 70
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith("reportgen: internal error: KeyError: 'guest_key'. This is a bug in reportgen ")
    assert "not a fault of the input" in last and "send the reportgen maintainers the command line" in last
    assert ("is printed above" in last) is debug and ("prints with --debug" in last) is not debug
    assert ("Traceback" in result.stderr) is debug


@pytest.mark.parametrize("damage", ["stray cell below an empty tab", "only row cut short"])
def test_a_csv_whose_records_do_not_match_the_header_is_read_and_the_rows_named(
        cli, tmp_path: Path, damage: str) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    if damage == "stray cell below an empty tab":
        target = folder / "RVTools_tabvSnapshot.csv"  # the small estate has no snapshots: a header only
        target.write_bytes(b"VM,Name,VM ID\r\n\r\n,,Total,42\r\n")
        row = 3
    else:
        target = folder / "RVTools_tabvCluster.csv"
        lines = target.read_bytes().splitlines()
        target.write_bytes(b"\r\n".join([lines[0], lines[1][:40]]) + b"\r\n")  # the second cluster is gone too
        row = 2
    out = tmp_path / "f.json"
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    [said] = [i for i in json.loads(out.read_text())["data_quality"] if "more or fewer fields" in i["message"]]
    assert said["level"] == "warning" and said["sheet"] == target.name and said["row"] == row and said["rows"] == 1


def test_a_vinfo_whose_rows_identify_no_vm_is_an_input_error_not_a_clean_audit(cli, tmp_path: Path) -> None:
    from tests.rvtools_files import write_xlsx

    est = small_estate()
    for g in est.guests:
        g.name = ""
    book = write_xlsx(est, tmp_path / "vc.xlsx", columns={"vInfo": ("VM ID", "VM UUID")})
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"reportgen: input error: {book}: none of the 5 rows of the vInfo tab names or identifies")
    assert not (tmp_path / "f.json").exists()

"""Bounded reading: only regular files inside the folder or archive given, within size limits,
chosen by name before anything is read (issue 14, item 1; issue 13, folders)."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.importers import load_estate
from reportgen.importers.bounded import MAX_CSV_BYTES, folder_entries
from tests.conftest import SAMPLES
from tests.hostile import deflated, noisy_block, repeated, stored, write_zip
from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx

HYPERV_ZIP = SAMPLES / "hyperv" / "hyperv-3node.zip"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """An RVTools CSV export of the small estate."""
    return write_csv_folder(small_estate(), tmp_path / "export")


def _tab(folder: Path, tab: str) -> Path:
    (found,) = [p for p in folder.iterdir() if p.name.endswith(f"tab{tab}.csv")]
    return found


def _quality(result_json: dict) -> list[tuple[str, str]]:
    return [(i["sheet"], i["message"]) for i in result_json["data_quality"]]


def test_a_folder_and_a_broken_link_named_like_csvs_are_skipped_and_named(cli, folder: Path, tmp_path: Path) -> None:
    (folder / "sub.csv").mkdir()
    vhost = _tab(folder, "vHost")
    vhost.unlink()
    vhost.symlink_to(tmp_path / "gone.csv")
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    quality = _quality(result.json(tmp_path / "f.json"))
    assert ("sub.csv", "is a folder, not a file; skipped") in quality
    assert (vhost.name, "is a broken symbolic link; skipped") in quality
    coverage = {c["rule"]: c for c in result.json(tmp_path / "f.json")["coverage"]}
    assert any("vHost" in c["reason"] for c in coverage.values() if c["status"] == "not-assessed")


@pytest.mark.parametrize("make", ["fifo", "link-to-device", "link-out-of-the-folder"])
def test_a_tab_that_is_not_a_file_in_the_folder_is_refused_before_anything_is_read(
        cli, folder: Path, tmp_path: Path, make: str) -> None:
    vinfo = _tab(folder, "vInfo")
    vinfo.unlink()
    if make == "fifo":
        os.mkfifo(vinfo)
        expected = "is a named pipe (FIFO), not a file; refused"
    elif make == "link-to-device":
        vinfo.symlink_to("/dev/zero")
        expected = "is a symbolic link to /dev/zero, outside the folder given; refused"
    else:
        secret = tmp_path / "passwd"
        secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
        vinfo.symlink_to(secret)
        expected = f"is a symbolic link to {secret}, outside the folder given; refused"
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3
    hint = "copy the export into a regular file first" if make == "fifo" else \
        "copy the file into the export's folder instead of linking to it"
    assert result.stderr == f"reportgen: input error: {vinfo}: {expected} ({hint})\n"
    assert not (tmp_path / "f.json").exists()


def test_a_device_or_a_fifo_named_on_the_command_line_is_refused(cli, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "export.xlsx")
    (tmp_path / "RVTools_tabvInfo.csv").symlink_to("/dev/zero")
    for path, kind in ((tmp_path / "export.xlsx", "a named pipe (FIFO)"), (Path("/dev/zero"), "a device"),
                       (tmp_path / "RVTools_tabvInfo.csv", "a device")):
        result = cli(["audit", path, "--json", tmp_path / "f.json", "-q"])
        assert result.code == 3, path
        assert f"{path}: is {kind}, not a file; refused" in result.stderr


def test_a_link_inside_the_folder_is_followed(cli, folder: Path, tmp_path: Path) -> None:
    vhost = _tab(folder, "vHost")
    (folder / "originals").mkdir()
    vhost.rename(folder / "originals" / vhost.name)
    vhost.symlink_to(Path("originals") / vhost.name)
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    assert result.json(tmp_path / "f.json")["estate"]["hosts"] == 4


def test_only_the_tabs_the_audit_needs_are_opened(folder: Path) -> None:
    """A pipe named like a tab reportgen does not read (vLicense) is never opened: no hang."""
    os.mkfifo(folder / "RVTools_tabvLicense.csv")
    os.mkfifo(folder / "notes.csv")
    assert load_estate([folder]).guests.num_rows == 5


def test_a_csv_larger_than_the_limit_is_refused_unread(folder: Path) -> None:
    vdisk = _tab(folder, "vDisk")
    with vdisk.open("r+b") as handle:  # sparse: nothing is written to the disk
        handle.truncate(MAX_CSV_BYTES + 1)
    with pytest.raises(InputError) as err:
        load_estate([folder])
    assert str(err.value).startswith(f"{vdisk}: is 256 MiB, more than the 256 MiB reportgen reads from one file")


def test_folder_entries_are_classified_without_opening_them(tmp_path: Path) -> None:
    (tmp_path / "a.csv").write_text("x")
    (tmp_path / "b.csv").symlink_to("a.csv")
    (tmp_path / "c.csv").symlink_to("missing.csv")
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "e.csv").write_text("x")
    (tmp_path / "f").symlink_to(tmp_path / "d")
    os.mkfifo(tmp_path / "g.csv")
    flat = {e.name: e.kind for e in folder_entries(tmp_path)}
    assert flat == {"a.csv": "file", "b.csv": "file", "c.csv": "broken", "d": "folder", "f": "folder",
                    "g.csv": "special"}
    deep = {e.name: e.kind for e in folder_entries(tmp_path, recursive=True)}
    assert deep["d/e.csv"] == "file" and deep["f"] == "folder" and "f/e.csv" not in deep  # links not followed


def test_hyperv_bundle_folder_refuses_a_pipe_and_names_a_broken_link(tmp_path: Path) -> None:
    bundle = tmp_path / "bundle"
    with zipfile.ZipFile(HYPERV_ZIP) as archive:
        archive.extractall(bundle)
    (bundle / "extra").mkdir()
    (bundle / "extra" / "old.csv").symlink_to(tmp_path / "gone.csv")
    estate = load_estate([bundle])
    assert ("extra/old.csv", "is a broken symbolic link; skipped") in [(i.sheet, i.message) for i in estate.issues]
    os.mkfifo(bundle / "extra" / "vms.csv")
    with pytest.raises(InputError, match="vms.csv: is a named pipe"):
        load_estate([bundle])


def test_a_zip_member_is_checked_before_it_is_inflated(tmp_path: Path) -> None:
    """A CSV member over the limit, at a ratio that passes the inflation guard, is refused unread."""
    with zipfile.ZipFile(HYPERV_ZIP) as archive:
        members = [deflated(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    big = repeated("big.csv", b"Name,State\n", noisy_block(), (MAX_CSV_BYTES >> 20) + 1, b"", crc=False)
    bundle = write_zip(tmp_path / "bundle.zip", [*members, big])
    with pytest.raises(InputError) as err:
        load_estate([bundle])
    assert str(err.value).startswith(f"{bundle}!big.csv: would inflate to 257 MiB, more than the 256 MiB")


def test_a_symlink_member_must_point_inside_the_archive(tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    folder = write_csv_folder(small_estate(), tmp_path / "csv")
    members = [stored(p.name, p.read_bytes()) for p in sorted(folder.iterdir()) if "vHost" not in p.name]
    inside = write_zip(tmp_path / "inside.zip", [*members, stored("RVTools_tabvHost.csv", b"../x", symlink=True)])
    with pytest.raises(InputError, match="is a symbolic link to '../x', which is not a file inside the archive"):
        load_estate([inside])
    host = next(p for p in folder.iterdir() if "vHost" in p.name)
    ok = write_zip(tmp_path / "ok.zip", [*members, stored("real/host.csv", host.read_bytes()),
                                         stored("RVTools_tabvHost.csv", b"real/host.csv", symlink=True)])
    assert load_estate([ok]).hosts.num_rows == load_estate([book]).hosts.num_rows


def test_a_workbook_is_known_by_its_content_whatever_its_name(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    renamed = shutil.copy(book, tmp_path / "export.xls")
    result = cli(["audit", renamed, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    assert result.json(tmp_path / "f.json")["estate"]["guests"] == 5
    (tmp_path / "old.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = cli(["audit", tmp_path / "old.xls", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3 and "is an old binary .xls workbook, or a password-protected one" in result.stderr

"""RVTools CSV folders as an unlucky or hostile user hands them over: old line ends, repeated headers."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pytest

from tests.rvtools_files import small_estate, write_csv_folder


def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def _write(path: Path, rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


def _audit(cli, folder: Path, out: Path) -> tuple[int, str, dict]:
    result = cli(["audit", folder, "--json", out, "-q"])
    return result.code, result.stderr, (json.loads(out.read_text()) if out.exists() else {})


def test_csvs_with_classic_mac_line_ends_are_read_like_the_original(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    for file in folder.glob("*.csv"):
        file.write_bytes(file.read_bytes().replace(b"\r\n", b"\r"))
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert found["estate"]["guests"] == 5 and found["estate"]["hosts"] == 4
    assert sorted(c["name"] for c in found["faux_clusters"]) == ["fs01 + fs02", "sql (2 nodes)"]


def test_a_header_row_broken_by_a_stray_carriage_return_is_an_input_error_naming_the_file(
        cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    disk = folder / "RVTools_tabvDisk.csv"
    disk.write_bytes(disk.read_bytes().replace(b"Powerstate,", b"Power\"st\rate,", 1))
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert f"{disk}: its header row cannot be read" in result.stderr
    assert "first line holds the column names" in result.stderr


def test_a_repeated_header_before_rvtools_own_is_not_guessed(cli, tmp_path: Path) -> None:
    """A 'VM ID' column put first by hand: which copy is RVTools' cannot be told, so neither is read
    (guests are told apart by name) instead of merging every guest into the hand-made value."""
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    for file in folder.glob("*.csv"):
        rows = _rows(file)
        if "VM ID" in rows[0]:
            _write(file, [["VM ID", *rows[0]], *(["same", *r] for r in rows[1:])])
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert found["estate"]["guests"] == 5
    assert sorted(c["name"] for c in found["faux_clusters"]) == ["fs01 + fs02", "sql (2 nodes)"]
    [source] = found["estate"]["sources"]
    assert source["rows_read"] == source["rows_used"] and source["rows_skipped"] == 0
    warnings = [d for d in found["data_quality"] if "cannot be told apart" in d["message"]]
    assert {d["sheet"] for d in warnings} >= {"RVTools_tabvInfo.csv", "RVTools_tabvDisk.csv"}
    assert all("'VM ID' appears 2 times (column numbers 1, " in d["message"] for d in warnings)
    assert all("rename or remove the copies" in d["message"] for d in warnings)


def test_a_repeated_host_column_added_after_the_last_rvtools_column_is_a_custom_attribute(
        cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    info = folder / "RVTools_tabvInfo.csv"
    rows = _rows(info)
    _write(info, [[*rows[0], "Host"], *([*r, "rack-7"] for r in rows[1:])])
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert found["estate"]["hosts"] == 4
    assert {h["name"] for h in found["hosts"]} == {f"esx0{i}.example.test" for i in range(1, 5)}
    assert any("'Host (custom attribute)'" in d["message"] for d in found["data_quality"])


def test_a_vdisk_tab_missing_rows_that_vinfo_counts_is_not_assessed_rather_than_clean(cli, tmp_path: Path) -> None:
    """vInfo says sql02 has two disks; its shared RDM row was deleted from vDisk. The guest cluster
    can no longer be seen, so the shared-disk checks must not be 'assessed' on what is left."""
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    disk = folder / "RVTools_tabvDisk.csv"
    rows = _rows(disk)
    vm, label = rows[0].index("VM"), rows[0].index("Label")
    _write(disk, [r for r in rows if not (r[vm] == "sql02" and r[label] == "SCSI controller 1")])
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    coverage = {c["rule"]: c for c in found["coverage"]}
    for rule in ("VMW-01", "VMW-02", "GEN-01"):
        assert coverage[rule]["status"] == "not-assessed", coverage[rule]
        assert coverage[rule]["reason"] == ("vDisk was not fully read: vInfo 'Disks' counts 1 disk(s) of 1 guest(s) "
                                            "that vDisk does not list")
    [issue] = [d for d in found["data_quality"] if "does not list" in d["message"]]
    assert issue["sheet"] == "RVTools_tabvDisk.csv" and "(e.g. sql02)" in issue["message"]
    assert "export vInfo and vDisk again together" in issue["message"]


def test_a_vnetwork_tab_with_only_its_header_is_not_read_as_no_nics(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    network = folder / "RVTools_tabvNetwork.csv"
    _write(network, _rows(network)[:1])
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    coverage = {c["rule"]: c for c in found["coverage"]}
    assert coverage["VMW-10"]["status"] == "not-assessed"
    assert "vInfo 'NICs' counts 1 network adapter(s) of 1 guest(s) that vNetwork does not list" in (
        coverage["VMW-10"]["reason"])
    assert coverage["VMW-01"]["status"] == "assessed"  # vDisk is whole


def test_tabs_that_list_every_counted_disk_and_nic_say_nothing(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert not [d for d in found["data_quality"] if "does not list" in d["message"]]
    assert all(c["status"] == "assessed" for c in found["coverage"] if c["rule"] in ("VMW-01", "VMW-10"))


def test_a_vinfo_emptied_while_other_tabs_list_vms_is_an_input_error(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    info = folder / "RVTools_tabvInfo.csv"
    _write(info, _rows(info)[:1])
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert (f"{folder}: the vInfo tab has no rows, but RVTools_tabvDisk.csv lists 9 row(s) of VMs: vInfo was emptied "
            "or cut short (export vInfo again from RVTools, with the other tabs)") in result.stderr


def test_two_files_holding_the_vinfo_tab_are_refused_not_one_picked(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    rows = _rows(folder / "RVTools_tabvInfo.csv")
    _write(folder / "vInfo.csv", rows[:2])
    result = cli(["audit", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert "both hold the vInfo tab, and reportgen cannot tell which one RVTools wrote" in result.stderr
    assert "'RVTools_tabvInfo.csv'" in result.stderr and "'vInfo.csv'" in result.stderr


def test_two_sheets_named_vinfo_in_another_case_are_refused(cli, tmp_path: Path) -> None:
    from tests.rvtools_files import tabs, write_tabs_xlsx

    written = tabs(small_estate())
    copy = written["vInfo"]
    draft = write_tabs_xlsx({**written, "XINFO": (copy[0], copy[1][:1])}, tmp_path / "draft.xlsx")
    book = tmp_path / "export.xlsx"  # Excel and xlsxwriter refuse names differing in case only; edited by hand
    with zipfile.ZipFile(draft) as source, zipfile.ZipFile(book, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            target.writestr(name, data.replace(b'name="XINFO"', b'name="VINFO"') if name == "xl/workbook.xml" else data)
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3, result.stderr
    assert (f"{book}: the sheets 'vInfo' and 'VINFO' both hold the vInfo tab, and reportgen cannot tell which one "
            "RVTools wrote (delete or rename the copy and audit again)") in result.stderr


def test_a_note_typed_under_the_vhost_table_is_not_a_host(cli, tmp_path: Path) -> None:
    """'Total: see summary' two rows under vHost became a standalone host with a VMW-24 finding."""
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    host = folder / "RVTools_tabvHost.csv"
    rows = _rows(host)
    width = len(rows[0])
    _write(host, [*rows, [""] * width, ["Total: see summary", *[""] * (width - 1)]])
    code, err, found = _audit(cli, folder, tmp_path / "f.json")
    assert code == 0, err
    assert found["estate"]["hosts"] == 4
    assert not [f for f in found["findings"] if f.get("host") == "Total: see summary"]
    [note] = [d for d in found["data_quality"] if "a note typed under or beside the table" in d["message"]]
    assert note["sheet"] == "RVTools_tabvHost.csv" and note["row"] == len(rows) + 2
    assert "only one cell holds a value (e.g. " in note["message"]
    [source] = found["estate"]["sources"]
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]


@pytest.mark.parametrize("delimiter", [",", ";"])
def test_excels_sep_line_names_the_delimiter(cli, tmp_path: Path, delimiter: str) -> None:
    """A CSV saved by Excel for another locale may start with 'sep=;'. Before: the hint line was read as the
    header, and the folder was refused as 'not an RVTools export'."""
    plain = write_csv_folder(small_estate(), tmp_path / "plain", delimiter=delimiter)
    hinted = write_csv_folder(small_estate(), tmp_path / "hinted", delimiter=delimiter)
    for file in hinted.iterdir():
        file.write_bytes(f"sep={delimiter}\r\n".encode() + file.read_bytes())
    found = []
    for folder in (plain, hinted):
        out = tmp_path / f"{folder.name}.json"
        result = cli(["audit", folder, "--json", out, "-q"])
        assert result.code == 0, result.stderr
        document = json.loads(out.read_text())
        found.append((document["estate"]["guests"],
                      sorted((f["rule"], f["guest"]["name"] if f["guest"] else "") for f in document["findings"])))
    assert found[0] == found[1] and found[0][0] == 5

"""Rows join their guest by the best identity a trimmed export has; what cannot be joined is counted."""

from __future__ import annotations

import json
from pathlib import Path

import openpyxl
import pytest

from reportgen.importers import load_estate
from tests.conftest import REAL, real_export
from tests.rvtools_files import UUID, Guest, small_estate, write_csv_folder, write_xlsx

VM_TABS = ("vDisk", "vNetwork", "vCD", "vUSB")
NO_IDS = ("VM ID", "VM UUID")


def write(kind: str, estate, path: Path, **options) -> Path:
    if kind == "xlsx":
        return write_xlsx(estate, path.with_suffix(".xlsx"), **options)
    return write_csv_folder(estate, path, **options)


def skipped(estate) -> dict[tuple[str | None, str], int]:
    """{(sheet, message after the count): rows} of the skipped rows."""
    return {(i.sheet, i.message.partition(": ")[2] or i.message): i.rows for i in estate.issues if i.skipped}


def source(estate) -> dict:
    return estate.table("sources").to_pylist()[0]


def balanced(estate) -> bool:
    s = source(estate)
    return s["rows_read"] == s["rows_used"] + s["rows_skipped"]


def groups(cli, export: Path, tmp_path: Path) -> list[list[str]]:
    out = tmp_path / "f.json"
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text())
    return sorted(sorted(g["name"] for g in c["guests"]) for c in document["faux_clusters"])


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_vm_tabs_without_vm_id_join_by_uuid(cli, tmp_path: Path, kind: str) -> None:
    export = write(kind, small_estate(), tmp_path / "vc", columns={t: ("VM ID",) for t in VM_TABS})
    estate = load_estate([export])
    assert estate.table("disks").num_rows == 9 and not skipped(estate)
    assert {g for g in estate.table("disks")["guest_key"].to_pylist()} >= {f"{UUID}/vm-101", f"{UUID}/vm-102"}
    assert groups(cli, export, tmp_path) == [["fs01", "fs02"], ["sql01", "sql02"]]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_vm_tabs_without_any_id_join_by_name(cli, tmp_path: Path, kind: str) -> None:
    export = write(kind, small_estate(), tmp_path / "vc", columns={t: NO_IDS for t in VM_TABS})
    estate = load_estate([export])
    assert estate.table("disks").num_rows == 9 and estate.table("nics").num_rows == 1
    assert not skipped(estate) and balanced(estate)
    assert groups(cli, export, tmp_path) == [["fs01", "fs02"], ["sql01", "sql02"]]


def test_repeated_names_are_told_apart_by_host_or_skipped_with_the_reason(tmp_path: Path) -> None:
    est = small_estate()
    # Two guests named app01 on different hosts, two named db01 on the same host (and cluster).
    est.guests += [Guest("app01", "vm-401", "esx01.example.test", disks=[{}]),
                   Guest("app01", "vm-402", "esx02.example.test", disks=[{}, {}]),
                   Guest("db01", "vm-501", "esx03.example.test", disks=[{}]),
                   Guest("db01", "vm-502", "esx03.example.test", disks=[{}])]
    estate = load_estate([write_xlsx(est, tmp_path / "vc.xlsx", columns={t: NO_IDS for t in VM_TABS})])
    disks = estate.table("disks")["guest_key"].to_pylist()
    assert disks.count(f"{UUID}/vm-401") == 1 and disks.count(f"{UUID}/vm-402") == 2
    assert not any(k.endswith(("vm-501", "vm-502")) for k in disks)
    [(where, reason)] = [k for k in skipped(estate)]
    assert where == "vDisk" and "several guests in vInfo have the row's VM name" in reason
    assert skipped(estate)[(where, reason)] == 2
    assert balanced(estate)


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_vinfo_without_ids_keys_guests_by_name(cli, tmp_path: Path, kind: str) -> None:
    est = small_estate()
    est.guests.append(Guest("web01", "vm-302", "esx03.example.test",  # a repeated name
                            disks=[{"Path": "[san01] web01_1/web01_1.vmdk"}]))
    export = write(kind, est, tmp_path / "vc", columns={t: NO_IDS for t in ("vInfo", *VM_TABS)})
    estate = load_estate([export])
    guests = estate.table("guests").to_pylist()
    assert len(guests) == 6 and sorted(g["name"] for g in guests).count("web01") == 2
    assert len({g["guest_key"] for g in guests}) == 6
    assert estate.table("disks").num_rows == 10 and not skipped(estate) and balanced(estate)
    assert any("guests are told apart by name" in i.message for i in estate.issues)
    assert groups(cli, export, tmp_path) == [["fs01", "fs02"], ["sql01", "sql02"]]


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_stray_cell_below_vinfo_is_skipped_and_counted(cli, tmp_path: Path, kind: str) -> None:
    stray = [[None] * 4 + ["Total"]]  # in the CPUs column
    export = write(kind, small_estate(), tmp_path / "vc", below={"vInfo": stray})
    estate = load_estate([export])
    assert estate.table("guests").num_rows == 5
    assert skipped(estate) and all("vInfo" in sheet for sheet, _ in skipped(estate))
    assert balanced(estate)
    assert cli(["audit", export, "-q", "--json", tmp_path / "f.json"]).code == 0


@pytest.mark.parametrize("kind", ["xlsx", "csv"])
def test_stray_cell_below_an_idless_vinfo_is_not_a_guest(tmp_path: Path, kind: str) -> None:
    stray = [[None] * 4 + ["Total"]]
    export = write(kind, small_estate(), tmp_path / "vc", columns={"vInfo": NO_IDS}, below={"vInfo": stray})
    estate = load_estate([export])
    assert estate.table("guests").num_rows == 5
    [(reason, rows)] = [(r, n) for (_, r), n in skipped(estate).items() if "blank row" not in r]
    assert "no VM name" in reason and rows == 1 and balanced(estate)


def test_vinfo_row_without_name_or_id_is_skipped_and_one_with_an_id_is_named_by_it(tmp_path: Path) -> None:
    est = small_estate()
    est.guests[4].name = ""
    export = write_xlsx(est, tmp_path / "a.xlsx", columns={"vInfo": ("VM ID",)})
    estate = load_estate([export])
    names = sorted(estate.table("guests")["name"].to_pylist())
    assert len(names) == 5 and "5000vm-301" in names  # the guest keeps its UUID as its name
    estate = load_estate([write_xlsx(est, tmp_path / "b.xlsx", columns={"vInfo": NO_IDS})])
    assert estate.table("guests").num_rows == 4
    gaps = skipped(estate)
    assert gaps.pop(("vInfo", "no VM name, 'VM ID' or 'VM UUID' to identify the guest")) == 1
    # Its disk and NIC rows have IDs, but vInfo has none and they have no name: skipped, with the reason.
    assert gaps == {("vDisk", "no 'VM ID', 'VM UUID' or VM name to tell which guest the row belongs to"): 1,
                    ("vNetwork", "no 'VM ID', 'VM UUID' or VM name to tell which guest the row belongs to"): 1}
    assert balanced(estate)


REAL_NAMES = sorted(p.name for p in REAL.glob("*.xlsx")) if REAL.is_dir() else ["absent.xlsx"]


@pytest.mark.real
@pytest.mark.parametrize("name", REAL_NAMES)
@pytest.mark.parametrize("removed", ["children", "all"])
def test_real_exports_without_identity_columns_audit(cli, tmp_path: Path, name: str, removed: str) -> None:
    book = openpyxl.load_workbook(real_export(name))
    gone = {"VM ID", "VM UUID", "Object ID", "UUID", "SMBIOS UUID"}
    for sheet in book.worksheets:
        tab = sheet.title.removeprefix("tab")
        if removed == "children" and tab not in (*VM_TABS, "vSnapshot"):
            continue
        if tab not in ("vInfo", *VM_TABS, "vSnapshot", "vTools", "vPartition", "vCPU", "vMemory"):
            continue
        headers = [str(c.value).strip() if c.value is not None else "" for c in sheet[1]]
        for i in reversed([i for i, h in enumerate(headers) if h in gone]):
            sheet.delete_cols(i + 1)
    trimmed = tmp_path / name
    book.save(trimmed)
    out = tmp_path / "f.json"
    result = cli(["audit", trimmed, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    estate = json.loads(out.read_text())["estate"]
    s = estate["sources"][0]
    assert s["rows_read"] == s["rows_used"] + s["rows_skipped"]
    assert estate["guests"] > 0


def test_keys_come_back_in_the_rows_order_whatever_identity_each_row_has() -> None:
    import polars as pl

    from reportgen.importers.rvtools_identity import AMBIGUOUS, NOT_IN_VINFO, Identity, join_keys

    def ids(rows: list[tuple]) -> pl.DataFrame:
        cols = ("scope", "vm_id", "vm_uuid", "vm_name", "datacenter", "cluster", "host")
        return pl.DataFrame([dict(zip(cols, r)) for r in rows], schema={c: pl.String for c in cols})

    guests = ids([("S", "vm-1", "u1", "a", "d", "c", "h1"), ("S", "vm-2", "u2", "b", "d", "c", "h1"),
                  ("S", "vm-3", "u3", "b", "d", "c", "h2"), ("S", "vm-4", "u4", "x", "d", "c", "h3"),
                  ("S", "vm-5", "u5", "x", "d", "c", "h3")]).with_columns(
        guest_key=pl.concat_str("scope", pl.lit("/"), "vm_id"))
    rows = ids([("T", None, None, "b", None, None, "h2"), ("S", None, "u1", None, None, None, None),
                ("S", "vm-2", None, "a", None, None, None), ("S", None, None, "a", None, None, None),
                ("S", None, None, "x", None, None, "h3"), ("S", "vm-9", None, "a", None, None, None)])
    got = join_keys(rows, guests, Identity(True, True)).to_dicts()
    assert [g["guest_key"] for g in got] == [None, "S/vm-1", "S/vm-2", "S/vm-1", None, None]
    assert [g["reason"] for g in got] == [NOT_IN_VINFO, None, None, None, AMBIGUOUS, NOT_IN_VINFO]

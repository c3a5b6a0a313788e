"""The RVTools importer on workbooks and CSV folders built in the real column layout."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.importers import MapOptions, load_estate
from tests.rvtools_files import HEADERS, UUID, Estate, Guest, small_estate, write_csv_folder, write_xlsx


def rows(estate, table: str) -> list[dict]:
    return estate.table(table).to_pylist()


def by(items: list[dict], key: str) -> dict:
    return {item[key]: item for item in items}


def test_guests_are_keyed_by_vcenter_uuid_and_vm_id_not_name(tmp_path: Path) -> None:
    est = small_estate()
    est.guests.append(Guest("web01", "vm-302", "esx04.example.test", cluster="Test"))  # same name, other VM
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    guests = by(rows(estate, "guests"), "guest_key")
    assert f"{UUID}/vm-301" in guests and f"{UUID}/vm-302" in guests
    assert guests[f"{UUID}/vm-301"]["name"] == guests[f"{UUID}/vm-302"]["name"] == "web01"
    assert guests[f"{UUID}/vm-101"]["host_key"] == f"{UUID}/esx01.example.test"
    assert guests[f"{UUID}/vm-101"]["power_state"] == "poweredOn"
    assert guests[f"{UUID}/vm-101"]["template"] is False
    assert guests[f"{UUID}/vm-101"]["hw_version"] == "19"


def test_disk_values_are_normalised_and_empty_stays_unknown(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "a.xlsx")])
    disks = [d for d in rows(estate, "disks") if d["guest_key"] == f"{UUID}/vm-101"]
    shared = next(d for d in disks if d["raw"])
    plain = next(d for d in disks if not d["raw"])
    assert shared["bus_sharing"] == "physical"
    assert shared["raw_mode"] == "physical"
    assert shared["sharing_mode"] is None  # empty for RDMs: unknown, not "none"
    assert shared["lun_id"] == "0200aa"
    assert shared["datastore"] == "san01"
    assert plain["bus_sharing"] == "none" and plain["sharing_mode"] == "none"
    assert plain["capacity_mib"] == 40960


def test_hosts_clusters_and_sources(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "a.xlsx")])
    hosts = by(rows(estate, "hosts"), "name")
    assert hosts["esx01.example.test"]["version"] == "7.0.3"
    assert hosts["esx01.example.test"]["build"] == "21930508"
    assert hosts["esx01.example.test"]["cluster"] == "Prod"
    clusters = by(rows(estate, "clusters"), "name")
    assert clusters["Prod"]["host_count"] == 3 and clusters["Prod"]["drs_enabled"] is True
    source = rows(estate, "sources")[0]
    assert source["tool_version"] == "4.7.1.4"
    assert source["server_uuid"] == UUID
    assert source["exported_at"].year == 2026
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]


def test_standard_port_group_without_uplink_is_flagged(tmp_path: Path) -> None:
    est = small_estate()
    est.portgroups.append(("esx01.example.test", "Heartbeat", "vSwitch9", False))
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    nets = {(n["host_key"].split("/")[-1], n["network"]): n for n in rows(estate, "networks")}
    assert nets[("esx01.example.test", "Heartbeat")]["has_uplink"] is False
    assert nets[("esx01.example.test", "VM Network")]["has_uplink"] is True


def test_old_tab_prefix_and_mb_headers(tmp_path: Path) -> None:
    path = write_xlsx(small_estate(), tmp_path / "old.xlsx", sheet_prefix="tab",
                      rename={"vDisk": {"Capacity MiB": "Capacity MB", "Raw Comp. Mode": "Raw Com. Mode"}})
    estate = load_estate([path])
    disk = next(d for d in rows(estate, "disks") if d["raw"])
    assert disk["capacity_mib"] == 40960
    assert disk["raw_mode"] == "physical"


def test_missing_tab_is_recorded_not_fatal(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "a.xlsx", drop=("vDisk",))])
    assert estate.table("disks").num_rows == 0
    assert not estate.has_tab(0, "vDisk")
    assert estate.has_tab(0, "vInfo")


def test_workbook_without_vinfo_is_an_input_error(tmp_path: Path) -> None:
    path = write_xlsx(small_estate(), tmp_path / "novinfo.xlsx", drop=("vInfo",))
    with pytest.raises(InputError) as err:
        load_estate([path])
    assert "novinfo.xlsx" in str(err.value) and "vInfo" in str(err.value)


def test_custom_attribute_named_like_a_real_column_does_not_replace_it(tmp_path: Path) -> None:
    est = small_estate(custom={"Host": "rack-7", "Owner": "finance"})
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")], MapOptions(owner_column="Owner"))
    guests = by(rows(estate, "guests"), "name")
    assert guests["sql01"]["host_key"] == f"{UUID}/esx01.example.test"
    assert guests["sql01"]["owner"] == "finance"
    assert any("appears 2 times" in i.message for i in estate.issues)


def test_missing_owner_column_is_reported(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "a.xlsx")], MapOptions(owner_column="Owner"))
    assert all(g["owner"] is None for g in rows(estate, "guests"))
    assert any("owner column 'Owner'" in i.message for i in estate.issues)


def test_url_escaped_names_are_decoded(tmp_path: Path) -> None:
    est = small_estate()
    est.guests[-1].name = "web01 AES%2f32"
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    assert "web01 AES/32" in {g["name"] for g in rows(estate, "guests")}


def test_rows_without_identity_and_orphans_are_counted(tmp_path: Path) -> None:
    est = small_estate()
    est.guests.append(Guest("ghost", "", "esx04.example.test", cluster="Test", disks=[{}], extra={"VM UUID": None}))
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    skipped = [i for i in estate.issues if i.skipped]
    assert any(i.sheet == "vInfo" and "no 'VM ID'" in i.message for i in skipped)
    assert any(i.sheet == "vDisk" and "not in vInfo" in i.message for i in skipped)
    source = rows(estate, "sources")[0]
    assert source["rows_skipped"] == 2
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]


@pytest.mark.parametrize(
    ("delimiter", "encoding", "bom"),
    [(",", "utf-8", False), (",", "utf-8", True), (";", "utf-8", True), ("\t", "utf-16", True),
     (";", "cp1252", False)],
)
def test_csv_folder_reads_like_the_workbook(tmp_path: Path, delimiter: str, encoding: str, bom: bool) -> None:
    est = small_estate()
    est.guests[-1].name = "wéb01"
    xlsx = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    folder = write_csv_folder(est, tmp_path / "csv", delimiter=delimiter, encoding=encoding, bom=bom)
    csv = load_estate([folder])
    for table in ("guests", "disks", "hosts", "networks", "datastores"):
        a = sorted(map(str, (sorted((k, v) for k, v in r.items() if k not in ("source_id", "row"))
                              for r in rows(xlsx, table))))
        b = sorted(map(str, (sorted((k, v) for k, v in r.items() if k not in ("source_id", "row"))
                              for r in rows(csv, table))))
        assert a == b, table
    assert rows(csv, "sources")[0]["format"] == "rvtools-csv"


def test_zip_of_csvs_and_zip_of_workbook(tmp_path: Path) -> None:
    est = small_estate()
    folder = write_csv_folder(est, tmp_path / "csv")
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for f in folder.iterdir():
            z.write(f, f"RVTools_export_all_2026-03-01/{f.name}")
    assert load_estate([archive]).table("guests").num_rows == 5
    book = write_xlsx(est, tmp_path / "a.xlsx")
    archive2 = tmp_path / "book.zip"
    with zipfile.ZipFile(archive2, "w") as z:
        z.write(book, "RVTools_export_all.xlsx")
    assert load_estate([archive2]).table("guests").num_rows == 5


def test_same_vcenter_twice_keeps_the_newest_export(tmp_path: Path) -> None:
    from datetime import datetime

    old = small_estate(server="10.0.0.5", exported=datetime(2026, 1, 1))
    new = small_estate(exported=datetime(2026, 3, 1))
    estate = load_estate([write_xlsx(old, tmp_path / "by-ip.xlsx"), write_xlsx(new, tmp_path / "by-fqdn.xlsx")])
    assert estate.table("guests").num_rows == 5
    sources = by(rows(estate, "sources"), "file")
    assert sources[str(tmp_path / "by-ip.xlsx")]["superseded_by"] is not None
    assert sources[str(tmp_path / "by-fqdn.xlsx")]["superseded_by"] is None
    assert any("only the newer export is used" in i.message and "by-fqdn.xlsx" in i.message for i in estate.issues)


def test_two_vcenters_merge(tmp_path: Path) -> None:
    a = small_estate()
    b = small_estate(uuid="0B0B0B0B-2222-4333-8444-955566667777", server="vc02.example.test")
    estate = load_estate([write_xlsx(a, tmp_path / "a.xlsx"), write_xlsx(b, tmp_path / "b.xlsx")])
    assert estate.table("guests").num_rows == 10
    assert estate.table("hosts").num_rows == 8
    assert sorted(s["source_id"] for s in rows(estate, "sources")) == [0, 1]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("missing.xlsx", None, "no such file"),
        ("text.xlsx", b"not a workbook", "not an xlsx workbook"),
        ("old.xls", b"\xd0\xcf\x11\xe0", "old binary .xls"),
        ("notes.txt", b"hello", "not an RVTools export"),
    ],
)
def test_unreadable_inputs_name_the_file(tmp_path: Path, name: str, content: bytes | None, message: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError) as err:
        load_estate([path])
    assert name in str(err.value) and message in str(err.value)


def test_an_owner_custom_attribute_is_used_when_none_is_configured(tmp_path: Path) -> None:
    est = small_estate(custom={"Backup status": "ok", "Application Owner": "payments"})
    estate = load_estate([write_xlsx(est, tmp_path / "a.xlsx")])
    assert {g["owner"] for g in rows(estate, "guests")} == {"payments"}
    assert any("custom attribute 'Application Owner'" in i.message for i in estate.issues)
    plain = load_estate([write_xlsx(small_estate(custom={"Backup status": "ok"}), tmp_path / "b.xlsx")])
    assert {g["owner"] for g in rows(plain, "guests")} == {None}


def test_an_export_without_vcenter_uuid_keeps_its_cluster_settings(tmp_path: Path) -> None:
    # No VI SDK UUID and no vMetaData: the file stands for the vCenter, and its path has slashes.
    without = {tab: ("VI SDK UUID",) for tab in HEADERS}
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "a.xlsx", drop=("vMetaData", "vSource"),
                                     columns=without)])
    clusters = by(rows(estate, "clusters"), "name")
    assert clusters["Prod"]["drs_enabled"] is True and clusters["Prod"]["ha_enabled"] is True
    assert rows(estate, "sources")[0]["server_uuid"] is None


def test_two_exports_without_vcenter_uuid_share_no_disk(cli, tmp_path: Path) -> None:
    """Each is scoped by its file; the same RDM path in both is two disks, not one guest cluster across them."""
    import json

    rdm = {"Raw": "True", "Raw Comp. Mode": "physicalMode", "Disk Mode": "independent_persistent",
           "Label": "SCSI controller 1", "Shared Bus": "physicalSharing", "Path": "[san01] db/db_1.vmdk",
           "Raw LUN ID": "0300cc"}
    books = []
    for site in ("a", "b"):
        est = Estate(server=f"vc-{site}.example.test", hosts={f"esx-{site}.example.test": "Prod"},
                     guests=[Guest(f"db-{site}", f"vm-{site}1", f"esx-{site}.example.test", disks=[{}, dict(rdm)])])
        books.append(write_xlsx(est, tmp_path / f"{site}.xlsx", drop=("vMetaData", "vSource"),
                                columns={tab: ("VI SDK UUID",) for tab in HEADERS}))
    out = tmp_path / "f.json"
    assert cli(["audit", *books, "--json", out, "-q"]).code == 0
    assert json.loads(out.read_text())["faux_clusters"] == []

"""A column present but empty is unknown: the checks that need it are not assessed, and the report says why."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from reportgen.importers import load_estate
from reportgen.rules import evaluate
from tests.conftest import real_export
from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx


def coverage(export: Path) -> dict[str, tuple[str, str]]:
    return {c.rule: (c.status, c.reason) for c in evaluate(load_estate([export])).coverage}


def with_disks(**values: Any) -> Any:
    """The small estate with ``values`` set on every disk row."""
    estate = small_estate()
    for guest in estate.guests:
        guest.disks = [{**d, **values} for d in guest.disks]
    return estate


def test_a_blank_shared_bus_column_leaves_the_bus_sharing_rules_not_assessed(cli, tmp_path: Path) -> None:
    export = write_xlsx(with_disks(**{"Shared Bus": None}), tmp_path / "blank.xlsx")
    cov = coverage(export)
    assert cov["VMW-01"] == ("not-assessed", "vDisk column 'Shared Bus' present but empty (bus sharing of each "
                                             "disk's controller)")
    assert cov["VMW-02"][0] == cov["VMW-04"][0] == "not-assessed"
    result = cli(["audit", export, "-q", "--json", tmp_path / "f.json"])
    document = result.json(tmp_path / "f.json")
    [vdisk] = [t for t in document["estate"]["sources"][0]["tabs"] if t["tab"] == "vDisk"]
    assert vdisk["empty_columns"] == ["Shared Bus"]
    [issue] = [i for i in document["data_quality"] if i["column"] == "Shared Bus"]
    assert issue["level"] == "warning" and "present but empty" in issue["message"] and issue["rows"] == 9  # every disk row
    assert not issue["skipped"]


def test_the_same_columns_with_values_are_assessed(tmp_path: Path) -> None:
    cov = coverage(write_xlsx(small_estate(), tmp_path / "full.xlsx"))
    assert {cov[r][0] for r in ("VMW-01", "VMW-02", "VMW-04", "VMW-07", "GEN-01")} == {"assessed"}


def test_shared_bus_counts_only_on_scsi_controllers(tmp_path: Path) -> None:
    estate = with_disks(**{"Controller": "AHCI", "Label": "SATA controller 0", "Shared Bus": None})
    estate.guests[0].disks[0].update({"Controller": "LSI Logic SAS", "Shared Bus": "noSharing"})
    assert coverage(write_xlsx(estate, tmp_path / "sata.xlsx"))["VMW-01"][0] == "assessed"
    estate.guests[0].disks[0]["Shared Bus"] = None
    assert coverage(write_xlsx(estate, tmp_path / "scsi.xlsx"))["VMW-01"][0] == "not-assessed"


def test_an_rdm_without_its_lun_is_unknown_but_no_rdm_needs_none(tmp_path: Path) -> None:
    blank_luns = coverage(write_csv_folder(with_disks(**{"Raw LUN ID": None}), tmp_path / "rdm"))
    assert blank_luns["VMW-02"] == ("not-assessed", "vDisk column 'Raw LUN ID' present but empty (raw device "
                                                    "mappings)")
    assert blank_luns["GEN-01"][0] == "assessed" and "partly: vDisk column 'Raw LUN ID' present but empty" in \
        blank_luns["GEN-01"][1]
    no_rdm = with_disks(**{"Raw": "False", "Raw LUN ID": None, "Raw Comp. Mode": None, "Sharing mode": "sharingNone"})
    assert coverage(write_csv_folder(no_rdm, tmp_path / "vmdk"))["VMW-02"][0] == "assessed"


def test_sharing_mode_empty_on_every_vmdk_is_unknown(tmp_path: Path) -> None:
    # ESXi 5.5 hosts leave 'Sharing mode' empty; RDMs never have one, so only the VMDK rows count.
    cov = coverage(write_xlsx(with_disks(**{"Sharing mode": None}), tmp_path / "esx55.xlsx"))
    assert cov["VMW-07"][0] == "not-assessed" and "'Sharing mode' present but empty" in cov["VMW-07"][1]


def test_an_empty_cell_that_means_none_is_not_unknown(tmp_path: Path) -> None:
    # No guest has a DRS rule: RVTools leaves both rule columns empty, which says "no rule".
    cov = coverage(write_xlsx(small_estate(), tmp_path / "no-rules.xlsx"))
    assert cov["VMW-23"][0] == "assessed"


def test_the_samples_have_no_column_present_but_empty() -> None:
    from tests.conftest import SAMPLES

    for export in (SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "rvtools-csv" / "acme-vc01"):
        estate = load_estate([export])
        assert [t.tab for t in estate.tabs if t.empty] == []
        assert not [i for i in estate.issues if "present but empty" in i.message]


def test_a_tab_without_rows_leaves_nothing_unknown(tmp_path: Path) -> None:
    estate = small_estate()
    for guest in estate.guests:
        guest.nics = []
    assert coverage(write_xlsx(estate, tmp_path / "no-nics.xlsx"))["VMW-10"][0] == "assessed"


def test_real_export_with_sharing_mode_empty_on_esxi_55() -> None:
    cov = coverage(real_export("abeggi-bcspa1-4.7.1.xlsx"))
    assert cov["VMW-07"][0] == "not-assessed" and "present but empty" in cov["VMW-07"][1]
    assert cov["VMW-02"][0] == "assessed"


def test_a_blank_hyperv_column_is_unknown_too(tmp_path: Path) -> None:
    from tests.conftest import SAMPLES
    from tests.mutation.book import read_hyperv, write_bundle

    book = read_hyperv(SAMPLES / "hyperv" / "hyperv-3node.zip")
    disks = next(s for s in book.sheets if s.tab == "Get-VMHardDiskDrive")

    def blank(column: str) -> Path:
        at = disks.header.index(column)
        emptied = disks.with_rows(disks.header, [r[:at] + (None,) + r[at + 1:] for r in disks.rows])
        return write_bundle(book.with_sheet(emptied), tmp_path / f"{column}.zip")

    assert coverage(write_bundle(book, tmp_path / "full.zip"))["HYV-01"] == ("assessed", "")
    assert coverage(blank("Path"))["HYV-01"] == ("not-assessed", "Get-VMHardDiskDrive column 'Path' present but "
                                                 "empty (shared VHDX shows in Get-VMHardDiskDrive)")
    status, reason = coverage(blank("SupportPersistentReservations"))["HYV-01"]
    assert status == "assessed"
    assert reason.startswith("partly: Get-VMHardDiskDrive column 'SupportPersistentReservations' present but empty")


def test_a_disk_file_in_disk_path_fills_an_empty_path() -> None:
    import polars as pl

    from reportgen.importers.filled import empty_columns

    text = {"Path": pl.String, "Disk Path": pl.String}
    other = pl.DataFrame({"Path": [None, None], "Disk Path": ["D:\\VMs\\sql1.vhdx", "D:\\VMs\\sql2.vhdx"]}, schema=text)
    assert empty_columns("vDisk", other, ["Path"]) == {}
    mount_points = pl.DataFrame({"Path": [None, None], "Disk Path": ["C:\\", "D:\\"]}, schema=text)
    assert empty_columns("vDisk", mount_points, ["Path"]) == {"Path": 2}

"""Shared-disk order: the owner of each shared disk file, boot disks, and the order the nodes go in."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.analysis import GuestClusterResult, GuestRef, analyze
from reportgen.audit import run_audit
from reportgen.disk_order import DiskOrder, order_disks
from reportgen.estate import Estate
from reportgen.importers import load_estate
from reportgen.redact import redact_estate
from tests.conftest import REAL, SAMPLES
from tests.rules.hyperv_lab import two_nodes
from tests.rvtools_files import small_estate, write_xlsx
from tests.synthetic import UUID, estate_from_rows

BCSPA = REAL / "abeggi-bcspa1-4.7.1.xlsx"


def cluster(estate: Estate, *names: str) -> GuestClusterResult:
    """A guest cluster of the named guests of ``estate`` (as the analysis would find it)."""
    keys = dict(zip(estate.guests.column("name").to_pylist(), estate.guests.column("guest_key").to_pylist()))
    return GuestClusterResult("GC-001", "test", "across-boxes", False, tuple(GuestRef(keys[n], n) for n in names),
                       (), (), (), (), len(names))


def built(guests: list[dict[str, object]], disks: list[dict[str, object]]) -> Estate:
    return estate_from_rows([{"name": "esx1", "cluster": "C1"}, {"name": "esx2", "cluster": "C1"}],
                            [{"host": "esx1", **g} for g in guests], disks)


def disk(guest: str, path: str | None, controller: str = "SCSI controller 1", unit: int | None = 0,
         **more: object) -> dict[str, object]:
    return {"guest": guest, "path": path, "controller": controller, "unit": unit, **more}


def boot_disks(*names: str) -> list[dict[str, object]]:
    return [disk(n, f"[ds1] {n}/{n}.vmdk", "SCSI controller 0", 0) for n in names]


def order_of(estate: Estate, *names: str) -> DiskOrder:
    orders = order_disks(estate, [cluster(estate, *names)])
    assert list(orders) == ["GC-001"]
    return orders["GC-001"]


def moves(order: DiskOrder) -> list[str]:
    return [s.name for s in order.steps]


# -- built estates ------------------------------------------------------------------------------------------

def test_owner_is_the_node_whose_folder_holds_the_file_and_moves_first() -> None:
    estate = built([{"name": "nodeB", "config_path": "[ds1] nodeB/nodeB.vmx"},
                    {"name": "nodeA", "config_path": "[ds1] nodeA/nodeA.vmx"}],
                   [*boot_disks("nodeA", "nodeB"), disk("nodeA", "[ds1] nodeA/nodeA_1.vmdk"),
                    disk("nodeB", "[ds1] nodeA/nodeA_1.vmdk")])
    order = order_of(estate, "nodeB", "nodeA")
    (shared,) = order.disks
    assert (shared.owner_name, shared.owner_basis, shared.boot) == ("nodeA", "config-folder", False)
    assert moves(order) == ["nodeA", "nodeB"]
    assert [(s.name, s.move, s.power_off, s.owns, s.can_move) for s in order.steps] == [
        ("nodeA", 1, 2, 1, True), ("nodeB", 2, 1, 0, True)]
    assert order.complete


def test_a_renamed_guest_owns_the_files_in_its_configuration_s_folder() -> None:
    estate = built([{"name": "db1", "config_path": "[ds1] db1-new/db1-new.vmx"},
                    {"name": "db2", "config_path": "[ds1] db2/db2.vmx"}],
                   [disk("db1", "[ds1] db1-new/db1-new_1.vmdk"), disk("db2", "[ds1] DB1-NEW/db1-new_1.vmdk")])
    (shared,) = order_of(estate, "db1", "db2").disks
    assert (shared.owner_name, shared.owner_basis) == ("db1", "config-folder")


def test_without_configuration_paths_the_folder_named_after_a_node_owns_the_file() -> None:
    estate = built([{"name": "sql01"}, {"name": "sql02"}],
                   [disk("sql01", "[ds2] SQL02/sql02_1.vmdk"), disk("sql02", "[ds2] SQL02/sql02_1.vmdk")])
    order = order_of(estate, "sql01", "sql02")
    assert (order.disks[0].owner_name, order.disks[0].owner_basis) == ("sql02", "named-folder")
    assert moves(order) == ["sql02", "sql01"]


@pytest.mark.parametrize(("guests", "path", "basis"), [
    ([{"name": "n1", "config_path": "[ds1] n1/n1.vmx"}, {"name": "n2", "config_path": "[ds1] n2/n2.vmx"}],
     "[ds1] sqlcluster/quorum.vmdk", "no-member"),
    ([{"name": "n1", "config_path": "[ds1] vms/n1.vmx"}, {"name": "n2", "config_path": "[ds1] vms/n2.vmx"}],
     "[ds1] vms/quorum.vmdk", "several-members"),
    ([{"name": "n1"}, {"name": "n2"}], None, "no-path"),
])
def test_an_owner_the_export_cannot_tell_is_unknown_with_the_reason(guests: list[dict[str, object]],
                                                                     path: str | None, basis: str) -> None:
    lun = {"lun_id": "0200aa"} if path is None else {}
    estate = built(guests, [*boot_disks("n1", "n2"), disk("n1", path, **lun), disk("n2", path, **lun)])
    order = order_of(estate, "n1", "n2")
    (shared,) = order.disks
    assert (shared.owner_key, shared.owner_basis) == (None, basis)
    assert not order.complete and not order.owners
    assert [s.owns for s in order.steps] == [0, 0]
    if path is None:
        assert shared.disk == "LUN 0200aa"


def test_one_lun_mapped_through_each_node_s_own_file_has_no_single_owner() -> None:
    estate = built([{"name": "fs1", "config_path": "[ds1] fs1/fs1.vmx"}, {"name": "fs2", "config_path": "[ds1] fs2/fs2.vmx"}],
                   [disk("fs1", "[ds1] fs1/fs1_1.vmdk", lun_id="0200bb"),
                    disk("fs2", "[ds1] fs2/fs2_1.vmdk", lun_id="0200bb")])
    (shared,) = order_of(estate, "fs1", "fs2").disks
    assert (shared.disk, shared.owner_key, shared.owner_basis) == ("LUN 0200bb", None, "several-files")


def test_several_shared_disks_owned_by_different_nodes() -> None:
    nodes = [{"name": n, "config_path": f"[ds1] {n}/{n}.vmx"} for n in ("c", "b", "a")]
    estate = built(nodes, [
        *boot_disks("a", "b", "c"),
        disk("a", "[ds1] a/a_1.vmdk"), disk("b", "[ds1] a/a_1.vmdk"),
        disk("b", "[ds1] b/b_1.vmdk", unit=1), disk("c", "[ds1] b/b_1.vmdk", unit=1),
        disk("a", "[ds1] a/a_2.vmdk", unit=2), disk("c", "[ds1] a/a_2.vmdk", unit=2),
    ])
    order = order_of(estate, "c", "b", "a")
    assert [(d.owner_name, sorted(order.steps[[s.key for s in order.steps].index(k)].name for k in d.guests))
            for d in order.disks] == [("a", ["a", "b"]), ("b", ["b", "c"]), ("a", ["a", "c"])]
    assert [(s.name, s.owns, s.move, s.power_off) for s in order.steps] == [
        ("a", 2, 1, 3), ("b", 1, 2, 2), ("c", 0, 3, 1)]
    assert [o.name for o in order.owners] == ["a", "b"] and order.complete


@pytest.mark.parametrize("controller", ["SCSI controller 0", "IDE 0", "SATA controller 0"])
def test_a_shared_disk_at_0_0_is_a_boot_disk_and_its_nodes_cannot_move(controller: str) -> None:
    estate = built([{"name": "n1", "config_path": "[ds1] n1/n1.vmx"}, {"name": "n2", "config_path": "[ds1] n2/n2.vmx"}],
                   [disk("n1", "[ds1] n1/n1.vmdk", controller, 0), disk("n2", "[ds1] n1/n1.vmdk", controller, 0),
                    disk("n2", "[ds1] n2/n2_1.vmdk", "SCSI controller 1", 0)])
    order = order_of(estate, "n1", "n2")
    (shared,) = order.disks
    assert shared.boot is True and shared.owner_name == "n1"
    assert [s.can_move for s in order.steps] == [False, False]


@pytest.mark.parametrize(("disks", "why"), [
    ([disk("n1", "[ds1] n1/n1_1.vmdk", unit=None), disk("n2", "[ds1] n1/n1_1.vmdk", unit=None)], "no unit"),
    ([disk("n1", "[ds1] n1/n1_1.vmdk"), disk("n2", "[ds1] n1/n1_1.vmdk")], "no disk at 0:0"),
    ([*boot_disks("n1", "n2"), disk("n1", "[ds1] n1/n1_1.vmdk", "IDE 0", 0), disk("n2", "[ds1] n1/n1_1.vmdk")],
     "two disks at 0:0"),
    ([*boot_disks("n1", "n2"), disk("n1", "[ds1] n1/n1_1.vmdk", None), disk("n2", "[ds1] n1/n1_1.vmdk")],
     "no controller"),
])
def test_whether_a_shared_disk_boots_a_node_is_unknown_when_the_export_cannot_tell(
        disks: list[dict[str, object]], why: str) -> None:
    estate = built([{"name": "n1", "config_path": "[ds1] n1/n1.vmx"}, {"name": "n2", "config_path": "[ds1] n2/n2.vmx"}],
                   disks)
    order = order_of(estate, "n1", "n2")
    assert order.disks[0].boot is None, why
    assert None in [s.can_move for s in order.steps] and False not in [s.can_move for s in order.steps], why


def test_hyperv_paths_configuration_locations_shares_and_the_default_location() -> None:
    default = "C:\\ProgramData\\Microsoft\\Windows\\Hyper-V"
    estate = built([{"name": "SQL01", "config_path": "C:\\ClusterStorage\\Volume1\\SQL01"},
                    {"name": "SQL02", "config_path": "C:\\ClusterStorage\\Volume1\\SQL02"},
                    {"name": "FS1", "config_path": default}, {"name": "FS2", "config_path": default}],
                   [disk(n, p, "SCSI 0", 1) for n, p in (
                       ("SQL01", "C:\\ClusterStorage\\Volume1\\SQL01\\Virtual Hard Disks\\data.vhdx"),
                       ("SQL02", "c:\\clusterstorage\\volume1\\sql01\\virtual hard disks\\DATA.vhdx"),
                       ("FS1", "\\\\filer\\vms\\fs2\\share.vhds"), ("FS2", "\\\\filer\\vms\\fs2\\share.vhds"),
                       ("FS1", "\\\\filer\\vms\\shared\\witness.vhds"), ("FS2", "\\\\filer\\vms\\shared\\witness.vhds"))])
    sql = order_of(estate, "SQL01", "SQL02")
    assert [(d.owner_name, d.owner_basis) for d in sql.disks] == [("SQL01", "config-folder")]
    fs = order_of(estate, "FS1", "FS2")
    assert [(d.owner_name, d.owner_basis) for d in fs.disks] == [("FS2", "named-folder"), (None, "no-member")]
    assert moves(fs) == ["FS2", "FS1"] and not fs.complete


def test_redaction_keeps_every_owner_boot_flag_and_order() -> None:
    nodes = [{"name": "sqlcl01-n1", "config_path": "[ds1] sqlcl01-n1/sqlcl01-n1.vmx"}, {"name": "sqlcl01-n2"},
             {"name": "sqlcl01-n3", "config_path": "C:\\VMs\\sqlcl01-n3"}]
    estate = built(nodes, [
        *boot_disks("sqlcl01-n1", "sqlcl01-n2"),
        disk("sqlcl01-n1", "[ds1] sqlcl01-n1/q.vmdk"), disk("sqlcl01-n2", "[ds1] sqlcl01-n1/q.vmdk"),
        disk("sqlcl01-n2", "[ds2] SQLCL01-N2/d.vmdk", unit=1), disk("sqlcl01-n3", "[ds2] SQLCL01-N2/d.vmdk", unit=1),
        disk("sqlcl01-n3", "C:\\VMs\\sqlcl01-n3\\Virtual Hard Disks\\x.vhdx", unit=2),
        disk("sqlcl01-n1", "C:\\VMs\\sqlcl01-n3\\Virtual Hard Disks\\x.vhdx", unit=2),
    ])
    names = ("sqlcl01-n1", "sqlcl01-n2", "sqlcl01-n3")
    plain = order_of(estate, *names)
    hidden_estate = redact_estate(estate, "a key")
    hidden = order_of(hidden_estate, *hidden_estate.guests.column("name").to_pylist())

    def shape(order: DiskOrder) -> list[object]:
        position = {s.key: s.move for s in order.steps}
        return ([(position.get(d.owner_key or ""), d.owner_basis, d.boot) for d in order.disks]
                + [(s.move, s.power_off, s.owns, s.can_move) for s in order.steps])

    assert [d.owner_basis for d in plain.disks] == ["config-folder", "named-folder", "config-folder"]
    assert shape(hidden) == shape(plain)
    assert not any(n in d.disk for d in hidden.disks for n in ("sqlcl", "SQLCL", "ds1", "VMs", "Virtual"))


# -- exports ------------------------------------------------------------------------------------------------

def test_importers_read_the_unit_of_each_disk(tmp_path: Path) -> None:
    book = small_estate()
    for g in book.guests:
        g.disks = [{**d, "Unit #": i} for i, d in enumerate(g.disks)]
    estate = load_estate([write_xlsx(book, tmp_path / "vc.xlsx")])
    assert sorted(set(estate.table("disks").column("unit").to_pylist())) == [0, 1]
    lab = two_nodes()
    lab.vm("n1", "HVA")
    lab.disk("n1", "C:\\VMs\\n1\\a.vhdx")
    lab.disk("n1", "C:\\VMs\\n1\\b.vhdx")
    locations = sorted(int(str(r["ControllerLocation"])) for r in lab.objects["Get-VMHardDiskDrive"])
    assert sorted(lab.estate(tmp_path / "lab").table("disks").column("unit").to_pylist()) == locations
    assert len(set(locations)) >= 2


def test_hyperv_shared_vhdx_in_a_node_s_folder_is_owned_by_that_node(tmp_path: Path) -> None:
    lab = two_nodes()
    for name, host in (("SQL2", "HVA"), ("SQL1", "HVB")):
        lab.vm(name, host)
        lab.disk(name, f"C:\\ClusterStorage\\Volume1\\{name}\\Virtual Hard Disks\\os.vhdx")
        lab.disk(name, "C:\\ClusterStorage\\Volume1\\SQL1\\Virtual Hard Disks\\shared.vhdx", shared=True)
    analysis = analyze(lab.estate(tmp_path / "lab"))
    (order,) = analysis.disk_orders.values()
    (shared,) = order.disks
    assert (shared.owner_name, shared.owner_basis, shared.boot) == ("SQL1", "config-folder", False)
    assert [(s.name, s.power_off, s.can_move) for s in order.steps] == [("SQL1", 2, True), ("SQL2", 1, True)]


def test_the_sample_s_guest_clusters_each_have_one_owner_that_moves_first() -> None:
    analysis = analyze(load_estate([SAMPLES / "rvtools" / "acme-vc01.xlsx"]))
    orders = analysis.disk_orders
    proven = [c for c in analysis.guest_clusters if not c.suspected]
    assert sorted(orders) == sorted(c.id for c in proven) and proven
    owners = {}
    for c in proven:
        order = orders[c.id]
        (owner,) = order.owners
        owners[c.name.split(" ")[0]] = owner.name
        assert order.steps[0] == owner and owner.power_off == len(c.guests) and order.complete
        assert {s.key for s in order.steps} == {g.key for g in c.guests}
        assert all(d.boot is False and d.owner_basis == "config-folder" for d in order.disks)
    assert owners == {"hqsqlcl01": "hqsqlcl01-n1", "hqsqlcl02": "hqsqlcl02-n1", "hqfscib01": "hqfscib01-a",
                      "hqrac01": "hqrac01-1"}


def test_hyperv_sample_shared_vhdx_in_a_folder_of_no_node_has_an_unknown_owner() -> None:
    analysis = analyze(load_estate([SAMPLES / "hyperv" / "hyperv-3node.zip"]))
    assert analysis.disk_orders
    for order in analysis.disk_orders.values():
        assert not order.complete and all(d.owner_basis == "no-member" for d in order.disks)
        assert all(d.boot is False for d in order.disks) and all(s.can_move for s in order.steps)


@pytest.mark.skipif(not BCSPA.exists(), reason="no real export (../shared/real-exports is absent)")
@pytest.mark.parametrize("redact", [False, True])
def test_real_guest_cluster_on_shared_rdms_has_one_owner_that_moves_first(redact: bool) -> None:
    analysis = run_audit([BCSPA], redact=redact).analysis
    proven = [c for c in analysis.guest_clusters if not c.suspected]
    assert proven and sorted(analysis.disk_orders) == sorted(c.id for c in proven)
    for c in proven:
        order = analysis.disk_orders[c.id]
        assert order.complete and len(order.disks) >= 2
        (owner,) = order.owners
        assert owner.key in {g.key for g in c.guests} and order.steps[0] == owner
        assert owner.power_off == len(c.guests) and owner.owns == len(order.disks)
        assert {d.owner_basis for d in order.disks} == {"config-folder"}
        assert all(d.boot is False for d in order.disks)  # on the second SCSI controller
        assert all(d.disk.split("]")[1].strip().split("/")[0] == owner.name for d in order.disks)
        assert all(set(d.guests) == {g.key for g in c.guests} for d in order.disks)


def test_guests_without_a_guest_cluster_get_no_order() -> None:
    estate = estate_from_rows([{"name": "esx1"}], [{"name": "a", "host": "esx1"}],
                              [{"guest": "a", "path": "[ds] a/a.vmdk"}])
    assert order_disks(estate, []) == {}
    assert UUID in estate.guests.column("guest_key")[0].as_py()
    assert order_disks(estate, [cluster(estate, "a")]) == {}


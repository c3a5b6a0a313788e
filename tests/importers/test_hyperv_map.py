"""The collector bundle mapped onto the canonical estate: what a user sees of hosts, guests,
disks, networks, devices and datastores."""

from __future__ import annotations

import zipfile
from pathlib import Path

import polars as pl
import pytest

from reportgen.estate import Estate, in_canonical_order
from reportgen.importers import load_estate
from reportgen.importers.hyperv import load_hyperv
from reportgen.importers.rvtools_map import MapOptions

BUNDLE = Path(__file__).resolve().parents[2] / "samples" / "hyperv" / "hyperv-3node.zip"


@pytest.fixture(scope="module")
def estate() -> Estate:
    return load_estate([BUNDLE])


def frame(estate: Estate, name: str) -> pl.DataFrame:
    result = pl.from_arrow(estate.table(name))
    assert isinstance(result, pl.DataFrame)
    return result


def by_name(estate: Estate) -> dict[str, dict[str, object]]:
    return {g["name"]: g for g in frame(estate, "guests").iter_rows(named=True)}


def test_hosts_are_the_cluster_nodes(estate: Estate) -> None:
    hosts = frame(estate, "hosts").sort("name")
    assert hosts["host_key"].to_list() == ["hyperv/HV01", "hyperv/HV02", "hyperv/HV03"]
    assert set(hosts["cluster_key"]) == {"hyperv/HVCL01"} and set(hosts["platform"]) == {"hyperv"}
    hv3 = hosts.row(2, named=True)
    assert hv3["product"] == "Microsoft Windows Server 2025 Datacenter" and hv3["build"] == "26100"
    assert hv3["max_vm_version"] == "12.0" and hv3["cpu_model"] == "INTEL(R) XEON(R) GOLD 6542Y"
    assert hv3["memory_mib"] == 1024 * 1024 and hv3["cores"] == 56 and hv3["live_migration"] is True
    assert hv3["in_maintenance"] is False
    clusters = frame(estate, "clusters")
    assert clusters.select("name", "host_count", "platform").rows() == [("HVCL01", 3, "hyperv")]


def test_guests_keyed_by_vmid_with_their_facts(estate: Estate) -> None:
    guests = by_name(estate)
    assert len(guests) == 23
    sql = guests["SQLFCI-N1"]
    assert sql["guest_key"] == str(sql["guest_key"]).lower() and len(str(sql["guest_key"])) == 36
    assert sql["host_key"] == "hyperv/HV01" and sql["cluster"] == "HVCL01" and sql["server"] == "HVCL01"
    assert sql["memory_mib"] == 32 * 1024 and sql["vcpus"] == 8 and sql["hw_version"] == "10.0"
    assert sql["power_state"] == "poweredOn" and sql["template"] is False and sql["is_clustered"] is True
    assert sql["config_path"] == r"C:\ClusterStorage\Volume1\SQLFCI-N1"
    assert guests["TOOLS01"]["power_state"] == "poweredOff"
    assert guests["LEGACY01"]["processor_compat"] is False and guests["WEB01"]["processor_compat"] is True
    assert guests["PINNED01"]["possible_owners"] == ["hyperv/HV01"]
    assert guests["WEB01"]["possible_owners"] == ["hyperv/HV01", "hyperv/HV02", "hyperv/HV03"]
    assert guests["RENDER01"]["possible_owners"] is None  # not a cluster role
    assert guests["RENDER01"]["automatic_stop_action"] == "TurnOff"


def test_disks_show_shared_vhdx_vhd_sets_and_pass_through(estate: Estate) -> None:
    names = {g: n for n, g in ((g["name"], g["guest_key"]) for g in by_name(estate).values())}
    disks = frame(estate, "disks").with_columns(vm=pl.col("guest_key").replace_strict(names))
    shared = disks.filter(pl.col("persistent_reservations"))
    assert sorted(shared["vm"].unique()) == ["FS-N1", "FS-N2", "SQLFCI-N1", "SQLFCI-N2"]
    vhds = disks.filter(pl.col("vhd_set"))
    assert sorted(vhds["vm"]) == ["FS-N1", "FS-N2"]
    pt = disks.filter(pl.col("passthrough_disk").is_not_null()).row(0, named=True)
    assert (pt["vm"], pt["passthrough_disk"], pt["datastore"]) == ("FILE01", 3, None)
    os_disk = disks.filter((pl.col("vm") == "SQLFCI-N1") & (pl.col("label") == "SCSI 0:0")).row(0, named=True)
    assert os_disk["datastore"] == r"C:\ClusterStorage\Volume1" and os_disk["capacity_mib"] == 100 * 1024
    local = disks.filter(pl.col("vm") == "LOCALAPP01")["datastore"].to_list()
    assert local == ["D: on HV01"]


def test_switches_per_host_with_their_kind(estate: Estate) -> None:
    nets = frame(estate, "networks")
    kinds = {(h.split("/")[1], n): (k, u) for h, n, k, u in nets.select("host_key", "network", "switch_kind",
                                                                         "has_uplink").iter_rows()}
    assert kinds[("HV02", "HB-Private")] == ("hyperv-private", False)
    assert kinds[("HV03", "Internal-Lic")] == ("hyperv-internal", False)
    assert kinds[("HV01", "vSwitch-Prod")] == ("hyperv-external", True)
    assert ("HV03", "vSwitch-Backup") not in kinds
    nics = frame(estate, "nics")
    assert nics.filter(pl.col("network") == "HB-Private").height == 2
    unplugged = nics.filter(pl.col("network").is_null())
    assert unplugged["connected"].to_list() == [False]


def test_devices_dvd_vfc_and_dda(estate: Estate) -> None:
    names = {g["guest_key"]: n for n, g in by_name(estate).items()}
    devices = frame(estate, "devices").with_columns(vm=pl.col("guest_key").replace_strict(names))
    bound = devices.filter(pl.col("bound_to_host")).select("vm", "kind", "backing").sort("vm").rows()
    assert bound == [("RENDER01", "dda", "host"), ("TOOLS01", "cd", "host")]
    iso = devices.filter(pl.col("backing") == "iso").row(0, named=True)
    assert iso["vm"] == "ISO01" and iso["bound_to_host"] is False and iso["datastore"] == r"C:\ClusterStorage\Volume1"
    vfc = devices.filter(pl.col("kind") == "vfc").row(0, named=True)
    assert vfc["vm"] == "VFC01" and vfc["detail"] == "FabricA" and vfc["bound_to_host"] is None


def test_datastores_csv_shared_by_all_nodes_local_by_one(estate: Estate) -> None:
    stores = {r["name"]: r for r in frame(estate, "datastores").iter_rows(named=True)}
    csv = stores[r"C:\ClusterStorage\Volume2"]
    assert csv["type"] == "CSV" and csv["shared"] is True and csv["host_count"] == 3
    assert csv["capacity_mib"] == 8192 * 1024
    local = stores["D: on HV01"]
    assert (local["type"], local["shared"], local["host_keys"]) == ("local", False, ["hyperv/HV01"])


def test_source_names_the_collector_and_cluster(estate: Estate) -> None:
    source = estate.table("sources").to_pylist()[0]
    assert source["format"] == "hyperv-csv" and source["platform"] == "hyperv"
    assert source["tool"] == "reportgen Hyper-V collector" and source["tool_version"] == "2.0.0"
    assert source["server"] == "HVCL01" and source["exported_at"].isoformat() == "2026-03-02T09:12:41"
    assert source["rows_read"] == source["rows_used"] > 200 and source["rows_skipped"] == 0
    assert estate.has_tab(0, "Get-ClusterOwnerNode") and estate.tab_has_column(0, "Get-VM", "IsClustered")


def test_a_folder_reads_like_the_zip(tmp_path: Path, estate: Estate) -> None:
    with zipfile.ZipFile(BUNDLE) as archive:
        archive.extractall(tmp_path / "bundle")
    folder = in_canonical_order(load_hyperv(tmp_path / "bundle", 0, MapOptions()))
    zipped = in_canonical_order(estate)
    for name in ("guests", "hosts", "disks", "nics", "networks", "devices"):
        assert frame(folder, name).equals(frame(zipped, name)), name


def test_owner_from_a_get_vm_property(tmp_path: Path) -> None:
    with_owner = load_hyperv(BUNDLE, 0, MapOptions(owner_column="Notes"))
    assert by_name(with_owner)["SQLFCI-N1"]["owner"] == "owner: dba-team"
    assert by_name(with_owner)["WEB01"]["owner"] is None
    without = load_hyperv(BUNDLE, 0, MapOptions(owner_column="Application Owner"))
    assert {g["owner"] for g in by_name(without).values()} == {None}
    assert any("'Application Owner' is not a Get-VM property" in i.message for i in without.issues)


def test_unreached_node_is_reported(tmp_path: Path) -> None:
    import json

    bundle = tmp_path / "partial.zip"
    with zipfile.ZipFile(BUNDLE) as source, zipfile.ZipFile(bundle, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                manifest = json.loads(data.decode("utf-8-sig"))
                manifest["nodes_reached"], manifest["nodes_not_reached"] = ["HV01", "HV02"], ["HV03"]
                manifest["errors"] = [{"node": "HV03", "cmdlet": "Get-VMHost", "message": "The RPC server is unavailable."}]
                manifest["status"] = [r for r in manifest["status"] if r["node"] != "HV03"] + [
                    {"object": "Get-VMHost", "node": "HV03", "status": "failed", "message": "The RPC server is unavailable."}]
                data = json.dumps(manifest).encode()
            target.writestr(name, data)
    estate = load_hyperv(bundle, 0, MapOptions())
    messages = [i.message for i in estate.issues]
    assert any(m.startswith("Get-VMHost failed on HV03: The RPC server is unavailable; the checks") for m in messages)
    assert any("Get-VMHost on HV03: 1" in m for m in messages)


def test_a_disk_of_an_unknown_vm_is_skipped_and_counted(tmp_path: Path) -> None:
    """A row whose VM cannot be identified at all (no VMId, a name Get-VM does not list) is counted."""
    bundle = tmp_path / "orphan.zip"
    orphan = ('"GHOST01","","HV01","Hard Drive on SCSI controller number 0 at location 0","SCSI","0","0",'
              '"C:\\VMs\\GHOST01.vhdx",,"False","0","0","00000000-0000-0000-0000-000000000000"\r\n')
    with zipfile.ZipFile(BUNDLE) as source, zipfile.ZipFile(bundle, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "Get-VMHardDiskDrive.csv":
                data = data.rstrip(b"\r\n") + b"\r\n" + orphan.encode()
            target.writestr(name, data)
    plain = load_hyperv(BUNDLE, 0, MapOptions())
    estate = load_hyperv(bundle, 0, MapOptions())
    assert estate.table("disks").num_rows == plain.table("disks").num_rows
    skipped = [i for i in estate.issues if i.skipped and i.sheet == "Get-VMHardDiskDrive.csv"
               and "not in the Get-VM export" in i.message]
    assert len(skipped) == 1 and skipped[0].rows == 1
    source = estate.table("sources").to_pylist()[0]
    assert source["rows_read"] == source["rows_used"] + source["rows_skipped"]
    assert source["rows_skipped"] == plain.table("sources").to_pylist()[0]["rows_skipped"] + 1

"""Two exports of one vCenter, and same-named guests in two vCenters: never guests counted twice,
never two guests merged."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx

ALL_TABS = ("vInfo", "vDisk", "vNetwork", "vHost", "vCluster", "vDatastore", "vNIC", "vPort", "vSwitch", "vSource")


def _two_dates():
    old = small_estate(exported=datetime(2026, 1, 1, 9, 0))
    new = small_estate(exported=datetime(2026, 3, 1, 9, 0))
    new.guests = new.guests[:4]  # web01 was deleted between the two exports
    return old, new


def _audit(cli, tmp_path: Path, *exports: Path):
    out = tmp_path / "f.json"
    result = cli(["audit", *exports, "--json", out, "-q"])
    return result, (json.loads(out.read_text()) if out.exists() else None)


def test_two_dated_exports_of_a_vcenter_without_its_uuid_keep_the_newer(cli, tmp_path: Path) -> None:
    """Before, without VI SDK UUID the two were merged: 9 guests and 8 hosts for a vCenter of 5 and 4."""
    old, new = _two_dates()
    gone = {t: ("VI SDK UUID",) for t in ALL_TABS}
    result, found = _audit(cli, tmp_path, write_xlsx(old, tmp_path / "jan.xlsx", columns=gone),
                           write_xlsx(new, tmp_path / "mar.xlsx", columns=gone))
    assert result.code == 0, result.stderr
    assert (found["estate"]["guests"], found["estate"]["hosts"]) == (4, 4)
    [note] = [d for d in found["data_quality"] if "only the newer export is used" in d["message"]]
    assert note["file"].endswith("jan.xlsx") and "mar.xlsx, exported later" in note["message"]
    assert "no VI SDK UUID in either" in note["message"]


def test_two_csv_exports_of_one_vcenter_that_carry_no_date_are_an_input_error(cli, tmp_path: Path) -> None:
    """Before, the one named last was kept and said to be 'exported later', which nothing showed."""
    old, new = _two_dates()
    a, b = write_csv_folder(old, tmp_path / "a"), write_csv_folder(new, tmp_path / "b")
    result, found = _audit(cli, tmp_path, a, b)
    assert result.code == 3 and found is None
    assert f"{a} and {b} are both exports of the vCenter vc01.example.test" in result.stderr
    assert "neither says when it was taken" in result.stderr
    assert "audit one export per vCenter" in result.stderr


def test_two_exports_that_name_no_vcenter_but_list_the_same_guests_are_an_input_error(cli, tmp_path: Path) -> None:
    """Before: 9 guests and one 'sql (4 nodes)' guest cluster made of two copies of the same pair."""
    old, new = _two_dates()
    gone = {t: ("VI SDK UUID", "VI SDK Server") for t in ALL_TABS}
    a, b = write_csv_folder(old, tmp_path / "a", columns=gone), write_csv_folder(new, tmp_path / "b", columns=gone)
    result, found = _audit(cli, tmp_path, a, b)
    assert result.code == 3 and found is None
    assert f"{a} and {b} list 4 of the same guests (same VM ID and name)" in result.stderr
    assert "neither names its vCenter" in result.stderr


def test_same_named_guests_in_two_vcenters_stay_two_guests_everywhere(cli, tmp_path: Path) -> None:
    one = small_estate()
    two = small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test")
    result, found = _audit(cli, tmp_path, write_xlsx(one, tmp_path / "vc01.xlsx"),
                           write_xlsx(two, tmp_path / "vc02.xlsx"))
    assert result.code == 0, result.stderr
    assert (found["estate"]["guests"], found["estate"]["hosts"]) == (10, 8)
    proven = [c for c in found["faux_clusters"] if not c["suspected"]]
    assert len(proven) == 4
    keys = [tuple(sorted(g["key"] for g in c["guests"])) for c in proven]
    assert len(set(keys)) == 4 and all(len({k.split("/")[0] for k in group}) == 1 for group in keys)
    names = sorted(c["name"] for c in proven)
    assert len(set(names)) == 4, names  # each name says which vCenter it is in
    assert any("vc02.example.test" in n for n in names)
    finding_keys = [(f["rule"], f["guest"]["key"]) for f in found["findings"] if f.get("guest")]
    assert len(finding_keys) == len(set(finding_keys))
    assert {f["guest"]["key"].split("/")[0] for f in found["findings"] if f.get("guest")} == {
        one.uuid, two.uuid}

"""Two Hyper-V exports whose nodes share computer names (HV01 in two clusters of two domains).

Each node is a host of its own everywhere a user looks: host count, the guests that tie it, guest
clusters, hosts that cannot be emptied, fixes and the labels of the JSON and the PDF. The same host
collected twice stays one host.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from tests.conftest import CHECKER
from tests.rules.hyperv_lab import Lab

NORTH, SOUTH = "HV01 in CL-NORTH", "HV01 in CL-SOUTH"
NORTH2, SOUTH2 = "HV02 in CL-NORTH", "HV02 in CL-SOUTH"


def north() -> Lab:
    """CL-NORTH (north.example): a VM on HV01's D:, one on HV02's private switch HB, and a guest cluster on a
    shared VHDX across HV01 and HV02."""
    lab = Lab(cluster="CL-NORTH")
    lab.node("HV01", fqdn="HV01.north.example")
    lab.node("HV02", fqdn="HV02.north.example", switches={"Prod": "External", "HB": "Private"})
    lab.vm("WEB-N", "HV01", folder="D:\\VMs\\WEB-N")
    lab.vm("HBX-N", "HV02", switches=("Prod", "HB"))
    for name, host in (("FS-1", "HV01"), ("FS-2", "HV02")):
        lab.vm(name, host)
        lab.disk(name, "C:\\ClusterStorage\\Volume1\\FS\\quorum.vhdx", shared=True)
    return lab


def south() -> Lab:
    """CL-SOUTH (south.example): a VM on HV01's D:, two on HV02's private switch HB (a heartbeat pair); HV03
    holds a VM that can move."""
    lab = Lab(cluster="CL-SOUTH")
    lab.node("HV01", fqdn="HV01.south.example")
    lab.node("HV02", fqdn="HV02.south.example", switches={"Prod": "External", "HB": "Private"})
    lab.node("HV03", fqdn="HV03.south.example")
    lab.vm("WEB-S", "HV01", folder="D:\\VMs\\WEB-S")
    lab.vm("HB-1", "HV02", switches=("Prod", "HB"))
    lab.vm("HB-2", "HV02", switches=("Prod", "HB"))
    lab.vm("OK-S", "HV03")
    return lab


def _audit(cli: Any, tmp_path: Path, *exports: Path, pdf: bool = False) -> dict[str, Any]:
    out = tmp_path / "f.json"
    extra = ["-o", tmp_path / "r.pdf"] if pdf else []
    result = cli(["audit", *exports, "--json", out, "-q", *extra])
    assert result.code == 0, result.stderr
    found: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return found


def _names(items: list[dict[str, Any]]) -> set[str]:
    return {str(g["name"]) for g in items}


def test_same_named_nodes_of_two_clusters_are_two_hosts(cli: Any, tmp_path: Path) -> None:
    """Before: HV01 and HV02 of both clusters were merged into one 'HV01' and one 'HV02' (2 hosts, not 4), the
    guests of both tied one host, and the two 'D: on HV01' drives and 'HB' switches were one fix each."""
    found = _audit(cli, tmp_path, north().write(tmp_path / "north"), south().write(tmp_path / "south"), pdf=True)
    assert found["estate"]["hosts"] == 5
    hosts = {h["label"]: h for h in found["hosts"]}
    assert {label: (h["name"], h["cluster"]) for label, h in hosts.items()} == {
        NORTH: ("HV01", "CL-NORTH"), SOUTH: ("HV01", "CL-SOUTH"), NORTH2: ("HV02", "CL-NORTH"),
        SOUTH2: ("HV02", "CL-SOUTH"), "HV03": ("HV03", "CL-SOUTH")}
    assert {label: _names(h["pinned_guests"]) for label, h in hosts.items()} == {
        NORTH: {"WEB-N"}, SOUTH: {"WEB-S"}, NORTH2: {"HBX-N"}, SOUTH2: {"HB-1", "HB-2"}, "HV03": set()}
    assert {label for label, h in hosts.items() if not h["evacuable"]} == {NORTH, SOUTH, NORTH2, SOUTH2}
    assert set(found["cost"]["per_host"]) == {NORTH, SOUTH, NORTH2, SOUTH2}

    clusters = {frozenset(_names(c["guests"])): c for c in found["faux_clusters"]}
    fs = clusters[frozenset({"FS-1", "FS-2"})]
    assert fs["hosts"] == ["HV01", "HV02"] and fs["host_labels"] == [NORTH, NORTH2]
    heartbeat = clusters[frozenset({"HB-1", "HB-2"})]
    assert heartbeat["topology"] == "in-a-box" and heartbeat["host_labels"] == [SOUTH2]
    tied = {(f["guest"]["name"], f["rule"]): f["host_label"] for f in found["findings"] if f["guest"]}
    assert tied[("WEB-N", "HYV-08")] == NORTH and tied[("WEB-S", "HYV-08")] == SOUTH
    assert tied[("HBX-N", "HYV-05")] == NORTH2 and tied[("HB-1", "HYV-05")] == SOUTH2

    fixes = {r["label"]: r["host_labels_freed"] for r in found["remediation"]["by_cause"]
             if r["kind"] != "guest-cluster"}
    assert fixes == {"D: on HV01 in CL-NORTH": [NORTH], "D: on HV01 in CL-SOUTH": [SOUTH],
                     "HB on HV02 in CL-NORTH": [NORTH2], "HB on HV02 in CL-SOUTH": [SOUTH2]}, fixes
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, tmp_path / "f.json"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    text = " ".join(subprocess.run(["pdftotext", "-layout", tmp_path / "r.pdf", "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    for label in (NORTH, SOUTH, NORTH2, SOUTH2):
        assert label in text, label


def test_the_same_cluster_collected_twice_is_one_set_of_hosts(cli: Any, tmp_path: Path) -> None:
    """Before: each node was listed twice in the findings JSON, once without the guests that tie it."""
    found = _audit(cli, tmp_path, north().write(tmp_path / "monday"), north().write(tmp_path / "tuesday"))
    assert found["estate"]["hosts"] == 2
    hosts = {h["label"]: h for h in found["hosts"]}
    assert sorted(hosts) == ["HV01", "HV02"]
    assert {g["name"] for g in hosts["HV01"]["pinned_guests"]} == {"WEB-N"}
    said = [i["message"] for i in found["data_quality"] if i["message"].startswith("the host HV01 ")]
    assert said == ["the host HV01 is in 2 exports (monday, tuesday): one host (the same DNS name "
                    "hv01.north.example), counted once"]


def _standalone(name: str, *vms: str, fqdn: str | None = None) -> Lab:
    """A standalone host exported by hand (Export-Csv): no cluster, no DNS name unless given."""
    lab = Lab(cluster=None)
    lab.node(name, fqdn=fqdn)
    for vm in vms:
        lab.vm(vm, name, clustered=False, folder=f"D:\\VMs\\{vm}")
    return lab


def test_a_host_the_exports_cannot_tell_apart_is_kept_apart_and_said(cli: Any, tmp_path: Path) -> None:
    """A standalone HV01 exported by hand beside a cluster's HV01: nothing tells whether it is the same host."""
    found = _audit(cli, tmp_path, north().write(tmp_path / "north"),
                   _standalone("HV01", "LAB-1").write(tmp_path / "lab-hv01"))
    hosts = {h["label"]: h for h in found["hosts"]}
    assert sorted(hosts) == [NORTH, "HV01 in lab-hv01", "HV02"]
    assert {g["name"] for g in hosts["HV01 in lab-hv01"]["pinned_guests"]} == {"LAB-1"}
    assert {g["name"] for g in hosts[NORTH]["pinned_guests"]} == {"WEB-N"}
    said = [i for i in found["data_quality"] if i["message"].startswith("the host HV01 ")]
    assert [(i["level"], i["file"]) for i in said] == [("warning", "north")]
    assert "is in north and in lab-hv01: whether they are one host or two hosts of the same name cannot be told" \
        in said[0]["message"] and "counted as two hosts" in said[0]["message"]


def test_a_hand_made_export_of_a_cluster_node_is_that_node(cli: Any, tmp_path: Path) -> None:
    """No DNS name and no cluster in the hand-made export, but a VM in common: the same host."""
    found = _audit(cli, tmp_path, north().write(tmp_path / "north"),
                   _standalone("HV01", "WEB-N").write(tmp_path / "hv01-by-hand"))
    assert sorted(h["label"] for h in found["hosts"]) == ["HV01", "HV02"]
    assert [h["cluster"] for h in found["hosts"] if h["name"] == "HV01"] == ["CL-NORTH"]


def test_standalone_hosts_of_two_domains_are_told_apart_by_their_dns_names(cli: Any, tmp_path: Path) -> None:
    found = _audit(cli, tmp_path, _standalone("HV01", "A-1", fqdn="hv01.north.example").write(tmp_path / "a"),
                   _standalone("HV01", "B-1", fqdn="hv01.south.example").write(tmp_path / "b"))
    assert found["estate"]["hosts"] == 2 and len(found["hosts"]) == 2
    assert {h["label"]: {g["name"] for g in h["pinned_guests"]} for h in found["hosts"]} == {
        "HV01 in north.example": {"A-1"}, "HV01 in south.example": {"B-1"}}
    assert not [i for i in found["data_quality"] if i["message"].startswith("the host HV01 ")]


def _cl1(domain: str, *nodes: str, dmz: bool = False) -> Lab:
    """A cluster named CL1 in ``domain``; with ``dmz`` each node has a DMZ switch and a VM on the first uses it."""
    lab = Lab(cluster="CL1")
    for node in nodes:
        lab.node(node, fqdn=f"{node}.{domain}", switches={"Prod": "External", **({"DMZ": "External"} if dmz else {})})
    lab.vm(f"APP-{domain[:1].upper()}", nodes[0], switches=("Prod", "DMZ") if dmz else ("Prod",))
    return lab


def test_clusters_of_one_name_in_two_domains_are_two_clusters(cli: Any, tmp_path: Path) -> None:
    """Before: both were cluster 'hyperv/CL1': HVC and HVD were taken as nodes lacking CL1's DMZ switch (HYV-07)."""
    found = _audit(cli, tmp_path, _cl1("north.example", "HVA", "HVB", dmz=True).write(tmp_path / "north"),
                   _cl1("south.example", "HVC", "HVD").write(tmp_path / "south"))
    assert not [f for f in found["findings"] if f["rule"] == "HYV-07"]
    assert {h["label"]: h["cluster"] for h in found["hosts"]} == {"HVA": "CL1", "HVB": "CL1", "HVC": "CL1", "HVD": "CL1"}


def test_same_named_nodes_of_same_named_clusters_are_named_with_their_domain(cli: Any, tmp_path: Path) -> None:
    found = _audit(cli, tmp_path, _cl1("north.example", "HV01", "HV02").write(tmp_path / "north"),
                   _cl1("south.example", "HV01", "HV02").write(tmp_path / "south"))
    assert found["estate"]["hosts"] == 4
    assert sorted(h["label"] for h in found["hosts"]) == [f"HV0{i} in {d}.example" for i in (1, 2)
                                                          for d in ("north", "south")]


def test_the_same_cluster_collected_twice_is_one_cluster(tmp_path: Path) -> None:
    from reportgen.importers import load_estate

    estate = load_estate([north().write(tmp_path / "monday"), north().write(tmp_path / "tuesday")])
    assert estate.tables["clusters"].column("cluster_key").to_pylist() == ["hyperv/CL-NORTH"]
    assert sorted(estate.hosts.column("host_key").to_pylist()) == ["hyperv/HV01", "hyperv/HV02"]


def test_a_vm_in_both_clusters_names_each_host_as_its_export_does(cli: Any, tmp_path: Path) -> None:
    """A VMId on both clusters' HV01 (a Replica pair exported without ReplicationMode): the warning names the
    hosts 'HV01', never by a key ('CL-NORTH/HV01')."""
    south_lab = south()
    south_lab.vm("WEB-N", "HV01", state="Off", folder="D:\\VMs\\WEB-N")
    found = _audit(cli, tmp_path, north().write(tmp_path / "north"), south_lab.write(tmp_path / "south"))
    [said] = [i["message"] for i in found["data_quality"] if i["message"].startswith("the VM WEB-N ")]
    assert "is in 2 exports: poweredOn on HV01 (north); poweredOff on HV01 (south);" in said, said

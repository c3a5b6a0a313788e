"""Two vCenters whose objects share names (hosts, datastores, port groups): every list says which is which."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema

from reportgen.schemas import check_schema
from tests.conftest import CHECKER
from tests.rvtools_files import Estate, Guest, small_estate, write_xlsx

HOST = "esx01.example.test"
VC2 = {"uuid": "11111111-2222-3333-4444-555555555555", "server": "vc02.example.test"}
NORTH_SOUTH = {"esx01.example.test": "North", "esx02.example.test": "North", "esx03.example.test": "South"}
"""esx04 is in no site."""


def _vcenter(**overrides: Any) -> Estate:
    """small_estate plus a guest on esx03's local datastore, one on a port group only esx02 has, and sql01 (of the
    guest cluster in a box on esx01) on esx01's local datastore."""
    base = small_estate()
    local = Guest("app03", "vm-403", "esx03.example.test", datastore="esx03-local",
                  disks=[{"Path": "[esx03-local] app03/app03.vmdk"}])
    heartbeat = Guest("hb01", "vm-404", "esx02.example.test", disks=[{}],
                      nics=[{"Network": "Heartbeat", "Switch": "vSwitch1"}])
    sql01 = base.guests[0]
    sql01.datastore = "esx01-local"  # its configuration on esx01's local disk: the guest cluster ties esx01
    return small_estate(guests=[*base.guests, local, heartbeat], fault_domains=NORTH_SOUTH,
                        datastores={"san01": list(base.hosts), "esx03-local": ["esx03.example.test"],
                                    "esx01-local": [HOST]},
                        portgroups=[*base.portgroups, ("esx02.example.test", "Heartbeat", "vSwitch1", False)],
                        **overrides)


def two_vcenters(tmp_path: Path) -> tuple[Path, Path]:
    """The same estate in vc01 and vc02: every host, datastore and port group name is in both."""
    return write_xlsx(_vcenter(), tmp_path / "vc01.xlsx"), write_xlsx(_vcenter(**VC2), tmp_path / "vc02.xlsx")


def _audit(cli: Any, tmp_path: Path, *extra: Any) -> dict[str, Any]:
    out = tmp_path / "f.json"
    result = cli(["audit", *two_vcenters(tmp_path), "--json", out, "-q", *extra])
    assert result.code == 0, result.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def test_fixes_of_same_named_datastores_and_port_groups_read_apart(cli: Any, tmp_path: Path) -> None:
    """Before: 'esx03-local' (and 'Heartbeat on esx02.example.test') was the label of two fixes, one per vCenter."""
    import openpyxl

    found = _audit(cli, tmp_path, "--xlsx", tmp_path / "f.xlsx")
    labels = [r["label"] for r in found["remediation"]["by_cause"] if r["kind"] != "guest-cluster"]
    assert sorted(labels) == [f"esx0{i}-local in vc0{v}.example.test" for i in (1, 3) for v in (1, 2)]
    actions = [r[1] for r in openpyxl.load_workbook(tmp_path / "f.xlsx")["Actions"].iter_rows(min_row=2, values_only=True)]
    assert len(actions) == len(set(actions)) == 10, actions
    by_rule = {r[0]: r for r in openpyxl.load_workbook(tmp_path / "f.xlsx")["Fixes by rule"].iter_rows(values_only=True)}
    assert sorted(by_rule["VMW-13"][-1].split(", ")) == [f"esx0{i}.example.test in vc0{v}.example.test"
                                                         for i in (1, 3) for v in (1, 2)]
    for what in ("esx03-local", "Heartbeat on esx02.example.test", "Heartbeat in cluster Prod"):
        assert sorted(a for a in actions if f"{what} " in a) == [
            a for vc in ("vc01", "vc02") for a in actions if f"{what} in {vc}.example.test" in a], what


def test_a_datastore_name_in_one_vcenter_only_keeps_its_label(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(_vcenter(), tmp_path / "vc01.xlsx"), "--json", out, "-q"]).code == 0
    labels = {r["label"] for r in json.loads(out.read_text())["remediation"]["by_cause"] if r["kind"] != "guest-cluster"}
    assert labels == {"esx01-local", "esx03-local"}


def _pdf_text(path: Path, *options: str) -> str:
    return subprocess.run(["pdftotext", *options, path, "-"], capture_output=True, text=True, check=True).stdout


def test_site_failure_names_each_vcenters_host(cli: Any, tmp_path: Path) -> None:
    """Before: sites[].hosts listed 'esx01.example.test' twice and the reasons said 'pinned to esx03.example.test',
    never which vCenter's; the PDF listed the hosts in no site as 'esx04.example.test, esx04.example.test'."""
    import openpyxl

    found = _audit(cli, tmp_path, "--xlsx", tmp_path / "f.xlsx", "-o", tmp_path / "r.pdf")
    north, south = found["sites"]
    assert north["hosts"] == [HOST, HOST, "esx02.example.test", "esx02.example.test"]  # the contract's names
    assert north["host_labels"] == [f"{h} in {vc}" for h in (HOST, "esx02.example.test")
                                    for vc in ("vc01.example.test", "vc02.example.test")]
    app03 = sorted((g for g in south["stranded"] if g["name"] == "app03"), key=lambda g: str(g["host_label"]))
    assert [(g["host"], g["host_label"]) for g in app03] == [
        ("esx03.example.test", "esx03.example.test in vc01.example.test"),
        ("esx03.example.test", "esx03.example.test in vc02.example.test")]
    for g in app03:
        vc = g["host_label"].split(" in ")[1]
        texts = {r["kind"]: r["text"] for r in g["reasons"]}
        assert texts["pinned"] == f"pinned to esx03.example.test in {vc} (VMW-13)"
        assert texts["datastore"] == f"datastore esx03-local in {vc} is seen only by hosts of this site"
        assert {r["what"] for r in g["reasons"]} == {"esx03.example.test", "esx03-local"}
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, tmp_path / "f.json"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    rows = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["Site failure"].iter_rows(min_row=2, values_only=True))
    assert sorted(r[4] for r in rows if r[2] == "app03") == [g["host_label"] for g in app03]
    text = " ".join(_pdf_text(tmp_path / "r.pdf", "-layout").split())
    assert "no site and are left out above: esx04.example.test in vc01.example.test, esx04.example.test in" in text


def test_guest_clusters_and_findings_name_each_vcenters_host(cli: Any, tmp_path: Path) -> None:
    """Before: each vCenter's sql pair was 'on esx01.example.test' in its members table and its steps, and the
    findings JSON named the host by its bare name only."""
    found = _audit(cli, tmp_path, "-o", tmp_path / "r.pdf")
    for c in found["faux_clusters"]:
        vc = c["name"].rsplit(" in ", 1)[1]
        assert c["host_labels"] == [f"{h} in {vc}" for h in c["hosts"]]
        assert [g["host_label"] for g in c["guests"]] == [f"{g['host']} in {vc}" for g in c["guests"]]
    pairs = {(f["host"], f["host_label"]) for f in found["findings"] if f["host"]}
    assert pairs == {(h, f"{h} in {vc}") for h, _ in pairs for vc in ("vc01.example.test", "vc02.example.test")}
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, tmp_path / "f.json"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    text = " ".join(_pdf_text(tmp_path / "r.pdf").split())
    for vc in ("vc01.example.test", "vc02.example.test"):
        assert f"1 host ({HOST}" not in text  # the cost names no host the members table names already
        assert f"Spread the nodes (all on {HOST} in {vc} today)" in text
        assert f"in a box: all 2 nodes run on host {HOST} in {vc}, so a maintenance" in text
        assert f"Keep the nodes on different hosts (esx02.example.test in {vc} and esx03.example.test in {vc})" in text
    layout = " ".join(_pdf_text(tmp_path / "r.pdf", "-layout").split())
    assert layout.count(f"sql01 {HOST} in") == 2 and f"sql01 {HOST} running" not in layout  # the members tables


def test_one_vcenter_labels_are_the_names(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(_vcenter(), tmp_path / "vc01.xlsx"), "--json", out, "-q"]).code == 0
    found = json.loads(out.read_text())
    assert all(c["host_labels"] == c["hosts"] for c in found["faux_clusters"])
    assert all(f["host_label"] == f["host"] for f in found["findings"])


def test_check_with_a_name_two_vcenters_share_asks_for_a_label(cli: Any, tmp_path: Path) -> None:
    """A bare name that two vCenters' hosts share answers for both and says so, naming the vCenters and asking for
    a label to check one; never one of them alone."""
    _audit(cli, tmp_path)
    out = tmp_path / "f.json"
    for name in (HOST, "ESX01"):
        text = cli(["check", name, "--from", out])
        assert text.code == 1
        assert [line.split(" (")[0] for line in text.stdout.splitlines() if line.startswith(HOST)] == [
            f"{HOST} in vc01.example.test", f"{HOST} in vc02.example.test"]
        assert (f"reportgen: '{name}' names 2 hosts ({HOST} in vc01.example.test, {HOST} in vc02.example.test): "
                f"to check one, give its label, e.g. reportgen check '{HOST} in vc02.example.test'") in text.stderr
        answer = json.loads(cli(["check", name, "--from", out, "--json"]).stdout)
        jsonschema.validate(answer, check_schema())
        assert answer["ambiguous"] == [{"pattern": name, "hosts": [f"{HOST} in vc01.example.test",
                                                                  f"{HOST} in vc02.example.test"]}]
    one = cli(["check", f"{HOST} in vc02.example.test", "--from", out, "--json"])
    assert json.loads(one.stdout)["ambiguous"] == [] and one.stderr == ""
    assert cli(["check", "esx0*", "--from", out]).stderr == ""  # a pattern asks for several hosts


def test_an_owners_pack_names_each_vcenters_host(cli: Any, tmp_path: Path) -> None:
    """Before: the DBA team's pack listed its two sql pairs each 'on esx01.example.test'."""
    owners = tmp_path / "owners.csv"
    owners.write_text("guest,owner\nsql*,DBA team\n", encoding="utf-8")
    packs = tmp_path / "packs"
    _audit(cli, tmp_path, "--owners", owners, "--owner-packs", packs)
    [pack] = sorted(packs.glob("*.pdf"))
    text = _pdf_text(pack, "-layout")
    clusters = text[text.index("Your guest clusters"):text.index("Hosts you block")]
    rows = [" ".join(line.split()) for line in clusters.splitlines() if "in-a-box" in line]
    assert [r.split("in-a-box ")[1].split(" sql01")[0] for r in rows] == [f"{HOST} in vc01.", f"{HOST} in vc02."]


def test_fail_on_names_the_host_with_its_vcenter(cli: Any, tmp_path: Path) -> None:
    result = cli(["audit", *two_vcenters(tmp_path), "--fail-on", "high", "-q"])
    assert result.code == 1
    hosts = [line.split(" host ")[-1] for line in result.stderr.splitlines()
             if line.startswith("reportgen:   ") and " host " in line]
    assert hosts and all(h.split(" in ")[-1] in ("vc01.example.test", "vc02.example.test") for h in hosts), hosts


def _with_iso(tabs: dict[str, tuple[list[str], list[list[Any]]]], guest: str, store: str) -> None:
    """A connected CD/DVD drive of ``guest`` (each vCenter's) backed by an ISO on ``store``."""
    cols, rows = tabs["vCD"]
    info_cols, info = tabs["vInfo"]
    for row in info:
        g = dict(zip(info_cols, row, strict=True))
        if g["VM"] == guest:
            drive = {**{c: g.get(c) for c in cols}, "Device Node": "CD/DVD drive 1", "Connected": "True",
                     "Starts Connected": "True", "Device Type": f"ISO [{store}] iso/win2022.iso"}
            rows.append([drive[c] for c in cols])


def test_one_export_of_two_linked_vcenters_keeps_their_same_named_datastores_apart(cli: Any, tmp_path: Path) -> None:
    """RVTools in linked mode writes both vCenters' rows into one workbook, told apart by VI SDK UUID. Before, a
    guest on 'esx03-local' was matched to both vCenters' esx03-local (two VMW-13 findings, two VMW-19 for its
    ISO, each naming the other vCenter's datastore too), and no fix of a local datastore freed a host."""
    from tests.rvtools_files import trimmed, write_tabs_xlsx

    one, two = trimmed(_vcenter()), trimmed(_vcenter(**VC2))
    both = {tab: (cols, rows + (two[tab][1] if tab != "vMetaData" else [])) for tab, (cols, rows) in one.items()}
    _with_iso(both, "app03", "esx03-local")
    out = tmp_path / "f.json"
    assert cli(["audit", write_tabs_xlsx(both, tmp_path / "linked.xlsx"), "--json", out, "-q"]).code == 0
    found = json.loads(out.read_text())
    for rule, expected in (("VMW-13", ["app03", "app03", "sql01", "sql01"]), ("VMW-19", ["app03", "app03"])):
        tied = [f for f in found["findings"] if f["rule"] == rule and f["timing"] != "hygiene"]
        assert sorted(f["guest"]["name"] for f in tied) == expected, rule
        assert sorted(f["guest"]["key"] for f in tied) == sorted({f["guest"]["key"] for f in tied}), rule
    freed = {r["hosts_freed"][0].split(".")[0] for r in found["remediation"]["by_cause"] if r["kind"] == "datastore"}
    assert freed == {"esx01", "esx03"}
    assert len([r for r in found["remediation"]["by_cause"] if r["kind"] == "datastore"]) == 4
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_iso_on_a_datastore_vdatastore_omits_is_no_tie_in_either_vcenter(cli: Any, tmp_path: Path) -> None:
    """CSV folders of two vCenters without the VI SDK UUID column: the local datastore's hosts are named as the
    export names them (before: 'tmp/…/vc01/export/esx03.example.test', the folder's path); an ISO on a datastore
    vDatastore does not list stays a note in each vCenter."""
    from tests.rvtools_files import csv_bytes, trimmed

    folders = []
    for name, estate in (("vc01", _vcenter()), ("vc02", _vcenter(**VC2))):
        tabs = trimmed(estate, {tab: ("VI SDK UUID",) for tab in ("vInfo", "vDisk", "vNetwork", "vCD", "vHost",
                                                                   "vNIC", "vSwitch", "vPort", "vDatastore",
                                                                   "vCluster", "vSource")})
        _with_iso(tabs, "app03", "esx03-local")
        _with_iso(tabs, "web01", "isolib")
        folder = tmp_path / name / "export"
        folder.mkdir(parents=True)
        for tab, (cols, rows) in tabs.items():
            if tab != "vMetaData":
                (folder / f"RVTools_tab{tab}.csv").write_bytes(csv_bytes(cols, rows))
        folders.append(folder)
    out = tmp_path / "f.json"
    assert cli(["audit", *folders, "--json", out, "-q"]).code == 0
    found = json.loads(out.read_text())
    evidence = [f["evidence"] for f in found["findings"] if f["rule"] in ("VMW-13", "VMW-19")
                and f["guest"]["name"] == "app03"]
    assert len(evidence) == 4 and all(str(tmp_path).strip("/") not in e for e in evidence), evidence
    assert all(e.endswith("seen only by esx03.example.test") for e in evidence if "CD/DVD" in e or "ISO" in e)
    notes = [f for f in found["findings"] if f["rule"] == "VMW-19" and f["guest"]["name"] == "web01"]
    assert [(f["timing"], f["severity"]) for f in notes] == [("hygiene", "low")] * 2


def _squashed_pdf(path: Path) -> str:
    """The PDF's text (pypdf) without white space: names may wrap after any dot."""
    from pypdf import PdfReader

    return "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())


def test_guests_two_vcenters_share_a_name_are_named_with_their_vcenter(cli: Any, tmp_path: Path) -> None:
    """Before: the North site's row read 'hb01, hb01, sql01, sql01', the register and the cost table listed 'hb01'
    twice, a fix's reason said 'hb01 is also tied by …' for each vCenter's hb01, the data quality said 'guest hb01
    ties host esx02.example.test' and the JSON's owners.unowned_guests named bare hosts."""
    found = _audit(cli, tmp_path, "-o", tmp_path / "r.pdf")
    vcenter = {"5A1E7C3B": "vc01.example.test", "11111111": "vc02.example.test"}
    unowned = found["owners"]["unowned_guests"]
    assert len(unowned) == 6
    for g in unowned:
        vc = vcenter[g["key"][:8]]
        assert g["label"] == f"{g['name']} in {vc}" and g["host_labels"] == [f"{h} in {vc}" for h in g["hosts"]]
    messages = [q["message"] for q in found["data_quality"]]
    for vc in vcenter.values():
        assert (f"guest 'hb01' ties host esx02.example.test in {vc} but has no owner: nobody to ask for its "
                "maintenance (add it to the owners file)") in messages
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, tmp_path / "f.json"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    text = _squashed_pdf(tmp_path / "r.pdf")
    for vc in vcenter.values():
        assert f"Freesnohostalone:hb01in{vc}isalsotiedby" in text
        assert f"hb01in{vc}guest·1host" in text  # the cost of each tied guest
        assert f"esx02.example.testin{vc}Prodin{vc}hb01in{vc}" in text  # the register's row: each its own Prod
    north = text[text.index("North4"):text.index("tiedtoahost:4")]
    assert "hb01,hb01" not in north and north.count("hb01in") == 2 and north.count("sql01in") == 2, north
    layout = " ".join(_pdf_text(tmp_path / "r.pdf", "-layout").split())
    assert "hb01, hb01" not in layout


def test_one_vcenter_guests_keep_their_names(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(_vcenter(), tmp_path / "vc01.xlsx"), "--json", out, "-q"]).code == 0
    unowned = json.loads(out.read_text())["owners"]["unowned_guests"]
    assert unowned and all(g["label"] == g["name"] and g["host_labels"] == g["hosts"] for g in unowned)

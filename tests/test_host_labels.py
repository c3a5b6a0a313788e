"""Same-named hosts in two vCenters: the wave plan and ``reportgen check`` say which one is meant."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from reportgen.host_labels import told_apart
from tests.conftest import CHECKER
from tests.rvtools_files import Guest, small_estate, write_xlsx

HOST = "esx01.example.test"


def _two_vcenters(cli: Any, tmp_path: Path) -> tuple[Path, dict[str, Any]]:
    one = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    two = write_xlsx(small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test"),
                     tmp_path / "vc02.xlsx")
    out = tmp_path / "f.json"
    result = cli(["audit", one, two, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    return out, json.loads(out.read_text())


def test_waves_tell_same_named_hosts_apart(cli: Any, tmp_path: Path) -> None:
    """Before: the waves listed 'esx01.example.test' twice, and nothing said which vCenter's host each was."""
    out, found = _two_vcenters(cli, tmp_path)
    hosts = [h for h in found["hosts"] if h["name"] == HOST]
    assert sorted(h["label"] for h in hosts) == [f"{HOST} in vc01.example.test", f"{HOST} in vc02.example.test"]
    labels = [label for wave in found["wave_labels"] for label in wave]
    assert len(labels) == len(set(labels)) == found["estate"]["hosts"] == 8
    assert [len(w) for w in found["wave_labels"]] == [len(w) for w in found["waves"]]
    assert sum(w.count(HOST) for w in found["waves"]) == 2  # the contract's names are unchanged
    for h in found["hosts"]:
        assert h["label"] in found["wave_labels"][h["wave"]] and h["name"] in found["waves"][h["wave"]]
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_check_names_each_same_named_host_with_its_vcenter(cli: Any, tmp_path: Path) -> None:
    out, _ = _two_vcenters(cli, tmp_path)
    both = cli(["check", HOST, "--from", out])
    heads = [line for line in both.stdout.splitlines() if line.startswith(HOST)]
    assert [h.split(" (")[0] for h in heads] == [f"{HOST} in vc01.example.test", f"{HOST} in vc02.example.test"]
    one = cli(["check", f"{HOST} in vc02.example.test", "--from", out, "--json"])
    [host] = json.loads(one.stdout)["hosts"]
    assert (host["name"], host["label"]) == (HOST, f"{HOST} in vc02.example.test")


def test_a_unique_name_is_its_own_label(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(small_estate(), tmp_path / "vc01.xlsx"), "--json", out, "-q"]).code == 0
    found = json.loads(out.read_text())
    assert [h["label"] for h in found["hosts"]] == [h["name"] for h in found["hosts"]]
    assert found["wave_labels"] == found["waves"]
    result = cli(["check", HOST, "--from", out])
    assert result.stdout.startswith(f"{HOST} (cluster Prod): ")


@pytest.mark.parametrize(("places", "expected"), [
    ({"a": "vc01", "b": "vc02"}, {"a": "esx01 in vc01", "b": "ESX01 in vc02"}),
    ({"a": "vc01", "b": "vc01"}, {"a": "esx01 in vc01 (a)", "b": "ESX01 in vc01 (b)"}),
    ({"a": None, "b": "vc02"}, {"a": "esx01 in an export without a name", "b": "ESX01 in vc02"}),
])
def test_labels_never_read_alike(places: dict[str, str | None], expected: dict[str, str]) -> None:
    """Names are compared without case, as DNS compares them."""
    assert told_apart({"a": "esx01", "b": "ESX01", "c": "esx02"}, {**places, "c": "vc01"}) == {**expected, "c": "esx02"}


def test_the_wave_plan_counts_same_named_clusters_of_two_vcenters_apart(tmp_path: Path) -> None:
    """Before: 'Cluster Prod has 6 hosts and allows 1 down at once, so it alone needs 6 waves' beside a plan
    of 3 waves: the two vCenters' 'Prod' clusters (3 hosts each) were counted as one."""
    from reportgen.audit import run_audit
    from reportgen.report.waves import binding_constraint, limiting_cluster

    one = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    two = write_xlsx(small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test"),
                     tmp_path / "vc02.xlsx")
    analysis = run_audit([one, two]).analysis
    assert len(analysis.waves) == 3
    name, hosts, allowed = limiting_cluster(analysis) or ("", 0, 0)
    assert (name, hosts, allowed) == ("Prod in vc02.example.test", 3, 1)
    bound = binding_constraint(analysis)
    assert bound is not None and bound.waves == 3 and bound.hosts == 3


def test_the_html_search_data_places_guest_clusters_on_their_own_vcenters_hosts(tmp_path: Path) -> None:
    from reportgen.audit import run_audit
    from reportgen.report.explorer import explorer_data

    one = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    two = write_xlsx(small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test"),
                     tmp_path / "vc02.xlsx")
    audit = run_audit([one, two])
    data = explorer_data(audit.analysis, audit.costing)
    hosts = audit.analysis.hosts
    placed = {c.id: tuple(hosts[i].key for i in d["hosts"]) for c, d in zip(audit.analysis.guest_clusters,
                                                                          data["clusters"], strict=True)}
    assert len(placed) >= 2
    assert placed == {c.id: c.host_keys for c in audit.analysis.guest_clusters}


NORTH_SOUTH = {"esx01.example.test": "North", "esx02.example.test": "North",
               "esx03.example.test": "South", "esx04.example.test": "South"}


def _local(name: str, vm_id: str, host: str, cluster: str = "Prod") -> Guest:
    """A guest on its host's local datastore: it ties that host (one unit of cost)."""
    store = host.split(".")[0] + "-local"
    return Guest(name, vm_id, host, cluster=cluster, datastore=store, disks=[{"Path": f"[{store}] {name}/{name}.vmdk"}])


def _differing_vcenters(tmp_path: Path) -> tuple[Path, Path]:
    """vc01 and vc02 have the same host names, but vc02's esx01 is alone in cluster Edge, in the other
    site, and ties two guests, while its esx02 ties none."""
    base = small_estate()
    local = {h.split(".")[0] + "-local": [h] for h in base.hosts}
    one = small_estate(fault_domains=NORTH_SOUTH, datastores={"san01": list(base.hosts), **local},
                       guests=[*base.guests, _local("app01", "vm-401", HOST), _local("app02", "vm-402", "esx02.example.test"),
                               _local("app03", "vm-403", "esx03.example.test")])
    two = small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test",
                       hosts={**base.hosts, HOST: "Edge"}, datastores={"san01": list(base.hosts), **local},
                       fault_domains={**NORTH_SOUTH, HOST: "South", "esx02.example.test": "South"},
                       guests=[*(g for g in base.guests if g.host != HOST), _local("app11", "vm-411", HOST, "Edge"),
                               _local("app12", "vm-412", HOST, "Edge"), _local("app13", "vm-413", "esx03.example.test")])
    return write_xlsx(one, tmp_path / "vc01.xlsx"), write_xlsx(two, tmp_path / "vc02.xlsx")


def test_per_host_figures_of_same_named_hosts_stay_their_own(cli: Any, tmp_path: Path) -> None:
    """Before: the yearly cost, the site and the cluster of a host were kept by host name, so vc02's
    esx01 and esx02 showed vc01's figures (or the other way round) in the JSON, the workbook and the PDF."""
    import openpyxl

    one, two = _differing_vcenters(tmp_path)
    out, book, pdf = tmp_path / "f.json", tmp_path / "f.xlsx", tmp_path / "r.pdf"
    result = cli(["audit", one, two, "--json", out, "--xlsx", book, "-o", pdf, "-q"])
    assert result.code == 0, result.stderr
    found = json.loads(out.read_text())
    hosts = {h["label"]: h for h in found["hosts"]}
    assert len(hosts) == 8
    a = found["cost"]["assumptions"]
    unit = a["labour_per_unit_and_event"] + a["outage_minutes"] * a["outage_cost_per_minute"]

    def yearly(units: int) -> float:
        return round(a["events_per_year"]["vsphere"] * (a["change_cost"] + units * unit), 2) if units else 0.0

    expected = {  # label -> (cluster, site, units handled by hand)
        f"{HOST} in vc01.example.test": ("Prod", "North", 1),
        f"{HOST} in vc02.example.test": ("Edge", "South", 2),
        "esx02.example.test in vc01.example.test": ("Prod", "North", 1),
        "esx02.example.test in vc02.example.test": ("Prod", "South", 0),
        "esx03.example.test in vc01.example.test": ("Prod", "South", 1),
        "esx03.example.test in vc02.example.test": ("Prod", "South", 1),
    }
    for label, (cluster, site, units) in expected.items():
        h = hosts[label]
        assert (h["cluster"], h["site"], h["annual_cost"]) == (cluster, site, pytest.approx(yearly(units))), label
        assert found["cost"]["per_host"].get(label, 0.0) == pytest.approx(yearly(units)), label
    assert sum(h["annual_cost"] for h in found["hosts"]) == pytest.approx(found["cost"]["annual_total"])
    assert sum(found["cost"]["per_host"].values()) == pytest.approx(found["cost"]["annual_total"])
    for fix in found["remediation"]["by_cause"]:  # a fix saves the cost of the very hosts it frees
        freed = [h for h in found["hosts"] if h["name"] in fix["hosts_freed"] and h["label"] in fix["host_labels_freed"]]
        assert len(freed) == len(fix["hosts_freed"]) == len(fix["host_labels_freed"])
        assert fix["annual_saving"] == pytest.approx(sum(h["annual_cost"] for h in freed))
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr

    ws = openpyxl.load_workbook(book)["Host register"]
    header = [c.value for c in ws[1]]
    rows = {r[0]: dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True)}
    for label, (cluster, _, units) in expected.items():  # both vCenters have a 'Prod': each is told apart
        told = cluster if cluster == "Edge" else f"{cluster} in {label.partition(' in ')[2]}"
        assert hosts[label]["cluster_label"] == told, label
        assert rows[label]["Cluster"] == told and rows[label]["Cost a year (GBP)"] == pytest.approx(yearly(units))

    if Path("/usr/bin/pdftotext").exists():  # the PDF's host register: each host's own cluster and cost
        lines = subprocess.run(["pdftotext", "-layout", pdf, "-"], capture_output=True, text=True,
                               check=True).stdout.splitlines()
        register = {}
        for line, below in zip(lines, lines[1:]):
            row = re.match(r"\s*(\S+) in\s+(\w+)\s.*£([\d,]+)$", line)
            if row and below.split():
                register[f"{row[1]} in {below.split()[0]}"] = (row[2], float(row[3].replace(",", "")))
        assert register == {label: (cluster, yearly(units)) for label, (cluster, _, units) in expected.items() if units}


def test_compare_and_history_tell_same_named_hosts_apart(cli: Any, tmp_path: Path) -> None:
    """Before: hosts were compared by name, so vc01's esx01 freed while vc02's esx01 stayed tied was no change."""
    one, two = _differing_vcenters(tmp_path)
    history = tmp_path / "history"
    assert cli(["audit", one, two, "--json", tmp_path / "old.json", "--history", history, "-q"]).code == 0
    later = tmp_path / "later"
    later.mkdir()
    base = small_estate()
    freed = small_estate(fault_domains=NORTH_SOUTH, exported=base.exported.replace(month=6),
                         datastores={"san01": list(base.hosts), **{h.split(".")[0] + "-local": [h] for h in base.hosts}},
                         guests=[*base.guests, _local("app02", "vm-402", "esx02.example.test"),
                                 _local("app03", "vm-403", "esx03.example.test")])
    newer = write_xlsx(freed, later / "vc01.xlsx")
    assert cli(["audit", newer, two, "--json", tmp_path / "new.json", "--history", history, "-q"]).code == 0
    result = cli(["compare", tmp_path / "old.json", tmp_path / "new.json", "--json", tmp_path / "c.json"])
    assert result.code == 0, result.stderr
    hosts = json.loads((tmp_path / "c.json").read_text())["hosts"]
    assert (hosts["freed"], hosts["newly_tied"]) == ([f"{HOST} in vc01.example.test"], [])
    snapshots = sorted(history.glob("*.json"))
    assert len(snapshots) == 2
    assert f"{HOST} in vc02.example.test" in json.loads(snapshots[-1].read_text())["pinned_hosts"]

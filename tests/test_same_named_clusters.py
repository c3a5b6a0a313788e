"""vSphere cluster names are unique only within a datacenter: one vCenter may have a 'Common' in each of two
datacenters, and these are two clusters everywhere the report counts, plans or draws clusters."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import openpyxl

from tests.rvtools_files import Estate, Guest, tabs, write_tabs_xlsx

SECOND = {"esx03.example.test", "esx04.example.test"}
"""The hosts of the 'Common' of datacenter DC2; esx01 and esx02 are the 'Common' of DC1."""


def _two_commons(path: Path) -> Path:
    hosts = {f"esx0{i}.example.test": "Common" for i in range(1, 5)}
    guests = [Guest(f"app0{i}", f"vm-10{i}", host, cluster="Common", disks=[{}]) for i, host in enumerate(hosts, 1)]
    written = tabs(Estate(hosts=hosts, guests=guests))
    for cols, rows in written.values():
        if "Datacenter" in cols and "Host" in cols:  # vCluster, as RVTools writes it, names no datacenter
            at, host = cols.index("Datacenter"), cols.index("Host")
            for row in rows:
                if row[host] in SECOND:
                    row[at] = "DC2"
    return write_tabs_xlsx(written, path)


def test_same_named_clusters_of_two_datacenters_are_two_clusters(cli: Any, tmp_path: Path) -> None:
    """Before: the glance chart drew one line 'Common' of 4 hosts, and a wave listed two 'Common' hosts, which read
    as two hosts of one cluster in maintenance at once."""
    export = _two_commons(tmp_path / "vc01.xlsx")
    result = cli(["audit", export, "-o", tmp_path / "r.pdf", "--json", tmp_path / "f.json",
                  "--xlsx", tmp_path / "f.xlsx", "-q"])
    assert result.code == 0, result.stderr
    found = json.loads((tmp_path / "f.json").read_text())
    label = {h["label"]: h["cluster_label"] for h in found["hosts"]}
    assert label == {f"esx0{i}.example.test": f"Common in DC{1 if i < 3 else 2}" for i in range(1, 5)}
    assert {h["cluster"] for h in found["hosts"]} == {"Common"}  # the name as the export gives it
    for wave in found["wave_labels"]:  # never two hosts of one cluster, one of each 'Common' may go together
        clusters = [label[h] for h in wave]
        assert len(clusters) == len(set(clusters)), found["wave_labels"]
    assert sorted(sorted(label[h] for h in w) for w in found["wave_labels"]) == [
        ["Common in DC1", "Common in DC2"]] * 2
    text = " ".join(subprocess.run(["pdftotext", "-layout", tmp_path / "r.pdf", "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert "Common in DC1" in text and "Common in DC2" in text  # two lines of the glance chart
    waves = list(openpyxl.load_workbook(tmp_path / "f.xlsx")["Waves"].iter_rows(min_row=2, values_only=True))
    assert sorted((w[1], w[2]) for w in waves) == [(h, c) for h, c in sorted(label.items())]


def test_settings_of_same_named_clusters_are_not_lent_to_each_other(cli: Any, tmp_path: Path) -> None:
    """vCluster names no datacenter: of two 'Common' rows, one with HA off, neither can be told to be DC1's or
    DC2's. Before: the first row's 'HA enabled = False' was read as both clusters', and all four hosts were listed as
    stranding their guests on failure."""
    path = _two_commons(tmp_path / "vc01.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["vCluster"]
    cols = [c.value for c in sheet[1]]
    row = [c.value for c in sheet[2]]
    sheet.delete_rows(2)
    for ha in ("False", "True"):
        sheet.append([ha if c == "HA enabled" else 2 if c == "NumHosts" else v for c, v in zip(cols, row, strict=True)])
    book.save(path)
    result = cli(["audit", path, "--json", tmp_path / "f.json", "-q"])
    found = json.loads((tmp_path / "f.json").read_text())
    assert [f for f in found["findings"] if "HA enabled = False" in json.dumps(f)] == [], result.stderr
    assert [h["label"] for h in found["hosts"] if h["stranded_on_failure"]] == []

"""Cluster settings read from vCluster rows whose names are blank, where their host counts settle them.

licenseware-3.x: tabvCluster has a row per cluster but every 'Name' is blank, so the report said "DRS and HA of 6
clusters (21 hosts) are not shown by this export … not known", though the 6 rows with hosts (NumHosts 3, 3, 4, 3,
4, 4 = 21, exactly the hosts of the 6 clusters vInfo names) all read HA on, DRS on, fully automated. Whichever row
is whose, the value is the same: the settings are known. Where the rows differ, or their counts do not add up to
the clusters' hosts, they stay unknown.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.conftest import real_export
from tests.rvtools_files import Estate, Guest, tabs, write_tabs_xlsx

HOSTS = {"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Test",
         "esx04.example.test": "Test", "esx05.example.test": "Test"}


def _text(tmp_path: Path, *, ha: tuple[str, str] = ("True", "True"), extra_hosts: int = 0) -> str:
    """Two clusters (Prod 2 hosts, Test 3) whose vCluster rows have no name, and an empty cluster's row."""
    estate = Estate(hosts=HOSTS, guests=[Guest(f"vm{i}", f"vm-{i}", h) for i, h in enumerate(HOSTS)])
    written = tabs(estate)
    names, rows = written["vCluster"]
    for row, on in zip(rows, ha, strict=True):
        row[names.index("HA enabled")] = on
        row[names.index("NumHosts")] += extra_hosts if row is rows[0] else 0
    empty = list(rows[0])
    empty[names.index("NumHosts")], empty[names.index("HA enabled")], empty[names.index("DRS enabled")] = 0, "False", "False"
    for row in (*rows, empty):
        row[names.index("Name")] = None
    written["vCluster"] = (names, [*rows, empty])
    path = write_tabs_xlsx(written, tmp_path / "nameless.xlsx")
    audit = run_audit([path])
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", render_html(build_report(audit.analysis, audit.costing)))).split())


def test_nameless_rows_that_agree_and_count_the_clusters_hosts_give_their_settings(tmp_path: Path) -> None:
    text = _text(tmp_path)
    assert "not shown by this export" not in text and "whether their settings need fixing is not known" not in text
    assert ("2 vCluster row(s) with hosts have no name; their NumHosts add up to 5, exactly the hosts of the 2 "
            "cluster(s) vInfo names that no vCluster row names, and every one of them reads HA enabled True, DRS "
            "enabled True, DRS default VM behavior fullyAutomated: read as the settings of those clusters") in text
    assert "HA off" not in text and "DRS off" not in text  # the empty cluster's row (no hosts) is no one's


def test_nameless_rows_that_differ_leave_that_setting_unknown(tmp_path: Path) -> None:
    text = _text(tmp_path, ha=("True", "False"))
    assert "HA of 2 clusters (5 hosts) is not shown by this export" in text and "DRS and HA of" not in text
    assert "the rows differ on HA enabled, which stays unknown" in text
    assert "HA off" not in text  # never guessed either way


def test_nameless_rows_whose_counts_do_not_match_leave_the_settings_unknown(tmp_path: Path) -> None:
    text = _text(tmp_path, extra_hosts=1)  # a Prod host no tab shows: which row is whose cannot be told
    assert "DRS and HA of 2 clusters (5 hosts) are not shown by this export" in text
    assert "read as the settings of those clusters" not in text


def test_licenseware_cluster_settings_are_read_from_its_nameless_rows(cli, tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    assert cli(["audit", real_export("licenseware-3.x.xlsx"), "--html", html, "-q"]).code == 0
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html.read_text(encoding="utf-8"))).split())
    assert "DRS and HA of 6 clusters (21 hosts) are not shown" not in text and "not shown by this export" not in text
    assert ("6 vCluster row(s) with hosts have no name; their NumHosts add up to 21, exactly the hosts of the 6 "
            "cluster(s) vInfo names that no vCluster row names, and every one of them reads HA enabled True, DRS "
            "enabled True, DRS default VM behavior fullyAutomated: read as the settings of those clusters") in text

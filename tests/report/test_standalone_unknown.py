"""Hosts with no cluster in an export whose vHost and vCluster were blanked: standalone only where the export proves it.

An RVTools 3.x workbook trimmed to vInfo, vCluster and vHost, with vHost's 'Host', 'Datacenter' and 'Cluster' and
vCluster's 'Name' blanked (as a real anonymised export has it). Before: VMW-24 read "not assessed", the hosts whose
guests name no cluster were drawn as "standalone hosts" on the glance map, and nothing said whether they were.

- When vCluster's NumHosts add up to exactly the hosts vInfo shows in clusters, a host none of whose guests names
  a cluster is in no cluster: it is reported standalone (VMW-24), and the checks table says "partly assessed"
  (the clusters' DRS and HA settings could not be read).
- When they do not (a cluster counts a host no tab shows), the host's cluster is unknown: the data quality says
  so, the glance map does not call it standalone and VMW-24 stays not assessed.
"""

from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

from reportgen.audit import Audit, run_audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.rvtools_files import Estate, Guest, tabs, write_tabs_xlsx

SITE = "esx09.example.test"
OFFICE = "esx08.example.test"


def _export(tmp_path: Path, *, clustered_hosts_counted: int) -> Path:
    tmp_path.mkdir(parents=True, exist_ok=True)
    """Two clustered hosts and two site hosts whose guests name no cluster; vHost and vCluster names blanked."""
    estate = Estate(hosts={"esx01.example.test": "Prod", "esx02.example.test": "Prod", OFFICE: "", SITE: ""}, guests=[
        Guest("app01", "vm-101", "esx01.example.test"), Guest("app02", "vm-102", "esx02.example.test"),
        Guest("office01", "vm-801", OFFICE, cluster=""),
        Guest("site01", "vm-901", SITE, cluster=""), Guest("site02", "vm-902", SITE, cluster="")])
    written = tabs(estate)
    names, rows = written["vInfo"]
    for row in rows:
        row[names.index("Cluster")] = row[names.index("Cluster")] or None
    names, rows = written["vHost"]
    for row in rows:
        for column in ("Host", "Datacenter", "Cluster"):
            row[names.index(column)] = None
    names, rows = written["vCluster"]
    prod = next(r for r in rows if r[names.index("Name")] == "Prod")
    prod[names.index("NumHosts")] = clustered_hosts_counted
    prod[names.index("Name")] = None
    kept = {t: written[t] for t in ("vInfo", "vCluster", "vHost")}
    kept["vCluster"] = (names, [prod])
    return write_tabs_xlsx(kept, tmp_path / "rvtools-3x.xlsx", sheet_prefix="tab")


def _html(audit: Audit) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", render_html(build_report(audit.analysis, audit.costing)))).split())


def _checks_row(text: str, rule: str, after: str) -> str:
    start = text.index(f"{rule} Cluster without DRS", text.index("Checks run"))
    return text[start:text.index(after, start)]


def test_a_host_the_counts_prove_standalone_is_reported_and_the_check_partly_assessed(tmp_path: Path) -> None:
    audit = run_audit([_export(tmp_path, clustered_hosts_counted=2)])
    text = _html(audit)
    row = _checks_row(text, "VMW-24", "VMW-25")
    assert "partly assessed" in row and "not assessed" not in row.replace("settings of the clusters not assessed", "")
    # the one nameless vCluster row counts Prod's 2 hosts: its settings (HA and DRS on) are Prod's
    assert ("DRS and HA settings of the clusters read from vCluster rows without names, which agree and whose host "
            "counts match the clusters' (vCluster column 'Name' present but empty; see data quality)") in row
    assert "are not shown by this export" not in text
    found = [f for f in audit.analysis.findings if f.rule == "VMW-24"]
    assert [f.evidence for f in found] == [f"host '{h}': no cluster in vHost / vInfo (standalone host): no DRS, no HA"
                                           for h in (OFFICE, SITE)]
    plain = re.sub(r"\s*([.,()])\s*", r"\1", text)  # host names are set with breaking points after their dots
    assert f"The 2 standalone hosts({OFFICE},{SITE})are emptied only by hand for maintenance" in plain
    assert "read as standalone hosts, because vCluster's NumHosts add up to 2, exactly the hosts vInfo shows in " \
           "clusters" in text
    assert "standalone hosts" in text and "cluster unknown" not in text
    failed = text[text.index("If a host fails"):]
    assert SITE in failed and "site01" in failed and "site02" in failed


def test_a_host_the_counts_do_not_prove_standalone_reads_as_of_unknown_cluster(tmp_path: Path) -> None:
    audit = run_audit([_export(tmp_path, clustered_hosts_counted=3)])  # a third Prod host no tab shows
    text = _html(audit)
    row = _checks_row(text, "VMW-24", "VMW-25")
    assert "not assessed" in row and "partly" not in row
    assert not [f for f in audit.analysis.findings if f.rule == "VMW-24"]
    assert (f"2 host(s) have no cluster in the export and vHost does not show theirs (e.g. {OFFICE}, {SITE}): whether "
            "they are "
            "in a cluster is unknown, so they are not reported as standalone") in text
    glance = text[text.index("Which hosts can be emptied"):text.index("One square per host")]
    assert "cluster unknown 0 of 2 found tied" in glance and "standalone" not in glance
    assert "standalone host" not in text[text.index("If a host fails"):text.index("Data quality and coverage",
                                                                                  text.index("If a host fails"))]


def test_the_json_coverage_says_what_the_check_ran_without(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    from reportgen.cli import main
    assert main(["audit", str(_export(tmp_path, clustered_hosts_counted=2)), "--json", str(out), "--quiet"]) == 0
    coverage = [c for c in json.loads(out.read_text())["coverage"] if c["rule"] == "VMW-24"]
    assert [c["status"] for c in coverage] == ["assessed"]
    assert coverage[0]["reason"].startswith("partly: DRS and HA settings of the clusters read from vCluster rows "
                                            "without names")


def test_the_data_files_say_the_cluster_is_unknown_not_standalone(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    from reportgen.cli import main
    out, book = tmp_path / "findings.json", tmp_path / "findings.xlsx"
    export = _export(tmp_path, clustered_hosts_counted=3)
    assert main(["audit", str(export), "--json", str(out), "--xlsx", str(book), "--quiet"]) == 0
    hosts = {h["name"]: h for h in json.loads(out.read_text())["hosts"]}
    assert hosts[SITE]["cluster"] is None and hosts[SITE]["cluster_known"] is False
    assert hosts["esx01.example.test"]["cluster_known"] is True
    register = load_workbook(book, read_only=True)["Host register"]
    rows = {r[0]: r for r in register.iter_rows(values_only=True)}
    assert rows[SITE][1] == "unknown" and rows["esx01.example.test"][1] == "Prod"


def test_the_register_says_which_hosts_are_of_unknown_cluster_and_never_calls_them_standalone(tmp_path: Path) -> None:
    from reportgen.host_labels import host_cluster_labels

    unknown = run_audit([_export(tmp_path / "unknown", clustered_hosts_counted=3)])
    register = _html(unknown)
    register = register[register.index("Host maintenance register Check"):register.index("Wave plan With")]
    register = register.replace(" )", ")")  # the link's closing tag
    assert ("2 hosts are of unknown cluster membership (see Data quality and coverage): whether they are standalone "
            "or in a cluster, and so how they are emptied, is not known, so the wave plan keeps them apart from "
            "every cluster's hosts") in register
    keys = dict(zip(unknown.estate.hosts.column("name").to_pylist(), unknown.estate.hosts.column("host_key").to_pylist()))
    labels = host_cluster_labels(unknown.estate)  # the register's and the failure table's cluster column
    assert labels[keys[SITE]] == "cluster unknown" and labels[keys["esx01.example.test"]] == "Prod"
    proven = run_audit([_export(tmp_path / "proven", clustered_hosts_counted=2)])
    assert "unknown cluster membership" not in _html(proven)
    assert SITE not in {proven.estate.hosts.column("name")[i].as_py()
                        for i, k in enumerate(proven.estate.hosts.column("host_key").to_pylist())
                        if k in host_cluster_labels(proven.estate)}

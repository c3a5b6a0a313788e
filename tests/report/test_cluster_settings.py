"""Cluster settings in the PDF: DRS off or not fully automated, HA off, no EVC, standalone hosts (VMW-24, VMW-25).

They tie no guest, so they never reached the remedy table, the register or any figure: before, a cluster whose
DRS was off showed nowhere in the PDF (only in the JSON), and an estate whose only problem it was read "No fix is
needed for host maintenance".
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import replace
from datetime import date
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from reportgen.analysis import Analysis, analyze
from reportgen.cost import cost_analysis
from reportgen.estate import Estate
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import UUID, guest, host, make
from tests.rvtools_files import Estate as Workbook
from tests.rvtools_files import Guest, tabs, write_tabs_xlsx


def _cluster(name: str, hosts: int, dc: str = "DC1", **settings: Any) -> dict[str, Any]:
    return {"cluster_key": f"{UUID}/{dc}/{name}", "name": name, "datacenter": dc, "platform": "vsphere",
            "ha_enabled": True, "drs_enabled": True, "drs_behavior": "fullyAutomated", "host_count": hosts,
            "source_id": 0, **settings}


def _estate(*clusters: dict[str, Any], standalone: bool = False, **guest_settings: Any) -> Estate:
    hosts = [host("esx01"), host("esx02"), host("esx03", cluster="Edge")]
    hosts += [host("lonely", cluster=None)] if standalone else []
    guests = [guest("app1", "vm-1", "esx01", **guest_settings), guest("db1", "vm-2", "esx02"),
              guest("edge1", "vm-3", "esx03")]
    return make(hosts, guests, clusters=list(clusters) or None)


def _analysis(estate: Estate) -> Analysis:
    return analyze(estate, CONFIG)


def _text(analysis: Analysis) -> str:
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "").split())
    return re.sub(r" ([,.;:)])", r"\1", text).replace("( ", "(")


def test_a_cluster_with_drs_off_is_named_on_the_cover_in_the_summary_and_among_the_fixes() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2, drs_enabled=False), _cluster("Edge", 1))))
    assert ("Cluster settings The 2 hosts of cluster Prod are emptied only by hand for maintenance: DRS is off "
            "(a setting, not a tie: not in these figures)") in text
    assert ("so this is not a finding that the hosts can be emptied. The 2 hosts of cluster Prod are "
            "emptied only by hand for maintenance: DRS is off, so maintenance mode waits for someone to move every "
            "guest (VMW-24; a setting, not a tie: not in the figures above, see Cluster settings to fix).") in text
    assert "Start with the cluster settings to fix: set DRS to fully automated on cluster Prod (2 hosts)." in text
    assert ("Prod 2 DRS off (VMW-24) its hosts are not emptied automatically: every guest is moved by hand "
            "set DRS to fully automated") in text
    assert "No fix is needed" not in text
    assert "No check that could run found a guest tied to a host: no action here; the cluster settings to fix follow." in text
    assert "Nothing found: no host needs a manual change" not in text
    # some checks could not run on this estate: nothing is called free of what they would find
    assert ("Nothing priced: no check that could run found a guest that has to be powered off, so no host is known "
            "to need a normal change") in text
    assert "no guest has to be powered off, so no host needs" not in text


def test_partially_automated_drs_is_said_as_such() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2, drs_behavior="partiallyAutomated"), _cluster("Edge", 1))))
    assert "The 2 hosts of cluster Prod are not emptied unattended for maintenance: DRS is partially automated" in text
    assert ("not emptied unattended for maintenance: DRS is partially automated, so maintenance mode waits until "
            "someone applies DRS's migration recommendations (VMW-24;") in text
    assert ("Prod 2 DRS partially automated (VMW-24) DRS places guests at power-on but only recommends migrations: "
            "maintenance mode waits until someone applies them, so patching cannot run unattended") in text
    # DRS itself recommends the migrations of a host entering maintenance mode: no guest is moved one by one
    assert "by hand" not in text.split("Executive summary")[1].split("Glossary")[0].replace("handled by hand", "")


def test_manual_drs_recommends_and_off_moves_by_hand_and_both_are_said() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2, drs_behavior="manual"), _cluster("Edge", 1))))
    assert "Prod 2 DRS manual (VMW-24) DRS only recommends placements and migrations: maintenance mode waits" in text
    assert "not emptied unattended for maintenance: DRS is manual" in text
    both = _text(_analysis(_estate(_cluster("Prod", 2, drs_behavior="partiallyAutomated"), standalone=True)))
    assert ("are not emptied unattended for maintenance: DRS is partially automated on the clusters, and the "
            "standalone hosts have no cluster, so maintenance mode waits for someone to move the guests or to apply "
            "DRS's migration recommendations") in both


def test_ha_off_alone_is_listed_to_fix_but_makes_no_host_manual() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2, ha_enabled=False), _cluster("Edge", 1))))
    assert "Prod 2 HA off (VMW-24) a failed host's guests are not restarted elsewhere enable HA" in text
    assert "Start with the cluster settings to fix: enable HA on cluster Prod (2 hosts)." in text
    assert "emptied only by hand" not in text and "Cluster settings The" not in text
    assert ("Cluster settings HA is off on cluster Prod (2 hosts): a failed host's guests are not restarted elsewhere "
            "(a setting, not a tie: not in these figures)") in text


def test_the_cover_says_drs_off_and_ha_off_in_one_line() -> None:
    """bm900086: the cover named the clusters with DRS off but not that HA was off on 6 clusters (10 hosts)."""
    text = _text(_analysis(_estate(_cluster("Prod", 2, drs_enabled=False, ha_enabled=False),
                                   _cluster("Edge", 1, ha_enabled=False))))
    assert ("Cluster settings The 2 hosts of cluster Prod are emptied only by hand for maintenance: DRS is off; HA is "
            "off on 2 clusters (3 hosts, 1 of them alone in its cluster): a failed host's guests are not restarted "
            "elsewhere (a setting, not a tie: not in these figures)") in text
    drs_only = _text(_analysis(_estate(_cluster("Prod", 2, drs_enabled=False), _cluster("Edge", 1))))
    assert "DRS is off (a setting, not a tie: not in these figures)" in drs_only and "HA is off" not in drs_only


def test_a_standalone_host_is_emptied_by_hand() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2), _cluster("Edge", 1), standalone=True)))
    assert "Standalone host lonely is emptied only by hand for maintenance: it has no cluster" in text
    assert "put the host into a cluster with DRS and HA" in text


def test_a_cluster_of_one_host_is_told_it_has_no_other_host_and_is_not_counted_as_emptied_by_hand() -> None:
    """bm900086: AH-DMZ and AIT-Cluster5 (one host each, DRS and HA off) were told 'every guest is moved by hand;
    set DRS to fully automated; enable HA' and counted on the cover: with one host DRS and HA do nothing."""
    text = _text(_analysis(_estate(_cluster("Prod", 2, drs_enabled=False),
                                   _cluster("Edge", 1, drs_behavior="manual", ha_enabled=False))))
    assert "The 2 hosts of cluster Prod are emptied only by hand for maintenance: DRS is off" in text
    assert "hosts of 2 clusters" not in text and "(Prod, Edge)" not in text
    assert "set DRS to fully automated on cluster Prod (2 hosts), then the others listed there." in text
    assert ("Edge 1 DRS manual, HA off (VMW-24) 1 host: no other host to move or restart guests on; DRS and HA take "
            "effect only once a second host is added accept, or add a second host (and shared storage), then set DRS "
            "to fully automated and enable HA") in text
    edge = text[text.index("Edge 1 DRS manual"):]
    assert not edge.startswith("Edge 1 DRS manual, HA off (VMW-24) its hosts are not emptied")


def test_a_cluster_of_one_host_alone_makes_no_host_manual() -> None:
    text = _text(_analysis(_estate(_cluster("Prod", 2), _cluster("Edge", 1, drs_enabled=False))))
    assert ("Edge 1 DRS off (VMW-24) 1 host: no other host to move or restart guests on; DRS takes effect only once "
            "a second host is added") in text
    assert "emptied only by hand" not in text and "Cluster settings The" not in text


def test_same_named_clusters_are_named_by_their_label() -> None:
    """'Common' is a cluster of BBT and one of ZRH: the settings and the hosts that fail say which."""
    hosts = [host("esx01", cluster="Common", cluster_key=f"{UUID}/BBT/Common", datacenter="BBT"),
             host("esx02", cluster="Common", cluster_key=f"{UUID}/ZRH/Common", datacenter="ZRH"),
             host("esx03", cluster="Common", cluster_key=f"{UUID}/ZRH/Common", datacenter="ZRH")]
    guests = [guest("app1", "vm-1", "esx01"), guest("app2", "vm-2", "esx02")]
    clusters = [_cluster("Common", 1, "BBT"), _cluster("Common", 2, "ZRH", drs_enabled=False, ha_enabled=False)]
    text = _text(_analysis(make(hosts, guests, clusters=clusters)))
    assert "The 2 hosts of cluster Common in ZRH are emptied only by hand for maintenance: DRS is off" in text
    assert "set DRS to fully automated on cluster Common in ZRH (2 hosts)." in text
    assert "Common in ZRH 2 DRS off, HA off (VMW-24)" in text
    assert "esx02 Common in ZRH 1 app2" in text  # If a host fails: the host's cluster by its label
    assert "Common in BBT 1 DRS" not in text and "cluster Common (" not in text


def test_cpu_generations_without_evc_are_listed_to_fix() -> None:
    hosts = [host("esx01"), host("esx02", evc_max="intel-icelake")]
    text = _text(_analysis(make(hosts, [guest("app1", "vm-1", "esx01")])))
    assert ("Prod 2 2 CPU generations without EVC (VMW-25) guests started on the newer hosts cannot move to older "
            "ones enable EVC at the oldest generation's baseline") in text
    assert "emptied only by hand" not in text


def test_a_finding_that_ties_nothing_is_pointed_to_instead_of_no_fix_needed() -> None:
    estate = _estate(cluster_rules="ClusterVmHostRuleInfo", cluster_rule_names="sql-on-A")
    text = _text(_analysis(estate))
    assert "1 finding (VMW-23) ties no guest to a host but is worth a look: see Other findings." in text
    assert "Other findings These checks found something that ties no guest to its host" in text
    assert "No fix is needed" not in text


def test_no_fix_is_needed_only_when_nothing_is_found_and_every_check_ran() -> None:
    analysis = _analysis(_estate())
    text = _text(analysis)
    # RVTools never shows PCI passthrough, vGPU or CPU affinity: those checks cannot run, so it cannot be said
    assert "3 checks could not run, so ties of those kinds are unknown" in text
    assert "No fix is needed" not in text
    everything = replace(analysis, coverage=tuple(c for c in analysis.coverage if c.status == "assessed"))
    text = _text(everything)
    assert "Where to start No fix is needed for host maintenance." in text
    assert "ties of those kinds are unknown" not in text


@pytest.mark.skipif(not Path("/usr/bin/pdftotext").exists(), reason="pdftotext (poppler-utils) is not installed")
def test_the_pdf_of_an_export_whose_cluster_has_drs_off_says_so(cli: Any, tmp_path: Path) -> None:
    hosts = {"esx01.example.test": "Prod", "esx02.example.test": "Prod"}
    written = tabs(Workbook(hosts=hosts, guests=[Guest("app01", "vm-101", "esx01.example.test", cluster="Prod",
                                                       disks=[{}])]))
    cols, rows = written["vCluster"]
    for row in rows:
        row[cols.index("DRS enabled")] = "False"
    export = write_tabs_xlsx(written, tmp_path / "vc01.xlsx")
    result = cli(["audit", export, "-o", tmp_path / "r.pdf", "-q"])
    assert result.code == 0, result.stderr
    text = " ".join(subprocess.run(["pdftotext", "-layout", tmp_path / "r.pdf", "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "The 2 hosts of cluster Prod are emptied only by hand for maintenance: DRS is off" in text
    assert "set DRS to fully automated on cluster Prod (2 hosts)" in text
    assert "Cluster settings to fix" in text and "No fix is needed" not in text


def _media_tied(**prod: Any) -> str:
    from tests.rules.canonical import device, store
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    iso = [device("vm-1", "cd", "iso", "ISO [local01] ISO/img.iso", connected=True, starts=True)]
    estate = make(hosts, [guest("web1", "vm-1", "esx01")], devices=iso, datastores=stores,
                  clusters=[_cluster("Prod", 2, **prod)])
    return _text(_analysis(estate))


def test_a_host_freed_in_a_cluster_with_drs_off_is_not_called_freely_maintainable() -> None:
    """bm900086: 'Disconnect 1 ISO image from mdc-esx1_datastore1 (minutes): 1 host becomes freely maintainable'
    while mdc-esx1's cluster has DRS off: nothing ties it any more, but its guests are still moved by hand."""
    text = _media_tied(drs_enabled=False)
    assert ("1 host can be emptied without powering off a guest, by hand while DRS is off on Prod;") in text
    assert "freely maintainable" not in text
    partial = _media_tied(drs_behavior="partiallyAutomated")
    assert ("1 host can be emptied without powering off a guest, by applying DRS's recommendations until DRS is "
            "fully automated on Prod;") in partial
    assert "freely maintainable" in _media_tied()


def test_drs_off_warns_that_drs_may_need_a_licence_upgrade() -> None:
    """bcspa1 runs vSphere Essentials Plus, which has no DRS: 'set DRS to fully automated' alone misleads."""
    note = "DRS comes with vSphere Enterprise Plus and vSphere Foundation, not with Essentials"
    off = _text(_analysis(_estate(_cluster("Prod", 2, drs_enabled=False), _cluster("Edge", 1))))
    assert note in off and "turning it on may need a licence upgrade (a project, not a setting)" in off
    manual = _text(_analysis(_estate(_cluster("Prod", 2, drs_behavior="manual"), _cluster("Edge", 1))))
    assert "Cluster settings to fix" in manual and note not in manual  # DRS runs, so it is licensed


def test_the_rows_left_to_the_data_files_are_counted_as_what_they_are() -> None:
    """Twenty clusters with DRS off: the PDF lists 15 and counts the rest as clusters (the standalone hosts are one
    row, whose cut is counted in tests/report/test_cluster_settings_standalone.py)."""
    hosts = [*(host(f"esx{i:02}", cluster=f"C{i:02}") for i in range(20))]
    guests = [guest(f"vm{i:02}", f"vm-{i}", f"esx{i:02}") for i in range(20)]
    text = _text(_analysis(make(hosts, guests, clusters=[_cluster(f"C{i:02}", 1, drs_enabled=False)
                                                         for i in range(20)])))
    assert "5 clusters more in the data files (XLSX and JSON)." in text
    assert "standalone hosts more in the data files" not in text

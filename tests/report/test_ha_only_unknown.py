"""Guests stranded "only because" their host has no HA are said not known when the checks of other ties could not run.

licenseware-3.x has no vDatastore tab, so VMW-13 (disks on a datastore only their host sees) could not run, and every
standalone host's guests sit on a datastore named after that host. The report still said "82 running guests on 21
hosts would not restart by themselves only because their hosts are standalone … someone must start them on another
host by hand" and advised "put the hosts into a cluster with DRS and HA". Whether something else ties them is not
known: the summary, the failure section, the settings table, the JSON and the workbook now say so, and the advice
adds shared storage.
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.outputs.findings_json import findings_document
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.conftest import real_export
from tests.report.test_failure_standalone import standalone_estate
from tests.report_fixtures import CONFIG


def _estate(datastores: bool) -> Any:
    return standalone_estate(drop=None if datastores else {"vDatastore": ()})


def _audit(datastores: bool) -> tuple[str, dict[str, Any]]:
    analysis = analyze(_estate(datastores), CONFIG)
    costing = cost_analysis(analysis)
    html = render_html(build_report(analysis, costing, today=date(2026, 3, 31)))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split()), findings_document(analysis, costing)


def _stranded(document: dict[str, Any]) -> dict[str, tuple[object, object]]:
    return {g["name"]: (g["ha_only"], g["ha_only_unknown"]) for h in document["hosts"] for g in h["stranded_on_failure"]}


def test_without_vdatastore_guests_of_standalone_hosts_are_not_said_stranded_only_for_want_of_a_cluster() -> None:
    text, document = _audit(datastores=False)
    assert "only because" not in text
    assert ("3 running guests on 2 hosts would not restart by themselves because their hosts are standalone, with no "
            "cluster to restart them in (VMW-24); whether nothing else ties them there, so that someone could start "
            "them on another host by hand, is not known (storage not exported); HA needs each host in a cluster with "
            "a second host and shared storage first.") in text
    assert ("(3 across 2 hosts, one failure at a time): all because their hosts are standalone, with no cluster to "
            "restart them in (VMW-24), but whether they could be started elsewhere by hand is not known (storage not "
            "exported)") in text
    assert "accept, or add shared storage and put the hosts into a cluster with DRS and HA" in text
    assert text.count("into a cluster with DRS and HA") == text.count("add shared storage and put ")  # every advice
    unknown = "not known (storage not exported)"
    assert _stranded(document) == {n: (None, unknown) for n in ("branch1", "branch2", "branch3")}


def test_with_vdatastore_the_only_reason_is_known_and_said() -> None:
    text, document = _audit(datastores=True)
    assert ("3 running guests on 2 hosts would not restart by themselves only because their hosts are standalone, "
            "with no cluster to restart them in (VMW-24): someone must start them on another host by hand") in text
    assert "not exported" not in text and "put the hosts into a cluster with DRS and HA" in text
    assert _stranded(document) == {n: (True, None) for n in ("branch1", "branch2", "branch3")}


def test_licenseware_says_whether_its_standalone_guests_could_start_elsewhere_is_not_known(cli, tmp_path: Path) -> None:
    out = tmp_path / "r"
    result = cli(["audit", real_export("licenseware-3.x.xlsx"), "--html", f"{out}.html", "--json", f"{out}.json",
                  "--xlsx", f"{out}.xlsx", "-q"])
    assert result.code == 0, result.stderr
    text = " ".join(re.sub(r"<[^>]+>", " ", Path(f"{out}.html").read_text(encoding="utf-8")).split())
    assert "only because" not in text
    assert ("82 running guests on 21 hosts would not restart by themselves because their hosts are standalone, with "
            "no cluster to restart them in (VMW-24); whether nothing else ties them there, so that someone could start "
            "them on another host by hand, is not known (storage and network adapters not exported)") in text
    assert "accept, or add shared storage and put standalone host antitlvmw001.intl.sasol.com into a cluster" in text
    assert text.count("into a cluster with DRS and HA") == text.count("add shared storage and put ")  # every advice
    stranded = [g for h in json.loads(Path(f"{out}.json").read_text(encoding="utf-8"))["hosts"]
                for g in h["stranded_on_failure"]]
    assert len(stranded) == 82 and {(g["ha_only"], g["ha_only_unknown"]) for g in stranded} == \
        {(None, "not known (storage and network adapters not exported)")}
    sheet = load_workbook(f"{out}.xlsx", read_only=True)["Failure impact"]
    said = {row[-1] for row in sheet.iter_rows(min_row=2, values_only=True) if row[0]}
    assert said == {"no; started by hand: not known (storage and network adapters not exported)"}


def test_check_says_it_too(cli, tmp_path: Path) -> None:
    """`reportgen check` lists the guests a failure strands: it says the same 'not known' as the report."""
    path = tmp_path / "f.json"
    for datastores in (False, True):
        path.write_text(json.dumps(_audit(datastores)[1]), encoding="utf-8")
        result = cli(["check", "--from", path, "esx04"])
        said = [line for line in result.stdout.splitlines() if line.startswith("    branch1 ")]
        unknown = "whether it can be started elsewhere by hand is not known (storage not exported)"
        assert len(said) == 1 and (unknown in said[0]) is not datastores, result.stdout

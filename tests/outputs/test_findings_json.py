"""The findings JSON: valid against the shipped JSON Schema and the contract checker."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from reportgen.outputs.findings_json import findings_document, write_findings_json
from reportgen.rules.records import Location
from reportgen.schemas import findings_schema
from tests.conftest import CHECKER
from tests.report_fixtures import freeing, small_audit, with_analysis


@pytest.fixture(scope="module")
def document() -> dict:
    audit = small_audit()
    audit = with_analysis(audit, remedies_by_cause=(
        freeing(audit, "faux:0", "sqlprod (2 nodes)", "guest-cluster", "esx01.example.net", "esx02.example.net"),),
        containment_k=1, containment_hosts_freed=3)
    return json.loads(json.dumps(findings_document(audit.analysis, audit.costing)))


def test_document_validates_against_the_shipped_schema(document: dict) -> None:
    jsonschema.Draft202012Validator.check_schema(findings_schema())
    jsonschema.Draft202012Validator(findings_schema()).validate(document)


@pytest.mark.parametrize("path,value", [
    (("faux_clusters", 0, "topology"), "sideways"),
    (("hosts", 0, "evacuable"), "no"),
    (("findings", 0, "severity"), "severe"),
    (("schema_version",), 2),
])
def test_schema_rejects_a_document_that_breaks_the_contract(document: dict, path: tuple, value: object) -> None:
    broken = copy.deepcopy(document)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, findings_schema())


def test_contract_checker_accepts_the_written_file(tmp_path: Path) -> None:
    if not CHECKER.exists():
        pytest.skip("../shared/tools/check-findings-json is absent")
    audit = small_audit()
    path = tmp_path / "findings.json"
    write_findings_json(audit.analysis, audit.costing, path)
    result = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stdout


def test_savings_and_costs_agree_with_the_cost_model(document: dict) -> None:
    cost = document["cost"]
    assert sum(cost["per_host"].values()) == pytest.approx(cost["annual_total"])
    by_cause = document["remediation"]["by_cause"][0]
    assert by_cause["annual_saving"] == pytest.approx(sum(cost["per_host"][h] for h in by_cause["hosts_freed"]))
    assert document["remediation"]["containment"]["annual_saving"] > 0
    assert cost["annual_at_power_on"] > cost["annual_total"]


def test_each_host_names_the_export_it_was_read_from(document: dict) -> None:
    files = {s["file"] for s in document["estate"]["sources"]}
    assert document["hosts"] and all(h["source"] in files for h in document["hosts"])


def test_a_findings_source_is_the_tab_and_rows_its_rule_read(document: dict) -> None:
    """GEN-01 names the vDisk row of each node's shared disk; GEN-03's note names no row."""
    sources = {(f["rule"], f["guest"]["name"]): f["source"] for f in document["findings"] if f["guest"]}
    assert sources[("GEN-01", "web-cib-1")] == {"file": "hand-built.xlsx", "tab": "vDisk", "rows": "row 4"}
    assert sources[("VMW-03", "sqlprod-n2")]["tab"] == "vDisk"
    assert sources[("GEN-03", "sqlprod-n2")] == {"file": "hand-built.xlsx", "tab": None, "rows": None}


def test_the_source_comes_from_the_finding_not_from_its_evidence_text() -> None:
    """Evidence that merely starts like a location ('vDisk rows 1, 2') gives no source; a record does."""
    audit = small_audit()
    [first, *_] = audit.analysis.findings
    bare = replace(first, evidence="vDisk rows 1, 2: looks like a location", source=None)
    located = replace(first, evidence="no location in this text", source=Location("vHost", "rows 3, 4"))
    analysis = replace(audit.analysis, findings=(bare, located))
    found = findings_document(analysis, audit.costing)["findings"]
    assert [(f["source"]["tab"], f["source"]["rows"]) for f in found] == [(None, None), ("vHost", "rows 3, 4")]

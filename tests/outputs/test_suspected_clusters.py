"""A suspected guest cluster (names or networks, no shared disk) is counted apart in every output, and reads
as suspected: the cover, the PDF, the terminal, the JSON and the workbook give one count of guest clusters."""

from __future__ import annotations

import io
import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from reportgen.cli import main
from reportgen.schemas import findings_schema
from tests.conftest import CHECKER, SAMPLES

SUSPECTED = "Suspected guest cluster (no shared disk proves it)"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, dict, openpyxl.Workbook, str, Path]:
    out = tmp_path_factory.mktemp("suspected")
    args = ["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip",
            "-o", out / "r.pdf", "--json", out / "f.json", "--xlsx", out / "f.xlsx"]
    err = io.StringIO()
    assert main([str(a) for a in args], stderr=err, stdout=io.StringIO()) == 0, err.getvalue()
    text = subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    doc = json.loads((out / "f.json").read_text())
    return err.getvalue(), doc, openpyxl.load_workbook(out / "f.xlsx"), " ".join(text.split()), out / "f.json"


def _rows(wb: openpyxl.Workbook, sheet: str) -> list[dict]:
    ws = wb[sheet]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def test_every_output_counts_six_guest_clusters_and_one_suspected_apart(outputs) -> None:
    stderr, doc, wb, pdf, _ = outputs
    assert "15 hosts, 107 guests (plus 4 templates), 6 guest clusters (plus 1 suspected), " in stderr
    assert "6 guest clusters found" in pdf
    assert "1 further group of guests looks like a guest cluster by name or network but shares no disk" in pdf
    assert doc["estate"]["guest_clusters"] == 6 and doc["estate"]["suspected_guest_clusters"] == 1
    assert sum(not c["suspected"] for c in doc["faux_clusters"]) == 6  # the contract's list keeps both kinds
    assert [r["ID"] for r in _rows(wb, "Guest clusters")] == [f"GC-00{i}" for i in range(1, 7)]
    [suspect] = _rows(wb, "Suspected clusters")
    assert suspect["ID"] == "SC-001" and suspect["Members"] == "APPHB-1, APPHB-2" and suspect["Clusters"] == "HVCL01"
    assert "no shared disk proves it" in suspect["Why suspected"]
    about = {r[0]: r[1] for r in wb["About"].iter_rows(values_only=True)}
    assert about["Guest clusters"].startswith("6 guest clusters on shared disks (sheet 'Guest clusters')")
    assert "1 further group of guests only suspected" in about["Guest clusters"]


def test_a_suspected_clusters_findings_do_not_read_as_a_guest_cluster_on_shared_disks(outputs) -> None:
    _, doc, wb, _, _ = outputs
    gen01 = [f for f in doc["findings"] if f["rule"] == "GEN-01" and f["guest"]["name"].startswith("APPHB")]
    assert len(gen01) == 2
    assert {f["title"] for f in gen01} == {SUSPECTED}
    assert all("no shared disk proves it" in f["evidence"] for f in gen01)
    assert all(f["remediation"].startswith("Ask the owner whether these guests form one guest cluster")
               and "DRS" not in f["remediation"] for f in gen01)
    rows = [r for r in _rows(wb, "Findings") if r["Rule"] == "GEN-01"]
    assert {r["Title"] for r in rows if r["Guest"].startswith("APPHB")} == {SUSPECTED}
    assert {r["Title"] for r in rows if not r["Guest"].startswith("APPHB")} == {"Guest cluster on shared disks"}


def test_the_findings_json_keeps_its_contract(outputs) -> None:
    import jsonschema

    _, doc, _, _, path = outputs
    jsonschema.Draft202012Validator(findings_schema()).validate(doc)
    if CHECKER.exists():
        checked = subprocess.run([str(CHECKER), str(path)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    assert re.fullmatch(r"SC-\d{3}", next(c["id"] for c in doc["faux_clusters"] if c["suspected"]))

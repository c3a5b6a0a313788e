"""If a host fails: a guest whose restart elsewhere the export cannot tell is listed as not known, never counted as
restarting (a clustered Hyper-V VM's pass-through disk fails over only if it is a cluster disk of its role)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import openpyxl
import pytest

from reportgen.audit import Audit, run_audit, write_json
from reportgen.check import check_hosts, register_from_document
from reportgen.check_output import format_check
from reportgen.outputs.xlsx import write_xlsx
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.conftest import SAMPLES

CHECKER = Path("/work/shared/tools/check-findings-json")
NOT_KNOWN = "restart after a failure of HV03: not known (pass-through disk; check whether it is a cluster disk)"


@pytest.fixture(scope="module")
def audit() -> Audit:
    return run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"])


def _section(audit: Audit, marker: str, tags: str = " ") -> str:
    """The text of the report's section that starts at ``marker``, its tags replaced by ``tags``."""
    html = render_html(build_report(audit.analysis, audit.costing))
    start = html.index(marker)
    return " ".join(re.sub(r"<[^>]+>", tags, html[start:html.index("</section>", start)]).split())


def test_the_failure_page_says_file01s_restart_after_a_failure_of_hv03_is_not_known(audit: Audit) -> None:
    page = _section(audit, 'id="failure"')
    assert ("Whether 1 running guest on 1 host would restart elsewhere cannot be told from the export: it is not "
            "counted as restarting") in page
    assert f"FILE01: {NOT_KNOWN}" in _section(audit, 'id="failure"', tags="")
    hv03 = re.search(r"HV03 HVCL01 (\d+) ([^|]*?) \(owner unknown\)", page)
    assert hv03 is not None and "FILE01" not in hv03.group(2), page  # not among those that stay down either


def test_the_findings_json_and_check_list_it_apart_from_the_stranded(audit: Audit, tmp_path: Path) -> None:
    path = tmp_path / "findings.json"
    write_json(audit, path)
    if CHECKER.exists():
        assert subprocess.run([str(CHECKER), str(path)], capture_output=True).returncode == 0
    document = json.loads(path.read_text(encoding="utf-8"))
    hv03 = next(h for h in document["hosts"] if h["name"] == "HV03")
    assert [g["name"] for g in hv03["restart_unknown_on_failure"]] == ["FILE01"]
    assert hv03["restart_unknown_on_failure"][0]["why"] == "pass-through disk; check whether it is a cluster disk"
    assert "FILE01" not in [g["name"] for g in hv03["stranded_on_failure"]]
    text = format_check(check_hosts(register_from_document(document, str(path)), ["HV03"]))
    assert ("  if it fails, whether 1 guest would restart elsewhere is not known from the export:\n"
            "    FILE01 · owner unknown · HYV-04 · not known (pass-through disk; check whether it is a cluster "
            "disk)\n") in text


def test_a_host_whose_only_doubt_is_an_unknown_restart_is_not_said_to_restart_every_guest() -> None:
    guest = {"name": "file01", "key": "k1", "rules": ["HYV-04"], "owner": None, "faux_cluster": None,
             "why": "pass-through disk; check whether it is a cluster disk"}
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]], "coverage": [],
                "hosts": [{"name": "a", "evacuable": True, "wave": 0, "pinned_guests": [],
                           "stranded_on_failure": [], "restart_unknown_on_failure": [guest]}]}
    text = format_check(check_hosts(register_from_document(document, "f.json"), ["a"]))
    assert "every running guest can restart elsewhere" not in text
    assert "file01 · owner unknown · HYV-04 · not known (pass-through disk; check whether it is a cluster disk)" in text


def test_the_summary_does_not_count_file01_among_the_guests_that_restart(audit: Audit) -> None:
    summary = _section(audit, 'id="summary-page"')
    assert ("would not restart elsewhere by themselves (7 across 5 hosts, one failure at a time); whether 1 more "
            "guest would is not known from the export ( If a host fails )") in summary


def test_the_workbooks_failure_sheet_lists_file01_as_not_known(audit: Audit, tmp_path: Path) -> None:
    path = tmp_path / "findings.xlsx"
    write_xlsx(audit.analysis, audit.costing, path)
    rows = list(openpyxl.load_workbook(path)["Failure impact"].iter_rows(values_only=True))
    assert rows[0][-1] == "Restarts elsewhere"
    assert ("HV03", "FILE01", "not known: pass-through disk; check whether it is a cluster disk") in {
        (r[0], r[2], r[-1]) for r in rows[1:]}
    assert {r[-1] for r in rows[1:] if r[2] != "FILE01"} == {"no"}

"""Accepted exceptions for a cluster's settings (VMW-24: DRS not fully automated, HA off).

Before: such a finding names no guest and no host, so an entry ``cluster = "Test"`` matched nothing, one with a
``vcenter`` matched nothing either, and ``accept-template`` drafted ``rule = "VMW-24"`` alone: signing it off
accepted DRS off on every cluster of every vCenter, and the findings JSON did not say which cluster it was.
"""

from __future__ import annotations

import json
import tomllib
from pathlib import Path
from typing import Any

from tests.accept.test_template import fill
from tests.rvtools_files import Estate, small_estate, tabs, write_tabs_xlsx
from tests.test_same_names import VC2

SIGN_OFF = 'reason = "small test cluster"\nowner = "ops"\napproved_by = "CAB"\nexpires = 2027-06-30\n'
VC = ("vc01.example.test", "vc02.example.test")


def _export(path: Path, estate: Estate, drs_off: tuple[str, ...] = ("Test",)) -> Path:
    """``estate`` as a workbook whose clusters named in ``drs_off`` have DRS off."""
    written = tabs(estate)
    names, rows = written["vCluster"]
    at, drs = names.index("Name"), names.index("DRS enabled")
    for row in rows:
        if row[at] in drs_off:
            row[drs] = "False"
    return write_tabs_xlsx(written, path)


def _audit(cli: Any, exports: list[Path], out: Path, *extra: Any) -> dict[str, Any]:
    result = cli(["audit", *exports, "--json", out, "-q", *extra])
    assert result.code in (0, 1), result.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found


def _drs(found: dict[str, Any]) -> list[tuple[str, str, bool]]:
    """(cluster, export file, accepted) of each VMW-24 finding."""
    return sorted((f["cluster"], f["source"]["file"], f["accepted"] is not None)
                  for f in found["findings"] if f["rule"] == "VMW-24")


def _entries(tmp_path: Path, *entries: str) -> Path:
    path = tmp_path / "accept.toml"
    path.write_text("\n".join(f"[[accept]]\n{e}\n{SIGN_OFF}" for e in entries))
    return path


def test_an_entry_names_the_cluster_whose_settings_it_accepts(cli: Any, tmp_path: Path) -> None:
    export = _export(tmp_path / "vc01.xlsx", small_estate(), drs_off=("Test", "Prod"))
    found = _audit(cli, [export], tmp_path / "open.json")
    assert _drs(found) == [("Prod", "vc01.xlsx", False), ("Test", "vc01.xlsx", False)]
    accept = _entries(tmp_path, 'cluster = "Test"\nrule = "VMW-24"')
    found = _audit(cli, [export], tmp_path / "f.json", "--accept", accept)
    assert _drs(found) == [("Prod", "vc01.xlsx", False), ("Test", "vc01.xlsx", True)]
    entry = found["acceptances"][0]
    assert (entry["cluster"], entry["matched_findings"], entry["ambiguous"]) == ("Test", 1, [])


def test_the_same_cluster_name_in_two_vcenters_needs_a_vcenter(cli: Any, tmp_path: Path) -> None:
    exports = [_export(tmp_path / "vc01.xlsx", small_estate()), _export(tmp_path / "vc02.xlsx", small_estate(**VC2))]
    bare = _entries(tmp_path, 'cluster = "Test"\nrule = "VMW-24"')
    found = _audit(cli, exports, tmp_path / "bare.json", "--accept", bare)
    assert _drs(found) == [("Test", "vc01.xlsx", False), ("Test", "vc02.xlsx", False)]  # ambiguous: neither
    assert found["acceptances"][0]["ambiguous"] == [f"Test in {vc}" for vc in VC]
    kept = _entries(tmp_path, f'cluster = "Test"\nvcenter = "{VC[1]}"\nrule = "VMW-24"')
    found = _audit(cli, exports, tmp_path / "kept.json", "--accept", kept)
    assert _drs(found) == [("Test", "vc01.xlsx", False), ("Test", "vc02.xlsx", True)]


def test_the_template_drafts_one_entry_per_cluster_and_vcenter(cli: Any, tmp_path: Path) -> None:
    exports = [_export(tmp_path / "vc01.xlsx", small_estate()), _export(tmp_path / "vc02.xlsx", small_estate(**VC2))]
    _audit(cli, exports, tmp_path / "f.json")
    drafted = cli(["accept-template", tmp_path / "f.json"])
    assert drafted.code == 0, drafted.stderr
    entries = [e for e in tomllib.loads(drafted.stdout)["accept"] if e.get("rule") == "VMW-24"]
    assert sorted((e.get("cluster"), e.get("vcenter")) for e in entries) == [("Test", vc) for vc in VC]
    assert "accepts the rule wherever it occurs" not in drafted.stdout
    blocks = drafted.stdout.split("\n\n")
    kept = "\n\n".join(b for b in blocks if "VMW-24" in b and f'vcenter = "{VC[0]}"' in b)
    (tmp_path / "accept.toml").write_text(fill(kept))
    found = _audit(cli, exports, tmp_path / "after.json", "--accept", tmp_path / "accept.toml")
    assert _drs(found) == [("Test", "vc01.xlsx", True), ("Test", "vc02.xlsx", False)]


def test_the_pdf_marks_an_accepted_cluster_setting(cli: Any, tmp_path: Path) -> None:
    from pypdf import PdfReader

    export = _export(tmp_path / "vc01.xlsx", small_estate(), drs_off=("Test", "Prod"))
    accept = _entries(tmp_path, 'cluster = "Test"\nrule = "VMW-24"')
    result = cli(["audit", export, "-o", tmp_path / "r.pdf", "-q", "--accept", accept])
    assert result.code in (0, 1), result.stderr
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages).split())
    table = text[text.index("Cluster settings to fix"):]
    assert table.count("accepted until 2027-06-30 (CAB)") == 1
    assert table.index("Prod 3 DRS off") < table.index("Test 1 DRS off") < table.index("accepted until")

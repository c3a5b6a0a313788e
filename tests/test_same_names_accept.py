"""Accepted exceptions in an estate where two vCenters share host and guest names: an entry accepts only what it
was drafted for, and an entry whose names fit objects of several vCenters accepts none of them until it says which."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

from tests.accept.test_template import fill
from tests.conftest import CHECKER
from tests.rvtools_files import Estate, write_xlsx
from tests.test_same_names import VC2, _vcenter

VC = ("vc01.example.test", "vc02.example.test")
ESX04 = "esx04.example.test"


def _standalone(**overrides: Any) -> Estate:
    """The same-names estate with esx04 in no cluster: a finding on the host alone (VMW-24), no guest."""
    estate = _vcenter(**overrides)
    estate.hosts = {**estate.hosts, ESX04: ""}
    for g in estate.guests:
        if g.host == ESX04:
            g.cluster = ""
    return estate


def _exports(tmp_path: Path, vc02: Estate | None = None) -> list[Path]:
    return [write_xlsx(_standalone(), tmp_path / "vc01.xlsx"),
            write_xlsx(vc02 or _standalone(**VC2), tmp_path / "vc02.xlsx")]


def _audit(cli: Any, exports: list[Path], out: Path, *extra: Any) -> tuple[Any, dict[str, Any]]:
    result = cli(["audit", *exports, "--json", out, "-q", *extra])
    assert result.code in (0, 1), result.stderr
    return result, json.loads(out.read_text())


def _checked(path: Path) -> None:
    if CHECKER.exists():  # the contract's checker sits beside the repository, not in it
        checked = subprocess.run([sys.executable, CHECKER, path], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def _vc(finding: dict[str, Any]) -> str:
    return str(finding["host_label"]).rsplit(" in ", 1)[1]


def _pdf_text(path: Path) -> str:
    """The PDF's text without white space (names may wrap after any dot)."""
    from pypdf import PdfReader

    return "".join("".join(page.extract_text() for page in PdfReader(path).pages).split())


SIGN_OFF = 'reason = "kept"\nowner = "ops"\napproved_by = "CAB"\nexpires = 2027-06-30\n'


def test_template_drafts_each_vcenters_host_and_guests_apart(cli: Any, tmp_path: Path) -> None:
    """Before: one entry 'host = "esx04.example.test"' was drafted for the two vCenters' esx04, and the entries for
    vc01's hb01 and its guest cluster matched vc02's too: signing off vc01's entries accepted vc02's findings."""
    exports = _exports(tmp_path)
    _, found = _audit(cli, exports, tmp_path / "f.json")
    drafted = cli(["accept-template", tmp_path / "f.json"])
    assert drafted.code == 0, drafted.stderr
    entries = tomllib.loads(drafted.stdout)["accept"]
    assert sorted((e["host"], e["vcenter"], e["rule"]) for e in entries if "host" in e) == [
        (ESX04, vc, "VMW-24") for vc in VC]
    assert sorted((e["guest"], e["vcenter"]) for e in entries if "guest" in e) == [
        (g, vc) for g in ("app03", "hb01") for vc in VC]
    assert sorted((e["guests"][0], e["vcenter"]) for e in entries if "guests" in e) == [
        (g, vc) for g in ("fs01", "sql01") for vc in VC]
    assert f"# hb01: tied to esx02.example.test in {VC[0]}; rules VMW-10, VMW-11" in drafted.stdout
    # vc01's entries signed off, vc02's deleted: vc02's findings stay open
    blocks = drafted.stdout.split("\n\n")
    kept = "\n\n".join(b for b in blocks if f'vcenter = "{VC[1]}"' not in b)
    (tmp_path / "accept.toml").write_text(fill(kept))
    result, judged = _audit(cli, exports, tmp_path / "g.json", "--accept", tmp_path / "accept.toml",
                            "--fail-on", "medium")
    assert result.code == 1
    tying = [f for f in judged["findings"] if f["timing"] != "hygiene"]
    assert {_vc(f) for f in tying if f["accepted"]} == {VC[0]}
    assert {_vc(f) for f in tying if not f["accepted"]} == {VC[1]}
    assert {(_vc(f), bool(f["accepted"])) for f in tying} == {(VC[0], True), (VC[1], False)}
    assert all(a["ambiguous"] == [] and a["status"] == "active" for a in judged["acceptances"])
    assert [a["vcenter"] for a in judged["acceptances"]] == [VC[0]] * len(judged["acceptances"])
    assert all(line.endswith(f" in {VC[1]}") for line in result.stderr.splitlines() if " host " in line)
    _checked(tmp_path / "g.json")
    assert len(found["findings"]) == len(judged["findings"])


def test_one_vcenter_drafts_no_vcenter_key(cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(_standalone(), tmp_path / "vc01.xlsx"), "--json", out, "-q"]).code == 0
    drafted = cli(["accept-template", out]).stdout
    assert "vcenter" not in drafted and f'host = "{ESX04}"' in drafted


def test_an_entry_naming_a_host_two_vcenters_share_accepts_neither(cli: Any, tmp_path: Path) -> None:
    """An accept file written before entries had a vcenter key: 'host = esx04' cannot tell which esx04 was signed
    off, so it accepts neither, and the report, stderr and the JSON say so and how to choose."""
    exports = _exports(tmp_path)
    accept = tmp_path / "accept.toml"
    accept.write_text(f'[[accept]]\nhost = "{ESX04}"\nrule = "VMW-24"\n{SIGN_OFF}')
    result, found = _audit(cli, exports, tmp_path / "f.json", "--accept", accept, "--fail-on", "medium",
                           "-o", tmp_path / "r.pdf", "--as-of", "2026-03-01", "--xlsx", tmp_path / "f.xlsx")
    assert result.code == 1
    assert [f["accepted"] for f in found["findings"] if f["rule"] == "VMW-24"] == [None, None]
    [entry] = found["acceptances"]
    assert entry["ambiguous"] == [f"{ESX04} in {vc}" for vc in VC] and entry["vcenter"] is None
    assert entry["matched_findings"] == 2 and entry["annual_cost"] == 0
    said = (f"entry 1 (line 1: host {ESX04}; rule VMW-24) names 2 hosts of different vCenters ({ESX04} in {VC[0]}, "
            f"{ESX04} in {VC[1]}): it accepts neither until it says which, e.g. vcenter = \"{VC[1]}\"")
    assert f"reportgen: warning: {accept}: {said}" in result.stderr
    text = _pdf_text(tmp_path / "r.pdf")
    assert "".join((f"ambiguous: names 2 hosts of different vCenters ({ESX04} in {VC[0]}, {ESX04} in {VC[1]}); "
                    "accepts neither until a vcenter key says which").split()) in text
    _checked(tmp_path / "f.json")
    import openpyxl

    [row] = openpyxl.load_workbook(tmp_path / "f.xlsx")["Exceptions"].iter_rows(min_row=2, values_only=True)
    assert row[3] == (f"active; ambiguous: fits {ESX04} in {VC[0]}, {ESX04} in {VC[1]} (different vCenters): "
                      "accepts neither until a vcenter key says which")
    for vcenter, accepted in ((VC[1], {VC[1]}), ("*", set(VC)), ("5A1E7C3B-1111-4222-8333-944455556666", {VC[0]})):
        accept.write_text(f'[[accept]]\nhost = "{ESX04}"\nrule = "VMW-24"\nvcenter = "{vcenter}"\n{SIGN_OFF}')
        result, found = _audit(cli, exports, tmp_path / "f.json", "--accept", accept)
        assert {_vc(f) for f in found["findings"] if f["rule"] == "VMW-24" and f["accepted"]} == accepted, vcenter
        assert found["acceptances"][0]["ambiguous"] == [] and "names 2 hosts" not in result.stderr
    accept.write_text(f'[[accept]]\nhost = "esx0*"\nrule = "VMW-24"\n{SIGN_OFF}')  # a pattern asks for several
    _, found = _audit(cli, exports, tmp_path / "f.json", "--accept", accept)
    assert all(f["accepted"] for f in found["findings"] if f["rule"] == "VMW-24")


def test_an_entry_naming_a_guest_two_vcenters_share(cli: Any, tmp_path: Path) -> None:
    """'guest = hb01' fits a guest of each vCenter: ambiguous. Its ids, where they tell the two apart (an entry drafted
    before the vcenter key), keep it to the guest it was drafted for."""
    exports = _exports(tmp_path)
    accept = tmp_path / "accept.toml"
    accept.write_text(f'[[accept]]\nguest = "hb01"\n{SIGN_OFF}')
    result, found = _audit(cli, exports, tmp_path / "f.json", "--accept", accept)
    assert [f["accepted"] for f in found["findings"] if (f["guest"] or {}).get("name") == "hb01"] == [None] * 4
    assert found["acceptances"][0]["ambiguous"] == [f"hb01 in {vc}" for vc in VC]
    assert "names 2 guests of different vCenters (hb01 in vc01.example.test, hb01 in vc02.example.test)" in result.stderr
    vc02 = _standalone(**VC2)
    for g in vc02.guests:
        g.vm_id = g.vm_id.replace("vm-4", "vm-9")  # another VM ID and VM UUID
    exports = _exports(tmp_path, vc02)
    for ids in ("uuid:5000vm-404", "5A1E7C3B-1111-4222-8333-944455556666/vm-404"):
        accept.write_text(f'[[accept]]\nguest = "hb01"\nids = ["{ids}"]\n{SIGN_OFF}')
        result, found = _audit(cli, exports, tmp_path / "f.json", "--accept", accept)
        assert {(_vc(f), bool(f["accepted"])) for f in found["findings"] if (f["guest"] or {}).get("name") == "hb01"} == {
            (VC[0], True), (VC[1], False)}, ids
        assert found["acceptances"][0]["ambiguous"] == [] and "names 2" not in result.stderr

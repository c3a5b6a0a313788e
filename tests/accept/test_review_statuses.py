"""An accepted exception that matches nothing is told apart: *changed* when the guest cluster it names has other
members now or the guest it names by its ids is another VM, *not-assessed* when the checks that could match it
did not run (a tab missing), *stale* (remove it) only when what it names is gone. In stderr, the JSON (valid
against the schema), the PDF, the workbook and the owner's pack.

Before: all three were "stale — matches nothing, can be removed", and a VM rebuilt under the name of the one
signed off for stayed accepted."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import openpyxl
import pytest

from reportgen.schemas import findings_schema
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
OWNERS = SAMPLES / "owners.csv"
SIGN = 'approved_by = "CAB"\nexpires = 2099-06-30\n'


def _pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def _uuid(document: dict[str, Any], name: str) -> str:
    return next(f"uuid:{f['guest']['uuid']}" for f in document["findings"]
                if f.get("guest") and f["guest"]["name"] == name)


def _accept_file(folder: Path, document: dict[str, Any]) -> Path:
    path = folder / "accept.toml"
    path.write_text(
        f'[[accept]]\nguests = ["hqfscib01-a", "hqfscib01-b"]\nids = ["{_uuid(document, "hqfscib01-a")}", '
        f'"{_uuid(document, "hqfscib01-b")}"]\nreason = "file cluster in a box"\nowner = "Tomás Ferreira"\n{SIGN}\n'
        f'[[accept]]\nguest = "hqapp03"\nids = ["{_uuid(document, "hqapp03")}"]\nreason = "Licence dongle"\n'
        f'owner = "Web Platform"\n{SIGN}\n'
        f'[[accept]]\nguest = "hqweb10"\nids = ["{_uuid(document, "hqweb10")}"]\nreason = "Cache on local flash"\n'
        f'owner = "Web Platform"\n{SIGN}\n'
        f'[[accept]]\nguest = "hqgone01"\nreason = "decommissioned since"\nowner = "Web Platform"\n{SIGN}\n')
    return path


def _next_quarter(folder: Path) -> Path:
    """The sample with vUSB and vCD not exported, hqweb10 rebuilt under its name (a new VM UUID and VM ID), and a
    third guest on hqfscib01-b's host now sharing hqfscib01's disks."""
    book = folder / "next.xlsx"
    shutil.copy(SAMPLE, book)
    wb = openpyxl.load_workbook(book)
    del wb["vUSB"], wb["vCD"]
    info = wb["vInfo"]
    head = [c.value for c in info[1]]
    rows = {r[0].value: r for r in info.iter_rows(min_row=2)}
    host = rows["hqfscib01-b"][head.index("Host")].value
    third = next(n for n, r in rows.items() if r[head.index("Host")].value == host and str(n).startswith("hqapp")
                 and r[head.index("Powerstate")].value == "poweredOn")
    new_uuid, new_id = "501c7430-0000-4000-8000-00000000abcd", "vm-99999"
    for sheet in wb.worksheets:
        cols = [c.value for c in sheet[1]]
        if "VM UUID" not in cols or "VM" not in cols:
            continue
        for r in sheet.iter_rows(min_row=2):
            if r[cols.index("VM")].value == "hqweb10":
                r[cols.index("VM UUID")].value = new_uuid
                if "VM ID" in cols:
                    r[cols.index("VM ID")].value = new_id
    disks = wb["vDisk"]
    dh = [c.value for c in disks[1]]
    added = []
    for r in disks.iter_rows(min_row=2, values_only=True):
        if r[0] == "hqfscib01-b" and r[dh.index("Shared Bus")] == "virtualSharing":
            row = list(r)
            row[0] = third
            for key in ("VM ID", "VM UUID"):
                row[dh.index(key)] = rows[third][head.index(key)].value
            row[dh.index("Disk")] = f"Hard disk {9 + len(added)}"
            added.append(row)
    assert added
    for row in added:
        disks.append(row)
    rows[third][head.index("Disks")].value += len(added)
    wb.save(book)
    return book


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from reportgen.cli import main

    folder = tmp_path_factory.mktemp("statuses")
    assert main(["audit", str(SAMPLE), "--json", str(folder / "plain.json"), "-q"]) == 0
    accept = _accept_file(folder, json.loads((folder / "plain.json").read_text()))
    return {"folder": folder, "accept": accept, "next": _next_quarter(folder)}


def _audit(cli, runs: dict[str, Any], export: Path, name: str) -> tuple[Any, dict[str, Any], Path]:
    out = runs["folder"] / name
    out.mkdir()
    result = cli(["audit", export, "--accept", runs["accept"], "--owners", OWNERS, "--json", out / "f.json",
                  "--xlsx", out / "f.xlsx", "-o", out / "f.pdf", "--owner-packs", out / "packs", "--as-of",
                  "2025-06-02"])
    assert result.code == 0, result.stderr
    document = json.loads((out / "f.json").read_text())
    jsonschema.validate(document, findings_schema())
    return result, document, out


def test_the_same_export_keeps_every_entry_but_the_gone_one(cli, runs: dict[str, Any]) -> None:
    _, document, _ = _audit(cli, runs, SAMPLE, "same")
    assert [a["status"] for a in document["acceptances"]] == ["active", "active", "active", "stale"]


def test_next_quarter_tells_changed_not_assessed_and_stale_apart(cli, runs: dict[str, Any]) -> None:
    result, document, out = _audit(cli, runs, runs["next"], "next")
    by_entry = {a["entry"]: a for a in document["acceptances"]}
    assert [by_entry[n]["status"] for n in (1, 2, 3, 4)] == ["changed", "not-assessed", "changed", "stale"]
    assert by_entry[1]["why"][0].startswith("guest cluster hqapp") and "now also has hqapp" in by_entry[1]["why"][0]
    assert by_entry[2]["why"][0].startswith("VMW-17 was not assessed (tab vUSB is missing")
    assert by_entry[3]["why"][0].startswith("hqweb10 is another VM now: its identity is not the entry's uuid:")
    assert by_entry[4]["why"] == []
    # the rebuilt hqweb10 is accepted by nothing: its findings are open
    web = [f for f in document["findings"] if f.get("guest") and f["guest"]["name"] == "hqweb10"]
    assert web and all(f["accepted"] is None for f in web)

    err = result.stderr
    assert "entry 1 (line 1: guests hqfscib01-a, hqfscib01-b) is changed, it accepts nothing until signed off " \
           "again: guest cluster hqapp" in err
    assert "entry 2 (line 9: guest hqapp03) matches nothing, but is not assessed (keep it): VMW-17 was not " \
           "assessed" in err
    assert "entry 3 (line 17: guest hqweb10) is changed" in err and "hqweb10 is another VM now" in err
    assert "entry 4 (line 25: guest hqgone01) matches nothing" in err
    assert "entry 2 (line 9: guest hqapp03) matches nothing\n" not in err

    text = _pdf_text(out / "f.pdf")
    section = text[text.index("Accepted exceptions Ties that"):]
    assert "hqweb10 is another VM now" in section and "VMW-17 was not assessed" in section
    assert "now also has hqapp" in section
    assert "an entry not assessed matches nothing because a check that could match it did not run" in section

    sheet = openpyxl.load_workbook(out / "f.xlsx")["Exceptions"]
    head = [c.value for c in sheet[1]]
    statuses = {r[head.index("Entry")]: r[head.index("Status")] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert statuses[2].startswith("not-assessed; VMW-17 was not assessed")
    assert statuses[3].startswith("changed; hqweb10 is another VM now")
    assert statuses[4] == "stale"

    pack = " ".join(_pdf_text(out / "packs" / "Web_Platform.pdf").split())
    assert "not-assessed not assessed in this audit: keep it" in pack and "VMW-17 was not assessed" in pack
    assert "hqweb10 is another VM now" in pack
    tomas = " ".join(_pdf_text(out / "packs" / "Tomás_Ferreira.pdf").split())
    assert "changed what it names has changed: review and sign off again" in tomas

"""One count of VMs by kind: templates and vCLS agents are never counted as guests, under --scope,
in the history, in a comparison or on the terminal, as on the cover."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from pypdf import PdfReader

from reportgen.cli import main
from reportgen.schemas import compare_schema, findings_schema
from tests.conftest import CHECKER, CliResult
from tests.rvtools_files import Estate, Guest, write_xlsx

HOSTS = {"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Test"}
AGENT = "vCLS-4c4c4544-0050-4d10-8044-b5c04f384d3{}"


def estate() -> Estate:
    """3 guests (one off), 2 templates and 3 vCLS agents; Prod holds 2 guests, 1 template and 2 agents."""
    return Estate(hosts=HOSTS, guests=[
        Guest("app01", "vm-1", "esx01.example.test"),
        Guest("app02", "vm-2", "esx02.example.test", power="poweredOff"),
        Guest("web01", "vm-3", "esx03.example.test", cluster="Test"),
        Guest("tmpl-a", "vm-4", "esx01.example.test", template=True, power="poweredOff"),
        Guest("tmpl-b", "vm-5", "esx03.example.test", cluster="Test", template=True, power="poweredOff"),
        Guest(AGENT.format(1), "vm-6", "esx01.example.test"),
        Guest(AGENT.format(2), "vm-7", "esx02.example.test"),
        Guest(AGENT.format(3), "vm-8", "esx03.example.test", cluster="Test"),
    ])


def pdf_text(pdf: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages]


def check_json(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, str(CHECKER), str(path)], capture_output=True, text=True, check=False)
        assert checked.stdout.strip() == "ok", checked.stdout
    return document


@pytest.fixture(scope="module")
def scoped(tmp_path_factory: pytest.TempPathFactory) -> tuple[CliResult, dict[str, Any], list[str]]:
    """The estate audited with --include cluster=Prod: the CLI's result, the findings JSON and the PDF's pages."""
    out = tmp_path_factory.mktemp("scoped")
    book = write_xlsx(estate(), out / "vc01.xlsx")
    stdout, stderr = io.StringIO(), io.StringIO()
    code = main([str(a) for a in ("audit", book, "--include", "cluster=Prod", "-o", out / "r.pdf", "--json",
                                  out / "f.json")], stdout=stdout, stderr=stderr)
    result = CliResult(int(code), stdout.getvalue(), stderr.getvalue())
    assert result.code == 0, result.stderr
    return result, check_json(out / "f.json"), pdf_text(out / "r.pdf")


def test_the_scope_counts_guests_templates_and_agents_apart_in_the_pdf(
        scoped: tuple[CliResult, dict[str, Any], list[str]]) -> None:
    _, _, pages = scoped
    said = "2 of 3 hosts, 2 of 3 guests, 1 of 2 templates and 2 of 3 vCLS agent VMs"
    assert f"Scope only cluster Prod: {said} audited" in pages[0]
    assert f"This report covers {said}; the rest of the estate was not audited" in " ".join(pages)
    assert f"{said} are in scope" in " ".join(pages)
    assert "of 8 guests" not in " ".join(pages)


def test_the_scope_in_the_json_counts_guests_as_the_cover_does(
        scoped: tuple[CliResult, dict[str, Any], list[str]]) -> None:
    _, document, _ = scoped
    scope = document["scope"]
    assert (scope["guests_in_scope"], scope["guests_out_of_scope"]) == (2, 1)
    assert (scope["templates_in_scope"], scope["templates_out_of_scope"]) == (1, 1)
    assert (scope["agents_in_scope"], scope["agents_out_of_scope"]) == (2, 1)
    # estate.guests keeps its schema-1 meaning: every VM audited, templates and agents said of them
    assert (document["estate"]["guests"], document["estate"]["templates"], document["estate"]["agents"]) == (5, 1, 2)
    line = next(i for i in document["data_quality"] if i["message"].startswith("audit scope"))
    assert line["message"].startswith("audit scope (only cluster Prod): 1 of 3 hosts, 1 of 3 guests, 1 of 2 templates "
                                      "and 1 of 3 vCLS agent VMs are out of scope, not audited or priced")
    assert line["rows"] == 3  # the vInfo rows left out: a guest, a template and an agent


def test_the_terminal_counts_guests_apart_from_templates_and_agents(
        scoped: tuple[CliResult, dict[str, Any], list[str]]) -> None:
    result, _, _ = scoped
    assert "reportgen: 2 hosts, 2 guests (plus 1 template and 2 vCLS agent VMs), 0 guest clusters" in result.stderr


@pytest.fixture(scope="module")
def recorded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The estate audited with --history, after an older snapshot of the quarter before that counted every VM
    as a guest: (the history folder, the findings JSON)."""
    out = tmp_path_factory.mktemp("history")
    book, folder = write_xlsx(estate(), out / "vc01.xlsx"), out / "history"
    assert main([str(a) for a in ("audit", book, "-q", "--history", folder)], stdout=io.StringIO(),
                stderr=io.StringIO()) == 0
    (now,) = folder.glob("2026-Q1-*.json")
    older = json.loads(now.read_text(encoding="utf-8"))
    totals = {k: v for k, v in older["totals"].items() if k not in ("vms", "templates", "agents")}
    older.update(period="2025-Q4", totals={**totals, "guests": 8})  # as written before VMs were told apart
    (folder / now.name.replace("2026-Q1", "2025-Q4")).write_text(json.dumps(older), encoding="utf-8")
    err = io.StringIO()
    assert main([str(a) for a in ("audit", book, "-q", "--history", folder, "--json", out / "f.json")],
                stdout=io.StringIO(), stderr=err) == 0, err.getvalue()
    return folder, out / "f.json"


def test_a_snapshot_counts_guests_as_the_cover_and_templates_and_agents_apart(recorded: tuple[Path, Path]) -> None:
    folder, _ = recorded
    (now,) = folder.glob("2026-Q1-*.json")
    totals = json.loads(now.read_text(encoding="utf-8"))["totals"]
    assert (totals["guests"], totals["templates"], totals["agents"], totals["vms"]) == (3, 2, 3, 8)


def test_an_older_snapshot_is_read_without_calling_its_vms_guests(recorded: tuple[Path, Path]) -> None:
    _, findings = recorded
    document = check_json(findings)
    older, current = document["history"]["trend"]
    assert older["period"] == "2025-Q4" and older["vms"] == 8
    assert "guests" not in older and "templates" not in older and "agents" not in older
    assert (current["guests"], current["templates"], current["agents"], current["vms"]) == (3, 2, 3, 8)
    assert document["history"]["change"]["previous"] == "2025-Q4"


def test_compare_says_guests_as_the_cover_and_what_an_older_snapshot_cannot_split(
        recorded: tuple[Path, Path], cli: Any) -> None:
    folder, _ = recorded
    (old,), (new,) = folder.glob("2025-Q4-*.json"), folder.glob("2026-Q1-*.json")
    result = cli(["compare", old, new, "--json", folder.parent / "c.json", "-o", folder.parent / "c.pdf"])
    assert result.code == 0, result.stderr
    said = ("8 VMs, not told apart into guests, templates and vCLS agents then; "
            "3 guests (plus 2 templates and 3 vCLS agent VMs) now")
    assert f"guests: {said}" in result.stdout
    assert f"Guests: {said}." in " ".join(pdf_text(folder.parent / "c.pdf"))
    document = json.loads((folder.parent / "c.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(compare_schema()).validate(document)
    assert document["vms"] == {"old": {"vms": 8, "guests": None, "templates": None, "agents": None},
                               "new": {"vms": 8, "guests": 3, "templates": 2, "agents": 3}}


def test_compare_of_two_findings_json_counts_guests_as_the_cover(
        scoped: tuple[CliResult, dict[str, Any], list[str]], cli: Any, tmp_path: Path) -> None:
    _, document, _ = scoped
    old, new = tmp_path / "old.json", tmp_path / "new.json"
    new.write_text(json.dumps(document), encoding="utf-8")
    older = {**document, "estate": {k: v for k, v in document["estate"].items() if k not in ("templates", "agents")}}
    old.write_text(json.dumps(older), encoding="utf-8")
    result = cli(["compare", old, new])
    assert result.code == 0, result.stderr
    assert ("guests: 5 VMs, not told apart into guests, templates and vCLS agents then; "
            "2 guests (plus 1 template and 2 vCLS agent VMs) now") in result.stdout


def test_owner_counts_are_of_guests_not_templates_or_agents(cli: Any, tmp_path: Path) -> None:
    book = write_xlsx(estate(), tmp_path / "vc01.xlsx")
    (tmp_path / "owners.csv").write_text("guest,owner\n*,Team A\n", encoding="utf-8")
    result = cli(["audit", book, "-q", "--owners", tmp_path / "owners.csv", "--json", tmp_path / "f.json"])
    assert result.code == 0, result.stderr
    owners = check_json(tmp_path / "f.json")["owners"]
    assert (owners["guests_from_file"], owners["guests_from_export"], owners["guests_without"]) == (3, 0, 0)
    assert [(o["owner"], o["guests"]) for o in owners["owners"]] == [("Team A", 3)]
    messages = [i["message"] for i in check_json(tmp_path / "f.json")["data_quality"]]
    assert "owners: 3 guest(s) from the owners file, 0 from the export's owner column, 0 without an owner" in messages

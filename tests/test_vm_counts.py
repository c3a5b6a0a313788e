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
from reportgen.schemas import findings_schema
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

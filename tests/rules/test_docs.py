"""docs/rules.md is generated from the rule definitions and must match them."""

from __future__ import annotations

from reportgen.rules import CATALOGUE
from reportgen.rules.docs import render
from tests.conftest import ROOT


def test_committed_docs_match_the_rule_definitions() -> None:
    committed = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert committed == render(), "regenerate with: python -m reportgen.rules.docs > docs/rules.md"


def test_every_rule_has_a_section_with_its_needs_or_why_it_cannot_be_assessed() -> None:
    text = render()
    for info in CATALOGUE.values():
        section = text.split(f"### {info.id} — ", 1)[1].split("\n### ", 1)[0]
        assert info.remediation in section
        assert ("**Needs:**" in section) or ("Not assessable from the export" in section)

"""reportgen compare on two audits with an accept file: an acceptance that expired between them."""

from __future__ import annotations

import json
from pathlib import Path

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "rvtools" / "acme-vc01.xlsx"


def test_compare_lists_an_acceptance_that_expired(cli, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text('[[accept]]\nguest = "*"\nrule = "*"\nreason = "known"\nowner = "ops"\n'
                      'approved_by = "cab"\nexpires = 2025-12-31\n\n'
                      '[[accept]]\nguest = "no-such-guest"\nreason = "gone"\nowner = "ops"\n'
                      'approved_by = "cab"\nexpires = 2030-01-01\n', encoding="utf-8")
    for name, day in (("old", "2025-06-02"), ("new", "2026-01-15")):
        result = cli(["audit", SAMPLE, "-q", "--accept", accept, "--as-of", day, "--json", tmp_path / f"{name}.json"])
        assert result.code == 0, result.stderr
    out = tmp_path / "compare.json"
    result = cli(["compare", tmp_path / "old.json", tmp_path / "new.json", "--json", out])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["acceptances"]["changed"] == [{"what": "guest *; rule *", "old": "active", "new": "expired"}]
    assert document["guest_clusters"] == {"new": [], "fixed": [], "changed": [], "not_assessed": [], "first_assessed": [], "removed": []}
    assert "acceptances changed status (1): guest *; rule *: active -> expired" in result.stdout

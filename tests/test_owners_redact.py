"""--redact with an owners file: no owner, e-mail, team, cost centre or pattern of the file in any output."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from reportgen.owners_file import ALIASES, normalise_header
from reportgen.redact_vocabulary import is_known_column
from tests.conftest import SAMPLES
from tests.leaks import Value, html_text, input_values, leaks, pdf_texts, xlsx_text

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
OWNERS = SAMPLES / "owners.csv"
NOT_NAMES = {"Windows Server", "Linux Server", "Operational", "Retired"}  # the CMDB's own vocabulary


def owners_values(path: Path) -> dict[str, Value]:
    """Every cell of the owners file (and headers that are not RVTools' own) that could name someone."""
    with path.open(encoding="utf-8", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    ours = {a for aliases in ALIASES.values() for a in aliases}  # the owners file's own vocabulary ('E-mail')
    values = {h.lower(): Value(h, f"{path.name}: header") for h in header
              if not is_known_column(h) and normalise_header(h) not in ours}
    for row in rows:
        for head, cell in zip(header, row, strict=True):
            if len(cell) >= 4 and cell not in NOT_NAMES:
                values[cell.lower()] = Value(cell, f"{path.name} {head!r}")
    return values


@pytest.fixture(scope="module")
def redacted(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    import io

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("redacted-owners")
    err = io.StringIO()
    code = main(["audit", str(SAMPLE), "--owners", str(OWNERS), "--redact", "-q", "-o", str(out / "r.pdf"),
                 "--json", str(out / "r.json"), "--xlsx", str(out / "r.xlsx"), "--html", str(out / "r.html")],
                stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    return {**pdf_texts(out / "r.pdf"), "JSON": (out / "r.json").read_text(encoding="utf-8"),
            "XLSX": xlsx_text(out / "r.xlsx"), "HTML": html_text(out / "r.html")}


@pytest.mark.parametrize("output", ["PDF text", "PDF metadata", "JSON", "XLSX", "HTML"])
def test_no_owner_of_the_file_in_a_redacted_output(redacted: dict[str, str], output: str) -> None:
    values = {**input_values([SAMPLE]), **owners_values(OWNERS)}
    found = leaks(values, redacted[output], wrapped=output == "PDF text")
    assert not found, "\n".join(f"{v.text!r} (from {v.where})" for v in found[:20])


def test_the_owners_were_used_and_pseudonymised(redacted: dict[str, str]) -> None:
    """The check has something to find: the file's owners reached the JSON, as pseudonyms."""
    import json

    owners = json.loads(redacted["JSON"])["owners"]
    assert owners["guests_from_file"] == 36 and owners["file"].startswith("file-") and owners["file"].endswith(".csv")
    assert all(o["owner"].startswith("owner-") for o in owners["owners"])
    assert all(o["email"] is None or o["email"].startswith("email-") for o in owners["owners"])
    assert owners["unmatched_rows"][0]["value"].startswith("value-")
    assert len(owners_values(OWNERS)) > 30



"""--redact with --accept: entries match as written, and no output shows a name, person or reason from the
accept file, nor any value of the export."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest

from tests.conftest import SAMPLES
from tests.leaks import html_text, input_values, leaks, pdf_texts, xlsx_text

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
ACCEPT = SAMPLES / "accept.toml"


def accept_words() -> set[str]:
    """The names, people and reasons the sample accept file holds (patterns without their wildcards)."""
    words = set()
    for entry in tomllib.loads(ACCEPT.read_text())["accept"]:
        for key in ("guests", "guest", "host", "cluster", "cause", "owner", "approved_by", "reason"):
            values = entry.get(key, [])
            for value in [values] if isinstance(values, str) else values:
                stem = re.sub(r"[*?]+", "", value).strip("-")
                if len(stem) >= 4:
                    words.add(stem.lower())
    return words


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    from reportgen.cli import main

    out = tmp_path_factory.mktemp("redacted")
    code = main(["audit", str(SAMPLE), "--redact", "--accept", str(ACCEPT), "-q", "-o", str(out / "r.pdf"),
                 "--html", str(out / "r.html"), "--json", str(out / "r.json"), "--xlsx", str(out / "r.xlsx")])
    assert code == 0
    return {**pdf_texts(out / "r.pdf"), "HTML": html_text(out / "r.html"),
            "JSON": (out / "r.json").read_text(encoding="utf-8"), "XLSX": xlsx_text(out / "r.xlsx")}


def test_entries_match_as_unredacted(outputs: dict[str, str]) -> None:
    acceptances = json.loads(outputs["JSON"])["acceptances"]
    assert [a["status"] for a in acceptances] == ["active", "due", "active", "active", "active", "active",
                                                  "expired", "stale"]
    assert acceptances[0]["matched_guest_clusters"] == 1 and acceptances[0]["ticket"] == "CHG0041234"


@pytest.mark.parametrize("output", ["PDF text", "HTML", "JSON", "XLSX"])
def test_no_accept_file_text_and_no_export_value_in_the_output(outputs: dict[str, str], output: str) -> None:
    text = outputs[output]
    squeezed = re.sub(r"\s+", "", text.lower())
    shown = [w for w in accept_words() if w in text.lower() or re.sub(r"\s+", "", w) in squeezed]
    assert not shown, shown
    found = leaks(input_values([SAMPLE]), text, wrapped=output == "PDF text")
    assert not found, [v.text for v in found[:20]]
    assert "CHG0041234" in text  # the section, sheet or list is there: tickets are kept


def test_the_check_would_see_the_accept_file_in_a_plain_audit(cli, tmp_path: Path) -> None:
    assert cli(["audit", SAMPLE, "--accept", ACCEPT, "-q", "--json", tmp_path / "f.json"]).code == 0
    text = (tmp_path / "f.json").read_text().lower()
    assert {"hqsqlcl01-n1", "priya raman", "lab network without uplinks, by design"} <= {
        w for w in accept_words() if w in text}


def test_a_ticket_that_names_a_guest_or_is_free_text_is_hidden(cli, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    sign_off = 'reason = "r"\nowner = "o"\napproved_by = "a"\nexpires = 2030-01-01\n'
    accept.write_text(f'[[accept]]\nguest = "hqdb02"\nticket = "HQDB02-move"\n{sign_off}\n'
                      f'[[accept]]\nrule = "VMW-17"\nticket = "move the dongle server"\n{sign_off}\n'
                      f'[[accept]]\ncause = "Isolated"\nticket = "CHG0040987"\n{sign_off}')
    out = tmp_path / "f.json"
    assert cli(["audit", SAMPLE, "--redact", "--accept", accept, "-q", "--json", out,
                "--as-of", "2025-06-02"]).code == 0
    text = out.read_text(encoding="utf-8")
    tickets = [a["ticket"] for a in json.loads(text)["acceptances"]]
    assert tickets[0].startswith("ticket-") and tickets[1].startswith("ticket-") and tickets[2] == "CHG0040987"
    assert "hqdb02" not in text.lower() and "dongle server" not in text
    accepted = {f["accepted"]["ticket"] for f in json.loads(text)["findings"] if f["accepted"]}
    assert accepted <= set(tickets) and tickets[0] in accepted

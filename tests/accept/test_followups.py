"""What a user sees of the accepted exceptions around the edges: --as-of alone, a redacted findings JSON
given to accept-template, the findings that make --fail-on fail, capped warnings, which entry accepted a
finding first, and the line of an entry written inline."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from reportgen.accept import parse_acceptances
from reportgen.errors import ConfigError
from reportgen.schemas import findings_schema
from tests.accept.test_cli import accept_file
from tests.conftest import CHECKER
from tests.rvtools_files import small_estate, write_xlsx


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(small_estate(), tmp_path_factory.mktemp("followups") / "vc.xlsx")


def test_as_of_without_an_accept_file_is_a_usage_error(cli, book: Path, tmp_path: Path) -> None:
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--as-of", "2027-01-15"])
    assert result.code == 2
    assert "reportgen: usage error: --as-of needs --accept" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_as_of_with_the_configurations_accept_file_is_fine(cli, book: Path, tmp_path: Path) -> None:
    accept_file(tmp_path / "accept.toml", 'guests = ["sql01", "sql02"]')
    (tmp_path / "audit.toml").write_text('[report]\naccept = "accept.toml"\n')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--config", tmp_path / "audit.toml",
                  "--as-of", "2027-01-15"])
    assert result.code == 0, result.stderr
    assert json.loads((tmp_path / "f.json").read_text())["acceptances_as_of"] == "2027-01-15"


def test_fail_on_names_the_findings_that_failed_it(cli, book: Path, tmp_path: Path) -> None:
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--fail-on", "high"])
    assert result.code == 1
    findings = [f for f in json.loads((tmp_path / "f.json").read_text())["findings"]
                if f["timing"] != "hygiene" and f["severity"] in ("high", "critical")]
    assert f"reportgen: --fail-on high: {len(findings)} open findings at or above high" in result.stderr
    first = findings[0]
    assert f"{first['rule']} ({first['severity']}) on guest {first['guest']['name']}" in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.startswith("reportgen:   ") and " more " not in line]
    assert 1 <= len(lines) <= 10
    if len(findings) > len(lines):
        assert f"and {len(findings) - len(lines)} more" in result.stderr


def test_fail_on_says_nothing_of_accepted_findings(cli, book: Path, tmp_path: Path) -> None:
    sql = accept_file(tmp_path / "sql.toml", 'guests = ["sql01", "sql02"]')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--accept", sql, "--fail-on", "high"])
    assert result.code == 1
    assert "on guest sql0" not in result.stderr and "on guest fs0" in result.stderr
    passed = cli(["audit", book, "--json", tmp_path / "f.json", "-q", "--accept", sql, "--fail-on", "critical"])
    assert passed.code == 0 and "--fail-on" not in passed.stderr


def test_warnings_about_the_accept_file_are_capped_one_line_each(cli, book: Path, tmp_path: Path) -> None:
    ghosts = [f'guest = "ghost{i:03}"' for i in range(45)] + ['guest = "two\\nlines"']
    accept = accept_file(tmp_path / "many.toml", *ghosts)
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--accept", accept])
    assert result.code == 0, result.stderr
    warnings = [line for line in result.stderr.splitlines() if line.startswith("reportgen: warning:")]
    assert len(warnings) == 21
    assert "and 26 more warnings about the accept file" in warnings[-1]
    assert "JSON" in warnings[-1] and "Accepted exceptions" in warnings[-1]
    assert all("matches nothing" in w for w in warnings[:20])
    statuses = [a["status"] for a in json.loads((tmp_path / "f.json").read_text())["acceptances"]]
    assert statuses == ["stale"] * 46


def test_a_warning_never_spans_two_lines(cli, book: Path, tmp_path: Path) -> None:
    accept = accept_file(tmp_path / "nl.toml", 'guest = "two\\nlines"')
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--accept", accept])
    (warning,) = [line for line in result.stderr.splitlines() if "matches nothing" in line]
    assert "guest two lines" in warning
    assert "\nlines" not in result.stderr



def _check(path: Path) -> None:
    jsonschema.Draft202012Validator(findings_schema()).validate(json.loads(path.read_text()))
    if CHECKER.exists():
        checked = subprocess.run([sys.executable, CHECKER, path], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout


def test_a_redacted_findings_json_says_so_and_accept_template_refuses_it(cli, book: Path, tmp_path: Path) -> None:
    plain, hidden = tmp_path / "plain.json", tmp_path / "hidden.json"
    assert cli(["audit", book, "--json", plain, "-q"]).code == 0
    assert cli(["audit", book, "--json", hidden, "-q", "--redact"]).code == 0
    assert json.loads(plain.read_text())["redacted"] is False
    assert json.loads(hidden.read_text())["redacted"] is True
    _check(plain)
    _check(hidden)
    result = cli(["accept-template", hidden, "-o", tmp_path / "accept.toml"])
    assert result.code == 3
    assert "written with --redact" in result.stderr and "would match nothing" in result.stderr
    assert not (tmp_path / "accept.toml").exists()
    assert cli(["accept-template", plain, "-o", tmp_path / "accept.toml"]).code == 0


def test_an_older_redacted_json_without_the_field_is_recognised(cli, book: Path, tmp_path: Path) -> None:
    hidden = tmp_path / "hidden.json"
    assert cli(["audit", book, "--json", hidden, "-q", "--redact"]).code == 0
    document = json.loads(hidden.read_text())
    del document["redacted"]
    hidden.write_text(json.dumps(document))
    result = cli(["accept-template", hidden])
    assert result.code == 3 and "written with --redact" in result.stderr



def test_json_says_which_earlier_entry_accepts_first_and_every_entry_matching(cli, book: Path,
                                                                             tmp_path: Path) -> None:
    renewed = accept_file(tmp_path / "renewed.toml", 'guests = ["sql01", "sql02"]', expires="2020-01-01")
    with renewed.open("a") as f:
        f.write(open(accept_file(tmp_path / "x.toml", 'guests = ["sql01", "sql02"]',
                                 'guest = "sql0?"')).read())
    out = tmp_path / "f.json"
    assert cli(["audit", book, "--json", out, "-q", "--accept", renewed]).code == 0
    _check(out)
    document = json.loads(out.read_text())
    assert [(a["status"], a["accepted_first_by"]) for a in document["acceptances"]] == [
        ("expired", []), ("active", []), ("active", [2])]
    sql = [f["accepted"] for f in document["findings"] if f["guest"]["name"] == "sql01"]
    assert sql and all(a["entry"] == 2 and a["matched_by"] == [1, 2, 3] for a in sql)
    (cluster,) = [c["accepted"] for c in document["faux_clusters"] if c["name"] == "sql (2 nodes)"]
    assert cluster["entry"] == 2 and cluster["matched_by"] == [1, 2, 3]



SIGN = 'reason = "r", owner = "o", approved_by = "a", expires = 2027-01-01'


def test_an_inline_entry_is_named_by_its_own_line() -> None:
    text = f'# accepted\naccept = [\n  {{guest = "a", {SIGN}}},\n\n  {{guest = "b", owner = "o", reason = "r"}},\n]\n'
    with pytest.raises(ConfigError) as caught:
        parse_acceptances(text, "a.toml")
    assert "entry 2 (line 5: {guest = \"b\", owner = \"o\", reason = \"r\"}): key 'approved_by' is missing" \
        in str(caught.value)
    first, = parse_acceptances(f'accept = [\n  {{guest = "a", {SIGN}}},\n]\n')[:1]
    assert first.line == 2


def test_inline_entries_on_one_line_and_braces_in_strings() -> None:
    text = (f'accept = [ {{guest = "{{x}}", {SIGN}}}, # a comment with {{\n'
            f'  {{guest = "c", rule = "[", {SIGN}}}, {{guest = \'}}\', {SIGN}}} ]\n')
    entries = parse_acceptances(text)
    assert [e.line for e in entries] == [1, 2, 2]
    assert [e.guest for e in entries] == ["{x}", "c", "}"]


def test_many_entries_keep_their_lines() -> None:
    text = "".join(f'[[accept]]\nguest = "g{i}"\n{SIGN.replace(", ", chr(10))}\n\n' for i in range(500))
    entries = parse_acceptances(text)
    assert [e.line for e in entries[:3]] == [1, 8, 15] and entries[-1].line == 1 + 7 * 499


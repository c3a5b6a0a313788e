"""One limit on the size of a findings JSON, the same for every command that reads one."""

from __future__ import annotations

from pathlib import Path

import pytest

import reportgen.importers.bounded as bounded
from reportgen.audit import run_audit, write_json
from tests.conftest import SAMPLES

HOST = "hq-esx0101.acme.local"


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("limit") / "findings.json"
    write_json(run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx"]), path)
    return path


def _commands(path: Path, out: Path) -> dict[str, list[object]]:
    return {
        "check": ["check", HOST, "--from", path, "--json"],
        "compare": ["compare", path, path],
        "accept-template": ["accept-template", path, "-o", out / "accept.toml"],
    }


def test_the_limit_is_one_gib_for_every_command() -> None:
    assert bounded.MAX_FINDINGS_BYTES == 1024**3
    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    assert "| a findings JSON (`compare`, `accept-template`, `check --from`) | 1 GiB |" in readme


@pytest.mark.parametrize("command", ["check", "compare", "accept-template"])
def test_a_findings_json_of_exactly_the_limit_is_read_and_one_byte_more_is_refused(
        cli, tmp_path: Path, findings: Path, monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    size = findings.stat().st_size
    monkeypatch.setattr(bounded, "MAX_FINDINGS_BYTES", size)
    result = cli(_commands(findings, tmp_path)[command])
    assert result.code in (0, 1, 5), result.stderr  # check: 5 when not every check ran
    monkeypatch.setattr(bounded, "MAX_FINDINGS_BYTES", size - 1)
    result = cli(_commands(findings, tmp_path)[command])
    assert result.code == 3
    assert f"{findings}: is {size:,} bytes, more than any findings JSON reportgen writes ({size - 1:,} bytes" \
        in result.stderr


@pytest.mark.parametrize("command", ["check", "compare", "accept-template"])
def test_a_file_one_byte_over_one_gib_is_refused_before_it_is_read(cli, tmp_path: Path, command: str) -> None:
    path = tmp_path / "findings.json"
    with path.open("wb") as handle:  # sparse: nothing is written, and nothing may be read
        handle.truncate(1024**3 + 1)
    result = cli(_commands(path, tmp_path)[command])
    assert result.code == 3 and result.stdout == ""
    assert (f"{path}: is 1,073,741,825 bytes, more than any findings JSON reportgen writes (1,073,741,824 bytes, "
            "1 GiB, at most); refused") in result.stderr
    assert not (tmp_path / "accept.toml").exists()
    assert "Traceback" not in result.stderr

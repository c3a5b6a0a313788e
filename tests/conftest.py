"""Shared fixtures: the real exports (skipped when absent), sample paths, a CLI runner."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "real-exports"
SAMPLES = ROOT / "samples"
CHECKER = ROOT.parent / "shared" / "tools" / "check-findings-json"


def real_export(name: str) -> Path:
    """A workbook from ../shared/real-exports; skips the test when the folder is absent."""
    path = REAL / name
    if not path.exists():
        pytest.skip(f"real export {name} not available (../shared/real-exports is absent)")
    return path


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    def json(self, path: Path) -> dict:
        return json.loads(path.read_text(encoding="utf-8"))


@pytest.fixture
def cli() -> Callable[..., CliResult]:
    """Run ``reportgen`` in-process: cli(["audit", ...]) -> CliResult."""
    from reportgen.cli import main

    def run(args: list[str]) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        code = main([str(a) for a in args], stderr=err, stdout=out)
        return CliResult(int(code), out.getvalue(), err.getvalue())

    return run

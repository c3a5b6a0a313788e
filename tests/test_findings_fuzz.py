"""Commands that read a findings JSON never fail with an internal error on a hand-edited one.

One value at a time, anywhere in the parts of the samples' findings JSON, is replaced by a value of another JSON
type; ``check``, ``accept-template`` and ``compare`` must answer or refuse with an input error naming the file,
never exit 70. The paths are drawn with a fixed seed, so a failure is reproducible.
"""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.audit import run_audit, write_json
from reportgen.exit_codes import ExitStatus
from tests.conftest import SAMPLES, CliResult

VALUES: list[Any] = [None, 5, "x", [], {}, [5], {"a": 1}, True]
VARIANTS = 120
"""Paths tried per command (of about 480 in the samples' file)."""


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("fuzz") / "findings.json"
    write_json(run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]), path)
    return path


def _paths(value: object, at: tuple[Any, ...] = (), depth: int = 0) -> Iterator[tuple[Any, ...]]:
    """Every key and the first two items of every list, five levels deep."""
    if depth > 4:
        return
    items = list(value.items())[:40] if isinstance(value, dict) else list(enumerate(value[:2])) \
        if isinstance(value, list) else []
    for key, child in items:
        yield (*at, key)
        yield from _paths(child, (*at, key), depth + 1)


def _variants(document: dict[str, Any], seed: int) -> Iterator[tuple[tuple[Any, ...], Any, dict[str, Any]]]:
    draw = random.Random(seed)
    paths = list(_paths(document))
    for path in draw.sample(paths, min(VARIANTS, len(paths))):
        value = draw.choice(VALUES)
        changed = copy.deepcopy(document)
        parent = changed
        for key in path[:-1]:
            parent = parent[key]
        parent[path[-1]] = value
        yield path, value, changed


@pytest.mark.parametrize(("command", "seed"), [("check", 1), ("accept-template", 2), ("compare", 3)])
def test_a_hand_edited_findings_json_is_answered_or_refused_never_an_internal_error(
        cli: Callable[..., CliResult], findings: Path, tmp_path: Path, command: str, seed: int) -> None:
    document = json.loads(findings.read_text(encoding="utf-8"))
    edited = tmp_path / "edited.json"
    crashes, answered = [], 0
    for path, value, changed in _variants(document, seed):
        edited.write_text(json.dumps(changed), encoding="utf-8")
        args = {"check": ["check", "*", "--from", edited],
                "accept-template": ["accept-template", edited, "-o", tmp_path / "accept.toml", "--force"],
                "compare": ["compare", findings, edited, "--json", tmp_path / "compare.json"]}[command]
        result = cli(args)
        answered += result.code in (ExitStatus.OK, ExitStatus.FINDINGS, ExitStatus.UNPROVEN)
        if result.code == ExitStatus.INTERNAL:
            crashes.append(f"{'.'.join(map(str, path))} = {value!r}: {result.stderr.strip()[:160]}")
    assert crashes == []
    assert answered > VARIANTS // 3  # most edits touch what the command does not read: it still answers

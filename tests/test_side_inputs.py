"""Hostile side inputs (the configuration, the accept file, the findings JSON of accept-template): never a hang,
never an internal error; the file is named with what is wrong and what to do."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import SAMPLES, CliResult

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"


@pytest.fixture
def fifo(tmp_path: Path) -> Iterator[Path]:
    """A named pipe; should reportgen block reading it, a writer opens and closes it after a few seconds."""
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    done = threading.Event()

    def release() -> None:
        if not done.wait(5):
            try:
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
            except OSError:
                pass

    thread = threading.Thread(target=release, daemon=True)
    thread.start()
    yield path
    done.set()
    thread.join()


@pytest.mark.parametrize("option", ["--config", "--accept"])
def test_a_named_pipe_as_a_side_input_is_refused_at_once(option: str, fifo: Path, tmp_path: Path,
                                                         cli: Callable[..., CliResult]) -> None:
    started = time.monotonic()
    result = cli(["audit", SAMPLE, option, fifo, "-q", "--json", tmp_path / "f.json"])
    assert result.code == 3 and str(fifo) in result.stderr and "named pipe" in result.stderr
    assert time.monotonic() - started < 5  # not released by the writer
    assert not (tmp_path / "f.json").exists()


def test_a_named_pipe_given_to_accept_template_is_refused(fifo: Path, cli: Callable[..., CliResult]) -> None:
    result = cli(["accept-template", fifo])
    assert result.code == 3 and str(fifo) in result.stderr and "named pipe" in result.stderr


@pytest.mark.parametrize("option", ["--config", "--accept"])
def test_a_side_input_above_its_bound_is_refused(option: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    big = tmp_path / "big.toml"
    with big.open("wb") as handle:
        handle.truncate(65 * 1024**2)  # sparse: nothing is written
    result = cli(["audit", SAMPLE, option, big, "-q", "--json", tmp_path / "f.json"])
    assert result.code == 3 and str(big) in result.stderr and "more than the" in result.stderr


@pytest.mark.parametrize("option", ["--config", "--accept"])
def test_deeply_nested_toml_is_a_config_error(option: str, tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    deep = tmp_path / "deep.toml"
    deep.write_text("x = " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    result = cli(["audit", SAMPLE, option, deep, "-q", "--json", tmp_path / "f.json"])
    assert result.code == 2 and str(deep) in result.stderr and "nested too deeply" in result.stderr


def test_deeply_nested_json_given_to_accept_template_is_an_input_error(tmp_path: Path,
                                                                        cli: Callable[..., CliResult]) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    result = cli(["accept-template", deep])
    assert result.code == 3 and str(deep) in result.stderr and "findings JSON" in result.stderr


def test_names_in_messages_cannot_drive_the_terminal(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    """A header, a file name or a value read from a hostile file is shown escaped on stderr: an escape sequence
    (retitle the window, hide text), a C1 control or a right-to-left override never reaches the terminal."""
    owners = tmp_path / "owners.csv"
    owners.write_text("guest,\x1b]0;pwned\x07Owner,\u202eliame\x9b31m\n", encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owners", owners, "-q", "--json", tmp_path / "f.json"])
    assert result.code == 3 and "has no owner column" in result.stderr
    assert "\\x1b]0;pwned\\x07Owner" in result.stderr and "\\u202eliame\\x9b31m" in result.stderr
    assert not {"\x1b", "\x07", "\u202e", "\x9b"} & set(result.stderr)
    history = tmp_path / "history"
    history.mkdir()
    (history / "\x1b[8mhidden\u202e.json").write_text("{}", encoding="utf-8")
    result = cli(["audit", SAMPLE, "--history", history, "--json", tmp_path / "f.json"])
    assert result.code == 0 and "\\x1b[8mhidden\\u202e.json" in result.stderr
    assert not {"\u202e"} & set(result.stderr) and "\x1b[8m" not in result.stderr

"""Hostile side inputs (the configuration, the accept file, the findings JSON of accept-template): never a hang,
never an internal error; the file is named with what is wrong and what to do."""

from __future__ import annotations

import os
import re
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


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> dict:
    import io
    import json

    from reportgen.cli import main

    out = tmp_path_factory.mktemp("findings") / "f.json"
    assert main(["audit", str(SAMPLE), "-q", "--json", str(out)], stderr=io.StringIO(), stdout=io.StringIO()) == 0
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("change", "says"), [
    (lambda d: d.update(hosts=None), "'hosts' is not a list"),
    (lambda d: d.update(findings=[{"guest": {"key": "k"}}]), "findings[0].rule is missing or not a text"),
    (lambda d: d["faux_clusters"][0].pop("topology"), "faux_clusters[0].topology is missing or not a text"),
    (lambda d: d["faux_clusters"][0]["guests"].append(5), "faux_clusters[0].guests[2] is not a guest with a key"),
    (lambda d: d["hosts"][0].update(pinned_guests=[{"key": 1, "name": None}]), "hosts[0].pinned_guests[0] is not a"),
    (lambda d: d.update(cost=[]), "'cost' is not an object"),
    (lambda d: d.update(estate={"sources": [None]}), "'estate.sources' is not a list of objects"),
    # these four were internal errors (TypeError, exit 70)
    (lambda d: d["faux_clusters"][0].update(host_labels=[5]), "faux_clusters[0].host_labels[0] is not a text"),
    (lambda d: d["hosts"][0].update(stranded_on_failure=None), "hosts[0].stranded_on_failure is not a list"),
    (lambda d: d["hosts"][0].update(source={"a": 1}), "hosts[0].source is not a text or null"),
    (lambda d: d["estate"]["sources"][0].update(file=[]), "estate.sources[0].file is not a text or null"),
])
def test_accept_template_names_the_part_of_a_damaged_findings_json(findings: dict, change: Callable[[dict], object],
                                                                   says: str, tmp_path: Path,
                                                                   cli: Callable[..., CliResult]) -> None:
    import copy
    import json

    document = copy.deepcopy(findings)
    change(document)
    path = tmp_path / "edited.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli(["accept-template", path])
    assert result.code == 3, result.stderr
    assert f"{path}: is not a findings JSON as 'reportgen audit --json' writes it: {says}" in result.stderr


def test_compare_and_check_refuse_or_ignore_impossible_values(findings: dict, tmp_path: Path,
                                                               cli: Callable[..., CliResult]) -> None:
    import json

    good, bad = tmp_path / "good.json", tmp_path / "bad.json"
    good.write_text(json.dumps(findings), encoding="utf-8")
    bad.write_text(json.dumps(findings).replace('"annual_total": ', '"annual_total": NaN, "was": ', 1),
                   encoding="utf-8")
    result = cli(["compare", good, bad])
    assert result.code == 3 and f"{bad}: 'cost.annual_total' is missing or not a finite number" in result.stderr
    bad.write_text(json.dumps({**findings, "sites": 5}), encoding="utf-8")
    host = findings["hosts"][0]["name"]
    assert cli(["check", host, "--from", bad]).code == cli(["check", host, "--from", good]).code


def test_a_snapshot_with_an_impossible_cost_is_not_a_readable_snapshot(tmp_path: Path,
                                                                        cli: Callable[..., CliResult]) -> None:
    history = tmp_path / "history"
    assert cli(["audit", SAMPLE, "-q", "--history", history, "--json", tmp_path / "f.json"]).code == 0
    [snapshot] = history.glob("*.json")
    text = snapshot.read_text(encoding="utf-8")
    assert '"annual_cost": ' in text
    earlier = history / snapshot.name.replace("-Q2-", "-Q1-")
    earlier.write_text(text.replace('"annual_cost": ', '"annual_cost": NaN, "was": ', 1), encoding="utf-8")
    result = cli(["compare", earlier, snapshot])
    assert result.code == 3 and str(earlier) in result.stderr
    result = cli(["audit", SAMPLE, "--history", history, "--json", tmp_path / "f.json"])
    assert result.code == 0 and f"{earlier.name}: " in result.stderr and "ignored" in result.stderr


@pytest.mark.parametrize(("key", "value", "shown"), [
    ("owner", "DBA\\u202e maet", "U+202E"),
    ("approved_by", "CAB\\u0007", "U+0007"),
    ("reason", "kept\\u009b31m", "U+009B"),
])
def test_sign_off_texts_with_control_characters_are_refused(key: str, value: str, shown: str) -> None:
    from reportgen.accept import parse_acceptances
    from reportgen.errors import ConfigError

    fields = {"reason": "vendor cluster", "owner": "DBA team", "approved_by": "CAB", key: value}
    text = "[[accept]]\nguest = \"sql01\"\n" + "".join(f'{k} = "{v}"\n' for k, v in fields.items())
    with pytest.raises(ConfigError, match=rf"entry 1 \(line 1: .*key '{key}' holds {re.escape(shown)}"):
        parse_acceptances(text + "expires = 2027-03-31\n", "accept.toml")
    multi = '[[accept]]\nguest = "sql01"\nreason = """two\n\tlines"""\nowner = "o"\napproved_by = "a"\n'
    assert parse_acceptances(multi + "expires = 2027-03-31\n")[0].reason == "two\n\tlines"


def test_names_cannot_write_entries_into_a_drafted_accept_file(findings: dict, tmp_path: Path,
                                                               cli: Callable[..., CliResult]) -> None:
    """A name or owner in the findings JSON comes from the client's export: a line break in it must not end the
    comment it is quoted in and add a signed-off entry that accepts every rule."""
    import copy
    import json
    import tomllib

    entry = '\n[[accept]]\nrule = "*"\nreason = "r"\nowner = "o"\napproved_by = "a"\nexpires = 2099-01-01\n#'
    document = copy.deepcopy(findings)
    document["faux_clusters"][0]["name"] += entry
    for host in document["hosts"]:
        for guest in (*host["pinned_guests"], *host["pinned_at_next_power_on"]):
            guest["owner"] = "Eve\r" + entry + "\x7f"
    for finding in document["findings"]:
        finding["owner"] = "Eve" + entry
    path, out = tmp_path / "f.json", tmp_path / "accept.toml"
    path.write_text(json.dumps(document), encoding="utf-8")
    assert cli(["accept-template", path, "-o", out]).code == 0
    drafted = tomllib.loads(out.read_text(encoding="utf-8"))["accept"]
    assert drafted and all(e["reason"] == "" and e.get("rule") != "*" for e in drafted)
    assert "[[accept]] rule" in out.read_text(encoding="utf-8")  # the name is kept, on one comment line

"""`reportgen check --from` on findings JSON files that were tampered with, cut, swapped or are not files."""

from __future__ import annotations

import json
import os
import threading
import time
from pathlib import Path

import pytest

from reportgen.audit import run_audit, write_json
from tests.conftest import SAMPLES

HOST = "hq-esx0101.acme.local"


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict:
    path = tmp_path_factory.mktemp("check") / "findings.json"
    write_json(run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx"]), path)
    return json.loads(path.read_text(encoding="utf-8"))


def _write(tmp_path: Path, document: dict) -> Path:
    path = tmp_path / "findings.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_the_untouched_file_names_the_checks_its_export_did_not_assess(cli, tmp_path: Path, document: dict) -> None:
    result = cli(["check", HOST, "--from", _write(tmp_path, document)])
    assert result.code == 5, result.stderr
    assert "not assessed from its export (3 checks)" in result.stdout
    assert all(f"    {rule}: RVTools" in result.stdout for rule in ("VMW-14", "VMW-16", "VMW-22"))


@pytest.mark.parametrize(("coverage", "message"), [
    (None, "'coverage' is missing or not a list"),
    ("all assessed", "'coverage' is missing or not a list"),
    ([{"rule": "VMW-14"}], "coverage[0] lacks a rule or a status of 'assessed' or 'not-assessed'"),
    ([{"rule": "VMW-14", "status": "clean"}], "coverage[0] lacks a rule or a status"),
    ([{"rule": "VMW-14", "status": "not-assessed", "source": ["x.xlsx"]}],
     "coverage[0] has a source or reason that is not a text"),  # was a TypeError (exit 70)
])
def test_a_file_whose_coverage_was_removed_or_altered_is_refused_not_answered_as_clean(
        cli, tmp_path: Path, document: dict, coverage: object, message: str) -> None:
    changed = {k: v for k, v in document.items() if k != "coverage"}
    if coverage is not None:
        changed["coverage"] = coverage
    path = _write(tmp_path, changed)
    result = cli(["check", HOST, "--from", path])
    assert result.code == 3 and result.stdout == ""
    assert result.stderr.startswith(f"reportgen: input error: {path}: {message}")
    assert "write it again with 'reportgen audit --json'" in result.stderr


@pytest.mark.parametrize("coverage", [[], [{"rule": "HYV-01", "status": "assessed", "source": "other.zip"}]])
def test_a_coverage_that_says_nothing_of_the_hosts_export_proves_no_host_free(
        cli, tmp_path: Path, document: dict, coverage: list) -> None:
    """An emptied coverage (or one of another export only) answered 'can be emptied' (exit 0) for a host whose
    export ran 3 checks it could not assess: no check is known to have run, so it is not proven."""
    free = next(h["name"] for h in document["hosts"] if h["evacuable"])
    result = cli(["check", free, "--from", _write(tmp_path, {**document, "coverage": coverage})])
    assert result.code == 5, result.stdout + result.stderr
    assert "records no check as assessed or not on acme-vc01.xlsx (its coverage was emptied or cut)" in result.stdout
    assert "0 can be emptied" in result.stdout


def test_a_file_larger_than_any_findings_json_is_refused_before_it_is_read(
        cli, tmp_path: Path, document: dict, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.importers.bounded

    path = _write(tmp_path, document)
    monkeypatch.setattr(reportgen.importers.bounded, "MAX_FINDINGS_BYTES", path.stat().st_size - 1)
    result = cli(["check", HOST, "--from", path])
    assert result.code == 3
    assert f"{path}: is {path.stat().st_size:,} bytes, more than any findings JSON reportgen writes" in result.stderr


def test_a_named_pipe_is_refused_at_once_instead_of_waiting_for_a_writer(cli, tmp_path: Path) -> None:
    pipe = tmp_path / "findings.json"
    os.mkfifo(pipe)

    def unblock() -> None:  # without the refusal a blocked read ends here, and the test fails instead of hanging
        time.sleep(5)
        with open(pipe, "w") as writer:
            writer.write("{}")

    threading.Thread(target=unblock, daemon=True).start()
    result = cli(["check", HOST, "--from", pipe])
    assert result.code == 3 and "is a named pipe (FIFO), not a file; refused" in result.stderr


@pytest.mark.parametrize(("change", "message"), [
    (lambda d: d.update(waves=d["waves"][:1]), f"hosts[{{i}}] ({HOST}) has wave {{wave}}, but 'waves' lists 1 wave(s)"),
    (lambda d: d["hosts"][_at(d)].update(wave=7), f"hosts[{{i}}] ({HOST}) has wave 7, but 'waves' lists 4 wave(s)"),
    (lambda d: d["hosts"][_at(d)].update(wave="2"), f"hosts[{{i}}] ({HOST}) has wave '2', but 'waves' lists"),
    (lambda d: d["hosts"][_at(d)].update(wave=-5), f"hosts[{{i}}] ({HOST}) has wave -5"),
    (lambda d: d["hosts"][_at(d)].update(wave=(_wave(d) + 1) % 4),
     f"hosts[{{i}}] ({HOST}) has wave {{other}}, but waves[{{other}}] does not list it"),
    (lambda d: d["hosts"][_at(d)].update(wave_number=9), f"hosts[{{i}}] ({HOST}) has wave_number 9, which disagrees"),
    (lambda d: d.update(waves="4"), "'waves' is not a list of host lists"),
])
def test_a_file_whose_waves_disagree_with_its_hosts_is_refused_naming_the_field(
        cli, tmp_path: Path, document: dict, change, message: str) -> None:
    """Before, a host's wave beyond the wave lists was answered as 'wave 3 of 2'."""
    changed = json.loads(json.dumps(document))
    i, wave = _at(document), _wave(document)
    change(changed)
    path = _write(tmp_path, changed)
    result = cli(["check", HOST, "--from", path])
    assert result.code == 3 and result.stdout == "", result.stdout
    expected = message.format(i=i, wave=wave, other=(wave + 1) % 4)
    assert result.stderr.startswith(f"reportgen: input error: {path}: {expected}"), result.stderr
    assert "write it again with 'reportgen audit --json'" in result.stderr


def _first_tied(document: dict) -> dict:
    return next(h for h in document["hosts"] if h.get("pinned_guests"))


@pytest.mark.parametrize(("change", "part"), [
    (lambda d: _first_tied(d)["pinned_guests"][0].update(rules=5), "pinned_guests[0].rules is not a list"),
    (lambda d: _first_tied(d)["pinned_guests"][0].update(rules=[["VMW-13"]]), "pinned_guests[0].rules[0] is not a text"),
    (lambda d: _first_tied(d).update(degraded_faux_clusters=5), "degraded_faux_clusters is not a list"),
    (lambda d: _first_tied(d).update(source=[]), "source is not a text or null"),
    (lambda d: d["faux_clusters"][0]["guests"][0].update(host_label=[]), "faux_clusters[0].guests[0].host_label is not"),
    (lambda d: d["faux_clusters"][0].update(guests=5), "faux_clusters[0].guests is not a list"),
    (lambda d: d["findings"][0].update(effects="blocks-evacuation"), "findings[0].effects is not a list"),
])
def test_a_hand_edited_file_is_refused_naming_the_part_never_an_internal_error(
        cli, tmp_path: Path, document: dict, change, part: str) -> None:
    """Before, each of these was a TypeError (exit 70) somewhere in the answer."""
    changed = json.loads(json.dumps(document))
    change(changed)
    path = _write(tmp_path, changed)
    result = cli(["check", "*", "--from", path])
    assert result.code == 3 and result.stdout == "", result.stderr
    assert result.stderr.startswith(f"reportgen: input error: {path}: is not a findings JSON as 'reportgen audit "
                                    "--json' writes it: "), result.stderr
    assert part in result.stderr and "write it again with 'reportgen audit --json'" in result.stderr


def _at(document: dict) -> int:
    return next(i for i, h in enumerate(document["hosts"]) if h["name"] == HOST)


def _wave(document: dict) -> int:
    return int(document["hosts"][_at(document)]["wave"])


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_a_host_list_that_never_ends_is_refused_at_once(cli, tmp_path: Path, kind: str) -> None:
    """Before: 'check @/dev/zero' and 'check @fifo' hung, reading until the file ended."""
    findings = tmp_path / "f.json"
    findings.write_text(json.dumps({"schema_version": 1, "hosts": [], "waves": [], "faux_clusters": [],
                                    "coverage": []}))
    if kind == "fifo":
        source = tmp_path / "hosts.fifo"
        os.mkfifo(source)
    else:
        source = Path("/dev/zero")
    result = cli(["check", f"@{source}", "--from", findings])
    assert result.code == 3
    assert f"{source}: cannot read the host list: is a" in result.stderr and "not a file; refused" in result.stderr

"""Outputs never destroy anything (issue 14, item 2): an output over an input or over another output
is refused before anything is read; a failure or an interrupt leaves no new file, no temporary and
no history snapshot, and the files of an earlier run as they were."""

from __future__ import annotations

import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from reportgen.audit import write_json
from tests.report_fixtures import small_audit
from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx


def _listing(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporaries too) with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def book(tmp_path: Path) -> Path:
    return write_xlsx(small_estate(), tmp_path / "vc.xlsx")


def _refused(cli, tmp_path: Path, args: list[object], message: str) -> None:
    before = _listing(tmp_path)
    result = cli(["audit", *args, "-q"])
    assert result.code == 2, result.stderr
    assert result.stderr.startswith("reportgen: usage error: ") and message in result.stderr, result.stderr
    assert result.stderr.count("\n") == 1
    assert _listing(tmp_path) == before  # nothing written, nothing replaced


def test_an_output_over_the_export_is_refused_however_it_is_named(cli, tmp_path: Path, book: Path) -> None:
    (tmp_path / "link.pdf").symlink_to(book)
    os.link(book, tmp_path / "hard.xlsx")
    _refused(cli, tmp_path, [book, "--json", book], f"the --json output is an input of the audit ({book})")
    _refused(cli, tmp_path, [book, "--json", f"{tmp_path}/./sub/../vc.xlsx"], "the --json output is an input")
    _refused(cli, tmp_path, [book, "-o", tmp_path / "link.pdf"], "the -o output is an input")
    _refused(cli, tmp_path, [book, "--xlsx", tmp_path / "hard.xlsx"], "the --xlsx output is an input")


def test_an_output_over_the_configuration_or_a_snapshot_is_refused(cli, tmp_path: Path, book: Path) -> None:
    config = tmp_path / "audit.toml"
    config.write_text('[report]\nclient = "Contoso"\n')
    _refused(cli, tmp_path, [book, "--config", config, "--html", config], "the --html output is an input")
    history = tmp_path / "history"
    assert cli(["audit", book, "--json", tmp_path / "f.json", "--history", history, "-q"]).code == 0
    (snapshot,) = history.iterdir()
    _refused(cli, tmp_path, [book, "--history", history, "--json", snapshot], "the --json output is an input")


def test_an_output_into_a_csv_export_is_refused_when_it_would_be_read(cli, tmp_path: Path) -> None:
    folder = write_csv_folder(small_estate(), tmp_path / "export")
    _refused(cli, tmp_path, [folder, "--json", folder / "RVTools_tabvInfo.csv"], "the --json output is an input")
    _refused(cli, tmp_path, [folder, "--html", folder / "RVTools_tabvUSB.csv"],
             "the --html output would be read as part of an export")
    result = cli(["audit", folder, "--json", folder / "findings.json", "-q"])  # beside the CSVs: fine
    assert result.code == 0, result.stderr


def test_two_outputs_on_one_path_are_refused(cli, tmp_path: Path, book: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    _refused(cli, tmp_path, [book, "--json", out / "x", "--html", f"{tmp_path}/out/../out/x"],
             "--json and --html name the same file")
    _refused(cli, tmp_path, [book, "--xlsx", out / "x", "-o", out / "x"], "-o and --xlsx name the same file")
    _refused(cli, tmp_path, [book, "--json", out], "the --json output is not a file")


def _earlier_run(tmp_path: Path) -> Path:
    """Files an earlier run left in ``out``, which a failed run must not touch."""
    out = tmp_path / "out"
    out.mkdir()
    for name in ("r.pdf", "f.json"):
        (out / name).write_text(f"earlier {name}\n")
    return out


OUTPUTS = ["-o", "out/r.pdf", "--json", "out/f.json", "--xlsx", "out/f.xlsx", "--html", "out/r.html",
           "--history", "out/history"]
# For the size limit the PDF, written last, must be the largest output; this small estate's HTML report is
# about as large as its PDF, so the size-limit test leaves it out.
LIMITED = [a for a in OUTPUTS if a not in ("--html", "out/r.html")]


def _size_limit(tmp_path: Path, book: Path) -> Callable[[], None]:
    """In the child: files cannot grow beyond a limit between the PDF's size and the largest other
    output's, measured by a run of the same audit elsewhere (the PDF is written last and is the largest)."""
    probe = tmp_path / "probe"
    probe.mkdir()
    subprocess.run([sys.executable, "-m", "reportgen", "audit", str(book), "-q",
                    *[a.replace("out/", "probe/") for a in LIMITED]], cwd=tmp_path, check=True, timeout=300)
    pdf = (probe / "r.pdf").stat().st_size
    others = max(p.stat().st_size for p in probe.iterdir() if p.is_file() and p.name != "r.pdf")
    assert pdf > others + 500, (pdf, others)
    limit = (pdf + others) // 2

    def limit_file_size() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write beyond the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return limit_file_size


def test_a_write_that_fails_leaves_no_new_file_and_no_snapshot(tmp_path: Path, book: Path) -> None:
    limit = _size_limit(tmp_path, book)
    out = _earlier_run(tmp_path)
    before = _listing(out)
    result = subprocess.run([sys.executable, "-m", "reportgen", "audit", str(book), *LIMITED], cwd=tmp_path,
                            capture_output=True, text=True, preexec_fn=limit, timeout=300)
    assert result.returncode == 4, result.stderr
    assert "reportgen: output error: " in result.stderr and "out/r.pdf" in result.stderr
    assert ".tmp" not in result.stderr  # the message names the target, not its temporary
    assert _listing(out) == before  # no temporary, no JSON or workbook of this run, no snapshot


def test_a_full_disk_leaves_no_new_file_and_no_snapshot(tmp_path: Path, book: Path) -> None:
    """On a real full file system: a 160 kB tmpfs in a mount namespace of the test's own."""
    if shutil.which("unshare") is None:
        pytest.skip("unshare is not available")
    script = (f'mount -t tmpfs -o size=160k tmpfs out || exit 99; echo earlier > out/r.pdf; '
              f'"{sys.executable}" -m reportgen audit "{book}" {" ".join(OUTPUTS)}; echo "exit $?"; ls -a out')
    (tmp_path / "out").mkdir()
    result = subprocess.run(["unshare", "--user", "--map-root-user", "--mount", "sh", "-c", script],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300)
    if "exit" not in result.stdout:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.strip()}")
    assert "No space left on device" in result.stderr, result.stderr
    assert result.stdout.split() == ["exit", "4", ".", "..", "r.pdf"]


def test_ctrl_c_mid_run_leaves_no_new_file_and_no_snapshot(tmp_path: Path, book: Path) -> None:
    out = _earlier_run(tmp_path)
    before = _listing(out)
    proc = subprocess.Popen([sys.executable, "-m", "reportgen", "audit", str(book), *OUTPUTS], cwd=tmp_path,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if "writing findings JSON" in line:
            os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C in a terminal: the command and its PDF worker
            break
    rest = proc.stderr.read()
    code = proc.wait(timeout=60)
    if code == 0:
        pytest.skip("the audit finished before the interrupt reached it")
    assert code == 130, rest
    assert rest.endswith("reportgen: interrupted\n")
    assert _listing(out) == before


def test_an_interrupt_while_writing_removes_what_was_written(cli, tmp_path: Path, book: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Deterministically: Ctrl-C arrives while the HTML is written, after the JSON and the workbook."""
    import reportgen.audit

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(reportgen.audit, "write_html", interrupted)
    out = _earlier_run(tmp_path)
    before = _listing(out)
    monkeypatch.chdir(tmp_path)
    result = cli(["audit", book, *OUTPUTS])
    assert result.code == 130 and result.stderr.endswith("reportgen: interrupted\n")
    assert "writing workbook" in result.stderr  # the data files were written before the interrupt
    assert _listing(out) == before


def test_every_output_appears_at_once_when_the_run_succeeds(tmp_path: Path, book: Path) -> None:
    out = _earlier_run(tmp_path)
    os.chmod(out / "f.json", 0o640)
    result = subprocess.run([sys.executable, "-m", "reportgen", "audit", str(book), *OUTPUTS, "-q"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    names = sorted(_listing(out))
    assert [n for n in names if not n.startswith("history/")] == ["f.json", "f.xlsx", "r.html", "r.pdf"]
    assert len([n for n in names if n.startswith("history/")]) == 1
    assert (out / "r.pdf").read_bytes().startswith(b"%PDF")
    assert (out / "f.json").stat().st_mode & 0o777 == 0o640  # a replaced file keeps its permissions


def test_the_library_writes_atomically(tmp_path: Path) -> None:
    audit = small_audit()
    target = tmp_path / "findings.json"
    target.write_text("earlier")
    write_json(audit, target)
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]
    assert target.read_text().startswith("{")


def test_a_snapshot_that_cannot_be_written_leaves_no_output_and_no_history_folder(
        cli, tmp_path: Path, book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The disk fills up with the snapshot, the last file written: nothing of the run is put in place."""
    import errno
    import json

    import reportgen.history

    class FullDisk:
        def dumps(self, *args: object, **kwargs: object) -> str:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

        loads = staticmethod(json.loads)

    monkeypatch.setattr(reportgen.history, "json", FullDisk())
    out = _earlier_run(tmp_path)
    before = _listing(out)
    monkeypatch.chdir(tmp_path)
    result = cli(["audit", book, *OUTPUTS, "-q"])
    assert result.code == 4
    assert result.stderr.startswith("reportgen: output error: out/history/2026-Q1-")
    assert "cannot write the history snapshot: No space left on device" in result.stderr
    assert _listing(out) == before and not (out / "history").exists()

"""The reportgen command: exit codes, one-line error messages, files written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CHECKER, SAMPLES, real_export
from tests.rvtools_files import small_estate, write_xlsx


def test_help_lists_commands_and_exit_codes(cli) -> None:
    result = cli(["audit", "--help"])
    assert result.code == 0
    result = cli(["--help"])
    assert result.code == 0 and "audit" in result.stdout and "init-config" in result.stdout


def test_audit_writes_json_and_pdf(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    result = cli(["audit", book, "--json", tmp_path / "f.json", "-o", tmp_path / "r.pdf", "--quiet"])
    assert result.code == 0, result.stderr
    assert result.stderr == ""
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    document = json.loads((tmp_path / "f.json").read_text())
    assert document["schema_version"] == 1
    assert document["estate"]["guests"] == 5 and document["estate"]["hosts"] == 4
    names = sorted(sorted(g["name"] for g in c["guests"]) for c in document["faux_clusters"])
    assert names == [["fs01", "fs02"], ["sql01", "sql02"]]
    topologies = {c["topology"] for c in document["faux_clusters"]}
    assert topologies == {"in-a-box", "across-boxes"}


def test_progress_goes_to_stderr_as_plain_lines_when_not_a_terminal(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    result = cli(["audit", book, "--json", tmp_path / "f.json"])
    assert result.code == 0
    lines = result.stderr.splitlines()
    assert any("read vc.xlsx (1/1)" in line for line in lines)
    assert all(line.startswith("reportgen: ") for line in lines)
    assert "\r" not in result.stderr


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["audit", "missing.xlsx"], 3, "missing.xlsx: no such file or folder"),
        (["audit", "--fail-on", "severe", "x.xlsx"], 2, "invalid choice"),
        (["audit"], 2, "EXPORT"),
        (["frobnicate"], 2, "invalid choice"),
    ],
)
def test_usage_and_input_errors(cli, tmp_path: Path, args, code, message) -> None:
    result = cli(args)
    assert result.code == code
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_not_a_workbook_is_exit_3_with_one_line(cli, tmp_path: Path) -> None:
    bad = tmp_path / "export.xlsx"
    bad.write_text("name,host\n")
    result = cli(["audit", bad, "-o", tmp_path / "r.pdf"])
    assert result.code == 3
    assert result.stderr.strip().count("\n") == 0
    assert "export.xlsx" in result.stderr and "not an xlsx workbook" in result.stderr


def test_workbook_without_vinfo_names_the_tab(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "trimmed.xlsx", drop=("vInfo",))
    result = cli(["audit", book, "-o", tmp_path / "r.pdf", "-q"])
    assert result.code == 3
    assert "trimmed.xlsx" in result.stderr and "vInfo" in result.stderr


def test_unwritable_output_is_exit_4(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    result = cli(["audit", book, "-o", tmp_path / "no" / "such" / "dir" / "r.pdf", "-q"])
    assert result.code == 4
    assert "r.pdf" in result.stderr


def test_bad_config_is_exit_2_naming_the_key(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    config = tmp_path / "audit.toml"
    config.write_text("[cost]\nchange_cost = 'lots'\n")
    result = cli(["audit", book, "--config", config, "-q"])
    assert result.code == 2
    assert "cost.change_cost" in result.stderr


def test_init_config_writes_a_file_that_loads(cli, tmp_path: Path) -> None:
    target = tmp_path / "audit.toml"
    assert cli(["init-config", target]).code == 0
    assert "[cost]" in target.read_text()
    assert cli(["init-config", target]).code == 2  # exists
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    assert cli(["audit", book, "--config", target, "--json", tmp_path / "f.json", "-q"]).code == 0


def test_fail_on_severity(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(esx="VMware ESXi 5.5.0 build-3116895"), tmp_path / "vc.xlsx")
    out = tmp_path / "f.json"
    assert cli(["audit", book, "--json", out, "-q", "--fail-on", "critical"]).code == 1
    clean = small_estate()
    clean.guests = clean.guests[-1:]
    book2 = write_xlsx(clean, tmp_path / "clean.xlsx")
    assert cli(["audit", book2, "--json", out, "-q", "--fail-on", "info"]).code == 0


@pytest.mark.real
def test_bcspa1_end_to_end(cli, tmp_path: Path) -> None:
    book = real_export("abeggi-bcspa1-4.7.1.xlsx")
    out, pdf = tmp_path / "f.json", tmp_path / "r.pdf"
    result = cli(["audit", book, "--json", out, "-o", pdf, "-q"])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text())
    [cluster] = document["faux_clusters"]
    assert sorted(g["name"] for g in cluster["guests"]) == ["Banchero8sql01", "Banchero8sql02"]
    assert cluster["topology"] == "in-a-box" and cluster["hosts"] == ["192.168.1.40"]
    assert cluster["suspected"] is False
    checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "Banchero8sql01" in text and "Banchero8sql02" in text and "192.168.1.40" in text


@pytest.mark.real
@pytest.mark.parametrize("name", ["abeggi-farm-lonati-4.7.1.xlsx", "abeggi-ovh-4.4.3.xlsx",
                                  "bm900086-sample-4.6.1.xlsx", "licenseware-3.x.xlsx"])
def test_every_real_export_audits(cli, tmp_path: Path, name: str) -> None:
    out = tmp_path / "f.json"
    result = cli(["audit", real_export(name), "--json", out, "-q"])
    assert result.code == 0, result.stderr
    checked = subprocess.run([sys.executable, CHECKER, out], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stdout
    document = json.loads(out.read_text())
    if name.startswith("licenseware"):
        gaps = {c["rule"] for c in document["coverage"] if c["status"] == "not-assessed"}
        assert "GEN-01" in gaps  # no vDisk tab in the 3.x export: not assessed, not clean


def test_two_runs_give_the_same_findings(cli, tmp_path: Path) -> None:
    from tests.conftest import SAMPLES

    documents = []
    for n in range(2):
        out = tmp_path / f"f{n}.json"
        result = cli(["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip",
                      "--json", out, "-q"])
        assert result.code == 0, result.stderr
        document = json.loads(out.read_text())
        document.pop("generated_at")
        documents.append(document)
    assert documents[0] == documents[1]
    assert [h["wave"] for h in documents[0]["hosts"]] == [h["wave"] for h in documents[1]["hosts"]]


def test_the_console_command_flushes_its_messages_before_it_exits(tmp_path: Path) -> None:
    """``reportgen`` ends the process without tearing it down: the files and messages must be complete."""
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    done = subprocess.run([sys.executable, "-m", "reportgen", "audit", book, "-o", tmp_path / "r.pdf",
                           "--json", tmp_path / "f.json", "--fail-on", "critical"], capture_output=True, text=True)
    assert done.returncode == 1, done.stderr  # the small estate has a critical finding
    lines = done.stderr.splitlines()
    assert any(line.startswith("reportgen: 4 hosts, 5 guests, 2 guest clusters") for line in lines)
    # the last words are the findings that failed --fail-on, complete to the end of their line
    assert lines[-1] == "reportgen:   GEN-02 (critical) on guest sql02 host esx01.example.test"
    assert json.loads((tmp_path / "f.json").read_text())["estate"]["guests"] == 5
    assert (tmp_path / "r.pdf").read_bytes().rstrip().endswith(b"%%EOF")

    done = subprocess.run([sys.executable, "-m", "reportgen", "audit", tmp_path / "missing.xlsx"],
                          capture_output=True, text=True)
    assert done.returncode == 3
    assert done.stderr.startswith("reportgen: input error:") and "missing.xlsx" in done.stderr

    buffered = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # stdout to a pipe is block-buffered
    done = subprocess.run([sys.executable, "-m", "reportgen", "init-config", tmp_path / "reportgen.toml"],
                          capture_output=True, text=True, env=buffered)
    assert done.returncode == 0 and done.stdout == f"wrote {tmp_path / 'reportgen.toml'}\n"


def test_without_the_worker_process_the_pdf_is_the_same(cli, tmp_path: Path, monkeypatch) -> None:
    import pypdf

    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    assert cli(["audit", book, "-o", tmp_path / "worker.pdf", "-q"]).code == 0
    monkeypatch.setenv("REPORTGEN_NO_WORKER", "1")
    assert cli(["audit", book, "-o", tmp_path / "here.pdf", "-q"]).code == 0

    def text(path: Path) -> list[str]:
        return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages]

    assert text(tmp_path / "worker.pdf") == text(tmp_path / "here.pdf")
    assert len(text(tmp_path / "here.pdf")) > 10


def test_an_audit_never_imports_pandas(tmp_path: Path) -> None:
    """pyarrow imports pandas, when installed, on its first conversion of Python objects: 0.14 s for nothing."""
    fake = tmp_path / "fake" / "pandas"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("import sys\nsys.stderr.write('PANDAS IMPORTED\\n')\nraise ImportError('fake')\n")
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(fake.parent), os.environ.get("PYTHONPATH")])),
           "REPORTGEN_NO_WORKER": "1"}
    for extra in ([], ["--redact", "--history", str(tmp_path / "history")]):
        done = subprocess.run([sys.executable, "-m", "reportgen", "audit", book, book, SAMPLES / "hyperv" / "hyperv-3node.zip",
                               "-o", tmp_path / "r.pdf", "--json", tmp_path / "f.json", "--xlsx", tmp_path / "f.xlsx",
                               "-q", *extra], capture_output=True, text=True, env=env, cwd=tmp_path)
        assert done.returncode in (0, 1), done.stderr
        assert "PANDAS IMPORTED" not in done.stderr


def test_a_missing_system_library_is_said_once_and_quiet_hides_it(cli, tmp_path: Path, monkeypatch) -> None:
    """A machine without HarfBuzz subsetting still writes the PDF; the command says so in one line."""
    import reportgen.render.pdf as pdf

    monkeypatch.setenv("REPORTGEN_NO_WORKER", "1")  # in-process, so the patch applies
    monkeypatch.setattr(pdf, "environment_notes", lambda: (pdf.MISSING_SUBSET,))
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    loud = cli(["audit", book, "-o", tmp_path / "r.pdf"])
    assert loud.code == 0, loud.stderr
    assert loud.stderr.count("libharfbuzz-subset0") == 1
    assert "layout warning" not in loud.stderr
    quiet = cli(["audit", book, "-o", tmp_path / "q.pdf", "--quiet"])
    assert quiet.code == 0 and quiet.stderr == ""
    assert (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")


def test_the_audit_summary_counts_one_host_in_the_singular() -> None:
    from reportgen.cli import _hosts_text

    assert (_hosts_text(1), _hosts_text(0), _hosts_text(2)) == ("1 host", "0 hosts", "2 hosts")

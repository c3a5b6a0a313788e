"""The PDF worker process: same PDF as rendering in-process, errors come back as RenderError."""

from __future__ import annotations

import pickle
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest

from reportgen.errors import RenderError
from reportgen.render.pdf import render_pdf
from reportgen.render.worker import PdfWorker
from reportgen.report import build_report
from tests.report_fixtures import small_audit


def text(path: Path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(path).pages]


def test_worker_writes_the_same_pdf_as_in_process(tmp_path: Path) -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    worker = PdfWorker()
    worker.render(model, tmp_path / "worker.pdf")
    assert worker.result().warnings == ()
    worker.close()
    render_pdf(model, tmp_path / "here.pdf")
    assert text(tmp_path / "worker.pdf") == text(tmp_path / "here.pdf")


def test_worker_reports_an_unwritable_target(tmp_path: Path) -> None:
    audit = small_audit()
    target = tmp_path / "missing" / "r.pdf"
    worker = PdfWorker()
    worker.render(build_report(audit.analysis, audit.costing), target)
    with pytest.raises(RenderError) as err:
        worker.result()
    assert "r.pdf" in str(err.value)
    worker.close()


def test_an_unused_worker_stops(tmp_path: Path) -> None:
    worker = PdfWorker()
    worker.close()
    assert worker._proc is not None and worker._proc.poll() is not None


def test_the_worker_imports_the_parents_package_not_one_in_the_working_directory(tmp_path: Path) -> None:
    """Run from a folder holding another ``reportgen`` (a source checkout lacks the installed templates)."""
    import subprocess
    import sys

    decoy = tmp_path / "reportgen" / "render"
    decoy.mkdir(parents=True)
    (decoy.parent / "__init__.py").write_text("")
    (decoy / "__init__.py").write_text("")
    (decoy / "worker.py").write_text(  # answers as a worker would, with an error
        "import pickle, sys\n"
        "sys.stdin.buffer.read()\n"
        "pickle.dump(('error', 'the decoy in the working directory ran', None, None), sys.stdout.buffer)\n")
    script = (
        "import pickle, sys\n"
        "from reportgen.render.worker import PdfWorker\n"
        "model = pickle.load(open(sys.argv[1], 'rb'))\n"
        "worker = PdfWorker(); worker.render(model, sys.argv[2]); print(list(worker.result().warnings)); worker.close()\n"
    )
    audit = small_audit()
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(build_report(audit.analysis, audit.costing)))
    # -P: the parent, like the installed console script, does not import from the working directory
    done = subprocess.run([sys.executable, "-P", "-c", script, "model.pkl", "r.pdf"], cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    assert "Guests welded to their hosts" in (pypdf.PdfReader(tmp_path / "r.pdf").pages[0].extract_text() or "")


def test_the_worker_lays_a_report_out_without_polars(tmp_path: Path) -> None:
    """polars takes 0.2-0.4 s to import, taken from reading the exports while the worker waits for the model."""
    import subprocess
    import sys

    audit = small_audit()
    (tmp_path / "model.pkl").write_bytes(pickle.dumps(build_report(audit.analysis, audit.costing)))
    probe = ("import pickle, sys\nfrom reportgen.render.worker import render_job\n"
             f"render_job(pickle.loads(open({str(tmp_path / 'model.pkl')!r}, 'rb').read()), {str(tmp_path / 'r.pdf')!r})\n"
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('polars', 'pyarrow')))\n")
    out = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
    assert (tmp_path / "r.pdf").stat().st_size > 0


def test_every_template_compiles_before_the_model_arrives() -> None:
    """The worker compiles them while the exports are read; a syntax error in any of them fails here."""
    from reportgen.render.env import compile_templates, environment

    compile_templates(pdf=True)
    env = environment(pdf=True)
    assert env.cache is not None
    names = set(env.list_templates(extensions=["html"]))
    assert {"report.html", "_register.html", "pack.html", "compare.html"} <= names
    loaded = {key[1] for key in env.cache}
    assert names <= loaded


def test_the_worker_starts_before_polars_or_pyarrow_load(tmp_path: Path) -> None:
    """The worker loads WeasyPrint while the parent imports polars and reads: started after them, the
    two would compete for the cores while the exports are read (the configuration's scope rules
    once pulled both in)."""
    sample = Path(__file__).parents[2] / "samples" / "rvtools" / "acme-vc01.xlsx"
    config = tmp_path / "reportgen.toml"
    config.write_text('[scope]\ninclude = ["host=*"]\n', encoding="utf-8")
    probe = (
        "import sys\nimport reportgen.cli as cli\nseen = []\n"
        "def spy():\n"
        "    seen.append(sorted({m.split('.')[0] for m in sys.modules} & {'polars', 'pyarrow'}))\n"
        "    return None\n"
        "cli._start_pdf_worker = spy\n"
        f"status = cli.main(['audit', {str(sample)!r}, '-o', {str(tmp_path / 'r.pdf')!r}, '-q', "
        f"'--config', {str(config)!r}, '--include', 'cluster=*'])\n"
        "print(status, seen)\n"
    )
    out = subprocess.run([sys.executable, "-P", "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["0", "[[]]"], out.stdout + out.stderr

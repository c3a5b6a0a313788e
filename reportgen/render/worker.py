"""Rendering the PDF in a second process, so that it overlaps the rest of the audit.

Laying out a PDF is single-threaded Python work that takes seconds. The command line starts
this worker first thing: importing WeasyPrint, loading the fonts and compiling the templates
then happen while the exports are read. When the report model is ready the parent sends it
(pickled) and goes on writing the JSON and the workbook while the worker lays out and writes
the PDF, then sends back WeasyPrint's warnings or the error.

Run as ``python -P -m reportgen.render.worker``; the protocol is one pickled request on stdin,
a list of ``(model, target)`` jobs (the report's model, or an owner's pack, see :mod:`..packs`),
or ``None`` to stop, and one pickled reply on stdout, for all the jobs. Owner packs are shared
out over two workers (:func:`share_out`), so that two cores lay them out.
"""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from ..errors import RenderError
from ..report.model import ReportModel
from ..report.pack_model import PackModel
from .pdf import PdfNotes

Job = tuple[ReportModel | PackModel, Path]
"""A PDF to write: the report's model or a pack's, and the file to write it to."""


def render_job(model: ReportModel | PackModel, target: str | Path) -> PdfNotes:
    """Write one PDF: the report, or an owner's pack."""
    if isinstance(model, PackModel):
        from .packs import render_pack_pdf

        return render_pack_pdf(model, target)
    from .pdf import render_pdf

    return render_pdf(model, target)


def render_jobs(jobs: list[Job]) -> PdfNotes:
    """Write every PDF in this process; what WeasyPrint said about all of them."""
    return merge_notes([render_job(model, target) for model, target in jobs])


def merge_notes(said: list[PdfNotes]) -> PdfNotes:
    return PdfNotes(tuple(w for s in said for w in s.warnings),
                    tuple(dict.fromkeys(e for s in said for e in s.environment)))


def share_out(jobs: list[Job], workers: int) -> list[list[Job]]:
    """The jobs in ``workers`` shares: the report (the longest job) first in the first, packs in turn."""
    shares: list[list[Job]] = [[] for _ in range(max(1, workers))]
    reports = [j for j in jobs if not isinstance(j[0], PackModel)]
    packs = [j for j in jobs if isinstance(j[0], PackModel)]
    shares[0].extend(reports)
    start = 1 if reports and workers > 1 else 0
    for i, job in enumerate(packs):
        shares[(start + i) % len(shares)].append(job)
    return shares


class PdfWorker:
    """A started worker process; :meth:`render` hands it a model, :meth:`result` waits for it."""

    def __init__(self) -> None:
        self._stderr: IO[bytes] = tempfile.TemporaryFile()
        self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
            # -P: not the working directory first on the path, where a source checkout's reportgen
            # (without the templates an installed one has) would hide the package this one is
            [sys.executable, "-P", "-m", "reportgen.render.worker"],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self._stderr,
        )
        self._jobs: list[Job] | None = None

    def render(self, model: ReportModel | PackModel, target: str | Path) -> None:
        """Send the model; the worker writes the PDF to ``target`` while the caller goes on."""
        self.render_all([(model, Path(target))])

    def render_all(self, jobs: list[Job]) -> None:
        """Send every job; the worker writes the PDFs while the caller goes on."""
        self._jobs = [(model, Path(target).resolve()) for model, target in jobs]
        assert self._proc is not None and self._proc.stdin is not None
        try:
            pickle.dump([(model, str(target)) for model, target in self._jobs], self._proc.stdin)
            self._proc.stdin.close()
        except (BrokenPipeError, OSError):
            self._proc.kill()
            self._proc = None  # result() renders in this process instead

    def result(self) -> PdfNotes:
        """What WeasyPrint said, once the PDFs are written; raises RenderError like render_pdf."""
        assert self._jobs is not None
        reply = self._reply()
        if reply is None:  # the worker died: do it here, so the user still gets the PDFs
            return render_jobs(self._jobs)
        status, *rest = reply
        if status == "ok":
            return PdfNotes(*rest)
        message, where, hint = rest
        raise RenderError(message, where=where, hint=hint)

    def close(self) -> None:
        """Stop a worker that was never given a model."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        self._stderr.close()

    def _reply(self) -> tuple[Any, ...] | None:
        if self._proc is None or self._proc.stdout is None:
            return None
        try:
            reply = pickle.load(self._proc.stdout)
        except (EOFError, pickle.UnpicklingError):
            reply = None
        self._proc.wait()
        self._stderr.close()
        return reply if isinstance(reply, tuple) else None


def main() -> int:
    import weasyprint

    from .env import compile_templates

    weasyprint.HTML(string="<p>warm</p>").render()  # font configuration, before the model arrives
    compile_templates(pdf=True)

    request = pickle.load(sys.stdin.buffer)
    if request is None:
        return 0
    jobs = request if isinstance(request, list) else [request]
    target = jobs[0][1] if jobs else None
    try:
        said = merge_notes([render_job(model, target) for model, target in jobs])
        reply: tuple[Any, ...] = ("ok", said.warnings, said.environment)
    except RenderError as exc:
        reply = ("error", exc.message, exc.where, exc.hint)
    except Exception as exc:  # reported to the parent, which shows it as an output error
        reply = ("error", f"the PDF could not be laid out: {type(exc).__name__}: {exc}", target, None)
    pickle.dump(reply, sys.stdout.buffer)
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    status = main()
    sys.stderr.flush()
    os._exit(status)  # the PDF is written and the reply sent: no need to free the laid-out report

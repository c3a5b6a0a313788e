"""Rendering the PDF in a second process, so that it overlaps the rest of the audit.

Laying out a PDF is single-threaded Python work that takes seconds. The command line starts
this worker first thing: importing WeasyPrint and loading the fonts then happen while the
exports are read. When the report model is ready the parent sends it (pickled) and goes on
writing the JSON and the workbook while the worker lays out and writes the PDF, then sends back
WeasyPrint's warnings or the error.

Run as ``python -P -m reportgen.render.worker``; the protocol is one pickled request
``(model, target)`` on stdin (or ``None`` to stop) and one pickled reply on stdout.
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
from .pdf import PdfNotes


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
        self._target: Path | None = None
        self._model: ReportModel | None = None

    def render(self, model: ReportModel, target: str | Path) -> None:
        """Send the model; the worker writes the PDF to ``target`` while the caller goes on."""
        self._model, self._target = model, Path(target).resolve()
        assert self._proc is not None and self._proc.stdin is not None
        try:
            pickle.dump((model, str(self._target)), self._proc.stdin)
            self._proc.stdin.close()
        except (BrokenPipeError, OSError):
            self._proc.kill()
            self._proc = None  # result() renders in this process instead

    def result(self) -> PdfNotes:
        """What WeasyPrint said, once the PDF is written; raises RenderError like render_pdf."""
        assert self._model is not None and self._target is not None
        reply = self._reply()
        if reply is None:  # the worker died: do it here, so the user still gets the PDF
            from .pdf import render_pdf

            return render_pdf(self._model, self._target)
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

    from .pdf import render_pdf

    weasyprint.HTML(string="<p>warm</p>").render()  # font configuration, before the model arrives

    request = pickle.load(sys.stdin.buffer)
    if request is None:
        return 0
    model, target = request
    try:
        said = render_pdf(model, target)
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

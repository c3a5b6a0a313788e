"""The audit as a library call: exports in, analysis and costs out, files written on request."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .analysis import Analysis, analyze
from .config import Config
from .cost import Costing, cost_analysis
from .estate import Estate
from .history import History, update_history
from .importers import MapOptions, load_estate
from .progress import Progress, silent
from .rules import Severity

if TYPE_CHECKING:
    from .render.pdf import PdfNotes


@dataclass(frozen=True)
class Audit:
    estate: Estate
    analysis: Analysis
    costing: Costing
    history: History | None = None
    """The quarter-on-quarter view, when a history folder was given."""

    def worst_severity(self) -> Severity | None:
        """The highest severity of any finding that ties a guest today or at next power-on."""
        severities = [f.severity for f in self.analysis.findings if f.timing != "hygiene"]
        return max(severities) if severities else None


def run_audit(
    exports: Sequence[str | os.PathLike[str]],
    config: Config | None = None,
    progress: Progress = silent,
    redact: bool = False,
    history_dir: str | os.PathLike[str] | None = None,
) -> Audit:
    """Read the exports, run the rules and the core, price the result.

    With ``redact``, every name is replaced by a stable pseudonym before the rules run, so
    no output (evidence included) shows a real host, guest, datastore, network or file name.
    """
    config = config or Config()
    estate = load_estate(exports, MapOptions(owner_column=config.owner_column), progress=progress)
    if redact:
        from .redact import redact_estate

        progress("redacting names", 0, 0)
        estate = redact_estate(estate, config.redact_key or "reportgen")
    analysis = analyze(estate, config, progress=progress)
    progress("pricing", 2, 3)
    costing = cost_analysis(analysis)
    history = None
    if history_dir is not None:
        progress("comparing with earlier quarters", 3, 3)
        history = update_history(Path(history_dir), analysis, costing)
    return Audit(estate, analysis, costing, history)


def write_json(audit: Audit, path: str | Path) -> None:
    from .outputs.findings_json import write_findings_json

    write_findings_json(audit.analysis, audit.costing, path, history=audit.history)


def write_pdf(audit: Audit, path: str | Path) -> PdfNotes:
    """Write the PDF report; returns what WeasyPrint said (no layout warning expected)."""
    from .render.pdf import render_pdf
    from .report import build_report

    return render_pdf(build_report(audit.analysis, audit.costing, history=audit.history), path)


def write_html(audit: Audit, path: str | Path) -> None:
    from .errors import RenderError
    from .render.html import render_html
    from .report import build_report

    try:
        model = build_report(audit.analysis, audit.costing, history=audit.history)
        Path(path).write_text(render_html(model), encoding="utf-8")
    except OSError as exc:
        raise RenderError(f"cannot write the HTML report: {exc.strerror}", where=str(path)) from exc


def write_xlsx(audit: Audit, path: str | Path) -> dict[str, int]:
    """Write the admins' workbook; returns the data rows written per sheet."""
    from .outputs.xlsx import write_xlsx as _write

    return _write(audit.analysis, audit.costing, path)

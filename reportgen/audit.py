"""The audit as a library call: exports in, analysis and costs out, files written on request.

Every ``write_*`` writes its file atomically (a temporary renamed into place). Given a
:class:`~reportgen.staging.Staging`, it writes only the temporary and the caller renames every
file into place at once, when all of them are written (the command line does so).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from .accept import AcceptFile
from .accept_match import Judgement, audit_day, judge
from .analysis import Analysis, analyze
from .config import Config
from .cost import Costing, cost_analysis
from .estate import Estate
from .exclude import exclude_guests
from .history import History, compare_history, record
from .importers import MapOptions, load_estate
from .owners import Ownership, assign_owners, redact_ownership, with_unowned
from .progress import Progress, silent
from .report.fonts import unprintable_names
from .rules import Severity
from .scope import apply_scope, scoped_coverage, scoped_findings
from .staging import Staging, write_atomically

if TYPE_CHECKING:
    from .render.pdf import PdfNotes


@dataclass(frozen=True)
class Audit:
    estate: Estate
    analysis: Analysis
    costing: Costing
    history: History | None = None
    """The quarter-on-quarter view, when a history folder was given."""
    ownership: Ownership = Ownership()
    """Where the owners came from and what of the owners file was not used."""
    acceptance: Judgement | None = None
    """The accepted exceptions applied, when an accept file was given."""

    def worst_severity(self) -> Severity | None:
        """The highest severity of any open finding (not accepted) that ties a guest today or at next power-on."""
        judged = self.acceptance
        severities = [f.severity for i, f in enumerate(self.analysis.findings)
                      if f.timing != "hygiene" and (judged is None or judged.is_open(i))]
        return max(severities) if severities else None


def run_audit(
    exports: Sequence[str | os.PathLike[str]],
    config: Config | None = None,
    progress: Progress = silent,
    redact: bool = False,
    history_dir: str | os.PathLike[str] | None = None,
    owners: str | os.PathLike[str] | None = None,
    accept: AcceptFile | None = None,
    as_of: dt.date | None = None,
) -> Audit:
    """Read the exports, run the rules and the core, price the result.

    With ``redact``, every name is replaced by a keyed pseudonym before the rules run (see
    :mod:`.redact`), so no output (evidence and data-quality messages included) shows a real host,
    guest, cluster, vCenter, datastore, network, owner, custom attribute or file name.
    With ``history_dir``, the audit is compared with the estate's earlier quarters there; its own
    snapshot is recorded by :func:`record_history`, once the outputs are written.
    With ``owners`` (else the configuration's ``[owner] file``), owners come from that file where it
    names the guest (see :mod:`.owners`).
    With ``accept``, its entries are matched (by the real names, also under ``redact``) and their
    statuses taken as of ``as_of``, by default the audit's day (:func:`~reportgen.accept_match.audit_day`).
    """
    from .owners_file import read_owners

    config = config or Config()
    owners = owners if owners is not None else config.owners_file
    owners_file = read_owners(Path(owners)) if owners else None  # a bad owners file stops the audit before the exports
    estate = load_estate(exports, MapOptions(owner_column=config.owner_column), progress=progress)
    estate = exclude_guests(estate, config.exclude)  # by the real names, before any redaction
    whole = estate
    estate = apply_scope(estate, config.scope)
    estate, ownership = assign_owners(estate, owners_file, _left_out(whole, estate))
    redactor = None
    if redact:
        from .redact import Redactor, redact_config, redact_estate  # accepted exceptions match the real names
        from .sites import with_sites

        estate = with_sites(estate, config.sites)  # [sites] patterns name real hosts

        progress("redacting names", 0, 0)
        redactor = Redactor(config.redact_key)
        config = redact_config(config, redactor, estate)
        estate = redact_estate(estate, redactor=redactor)
        ownership = redact_ownership(ownership, redactor)
    unprintable = unprintable_names(estate)
    if unprintable is not None:
        estate = replace(estate, issues=(*estate.issues, unprintable))
    analysis = analyze(estate, config, progress=progress)
    if estate.scope is not None:
        analysis = replace(analysis, coverage=scoped_coverage(analysis.coverage, estate.scope),
                           findings=scoped_findings(analysis.findings, analysis.guest_clusters, estate.scope))
    analysis = with_unowned(analysis)
    progress("pricing", 2, 3)
    costing = cost_analysis(analysis)
    history = None
    if history_dir is not None:
        progress("comparing with earlier quarters", 3, 3)
        history = compare_history(Path(history_dir), analysis, costing)
    acceptance = None
    if accept is not None:
        acceptance = judge(accept, analysis, costing, as_of or audit_day(analysis.estate),
                           None if redactor is None else redactor.reveal)
        if redactor is not None:
            from .accept_redact import redact_judgement

            acceptance = redact_judgement(acceptance, redactor)
        if history is not None:  # the snapshot keeps each entry's status, for compare
            kept = [{"what": r.entry.what, "status": r.status, "matched": r.matched} for r in acceptance.entries]
            history = replace(history, trend=(*history.trend[:-1], replace(history.current, acceptances=kept)))
    return Audit(estate, analysis, costing, history, ownership, acceptance)


def _left_out(whole: Estate, scoped: Estate) -> Estate | None:
    """The guests of ``whole`` that the scope left out of ``scoped`` (None when it left out none)."""
    if scoped is whole:
        return None
    import pyarrow.compute as pc

    guests = whole.guests
    kept = pc.is_in(guests.column("guest_key"), value_set=scoped.guests.column("guest_key"))
    if pc.all(kept).as_py():
        return None
    return replace(whole, tables={**whole.tables, "guests": guests.filter(pc.invert(kept))})


def record_history(audit: Audit, staging: Staging | None = None) -> list[str]:
    """Record this quarter's snapshot in the history folder (none without one); returns notes for the user."""
    return [] if audit.history is None else record(audit.history, staging)


def _write(path: str | Path, staging: Staging | None, write: Callable[[Path], object]) -> None:
    if staging is None:
        write_atomically(path, write)
    else:
        staging.write(path, write)


def write_json(audit: Audit, path: str | Path, staging: Staging | None = None) -> None:
    from .outputs.findings_json import write_findings_json

    _write(path, staging, lambda to: write_findings_json(audit.analysis, audit.costing, to, history=audit.history,
                                                         ownership=audit.ownership, acceptance=audit.acceptance))


def write_pdf(audit: Audit, path: str | Path, staging: Staging | None = None) -> PdfNotes:
    """Write the PDF report; returns what WeasyPrint said (no layout warning expected)."""
    from .render.pdf import render_pdf
    from .report import build_report

    said: list[PdfNotes] = []
    model = build_report(audit.analysis, audit.costing, history=audit.history, acceptance=audit.acceptance)
    _write(path, staging, lambda to: said.append(render_pdf(model, to)))
    return said[0]


def write_html(audit: Audit, path: str | Path, staging: Staging | None = None) -> None:
    from .errors import RenderError
    from .render.html import render_html
    from .report import build_report
    from .report.explorer import explorer_data

    def write(to: Path) -> None:
        try:
            to.write_text(render_html(model, explorer=explorer_data(audit.analysis, audit.costing)),
                          encoding="utf-8")
        except OSError as exc:
            raise RenderError(f"cannot write the HTML report: {exc.strerror}", where=str(to)) from exc

    model = build_report(audit.analysis, audit.costing, history=audit.history, acceptance=audit.acceptance)
    _write(path, staging, write)


def write_xlsx(audit: Audit, path: str | Path, staging: Staging | None = None) -> dict[str, int]:
    """Write the admins' workbook; returns the data rows written per sheet."""
    from .outputs.xlsx import write_xlsx as _write_xlsx

    counts: dict[str, int] = {}
    _write(path, staging, lambda to: counts.update(_write_xlsx(audit.analysis, audit.costing, to,
                                                                       audit.acceptance)))
    return counts

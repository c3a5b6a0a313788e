"""The ``reportgen`` command: a thin shell over the library.

It parses arguments, shows progress on stderr, and turns reportgen's exceptions into one
clear line and an exit code (see :class:`~reportgen.exit_codes.ExitStatus`). It holds no logic.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn, TextIO

from . import __version__
from .errors import ConfigError, InputError, RenderError, ReportgenError, UsageError, printable
from .exit_codes import ExitStatus

if TYPE_CHECKING:
    from .accept_match import Judgement
    from .analysis import Analysis
    from .audit import Audit
    from .config import Config
    from .history import History
    from .pack_files import PackCleanup
    from .render.worker import PdfWorker
    from .staging import Staging

EXIT_CODES = """\
exit codes:
  0    the audit ran and every requested file was written
  1    findings at or above --fail-on
  2    usage error (bad option, bad config file)
  3    an export is unreadable or lacks what the audit needs
  4    a report or data file could not be written
  130  interrupted
"""


CHECK_EXIT_CODES = """\
exit codes:
  0    every host named can be emptied by live migration now, and every check that
       could tie it ran on its export
  1    some host named cannot be emptied now (guests to power off, or media to
       disconnect first), or the hosts named cannot be emptied together (every
       node of a guest cluster, every host of a cluster or more than its wave
       limit, or every host a guest can move to)
  2    a name matches no host (close matches are listed), or a usage error
  3    the findings JSON, an export or the host list is unreadable
  5    no tie found on the hosts named, but not proven: some checks could not run
       on their exports (listed; check those by hand)
  130  interrupted
"""


COMPARE_EXIT_CODES = """\
exit codes:
  0    compared (whether or not anything changed)
  2    the two audits are of different estates, an output would replace an input, or a usage error
  3    a file is unreadable, not a findings JSON, or of another schema version
  4    the JSON or PDF could not be written
  130  interrupted
"""


class TerminalProgress:
    """Progress on stderr: one rewritten line on a terminal, plain timestamped lines otherwise."""

    def __init__(self, stream: TextIO, quiet: bool = False) -> None:
        self.stream = stream
        self.quiet = quiet
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self.last = ""

    def __call__(self, step: str, done: int, total: int) -> None:
        if self.quiet:
            return
        elapsed = time.monotonic() - self.start
        count = f" ({done}/{total})" if total else ""
        if self.tty:
            line = f"\r\x1b[2K{step}{count} · {elapsed:.1f}s"
            self.stream.write(line)
        else:
            if step == self.last:
                return
            self.stream.write(f"reportgen: {elapsed:6.1f}s {step}{count}\n")
        self.last = step
        self.stream.flush()

    def done(self, message: str) -> None:
        if self.quiet:
            return
        if self.tty:
            self.stream.write("\r\x1b[2K")
        self.stream.write(f"reportgen: {message}\n")
        self.stream.flush()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="reportgen",
        description="Find the guests that are welded to their hosts, and what it costs.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"reportgen {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    _add_audit(sub)
    _add_check(sub)
    _add_compare(sub)
    _add_accept_template(sub)
    _add_setup(sub)
    return parser


def _add_audit(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The 'audit' command and its options."""
    audit = sub.add_parser(
        "audit",
        help="audit exports and write the report",
        description="Audit RVTools exports (.xlsx, a folder of CSVs, or a zip) and Hyper-V CSV bundles; "
        "several exports are merged into one estate.",
        epilog=EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    audit.add_argument("exports", nargs="+", metavar="EXPORT", help="RVTools .xlsx, CSV folder or zip; Hyper-V bundle")
    audit.add_argument("-o", "--output", metavar="report.pdf", help="PDF report to write (default: report.pdf "
                       "when no other output is asked for)")
    audit.add_argument("--html", metavar="report.html", help="self-contained HTML report to write")
    audit.add_argument("--json", metavar="findings.json", help="findings JSON (schema_version 1) to write")
    audit.add_argument("--xlsx", metavar="findings.xlsx", help="findings workbook for admins to write")
    audit.add_argument("--config", metavar="audit.toml", help="configuration file (see 'reportgen init-config')")
    audit.add_argument("--history", metavar="DIR", help="folder of earlier audits for the quarter-on-quarter view")
    audit.add_argument("--include", action="append", metavar="FIELD=PATTERN",
                       help="audit only hosts whose FIELD (vcenter, datacenter, cluster, host) matches PATTERN "
                       "(* ?, case ignored); repeat it: one of each field's patterns must match")
    audit.add_argument("--exclude", action="append", metavar="FIELD=PATTERN",
                       help="leave out hosts whose FIELD matches PATTERN, and their guests (repeatable)")
    audit.add_argument("--owners", metavar="owners.csv", help="owners file (.csv or .xlsx, e.g. a CMDB export): "
                       "guest, vm_uuid, cluster or folder, then owner, email, team, cost_centre; it wins over the "
                       "export's owner column (default: [owner] file in the configuration)")
    audit.add_argument("--owner-packs", metavar="DIR", help="write a short PDF per owner whose guests tie a host "
                       "(their guests, hosts, waves, cost and fixes) and DIR/owners.csv for a mail merge")
    audit.add_argument("--redact", action="store_true", help="replace every name (hosts, guests, clusters, "
                       "vCenters, datastores, networks, owners, files) by a keyed pseudonym in every output")
    audit.add_argument("--fail-on", metavar="SEVERITY", choices=["info", "low", "medium", "high", "critical"],
                       help="exit 1 when an open finding (not accepted) at or above this severity ties a guest")
    audit.add_argument("--accept", metavar="accept.toml", help="accepted exceptions (see 'reportgen "
                       "accept-template'); default: [report] accept in the configuration")
    audit.add_argument("--as-of", metavar="DATE", type=_day, help="the day (YYYY-MM-DD) acceptances are judged "
                       "on, expired or due (default: the day of the newest export)")
    audit.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    audit.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The 'check' command and its options."""
    check = sub.add_parser(
        "check",
        help="before any work: can these hosts be emptied now, and if not, whom to call",
        description="For each host: can it be emptied by live migration now; if not, the guests to power off and "
        "their owners, the guest clusters and which node to fail over first, its maintenance wave, and what a "
        "failure of it strands. Answers from a findings JSON ('reportgen audit --json'), or from exports, "
        "which are audited first (no report is written).",
        epilog=CHECK_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    check.add_argument("hosts", nargs="+", metavar="HOST",
                       help="host name (short, DNS, or the start of the DNS name up to a dot), a label 'esx01 in "
                       "vc02' for a name two vCenters share, a pattern with * ? [ ] (case-insensitive), or @FILE "
                       "with one name or pattern a line")
    check.add_argument("--from", dest="inputs", action="append", required=True, metavar="FILE",
                       help="findings.json, or an export to audit first (repeat for several exports)")
    check.add_argument("--json", action="store_true", help="print the answer as JSON")
    check.add_argument("--config", metavar="audit.toml", help="configuration for auditing exports")
    check.add_argument("-q", "--quiet", action="store_true", help="no progress on stderr")
    check.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _add_compare(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The 'compare' command and its options."""
    compare = sub.add_parser(
        "compare",
        help="what changed between two audits of one estate",
        description="Compare two findings JSON files ('reportgen audit --json'), or snapshots of an --history "
        "folder: guest clusters new, fixed and changed, hosts newly tied and freed, guests renamed, accepted "
        "exceptions that changed status, and the yearly cost then and now. Prints a summary; --json and -o "
        "write it as data and as a short PDF.",
        epilog=COMPARE_EXIT_CODES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    compare.add_argument("old", metavar="OLD", help="the earlier audit's findings JSON")
    compare.add_argument("new", metavar="NEW", help="the later audit's findings JSON")
    compare.add_argument("--json", metavar="FILE", help="write the comparison as JSON")
    compare.add_argument("-o", "--output", metavar="FILE.pdf", help="write the comparison as a short PDF")
    compare.add_argument("--debug", action="store_true", help="show tracebacks of internal errors")


def _add_accept_template(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The 'accept-template' command."""
    template = sub.add_parser(
        "accept-template",
        help="draft an accept file from a findings JSON: one entry per open guest cluster and tied guest",
        description="Write a commented [[accept]] entry for every open guest cluster and every tied guest "
        "outside one, with empty reason, owner and approved_by and an expiry one year after the audit, to "
        "prune and fill in before using it with 'reportgen audit --accept'.",
    )
    template.add_argument("findings", metavar="findings.json", help="findings JSON written by 'reportgen audit --json'")
    template.add_argument("-o", "--output", metavar="accept.toml", help="write to this file instead of stdout")
    template.add_argument("--force", action="store_true", help="overwrite an existing file")


def _add_setup(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """The 'init-config' and 'collector' commands."""
    init = sub.add_parser("init-config", help="write a commented default configuration file")
    init.add_argument("path", nargs="?", default="audit.toml", help="where to write it (default: audit.toml)")
    init.add_argument("--force", action="store_true", help="overwrite an existing file")

    collector = sub.add_parser(
        "collector",
        help="print an inventory collector script to run on the hosts",
        description="Print (or write with -o) the read-only collector script to run where the inventory lives. "
        "hyperv: a PowerShell script for a Hyper-V host or failover-cluster node; it writes a zip that "
        "'reportgen audit' reads.",
    )
    collector.add_argument("kind", choices=["hyperv"], help="which collector: hyperv")
    collector.add_argument("-o", "--output", metavar="FILE", help="write the script to FILE instead of stdout")


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date such as 2027-03-31") from None


def main(argv: Sequence[str] | None = None, stderr: TextIO | None = None, stdout: TextIO | None = None) -> int:
    err = stderr or sys.stderr
    out = stdout or sys.stdout
    parser = build_parser()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            args = parser.parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if args.command is None:
        parser.print_help(out)
        return ExitStatus.USAGE
    try:
        if args.command == "init-config":
            return _init_config(args, out)
        if args.command == "collector":
            return _collector(args, out)
        if args.command == "accept-template":
            return _accept_template(args, out)
        if args.command == "check":
            return _check(args, out, err)
        if args.command == "compare":
            from .compare_cli import run_compare

            return run_compare(args.old, args.new, args.json, args.output, out, err)
        return _audit(args, err)
    except KeyboardInterrupt:
        err.write("\nreportgen: interrupted\n")
        return ExitStatus.INTERRUPTED
    except ConfigError as exc:
        err.write(f"reportgen: config error: {exc}\n")
        return ExitStatus.USAGE
    except UsageError as exc:
        err.write(f"reportgen: usage error: {exc}\n")
        return ExitStatus.USAGE
    except InputError as exc:
        err.write(f"reportgen: input error: {exc}\n")
        return ExitStatus.INPUT
    except RenderError as exc:
        err.write(f"reportgen: output error: {exc}\n")
        return ExitStatus.OUTPUT
    except BrokenPipeError:  # the reader of standard output stopped early (`| head`): nothing to say to it
        return ExitStatus.OUTPUT
    except Exception as exc:  # a bug (a SchemaError or CoreError too): say so in one line unless --debug
        return _internal_error(exc, getattr(args, "debug", False), err)


def _internal_error(exc: Exception, debug: bool, err: TextIO) -> int:
    """Say that reportgen failed (not the input) and what to send to have it fixed."""
    if debug:
        traceback.print_exc(file=err)
    what = str(exc) if isinstance(exc, ReportgenError) else printable(f"{type(exc).__name__}: {exc}")
    err.write(f"reportgen: internal error: {what}. This is a bug in reportgen {__version__}, not a fault of the "
              "input. To report it, send the reportgen maintainers the command line, the traceback that "
              f"{'is printed above' if debug else 'the same command prints with --debug'}, and, if you may share "
              "it, the export (or the smallest part of it that still fails)\n")
    return ExitStatus.INTERNAL


def run() -> NoReturn:
    """The ``reportgen`` console command: :func:`main`, then exit without tearing the process down.

    By then every file is written and closed. Freeing the estate, the analysis and the laid-out
    report object by object would only cost time (docs/benchmarks.md), so the streams are
    flushed and the process ends at once. Library callers and tests use :func:`main`.
    """
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(status)


def _init_config(args: argparse.Namespace, out: TextIO) -> int:
    from .config import DEFAULT_TOML
    from .staging import write_atomically

    path = Path(args.path)
    if path.exists() and not args.force:
        raise ConfigError("already exists", where=str(path), hint="use --force to overwrite it")
    try:
        write_atomically(path, lambda to: to.write_text(DEFAULT_TOML, encoding="utf-8"))
    except OSError as exc:
        raise RenderError(f"cannot write: {exc.strerror}", where=str(path)) from exc
    out.write(f"wrote {path}\n")
    return ExitStatus.OK


def _accept_template(args: argparse.Namespace, out: TextIO) -> int:
    from .accept_template import read_findings, template
    from .staging import write_atomically

    text = template(read_findings(args.findings), args.findings)
    if not args.output:
        out.write(text)
        return ExitStatus.OK
    path = Path(args.output)
    if path.exists() and not args.force:
        raise UsageError("already exists", where=str(path), hint="use --force to overwrite it")
    try:
        write_atomically(path, lambda to: to.write_text(text, encoding="utf-8"))
    except OSError as exc:
        raise RenderError(f"cannot write: {exc.strerror}", where=str(path)) from exc
    out.write(f"wrote {path}\n")
    return ExitStatus.OK


def _collector(args: argparse.Namespace, out: TextIO) -> int:
    from .collector import collector_script, write_collector

    if args.output:
        write_collector(args.output, args.kind)
        out.write(f"wrote {args.output}\n")
    else:
        out.write(collector_script(args.kind))
    return ExitStatus.OK


def _check(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    import json

    from .check import check_hosts, load_register, register_from_document
    from .check_names import expand_names
    from .check_output import check_document, format_check, format_unmatched
    from .vm_counts import guests_text, vm_counts

    patterns = expand_names(args.hosts)
    if not patterns:
        raise UsageError("no host name given (the host list is empty)")
    inputs: list[str] = args.inputs
    if any(p.lower().endswith(".json") for p in inputs):
        if len(inputs) > 1:
            raise UsageError("--from takes one findings JSON, or exports, not both")
        register = load_register(inputs[0])
    else:
        from .audit import run_audit
        from .config import load_config
        from .outputs.findings_json import findings_document

        progress = TerminalProgress(err, quiet=args.quiet)
        audit = run_audit(inputs, load_config(args.config), progress=progress)
        progress.done(f"audited {audit.estate.hosts.num_rows} hosts, {guests_text(vm_counts(audit.estate.guests))}")
        register = register_from_document(findings_document(audit.analysis, audit.costing), ", ".join(inputs))
    result = check_hosts(register, patterns)
    if args.json:
        out.write(json.dumps(check_document(result), indent=2, ensure_ascii=False) + "\n")
    else:
        out.write(format_check(result))
    err.writelines(f"reportgen: {printable(line)}\n" for line in format_unmatched(result))
    if result.unmatched:
        return ExitStatus.USAGE
    if result.any_tied:
        return ExitStatus.FINDINGS
    return ExitStatus.OK if result.all_evacuable else ExitStatus.UNPROVEN


def _audit(args: argparse.Namespace, err: TextIO) -> int:
    from .config import load_config
    from .staging import Staging, check_outputs

    progress = TerminalProgress(err, quiet=args.quiet)
    config = load_config(args.config)
    if args.include or args.exclude:
        from dataclasses import replace

        from .scope_rules import parse_rules

        config = replace(config, scope=config.scope.plus(parse_rules(args.include or (), args.exclude or ())))
    if args.history and Path(args.history).exists() and not Path(args.history).is_dir():
        raise ConfigError("--history must name a folder", where=args.history)
    pdf = args.output or (None if (args.json or args.html or args.xlsx) else "report.pdf")
    outputs = {"-o": pdf, "--json": args.json, "--html": args.html, "--xlsx": args.xlsx,
               "--owner-packs": str(Path(args.owner_packs) / "owners.csv") if args.owner_packs else None}
    # Before anything is read or written (and before polars loads): exports that cannot be read
    # safely, and outputs that would replace an input or each other.
    owners = args.owners or config.owners_file
    accept = args.accept or config.report.accept or None
    if args.as_of and not accept:
        raise UsageError("--as-of needs --accept (or accept under [report] in the configuration): it sets the day "
                         "accepted exceptions are judged on, and there are none without an accept file")
    check_outputs(args.exports, outputs, (args.config, config.report.logo, owners, accept), args.history)
    if args.owner_packs:
        from .pack_files import check_pack_folder

        check_pack_folder(args.owner_packs)
    for option, target in outputs.items():
        if target and option != "--owner-packs" and not Path(target).resolve().parent.is_dir():
            raise RenderError("the folder does not exist", where=str(target), hint="create it first")
    if args.redact and not config.redact_key:
        err.write("reportgen: warning: --redact without a redact.key in the configuration: anyone can guess "
                  "which name a pseudonym stands for by trying likely names; set [redact] key to a secret "
                  "of your own\n")
    staging = Staging()
    workers: list[PdfWorker] = []
    status = None
    try:
        # The PDF is laid out in a second process started now: WeasyPrint loads while the exports
        # are read, and the layout overlaps writing the data files. Owner packs get a second one.
        for wanted in (pdf or args.owner_packs, args.owner_packs):
            worker = _start_pdf_worker() if wanted else None
            workers += [worker] if worker is not None else []
        status = _run(args, err, config, progress, pdf, workers, staging)
        return status
    finally:
        # An interrupt cannot leave temporaries behind; after a run that succeeded it changes nothing.
        with _interrupts_deferred(reraise=status is None):
            for worker in workers:
                worker.close()
            staging.discard()


@contextlib.contextmanager
def _interrupts_deferred(reraise: bool) -> Iterator[None]:
    """Ctrl-C waits until the block is done (a few renames or removals); then it is raised if
    ``reraise``, else it came too late to stop anything and the run ends as it would have."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, frame: caught.append(number))
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)
    if caught and reraise:
        raise KeyboardInterrupt


def _start_pdf_worker() -> PdfWorker | None:
    from .render.worker import PdfWorker

    if (os.cpu_count() or 1) < 2 or os.environ.get("REPORTGEN_NO_WORKER"):
        return None
    try:
        return PdfWorker()
    except OSError:
        return None


def _hosts_text(count: int) -> str:
    """'1 host', '3 hosts'."""
    return f"{count} host{'' if count == 1 else 's'}"


def _clusters_text(analysis: Analysis) -> str:
    """'6 guest clusters (plus 1 suspected)': counted as the cover counts them, the suspected ones apart."""
    suspected = sum(1 for c in analysis.guest_clusters if c.suspected)
    proven = len(analysis.guest_clusters) - suspected
    text = f"{proven} guest cluster{'' if proven == 1 else 's'}"
    return text + (f" (plus {suspected} suspected)" if suspected else "")


def _run(args: argparse.Namespace, err: TextIO, config: Config, progress: TerminalProgress, pdf: str | None,
         workers: list[PdfWorker], staging: Staging) -> int:
    """Audit, write every output to a temporary, then put them all in place with the history snapshot last."""
    from .accept import load_acceptances
    from .audit import record_history, run_audit, write_html, write_json, write_xlsx
    from .render.worker import Job, merge_notes, render_jobs, share_out
    from .report import build_report
    from .rules import Severity
    from .vm_counts import guests_text, vm_counts

    path = args.accept or config.report.accept
    accept = load_acceptances(path) if path else None
    audit = run_audit(args.exports, config, progress=progress, redact=args.redact, history_dir=args.history,
                      owners=args.owners, accept=accept, as_of=args.as_of)
    packs: list[Job] = []
    if args.owner_packs:
        from .pack_files import record_packs, stage_packs
        from .staging import check_outputs

        outputs = {"-o": pdf, "--json": args.json, "--html": args.html, "--xlsx": args.xlsx}
        others = (args.config, config.report.logo, args.owners or config.owners_file, path or None)
        packs = stage_packs(audit, args.owner_packs, staging, lambda targets: check_outputs(
            args.exports, {**outputs, **targets}, others, args.history))
    with staging.writing():
        jobs: list[Job] = []
        if pdf:
            model = build_report(audit.analysis, audit.costing, history=audit.history, acceptance=audit.acceptance)
            jobs.append((model, staging.reserve(pdf)))
        jobs += packs
        for worker, share in zip(workers, share_out(jobs, len(workers)) if jobs else [], strict=False):
            worker.render_all(share)
        if args.json:
            progress("writing findings JSON", 0, 0)
            write_json(audit, args.json, staging)
        if args.xlsx:
            progress("writing workbook", 0, 0)
            write_xlsx(audit, args.xlsx, staging)
        if args.html:
            progress("writing HTML report", 0, 0)
            write_html(audit, args.html, staging)
        if jobs:
            progress("writing PDF report" if pdf else "writing owner packs", 0, 0)
            said = merge_notes([w.result() for w in workers]) if workers else render_jobs(jobs)
        cleanup = record_packs(args.owner_packs, packs, staging) if args.owner_packs else None
    kept = record_history(audit, staging)  # written now, put in place last
    with _interrupts_deferred(reraise=False):
        staging.commit()
    if cleanup is not None:
        _tidy_packs(cleanup, err)
    if jobs:
        err.writelines(f"reportgen: layout warning: {warning}\n" for warning in said.warnings)
        if not args.quiet:
            err.writelines(f"reportgen: note: {note}\n" for note in said.environment)
    written = [target for target in (args.json, args.xlsx, args.html, pdf) if target]
    if args.owner_packs:
        written.append(f"{len(packs)} owner pack(s) and owners.csv in {args.owner_packs}")
    analysis = audit.analysis
    progress.done(
        f"{_hosts_text(len(analysis.hosts))}, {guests_text(vm_counts(audit.estate.guests))}, "
        f"{_clusters_text(analysis)}, "
        f"{_hosts_text(len(analysis.pinned_hosts))} cannot be emptied; wrote {', '.join(written)}"
    )
    if audit.history is not None:
        _say_history(audit.history, kept, args.history, err, progress)
    if audit.acceptance is not None:
        _say_acceptance(audit, audit.acceptance, err, progress)
    if args.fail_on:
        worst = audit.worst_severity()
        if worst is not None and worst >= Severity.parse(args.fail_on):
            _say_failed(audit, args.fail_on, err)
            return ExitStatus.FINDINGS
    return ExitStatus.OK


def _tidy_packs(cleanup: PackCleanup, err: TextIO) -> None:
    """Remove the unchanged packs of owners no longer present; name the changed ones, which are kept."""
    from .pack_files import remove_old_packs

    err.writelines(f"reportgen: warning: {printable(problem)}\n" for problem in remove_old_packs(cleanup))
    err.writelines(f"reportgen: warning: {printable(str(path))}: the pack of an owner no longer present was changed since "
                   "reportgen wrote it; kept (delete it when it is no longer needed)\n" for path in cleanup.changed)
    if cleanup.remove:
        err.write(f"reportgen: removed {len(cleanup.remove)} pack(s) of owners no longer present\n")


FAILED_SHOWN = 5
"""Open findings named on stderr when --fail-on fails the audit (the rest are counted)."""
WARNINGS_SHOWN = 20
"""Warnings about the accept file printed before the rest are only counted."""


def _one_line(text: str) -> str:
    """``text`` on one line: control characters (a line break in a TOML string) become spaces."""
    return printable("".join(" " if ord(c) < 32 else c for c in text))


def _say_failed(audit: Audit, level: str, err: TextIO) -> None:
    """Which open findings made --fail-on fail: how many, and the first few by rule, guest and host."""
    from .host_labels import host_labels
    from .rules import Severity

    floor = Severity.parse(level)
    analysis = audit.analysis
    labels = host_labels(analysis.estate)  # two vCenters' esx01 told apart
    failing = sorted((f for i, f in enumerate(analysis.findings)
                      if f.timing != "hygiene" and f.severity >= floor
                      and (audit.acceptance is None or audit.acceptance.is_open(i))),
                     key=lambda f: -f.severity)
    err.write(f"reportgen: --fail-on {level}: {len(failing)} open finding{'s' if len(failing) != 1 else ''} "
              f"at or above {level}{', not accepted' if audit.acceptance is not None else ''}:\n")
    for f in failing[:FAILED_SHOWN]:
        where = [f"guest {analysis.guest_names.get(f.guest_key, f.guest_key)}"] if f.guest_key else []
        where += [f"host {labels.get(f.host_key) or analysis.host_names.get(f.host_key, f.host_key)}"] if f.host_key else []
        err.write(_one_line(f"reportgen:   {f.rule} ({f.severity.label}) on {' '.join(where) or 'the estate'}")
                  + "\n")
    if len(failing) > FAILED_SHOWN:
        err.write(f"reportgen:   and {len(failing) - FAILED_SHOWN} more (every finding is in the report and the "
                  "JSON findings)\n")


def _say_acceptance(audit: Audit, judgement: Judgement, err: TextIO, progress: TerminalProgress) -> None:
    from .accept import STATUSES
    from .report.formats import money

    counts = {s: sum(1 for e in judgement.entries if e.status == s) for s in STATUSES}
    accepted = sum(1 for f, a in zip(audit.analysis.findings, judgement.findings, strict=True)
                   if a is not None and f.timing != "hygiene")  # counted as the report's summary counts them
    open_cost, accepted_cost = judgement.split_cost(audit.costing)
    currency = audit.costing.currency
    progress.done(f"accepted exceptions as of {judgement.as_of}: {accepted} findings accepted; "
                  + ", ".join(f"{n} {s}" for s, n in counts.items())
                  + f"; yearly cost {money(open_cost, currency)} open, {money(accepted_cost, currency)} accepted")
    warnings = _acceptance_warnings(judgement)
    err.writelines(f"reportgen: warning: {_one_line(w)}\n" for w in warnings[:WARNINGS_SHOWN])
    if len(warnings) > WARNINGS_SHOWN:
        err.write(f"reportgen: warning: {judgement.path}: and {len(warnings) - WARNINGS_SHOWN} more warnings about "
                  "the accept file; every entry's status is in the report's Accepted exceptions section and the "
                  "JSON acceptances\n")


def _acceptance_warnings(judgement: Judgement) -> list[str]:
    """One line for each guest cluster held open, each entry overlapping an earlier one, each expired or stale entry."""
    said = []
    for e in judgement.entries:
        entry = f"{judgement.path}: entry {e.entry.position} (line {e.entry.line}: {e.entry.what})"
        for held in e.held_open:
            still = ", ".join(f"{guest}'s {rule}" for guest, rule in held.open_findings[:3])
            more = len(held.open_findings) - 3
            said.append(f"{entry} accepts guest cluster {held.name}, but {still}"
                        f"{f' and {more} more' if more > 0 else ''} "
                        f"{'is' if len(held.open_findings) == 1 else 'are'} open: the guest cluster and its cost "
                        "count as open until that is fixed or accepted too")
        if e.accepted_first_by:
            earlier = ", ".join(str(n) for n in e.accepted_first_by)
            said.append(f"{entry} matches what entry {earlier} already accepts; the first entry in the file "
                        "is the one shown as accepting it")
        if e.ambiguous:
            choose = e.ambiguous[-1].rsplit(" in ", 1)[-1]
            said.append(f"{entry} {e.ambiguity}: it accepts {'neither' if len(e.ambiguous) == 2 else 'none of them'} "
                        f"until it says which, e.g. vcenter = \"{choose}\"")
        if e.status in ("expired", "stale"):
            said.append(f"{entry} {f'expired on {e.entry.expires}' if e.status == 'expired' else 'matches nothing'}")
        elif e.status == "changed":
            said.append(f"{entry} is changed, it accepts nothing until signed off again: {'; '.join(e.why)}")
        elif e.status == "not-assessed":
            said.append(f"{entry} matches nothing, but is not assessed (keep it): {'; '.join(e.why)}")
    return said


def _say_history(history: History, kept: list[str], folder: str, err: TextIO, progress: TerminalProgress) -> None:
    change = history.change
    if change is None:
        progress.done(f"first quarter recorded in {folder}" if history.replaces is None
                      else f"{history.current.period} recorded again in {folder} (no earlier quarter)")
    else:
        unknown = len(change.clusters_not_assessed) + len(change.hosts_not_assessed)
        progress.done(f"since {change.previous}: {len(change.hosts_freed)} hosts freed, "
                      f"{len(change.hosts_newly_tied)} newly tied"
                      + (f"; {len(change.hosts_removed)} tied hosts removed from the estate (not freed)"
                         if change.hosts_removed else "")
                      + (f"; {unknown} guest clusters or hosts not assessed now (not fixed or freed)" if unknown else ""))
    err.writelines(f"reportgen: warning: {printable(f'{folder}/{name}: {problem}')}; ignored\n"
                   for name, problem in history.problems)
    err.writelines(f"reportgen: warning: {printable(note)}\n" for note in kept)
    from .history_notes import history_warnings

    err.writelines(f"reportgen: warning: {printable(note)}\n" for note in history_warnings(history))

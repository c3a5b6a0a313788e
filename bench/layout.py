#!/usr/bin/env python3
"""The PDF layout of the 10k report: the current templates against a baseline, in one process.

``python bench/layout.py`` (about a minute), against the installed package. It audits the cached
10,000-guest workbook of the end-to-end benchmark (``~/.cache/reportgen-bench``, written first if
missing), builds the report model once, renders the HTML the PDF is laid out from, and the
baseline's, then lays both out in turn (``--runs`` each, alternating, so that the machine's load
falls on both alike) and compares their CPU time (the process's, so other jobs count little).

The baseline is, by default, the same templates with names marked up for a browser (one element
per word and ``<wbr>``, as the PDF was laid out before 6 December 2026); with ``--rev REV``, the
templates of that commit of this checkout (``git show``), rendered with the installed filters.

The last line is ``RESULT layout_s=<current> baseline_s=<baseline> ratio=<current/baseline> pages=<n>/<n>``
(medians of the CPU seconds).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))

from rvgen.estate import cached_estate  # noqa: E402

from reportgen.audit import run_audit  # noqa: E402
from reportgen.render.html import render_html, stylesheet  # noqa: E402
from reportgen.render.pdf import layout_html  # noqa: E402
from reportgen.report import build_report  # noqa: E402


def baseline_html(model: object, rev: str | None, folder: Path) -> str:
    """The baseline's HTML: browser markup of names, or the templates of ``rev``."""
    if rev is None:
        return render_html(model, pdf=False)  # type: ignore[arg-type]
    import jinja2

    from reportgen.render.env import environment

    names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only", rev, "templates/"],
                           capture_output=True, text=True, check=True).stdout.split()
    for name in names:
        data = subprocess.run(["git", "-C", str(ROOT), "show", f"{rev}:{name}"], capture_output=True, check=True).stdout
        (folder / Path(name).name).write_bytes(data)
    env = environment(False).overlay(loader=jinja2.FileSystemLoader(str(folder)))
    css = (folder / "report.css").read_text(encoding="utf-8") if (folder / "report.css").exists() else stylesheet()
    return env.get_template("report.html").render(report=model, css=css, explorer=None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="layouts of each (default 5)")
    parser.add_argument("--rev", help="baseline: the templates of this commit (default: browser markup of names)")
    args = parser.parse_args(argv)
    files = cached_estate(10_000)
    audit = run_audit(files.exports)
    model = build_report(audit.analysis, audit.costing, history=audit.history, acceptance=audit.acceptance)
    with tempfile.TemporaryDirectory() as tmp:
        html = {"current": render_html(model, pdf=True), "baseline": baseline_html(model, args.rev, Path(tmp))}
    times: dict[str, list[float]] = {"current": [], "baseline": []}
    pages: dict[str, int] = {}
    layout_html(html["current"])  # WeasyPrint imported, fonts loaded
    for run in range(args.runs):
        for kind in (("current", "baseline") if run % 2 else ("baseline", "current")):
            start = time.process_time()
            layout = layout_html(html[kind])
            times[kind].append(time.process_time() - start)
            pages[kind] = layout.pages
            del layout
        print(f"run {run + 1}: current {times['current'][-1]:.2f} s, baseline {times['baseline'][-1]:.2f} s", flush=True)
    now, before = statistics.median(times["current"]), statistics.median(times["baseline"])
    print(f"RESULT layout_s={now:.2f} baseline_s={before:.2f} ratio={now / before:.3f} "
          f"pages={pages['current']}/{pages['baseline']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

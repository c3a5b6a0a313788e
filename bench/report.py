"""Render times and page counts of the report for generated 10,000- and 100,000-guest estates.

``python bench/report.py`` (``--sizes 10000 100000``), against the installed package. Each
estate is generated in memory (``tests/synthetic.py``), analysed and priced once; then the PDF
(report model, layout, file, and collecting the garbage the layout leaves), the same PDF through
the worker process the command uses (started first, so already warm), the HTML, the JSON and the
workbook are written and timed. The last line is ``RESULT pdf_s_100k=<seconds> pages_100k=<pages>``.
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
from pathlib import Path

# The estate builder the tests use; only its folder goes on the path, not the checkout's package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from synthetic import synthetic_estate  # noqa: E402

from reportgen.analysis import analyze  # noqa: E402
from reportgen.cost import cost_analysis  # noqa: E402
from reportgen.outputs.findings_json import write_findings_json  # noqa: E402
from reportgen.outputs.xlsx import write_xlsx  # noqa: E402
from reportgen.render.html import render_html  # noqa: E402
from reportgen.render.pdf import layout_pdf, write_layout  # noqa: E402
from reportgen.render.worker import PdfWorker  # noqa: E402
from reportgen.report import build_report  # noqa: E402


def measure(guests: int, folder: Path) -> dict[str, float]:
    """Seconds of each step and the page count for one generated estate."""
    worker = PdfWorker()  # as the command starts it: WeasyPrint loads while the estate is made
    start = time.perf_counter()
    estate = synthetic_estate(guests)
    generated = time.perf_counter()
    analysis = analyze(estate)
    costing = cost_analysis(analysis)
    analysed = time.perf_counter()

    model = build_report(analysis, costing)
    layout = layout_pdf(model)
    write_layout(layout, folder / f"report-{guests}.pdf")
    pages, warnings = layout.pages, layout.warnings
    del layout
    gc.collect()  # what the layout leaves for the collector is part of its cost
    pdf_done = time.perf_counter()
    worker.render(model, folder / f"report-{guests}-worker.pdf")
    worker_warnings = list(worker.result().warnings)
    worker.close()
    worker_done = time.perf_counter()
    (folder / f"report-{guests}.html").write_text(render_html(build_report(analysis, costing)), encoding="utf-8")
    html_done = time.perf_counter()
    html_s = html_done - worker_done
    write_findings_json(analysis, costing, folder / f"findings-{guests}.json")
    json_done = time.perf_counter()
    write_xlsx(analysis, costing, folder / f"findings-{guests}.xlsx")
    xlsx_done = time.perf_counter()
    warnings = [*warnings, *worker_warnings]
    if warnings:
        print(f"  layout warnings: {len(warnings)}: {warnings[0]}")
    return {
        "hosts": float(estate.hosts.num_rows), "guest_clusters": float(len(analysis.guest_clusters)),
        "generate_s": generated - start, "analyse_s": analysed - generated, "pdf_s": pdf_done - analysed,
        "pages": float(pages), "worker_pdf_s": worker_done - pdf_done, "html_s": html_s, "json_s": json_done - html_done,
        "xlsx_s": xlsx_done - json_done,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000], help="guests per estate")
    parser.add_argument("--keep", metavar="DIR", help="keep the written files in DIR")
    args = parser.parse_args(argv)
    results: dict[int, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.keep) if args.keep else Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        for guests in args.sizes:
            r = measure(guests, folder)
            results[guests] = r
            print(f"{guests:>7,} guests, {int(r['hosts']):,} hosts, {int(r['guest_clusters']):,} guest clusters: "
                  f"generate {r['generate_s']:.2f}s, analyse {r['analyse_s']:.2f}s, "
                  f"PDF {r['pdf_s']:.2f}s ({int(r['pages'])} pages; in the worker: "
                  f"{r['worker_pdf_s']:.2f}s), HTML {r['html_s']:.2f}s, "
                  f"JSON {r['json_s']:.2f}s, XLSX {r['xlsx_s']:.2f}s", flush=True)
    big = results.get(100_000) or results[max(results)]
    print(f"RESULT pdf_s_100k={big['pdf_s']:.2f} pages_100k={int(big['pages'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

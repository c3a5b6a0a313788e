"""How fast the HTML report opens and answers in headless Chromium, for a generated 40,000-guest estate.

``python bench/explorer.py``, against the installed package (``--guests 40000``; needs Debian's
``chromium``). The estate is generated in memory (``tests/synthetic.py``), analysed and priced once;
then the HTML report is written twice, with and without the search box and full lists, and opened
from a file URL through the DevTools protocol (``tests/cdp.py``). Timed: opening the plain report
(the baseline, in the same run), opening the report with its lists ready, a search for a host name
until its register row shows, sorting the host list, and filtering the findings. The last line is
``RESULT open_40k_s=… plain_open_40k_s=… search_40k_s=… sort_40k_s=… filter_40k_s=… html_mb=…``.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

# The estate builder (and browser driver) the tests use; only their folder goes on the path, not the
# checkout's package, so that the installed reportgen is measured.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from cdp import Browser, find_browser  # noqa: E402
from synthetic import synthetic_estate  # noqa: E402

from reportgen.analysis import analyze  # noqa: E402
from reportgen.cost import cost_analysis  # noqa: E402
from reportgen.render.html import render_html  # noqa: E402
from reportgen.report import build_report  # noqa: E402
from reportgen.report.explorer import explorer_data  # noqa: E402

READY = "document.getElementById('explorer').dataset.ready === 'true'"


def seconds(action: object) -> float:
    start = time.perf_counter()
    action()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=40_000)
    args = parser.parse_args()
    executable = find_browser()
    if executable is None:
        raise SystemExit("no chromium on PATH (apt-get install chromium)")
    analysis = analyze(synthetic_estate(args.guests))
    costing = cost_analysis(analysis)
    model = build_report(analysis, costing)
    pinned = next(h.name for h in analysis.hosts if not h.evacuable)
    with tempfile.TemporaryDirectory() as folder:
        full, plain = Path(folder) / "report.html", Path(folder) / "plain.html"
        full.write_text(render_html(model, explorer=explorer_data(analysis, costing)), encoding="utf-8")
        plain.write_text(render_html(model), encoding="utf-8")
        size = full.stat().st_size / 2**20
        print(f"{args.guests:,} guests, {len(analysis.hosts):,} hosts, {len(analysis.findings):,} findings; "
              f"report {size:.1f} MiB (plain {plain.stat().st_size / 2**20:.1f} MiB)")
        with Browser(executable) as page:
            page.open(full)  # once, so that both measured loads find the browser warm
            base = seconds(lambda: page.open(plain))
            opened = seconds(lambda: (page.open(full), page.wait_for(READY, 120)))
            page.type_text("#explorer-search", pinned)
            start = time.perf_counter()
            page.wait_for(f"document.querySelector('#explorer-result .card')?.dataset.host === {pinned!r}", 60)
            search = time.perf_counter() - start
            sort = seconds(lambda: page.evaluate(
                "(() => { document.querySelector('#explorer-hosts th:nth-child(4) button').click(); "
                "return document.querySelectorAll('#explorer-hosts tbody tr').length; })()"))
            page.evaluate("document.getElementById('explorer-findings').open = true")
            page.type_text("#explorer-findings input", "vmw-02")
            start = time.perf_counter()
            page.wait_for("document.querySelector('#explorer-findings .count').textContent.includes('filtered')", 60)
            filtered = time.perf_counter() - start
            errors = page.console_errors()
    print(f"open {opened:.2f} s (plain report {base:.2f} s), search {search:.2f} s (includes the 0.12 s typing "
          f"pause), sort {sort:.2f} s, filter {filtered:.2f} s (includes the 0.15 s typing pause); "
          f"errors: {errors or 'none'}")
    print(f"RESULT open_40k_s={opened:.2f} plain_open_40k_s={base:.2f} search_40k_s={search:.2f} "
          f"sort_40k_s={sort:.2f} filter_40k_s={filtered:.2f} html_mb={size:.1f}")


if __name__ == "__main__":
    main()

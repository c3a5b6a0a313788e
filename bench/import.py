#!/usr/bin/env python3
"""Import benchmark (issue 3): reading a 40,000-guest RVTools workbook into the canonical estate.

Measured in the same run, each in a fresh child process (so that peak memory is its own):

- ``import``: ``reportgen.importers.load_estate([workbook])``, the way the audit reads exports;
- ``floor``: merely inflating and scanning the XML of the sheets reportgen reads (plus the
  shared strings) with zlib, counting rows: no cell is parsed, so no reader can be faster
  on one core;
- ``pandas``: ``pandas.read_excel(workbook, sheet_name=<the same tabs>, engine="openpyxl")``, the
  common alternative.

    python bench/import.py              # 40,000 guests (generated once, cached in ~/.cache/reportgen-bench)
    python bench/import.py --guests 10000 --no-pandas

Last line: ``RESULT import_s=… floor_s=… pandas_s=… peak_rss_mb=…`` (peak RSS of the import).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
mode, path = sys.argv[1], sys.argv[2]
tabs = json.loads(sys.argv[3])
if mode == "import":
    from reportgen.importers import load_estate  # module imports are not part of the measure
start = time.perf_counter()
if mode == "import":
    estate = load_estate([path])
    detail = {t: estate.table(t).num_rows for t in ("guests", "disks", "nics", "hosts")}
elif mode == "floor":
    import re, zipfile, zlib
    with zipfile.ZipFile(path) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        book = z.read("xl/workbook.xml").decode()
        targets = dict(re.findall(r'Id="([^"]+)"[^>]*Target="([^"]+)"', rels))
        targets.update({k: v for v, k in re.findall(r'Target="([^"]+)"[^>]*Id="([^"]+)"', rels)})
        sheets = dict(re.findall(r'<sheet [^>]*name="([^"]+)"[^>]*r:id="([^"]+)"', book))
        names = ["xl/sharedStrings.xml"] + ["xl/" + targets[sheets[t]].lstrip("/").removeprefix("xl/")
                                             for t in tabs if t in sheets]
        rows = 0
        for name in names:
            with z.open(name) as member:
                while chunk := member.read(1 << 20):
                    rows += chunk.count(b"<row ")
    detail = {"xml_parts": len(names), "rows": rows}
else:
    import pandas as pd
    frames = pd.read_excel(path, sheet_name=[t for t in tabs], engine="openpyxl")
    detail = {t: len(f) for t, f in frames.items()}
seconds = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "peak_mb": peak, "detail": detail}))
"""


def run(mode: str, workbook: Path, tabs: list[str]) -> dict:
    # -P: the child imports the installed package, never the checkout's sources from the working folder.
    out = subprocess.run([sys.executable, "-P", "-c", CHILD, mode, str(workbook), json.dumps(tabs)],
                         capture_output=True, text=True, check=False)
    if out.returncode != 0:
        raise SystemExit(f"{mode} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--guests", type=int, default=40_000)
    parser.add_argument("--no-pandas", action="store_true", help="skip the (slow) pandas + openpyxl baseline")
    parser.add_argument("--repeat", type=int, default=3, help="runs of import and floor; the best is reported")
    args = parser.parse_args()

    import generate

    from reportgen.importers.rvtools_map import NEEDED

    files = generate.cached_estate(args.guests, 1)
    workbook = files.exports[0]
    tabs = sorted(NEEDED)
    print(f"machine: {os.cpu_count()} cores; workbook {workbook} ({workbook.stat().st_size / 2**20:.0f} MiB), "
          f"{len(tabs)} tabs read", flush=True)
    results = {}
    for mode in ("floor", "import"):
        runs = [run(mode, workbook, tabs) for _ in range(args.repeat)]
        results[mode] = min(runs, key=lambda r: r["seconds"])
        print(f"{mode:7s} {results[mode]['seconds']:6.2f} s  peak {results[mode]['peak_mb']:6.0f} MiB  "
              f"{results[mode]['detail']}", flush=True)
    if not args.no_pandas:
        results["pandas"] = run("pandas", workbook, tabs)
        print(f"pandas  {results['pandas']['seconds']:6.2f} s  peak {results['pandas']['peak_mb']:6.0f} MiB", flush=True)
    imp, floor = results["import"]["seconds"], results["floor"]["seconds"]
    print(f"import / floor = {imp / floor:.2f} (target at most 2)")
    pandas = results.get("pandas", {}).get("seconds", float("nan"))
    print(f"pandas / import = {pandas / imp:.1f} (target at least 10)")
    print(f"RESULT import_s={imp:.2f} floor_s={floor:.2f} pandas_s={pandas:.2f} "
          f"peak_rss_mb={results['import']['peak_mb']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

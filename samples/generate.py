#!/usr/bin/env python3
"""Generate synthetic RVTools 4.7.1 exports of any size, with the ground truth of what they contain.

As a script::

    python samples/generate.py --sample                      # rewrite the committed sample under samples/
    python samples/generate.py --guests 10000 --out DIR      # one vCenter, one workbook
    python samples/generate.py --guests 200000 --vcenters 15 --out DIR [--format csv] [--seed N] [--jobs N]
    python samples/generate.py --guests 40000 --cached       # build into (or reuse) the benchmark cache

As a module (tests, benchmarks)::

    sys.path.insert(0, "samples"); import generate
    files = generate.write_estate(tmp_path, guests=500)          # -> EstateFiles(exports, truths, truth, ...)
    files = generate.cached_estate(guests=10_000)                # cached under ~/.cache/reportgen-bench
    truth = files.load_truth()                                   # dict, see samples/README.md
    vc = generate.build_vcenter(generate.vcenter_specs(500)[0])  # the abstract model, nothing written

Output is deterministic: the same arguments give the same files, byte for byte.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from rvgen.estate import (  # noqa: E402
    GENERATOR_VERSION,
    SAMPLE_NAME,
    EstateFiles,
    cache_key,
    cached_estate,
    default_cache_dir,
    export_name,
    load_truth,
    sample_spec,
    vcenter_specs,
    write_estate,
    write_sample,
    write_vcenter,
)
from rvgen.headers import HEADERS, TAB_ORDER, with_custom  # noqa: E402
from rvgen.model import Plan, VCenterSpec, build_vcenter  # noqa: E402
from rvgen.tabs import tabs  # noqa: E402
from rvgen.truth import CONVENTIONS, pin_reasons  # noqa: E402
from rvgen.truth import compute as compute_truth
from rvgen.truth import merge as merge_truth

SAMPLES_DIR = Path(__file__).resolve().parent

__all__ = [
    "GENERATOR_VERSION", "SAMPLE_NAME", "SAMPLES_DIR", "EstateFiles", "cache_key", "cached_estate",
    "default_cache_dir", "export_name", "load_truth", "sample_spec", "vcenter_specs", "write_estate", "write_sample",
    "write_vcenter", "HEADERS", "TAB_ORDER", "with_custom", "Plan", "VCenterSpec", "build_vcenter", "tabs",
    "CONVENTIONS", "compute_truth", "merge_truth", "pin_reasons", "main",
]


def _parse_count(text: str) -> int:
    t = text.strip().lower().replace("_", "")
    mult = 1
    if t.endswith("k"):
        mult, t = 1000, t[:-1]
    return int(float(t) * mult)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description="Generate synthetic RVTools 4.7.1 exports with their ground truth.")
    p.add_argument("--sample", action="store_true", help="rewrite the committed sample estate under samples/")
    p.add_argument("--guests", type=_parse_count, help="number of guests (10000, 40k, ...)")
    p.add_argument("--vcenters", type=int, default=1, help="number of vCenters, one export each (default 1)")
    p.add_argument("--out", type=Path, help="output folder")
    p.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--jobs", type=int, default=None, help="parallel processes (default: one per core)")
    p.add_argument("--bom", action="store_true", help="CSV: start files with a UTF-8 byte order mark")
    p.add_argument("--engine", choices=("fast", "xlsxwriter"), default="fast", help="xlsx writer (default fast)")
    p.add_argument("--cached", action="store_true", help="write into the benchmark cache (or reuse it)")
    p.add_argument("--cache-dir", type=Path, default=None, help=f"cache folder (default {default_cache_dir()})")
    args = p.parse_args(argv)

    if args.sample:
        for path in write_sample(SAMPLES_DIR, engine=args.engine):
            print(path.relative_to(SAMPLES_DIR.parent))
        return 0
    if not args.guests:
        p.error("give --guests N (or --sample)")

    def progress(name: str, done: int, total: int) -> None:
        print(f"  {name} ({done}/{total})", file=sys.stderr, flush=True)

    t0 = time.perf_counter()
    if args.cached:
        files = cached_estate(args.guests, args.vcenters, args.seed, args.format, args.cache_dir, args.jobs, progress)
    else:
        if args.out is None:
            p.error("give --out DIR (or --cached)")
        files = write_estate(args.out, args.guests, args.vcenters, args.seed, args.format, jobs=args.jobs,
                             engine=args.engine, bom=args.bom, progress=progress)
    for path in files.exports:
        print(path)
    truth = files.load_truth()
    c = truth["counts"]
    print(f"{c['guests']} guests, {c['hosts']} hosts, {c['clusters']} clusters, {c['faux_clusters']} guest clusters, "
          f"{c['pinned_today']} pinned today; truth: {files.truth}; {time.perf_counter() - t0:.1f} s",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

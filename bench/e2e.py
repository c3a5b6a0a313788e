#!/usr/bin/env python3
"""End-to-end benchmark (issue 7): audit generated RVTools estates as a user would, and check the answers.

For each size it builds (or reuses, from ~/.cache/reportgen-bench) a synthetic estate with known ground truth:

    10k   10,000 guests in one workbook
    40k   40,000 guests in one workbook (one vCenter at its limit)
    200k  200,000 guests in 15 workbooks (15 linked vCenters)

then runs ``reportgen audit <workbooks> -o out.pdf --json out.json --xlsx out.xlsx`` as a subprocess, three times
by default (``--runs``), and reports the median wall time and the largest peak resident memory of that process and
its children (psutil); it compares the findings JSON with the ground truth: guest clusters found vs planted, guests
pinned today, hosts that cannot be evacuated. It also times reading the 10k workbook with pandas + openpyxl, the baseline the audit must beat 4x.

    python bench/e2e.py                          # everything
    python bench/e2e.py --sizes 10k              # a subset
    python bench/e2e.py --skip-audit             # only generate (and cache) the estates
    python bench/e2e.py --reportgen "python -m reportgen"

The last line is machine-readable:
    RESULT e2e_10k_s=… e2e_40k_s=… e2e_200k_s=… peak_rss_200k_mb=… pandas_10k_s=…
("nan" for what was not run or failed).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "samples"))

import generate  # noqa: E402
from rvgen.compare import check  # noqa: E402

SIZES = {"10k": (10_000, 1), "40k": (40_000, 1), "200k": (200_000, 15)}


def log(msg: str = "") -> None:
    print(msg, flush=True)


# ------------------------------------------------------------------------------------------------ running the audit


def reportgen_command(spec: str | None) -> list[str]:
    if spec:
        return shlex.split(spec)
    # The console script of this interpreter's environment (not another one found first on PATH).
    beside = Path(sys.executable).with_name("reportgen")
    if beside.is_file():
        return [str(beside)]
    # Not installed as a console script: run the package with this interpreter.
    return [sys.executable, "-P", "-m", "reportgen"]


def run_measured(cmd: list[str], log_path: Path) -> dict:
    """Run ``cmd``; wall time, exit code and peak RSS (process + children, summed at each poll).

    A thread blocks in wait4() so the end time is exact; the main thread samples memory every
    100 ms (scanning /proc for children every 20 ms took noticeable CPU from the audit on a
    2-core machine). The peak of the single largest process, from wait4(), is taken too, in
    case a short peak fell between two samples.
    """
    import threading

    import psutil

    peak = 0
    ended: dict[str, object] = {}
    with open(log_path, "wb") as logf:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=_user_env())

        def wait() -> None:
            _, status, usage = os.wait4(proc.pid, 0)
            ended.update(at=time.perf_counter(), status=status, maxrss=usage.ru_maxrss * 1024)

        waiter = threading.Thread(target=wait, daemon=True)
        waiter.start()
        try:
            ps = psutil.Process(proc.pid)
            while waiter.is_alive():
                try:
                    rss = ps.memory_info().rss
                    for child in ps.children(recursive=True):
                        try:
                            rss += child.memory_info().rss
                        except psutil.Error:
                            pass
                    peak = max(peak, rss)
                except psutil.Error:
                    pass
                waiter.join(0.1)
        except KeyboardInterrupt:
            proc.kill()
            raise
    returncode = os.waitstatus_to_exitcode(int(ended["status"]))  # type: ignore[call-overload]
    peak = max(peak, int(ended["maxrss"]))  # type: ignore[call-overload]
    return {"seconds": float(ended["at"]) - t0, "returncode": returncode,  # type: ignore[arg-type]
            "peak_rss_mb": peak / 2**20}


# ------------------------------------------------------------------------------------------------ main


def pandas_read_seconds(path: Path) -> float:
    import pandas as pd

    t0 = time.perf_counter()
    frames = pd.read_excel(path, sheet_name=None, engine="openpyxl")
    seconds = time.perf_counter() - t0
    log(f"  pandas + openpyxl read {len(frames)} sheets, {sum(len(f) for f in frames.values()):,} rows "
        f"in {seconds:.1f} s")
    return seconds


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    import platform

    return platform.processor() or platform.machine()


def memory_gb() -> str:
    try:
        import psutil

        return f"{psutil.virtual_memory().total / 2**30:.0f}"
    except ImportError:
        return "?"


def fmt(x: float | None, digits: int = 2) -> str:
    return "nan" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{digits}f}"



def _user_env() -> dict[str, str]:
    """This environment as on a user's machine: Python caches the package's byte code after the first run.

    With PYTHONDONTWRITEBYTECODE set (some containers set it), an editable install's modules would be
    compiled from source at every audit, about 0.1 s that no user pays twice.
    """
    return {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", default="10k,40k,200k", help="comma-separated subset of 10k,40k,200k")
    ap.add_argument("--skip-audit", action="store_true", help="only generate (and cache) the estates")
    ap.add_argument("--no-pandas", action="store_true", help="skip the pandas + openpyxl baseline")
    ap.add_argument("--reportgen", default=None, help="command to run reportgen (default: the `reportgen` script beside this interpreter)")
    ap.add_argument("--no-xlsx", action="store_true", help="leave out --xlsx (for reportgen versions without it)")
    ap.add_argument("--cache-dir", type=Path, default=None,
                    help=f"where generated estates are kept (default {generate.default_cache_dir()})")
    ap.add_argument("--out", type=Path, default=None, help="where audit outputs go (default: a new temp folder)")
    ap.add_argument("--format", choices=("xlsx", "csv"), default="xlsx",
                    help="export format to audit: workbooks (default) or RVTools CSV folders")
    ap.add_argument("--runs", type=int, default=3,
                    help="audits per size; the median time and the largest peak memory are reported (default 3)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--jobs", type=int, default=None, help="processes for generation (default: one per core)")
    args = ap.parse_args(argv)

    sizes = [s.strip() for s in args.sizes.split(",") if s.strip()]
    unknown = [s for s in sizes if s not in SIZES]
    if unknown:
        ap.error(f"unknown size(s) {unknown}; choose from {', '.join(SIZES)}")
    out = args.out or Path(tempfile.mkdtemp(prefix="reportgen-e2e-"))
    out.mkdir(parents=True, exist_ok=True)
    cmd = reportgen_command(args.reportgen)
    log(f"machine: {cpu_model()}, {os.cpu_count()} cores, {memory_gb()} GB, python {sys.version.split()[0]}; "
        f"outputs in {out}")

    results: dict[str, dict] = {}
    mismatches = 0
    for size in sizes:
        guests, vcenters = SIZES[size]
        kind = "workbook(s)" if args.format == "xlsx" else "CSV folder(s)"
        log(f"\n== {size}: {guests:,} guests in {vcenters} {kind}")
        t0 = time.perf_counter()
        files = generate.cached_estate(guests, vcenters, args.seed, args.format, args.cache_dir, args.jobs,
                                       progress=lambda n, i, k: log(f"  generated {n} ({i}/{k})"))
        took = time.perf_counter() - t0
        mb = sum(f.stat().st_size for p in files.exports for f in ([p] if p.is_file() else p.iterdir())) / 2**20
        log(f"  estate: {len(files.exports)} {kind}, {mb:.0f} MiB, "
            + (f"generated in {files.seconds:.1f} s" if files.seconds else f"from cache ({took:.1f} s)")
            + f"; {files.exports[0].parent}")
        res: dict = {"files": files}
        results[size] = res
        if args.skip_audit:
            continue
        base = out / f"e2e-{size}"
        audit = cmd + ["audit", *map(str, files.exports), "-o", f"{base}.pdf", "--json", f"{base}.json"]
        if not args.no_xlsx:
            audit += ["--xlsx", f"{base}.xlsx"]
        log(f"  $ {' '.join(shlex.quote(c) for c in audit[:4])} … ({len(files.exports)} exports)")
        runs = []
        for _ in range(max(1, args.runs)):
            for suffix in (".json", ".pdf", ".xlsx"):  # never read a previous run's answers
                Path(f"{base}{suffix}").unlink(missing_ok=True)
            m = run_measured(audit, out / f"e2e-{size}.log")
            runs.append(m)
            # Exit 1 means "findings at or above --fail-on": a successful run, if it wrote its JSON.
            ok = m["returncode"] == 0 or (m["returncode"] == 1 and Path(f"{base}.json").exists())
            if not ok:
                break
        m = {"seconds": statistics.median(r["seconds"] for r in runs),
             "peak_rss_mb": max(r["peak_rss_mb"] for r in runs), "returncode": runs[-1]["returncode"]}
        res.update(m)
        times = ", ".join(f"{r['seconds']:.2f}" for r in runs)
        log(f"  audit: {m['seconds']:.2f} s (median of {len(runs)}: {times}), peak RSS {m['peak_rss_mb']:.0f} MiB, "
            f"exit {m['returncode']}")
        if not ok:
            tail = (out / f"e2e-{size}.log").read_text(errors="replace").splitlines()[-15:]
            log("  audit failed; last lines of its output:\n    " + "\n    ".join(tail))
            res["seconds"] = float("nan")
            continue
        try:
            findings = json.loads(Path(f"{base}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            log(f"  cannot read the findings JSON: {e}")
            mismatches += 1
            continue
        bad, lines = check(findings, files.load_truth())
        res["mismatches"] = bad
        mismatches += bad
        log(f"  check against ground truth: {'OK' if not bad else f'{bad} mismatches'}")
        for line in lines:
            log(line)

    pandas_s = None
    if "10k" in results and not args.no_pandas and args.format == "xlsx":
        log("\n== baseline: pandas.read_excel(sheet_name=None, engine='openpyxl') on the 10k workbook")
        pandas_s = pandas_read_seconds(results["10k"]["files"].exports[0])
        e2e = results["10k"].get("seconds")
        if e2e and not math.isnan(e2e):
            log(f"  the 10k audit took {e2e:.2f} s: {pandas_s / e2e:.1f}x faster than merely reading with pandas "
                f"(target: at least 4x)")

    def sec(size: str) -> float | None:
        return results.get(size, {}).get("seconds")

    log("")
    log(f"RESULT e2e_10k_s={fmt(sec('10k'))} e2e_40k_s={fmt(sec('40k'))} e2e_200k_s={fmt(sec('200k'))} "
        f"peak_rss_200k_mb={fmt(results.get('200k', {}).get('peak_rss_mb'), 0)} pandas_10k_s={fmt(pandas_s)}")
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())

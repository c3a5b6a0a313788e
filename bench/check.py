"""How fast ``reportgen check`` answers from the findings JSON of a 200,000-guest estate.

``python bench/check.py``, against the installed package (``--guests 200000``). The estate is generated in
memory (``tests/synthetic.py``), analysed, priced and written as a findings JSON once; then three look-ups are
run as a change pipeline would run them, each as its own ``reportgen check --json`` process (start-up
included): one host, a glob over a cluster, and a file of 100 names. The baseline in the same run is a
process that only starts Python and parses the same file with ``json.load``: what any answer from this file
costs at least. The last line is
``RESULT check_200k_s=<one host> check_glob_200k_s=… check_100_200k_s=… json_load_200k_s=… ratio=…``.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The estate builder (and browser driver) the tests use; only their folder goes on the path, not the
# checkout's package, so that the installed reportgen is measured.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from synthetic import synthetic_estate  # noqa: E402

from reportgen.analysis import analyze  # noqa: E402
from reportgen.cost import cost_analysis  # noqa: E402
from reportgen.outputs.findings_json import write_findings_json  # noqa: E402


def timed(command: list[str], runs: int) -> float:
    """Median wall seconds of ``command``; exit 0 and 1 are answers, anything else fails the bench."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        times.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)} exited {done.returncode}: {done.stderr}")
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "findings.json"
        start = time.perf_counter()
        analysis = analyze(synthetic_estate(args.guests))
        write_findings_json(analysis, cost_analysis(analysis), path)
        print(f"generated {args.guests:,} guests, {len(analysis.hosts):,} hosts, "
              f"{path.stat().st_size / 2**20:.1f} MiB of findings JSON in {time.perf_counter() - start:.1f} s")
        names = [h.name for h in analysis.hosts]
        pinned = next(h.name for h in analysis.hosts if not h.evacuable)
        listing = Path(folder) / "hosts.txt"
        listing.write_text("\n".join(names[:: max(1, len(names) // 100)][:100]) + "\n")
        check = [sys.executable, "-P", "-m", "reportgen", "check", "--json", "--from", str(path)]
        one = timed([*check, pinned.split(".")[0]], args.runs)
        glob = timed([*check, "esx0001*"], args.runs)
        hundred = timed([*check, f"@{listing}"], args.runs)
        floor = timed([sys.executable, "-c", f"import json; json.load(open({str(path)!r}, 'rb'))"], args.runs)
    print(f"one host {one:.3f} s, a glob {glob:.3f} s, 100 names {hundred:.3f} s; json.load alone {floor:.3f} s")
    print(f"RESULT check_200k_s={one:.3f} check_glob_200k_s={glob:.3f} check_100_200k_s={hundred:.3f} "
          f"json_load_200k_s={floor:.3f} ratio={one / floor:.2f}")


if __name__ == "__main__":
    main()

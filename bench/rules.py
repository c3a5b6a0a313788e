#!/usr/bin/env python3
"""Rules benchmark: every detector over a generated 200,000-guest estate (``tests/synthetic.py``).

    python bench/rules.py [--guests 200000] [--repeat 3]

Prints the best time of ``reportgen.rules.evaluate`` and the ties it found (every 500th guest pair
shares a pRDM, every 200th guest sits on local storage, every 1000th has a NIC on a host-only port
group). Last line: ``RESULT rules_s=… guests=…``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# The estate builder the tests use; only its folder goes on the path, not the checkout's package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from synthetic import rules_estate  # noqa: E402

from reportgen.rules import evaluate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--guests", type=int, default=200_000)
    parser.add_argument("--repeat", type=int, default=3, help="runs; the best is reported")
    args = parser.parse_args(argv)
    estate = rules_estate(args.guests)
    times = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        out = evaluate(estate)
        times.append(time.perf_counter() - start)
    local = sum(1 for p in out.pins if p.rule == "VMW-13")
    host_only = sum(1 for p in out.pins if p.rule == "VMW-10")
    print(f"{args.guests:,} guests: rules {min(times):.2f} s (best of {args.repeat}); {len(out.bonds)} bonds, "
          f"{local} local-storage pins, {host_only} host-only-network pins", flush=True)
    print(f"RESULT rules_s={min(times):.2f} guests={args.guests}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""The mutation harness's exhaustive run (docs/robustness.md): every variant of every sample and real export.

Each variant is written to a temporary folder and audited in this process, as ``tests/mutation`` does in
its quick seeded sample; here every variant runs, and the problems are printed instead of failing a test.

    python bench/mutation.py                         # every export (about half an hour on a quiet 2-core machine)
    python bench/mutation.py sample-hyperv-loose     # one export by its name in tests/mutation/test_mutation.py

Last line: ``RESULT variants=… problems=… seconds=…``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

# The harness lives with the tests; the repository root goes on the path so that ``tests`` imports.
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.mutation.harness import run_variant  # noqa: E402
from tests.mutation.test_mutation import EXPORTS, original  # noqa: E402
from tests.mutation.variants import variants  # noqa: E402


def main(names: list[str]) -> int:
    total = problems = 0
    started = time.perf_counter()
    for name in names or list(EXPORTS):
        if not EXPORTS[name].exists():
            print(f"{name}: {EXPORTS[name]} not available, skipped")
            continue
        book, base = original(name)
        every = list(variants(book))
        begun = time.perf_counter()
        found = [p for v in every for p in run_variant(v, base)]
        print(f"{name}: {len(every)} variants, {len(found)} problem(s), {time.perf_counter() - begun:.0f} s",
              flush=True)
        for problem in found:
            print(f"  {problem}")
        total += len(every)
        problems += len(found)
    print(f"RESULT variants={total} problems={problems} seconds={time.perf_counter() - started:.0f}")
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Every variant of the named exports (default: all), problems printed.")
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"an export: {', '.join(EXPORTS)}")
    names = parser.parse_args().names
    unknown = [n for n in names if n not in EXPORTS]
    if unknown:
        parser.error(f"unknown export {', '.join(unknown)} (choose from {', '.join(EXPORTS)})")
    sys.exit(main(names))

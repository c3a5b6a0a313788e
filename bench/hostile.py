#!/usr/bin/env python3
"""Hostile-input benchmark (issue 14): time and peak memory of the sheet reader on long rows.

Each case runs in a fresh child process (so that peak memory is its own):

- ``refuse N``: ``reportgen audit`` on a workbook whose vInfo row 2 is one cell of N MiB of XML
  (deflated about 150:1, so it passes the inflation guard), plain and inside a zip: refused at
  the 4 MiB row limit, in a time and memory that do not grow with N;
- ``long rows``: ``read_columns`` on a sheet of K rows of 3.5 MiB each (just under the limit):
  read whole, in time linear in the sheet's size.

    python bench/hostile.py                 # rows of 64, 512 and 2048 MiB; 64 and 256 rows of 3.5 MiB

Last line: ``RESULT refuse_2048_s=… refuse_2048_peak_mb=… long_rows_mb_per_s=…``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# The hostile-file builders the tests use: only their folder goes on the path (first, before bench/),
# so the package imported is the installed one, not the checkout's uncompiled sources.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from hostile import (  # noqa: E402
    MiB,
    noisy_block,
    one_huge_row_workbook,
    repeated,
    workbook_members,
    write_zip,
    zipped,
)

READ = r"""
import json, resource, sys, time, zipfile
from reportgen.importers.xlsx_read import index_workbook, read_columns, read_shared_strings
start = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as archive:
    index = index_workbook(archive)
    read = read_columns(archive, index, "vInfo", read_shared_strings(archive, index), lambda header: [0])
seconds = time.perf_counter() - start
print(json.dumps({"seconds": seconds, "rows": read.rows, "cut": read.cells_cut,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def audit(export: Path) -> dict[str, float]:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-P", "-c", "import resource, sys\nfrom reportgen.cli import main\n"
                          "code = main(sys.argv[1:])\n"
                          "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)\nsys.exit(code)",
                          "audit", str(export), "--json", str(export.with_suffix(".json")), "-q"],
                         capture_output=True, text=True)
    assert out.returncode == 3 and "row is longer than 4 MiB" in out.stderr, out.stderr
    return {"seconds": time.perf_counter() - start, "peak_mb": float(out.stdout.split()[-1])}


def long_rows(folder: Path, rows: int) -> Path:
    """A vInfo sheet of ``rows`` rows of one 3.5 MiB cell each (rows without numbers: one block repeated)."""
    head = (b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row><c t="inlineStr"><is><t>VM</t></is></c></row>')
    block = b'<row><c t="inlineStr"><is><t>' + noisy_block(3 * MiB + MiB // 2) + b"</t></is></c></row>"
    sheet = repeated("xl/worksheets/sheet1.xml", head, block, rows, b"</sheetData></worksheet>")
    return write_zip(folder / f"rows{rows}.xlsx", workbook_members(sheet))


def main() -> int:
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for mib in (64, 512, 2048):
            book = one_huge_row_workbook(folder / f"row{mib}.xlsx", row_mib=mib)
            for name, export in (("plain", book), ("zipped", zipped(folder / f"row{mib}.zip", book))):
                seen = audit(export)
                print(f"refuse one row of {mib:5d} MiB ({name:6s}, {export.stat().st_size / MiB:5.1f} MiB on disk): "
                      f"{seen['seconds']:5.2f} s, peak {seen['peak_mb']:4.0f} MiB", flush=True)
                results[f"refuse_{mib}_{name}"] = seen["seconds"]
                results[f"refuse_{mib}_{name}_peak"] = seen["peak_mb"]
        for rows in (64, 256):
            book = long_rows(folder, rows)
            out = subprocess.run([sys.executable, "-P", "-c", READ, str(book)], capture_output=True, text=True,
                                 check=True)
            seen = json.loads(out.stdout)
            size = rows * 3.5
            print(f"read {rows:3d} rows of 3.5 MiB ({size:5.0f} MiB of XML): {seen['seconds']:5.2f} s "
                  f"({size / seen['seconds']:4.0f} MiB/s), {seen['cut']} cells cut, peak {seen['peak_mb']:4.0f} MiB",
                  flush=True)
            results["long_rows_mb_per_s"] = size / seen["seconds"]
    print(f"RESULT refuse_2048_s={results['refuse_2048_plain']:.2f} "
          f"refuse_2048_peak_mb={results['refuse_2048_plain_peak']:.0f} "
          f"long_rows_mb_per_s={results['long_rows_mb_per_s']:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

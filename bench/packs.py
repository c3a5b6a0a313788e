"""Owner action packs for 200 owners: laid out in this process, and shared over the two PDF workers.

``python bench/packs.py`` (``--owners 200``), against the installed package. A generated estate
(``tests/synthetic.py``) gets its tied guests' owners dealt round-robin to ``--owners`` owners, so
that each owner has a pack; the packs are then written twice: one after the other in this process
(the baseline, one core), and as the command writes them, shared out over two workers started first
(:func:`reportgen.render.worker.share_out`). Wall times depend on what else the machine runs, so
the CPU seconds of each way are printed too (this process's, and the workers' once they have
exited). The last line is
``RESULT packs=<n> one_process_s=<s> two_workers_s=<s> ratio=<two/one> cpu_per_pack_ms=<ms>``.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import pyarrow as pa

# The estate builder the tests use; only its folder goes on the path, not the checkout's package.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from synthetic import synthetic_estate  # noqa: E402

from reportgen.analysis import analyze  # noqa: E402
from reportgen.cost import cost_analysis  # noqa: E402
from reportgen.packs import brand, build_packs  # noqa: E402
from reportgen.render.worker import PdfWorker, render_jobs, share_out  # noqa: E402
from reportgen.report.pack_model import PackModel  # noqa: E402


def owned_estate(guests: int, owners: int):  # type: ignore[no-untyped-def]
    """A generated estate whose guests that tie a host belong to ``owners`` owners in turn."""
    estate = synthetic_estate(guests)
    first = analyze(estate)
    tied = list(dict.fromkeys(g.key for h in first.hosts for g in (*h.blockers, *h.blockers_at_power_on)))
    owner_of = {key: f"Owner {i % owners + 1:03d}" for i, key in enumerate(tied)}
    table = estate.guests
    column = [owner_of.get(k) for k in table.column("guest_key").to_pylist()]
    index = table.schema.get_field_index("owner")
    estate.tables["guests"] = table.set_column(index, table.schema.field(index), pa.array(column, pa.string()))
    return estate, len(tied)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--owners", type=int, default=200)
    parser.add_argument("--guests", type=int, default=8000, help="guests of the generated estate (enough for "
                        "every owner to have a tied guest)")
    args = parser.parse_args()
    workers = [PdfWorker(), PdfWorker()]  # as the command starts them: WeasyPrint loads meanwhile
    estate, tied = owned_estate(args.guests, args.owners)
    analysis = analyze(estate)
    costing = cost_analysis(analysis)
    start = time.perf_counter()
    packs = build_packs(analysis, costing)
    built = time.perf_counter() - start
    shared = brand(analysis)
    print(f"{tied} tied guests, {len(packs)} packs; packs built in {built:.2f} s")
    with tempfile.TemporaryDirectory() as folder:
        one = [(PackModel(shared, p), Path(folder) / f"one-{p.file_name}") for p in packs]
        start, cpu = time.perf_counter(), time.process_time()
        said = render_jobs(one)
        one_s, one_cpu = time.perf_counter() - start, time.process_time() - cpu
        two = [(PackModel(shared, p), Path(folder) / f"two-{p.file_name}") for p in packs]
        children = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        for worker, share in zip(workers, share_out(two, len(workers)), strict=True):
            worker.render_all(share)
        warnings = len(said.warnings) + sum(len(worker.result().warnings) for worker in workers)
        two_s = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        two_cpu = (after.ru_utime + after.ru_stime) - (children.ru_utime + children.ru_stime)
    print(f"one process: {one_s:.1f} s, {one_cpu:.1f} s CPU ({one_cpu / len(packs) * 1000:.0f} ms a pack); "
          f"two workers: {two_s:.1f} s, {two_cpu:.1f} s CPU (start-up included); layout warnings: {warnings}")
    print(f"RESULT packs={len(packs)} one_process_s={one_s:.1f} two_workers_s={two_s:.1f} ratio={two_s / one_s:.2f} "
          f"cpu_per_pack_ms={one_cpu / len(packs) * 1000:.0f}")


if __name__ == "__main__":
    main()

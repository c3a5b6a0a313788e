"""Estates of one or more vCenters written to disk (xlsx workbooks or CSV folders) with their ground truth,
the committed sample, and a cache of large estates for benchmarks."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from . import catalog as C
from . import truth as T
from .csvout import write_csv_folder
from .model import SAMPLE_PLAN, VCenterSpec, build_vcenter
from .tabs import tabs
from .xlsx import Sheet, write_workbook

# Bump whenever generated content changes: cached estates with another version are rebuilt.
GENERATOR_VERSION = 4

FORMATS = ("xlsx", "csv")
SAMPLE_NAME = "acme-vc01"


@dataclass
class EstateFiles:
    """What was written: one export (workbook or CSV folder) and one truth file per vCenter, plus the truth of
    the whole estate (``estate.truth.json``) when it was written into a folder of its own."""

    exports: list[Path]
    truths: list[Path]
    truth: Path | None = None
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    def load_truth(self) -> dict:
        if self.truth is not None:
            return load_truth(self.truth)
        return T.merge([load_truth(p) for p in self.truths])


def load_truth(path: str | Path) -> dict:
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def vcenter_specs(guests: int, vcenters: int = 1, seed: int = 0) -> list[VCenterSpec]:
    """Specs of an estate of ``guests`` guests spread evenly over ``vcenters`` vCenters.

    Variety between vCenters, as in real estates: every 5th names its hosts by IP address, every other one writes
    its instance UUID in upper case, every 4th runs vCenter 7.0.
    """
    if guests < 1 or vcenters < 1:
        raise ValueError("guests and vcenters must be at least 1")
    specs = []
    for i in range(vcenters):
        n = guests // vcenters + (1 if i < guests % vcenters else 0)
        site = C.SITES[i % len(C.SITES)] + (str(i // len(C.SITES) + 1) if i >= len(C.SITES) else "")
        specs.append(VCenterSpec(index=i, guests=n, seed=seed, site=site, by_ip=i % 5 == 3,
                                 uuid_upper=i % 2 == 1, version="7.0.3" if i % 4 == 2 else "8.0.3"))
    return specs


def sample_spec() -> VCenterSpec:
    """The committed sample: one vCenter, three clusters of four hosts, 88 guests, one of every tie."""
    return VCenterSpec(index=0, guests=88, seed=2025, site="hq", server="acme-vc01.acme.local",
                       cluster_sizes=[4, 4, 4], guests_per_host=(6, 9), plan=SAMPLE_PLAN,
                       dc_names=["ACME-HQ"], cluster_names=["HQ-PROD-01", "HQ-PROD-02", "HQ-DMZ-01"])


def export_name(spec: VCenterSpec) -> str:
    return (spec.server or f"vc-{spec.site}01.{spec.domain}").split(".")[0]


def _sheets(vc) -> list[Sheet]:
    return [Sheet(name, header, rows, plain=name == "vMetaData") for name, header, rows in tabs(vc)]


def write_vcenter(spec: VCenterSpec, out_dir: str | Path, fmt: str = "xlsx", engine: str = "fast",
                  bom: bool = False, compresslevel: int = 6, generator: dict | None = None,
                  name: str | None = None) -> dict:
    """Build one vCenter and write its export and ``<name>.truth.json`` into ``out_dir``; returns the truth."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    name = name or export_name(spec)
    vc = build_vcenter(spec)
    if fmt == "xlsx":
        target = out_dir / f"{name}.xlsx"
        rows = write_workbook(target, _sheets(vc), created=vc.export_time, engine=engine, compresslevel=compresslevel)
        kind = "rvtools-xlsx"
    elif fmt == "csv":
        target = out_dir / name
        rows = write_csv_folder(target, _sheets(vc), bom=bom)
        kind = "rvtools-csv"
    else:
        raise ValueError(f"unknown format {fmt!r} (xlsx, csv)")
    gen = dict(generator or {}, generator_version=GENERATOR_VERSION, seed=spec.seed, vcenter_index=spec.index,
               guests=spec.guests)
    doc = T.compute(vc, export_file=target.name, export_format=kind, generator=gen)
    doc["rows"] = rows
    with open(out_dir / f"{name}.truth.json", "w", encoding="utf-8", newline="\n") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
        f.write("\n")
    return doc


def _write_one(args: tuple) -> tuple[str, dict]:
    spec, out_dir, fmt, engine, bom, compresslevel, generator = args
    doc = write_vcenter(spec, out_dir, fmt, engine, bom, compresslevel, generator)
    return export_name(spec), doc


def write_estate(out_dir: str | Path, guests: int, vcenters: int = 1, seed: int = 0, fmt: str = "xlsx",
                 jobs: int | None = None, engine: str = "fast", bom: bool = False, compresslevel: int = 6,
                 progress=None) -> EstateFiles:
    """Write an estate of ``guests`` guests over ``vcenters`` exports into ``out_dir``, plus estate.truth.json.

    vCenters are built and written in parallel (``jobs`` processes, default: one per core); each is seeded on its
    own, so the files do not depend on ``jobs``.
    """
    t0 = time.perf_counter()
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    specs = vcenter_specs(guests, vcenters, seed)
    generator = {"command": f"python samples/generate.py --guests {guests} --vcenters {vcenters} --seed {seed} "
                            f"--format {fmt}"}
    work = [(s, out_dir, fmt, engine, bom, compresslevel, generator) for s in specs]
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(specs)))
    results: list[tuple[str, dict]] = []
    if jobs == 1:
        for w in work:
            results.append(_write_one(w))
            if progress:
                progress(results[-1][0], len(results), len(work))
    else:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            for r in pool.map(_write_one, work):
                results.append(r)
                if progress:
                    progress(r[0], len(results), len(work))
    docs = [d for _, d in results]
    merged = T.merge(docs, generator=dict(generator, generator_version=GENERATOR_VERSION, seed=seed, guests=guests,
                                          vcenters=vcenters))
    truth_path = out_dir / "estate.truth.json"
    with open(truth_path, "w", encoding="utf-8", newline="\n") as f:
        json.dump(merged, f, indent=1, ensure_ascii=False)
        f.write("\n")
    exports = [out_dir / (f"{n}.xlsx" if fmt == "xlsx" else n) for n, _ in results]
    rows: dict[str, int] = {}
    for d in docs:
        for k, v in d["rows"].items():
            rows[k] = rows.get(k, 0) + v
    return EstateFiles(exports=exports, truths=[out_dir / f"{n}.truth.json" for n, _ in results], truth=truth_path,
                       seconds=time.perf_counter() - t0, rows=rows)


def default_cache_dir() -> Path:
    return Path(os.environ.get("REPORTGEN_BENCH_CACHE", Path.home() / ".cache" / "reportgen-bench"))


def cache_key(guests: int, vcenters: int, seed: int, fmt: str) -> str:
    return f"rvtools-{fmt}-g{guests}-v{vcenters}-s{seed}-gen{GENERATOR_VERSION}"


def cached_estate(guests: int, vcenters: int = 1, seed: int = 0, fmt: str = "xlsx",
                  cache_dir: str | Path | None = None, jobs: int | None = None, progress=None) -> EstateFiles:
    """The estate for these parameters from the cache, written there first if missing (outside the repository).

    The cache folder is keyed by parameters and generator version; a folder is complete once its
    ``manifest.json`` exists (it is written last, and folders are renamed into place).
    """
    root = Path(cache_dir) if cache_dir else default_cache_dir()
    target = root / cache_key(guests, vcenters, seed, fmt)
    manifest = target / "manifest.json"
    if manifest.exists():
        m = json.loads(manifest.read_text(encoding="utf-8"))
        return EstateFiles(exports=[target / p for p in m["exports"]], truths=[target / p for p in m["truths"]],
                           truth=target / "estate.truth.json", seconds=0.0, rows=m.get("rows", {}))
    root.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=target.name + ".tmp-", dir=root))
    try:
        files = write_estate(tmp, guests, vcenters, seed, fmt, jobs=jobs, progress=progress, compresslevel=1)
        (tmp / "manifest.json").write_text(json.dumps({
            "guests": guests, "vcenters": vcenters, "seed": seed, "format": fmt,
            "generator_version": GENERATOR_VERSION, "seconds": round(files.seconds, 2),
            "written": dt.datetime.now().isoformat(timespec="seconds"),
            "exports": [p.name for p in files.exports], "truths": [p.name for p in files.truths], "rows": files.rows,
        }, indent=1) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        tmp.rename(target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return EstateFiles(exports=[target / p.name for p in files.exports], truths=[target / p.name for p in files.truths],
                       truth=target / "estate.truth.json", seconds=files.seconds, rows=files.rows)


def write_sample(samples_dir: str | Path, engine: str = "fast") -> list[Path]:
    """(Re)write the committed sample estate under ``samples_dir``: rvtools/ (xlsx) and rvtools-csv/ (CSV)."""
    samples_dir = Path(samples_dir)
    spec = sample_spec()
    gen = {"command": "python samples/generate.py --sample"}
    xdir, cdir = samples_dir / "rvtools", samples_dir / "rvtools-csv"
    csv_folder = cdir / SAMPLE_NAME
    if csv_folder.exists():
        shutil.rmtree(csv_folder)
    write_vcenter(spec, xdir, "xlsx", engine=engine, compresslevel=9, generator=gen, name=SAMPLE_NAME)
    write_vcenter(spec, cdir, "csv", generator=gen, name=SAMPLE_NAME)
    return [xdir / f"{SAMPLE_NAME}.xlsx", xdir / f"{SAMPLE_NAME}.truth.json", csv_folder,
            cdir / f"{SAMPLE_NAME}.truth.json"]

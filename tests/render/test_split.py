"""The PDF laid out on two cores (sheets in a forked child, drawn on the frame) is the whole PDF.

The worker process is the one place that splits (it is single-threaded, so it may fork); each
test compares its file with the report laid out whole in this process: every page's text, the
outline, the named destinations, the links and, where poppler is installed, the pixels.
"""

from __future__ import annotations

import pickle
import shutil
import subprocess
import sys
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

import pypdf
import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.render.pdf import render_pdf
from reportgen.render.split import cluster_sheets, fits_one_page, match_sheets, sheet_keys
from reportgen.render.worker import PdfWorker
from reportgen.report import ReportModel, build_report
from reportgen.report.model import ClusterPage
from tests.report_fixtures import small_audit
from tests.synthetic import synthetic_estate


@cache
def generated_model() -> ReportModel:
    analysis = analyze(synthetic_estate(1_500))
    return build_report(analysis, cost_analysis(analysis))


def small_model() -> ReportModel:
    audit = small_audit()
    return build_report(audit.analysis, audit.costing)


def in_worker(model: ReportModel, target: Path) -> None:
    worker = PdfWorker()
    try:
        worker.render(model, target)
        assert worker.result().warnings == ()
    finally:
        worker.close()


def facts(path: Path) -> dict[str, Any]:
    """What a reader gets from the file, page by page."""
    reader = pypdf.PdfReader(path)

    def outline(items: list[Any], level: int = 0) -> list[tuple[int, str, int]]:
        out: list[tuple[int, str, int]] = []
        for item in items:
            if isinstance(item, list):
                out += outline(item, level + 1)
            else:
                out.append((level, item.title, reader.get_destination_page_number(item)))
        return out

    links = sorted(
        (index, str(a.get("/Dest") or a.get("/A", {}).get("/URI")), tuple(round(float(v)) for v in a["/Rect"]))
        for index, page in enumerate(reader.pages) for a in (x.get_object() for x in page.get("/Annots") or ()))
    return {
        "text": [" ".join((p.extract_text() or "").split()) for p in reader.pages],
        "outline": outline(reader.outline),
        "destinations": {name: reader.get_destination_page_number(d) for name, d in reader.named_destinations.items()},
        "links": links,
        "size": [tuple(float(v) for v in p.mediabox) for p in reader.pages],
    }


def drawn_sheets(path: Path) -> list[int]:
    """The pages that a sheet was drawn on (the overlay names its form XObjects RgSheet<n>)."""
    reader = pypdf.PdfReader(path)
    return [index for index, page in enumerate(reader.pages)
            if any(str(name).startswith("/RgSheet")
                   for name in page["/Resources"].get_object().get("/XObject", {}).get_object())]


def font_names(path: Path) -> list[str]:
    reader = pypdf.PdfReader(path)
    fonts: dict[int, str] = {}
    for page in reader.pages:
        for ref in page["/Resources"].get_object().get("/Font", {}).get_object().values():
            fonts[ref.idnum] = str(ref.get_object()["/BaseFont"])
    for page in reader.pages:  # and those inside the sheets' form XObjects
        for form in page["/Resources"].get_object().get("/XObject", {}).get_object().values():
            for ref in form.get_object().get("/Resources", {}).get("/Font", {}).values():
                fonts[ref.idnum] = str(ref.get_object()["/BaseFont"])
    return list(fonts.values())


@pytest.fixture(scope="module", params=["small", "generated"])
def both(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[ReportModel, Path]:
    """A model, and a folder with its report laid out whole here (whole.pdf) and by the worker (split.pdf)."""
    model = small_model() if request.param == "small" else generated_model()
    folder = tmp_path_factory.mktemp(request.param)
    render_pdf(model, folder / "whole.pdf")
    in_worker(model, folder / "split.pdf")
    return model, folder


def test_the_worker_splits_the_layout_and_gives_the_whole_report(both: tuple[ReportModel, Path]) -> None:
    model, tmp_path = both
    whole, split = facts(tmp_path / "whole.pdf"), facts(tmp_path / "split.pdf")
    assert split == whole
    assert len(whole["outline"]) > 10 and len(whole["links"]) > 10  # the comparison compares something
    sheets = drawn_sheets(tmp_path / "split.pdf")
    assert len(cluster_sheets(model)) == len(model.cluster_pages)  # these guest-cluster pages are short
    assert len(sheets) == len(sheet_keys(model, cluster_sheets(model))) == 4 + len(model.cluster_pages)
    assert sheets[0] == 0 and sheets[-1] == len(whole["text"]) - 1  # the cover and the glossary
    assert drawn_sheets(tmp_path / "whole.pdf") == []
    names = font_names(tmp_path / "split.pdf")
    assert len(names) == len(set(names)) > 4  # each part's subsets named apart


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils (pdftoppm) not installed")
def test_the_split_report_looks_the_same(both: tuple[ReportModel, Path], tmp_path: Path) -> None:
    _, folder = both
    for name in ("whole", "split"):
        subprocess.run(["pdftoppm", "-r", "40", "-gray", str(folder / f"{name}.pdf"), str(tmp_path / name)],
                       check=True)
    whole = sorted(tmp_path.glob("whole-*.pgm"))
    split = sorted(tmp_path.glob("split-*.pgm"))
    assert len(whole) == len(split) > 10
    differ = [w.name for w, s in zip(whole, split, strict=True) if w.read_bytes() != s.read_bytes()]
    assert differ == []


def long_cluster_page(model: ReportModel, index: int) -> ReportModel:
    """The model with guest cluster ``index`` given a remediation text two pages long."""
    pages = list(model.cluster_pages)
    pages[index] = replace(pages[index], remediation="Move the shared disks to a clustered datastore. " * 120)
    return replace(model, cluster_pages=tuple(pages))


@pytest.mark.parametrize("index", [0, 1])
def test_a_long_guest_cluster_page_stays_in_the_frame(tmp_path: Path, index: int) -> None:
    model = long_cluster_page(small_model(), index)
    long_id = model.cluster_pages[index].id
    assert long_id not in cluster_sheets(model)
    render_pdf(model, tmp_path / "whole.pdf")
    in_worker(model, tmp_path / "split.pdf")

    whole, split = facts(tmp_path / "whole.pdf"), facts(tmp_path / "split.pdf")
    assert split == whole
    first = whole["destinations"][long_id]
    assert "Move the shared disks" in whole["text"][first + 1]  # it did run onto a second page
    sheets = drawn_sheets(tmp_path / "split.pdf")
    assert len(sheets) == 4 + len(model.cluster_pages) - 1 and first not in sheets and first + 1 not in sheets


GUESS_WRONG = """
import pickle, sys
import reportgen.render.split as split

split.fits_one_page = lambda page, first: True  # every guest-cluster page taken for one page
model, target = pickle.load(open(sys.argv[1], "rb"))
print(list(split.render_pdf_split(model, target).warnings))
"""


def test_a_sheet_that_runs_over_makes_the_worker_lay_out_the_whole_report(tmp_path: Path) -> None:
    model = long_cluster_page(small_model(), 1)
    (tmp_path / "model.pkl").write_bytes(pickle.dumps((model, str(tmp_path / "split.pdf"))))
    done = subprocess.run([sys.executable, "-c", GUESS_WRONG, str(tmp_path / "model.pkl")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    render_pdf(model, tmp_path / "whole.pdf")
    assert facts(tmp_path / "split.pdf") == facts(tmp_path / "whole.pdf")
    assert drawn_sheets(tmp_path / "split.pdf") == []


def test_short_guest_cluster_pages_are_guessed_to_fit_and_long_ones_not() -> None:
    page = generated_model().cluster_pages[1]
    member, reason = page.members[0], max(page.reasons, key=lambda r: len(r.evidence))

    def sized(members: int, reasons: int, evidence: int) -> ClusterPage:
        hosts = tuple(f"esx{i:02d}.dc1.example.com" for i in range(members))
        return replace(page, members=tuple(replace(member, name=f"sqlnode-{i:02d}-prod", host=hosts[i])
                                            for i in range(members)),
                       hosts=hosts, hosts_tied=hosts,
                       reasons=tuple(replace(reason, evidence=("x" * 9 + " ") * (evidence // 10)) for _ in range(reasons)))

    assert fits_one_page(sized(2, 3, 300), first=True) and fits_one_page(sized(4, 3, 350), first=False)
    assert not fits_one_page(sized(4, 3, 300), first=True) and not fits_one_page(sized(6, 3, 420), first=False)
    assert not fits_one_page(sized(16, 2, 200), first=False)


CHILD_FAILS = """
import pickle, sys
import reportgen.render.split as split

def broken(model, clusters):
    raise MemoryError("the sheets could not be laid out")

split.sheets_html = broken  # only the child lays out sheets
model, target = pickle.load(open(sys.argv[1], "rb"))
print(split.can_split(), list(split.render_pdf_split(model, target).warnings))
"""


def test_a_failed_child_makes_the_process_lay_out_the_whole_report(tmp_path: Path) -> None:
    model = small_model()
    (tmp_path / "model.pkl").write_bytes(pickle.dumps((model, str(tmp_path / "split.pdf"))))
    done = subprocess.run([sys.executable, "-c", CHILD_FAILS, str(tmp_path / "model.pkl")],
                          capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "[]"]
    render_pdf(model, tmp_path / "whole.pdf")
    assert facts(tmp_path / "split.pdf") == facts(tmp_path / "whole.pdf")
    assert drawn_sheets(tmp_path / "split.pdf") == []


def anchors(*pages: str) -> list[frozenset[str]]:
    return [frozenset(p.split()) for p in pages]


def test_sheets_are_matched_to_the_frame_pages_holding_the_same_anchors() -> None:
    frame = anchors("cover", "contents", "summary-page summary", "glance", "cost", "clusters GC-1", "GC-2",
                    "register", "glossary")
    sheets = anchors("cover", "summary-page summary", "glance", "clusters GC-1", "GC-2", "glossary")
    keys = ["cover", "summary", "glance", "GC-1", "GC-2", "glossary"]
    assert match_sheets(frame, sheets, keys) == [(0, 0), (2, 1), (3, 2), (5, 3), (6, 4), (8, 5)]


@pytest.mark.parametrize("sheets", [
    anchors("cover", "summary-page summary", "glance", "clusters GC-1", "", "GC-2", "glossary"),  # GC-1 ran over
    anchors("cover", "summary-page summary", "glance", "clusters GC-1", "GC-2"),  # a sheet missing
    anchors("cover", "summary-page summary", "glance", "clusters GC-1", "GC-2 waves", "glossary"),  # anchors differ
    anchors("cover", "summary-page summary", "glance", "GC-2", "clusters GC-1", "glossary"),  # out of order
])
def test_sheets_that_do_not_fit_the_frame_are_refused(sheets: list[frozenset[str]]) -> None:
    frame = anchors("cover", "contents", "summary-page summary", "glance", "cost", "clusters GC-1", "GC-2",
                    "register", "glossary")
    keys = ["cover", "summary", "glance", "GC-1", "GC-2", "glossary"]
    assert match_sheets(frame, sheets, keys) is None


CANNOT_FORK = """
import os, pickle, sys
import reportgen.render.split as split

def refuse():
    raise BlockingIOError(11, "Resource temporarily unavailable")

os.fork = refuse
model, target = pickle.load(open(sys.argv[1], "rb"))
print(list(split.render_pdf_split(model, target).warnings))
"""


def test_a_process_that_cannot_fork_lays_out_the_whole_report(tmp_path: Path) -> None:
    model = small_model()
    (tmp_path / "model.pkl").write_bytes(pickle.dumps((model, str(tmp_path / "split.pdf"))))
    done = subprocess.run([sys.executable, "-c", CANNOT_FORK, str(tmp_path / "model.pkl")],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["[]"]
    render_pdf(model, tmp_path / "whole.pdf")
    assert facts(tmp_path / "split.pdf") == facts(tmp_path / "whole.pdf")

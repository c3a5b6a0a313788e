"""Running guests whose host the export does not give are counted, by cluster, never left out.

Before, a running guest with an empty vInfo 'Host' vanished from the PDF: the summary's line under the figures and
the wave plan accounted for every host and every tied guest, and a reader took the estate as fully planned, though
whatever ties those guests (and which wave stops them) is not known.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from pathlib import Path

import pypdf

from reportgen.analysis import Analysis, analyze
from reportgen.cost import cost_analysis
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make


def _analysis(*lost: dict[str, object]) -> Analysis:
    guests = [guest("app1", "vm-1", "esx01"), guest("db1", "vm-2", "esx02"), *lost]
    return analyze(make([host("esx01"), host("esx02")], guests), CONFIG)


def _lost() -> Analysis:
    """Two running guests of cluster Prod and one of no known cluster with no host; one off, one template too."""
    return _analysis(guest("web1", "vm-3", None), guest("web2", "vm-4", None),
                     guest("stray", "vm-5", None, cluster_key=None, cluster=None),
                     guest("old", "vm-6", None, power="poweredOff"),
                     guest("tmpl", "vm-7", None, power="poweredOff", template=True))


def _text(html: str) -> str:
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "").split())
    return re.sub(r" ([,.;:)])", r"\1", text).replace("( ", "(")


def _section(html: str, start: str, end: str) -> str:
    at = html.index(start)
    return _text(html[at:html.index(end, at)])


def _html(analysis: Analysis) -> str:
    return render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))


SAID = ("3 running guests are on no host this export shows: their ties are not known (2 in cluster Prod, 1 in no "
        "known cluster)")


def test_the_summary_counts_them_by_cluster_after_the_hosts_and_guests() -> None:
    analysis = _lost()
    assert build_report(analysis, cost_analysis(analysis)).summary.unplaced == (("Prod", 2), ("", 1))
    line = _section(_html(analysis), '<p class="reconcile">', "</p>")
    assert line.startswith("2 hosts:") and line.endswith(f"no guest cluster found. {SAID}.")


def test_the_wave_plan_says_no_wave_lists_them() -> None:
    waves = _section(_html(_lost()), 'id="waves"', "</p>")
    assert f"{SAID}, and no wave lists them: check where they run before each wave." in waves


def test_one_running_guest_of_one_cluster_is_said_in_the_singular() -> None:
    html = _html(_analysis(guest("web1", "vm-3", None)))
    assert ("1 running guest is on no host this export shows: its ties are not known (in cluster Prod), and no "
            "wave lists it: check where it runs before each wave.") in _text(html)


def test_guests_that_are_off_or_templates_without_a_host_are_not_counted() -> None:
    text = _text(_html(_analysis(guest("old", "vm-6", None, power="poweredOff"),
                                 guest("tmpl", "vm-7", None, power="poweredOff", template=True))))
    assert "on no host this export shows" not in text


def test_the_pdf_says_it_in_the_summary_and_the_wave_plan(tmp_path: Path) -> None:
    from reportgen.render.pdf import render_pdf
    analysis = _lost()
    target = tmp_path / "r.pdf"
    render_pdf(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)), target)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(target).pages)
    assert text.count(SAID) == 2

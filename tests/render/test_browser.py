"""The HTML report in a real browser: headless Chromium (Debian's ``chromium``) over the DevTools protocol.

Screenshots are kept in tests/output/ for people to look at.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from reportgen.audit import Audit, run_audit, write_html
from tests.cdp import Browser, find_browser
from tests.conftest import ROOT, SAMPLES
from tests.render.test_explorer import HOSTILE_GUESTS, HOSTILE_HOST, HOSTILE_OWNER, hostile_audit

OUTPUT = ROOT / "tests" / "output"
EXECUTABLE = find_browser()
pytestmark = pytest.mark.skipif(
    EXECUTABLE is None, reason="no headless browser: Debian's 'chromium' package is not installed "
    "(apt-get install chromium; .ci/run installs it)")

CARD = "#explorer-result .card"


def written(audit: Audit, path: Path) -> Path:
    write_html(audit, path)
    return path


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return written(run_audit([SAMPLES / "rvtools" / "acme-vc01.xlsx"]),
                   tmp_path_factory.mktemp("browser") / "report.html")


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert EXECUTABLE is not None
    with Browser(EXECUTABLE) as b:
        yield b


def opened(browser: Browser, path: Path) -> Browser:
    browser.open(path)
    browser.wait_for("document.getElementById('explorer').dataset.ready === 'true'")
    return browser


def texts(browser: Browser, selector: str) -> list[str]:
    return browser.evaluate(f"[...document.querySelectorAll({json.dumps(selector)})].map(e => e.textContent)")


def test_typing_a_host_name_shows_its_register_row(browser: Browser, sample_report: Path) -> None:
    page = opened(browser, sample_report)
    page.type_text("#explorer-search", "hq-esx0103")
    assert page.wait_for(f"document.querySelector('{CARD}')?.dataset.host") == "hq-esx0103.acme.local"
    assert texts(page, f"{CARD} .verdict") == ["Cannot be emptied by live migration now: power off 2 guests first."]
    facts = dict(zip(texts(page, f"{CARD} dt"), texts(page, f"{CARD} dd")))
    assert facts["Wave"] == "1 of 4" and facts["Owners to ask"] == "team-apps, team-dba"
    assert facts["Cluster"] == "HQ-PROD-01"
    assert texts(page, f"{CARD} .card-part li") == [
        "hqapp03 · owner team-apps · VMW-17",
        "hqsqlcl01-n2 · owner team-dba · VMW-02 · guest cluster GC-003",
        "GC-003 hqsqlcl01 (2 nodes), across boxes: fail over hqsqlcl01-n2 first, to hqsqlcl01-n1",
    ]
    page.screenshot(OUTPUT / "explorer-search.png")
    assert (OUTPUT / "explorer-search.png").stat().st_size > 10_000


def test_a_guest_shows_itself_and_its_host(browser: Browser, sample_report: Path) -> None:
    page = opened(browser, sample_report)
    page.type_text("#explorer-search", "HQWEB10")
    page.wait_for(f"document.querySelectorAll('{CARD}').length === 2")
    assert texts(page, f"{CARD} .card-name") == ["hqweb10", "hq-esx0202.acme.local"]
    stranded = page.evaluate(f"document.querySelectorAll('{CARD}')[1].textContent")
    assert "Stranded if the host fails" in stranded and "GC-001 hqfscib01 (2 nodes), in a box: no running node" in stranded


def test_the_host_list_sorts_and_filters(browser: Browser, sample_report: Path) -> None:
    page = opened(browser, sample_report)
    rows = "#explorer-hosts tbody tr"
    assert len(texts(page, rows)) == 12
    header = "#explorer-hosts th:nth-child(4) button"  # guests to power off (no Site column: one site)
    assert texts(page, header) == ["Guests to power off"]
    page.click(header)
    page.click(header)  # descending
    assert page.evaluate("document.querySelector('#explorer-hosts th:nth-child(4)').getAttribute('aria-sort')") \
        == "descending"
    counts = [int(t) for t in texts(page, f"{rows} td:nth-child(4)")]
    assert counts == sorted(counts, reverse=True) and counts[0] == 5
    assert texts(page, f"{rows}:first-child td:first-child") == ["hq-esx0202.acme.local"]
    page.type_text("#explorer-hosts input", "hq-dmz")
    page.wait_for(f"document.querySelectorAll('{rows}').length === 4")
    assert texts(page, "#explorer-hosts .count") == ["Showing 4 of 4 (filtered from 12)"]
    page.click("#explorer-hosts tbody tr:first-child button")
    assert page.wait_for(f"document.querySelector('{CARD}')?.dataset.host", 5).startswith("hq-esx030")
    page.screenshot(OUTPUT / "explorer-sorted.png", "#explorer-hosts")


def test_the_page_makes_no_network_request_and_logs_no_error(browser: Browser, sample_report: Path) -> None:
    page = opened(browser, sample_report)
    page.type_text("#explorer-search", "hq")
    page.click("#explorer-findings summary")
    page.wait_for("document.querySelectorAll('#explorer-findings tbody tr').length > 0")
    assert page.requests == [sample_report.resolve().as_uri()]
    assert page.console_errors() == []


def test_without_javascript_the_report_is_there_and_the_search_is_not(sample_report: Path) -> None:
    assert EXECUTABLE is not None
    with Browser(EXECUTABLE, javascript=False) as page:
        page.open(sample_report)
        page.send("Emulation.setScriptExecutionDisabled", {"value": False})  # to read the page
        assert page.evaluate("document.getElementById('explorer').hidden") is True
        assert page.evaluate("document.getElementById('explorer').dataset.ready") is None
        assert page.evaluate("document.querySelectorAll('#register tr, .register-table tr').length") > 5


def test_printed_without_the_search(browser: Browser, sample_report: Path) -> None:
    page = opened(browser, sample_report)
    page.send("Emulation.setEmulatedMedia", {"media": "print"})
    assert page.evaluate("getComputedStyle(document.getElementById('explorer')).display") == "none"
    pdf = page.send("Page.printToPDF", {})["data"]
    assert len(pdf) > 10_000


def test_hostile_names_are_shown_as_text_and_never_run(browser: Browser, tmp_path: Path) -> None:
    page = opened(browser, written(hostile_audit(), tmp_path / "hostile.html"))
    page.type_text("#explorer-search", "<script>")
    page.wait_for("document.querySelectorAll('#explorer-matches li').length === 3")
    assert sorted(texts(page, "#explorer-matches button")) == sorted(HOSTILE_GUESTS[:3])
    k = texts(page, "#explorer-matches button").index(HOSTILE_GUESTS[0]) + 1
    page.click(f"#explorer-matches li:nth-child({k}) button")
    page.wait_for(f"document.querySelectorAll('{CARD}').length === 2")
    assert texts(page, f"{CARD} .card-name") == [HOSTILE_GUESTS[0], HOSTILE_HOST]
    assert HOSTILE_OWNER in texts(page, f"{CARD} dd")
    page.click("#explorer-findings summary")
    page.wait_for("document.querySelectorAll('#explorer-findings tbody tr').length > 0")
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert page.evaluate("document.querySelectorAll('img[onerror], b[onmouseover], body script').length") == 2
    assert page.console_errors() == []
    page.screenshot(OUTPUT / "explorer-hostile.png")


def test_same_named_hosts_are_found_and_shown_by_their_label(browser: Browser, tmp_path: Path) -> None:
    """Before: the search matched only names, so 'vc02' found nothing and two identical 'esx01…' rows were listed."""
    from tests.rvtools_files import small_estate, write_xlsx

    one = write_xlsx(small_estate(), tmp_path / "vc01.xlsx")
    two = write_xlsx(small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test"),
                     tmp_path / "vc02.xlsx")
    page = opened(browser, written(run_audit([one, two]), tmp_path / "report.html"))
    page.type_text("#explorer-search", "esx01.example.test in vc02")
    page.wait_for(f"!!document.querySelector('{CARD}')")
    assert texts(page, f"{CARD} .card-name")[0] == "esx01.example.test in vc02.example.test"
    page.evaluate("(() => { const b = document.getElementById('explorer-search'); b.value = 'esx01.example.test';"
                  " b.dispatchEvent(new Event('input')); return true; })()")
    page.wait_for("document.querySelectorAll('#explorer-matches li').length === 2")
    assert sorted(texts(page, "#explorer-matches li button")) == [
        "esx01.example.test in vc01.example.test", "esx01.example.test in vc02.example.test"]

"""A short section follows on the page before it instead of opening a near-empty page."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from reportgen.audit import run_audit, write_pdf
from tests.conftest import real_export


def _pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [p for p in text.split("\f") if p.strip()]


def test_a_failure_section_with_nothing_stranded_shares_the_wave_plans_page(tmp_path: Path) -> None:
    audit = run_audit([real_export("abeggi-bcspa1-4.7.1.xlsx")])
    assert not any(h.stranded for h in audit.analysis.hosts)  # one sentence: nothing would stay down
    pdf = tmp_path / "r.pdf"
    write_pdf(audit, pdf)
    pages = _pages(pdf)
    failure = next(p for p in pages if "\nIf a host fails\n" in p)
    assert "Hosts in one wave can be in maintenance" in failure  # on the page of the wave chart
    lines = [sum(1 for line in p.splitlines() if line.strip()) for p in pages]
    assert min(lines) >= 8, lines  # no page holds a sentence alone


def test_the_summary_fits_its_page_with_a_scope_and_accepted_exceptions(tmp_path: Path) -> None:
    """The scope line and the open/accepted paragraph once pushed the summary's last paragraph onto a page of its
    own."""
    samples = Path(__file__).resolve().parents[2] / "samples"
    pdf = tmp_path / "r.pdf"
    subprocess.run([sys.executable, "-m", "reportgen", "audit", str(samples / "rvtools" / "acme-vc01.xlsx"),
                    str(samples / "hyperv" / "hyperv-3node.zip"), "--accept", str(samples / "accept.toml"),
                    "--owners", str(samples / "owners.csv"), "--exclude", "cluster=HQ-DMZ-01", "-q", "-o", str(pdf)],
                   check=True, capture_output=True)
    pages = _pages(pdf)
    summary = next(i for i, p in enumerate(pages) if "\nExecutive summary\n" in p)
    text = " ".join(pages[summary].split())
    for part in ("Scope: excluding cluster HQ-DMZ-01", "Open and accepted.", "What breaks the promise here",
                 "What it costs", "What saves most", "Best single action", "After this action"):
        assert part in text, part
    assert "\nThe estate at a glance\n" in pages[summary + 1]  # nothing of the summary spills over

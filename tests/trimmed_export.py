"""An export trimmed to vInfo and vHost (most checks cannot run), and the report's text as a reader sees it."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from reportgen.audit import Audit, run_audit

SAMPLES = Path(__file__).resolve().parents[1] / "samples"


def trimmed_audit(folder: Path) -> Audit:
    """The sample vCenter's CSV export with only its vInfo and vHost tabs, copied into ``folder``/vc01, audited."""
    export = folder / "vc01"
    export.mkdir()
    for tab in ("vInfo", "vHost"):
        shutil.copy(SAMPLES / "rvtools-csv" / "acme-vc01" / f"RVTools_tab{tab}.csv", export)
    return run_audit([export])


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def section(html: str, marker: str) -> str:
    """The text from ``marker`` to the end of its section."""
    start = html.index(marker)
    return text(html[start:html.index("</section>", start)])


def coverage_counts(audit: Audit) -> tuple[int, int, int]:
    """Checks that ran on every export, checks that could not run on some, and hosts."""
    missing = {c.rule for c in audit.analysis.coverage if c.status == "not-assessed"}
    ran = {c.rule for c in audit.analysis.coverage if c.status == "assessed"} - missing
    return len(ran), len(missing), audit.analysis.estate.hosts.num_rows

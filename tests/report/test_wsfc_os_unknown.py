"""A WSFC guest cluster (VMW-02) in an export without an OS column: the OS is unknown, never "unsupported".

Unknown is never met, so the tie stays blocking; but what the reader is told is that the export does not show the
guest OS (a fact to check), not that the OS is too old (an upgrade to plan): the finding says "guest OS not shown
in the export", the steps ask to check the OS, none to upgrade it, and the severity is high (unknown), not
critical (unmet).
"""

from __future__ import annotations

import json
from pathlib import Path

from openpyxl import load_workbook

from reportgen.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "rvtools" / "acme-vc01.xlsx"


def _without_os(tmp_path: Path) -> Path:
    book = load_workbook(SAMPLE)
    for sheet in book.worksheets:
        names = [c.value for c in sheet[1]]
        for i in reversed(range(len(names))):
            if str(names[i] or "").startswith("OS "):
                sheet.delete_cols(i + 1)
    out = tmp_path / "no-os.xlsx"
    book.save(out)
    return out


def test_the_guest_os_is_said_to_be_unknown_and_to_be_checked_not_upgraded(tmp_path: Path) -> None:
    out = tmp_path / "findings.json"
    assert main(["audit", str(_without_os(tmp_path)), "--json", str(out), "--quiet"]) == 0
    found = [f for f in json.loads(out.read_text())["findings"]
             if f["rule"] == "VMW-02" and f["guest"]["name"].startswith("hqsqlcl01")]
    assert found
    for f in found:
        assert f["evidence"].endswith("guest OS not shown in the export, treated as blocking")
        assert f["severity"] == "high"
        assert ("Check the guest OS of hqsqlcl01-n1 and hqsqlcl01-n2: the export does not show it, so the tie is "
                "counted as blocking.") in f["steps"]
        text = " ".join([f["evidence"], *f["steps"]]).lower()
        assert "upgrade the guest os" not in text and "unsupported" not in text and "not supported" not in text

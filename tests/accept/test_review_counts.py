"""The PDF's open and accepted counts reconcile with the JSON's and the workbook's findings: the hygiene findings
(they tie no host) it leaves out are said, with how many are open and accepted.

Before: the PDF said "25 findings are open" where the JSON and the workbook had 28 findings without
``accepted``, and nothing said why."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"


def test_the_pdf_says_the_hygiene_findings_its_counts_leave_out(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    result = cli(["audit", SAMPLE, "--accept", SAMPLES / "accept.toml", "--json", tmp_path / "f.json",
                  "-o", tmp_path / "r.pdf", "-q"])
    assert result.code == 0, result.stderr
    findings = json.loads((tmp_path / "f.json").read_text())["findings"]
    hygiene = [f for f in findings if f["timing"] == "hygiene"]
    assert hygiene  # the sample has templates and a guest that ties nothing
    open_all = sum(1 for f in findings if f["accepted"] is None)
    accepted_all = len(findings) - open_all
    hygiene_open = sum(1 for f in hygiene if f["accepted"] is None)
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path / "r.pdf").pages)

    summary = re.search(r"Open and accepted\. (\d+) findings that tie a host are open \(\d+ high or critical\); (\d+) findings? "
                     r"(?:is|are) accepted by exceptions in force \(hygiene findings apart: see Accepted exceptions\)\.",
                        text)
    assert summary, text[:3000]
    said = re.search(r"(\d+) findings? accepted, (\d+) open\. These counts leave out (\d+) hygiene findings? that "
                     r"ties? no host \((\d+) open(?:, (\d+) accepted)?\), listed with the others in the workbook and "
                     r"the JSON\.", text)
    assert said, text[:3000]
    pdf_accepted, pdf_open, left_out, left_open = (int(said.group(i)) for i in range(1, 5))
    left_accepted = int(said.group(5) or 0)
    assert (left_out, left_open, left_accepted) == (len(hygiene), hygiene_open, len(hygiene) - hygiene_open)
    assert (int(summary.group(1)), int(summary.group(2))) == (pdf_open, pdf_accepted)
    assert pdf_open + left_open == open_all and pdf_accepted + left_accepted == accepted_all

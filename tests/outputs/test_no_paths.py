"""No output shows where the exports sit on the auditor's disk: file names only."""

from __future__ import annotations

import subprocess
import zipfile
from pathlib import Path

from reportgen.audit import run_audit, write_html, write_json, write_pdf, write_xlsx

SAMPLES = Path(__file__).resolve().parents[2] / "samples"


def test_no_absolute_path_in_any_output(tmp_path: Path) -> None:
    exports = [(SAMPLES / "rvtools" / "acme-vc01.xlsx").resolve(), (SAMPLES / "hyperv" / "hyperv-3node.zip").resolve()]
    audit = run_audit(exports)
    write_json(audit, tmp_path / "f.json")
    write_html(audit, tmp_path / "r.html")
    write_xlsx(audit, tmp_path / "f.xlsx")
    write_pdf(audit, tmp_path / "r.pdf")
    folder = str(SAMPLES.resolve())
    texts = {
        "json": (tmp_path / "f.json").read_text(encoding="utf-8"),
        "html": (tmp_path / "r.html").read_text(encoding="utf-8"),
        "pdf": subprocess.run(["pdftotext", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout,
    }
    with zipfile.ZipFile(tmp_path / "f.xlsx") as z:
        texts["xlsx"] = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
    for kind, text in texts.items():
        assert folder not in text, kind
        assert "acme-vc01.xlsx" in text, kind  # the export is still named

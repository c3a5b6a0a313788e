"""--history: quarter snapshots and the change since the previous quarter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from reportgen.history import quarter
from tests.builders import small_estate, write_xlsx


def test_quarter_labels() -> None:
    from datetime import date

    assert quarter(date(2026, 1, 1)) == "2026-Q1" and quarter(date(2026, 12, 31)) == "2026-Q4"


def two_quarters(tmp_path: Path) -> tuple[Path, Path]:
    """The same vCenter exported in Q1 and in Q2, after the in-a-box SQL pair lost its shared disks."""
    q1 = small_estate(esx="VMware ESXi 5.5.0 build-3116895", exported=datetime(2026, 2, 1))
    q2 = small_estate(esx="VMware ESXi 5.5.0 build-3116895", exported=datetime(2026, 5, 1))
    for g in q2.guests:
        if g.name.startswith("sql"):
            g.disks = [{}]
    return write_xlsx(q1, tmp_path / "q1.xlsx"), write_xlsx(q2, tmp_path / "q2.xlsx")


def test_second_quarter_compares_with_the_first(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    out1, out2 = tmp_path / "q1.json", tmp_path / "q2.json"
    first = cli(["audit", q1, "--json", out1, "--history", history])
    assert first.code == 0, first.stderr
    assert "first quarter recorded" in first.stderr
    assert [p.name[:8] for p in history.iterdir()] == ["2026-Q1-"]  # the quarter, then the estate
    doc1 = json.loads(out1.read_text())
    assert doc1["history"]["change"] is None and [t["period"] for t in doc1["history"]["trend"]] == ["2026-Q1"]

    second = cli(["audit", q2, "--json", out2, "--history", history])
    assert second.code == 0, second.stderr
    change = json.loads(out2.read_text())["history"]["change"]
    assert change["previous"] == "2026-Q1" and change["current"] == "2026-Q2"
    assert change["hosts_freed"] == ["esx01.example.test"]
    assert len(change["faux_clusters_fixed"]) == 1 and change["faux_clusters_new"] == []
    assert change["annual_cost_now"] < change["annual_cost_before"]
    trend = json.loads(out2.read_text())["history"]["trend"]
    assert [t["period"] for t in trend] == ["2026-Q1", "2026-Q2"]
    assert trend[0]["pinned_hosts"] > trend[1]["pinned_hosts"]


def test_rerunning_a_quarter_replaces_it_and_foreign_files_are_named(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    history.mkdir()
    (history / "notes.json").write_text("{}")
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    for _ in range(2):
        result = cli(["audit", book, "--json", tmp_path / "f.json", "--history", history])
        assert result.code == 0
    assert sorted(p.name[:8] for p in history.iterdir()) == ["2026-Q1-", "notes.js"]
    assert "notes.json: not a reportgen history snapshot; ignored" in result.stderr


def test_the_pdf_shows_the_quarter_on_quarter_section(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    assert cli(["audit", q1, "-q", "--history", history, "-o", tmp_path / "q1.pdf"]).code == 0
    assert cli(["audit", q2, "-q", "--history", history,
                "-o", tmp_path / "q2.pdf"]).code == 0
    first = " ".join(p.extract_text() for p in PdfReader(tmp_path / "q1.pdf").pages)
    second = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path / "q2.pdf").pages)
    assert "first quarter recorded" in " ".join(first.split())
    assert "Quarter on quarter" in second and "Since 2026-Q1" in second
    change = second.split("Change since 2026-Q1", 1)[1]
    assert change.split("Hosts freed", 1)[1].split("Hosts newly tied")[0].strip() == "esx01.example.test"

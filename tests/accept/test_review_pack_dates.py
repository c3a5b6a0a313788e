"""An owner's action pack is dated by the export it describes, warns when that export is old, and says on which
day the statuses of its exceptions are judged.

Before: the pack was titled and footed with the day reportgen ran ("From the audit of 2026-12-07") while its
statuses were as of the export, 448 days earlier, and it never said the export was old."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"  # exported 2025-06-02


def _text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages).casefold()


def test_a_pack_is_dated_by_its_export_and_warns_it_is_old(cli, tmp_path: Path) -> None:
    result = cli(["audit", SAMPLE, "--owners", SAMPLES / "owners.csv", "--accept", SAMPLES / "accept.toml",
                  "--owner-packs", tmp_path / "packs", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    today = dt.date.today()
    age = (today - dt.date(2025, 6, 2)).days
    text = _text(tmp_path / "packs" / "Priya_Raman.pdf")
    assert f"owner action pack · export of 2025-06-02 · written {today}" in text
    assert f"the export is {age:,} days old (taken 2025-06-02): the estate may have changed since. export again " \
           "before acting on this pack." in text
    assert "statuses as of 2025-06-02, the day of the export." in text
    assert f"from the audit of the export of 2025-06-02, written {today}" in text
    assert f"from the audit of {today}" not in text


def test_statuses_judged_on_another_day_say_that_day(cli, tmp_path: Path) -> None:
    result = cli(["audit", SAMPLE, "--owners", SAMPLES / "owners.csv", "--accept", SAMPLES / "accept.toml",
                  "--owner-packs", tmp_path / "packs", "--as-of", "2026-01-15", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 0, result.stderr
    text = _text(tmp_path / "packs" / "Priya_Raman.pdf")
    assert "statuses as of 2026-01-15." in text and "the day of the export" not in text

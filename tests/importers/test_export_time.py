"""vMetaData's export time as other programs write it back: read where it is unambiguous, named where not."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.rvtools_files import small_estate, tabs, write_tabs_xlsx


def _audit(cli: Any, tmp_path: Path, written: object) -> dict[str, Any]:
    book = tabs(small_estate())
    cols, rows = book["vMetaData"]
    rows[0][cols.index("xlsx creation datetime")] = written
    out = tmp_path / "f.json"
    result = cli(["audit", write_tabs_xlsx(book, tmp_path / "e.xlsx"), "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(out.read_text())
    return document


@pytest.mark.parametrize("written", ["01.03.2026 09:30", "2026-03-01 09:30", "2026/03/01 09:30"])
def test_an_export_time_without_seconds_is_read(cli: Any, tmp_path: Path, written: str) -> None:
    found = _audit(cli, tmp_path, written)
    assert found["estate"]["sources"][0]["exported_at"].startswith("2026-03-01T09:30")


def test_an_export_time_that_cannot_be_read_is_said(cli: Any, tmp_path: Path) -> None:
    """Before: a date that lost its cell style (an Excel serial number) left the export time unknown without a
    word, and --history filed the audit under today's quarter."""
    found = _audit(cli, tmp_path, 46082.395833)
    assert found["estate"]["sources"][0]["exported_at"] is None
    [line] = [d for d in found["data_quality"] if d["column"] == "xlsx creation datetime"]
    assert (line["sheet"], line["row"], line["level"]) == ("vMetaData", 2, "warning")
    assert "'46082.395833' is not a date and time reportgen can read" in line["message"]
    assert "today's quarter" in line["message"]


@pytest.mark.parametrize(("written", "read"), [("20/06/2025 07:30", "2025-06-20T07:30"),
                                               ("6/20/2025 7:30", "2025-06-20T07:30"),
                                               ("6/6/2025 07:30:00", "2025-06-06T07:30"),
                                               ("6/2/2025 7:30:00 AM", "2025-06-02T07:30")])
def test_a_slashed_export_time_is_read_where_day_and_month_are_plain(cli: Any, tmp_path: Path, written: str,
                                                                     read: str) -> None:
    found = _audit(cli, tmp_path, written)
    assert found["estate"]["sources"][0]["exported_at"].startswith(read)


@pytest.mark.parametrize("written", ["02/06/2025 07:30", "2/6/2025 07:30:00"])
def test_a_slashed_export_time_that_could_be_either_day_first_or_month_first_is_not_guessed(
        cli: Any, tmp_path: Path, written: str) -> None:
    """Before: read month first, so a fr-FR re-save of 2 June was filed under February (another quarter)."""
    found = _audit(cli, tmp_path, written)
    assert found["estate"]["sources"][0]["exported_at"] is None
    [line] = [d for d in found["data_quality"] if d["column"] == "xlsx creation datetime"]
    assert f"'{written}' is not a date and time reportgen can read" in line["message"]
    assert "the day and the month cannot be told apart" in line["message"]


@pytest.mark.parametrize("written", ["02/06/2025 07:30", "2/6/2025 07:30:00", "06/6/2025 07:30", "13/06/2025 07:30",
                                     "6/2/2025 7:30 PM", "not a date"])
def test_the_day_and_month_reason_is_given_exactly_where_the_date_is_left_unread_for_it(written: str) -> None:
    import polars as pl

    from reportgen.importers.values import parse_datetime, unreadable_date_why

    read = pl.select(parse_datetime(pl.lit(written, pl.String))).item()
    either_way = any(pl.select(pl.lit(written).str.strptime(pl.Datetime, f, strict=False)).item() is not None
                     for f in ("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S"))
    assert bool(unreadable_date_why(written)) == (read is None and either_way)


@pytest.mark.parametrize(("written", "why"), [
    (datetime(1900, 1, 1), "before 2000, older than any RVTools export"),  # a date cell holding 1 (or text: 0)
    ("1899-12-31 00:00:00", "before 2000, older than any RVTools export"),
    ("9999-12-31 23:59:59", "in the future"),
])
def test_an_export_time_no_export_can_have_is_unknown_and_said(cli: Any, tmp_path: Path, written: object,
                                                               why: str) -> None:
    """Before: read as it was, so --history filed the audit under 1899-Q4 (or 9999-Q4), and an older export of
    the same vCenter given beside it won as the newer one."""
    found = _audit(cli, tmp_path, written)
    assert found["estate"]["sources"][0]["exported_at"] is None
    [line] = [d for d in found["data_quality"] if d["column"] == "xlsx creation datetime"]
    assert (line["sheet"], line["row"]) == ("vMetaData", 2)
    assert "is not a date and time reportgen can read, so it is unknown" in line["message"]
    assert f"(it is {why})" in line["message"]

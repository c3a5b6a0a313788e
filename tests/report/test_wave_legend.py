"""The wave chart's legend names only the series drawn, and every state drawn has a series."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.report import build_report
from reportgen.report.charts import BAD, WARN
from tests.report_fixtures import CONFIG
from tests.rules.canonical import guest, host, make, store

REAL = Path("/work/shared/real-exports/abeggi-bcspa1-4.7.1.xlsx")


def _bars(svg: str, colour: str) -> list[str]:
    """Heights of the columns of one colour (the legend's squares are 8 by 8)."""
    return [h for w, h in re.findall(r'<rect [^>]*width="([0-9.]+)" height="([0-9.]+)" fill="' + colour + '"', svg)
            if w != "8"]


def test_a_host_tied_only_once_its_guests_start_is_drawn_orange_and_no_empty_series_is_in_the_legend() -> None:
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    guests = [guest("web1", "vm-1", "esx02"), guest("db1", "vm-2", "esx01", power="poweredOff", ds="local01")]
    analysis = analyze(make(hosts, guests, datastores=stores), CONFIG)
    svg = build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)).charts["waves"].svg
    legend = re.findall(r">([^<]+)</text>", svg)
    assert "tied once powered-off guests start" in legend
    assert "cannot be emptied: guests to power off" not in legend  # no host needs a power-off today
    assert "media to disconnect (no power-off)" not in legend
    assert len(_bars(svg, WARN)) == 1 and _bars(svg, BAD) == []


def test_a_host_with_guests_to_power_off_keeps_its_red_series() -> None:
    hosts = [host("esx01"), host("esx02")]
    stores = [store("san01", ["esx01", "esx02"]), store("local01", ["esx01"])]
    guests = [guest("db1", "vm-2", "esx01", ds="local01")]
    analysis = analyze(make(hosts, guests, datastores=stores), CONFIG)
    svg = build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)).charts["waves"].svg
    legend = re.findall(r">([^<]+)</text>", svg)
    assert "cannot be emptied: guests to power off" in legend and "tied once powered-off guests start" not in legend
    assert len(_bars(svg, BAD)) == 1 and _bars(svg, WARN) == []


@pytest.mark.skipif(not REAL.exists(), reason="real exports not present")
def test_the_bcspa1_wave_chart_reads_tied_once_started_and_not_guests_to_power_off(tmp_path: Path) -> None:
    from reportgen.cli import main

    pdf = tmp_path / "r.pdf"
    assert main(["audit", str(REAL), "-o", str(pdf), "--quiet"]) == 0
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    start = text.index("Maintenance waves\n", text.index("\nWave plan\n"))
    chart = text[start:text.index("If a host fails", start)]
    assert "tied once powered-off guests start" in chart
    assert "guests to power off" not in chart

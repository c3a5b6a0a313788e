"""The committed Hyper-V samples are what their generator writes, and read as documented."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import polars as pl

from reportgen.importers import load_estate

HERE = Path(__file__).resolve().parents[2] / "samples" / "hyperv"


def test_samples_are_up_to_date() -> None:
    result = subprocess.run([sys.executable, str(HERE / "generate.py"), "--check"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr


def test_loose_sample_keeps_multi_line_notes_and_non_ascii_names() -> None:
    guests = pl.from_arrow(load_estate([HERE / "loose"]).guests)
    assert isinstance(guests, pl.DataFrame)
    notes = dict(zip(guests["name"], guests["annotation"]))
    assert notes["ARCHIVE01"] == "Kept for\nlegal hold"
    assert notes["Büro-Server"] == "Empfang & Büro"
    assert notes["DC01"] is None and notes["LABA-1"] is None  # "" and $null are both unknown
    states = dict(zip(guests["name"], guests["power_state"]))
    assert states == {"DC01": "poweredOn", "LABA-1": "poweredOn", "LABA-2": "poweredOn", "ARCHIVE01": "poweredOff",
                      "PRINT01": "poweredOn", "KIOSK01": "poweredOn", "Büro-Server": "suspended"}

"""Numbers written as text in another culture's style: read when the writing says what they are,
and reported (never guessed) when one separator could mean a thousand or a decimal point."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

from tests.rvtools_files import small_estate, write_csv_folder, write_xlsx

ROOT = Path(__file__).resolve().parents[2]
LOOSE = ROOT / "samples" / "hyperv" / "loose"


def _local_estate(capacity: object):
    """web01's disk (Capacity MiB = ``capacity``) sits on a datastore only esx04 sees."""
    estate = small_estate(datastores={"san01": ["esx01.example.test", "esx02.example.test", "esx03.example.test",
                                                "esx04.example.test"], "local04": ["esx04.example.test"]})
    web = estate.guests[-1]
    web.datastore = "local04"
    web.disks = [{"Capacity MiB": capacity, "Path": "[local04] web01/web01_0.vmdk"}]
    return estate


def _audit(cli, export: Path, out: Path) -> dict:
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    return json.loads(out.read_text())


def _local_evidence(found: dict) -> str:
    [finding] = [f for f in found["findings"] if f["rule"] == "VMW-13" and f["guest"]["name"] == "web01"]
    return finding["evidence"]


@pytest.mark.parametrize("written", ["1.048.576", "1 048 576,0", "1,048,576.0", "1\u00a0048\u00a0576",
                                     "1'048'576", "1048576,0"])
@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_grouped_capacity_in_text_is_read_as_the_number_it_writes(cli, tmp_path: Path, written: str,
                                                                     form: str) -> None:
    estate = _local_estate(written)
    export = (write_xlsx(estate, tmp_path / "e.xlsx") if form == "xlsx"
              else write_csv_folder(estate, tmp_path / "csv", delimiter=";"))
    found = _audit(cli, export, tmp_path / "f.json")
    assert "1024 GiB of disks there" in _local_evidence(found)
    assert not [d for d in found["data_quality"] if d.get("column") == "Capacity MiB"]


@pytest.mark.parametrize("form", ["xlsx", "csv"])
def test_a_number_with_one_separator_before_three_digits_is_reported_not_guessed(cli, tmp_path: Path,
                                                                                 form: str) -> None:
    """'40.960' is 40960 in Germany and 40.96 in England: the value is unknown and said to be."""
    estate = _local_estate("40.960")
    estate.guests[0].extra = {"Memory": "32.768"}
    export = (write_xlsx(estate, tmp_path / "e.xlsx") if form == "xlsx"
              else write_csv_folder(estate, tmp_path / "csv"))
    found = _audit(cli, export, tmp_path / "f.json")
    assert "GiB of disks there" not in _local_evidence(found)  # 41 MiB before: a wrong size, said nowhere
    issues = {d["column"]: d for d in found["data_quality"] if "thousands separator or a decimal" in d["message"]}
    assert set(issues) == {"Capacity MiB", "Memory"}
    disk, memory = issues["Capacity MiB"], issues["Memory"]
    assert "1 value(s) not understood (e.g. '40.960'); read as unknown" in disk["message"]
    assert "(e.g. '32.768')" in memory["message"]
    sheet = {"xlsx": ("vDisk", "vInfo"), "csv": ("RVTools_tabvDisk.csv", "RVTools_tabvInfo.csv")}[form]
    assert (disk["sheet"], memory["sheet"]) == sheet
    assert disk["row"] == 10 and memory["row"] == 2  # web01's disk is the last of nine vDisk rows; sql01 first
    assert disk["file"].endswith(export.name)


def _rewrite(path: Path, column: str, values: dict[str, str]) -> None:
    """Set ``column`` of the rows whose VMName is a key of ``values`` in a PowerShell CSV."""
    lines = path.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    head = 1 if lines[0].startswith("#TYPE") else 0
    rows = list(csv.reader(io.StringIO("".join(lines[head:]))))
    at, name = rows[0].index(column), rows[0].index("VMName")
    for row in rows[1:]:
        if row[name] in values:
            row[at] = values[row[name]]
    out = io.StringIO()
    csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n").writerows(rows)
    path.write_text("".join(lines[:head]) + out.getvalue(), encoding="utf-8")


def test_hyperv_csv_numbers_in_another_culture(cli, tmp_path: Path) -> None:
    folder = shutil.copytree(LOOSE, tmp_path / "loose")
    _rewrite(folder / "vms-hvsa01.csv", "MemoryStartup", {"DC01": "4.294.967.296"})
    _rewrite(folder / "vms-hvsa01.csv", "ProcessorCount", {"DC01": "1,024"})
    found = _audit(cli, folder, tmp_path / "f.json")
    issues = [d for d in found["data_quality"] if "not understood" in d["message"]]
    assert [(d["column"], d["sheet"], d["row"]) for d in issues] == [("ProcessorCount", "vms-hvsa01.csv", 3)]
    assert "thousands separator or a decimal" in issues[0]["message"]


def test_hyperv_memory_grouped_by_dots_is_read(tmp_path: Path) -> None:
    from reportgen.importers import load_estate

    folder = shutil.copytree(LOOSE, tmp_path / "loose")
    _rewrite(folder / "vms-hvsa01.csv", "MemoryStartup", {"DC01": "4.294.967.296"})
    _rewrite(folder / "vms-hvsa01.csv", "MemoryAssigned", {"DC01": ""})  # no fallback: the startup value counts
    guests = load_estate([folder]).table("guests")
    [memory] = [m for n, m in zip(guests["name"].to_pylist(), guests["memory_mib"].to_pylist()) if n == "DC01"]
    assert memory == 4096

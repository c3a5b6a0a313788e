"""Reading a workbook with several threads gives the estate one thread gives, issue for issue."""

from __future__ import annotations

from pathlib import Path

import pytest

from reportgen.errors import InputError
from reportgen.estate import Estate
from reportgen.importers import load_estate
from reportgen.importers.rvtools_stages import STAGES
from tests.conftest import real_export

SAMPLE = Path(__file__).resolve().parents[2] / "samples" / "rvtools" / "acme-vc01.xlsx"


def _same(a: Estate, b: Estate) -> None:
    assert a.tables.keys() == b.tables.keys()
    for name in a.tables:
        assert a.tables[name].equals(b.tables[name]), name
    assert a.issues == b.issues
    assert a.tabs == b.tabs
    assert a.custom_columns == b.custom_columns


@pytest.mark.parametrize("name", ["sample", "abeggi-farm-lonati-4.7.1.xlsx", "licenseware-3.x.xlsx"])
def test_threads_do_not_change_the_estate(name: str) -> None:
    path = SAMPLE if name == "sample" else real_export(name)
    one = load_estate([path], workers=1)
    for _ in range(3):  # different interleavings
        _same(load_estate([path], workers=2), one)
    _same(load_estate([path], workers=4), one)


def test_every_tab_the_mapping_reads_belongs_to_a_stage() -> None:
    from reportgen.importers.rvtools_base import NEEDED

    covered = set().union(*(s.tabs for s in STAGES if s.name != "source"))
    assert set(NEEDED) <= covered  # else a tab would be read only for the last stage
    names = [s.name for s in STAGES]
    assert all(names.index(a) < names.index(s.name) for s in STAGES for a in s.after)


def test_a_failing_stage_stops_the_workbook_with_its_message(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "not-rvtools.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("vInfo").write_row(0, 0, ["Name", "Colour"])
    book.add_worksheet("vDisk").write_row(0, 0, ["VM", "Disk"])
    book.close()
    for workers in (1, 2):
        with pytest.raises(InputError, match="none of the columns VM, VM ID or VM UUID"):
            load_estate([path], workers=workers)

"""The workbook's Actions sheet marks the causes that share a cost, as the PDF's remedy table does, and says
that its 'Cost it addresses' column does not add up to the yearly total."""

from __future__ import annotations

from pathlib import Path

import openpyxl

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.outputs.xlsx import write_xlsx
from reportgen.report.formats import money
from tests.report_fixtures import CONFIG
from tests.rules.canonical import disk, guest, host, make, nic, portgroup, store


def _workbook(tmp_path: Path, tied_twice: bool) -> tuple[list[dict[str, object]], dict[str, object], float]:
    """One guest on esx01 on a single-host datastore, and (``tied_twice``) on a port group only esx01 has."""
    hosts = [host("esx01"), host("esx02"), host("esx03")]
    estate = make(hosts, [guest("app", "vm-1", "esx01", ds="local01"), guest("web", "vm-2", "esx02")],
                  disks=[disk("vm-1", "[local01] app/app.vmdk"), disk("vm-2", "[san01] web/web.vmdk")],
                  nics=[nic("vm-1", "Iso" if tied_twice else "LAN"), nic("vm-2", "LAN")],
                  networks=[portgroup("esx01", "Iso"), *(portgroup(h, "LAN") for h in ("esx01", "esx02", "esx03"))],
                  datastores=[store("san01", ["esx01", "esx02", "esx03"]), store("local01", ["esx01"])])
    analysis = analyze(estate, CONFIG)
    costing = cost_analysis(analysis)
    write_xlsx(analysis, costing, tmp_path / "f.xlsx")
    book = openpyxl.load_workbook(tmp_path / "f.xlsx")
    rows = list(book["Actions"].iter_rows(values_only=True))
    about = {str(r[0]): r[1] for r in book["About"].iter_rows(values_only=True)}
    return [dict(zip(rows[0], r)) for r in rows[1:]], about, costing.annual_total


def test_two_causes_of_one_guest_say_they_share_its_cost(tmp_path: Path) -> None:
    actions, about, total = _workbook(tmp_path, tied_twice=True)
    currency = next(k for k in actions[0] if str(k).startswith("Cost it addresses"))
    assert total > 0 and [a[currency] for a in actions] == [total, total]
    assert [a["No."] for a in actions] == [1, 2]
    assert [a["Cost shared with"] for a in actions] == ["Its cost is also counted under action 2: the same guests.",
                                                       "Its cost is also counted under action 1: the same guests."]
    assert about["Actions"] == (
        "Some actions address the same guests, whose cost each of their rows counts ('Cost shared with'), so the "
        f"column 'Cost it addresses' adds up to {money(2 * total)}, more than the {money(total)} a year in total: "
        "do not add it up.")


def test_a_cause_alone_shares_nothing(tmp_path: Path) -> None:
    actions, about, total = _workbook(tmp_path, tied_twice=False)
    assert len(actions) == 1 and actions[0]["Cost shared with"] is None and "Actions" not in about

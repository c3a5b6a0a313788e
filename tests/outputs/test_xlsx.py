"""The admins' workbook: one sheet per list, row for row the same as the findings JSON."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pyarrow.compute as pc
import pytest

from reportgen.outputs.findings_json import findings_document
from reportgen.outputs.xlsx import write_xlsx
from tests.report_fixtures import small_audit, small_estate


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> tuple[openpyxl.Workbook, dict, dict[str, int]]:
    audit = small_audit()
    path = tmp_path_factory.mktemp("xlsx") / "findings.xlsx"
    counts = write_xlsx(audit.analysis, audit.costing, path)
    return openpyxl.load_workbook(path), findings_document(audit.analysis, audit.costing), counts


def data_rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def test_sheets_and_row_counts_match_the_json(workbook) -> None:
    wb, doc, counts = workbook
    expected = {
        "Findings": len(doc["findings"]),
        "Guest clusters": sum(not c["suspected"] for c in doc["faux_clusters"]),
        "Suspected clusters": sum(c["suspected"] for c in doc["faux_clusters"]),
        "Host register": len(doc["hosts"]),
        "Waves": sum(len(w) for w in doc["waves"]),
        "Failure impact": sum(len(h["stranded_on_failure"]) + len(h["restart_unknown_on_failure"])
                              for h in doc["hosts"]),
        "Coverage": len(doc["coverage"]),
        "Data quality": len(doc["data_quality"]),
    }
    for name, rows in expected.items():
        assert len(data_rows(wb[name])) == rows == counts[name], name
    assert expected["Findings"] > 0 and expected["Data quality"] == 2


def test_every_sheet_has_a_frozen_header_and_a_filter(workbook) -> None:
    wb, _, counts = workbook
    for name in counts:
        ws = wb[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert all(c.value for c in ws[1]), name


def test_register_and_cluster_figures_agree_with_the_json(workbook) -> None:
    wb, doc, _ = workbook
    header = [c.value for c in wb["Host register"][1]]
    rows = {r[0]: dict(zip(header, r)) for r in data_rows(wb["Host register"])}
    missing = {c["rule"] for c in doc["coverage"] if c["status"] == "not-assessed"}
    assert missing  # RVTools cannot show every check's facts: a host with no tie found is not 'yes'
    for host in doc["hosts"]:
        row = rows[host["name"]]
        assert row["Wave"] == host["wave"] + 1
        assert row["Can be emptied"] == (f"no tie found; {len(missing)} checks could not run" if host["evacuable"]
                                         else "no")
        assert row["Cost a year (GBP)"] == pytest.approx(doc["cost"]["per_host"].get(host["name"], 0.0))
    header = [c.value for c in wb["Guest clusters"][1]]
    for r in data_rows(wb["Guest clusters"]):
        row = dict(zip(header, r))
        assert row["Cost a year (GBP)"] == pytest.approx(doc["cost"]["per_faux_cluster"].get(row["ID"], 0.0))


def test_names_that_look_like_formulas_stay_text(tmp_path: Path) -> None:
    estate = small_estate()
    guests = estate.guests
    names = pc.replace_substring(guests.column("name"), "licsrv", "=HYPERLINK(1)")
    estate.tables["guests"] = guests.set_column(guests.column_names.index("name"), "name", names)
    audit = small_audit(estate=estate)
    write_xlsx(audit.analysis, audit.costing, tmp_path / "f.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "f.xlsx")["Findings"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row]
    assert any(c.value == "=HYPERLINK(1)" and c.data_type == "s" for c in cells)
    assert all(c.data_type != "f" for c in cells)


def _sheet(wb: openpyxl.Workbook, name: str) -> list[dict]:
    header = [c.value for c in wb[name][1]]
    return [dict(zip(header, r)) for r in data_rows(wb[name])]


def test_each_cost_sheet_sums_to_the_json_total_and_names_its_currency(workbook) -> None:
    wb, doc, _ = workbook
    total = doc["cost"]["annual_total"]
    assert total > 0
    for name in ("Cost by unit", "Cost by host", "Cost by owner", "Host register"):
        rows = _sheet(wb, name)
        assert sum(r["Cost a year (GBP)"] or 0 for r in rows) == pytest.approx(total, abs=1.0), name
    cell = wb["Cost by host"]["F2"]
    assert "£" in cell.number_format


def test_money_columns_are_the_ones_naming_the_currency(workbook) -> None:
    wb, doc, _ = workbook

    def column_format(ws, index: int) -> str:
        return next((d.number_format for d in ws.column_dimensions.values() if d.min and d.min <= index <= d.max),
                    "General")

    currency = f"({doc['cost']['currency']})"
    mismatched = [(ws.title, c.value) for ws in wb.worksheets if ws.title != "About" for c in ws[1]
                  if ("#,##0" in column_format(ws, c.column)) != c.value.endswith(currency)]
    assert mismatched == []  # 'Cost centre' is a code, not an amount


def test_findings_sort_by_severity_rank_and_say_where_they_were_read(workbook) -> None:
    wb, doc, _ = workbook
    rows = _sheet(wb, "Findings")
    ranks = {r["Severity"]: r["Severity rank"] for r in rows}
    assert len(ranks) >= 2 and sorted(ranks, key=ranks.__getitem__) == sorted(ranks, key=["info", "low", "medium", "high", "critical"].index)
    node = next(r for r in rows if r["Guest"] == "sqlprod-n1" and r["Rule"] == "GEN-01")
    assert node["Owner"] == "dba-team" and node["Cluster"] == "Prod" and node["Guest cluster"] == "GC-001"
    assert node["Source file"] == "hand-built.xlsx" and node["Source tab"] == "vDisk" and node["Source rows"]


def test_actions_reach_every_cost_unit(workbook) -> None:
    wb, doc, _ = workbook
    rows = _sheet(wb, "Actions")
    assert rows and all(r["Effort"] in ("minutes", "change", "project") for r in rows)
    assert all(r["Why no host is freed alone"] for r in rows if not r["Hosts freed"])


def test_the_json_gives_the_wave_as_the_pdf_and_xlsx_number_it(workbook) -> None:
    wb, doc, _ = workbook
    rows = {r["Host"]: r for r in _sheet(wb, "Host register")}
    for host in doc["hosts"]:
        assert host["wave_number"] == rows[host["name"]]["Wave"] == host["wave"] + 1  # 'wave' stays 0-based
        assert host["name"] in doc["waves"][host["wave_number"] - 1]
    assert {r["Wave"] for r in _sheet(wb, "Waves")} == {h["wave_number"] for h in doc["hosts"]}

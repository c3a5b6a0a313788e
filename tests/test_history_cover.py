"""--history tells a tied host removed from the estate (decommissioned) from a freed one, as compare does."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import jsonschema

from reportgen.schemas import findings_schema
from tests.rvtools_files import small_estate, write_xlsx

ESX = "VMware ESXi 5.5.0 build-3116895"


def test_a_decommissioned_tied_host_is_removed_not_freed(cli, tmp_path: Path) -> None:
    """Before: 'since 2026-Q1: 1 hosts freed' for a host gone with its guests, and its guest cluster 'fixed'."""
    from pypdf import PdfReader

    history = tmp_path / "history"
    q1 = write_xlsx(small_estate(esx=ESX, exported=datetime(2026, 2, 1)), tmp_path / "q1.xlsx")
    later = small_estate(esx=ESX, exported=datetime(2026, 5, 1))
    later.hosts = {h: c for h, c in later.hosts.items() if h != "esx01.example.test"}
    later.guests = [g for g in later.guests if g.host != "esx01.example.test"]
    later.portgroups = [p for p in later.portgroups if p[0] != "esx01.example.test"]
    q2 = write_xlsx(later, tmp_path / "q2.xlsx")
    assert cli(["audit", q1, "--json", tmp_path / "q1.json", "--history", history]).code == 0
    result = cli(["audit", q2, "--json", tmp_path / "q2.json", "-o", tmp_path / "q2.pdf", "--history", history])
    assert result.code == 0, result.stderr
    assert "since 2026-Q1: 0 hosts freed, 0 newly tied; 1 tied hosts removed from the estate (not freed)" in result.stderr
    document = json.loads((tmp_path / "q2.json").read_text())
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    change = document["history"]["change"]
    assert change["hosts_freed"] == [] and change["hosts_removed"] == ["esx01.example.test"]
    assert change["faux_clusters_fixed"] == [] and change["guest_clusters_removed"] == ["sql (2 nodes)"]
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path / "q2.pdf").pages)
    assert "no longer in the estate (removed, e.g. decommissioned), not counted as freed: esx01.example.test" in text


def test_an_undated_export_says_it_is_filed_under_today_and_what_it_replaces(cli, tmp_path: Path) -> None:
    """Before: two undated exports (RVTools CSV folders) each said 'first quarter recorded', the second silently
    replacing the first's snapshot."""
    import shutil

    history = tmp_path / "history"
    csv = Path(__file__).resolve().parents[1] / "samples" / "rvtools-csv" / "acme-vc01"
    for name in ("q1", "q2"):
        shutil.copytree(csv, tmp_path / name)
    first = cli(["audit", tmp_path / "q1", "-q", "--json", tmp_path / "q1.json", "--history", history])
    assert first.code == 0, first.stderr
    assert "no export read has an export date" in first.stderr and "the quarter of the day it ran" in first.stderr
    second = cli(["audit", tmp_path / "q2", "--json", tmp_path / "q2.json", "--history", history])
    assert second.code == 0, second.stderr
    assert "first quarter recorded" not in second.stderr and "recorded again in" in second.stderr
    assert "snapshot written" in second.stderr and "is replaced by this audit" in second.stderr


def test_earlier_quarters_under_another_scope_are_named_not_silently_dropped(cli, tmp_path: Path) -> None:
    """Before: a run with a new --exclude said 'first quarter recorded', with no word of the earlier quarters."""
    history = tmp_path / "history"
    q1 = write_xlsx(small_estate(esx=ESX, exported=datetime(2026, 2, 1)), tmp_path / "q1.xlsx")
    q2 = write_xlsx(small_estate(esx=ESX, exported=datetime(2026, 5, 1)), tmp_path / "q2.xlsx")
    assert cli(["audit", q1, "-q", "--json", tmp_path / "q1.json", "--history", history]).code == 0
    result = cli(["audit", q2, "-q", "--json", tmp_path / "q2.json", "--history", history,
                  "--exclude", "host=esx04*"])
    assert result.code == 0, result.stderr
    assert ("earlier snapshots of these vCenters or Hyper-V clusters exist with another scope (the whole estate): "
            "they are kept apart and not compared with this audit's scope (excluding host esx04*)") in result.stderr


def test_a_quarter_priced_in_another_currency_is_not_compared(cli, tmp_path: Path) -> None:
    """The quarter-on-quarter change says the two yearly costs are in other currencies, never a plain rise."""
    history = tmp_path / "history"
    euros = tmp_path / "eur.toml"
    euros.write_text('[report]\ncurrency = "EUR"\n', encoding="utf-8")
    q1 = write_xlsx(small_estate(esx=ESX, exported=datetime(2026, 2, 1)), tmp_path / "q1.xlsx")
    q2 = write_xlsx(small_estate(esx=ESX, exported=datetime(2026, 5, 1)), tmp_path / "q2.xlsx")
    assert cli(["audit", q1, "-q", "--json", tmp_path / "q1.json", "--history", history]).code == 0
    result = cli(["audit", q2, "-q", "--json", tmp_path / "q2.json", "--history", history, "--config", euros])
    assert result.code == 0, result.stderr
    notes = json.loads((tmp_path / "q2.json").read_text())["history"]["change"]["notes"]
    assert "the yearly costs are not comparable: they are in different currencies (GBP then, EUR now)" in notes

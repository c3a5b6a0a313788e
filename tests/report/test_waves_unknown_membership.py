"""Hosts whose cluster membership is unknown are planned apart in the waves, and the report says so.

A host in no cluster the export shows, whose membership the export does not prove either, may be in a cluster
(a Prod host no tab names). The wave plan used to count it in no cluster and put it in the same wave as Prod's
hosts: with Prod allowing 2 hosts down, wave 1 took esx01, esx02 and the two unknown hosts, up to 4 Prod hosts.
Now such hosts get waves of their own, at most the lowest per-cluster limit of them per wave, marked in the wave
table ("cluster membership unknown: check by hand"), the JSON (waves_cluster_unknown) and the XLSX (cluster
"unknown").
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from openpyxl import load_workbook

from reportgen.audit import run_audit
from reportgen.cli import main
from reportgen.config import Config, WaveSettings
from tests.report.test_standalone_unknown import OFFICE, SITE, _export, _html

PROD = ("esx01.example.test", "esx02.example.test")


def _audit_json(tmp_path: Path, config: str, counted: int) -> dict[str, object]:
    conf = tmp_path / "reportgen.toml"
    conf.write_text(config)
    out = tmp_path / "findings.json"
    export = _export(tmp_path, clustered_hosts_counted=counted)
    assert main(["audit", str(export), "--config", str(conf), "--json", str(out), "--quiet"]) == 0
    return dict(json.loads(out.read_text()))


def test_hosts_of_unknown_membership_never_share_a_wave_with_a_clusters_hosts(tmp_path: Path) -> None:
    doc = _audit_json(tmp_path, "[waves]\nhosts_down_per_cluster = 2\n", counted=3)
    assert doc["waves"] == [list(PROD), [OFFICE, SITE]]  # Prod's 2 allowed down, then the unknown two
    assert doc["waves_cluster_unknown"] == [1]
    hosts = {h["name"]: h for h in doc["hosts"]}  # type: ignore[attr-defined]
    assert [hosts[n]["wave_number"] for n in (*PROD, OFFICE, SITE)] == [1, 1, 2, 2]


def test_the_lowest_per_cluster_limit_bounds_the_unknown_hosts_in_one_wave(tmp_path: Path) -> None:
    doc = _audit_json(tmp_path, "[waves]\nhosts_down_per_cluster = 2\n[waves.cluster_capacity]\nEdge = 1\n",
                      counted=3)
    assert doc["waves"] == [list(PROD), [OFFICE], [SITE]]  # they may be Edge's: one at a time
    assert doc["waves_cluster_unknown"] == [1, 2]


def test_proven_standalone_hosts_are_planned_as_before(tmp_path: Path) -> None:
    doc = _audit_json(tmp_path, "[waves]\nhosts_down_per_cluster = 2\n", counted=2)
    assert doc["waves"] == [sorted([*PROD, OFFICE, SITE])]
    assert doc["waves_cluster_unknown"] == []


def test_the_wave_table_marks_the_waves_to_check_by_hand(tmp_path: Path) -> None:
    audit = run_audit([_export(tmp_path, clustered_hosts_counted=3)],
                      Config(waves=WaveSettings(hosts_down_per_cluster=2)))
    text = _html(audit)
    plan = text[text.index("Wave plan With"):text.index("Failovers: guest clusters")].replace(" ,", ",")
    assert "all 4 hosts can be patched in 2 waves, the fewest possible with the hosts of unknown cluster " \
           "membership kept apart." in plan
    assert ("2 hosts of unknown cluster membership are planned apart, in waves of their own (marked \"cluster "
            "membership unknown\"): never with a host of a known cluster, and at most 2 in one wave (the lowest "
            "per-cluster limit), so that whichever cluster each is in, no wave takes more of its hosts down than "
            "allowed. Check those waves by hand once their cluster is known: they may fit in fewer.") in plan
    table = plan[plan.index("Wave Hosts"):].replace(". ", ".")  # host names break after their dots
    first, second = table[:table.index(" 2 esx08")], table[table.index(" 2 esx08"):]
    assert "cluster membership unknown" not in first
    assert f"2 {OFFICE}, {SITE} cluster membership unknown: check by hand" in second
    register = text[text.index("Host maintenance register Check"):text.index("Wave plan With")]
    assert "the wave plan counts them in no cluster" not in register
    assert "so the wave plan keeps them apart from every cluster's hosts (see Wave plan )" in register


def test_the_xlsx_waves_sheet_names_the_cluster_unknown(tmp_path: Path) -> None:
    book = tmp_path / "findings.xlsx"
    assert main(["audit", str(_export(tmp_path, clustered_hosts_counted=3)), "--xlsx", str(book), "--quiet"]) == 0
    rows = {r[1]: r for r in load_workbook(book, read_only=True)["Waves"].iter_rows(values_only=True)}
    assert rows[SITE][2] == "unknown" and rows[OFFICE][2] == "unknown" and rows[PROD[0]][2] == "Prod"


def test_a_guest_cluster_across_two_unknown_hosts_keeps_them_in_two_waves() -> None:
    from reportgen.wave_apart import plan_apart

    # hosts 0, 1 in cluster 0 (3 down allowed); hosts 2, 3 unknown, a tied guest cluster on 1, 2 and 3.
    fh_ptr, fh = np.array([0, 3], dtype=np.int32), np.array([1, 2, 3], dtype=np.int32)
    plan = plan_apart(1, fh_ptr, fh, np.array([0, 0, -1, -1], dtype=np.int32), np.array([3], dtype=np.int32),
                      np.array([False, False, True, True]), 3)
    waves = plan.wave.tolist()
    assert waves[0] == waves[1] == 0 and sorted(waves[2:]) == [1, 2] and plan.n_waves == plan.lower_bound == 3

"""What the wave plan promises about guest clusters: only when the checks behind it could run, and only for
guest clusters whose nodes cannot leave their hosts live."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from pathlib import Path

from reportgen.audit import run_audit
from reportgen.config import WaveSettings
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG
from tests.rvtools_files import Estate, Guest, small_estate, write_xlsx

PROMISE = "no guest cluster loses nodes on two of its hosts at once"


def _text(export: Path) -> str:
    audit = run_audit([export], CONFIG)
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_without_the_vdisk_tab_the_wave_plan_does_not_promise_guest_clusters_keep_a_node(tmp_path: Path) -> None:
    text = _text(write_xlsx(small_estate(), tmp_path / "no-vdisk.xlsx", drop=("vDisk",)))
    plan = text[text.index("can be patched in"):]
    assert PROMISE not in text
    assert ("Guest clusters could not be detected in this export (the shared-disk checks could not run): "
            "a wave may take two nodes of one guest cluster down together") in plan
    assert "guest clusters could not be detected, so a wave may take two nodes of one down together" in text


def test_with_the_vdisk_tab_the_wave_plan_keeps_its_promise(tmp_path: Path) -> None:
    text = _text(write_xlsx(small_estate(), tmp_path / "full.xlsx"))
    assert PROMISE in text
    assert "could not be detected" not in text


def _four_node_cluster(path: Path, hw: int, disk: dict[str, str]) -> Path:
    """Four nodes sharing one disk, each on its own host of a 4-host cluster."""
    hosts = {f"esx0{i}.example.test": "Prod" for i in range(1, 5)}
    guests = [Guest(f"rac0{i}", f"vm-10{i}", h, hw=hw, disks=[{}, {**disk, "Path": "[san01] rac01/rac01_1.vmdk"}])
              for i, h in enumerate(hosts, 1)]
    return write_xlsx(Estate(hosts=hosts, guests=guests), path)


def _plan(export: Path) -> str:
    audit = run_audit([export], replace(CONFIG, waves=WaveSettings(hosts_down_per_cluster=2)))
    html = render_html(build_report(audit.analysis, audit.costing, today=date(2026, 3, 31)))
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    return text[text.index("can be patched in"):][:700]


def test_a_guest_cluster_that_moves_live_takes_nodes_down_in_no_wave(tmp_path: Path) -> None:
    multi_writer = {"Sharing mode": "sharingMultiWriter", "Disk Mode": "independent_persistent"}
    plan = _plan(_four_node_cluster(tmp_path / "mw.xlsx", 19, multi_writer))
    assert "in 2 waves" in plan and "rac" not in plan
    assert "Cluster Prod has 4 hosts and allows 2 down at once, so it alone needs 2 waves" in plan


def test_a_guest_cluster_that_cannot_move_keeps_its_nodes_in_different_waves(tmp_path: Path) -> None:
    rdm = {"Raw": "True", "Raw Comp. Mode": "physicalMode", "Disk Mode": "independent_persistent",
           "Label": "SCSI controller 1", "Shared Bus": "physicalSharing", "Raw LUN ID": "0200aa"}
    plan = _plan(_four_node_cluster(tmp_path / "rdm.xlsx", 10, rdm))  # hardware 10: no vMotion of the nodes
    assert "in 4 waves" in plan
    assert ("Guest cluster GC-001 rac (4 nodes) cannot move live and has nodes on 4 hosts: no wave may take "
            "two of its nodes down, so it alone needs 4 waves") in plan


def test_nodes_sharing_a_host_are_said_to_go_down_together_in_its_wave(tmp_path: Path) -> None:
    """The plan promised no guest cluster would lose more than one node while its own table took both nodes of a
    guest cluster in a box down in their host's wave."""
    hosts = {"esx01.example.test": "Prod", "esx02.example.test": "Prod"}
    rdm = {"Raw": "True", "Raw Comp. Mode": "virtualMode", "Disk Mode": "independent_persistent",
           "Label": "SCSI controller 1", "Shared Bus": "virtualSharing", "Raw LUN ID": "0200aa",
           "Path": "[san01] sql01/sql01_1.vmdk"}
    guests = [Guest(f"sql0{i}", f"vm-10{i}", "esx01.example.test", hw=19, disks=[{}, rdm]) for i in (1, 2)]
    plan = _plan(write_xlsx(Estate(hosts=hosts, guests=guests), tmp_path / "box.xlsx"))
    assert PROMISE + " (1 guest cluster runs two or more nodes on one host, which go down together in that " \
        "host's wave)" in plan, plan
    assert "sql01" in plan and "sql02" in plan  # the table: both nodes to power off in esx01's wave

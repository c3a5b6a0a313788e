"""``reportgen check`` asks for the failovers the wave plan counts, and no others.

On the samples, check said "GC-002 hqrac01 (4 nodes), across boxes: fail over hqrac01-1 first" on hq-esx0203 and
"fail over SQLFCI-N1 first" / "fail over FS-N1 first" on HV01, while the report said these guest clusters tie no
host and the wave plan counted 1 failover (hqsqlcl01) in wave 1: Oracle RAC on multi-writer disks is vMotioned
(VMW-07), no failover. Both now follow :func:`reportgen.failovers.needs_failover`.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from reportgen.audit import Audit, run_audit, write_json
from reportgen.report.waves import plan_waves
from tests.conftest import SAMPLES

EXPORTS = [SAMPLES / "rvtools" / "acme-vc01.xlsx", SAMPLES / "hyperv" / "hyperv-3node.zip"]


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> tuple[Audit, Path]:
    path = tmp_path_factory.mktemp("failovers") / "s.json"
    audit = run_audit(EXPORTS)
    write_json(audit, path)
    return audit, path


def _failovers(host: dict[str, Any]) -> set[str]:
    """The guest clusters check tells to fail over before this host's work."""
    return {c["id"] for c in host["guest_clusters"] if c["failover"]}


def test_guest_clusters_whose_nodes_move_live_are_not_failed_over(cli, audited: tuple[Audit, Path]) -> None:
    _, path = audited
    rac = cli(["check", "hq-esx0203", "--from", path]).stdout
    assert ("    GC-002 hqrac01 (4 nodes), across boxes: moves live, no failover (hqrac01-1 leaves by live migration like "
            "any other guest)") in rac
    hv01 = cli(["check", "HV01", "--from", path]).stdout
    assert "    GC-005 SQLFCI (2 nodes), across boxes: moves live, no failover" in hv01
    assert "    GC-006 FS-N1 + FS-N2, across boxes: moves live, no failover" in hv01
    assert "fail over" not in rac + hv01
    sql = cli(["check", "hq-esx0103", "--from", path]).stdout  # shared disks on a physical-sharing bus: a failover
    assert "    GC-003 hqsqlcl01 (2 nodes), across boxes: fail over hqsqlcl01-n2 first, to hqsqlcl01-n1" in sql


def test_check_of_every_host_agrees_with_the_audit_json_and_the_wave_plan(cli, audited: tuple[Audit, Path]) -> None:
    audit, path = audited
    result = cli(["check", "*", "--json", "--from", path])
    answer = json.loads(result.stdout)["hosts"]
    document = json.loads(path.read_text(encoding="utf-8"))
    topology = {c["id"]: c["topology"] for c in document["faux_clusters"]}
    assert len(answer) == len(document["hosts"]) == audit.analysis.estate.hosts.num_rows
    by_label = {h["label"]: h for h in answer}
    per_wave: Counter[int] = Counter()
    for h in document["hosts"]:
        checked = by_label[h["label"]]
        degraded = {c for c in h["degraded_faux_clusters"] if topology[c] != "in-a-box"}
        assert _failovers(checked) == degraded, h["label"]
        assert checked["wave"] == h["wave_number"]
        for c in checked["guest_clusters"]:  # a failover is never asked of nodes that move live
            assert not (c["moves_live"] and (c["failover"] or c["fail_over_first"] or c["service_stops"])), c["id"]
        per_wave[checked["wave"]] += len(_failovers(checked))
    plan = {w.number: w.failovers for w in plan_waves(audit.analysis)}
    assert plan == {n: per_wave.get(n, 0) for n in plan}
    assert plan[1] == 1 and sum(plan.values()) == 2  # hqsqlcl01, one node in wave 1 and one in wave 2

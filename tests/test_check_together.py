"""``reportgen check`` with several hosts: what emptying them at the same time would do that none alone would."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reportgen.audit import run_audit, write_json
from reportgen.schemas import check_schema, findings_schema
from tests.conftest import SAMPLES

HYPERV = SAMPLES / "hyperv" / "hyperv-3node.zip"
ACME = SAMPLES / "rvtools" / "acme-vc01.xlsx"
NO_TARGET = ("can be moved only to HV01 ({rule}), named too: emptied together it has nowhere to go; empty these "
             "hosts one after another, or power it off")


@pytest.fixture(scope="module")
def hv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("together") / "hv.json"
    write_json(run_audit([HYPERV]), path)
    return path


def test_the_findings_json_says_which_hosts_a_guest_can_still_be_moved_to(hv: Path) -> None:
    document = json.loads(hv.read_text(encoding="utf-8"))
    jsonschema.validate(document, findings_schema())
    limited = {(f["rule"], f["guest"]["name"]): (f["host"], f["targets"], f["target_labels"])
               for f in document["findings"] if f.get("targets") is not None}
    # vSwitch-Backup is missing on HV03; LEGACY01's CPU model is HV01's and HV02's, not HV03's
    assert limited == {("HYV-07", "BACKUP01"): ("HV02", ["HV01"], ["HV01"]),
                       ("HYV-13", "LEGACY01"): ("HV02", ["HV01"], ["HV01"])}
    pinned = [f for f in document["findings"] if f["rule"] == "HYV-15" and f["severity"] == "critical"]
    assert pinned and all(f["targets"] is None for f in pinned)  # a single possible owner pins: no target list


def test_a_guest_whose_only_targets_are_named_too_cannot_be_emptied_with_them(cli, hv: Path) -> None:
    result = cli(["check", "HV01", "HV02", "--from", hv])
    assert result.code == 1
    assert f"  BACKUP01 on HV02 (owner unknown): {NO_TARGET.format(rule='HYV-07')}\n" in result.stdout
    assert f"  LEGACY01 on HV02 (owner unknown): {NO_TARGET.format(rule='HYV-13')}\n" in result.stdout
    answer = json.loads(cli(["check", "HV01", "HV02", "--from", hv, "--json"]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["all_evacuable"] is False
    assert [(t["name"], t["hosts"], t["targets"], t["rules"]) for t in answer["together"] if t["kind"] == "no-target"] \
        == [("BACKUP01", ["HV02", "HV01"], ["HV01"], ["HYV-07"]), ("LEGACY01", ["HV02", "HV01"], ["HV01"], ["HYV-13"])]


def test_a_guest_with_a_target_left_among_the_hosts_not_named_is_not_said(cli, hv: Path) -> None:
    answer = json.loads(cli(["check", "HV02", "HV03", "--from", hv, "--json"]).stdout)
    jsonschema.validate(answer, check_schema())
    assert [t for t in answer["together"] if t["kind"] == "no-target"] == []  # HV01 is left for both
    assert "nowhere to go" not in cli(["check", "HV02", "HV03", "--from", hv]).stdout


def test_more_hosts_of_a_cluster_than_the_wave_plan_lets_down_at_once_are_said(cli, tmp_path: Path) -> None:
    findings = tmp_path / "acme.json"
    assert cli(["audit", ACME, "-o", tmp_path / "acme.pdf", "--json", findings, "-q"]).code == 0
    assert {h["cluster_down_limit"] for h in json.loads(findings.read_text())["hosts"]} == {1}
    result = cli(["check", "hq-esx0101", "hq-esx0102", "--from", findings])
    assert result.code == 1
    assert ("  cluster HQ-PROD-01: 2 of its hosts are named (hq-esx0101.acme.local, hq-esx0102.acme.local), but at "
            "most 1 may be down at once (waves.hosts_down_per_cluster): empty them in turns\n") in result.stdout
    answer = json.loads(cli(["check", "hq-esx0101", "hq-esx0102", "--from", findings, "--json"]).stdout)
    jsonschema.validate(answer, check_schema())
    assert [(t["kind"], t["id"], t["limit"]) for t in answer["together"]] == [("cluster-limit", "HQ-PROD-01", 1)]
    config = tmp_path / "audit.toml"
    config.write_text("[waves]\nhosts_down_per_cluster = 2\n", encoding="utf-8")
    two = cli(["check", "hq-esx0101", "hq-esx0102", "--from", ACME, "--config", config, "--json", "-q"])
    assert json.loads(two.stdout)["together"] == [] and two.code == 5  # unproven alone, as before
    three = json.loads(cli(["check", "hq-esx010[123]", "--from", ACME, "--config", config, "--json", "-q"]).stdout)
    assert [(t["kind"], len(t["hosts"]), t["limit"]) for t in three["together"]] == [("cluster-limit", 3, 2)]


def test_a_findings_json_without_the_limit_is_read_with_the_default_and_says_so(cli, tmp_path: Path) -> None:
    hosts = [{"name": n, "evacuable": True, "wave": i, "cluster": "c1"} for i, n in enumerate(("a", "b", "c"))]
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"], ["b"], ["c"]], "coverage": [],
                "hosts": hosts}
    path = tmp_path / "old.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli(["check", "a", "b", "--from", path])
    assert result.code == 1
    assert ("  cluster c1: 2 of its hosts are named (a, b), but at most 1 may be down at once (the default of "
            "waves.hosts_down_per_cluster: the findings JSON does not record the audit's): empty them in turns\n"
            ) in result.stdout
    assert cli(["check", "a", "--from", path]).code == 0


def test_both_hosts_of_a_two_host_cluster_are_said_as_both(cli, tmp_path: Path) -> None:
    hosts = [{"name": n, "evacuable": True, "wave": i, "cluster": "c2"} for i, n in enumerate(("a", "b"))]
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"schema_version": 1, "faux_clusters": [], "waves": [["a"], ["b"]], "coverage": [],
                                "hosts": hosts}), encoding="utf-8")
    result = cli(["check", "a", "b", "--from", path])
    assert result.code == 1
    assert ("  cluster c2: both of its hosts are named (a, b): their guests have nowhere in the cluster to go; empty "
            "them one after another\n") in result.stdout


def test_clusters_of_one_name_in_two_datacenters_are_told_apart(cli, tmp_path: Path) -> None:
    hosts = [{"name": n, "evacuable": True, "wave": i, "cluster": "Common", "cluster_label": f"Common in {dc}"}
             for i, (n, dc) in enumerate((("a", "DC1"), ("b", "DC1"), ("c", "DC2"), ("d", "DC2"), ("e", "DC2")))]
    path = tmp_path / "f.json"
    path.write_text(json.dumps({"schema_version": 1, "faux_clusters": [], "coverage": [],
                                "waves": [[h["name"]] for h in hosts], "hosts": hosts}), encoding="utf-8")
    out = cli(["check", "a", "b", "c", "d", "--from", path]).stdout
    assert "  cluster Common in DC1: both of its hosts are named (a, b)" in out
    assert "  cluster Common in DC2: 2 of its hosts are named (c, d), but at most 1 may be down at once" in out

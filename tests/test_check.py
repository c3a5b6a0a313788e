"""``reportgen check``: the answer for one host before any work, as text, JSON and exit status."""

from __future__ import annotations

import io
import json
from pathlib import Path

import jsonschema
import pytest

from reportgen.audit import run_audit, write_json
from reportgen.check import check_hosts, register_from_document
from reportgen.check_names import match_hosts
from reportgen.check_output import format_check
from reportgen.cli import main
from reportgen.errors import InputError
from reportgen.exit_codes import ExitStatus
from reportgen.schemas import check_schema, findings_schema
from tests.conftest import SAMPLES, real_export

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"


@pytest.fixture(scope="module")
def findings(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("check") / "findings.json"
    write_json(run_audit([SAMPLE]), path)
    return path


def test_a_host_with_no_tie_on_an_export_that_cannot_show_every_tie_exits_5_not_0(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx0101", "--from", findings])
    assert result.code == ExitStatus.UNPROVEN == 5, result.stderr
    # RVTools cannot show three checks' facts: no tie found is not said as 'can be emptied'
    assert result.stdout.startswith("hq-esx0101.acme.local (cluster HQ-PROD-01): no tie found, but not proven: 3 "
                                    "checks could not run on its export (listed below)")
    assert "wave 3 of 4" in result.stdout
    assert "if it fails, no check that could run found a guest that could not restart elsewhere" in result.stdout
    assert "power off" not in result.stdout
    assert ("  not assessed from its export (3 checks): ties of these kinds are not known; check them by hand:\n"
            "    VMW-14: RVTools has no tab for PCI devices") in result.stdout
    assert "VMW-22: RVTools does not export CPU affinity" in result.stdout
    assert "1 host checked: 0 can be emptied, 1 with no tie found but not proven (checks could not run), 0 cannot" \
        in result.stdout
    answer = json.loads(cli(["check", "hq-esx0101", "--from", findings, "--json"]).stdout)
    assert answer["all_evacuable"] is False and answer["hosts"][0]["verdict"] == "unproven"


def test_a_host_with_no_tie_and_every_check_run_exits_0() -> None:
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]], "coverage": [],
                "hosts": [{"name": "a", "evacuable": True, "wave": 0}]}
    result = check_hosts(register_from_document(document, "f.json"), ["a"])
    assert result.all_evacuable and result.hosts[0].verdict == "yes" and not result.any_tied


def test_a_pinned_host_lists_guests_owners_the_node_to_fail_over_and_its_wave(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx0103.acme.local", "--from", findings])
    assert result.code == 1
    out = result.stdout
    assert "hq-esx0103.acme.local (cluster HQ-PROD-01): CANNOT be emptied by live migration now" in out
    assert "power off 2 guests first:" in out
    assert "hqapp03 · owner team-apps · VMW-17" in out
    assert "hqsqlcl01-n2 · owner team-dba · VMW-02 · guest cluster GC-003" in out
    assert "owners to ask: team-apps, team-dba" in out
    assert "GC-003 hqsqlcl01 (2 nodes), across boxes: fail over hqsqlcl01-n2 first, to hqsqlcl01-n1" in out
    assert "wave 1 of 4" in out
    # Unknown is never clean: what the export could not show is said.
    assert "not assessed from its export (3 checks)" in out and "    VMW-16: RVTools does not list vGPU" in out


def test_a_guest_cluster_in_a_box_stops_and_a_failure_strands_a_local_guest(cli, findings: Path) -> None:
    out = cli(["check", "hq-esx0202", "--from", findings]).stdout
    assert ("GC-001 hqfscib01 (2 nodes), in a box: no running node on another host: the service stops while "
            "hqfscib01-a, hqfscib01-b are off") in out
    assert "if it fails, 1 guest could not restart elsewhere:\n    hqweb10 · owner team-web · VMW-13" in out


def test_an_unknown_name_exits_2_with_close_matches(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx0109", "hq-esx0101", "--from", findings])
    assert result.code == 2
    assert ("reportgen: no host matches 'hq-esx0109'; did you mean hq-esx0104.acme.local, hq-esx0103.acme.local, "
            "hq-esx0102.acme.local, hq-esx0101.acme.local") in result.stderr
    assert "hq-esx0101.acme.local" in result.stdout  # the names that matched are still answered
    nothing = cli(["check", "zzz", "--from", findings])
    assert nothing.code == 2 and nothing.stderr == "reportgen: no host matches 'zzz'\n"


def test_globs_are_case_insensitive_and_files_of_names_are_read(cli, findings: Path, tmp_path: Path) -> None:
    dmz = cli(["check", "HQ-ESX03*", "--from", findings])
    assert dmz.code == 1  # the four are the whole of HQ-DMZ-01: together they cannot be emptied
    assert "4 hosts checked: 0 can be emptied, 4 with no tie found but not proven (checks could not run), 0 cannot" \
        in dmz.stdout
    listing = tmp_path / "hosts.txt"
    listing.write_text("# Tuesday's firmware\nhq-esx0101\n\nhq-esx020[34]   # two of them\nhq-esx0101.acme.local\n")
    result = cli(["check", f"@{listing}", "--from", findings])
    assert result.code == 1
    names = [line.split(" ")[0] for line in result.stdout.splitlines() if line.startswith("hq-")]
    assert names == ["hq-esx0101.acme.local", "hq-esx0203.acme.local", "hq-esx0204.acme.local"]
    missing = cli(["check", f"@{tmp_path / 'none.txt'}", "--from", findings])
    assert missing.code == 3 and "none.txt: cannot read the host list" in missing.stderr


def test_json_answer_follows_the_published_schema(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx010*", "hq-esx0202", "--json", "--from", findings])
    assert result.code == 1
    document = json.loads(result.stdout)
    schema = check_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(document)
    host_keys = set(schema["$defs"]["host"]["properties"])
    assert all(set(h) == host_keys for h in document["hosts"])  # every key emitted is documented
    by_name = {h["name"]: h for h in document["hosts"]}
    assert len(by_name) == 5 and document["all_evacuable"] is False
    h = by_name["hq-esx0202.acme.local"]
    assert not h["evacuable"] and h["owners"] == ["team-dba", "team-web"] and h["wave"] == 2
    assert {c["id"]: c["service_stops"] for c in h["guest_clusters"]} == {"GC-001": True, "GC-002": False, "GC-004": True}
    assert [g["name"] for g in h["stranded_on_failure"]] == ["hqweb10"]
    broken = {**document, "hosts": [{**h, "evacuable": "no"}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, schema)


def test_an_export_is_audited_first_and_gives_the_same_answer(cli, findings: Path) -> None:
    from_export = cli(["check", "hq-esx0103", "--json", "--quiet", "--from", SAMPLE])
    from_json = cli(["check", "hq-esx0103", "--json", "--from", findings])
    assert from_export.code == from_json.code == 1
    assert json.loads(from_export.stdout)["hosts"] == json.loads(from_json.stdout)["hosts"]


@pytest.mark.parametrize(("content", "message"), [
    (b"{not json", "not valid JSON"),
    (b'{"hosts": []}', "not a reportgen findings JSON"),
    (b'{"schema_version": 2, "hosts": []}', "schema_version 2 is not one this reportgen reads"),
    (b'{"schema_version": 1, "hosts": [{"name": "a"}], "faux_clusters": []}', "hosts[0] lacks a name or evacuable"),
])
def test_an_unreadable_findings_file_exits_3(cli, tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "f.json"
    path.write_bytes(content)
    result = cli(["check", "esx01", "--from", path])
    assert result.code == 3
    assert result.stderr.startswith(f"reportgen: input error: {path}: {message}")
    assert cli(["check", "esx01", "--from", tmp_path / "absent.json"]).code == 3


def test_a_findings_file_and_exports_together_are_refused(cli, findings: Path) -> None:
    result = cli(["check", "esx01", "--from", findings, "--from", SAMPLE])
    assert result.code == 2 and "not both" in result.stderr


def test_short_names_match_dns_names_but_addresses_are_whole() -> None:
    names = ["esx01.example.net", "10.0.0.1", "ESX02"]
    assert match_hosts(names, ["ESX01", "esx02", "10.0.0.1"])[0] == [0, 2, 1]
    found, unmatched = match_hosts(names, ["10"])
    assert found == [] and unmatched[0].pattern == "10"


def test_a_document_without_host_sources_reports_every_gap() -> None:
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]],
                "hosts": [{"name": "a", "evacuable": True, "wave": 0}],
                "coverage": [{"rule": "VMW-14", "status": "not-assessed", "reason": "no PCI tab", "source": "x.xlsx"}]}
    result = check_hosts(register_from_document(document, "f.json"), ["a"])
    assert not result.all_evacuable and result.hosts[0].verdict == "unproven" and result.hosts[0].wave == 1
    assert [n.rule for n in result.hosts[0].not_assessed] == ["VMW-14"]
    with pytest.raises(InputError, match="'hosts' is missing"):
        register_from_document({"schema_version": 1}, "f.json")


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone (``reportgen check … | head -1``)."""

    def write(self, text: str) -> int:
        raise BrokenPipeError(32, "Broken pipe")


def test_a_reader_that_stops_early_is_not_a_bug(findings: Path) -> None:
    err = io.StringIO()
    status = main(["check", "*", "--from", str(findings)], stdout=_ClosedPipe(), stderr=err)
    assert status == ExitStatus.OUTPUT
    assert err.getvalue() == ""


def test_a_guest_tied_only_by_connected_media_is_disconnected_not_powered_off(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx0203", "--from", findings])
    assert result.code == 1
    out = result.stdout
    assert "  power off 1 guest first:\n    hqdb06 · owner team-dba · VMW-13\n  owners to ask: team-dba\n" in out
    assert ("  disconnect the media of 1 guest while running (and clear 'Connect at power on'), then migrate "
            "(no power-off):\n    hqapp12 · owner team-apps · VMW-18\n") in out
    answer = json.loads(cli(["check", "hq-esx0203", "--from", findings, "--json"]).stdout)
    jsonschema.validate(answer, check_schema())
    host = answer["hosts"][0]
    assert [g["name"] for g in host["power_off"]] == ["hqdb06"] and host["owners"] == ["team-dba"]
    assert [g["name"] for g in host["disconnect_media"]] == ["hqapp12"] and host["verdict"] == "no"


def test_a_host_held_only_by_media_needs_no_power_off() -> None:
    from reportgen.check_output import format_check
    media = {"name": "iso-box", "key": "k1", "rules": ["VMW-19"], "owner": None, "faux_cluster": None}
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]], "coverage": [],
                "hosts": [{"name": "a", "evacuable": False, "wave": 0, "pinned_guests": [media]}]}
    result = check_hosts(register_from_document(document, "f.json"), ["a"])
    assert result.hosts[0].verdict == "media" and result.any_tied and not result.hosts[0].power_off
    text = format_check(result)
    assert text.startswith("a: CANNOT be emptied until connected media are disconnected (no power-off needed)\n")
    assert "power off" not in text and "1 host checked: 0 can be emptied, 1 cannot (1 only until media are " \
        "disconnected)" in text


def test_cluster_settings_that_keep_maintenance_mode_from_emptying_a_host_are_said() -> None:
    from reportgen.check_output import format_check
    drs_off = {"rule": "VMW-24", "guest": None, "host": None, "cluster": "C1", "effects": ["blocks-evacuation"],
               "evidence": "vCluster 'C1': DRS enabled = False; maintenance of its 2 host(s) needs guests moved by hand",
               "source": {"file": "vc01.xlsx"}}
    standalone = {"rule": "VMW-24", "guest": None, "host": "lone", "cluster": None, "effects": ["blocks-evacuation"],
                  "evidence": "no cluster (standalone host): no DRS, no HA", "source": {"file": "vc02.xlsx"}}
    ha_only = {**drs_off, "effects": ["blocks-restart-after-host-failure"], "evidence": "HA off"}
    hosts = [{"name": "esx1", "cluster": "C1", "source": "vc01.xlsx", "evacuable": True, "wave": 0},
             {"name": "esx2", "cluster": "C1", "source": "vc02.xlsx", "evacuable": True, "wave": 0},  # another C1
             {"name": "lone", "cluster": None, "source": "vc02.xlsx", "evacuable": True, "wave": 0}]
    coverage = [{"rule": "VMW-24", "status": "assessed", "source": f} for f in ("vc01.xlsx", "vc02.xlsx")]
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["esx1", "esx2", "lone"]], "coverage": coverage,
                "hosts": hosts, "findings": [drs_off, standalone, ha_only]}
    result = check_hosts(register_from_document(document, "f.json"), ["esx1", "esx2", "lone"])
    settings = {h.name: h.settings for h in result.hosts}
    assert settings == {"esx1": (f"VMW-24: {drs_off['evidence']}",), "esx2": (),
                        "lone": (f"VMW-24: {standalone['evidence']}",)}
    assert "esx1 (cluster C1): can be emptied by live migration now\n  maintenance mode will not empty it by " \
        "itself: VMW-24: vCluster 'C1': DRS enabled = False" in format_check(result)


def test_guests_that_would_tie_a_host_once_started_are_not_followed_by_a_clean_headline(cli, findings: Path) -> None:
    out = cli(["check", "hq-esx0102", "--from", findings]).stdout
    assert out.startswith("hq-esx0102.acme.local (cluster HQ-PROD-01): no tie found, but not proven: 3 checks could "
                          "not run on its export (listed below); 1 guest off now would tie it once started: keep "
                          "them off; 1 guest off now would tie it once started only by connected media (no "
                          "power-off)\n")
    assert "  owners to tell to keep them off: team-dba\n" in out


def test_a_guest_off_now_tied_once_started_only_by_media_is_not_to_be_kept_off(cli, findings: Path) -> None:
    """hqci02's CD drive is disconnected while it runs: no power-off, unlike hqdb02 on a datastore only its host sees."""
    out = cli(["check", "hq-esx0102", "--from", findings]).stdout
    assert "  off now, but tied once started (1 guest):\n    hqdb02 · owner team-dba · VMW-13\n" in out
    assert ("  off now, tied once started only by connected media (1 guest): once started, disconnect media (no "
            "power-off):\n    hqci02 · owner team-devops · VMW-18\n  owners to tell before the media are "
            "disconnected: team-devops\n") in out


def test_hosts_named_together_that_hold_every_node_of_a_guest_cluster_cannot_be_emptied_together(
        cli, findings: Path) -> None:
    result = cli(["check", "hq-esx0103", "hq-esx0104", "--from", findings])
    assert result.code == 1
    assert ("CANNOT be emptied together (each host's answer above is for that host alone):\n"
            "  guest cluster GC-003 hqsqlcl01 (2 nodes): every running node is on the hosts named (hqsqlcl01-n1 on "
            "hq-esx0104.acme.local, hqsqlcl01-n2 on hq-esx0103.acme.local): the service stops; put these hosts in "
            "different waves\n") in result.stdout
    assert result.stdout.endswith("2 hosts checked: 0 can be emptied, 2 cannot; together they cannot be emptied "
                                  "(2 reasons above)\n")  # and two hosts of HQ-PROD-01, where 1 may be down
    answer = json.loads(cli(["check", "hq-esx0103", "hq-esx0104", "--json", "--from", findings]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["together"][0] == {"kind": "guest-cluster", "id": "GC-003", "name": "hqsqlcl01 (2 nodes)",
                                     "hosts": ["hq-esx0103.acme.local", "hq-esx0104.acme.local"],
                                     "nodes": ["hqsqlcl01-n1 on hq-esx0104.acme.local",
                                               "hqsqlcl01-n2 on hq-esx0103.acme.local"], "suspected": False,
                                     "targets": [], "rules": [], "owner": None, "limit": None}
    alone = cli(["check", "hq-esx0103", "--json", "--from", findings])
    assert json.loads(alone.stdout)["together"] == [] and "together" not in cli(
        ["check", "hq-esx0103", "--from", findings]).stdout


def test_every_host_of_a_cluster_named_has_nowhere_to_go_and_does_not_exit_0_or_5(cli, findings: Path) -> None:
    result = cli(["check", "hq-esx03*", "--from", findings])
    assert result.code == 1
    assert ("  cluster HQ-DMZ-01: all 4 of its hosts are named (hq-esx0301.acme.local, hq-esx0302.acme.local, "
            "hq-esx0303.acme.local, hq-esx0304.acme.local): their guests have nowhere in the cluster to go; empty "
            "them one after another") in result.stdout
    answer = json.loads(cli(["check", "hq-esx03*", "--json", "--from", findings]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["all_evacuable"] is False
    assert [(t["kind"], t["id"], len(t["hosts"])) for t in answer["together"]] == [("cluster", "HQ-DMZ-01", 4)]
    three = cli(["check", "hq-esx030[123]", "--json", "--from", findings])
    # one host of HQ-DMZ-01 is left to go to, but the wave plan lets only one of its hosts be down at once
    assert three.code == 1 and [(t["kind"], len(t["hosts"]), t["limit"])
                                for t in json.loads(three.stdout)["together"]] == [("cluster-limit", 3, 1)]


def test_a_suspected_guest_cluster_with_nodes_on_the_host_is_said_as_suspected(cli, tmp_path: Path) -> None:
    nodes = [{"key": k, "name": k, "host": "hv02", "host_label": "hv02", "power_state": "poweredOn"}
             for k in ("apphb-1", "apphb-2")]
    document = {"schema_version": 1, "waves": [["hv02"]], "coverage": [],
                "faux_clusters": [{"id": "SC-001", "name": "apphb (2 nodes)", "topology": "in-a-box",
                                   "suspected": True, "guests": nodes}],
                "hosts": [{"name": "hv02", "evacuable": False, "wave": 0, "degraded_faux_clusters": [],
                           "pinned_guests": [{"key": n["key"], "name": n["name"], "owner": None,
                                              "rules": ["HYV-05"], "faux_cluster": None} for n in nodes]}]}
    path = tmp_path / "hv.json"
    path.write_text(json.dumps(document))
    out = cli(["check", "hv02", "--from", path]).stdout
    assert ("  guest clusters:\n    SC-001 apphb (2 nodes), in a box, suspected: no running node on another host: "
            "the service stops while apphb-1, apphb-2 are off") in out
    answer = json.loads(cli(["check", "hv02", "--json", "--from", path]).stdout)
    jsonschema.validate(answer, check_schema())
    assert [(c["id"], c["suspected"], c["service_stops"]) for c in answer["hosts"][0]["guest_clusters"]] == \
        [("SC-001", True, True)]


def test_a_guest_cluster_with_a_node_on_the_host_is_named_even_when_it_ties_nothing(cli, findings: Path) -> None:
    out = cli(["check", "hq-esx0201", "--from", findings]).stdout
    assert ("  guest clusters:\n    GC-002 hqrac01 (4 nodes), across boxes: moves live, no failover (hqrac01-2 leaves "
            "by live migration like any other guest)") in out
    assert "fail over" not in out  # Oracle RAC on multi-writer disks is vMotioned (VMW-07): the wave plan counts none


def test_the_owners_to_ask_come_with_the_email_and_team_of_the_owners_file(cli, tmp_path: Path) -> None:
    owned = tmp_path / "owned.json"
    assert cli(["audit", SAMPLE, "--owners", SAMPLES / "owners.csv", "--json", owned, "-q"]).code in (0, 1)
    result = cli(["check", "hq-esx0203", "--from", owned])
    assert "  owners to ask: Priya Raman (priya.raman@acme.example, Database Services)\n" in result.stdout
    answer = json.loads(cli(["check", "hq-esx0203", "--json", "--from", owned]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["hosts"][0]["owner_contacts"] == [  # hqapp12's owner too, told before its media are disconnected
        {"owner": "Jean-Luc Martin", "email": "jl.martin@acme.example", "team": "Licensing Apps"},
        {"owner": "Priya Raman", "email": "priya.raman@acme.example", "team": "Database Services"}]


def test_no_owner_recorded_says_how_to_name_owners() -> None:
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]], "coverage": [],
                "hosts": [{"name": "a", "evacuable": False, "wave": 0,
                           "pinned_guests": [{"key": "k", "name": "db", "owner": None, "rules": ["VMW-13"]}]}]}
    text = format_check(check_hosts(register_from_document(document, "f.json"), ["a"]))
    assert ("  owners to ask: none recorded (name owners with an owners file ('reportgen audit --owners', or [owner] "
            "file in audit.toml), or set [owner] column to the export's owner column)\n") in text


def test_a_cluster_name_is_answered_with_its_hosts_and_a_pattern(cli, findings: Path) -> None:
    result = cli(["check", "hq-prod-01", "--from", findings])
    assert result.code == 2 and result.stdout == ""
    assert result.stderr == ("reportgen: no host matches 'hq-prod-01': it names cluster HQ-PROD-01, whose hosts are "
                             "hq-esx0101.acme.local, hq-esx0102.acme.local, hq-esx0103.acme.local, "
                             "hq-esx0104.acme.local; name the hosts (or a pattern such as 'hq-esx010*'), and check "
                             "them one by one or together\n")
    answer = json.loads(cli(["check", "HQ-PROD-01", "--json", "--from", findings]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["unmatched"][0]["cluster"] == "HQ-PROD-01" and len(answer["unmatched"][0]["suggestions"]) == 4


def test_a_check_answer_given_as_findings_is_named_for_what_it_is(cli, findings: Path, tmp_path: Path) -> None:
    answer = tmp_path / "answer.json"
    answer.write_text(cli(["check", "hq-esx0203", "--json", "--from", findings]).stdout)
    result = cli(["check", "hq-esx0101", "--from", answer])
    assert result.code == 3
    assert "this is a 'reportgen check --json' answer, not a findings JSON" in result.stderr


def test_running_guests_with_no_known_host_may_run_on_the_host_and_leave_it_unproven(cli, tmp_path: Path) -> None:
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["a"]],
                "coverage": [{"rule": "VMW-01", "status": "assessed", "source": "vc.xlsx"}],
                "estate": {"unplaced_guests": [{"source": "vc.xlsx", "cluster": "db", "guests": 5, "running": 3},
                                               {"source": "vc.xlsx", "cluster": None, "guests": 1, "running": 1},
                                               {"source": "vc.xlsx", "cluster": "web", "guests": 9, "running": 9}]},
                "hosts": [{"name": "a", "cluster": "db", "source": "vc.xlsx", "evacuable": True, "wave": 0}]}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(document))
    result = cli(["check", "a", "--from", path])
    assert result.code == 5  # every check ran, but four running guests could be on it
    assert result.stdout.startswith("a (cluster db): no tie found, but not proven: running guests with no known host "
                                    "may run on it (below)\n  4 running guests with no known host in the export may "
                                    "run on it (3 of cluster db, 1 of no known cluster): their ties are not known\n")
    answer = json.loads(cli(["check", "a", "--json", "--from", path]).stdout)
    jsonschema.validate(answer, check_schema())
    assert answer["hosts"][0]["unplaced_running"] == 4 and answer["hosts"][0]["verdict"] == "unproven"


def test_the_findings_json_counts_the_guests_with_no_known_host() -> None:
    from reportgen.outputs.findings_json import _unplaced_document
    from tests.synthetic import estate_from_rows

    estate = estate_from_rows([{"name": "esx1", "cluster": "c1"}],
                              [{"name": "placed", "host": "esx1"}, {"name": "lost", "host": None},
                               {"name": "lost-off", "host": None, "power_state": "poweredOff"}],
                              [{"guest": "placed", "path": "[ds1] placed/placed.vmdk"}])
    assert _unplaced_document(estate) == [{"source": "hand-built.xlsx", "cluster": None, "guests": 2, "running": 1}]


def test_licenseware_hosts_are_told_of_the_running_guests_with_no_known_host(cli, tmp_path: Path) -> None:
    book = real_export("licenseware-3.x.xlsx")
    out = tmp_path / "lw.json"
    assert cli(["audit", book, "--json", out, "-q"]).code in (0, 1)
    jsonschema.validate(json.loads(out.read_text()), findings_schema())
    text = cli(["check", "bbtitlvmw012", "--from", out]).stdout
    assert ("  14 running guests with no known host in the export may run on it (13 of cluster BBT Databases, 1 of no "
            "known cluster): their ties are not known") in text

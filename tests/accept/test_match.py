"""What each match key accepts on a small estate, identity across a rename, and matching under --redact."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from reportgen.accept import AcceptFile, parse_acceptances
from reportgen.audit import Audit, run_audit
from reportgen.causes import cause_label
from tests.rvtools_files import small_estate, write_xlsx

SIGN_OFF = 'reason = "vendor support"\nowner = "dba team"\napproved_by = "CAB"\nexpires = 2027-03-31\n'
ESX01 = "esx01.example.test"


def estate_with_local_ties():  # type: ignore[no-untyped-def]
    """small_estate plus web01 on a datastore and a port group only esx04 has (cause: local04, Isolated)."""
    estate = small_estate()
    estate.datastores = {"san01": list(estate.hosts), "local04": ["esx04.example.test"]}
    web = estate.guests[4]
    web.datastore = "local04"
    web.nics = [{"Network": "Isolated", "Switch": "vSwitch9"}]
    estate.portgroups.append(("esx04.example.test", "Isolated", "vSwitch9", False))
    return estate


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_xlsx(estate_with_local_ties(), tmp_path_factory.mktemp("accept") / "vc.xlsx")


def audit(export: Path, entries: str, as_of: dt.date | None = None, redact: bool = False) -> Audit:
    return run_audit([export], accept=AcceptFile("accept.toml", parse_acceptances(entries)), as_of=as_of,
                     redact=redact)


def accepted(result: Audit) -> Counter[tuple[str, str]]:
    """(guest name, rule) of each accepted finding."""
    assert result.acceptance is not None
    names = result.analysis.guest_names
    return Counter((names[f.guest_key or ""], f.rule) for f, a in zip(result.analysis.findings,
                                                                      result.acceptance.findings) if a is not None)


def entry(keys: str) -> str:
    return f"[[accept]]\n{keys}\n{SIGN_OFF}"


def test_without_an_accept_file_nothing_is_judged(export: Path) -> None:
    result = run_audit([export])
    assert result.acceptance is None
    assert result.worst_severity() is not None and result.worst_severity().label == "critical"  # type: ignore[union-attr]


def test_guests_accepts_a_guest_cluster_whose_members_are_exactly_these(export: Path) -> None:
    result = audit(export, entry('guests = ["SQL02", "sql01"]'))
    assert result.acceptance is not None
    assert set(accepted(result)) == {(g, r) for g in ("sql01", "sql02") for r in ("GEN-01", "GEN-02", "VMW-02")}
    gc = {c.name: c.id for c in result.analysis.guest_clusters}
    assert set(result.acceptance.clusters) == {gc["sql (2 nodes)"]}
    assert set(result.acceptance.guests) == {k for k, n in result.analysis.guest_names.items() if n.startswith("sql")}
    (only,) = result.acceptance.entries
    assert (only.status, only.findings, only.guest_clusters) == ("active", 6, 1)


@pytest.mark.parametrize("members", ['["sql01"]', '["sql01", "sql02", "sql03"]', '["sql01", "fs01"]'])
def test_guests_does_not_accept_a_cluster_with_other_members(export: Path, members: str) -> None:
    result = audit(export, entry(f"guests = {members}"))
    assert result.acceptance is not None
    assert not accepted(result) and not result.acceptance.clusters
    # the guest cluster it names is there with other members: changed (sign it off again), never "remove it"
    assert result.acceptance.entries[0].status == "changed"
    assert {"guest cluster sql (2 nodes) now also has sql02: review it and sign it off again as it is",
            "guest cluster sql (2 nodes) no longer has sql03: review it and sign it off again as it is",
            "guest cluster sql (2 nodes) now also has sql02 and no longer has fs01: review it and sign it off again "
            "as it is"} & set(result.acceptance.entries[0].why)


def test_guest_pattern_accepts_each_guest_it_names_and_clusters_whose_members_all_match(export: Path) -> None:
    result = audit(export, entry('guest = "FS0?"'))
    assert result.acceptance is not None
    assert {g for g, _ in accepted(result)} == {"fs01", "fs02"}
    assert [result.analysis.guest_clusters[i].name for i, c in enumerate(result.analysis.guest_clusters)
            if c.id in result.acceptance.clusters] == ["fs01 + fs02"]
    partial = audit(export, entry('guest = "fs01"'))
    assert partial.acceptance is not None and not partial.acceptance.clusters
    assert {g for g, _ in accepted(partial)} == {"fs01"}
    assert not partial.acceptance.guests.keys() - {k for k, n in partial.analysis.guest_names.items() if n == "fs01"}


def test_host_matches_the_exported_name_or_the_short_name(export: Path) -> None:
    for pattern in ("esx01", "ESX01.example.test", "esx?1*"):
        result = audit(export, entry(f'host = "{pattern}"'))
        assert {g for g, _ in accepted(result)} == {"sql01", "sql02"}, pattern
    across = audit(export, entry('host = "esx02*"'))  # the fs cluster runs on esx02 and esx03
    assert {g for g, _ in accepted(across)} == {"fs01"}
    assert across.acceptance is not None and not across.acceptance.clusters


def test_cluster_accepts_what_runs_in_the_vsphere_cluster(export: Path) -> None:
    result = audit(export, entry('cluster = "test"'))
    assert {g for g, _ in accepted(result)} == {"web01"}
    prod = audit(export, entry('cluster = "Prod"'))
    assert {g for g, _ in accepted(prod)} == {"sql01", "sql02", "fs01", "fs02"}
    assert prod.acceptance is not None and len(prod.acceptance.clusters) == 2


def test_rule_accepts_findings_of_that_rule_only(export: Path) -> None:
    result = audit(export, entry('rule = "vmw-02"'))
    assert set(r for _, r in accepted(result)) == {"VMW-02"}
    assert sum(accepted(result).values()) == 4
    assert result.acceptance is not None and not result.acceptance.clusters  # their other rules stay open
    assert not result.acceptance.guests


def test_cause_names_the_datastore_or_port_group(export: Path) -> None:
    assert set(accepted(audit(export, entry('cause = "local*"')))) == {("web01", "VMW-13")}
    assert set(accepted(audit(export, entry('cause = "isolated"')))) == {("web01", "VMW-10")}
    assert audit(export, entry('cause = "nowhere"')).acceptance.entries[0].status == "stale"  # type: ignore[union-attr]


def test_cause_names_a_port_group_whose_name_holds_a_slash(tmp_path: Path) -> None:
    estate = estate_with_local_ties()
    estate.guests[4].nics = [{"Network": "VLAN 10/20", "Switch": "vSwitch9"}]
    estate.portgroups[-1] = ("esx04.example.test", "VLAN 10/20", "vSwitch9", False)
    export = write_xlsx(estate, tmp_path / "vc.xlsx")
    assert set(accepted(audit(export, entry('cause = "VLAN 10/20"')))) == {("web01", "VMW-10")}
    labels = {cause_label(f.cause, {}) for f in run_audit([export]).analysis.findings if f.cause}
    assert labels == {"VLAN 10/20 on esx04.example.test", "local04"}


@pytest.mark.parametrize("cause", ["sql (2 nodes)", "SQL (*"])
def test_cause_names_a_guest_cluster_by_its_name(export: Path, cause: str) -> None:
    result = audit(export, entry(f'cause = "{cause}"'))
    assert result.acceptance is not None
    assert {g for g, _ in accepted(result)} == {"sql01", "sql02"}
    assert [c for c in result.acceptance.clusters] == ["GC-001"]


def test_all_keys_given_must_match(export: Path) -> None:
    assert {g for g, _ in accepted(audit(export, entry('guest = "sql*"\nrule = "GEN-01"')))} == {"sql01", "sql02"}
    assert sum(accepted(audit(export, entry('guest = "sql*"\nrule = "GEN-01"'))).values()) == 2
    assert not accepted(audit(export, entry('guest = "sql*"\nhost = "esx02*"')))


def test_statuses_follow_as_of(export: Path) -> None:
    text = entry('guest = "web01"').replace("2027-03-31", "2026-04-15")
    assert audit(export, text).acceptance.entries[0].status == "due"  # type: ignore[union-attr]  # exported 2026-03-01
    assert audit(export, text, as_of=dt.date(2025, 1, 1)).acceptance.entries[0].status == "active"  # type: ignore[union-attr]
    late = audit(export, text, as_of=dt.date(2026, 4, 16))
    assert late.acceptance is not None and late.acceptance.entries[0].status == "expired"
    assert late.acceptance.entries[0].findings == 2
    assert not accepted(late)  # an expired acceptance accepts nothing: the findings are open again


def test_a_later_entry_in_force_still_accepts_what_an_expired_one_matched(export: Path) -> None:
    text = entry('guest = "web01"').replace("2027-03-31", "2020-01-01") + entry('cluster = "Test"')
    result = audit(export, text)
    assert result.acceptance is not None
    assert [e.status for e in result.acceptance.entries] == ["expired", "active"]
    assert {a.entry for a in result.acceptance.findings if a is not None} == {2}


def test_a_renamed_guest_stays_accepted_by_identity(tmp_path: Path) -> None:
    estate = small_estate()
    estate.guests[0].name = "sql01-new"  # same VM ID and VM UUID as when the entry was written
    export = write_xlsx(estate, tmp_path / "renamed.xlsx")
    key = "5A1E7C3B-1111-4222-8333-944455556666/vm-101"
    result = audit(export, entry(f'guests = ["sql01", "sql02"]\nids = ["{key}", "uuid:5000VM-102"]'))
    assert result.acceptance is not None
    (only,) = result.acceptance.entries
    assert (only.status, only.guest_clusters, only.renamed) == ("active", 1, (("sql01", "sql01-new"),))
    assert {g for g, _ in accepted(result)} == {"sql01-new", "sql02"}
    single = audit(export, entry(f'guest = "sql01"\nids = ["{key}"]'))
    assert single.acceptance is not None and single.acceptance.entries[0].renamed == (("sql01", "sql01-new"),)
    by_name = audit(export, entry('guests = ["sql01", "sql02"]'))
    assert by_name.acceptance is not None and by_name.acceptance.entries[0].status == "changed"
    assert by_name.acceptance.entries[0].why == ("guest cluster sql01-new + sql02 now also has sql01-new and no longer "
                                                 "has sql01: review it and sign it off again as it is",)


def test_under_redact_entries_match_the_real_names_and_show_none(export: Path) -> None:
    text = (entry('guests = ["sql01", "sql02"]\nhost = "esx01"') + entry('cause = "local04"\ncluster = "Test"')
            + entry('guest = "nosuch"'))
    plain, redacted = audit(export, text), audit(export, text, redact=True)
    assert plain.acceptance is not None and redacted.acceptance is not None
    assert [(e.status, e.findings, e.guest_clusters) for e in redacted.acceptance.entries] == \
        [(e.status, e.findings, e.guest_clusters) for e in plain.acceptance.entries] == \
        [("active", 6, 1), ("active", 1, 0), ("stale", 0, 0)]
    shown = repr(redacted.acceptance)
    for real in ("sql01", "esx01", "local04", "Test", "dba team", "CAB", "vendor support", "nosuch"):
        assert real not in shown, real
    names = set(redacted.analysis.guest_names.values())
    assert set(redacted.acceptance.entries[0].entry.guests) <= names  # the pseudonyms the tables show

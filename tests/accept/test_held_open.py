"""A guest cluster accepted as a whole while a member's own finding (another cause) is open: the guest
cluster, its members and its cost count as open in every output until that finding is accepted too."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from reportgen.accept import AcceptFile, parse_acceptances
from reportgen.audit import Audit, run_audit
from tests.rvtools_files import small_estate, write_xlsx

SIGN_OFF = 'reason = "vendor support"\nowner = "file team"\napproved_by = "CAB"\nexpires = 2099-03-31\n'
CLUSTER = f'[[accept]]\ncause = "fs01 + fs02"\n{SIGN_OFF}'
LOCAL = f'[[accept]]\ncause = "local03"\n{SIGN_OFF}'


@pytest.fixture(scope="module")
def export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """small_estate with fs02 (of the across-boxes pair fs01/fs02) also on a datastore only esx03 has."""
    estate = small_estate()
    estate.datastores = {"san01": list(estate.hosts), "local03": ["esx03.example.test"]}
    estate.guests[3].datastore = "local03"
    return write_xlsx(estate, tmp_path_factory.mktemp("held") / "vc.xlsx")


def judged(export: Path, entries: str) -> Audit:
    return run_audit([export], accept=AcceptFile("accept.toml", parse_acceptances(entries)))


def test_the_cluster_is_held_open_while_a_members_own_finding_is_open(export: Path) -> None:
    audit = judged(export, CLUSTER)
    judgement = audit.acceptance
    assert judgement is not None
    fs = next(c for c in audit.analysis.guest_clusters if c.name == "fs01 + fs02")
    (entry,) = judgement.entries
    assert entry.status == "active" and entry.guest_clusters == 1
    (held,) = entry.held_open
    assert held.cluster == fs.id
    assert {guest for guest, _ in held.open_findings} == {"fs02"}
    assert fs.id not in judgement.clusters
    assert not {g.key for g in fs.guests} & set(judgement.guests)
    open_cost, accepted_cost = judgement.split_cost(audit.costing)
    assert (open_cost, accepted_cost) == (round(audit.costing.annual_total), 0)
    assert audit.worst_severity() is not None


def test_accepting_the_members_finding_too_accepts_the_cluster_and_its_cost(export: Path) -> None:
    audit = judged(export, CLUSTER + LOCAL)
    judgement = audit.acceptance
    assert judgement is not None
    fs = next(c for c in audit.analysis.guest_clusters if c.name == "fs01 + fs02")
    assert not any(e.held_open for e in judgement.entries)
    assert fs.id in judgement.clusters
    open_cost, accepted_cost = judgement.split_cost(audit.costing)
    assert accepted_cost == round(audit.costing.per_guest_cluster[fs.id]) > 0
    assert open_cost + accepted_cost == round(audit.costing.annual_total)


def test_pdf_json_and_stderr_agree_that_the_cost_is_open(cli, export: Path, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text(CLUSTER)
    pdf, out = tmp_path / "r.pdf", tmp_path / "f.json"
    result = cli(["audit", export, "-o", pdf, "--json", out, "--accept", accept])
    assert result.code == 0
    assert ("entry 1 (line 1: cause fs01 + fs02) accepts guest cluster fs01 + fs02, but fs02's "
            in result.stderr)
    assert "the guest cluster and its cost count as open until that is fixed or accepted too" in result.stderr
    document = json.loads(out.read_text())
    total = round(document["cost"]["annual_total"])
    assert document["acceptances_cost"] == {"open": total, "accepted": 0}
    assert re.search(rf"yearly cost \D*{total:,}\S* open, \D*0 accepted", result.stderr), result.stderr
    fs = next(c for c in document["faux_clusters"] if c["name"] == "fs01 + fs02")
    assert fs["accepted"] is None
    (held,) = document["acceptances"][0]["held_open"]
    assert held["guest_cluster"] == fs["id"] and {f["guest"] for f in held["open_findings"]} == {"fs02"}
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(pdf).pages)
    assert "fs01 + fs02 stays open (its cost too): fs02's" in text
    assert re.search(r"Of the (\S+) a year, \1 is open and \D*0 is accepted", text), text


def test_without_a_held_cluster_the_json_split_matches_the_summary(cli, export: Path, tmp_path: Path) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text(CLUSTER + LOCAL)
    out = tmp_path / "f.json"
    result = cli(["audit", export, "--json", out, "--accept", accept])
    assert result.code == 0 and "stays open" not in result.stderr and "count as open" not in result.stderr
    document = json.loads(out.read_text())
    fs = next(c for c in document["faux_clusters"] if c["name"] == "fs01 + fs02")
    assert fs["accepted"] is not None
    split = document["acceptances_cost"]
    assert split["accepted"] == round(document["cost"]["per_faux_cluster"][fs["id"]]) > 0
    assert split["open"] + split["accepted"] == round(document["cost"]["annual_total"])

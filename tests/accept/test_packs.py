"""Owner action packs with accepted exceptions: each pack lists exactly its owner's entries, with expiry and
status, and marks what an exception in force accepts."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from reportgen.accept import load_acceptances
from reportgen.audit import Audit, run_audit
from reportgen.cli import main
from reportgen.pack_accept import accepted_marks, pack_acceptances
from reportgen.packs import build_packs
from reportgen.report.pack_model import Pack
from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
OWNERS = SAMPLES / "owners.csv"
ACCEPT = SAMPLES / "accept.toml"

EXPECTED = {
    # owner -> (what, expires, status) of the entries of samples/accept.toml they own, expired and due first
    "Priya Raman": [("guest hqdb02", "2025-03-31", "expired"),
                    ("guests hqsqlcl01-n1, hqsqlcl01-n2", "2026-03-31", "active")],
    "Tomás Ferreira": [("guest hqfscib01-?; rule *", "2025-08-15", "due")],
    "Sam O'Neil": [("host hq-esx0202; rule VMW-13", "2026-06-30", "active")],
    "CI/CD: Build & Release": [("cluster HQ-PROD-01; rule VMW-18", "2025-12-31", "active")],
    "Jean-Luc Martin": [("rule VMW-17", "2026-01-31", "active")],
}


def packs_of(audit: Audit) -> dict[str, Pack]:
    assert audit.acceptance is not None
    built = build_packs(audit.analysis, audit.costing, accepted=pack_acceptances(audit.acceptance),
                        marks=accepted_marks(audit.acceptance))
    return {p.owner: p for p in built}


@pytest.fixture(scope="module")
def audit() -> Audit:
    return run_audit([SAMPLE], owners=OWNERS, accept=load_acceptances(ACCEPT))


def test_each_pack_lists_exactly_its_owners_acceptances_with_expiry_and_status(audit: Audit) -> None:
    packs = packs_of(audit)
    shown = {owner: [(a.what, a.expires, a.status) for a in p.acceptances] for owner, p in packs.items()}
    assert {o: s for o, s in shown.items() if s} == EXPECTED
    assert set(EXPECTED) < set(packs)  # and the owners who own none get packs without any
    # Owned by people with no tied guest (no pack): in no pack at all.
    everywhere = {a.what for p in packs.values() for a in p.acceptances}
    assert "cause Isolated" not in everywhere and "guest hqerp-old01" not in everywhere
    assert packs["Priya Raman"].acceptances[0].approved_by == "Change advisory board"


def test_accepted_guests_and_guest_clusters_are_marked_expired_ones_are_not(audit: Audit) -> None:
    packs = packs_of(audit)
    priya = {g.name: g.accepted for g in packs["Priya Raman"].guests}
    mark = "accepted until 2026-03-31 (entry 1, Priya Raman)"
    assert priya["hqsqlcl01-n1"] == priya["hqsqlcl01-n2"] == mark
    assert priya["hqdb02"] is None  # its entry expired: open again
    clusters = {c.name: c.accepted for c in packs["Priya Raman"].clusters}
    assert [m for m in clusters.values() if m] == [mark]
    tomas = packs["Tomás Ferreira"]
    assert {g.accepted for g in tomas.guests} == {"accepted until 2025-08-15 (entry 2, Tomás Ferreira)"}
    # Marked whoever owns the entry; a guest with an open tie left is not marked.
    assert [g.accepted for g in packs["Web Platform"].guests] == ["accepted until 2026-05-31 (entry 6, Network team)"]
    assert {g.name: g.accepted for g in packs["Jean-Luc Martin"].guests}["hqapp12"] is None


def test_without_an_accept_file_no_pack_shows_acceptances(tmp_path: Path) -> None:
    err = io.StringIO()
    code = main(["audit", str(SAMPLE), "--owners", str(OWNERS), "--owner-packs", str(tmp_path / "packs"),
                 "--json", str(tmp_path / "f.json"), "-q"], stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    from pypdf import PdfReader

    for pdf in (tmp_path / "packs").glob("*.pdf"):
        text = " ".join(page.extract_text() or "" for page in PdfReader(pdf).pages)
        assert "accepted" not in text.lower(), pdf.name


def test_the_pack_pdfs_show_the_owners_acceptances(tmp_path: Path) -> None:
    from pypdf import PdfReader

    err = io.StringIO()
    code = main(["audit", str(SAMPLE), "--owners", str(OWNERS), "--accept", str(ACCEPT), "--owner-packs",
                 str(tmp_path / "packs"), "--json", str(tmp_path / "f.json"), "-q"], stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    with (tmp_path / "packs" / "owners.csv").open(encoding="utf-8-sig") as handle:
        files = {row["owner"]: row["pack"] for row in __import__("csv").DictReader(handle)}
    texts = {owner: " ".join(" ".join(p.extract_text() or "" for p in PdfReader(tmp_path / "packs" / name).pages)
                             .split()) for owner, name in files.items()}
    priya = texts["Priya Raman"]
    assert "Exceptions you have accepted" in priya
    for shown in ("guest hqdb02", "2025-03-31", "expired", "renew or fix", "2026-03-31", "active",
                  "accepted until 2026-03-31 (entry 1, Priya Raman)", "Change advisory board"):
        assert shown in priya, shown
    assert "hqfscib01-?" not in priya and "VMW-17" not in priya.split("Exceptions you have accepted")[1]
    assert "due" in texts["Tomás Ferreira"] and "2025-08-15" in texts["Tomás Ferreira"]
    assert "hqsqlcl01-n1, hqsqlcl01-n2" not in texts["Tomás Ferreira"]
    for owner, text in texts.items():
        assert ("Exceptions you have accepted" in text) == (owner in EXPECTED), owner
    document = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    assert [a["owner"] for a in document["acceptances"] if a["owner"] in EXPECTED] == [
        "Priya Raman", "Tomás Ferreira", "Sam O'Neil", "CI/CD: Build & Release", "Jean-Luc Martin", "Priya Raman"]


def test_redacted_packs_keep_each_owners_acceptances_and_show_no_real_name(tmp_path: Path) -> None:
    audit = run_audit([SAMPLE], owners=OWNERS, accept=load_acceptances(ACCEPT), redact=True)
    packs = packs_of(audit)
    with_acceptances = {o: [(a.expires, a.status) for a in p.acceptances] for o, p in packs.items() if p.acceptances}
    assert sorted(with_acceptances.values()) == sorted([(e, s) for _, e, s in v] for v in EXPECTED.values())
    for pack in with_acceptances:
        assert pack not in EXPECTED
        for a in packs[pack].acceptances:
            assert "hqdb02" not in a.what and "hqsqlcl01" not in a.what and "Database" not in a.reason


def test_an_owner_spelled_in_another_case_reaches_the_same_redacted_pack(tmp_path: Path) -> None:
    shouted = tmp_path / "accept.toml"
    shouted.write_text(ACCEPT.read_text(encoding="utf-8").replace('owner = "Priya Raman"', 'owner = " PRIYA RAMAN"'),
                       encoding="utf-8")
    plain = packs_of(run_audit([SAMPLE], owners=OWNERS, accept=load_acceptances(shouted)))
    hidden = packs_of(run_audit([SAMPLE], owners=OWNERS, accept=load_acceptances(shouted), redact=True))
    shown = [(a.expires, a.status) for a in plain["Priya Raman"].acceptances]
    assert shown == [(e, s) for _, e, s in EXPECTED["Priya Raman"]]
    assert sorted(sorted((a.expires, a.status) for a in p.acceptances) for p in hidden.values() if p.acceptances) == \
        sorted(sorted((e, s) for _, e, s in v) for v in EXPECTED.values())


def test_owner_pseudonyms_ignore_case_as_owners_are_matched() -> None:
    from reportgen.redact import Redactor

    r = Redactor("k")
    assert r.value("owner", "Priya Raman") == r.value("owner", "priya raman ") == r.value("owner", "PRIYA RAMAN")
    assert r.value("owner", "Priya Raman") != r.value("owner", "Sam O'Neil")

"""Owner action packs (--owner-packs): one PDF per owner naming exactly their tied guests, owners.csv, file names."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.cli import main
from reportgen.packs import MAX_NAME_BYTES, owners_csv, safe_file_name
from reportgen.render.packs import render_pack_html
from reportgen.report.pack_model import Pack, PackAcceptance, PackBrand, PackGuest, PackModel
from tests.conftest import SAMPLES, CliResult

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
OWNERS = SAMPLES / "owners.csv"


@dataclass(frozen=True)
class Packs:
    folder: Path
    document: dict
    rows: list[dict[str, str]]
    texts: dict[str, str]
    """Pack file name -> its text, white space made single spaces."""
    pages: dict[str, int]


def read_packs(folder: Path, document: dict) -> Packs:
    from pypdf import PdfReader

    with (folder / "owners.csv").open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts, pages = {}, {}
    for pdf in sorted(folder.glob("*.pdf")):
        reader = PdfReader(pdf)
        texts[pdf.name] = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
        pages[pdf.name] = len(reader.pages)
    return Packs(folder, document, rows, texts, pages)


def run_packs(out: Path, *extra: str) -> Packs:
    err = io.StringIO()
    code = main(["audit", str(SAMPLE), "--owners", str(OWNERS), "--owner-packs", str(out / "packs"), "--json",
                 str(out / "f.json"), "-q", *extra], stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    return read_packs(out / "packs", json.loads((out / "f.json").read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def packs(tmp_path_factory: pytest.TempPathFactory) -> Packs:
    return run_packs(tmp_path_factory.mktemp("packs"))


def tied_by_owner(document: dict) -> dict[str, set[str]]:
    """Owner -> names of their guests that tie a host today or once started, from the findings JSON."""
    owners: dict[str, set[str]] = {}
    for host in document["hosts"]:
        for g in (*host["pinned_guests"], *host["pinned_at_next_power_on"]):
            if g["owner"]:
                owners.setdefault(g["owner"], set()).add(g["name"])
    return owners


def names(text: str, candidates: set[str]) -> set[str]:
    """The candidates a text names as whole words (a name wrapped over two lines counts too)."""
    squeezed = text.replace(" ", "")
    return {n for n in candidates if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)
            or re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", squeezed)}


def test_one_pack_per_owner_with_a_tied_guest(packs: Packs) -> None:
    tied = tied_by_owner(packs.document)
    assert set(tied) == {"Priya Raman", "Jean-Luc Martin", "Web Platform", "Sam O'Neil", "Tomás Ferreira",
                         "CI/CD: Build & Release", "team-messaging"}
    assert {r["owner"] for r in packs.rows} == set(tied)
    assert {r["pack"] for r in packs.rows} == set(packs.texts)
    assert all(1 <= n <= 2 for n in packs.pages.values()), packs.pages


def test_each_pack_names_exactly_its_owners_tied_guests(packs: Packs) -> None:
    from reportgen.audit import run_audit

    every = set(run_audit([SAMPLE]).estate.guests.column("name").to_pylist())
    tied = tied_by_owner(packs.document)
    for row in packs.rows:
        text = packs.texts[row["pack"]]
        assert row["owner"] in text
        assert names(text, every) == tied[row["owner"]], row["owner"]


def test_owners_csv_agrees_with_the_packs(packs: Packs) -> None:
    document = packs.document
    tied = tied_by_owner(document)
    clusters = {c["id"]: {g["name"] for g in c["guests"]} for c in document["faux_clusters"] if not c["suspected"]}
    assert list(packs.rows[0]) == ["owner", "email", "team", "guests", "guest_clusters", "hosts_blocked",
                                   "yearly_cost", "pack"]
    for row in packs.rows:
        owner, text = row["owner"], packs.texts[row["pack"]]
        hosts = {h["name"] for h in document["hosts"]
                 if any(g["owner"] == owner for g in (*h["pinned_guests"], *h["pinned_at_next_power_on"]))}
        assert int(row["guests"]) == len(tied[owner])
        assert int(row["hosts_blocked"]) == len(hosts)
        assert int(row["guest_clusters"]) == sum(1 for members in clusters.values() if members & tied[owner])
        assert float(row["yearly_cost"]) == document["cost"]["per_owner"].get(owner, 0.0)
        assert all(h in text.replace(" ", "") for h in hosts)
        assert f"£{float(row['yearly_cost']):,.0f}" in text
        if row["email"]:
            assert row["email"] in text.replace(" ", "")
    priya = next(r for r in packs.rows if r["owner"] == "Priya Raman")
    assert (priya["email"], priya["team"], priya["guests"], priya["guest_clusters"], priya["hosts_blocked"]) == \
        ("priya.raman@acme.example", "Database Services", "6", "2", "5")


def test_a_pack_says_waves_and_fixes(packs: Packs) -> None:
    text = packs.texts[next(r["pack"] for r in packs.rows if r["owner"] == "Priya Raman")]
    assert "Hosts you block, and the patch waves that need your approval" in text
    assert re.search(r"Wave 1: hq-esx0103\.\s?acme\.local", text)
    assert "Make hqsqlcl01 (2 nodes) movable" in text and "£5,085" in text
    assert "stays tied by other causes" in text  # a fix that frees no host alone says so, naming no one else


def test_a_pack_names_the_audit_reports_page_of_a_guest_clusters_steps(packs: Packs) -> None:
    """A pack has no guest-cluster pages: 'its page, GC-004, lists the steps' pointed at nothing."""
    text = packs.texts[next(r["pack"] for r in packs.rows if r["owner"] == "Priya Raman")]
    assert "movable first (the audit report's page GC-004 lists the steps)" in text
    assert not any("its page" in t for t in packs.texts.values())


def test_redacted_packs_leak_no_real_name(tmp_path: Path) -> None:
    from tests.leaks import input_values, leaks
    from tests.test_owners_redact import owners_values

    packs = run_packs(tmp_path, "--redact")
    values = {**input_values([SAMPLE]), **owners_values(OWNERS)}
    assert len(packs.texts) == 7
    for name, text in packs.texts.items():
        found = leaks(values, f"{name}\n{text}", wrapped=True)
        assert not found, (name, [v.text for v in found[:10]])
    found = leaks(values, (packs.folder / "owners.csv").read_text(encoding="utf-8-sig"))
    assert not found, [v.text for v in found[:10]]
    assert all(r["owner"].startswith("owner-") and r["pack"].startswith("owner-") for r in packs.rows)


@pytest.mark.parametrize(("owner", "expected"), [
    ("Priya Raman", "Priya_Raman.pdf"),
    ("CON", "owner_CON.pdf"),
    ("nul.txt", "owner_nul.txt.pdf"),
    ("com1", "owner_com1.pdf"),
    ("CI/CD: Build & Release", "CI_CD_Build_Release.pdf"),
    ("..\\..\\etc/passwd", "etc_passwd.pdf"),
    ("Zoë Ångström", "Zoë_Ångström.pdf"),
    ("Zoe\u0308", "Zoë.pdf"),  # NFC: one file name whatever the normal form
    ("tab\there\x00nul", "tab_here_nul.pdf"),
    ("///", "owner.pdf"),
    ("trailing dots...", "trailing_dots.pdf"),
    ("right\u202eto\u202cleft", "right_to_left.pdf"),
])
def test_pack_file_names_are_safe_everywhere(owner: str, expected: str) -> None:
    assert safe_file_name(owner, set()) == expected


def test_pack_file_names_are_short_and_unique_whatever_the_case() -> None:
    taken: set[str] = set()
    assert [safe_file_name(o, taken) for o in ("Alice", "alice", "ALICE", "a/lice", "a:lice")] == \
        ["Alice.pdf", "alice-2.pdf", "ALICE-3.pdf", "a_lice.pdf", "a_lice-2.pdf"]
    long = safe_file_name("Ж" * 300, set())
    assert len(long.removesuffix(".pdf").encode("utf-8")) <= MAX_NAME_BYTES and long.startswith("ЖЖ")
    assert safe_file_name("owners", {"owners.pdf"}) == "owners-2.pdf"


def pack(owner: str, **kw: object) -> Pack:
    fields: dict = dict(owner=owner, email=None, team=None, cost_centre=None, file_name="x.pdf",
                        guests=(PackGuest("g1", "h1", None, ("VMW-13",), None, "today"),), clusters=(), hosts=(),
                        waves=(), annual_cost=12.5, fixes=())
    fields.update(kw)
    return Pack(**fields)


def test_owners_csv_cells_never_run_as_formulas() -> None:
    text = owners_csv((pack("=HYPERLINK(\"http://evil\")", email="+1 555", team="@team"),))
    row = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))[1]
    assert row[:3] == ["'=HYPERLINK(\"http://evil\")", "'+1 555", "'@team"]
    assert row[3:] == ["1", "0", "0", "12.50", "x.pdf"]


def test_accepted_exceptions_show_with_their_expiry() -> None:
    brand = PackBrand("Audit", "Acme", "Firm", "", None, "GBP", "2026-12-05")
    html = render_pack_html(PackModel(brand, pack("Alice", acceptances=(
        PackAcceptance("hqapp03: host USB dongle", "2027-03-31", "licence dongle until the move", "active", "CAB"),))))
    assert "Exceptions you have accepted" in html and "2027-03-31" in html and "licence dongle" in html
    assert "Exceptions you have accepted" not in render_pack_html(PackModel(brand, pack("Alice")))


def test_packs_never_replace_an_input(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    folder = tmp_path / "packs"
    folder.mkdir()
    owners = folder / "owners.csv"
    owners.write_text(OWNERS.read_text(encoding="utf-8"), encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owners", owners, "--owner-packs", folder, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 2 and "the --owner-packs output is an input of the audit" in result.stderr
    assert owners.read_text(encoding="utf-8") == OWNERS.read_text(encoding="utf-8")
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owner-packs", tmp_path / "file", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 2 and "--owner-packs must name a folder" in result.stderr
    result = cli(["audit", SAMPLE, "--owner-packs", tmp_path / "no" / "packs", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 4 and "the folder above it does not exist" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_accepted_exceptions_reach_their_owners_pack_only() -> None:
    from reportgen.audit import run_audit
    from reportgen.packs import build_packs

    audit = run_audit([SAMPLE], owners=OWNERS)
    accepted = PackAcceptance("guest cluster hqsqlcl02", "2027-06-30", "in-a-box by design until the rebuild", "active",
                              "CAB")
    packs = {p.owner: p for p in build_packs(audit.analysis, audit.costing, accepted=[("priya raman", accepted)])}
    assert packs["Priya Raman"].acceptances == (accepted,)
    assert all(not p.acceptances for owner, p in packs.items() if owner != "Priya Raman")


def test_packs_of_owners_gone_are_removed_only_when_unchanged(cli, tmp_path: Path) -> None:
    folder, owners = tmp_path / "packs", tmp_path / "owners.csv"
    text = OWNERS.read_text(encoding="utf-8")
    owners.write_text(text, encoding="utf-8")
    args = ["audit", SAMPLE, "--owners", owners, "--owner-packs", folder, "--json", tmp_path / "f.json", "-q"]
    assert cli(args).code == 0
    before = {p.name for p in folder.glob("*.pdf")}
    record = json.loads((folder / ".reportgen-packs.json").read_text())["packs"]
    assert set(record) == before
    gone = sorted(n for n in before if n.startswith(("Tom", "Sam")))
    assert len(gone) == 2
    with (folder / gone[1]).open("ab") as edited:
        edited.write(b"% signed off\n")
    mine = folder / "notes.pdf"
    mine.write_bytes(b"%PDF-1.4 someone else's file\n")
    owners.write_text(text.replace("Tomás Ferreira", "Tomas F.").replace("Sam O'Neil", "S. O'Neil"), encoding="utf-8")
    result = cli(args)
    assert result.code == 0, result.stderr
    after = {p.name for p in folder.glob("*.pdf")}
    assert gone[0] not in after and gone[1] in after and mine.name in after
    assert f"{folder / gone[1]}: the pack of an owner no longer present was changed since reportgen wrote it; kept" \
        in result.stderr
    assert "removed 1 pack(s) of owners no longer present" in result.stderr
    assert set(json.loads((folder / ".reportgen-packs.json").read_text())["packs"]) == after - {gone[1], mine.name}


def test_owners_differing_only_by_case_get_one_pack(tmp_path: Path) -> None:
    text = OWNERS.read_text(encoding="utf-8")
    lines = text.splitlines()
    lines[2] = lines[2].replace("Priya Raman", "PRIYA RAMAN ")  # hqsqlcl02-*
    lines[3] = lines[3].replace("Priya Raman", "priya raman")  # hqdb*
    owners = tmp_path / "owners.csv"
    owners.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = io.StringIO()
    code = main(["audit", str(SAMPLE), "--owners", str(owners), "--owner-packs", str(tmp_path / "packs"), "--json",
                 str(tmp_path / "f.json"), "-q"], stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    document = json.loads((tmp_path / "f.json").read_text(encoding="utf-8"))
    result = read_packs(tmp_path / "packs", document)
    priya = [r for r in result.rows if r["owner"].lower().strip() == "priya raman"]
    assert [r["owner"] for r in priya] == ["Priya Raman"] and priya[0]["pack"] == "Priya_Raman.pdf"
    assert not [n for n in result.texts if n.lower().startswith("priya") and n != "Priya_Raman.pdf"]
    tied = tied_by_owner(document)
    assert {o for o in tied if o.lower().strip() == "priya raman"} == {"Priya Raman"}
    assert [o for o in document["cost"]["per_owner"] if o.lower().strip() == "priya raman"] == ["Priya Raman"]
    assert names(result.texts["Priya_Raman.pdf"], tied["Priya Raman"]) == tied["Priya Raman"]
    notes = [i["message"] for i in document["data_quality"] if "differ only by case" in i["message"]]
    assert len(notes) == 1 and "'PRIYA RAMAN'" in notes[0] and "'Priya Raman'" in notes[0]

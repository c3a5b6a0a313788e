"""Owners from a file (--owners): precedence, CMDB exports, what matched nothing, unowned guests, bad files."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reportgen.audit import Audit, run_audit
from reportgen.config import parse_config
from reportgen.errors import InputError
from reportgen.owners_file import parse_owners
from reportgen.schemas import findings_schema
from tests.conftest import CHECKER, SAMPLES, CliResult

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
HQWEB10_UUID = "501c7430-bcde-7bdc-2650-4b01743640b4"


def owners_of(audit: Audit) -> dict[str, tuple[str | None, str | None]]:
    """Guest name -> (owner, source); names that occur twice are left out."""
    g = audit.estate.guests
    names = g.column("name").to_pylist()
    pairs = zip(names, zip(g.column("owner").to_pylist(), g.column("owner_source").to_pylist(), strict=True),
                strict=True)
    return {n: p for n, p in pairs if names.count(n) == 1}


def audit_with(tmp_path: Path, text: str, name: str = "owners.csv", **config: object) -> Audit:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return run_audit([SAMPLE], parse_config(dict(config)) if config else None, owners=path)


def test_uuid_beats_exact_name_beats_longest_pattern(tmp_path: Path) -> None:
    rows = ["guest,vm_uuid,owner", "hqweb*,,Short Pattern", "hqweb1?,,Long Pattern", "hqweb10,,Exact Name",
            f",{HQWEB10_UUID.upper()},By Uuid"]
    owners = owners_of(audit_with(tmp_path, "\n".join(rows)))
    assert owners["hqweb10"] == ("By Uuid", "file")  # the UUID, whatever its case
    assert owners["hqweb12"] == ("Long Pattern", "file")  # hqweb1? is longer than hqweb*
    assert owners["hqweb09"] == ("Short Pattern", "file")
    owners = owners_of(audit_with(tmp_path, "\n".join(rows[:4])))
    assert owners["hqweb10"] == ("Exact Name", "file")
    owners = owners_of(audit_with(tmp_path, "\n".join(rows[:3])))
    assert owners["hqweb10"] == ("Long Pattern", "file")


def test_every_key_of_a_row_must_fit_and_the_export_owner_stays_elsewhere(tmp_path: Path) -> None:
    audit = audit_with(tmp_path, "guest,cluster,owner\nhqweb*,HQ-DMZ-*,DMZ Web\n")
    owners = owners_of(audit)
    assert owners["hqweb12"] == ("DMZ Web", "file")  # in HQ-DMZ-01
    assert owners["hqweb09"] == ("team-web", "export")  # in HQ-PROD-02: the custom attribute stays
    assert audit.ownership.guests_from_file == 7 and audit.ownership.guests_from_export == 77  # hqweb11-17; no template


def test_rows_that_tie_with_different_owners_use_neither(tmp_path: Path) -> None:
    audit = audit_with(tmp_path, "guest,owner\nhqapp0?,Alice\nhqapp?3,Bob\n")
    assert owners_of(audit)["hqapp03"] == ("team-apps", "export")
    messages = [i.message for i in audit.analysis.estate.issues if i.file == "owners.csv"]
    assert "guest 'hqapp03': owners file rows 2 and 3 fit it equally well and give different owners (Alice, Bob); " \
           "the file's owner is not used for it" in messages


def test_a_cmdb_export_with_extra_columns_and_other_header_names(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    cmdb = tmp_path / "cmdb.csv"
    cmdb.write_text(
        "sys_id;CI Name;Class;Responsible;E-Mail;Assignment Group;Cost Center;Install Status\n"
        "a1;HQSQLCL01-N1;Server;Priya Raman;priya@acme.example;DBA;CC-1;Installed\n"
        "a2;hqsqlcl01-n2;Server;Priya Raman;;DBA;CC-1;Installed\n"
        "a3;hqapp03;Server;Jean Martin;jean@acme.example;Apps;CC-2;Installed\n", encoding="utf-8")
    out = tmp_path / "f.json"
    result = cli(["audit", SAMPLE, "--owners", cmdb, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.validate(document, findings_schema())
    if CHECKER.exists():  # the contract checker sits beside the repository, when it is there
        checked = subprocess.run([sys.executable, str(CHECKER), str(out)], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout
    owners = {o["owner"]: o for o in document["owners"]["owners"]}
    assert owners["Priya Raman"] == {"owner": "Priya Raman", "email": "priya@acme.example", "team": "DBA",
                                     "cost_centre": "CC-1", "sources": ["file"], "guests": 2}
    assert owners["team-dba"]["sources"] == ["export"]
    assert document["owners"]["file"] == "cmdb.csv"
    by_guest = {f["guest"]["name"]: (f["owner"], f["owner_source"]) for f in document["findings"] if f["guest"]}
    assert by_guest["hqsqlcl01-n1"] == ("Priya Raman", "file")
    assert by_guest["hqapp03"] == ("Jean Martin", "file")
    assert by_guest["hqweb10"] == ("team-web", "export")
    cluster_hosts = {h["name"]: h["owners_to_ask"] for h in document["hosts"]}
    assert "Priya Raman" in cluster_hosts["hq-esx0104.acme.local"]


def test_unmatched_rows_and_unowned_guests_are_reported(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    (tmp_path / "owners.csv").write_text("guest,owner\nhqsqlcl01-*,Priya\nhqgone01,Nobody Now\n", encoding="utf-8")
    (tmp_path / "audit.toml").write_text('[owner]\ncolumn = "No Such Column"\nfile = "owners.csv"\n', encoding="utf-8")
    out = tmp_path / "f.json"
    result = cli(["audit", SAMPLE, "--config", tmp_path / "audit.toml", "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    owners = document["owners"]
    assert owners["unmatched_rows"] == [{"row": 3, "column": "guest", "value": "hqgone01", "owner": "Nobody Now"}]
    unowned = {g["name"]: g for g in owners["unowned_guests"]}
    assert "hqsqlcl01-n1" not in unowned
    assert unowned["hqsqlcl02-n1"]["hosts"] == ["hq-esx0202.acme.local"]
    assert unowned["hqsqlcl02-n1"]["faux_cluster"] is not None
    assert set(unowned) == {"hqci02", "hqdb02", "hqapp03", "hqweb09", "hqmail01", "hqfscib01-a", "hqfscib01-b",
                            "hqsqlcl02-n1", "hqsqlcl02-n2", "hqweb10", "hqapp12", "hqdb06"}
    quality = [q["message"] for q in document["data_quality"]]
    assert "owners file row matches no guest ('hqgone01'); not used" in quality
    assert any(m.startswith("guest 'hqapp03' ties host hq-esx0103.acme.local but has no owner") for m in quality)
    assert "owners: 2 guest(s) from the owners file, 0 from the export's owner column, 82 without an owner" in quality


NO_ROW = "has no row with an owner and a guest, vm_uuid, cluster or folder"


@pytest.mark.parametrize(("text", "where", "message"), [
    ("guest,email\nhqapp03,a@b.example\n", "owners.csv, row 1", "has no owner column"),
    ("owner,email\nAlice,a@b.example\n", "owners.csv, row 1", "has no column saying which guests a row is about"),
    ("Guest,Owner,owner\nhqapp03,Alice,Bob\n", "owners.csv, row 1, column 'owner'",
     "columns 'Owner' and 'owner' both give the owner"),
    ("guest,owner\nhqapp03,\n", "owners.csv, row 2, column 'owner'",
     f"{NO_ROW} (1 row(s) not used; this one: row has no owner)"),
    ("guest,owner\nhqapp03,=HYPERLINK(\"http://x\")\nhqapp12,@SUM(A1)\n", "owners.csv, row 2, column 'owner'",
     f"{NO_ROW} (2 row(s) not used; this one: cell looks like a spreadsheet formula, not a name)"),
    ("guest,owner\nhqapp03,A\x07lice\n", "owners.csv, row 2, column 'owner'",
     f"{NO_ROW} (1 row(s) not used; this one: cell holds control characters)"),
    ("guest,owner\nhqapp03," + "A" * 10240 + "\n", "owners.csv, row 2, column 'owner'",
     f"{NO_ROW} (1 row(s) not used; this one: cell is longer than 256 characters)"),
    ("", "owners.csv", "the file is empty"),
])
def test_unusable_files_exit_3_naming_file_row_and_column(
    tmp_path: Path, cli: Callable[..., CliResult], text: str, where: str, message: str
) -> None:
    path = tmp_path / "owners.csv"
    path.write_text(text, encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owners", path, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3
    assert f"reportgen: input error: {tmp_path / where}: {message}" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_a_missing_file_or_another_kind_of_file(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    result = cli(["audit", SAMPLE, "--owners", tmp_path / "nope.csv", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 3 and f"{tmp_path / 'nope.csv'}: no such file or folder" in result.stderr
    (tmp_path / "owners.json").write_text("{}", encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owners", tmp_path / "owners.json", "--json", tmp_path / "f.json", "-q"])
    assert result.code == 2 and "an owners file must be a .csv or .xlsx file" in result.stderr
    result = cli(["audit", SAMPLE, "--owners", SAMPLE.parent / "acme-vc01.truth.json", "-o", SAMPLE, "-q"])
    assert result.code == 2  # never an output over an input


def test_an_owners_file_is_never_overwritten(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    path = tmp_path / "owners.csv"
    path.write_text("guest,owner\nhqapp03,Alice\n", encoding="utf-8")
    result = cli(["audit", SAMPLE, "--owners", path, "--json", path, "-q"])
    assert result.code == 2, result.stderr
    assert path.read_text(encoding="utf-8") == "guest,owner\nhqapp03,Alice\n"


def test_cells_that_cannot_be_names_skip_their_row_with_its_row_and_column(tmp_path: Path) -> None:
    text = ("guest,owner,email\n"
            "hqapp03,=HYPERLINK(\"http://x\"),a@b.example\n"
            "hqapp12,Bob,@SUM(1)\n"
            "hqdb06,Carol\tX,c@b.example\n"
            f"hqdb02,{'D' * 300},d@b.example\n"
            "hqci02,Erin,e@b.example\n"
            ",,\n")
    audit = audit_with(tmp_path, text)
    issues = {(i.row, i.column): i.message for i in audit.analysis.estate.issues if i.file == "owners.csv"}
    assert issues[(2, "owner")] == "owners file cell looks like a spreadsheet formula, not a name; row not used"
    assert issues[(3, "email")] == "owners file cell looks like a spreadsheet formula, not a name; row not used"
    assert issues[(4, "owner")] == "owners file cell holds control characters; row not used"
    assert issues[(5, "owner")] == "owners file cell is longer than 256 characters; row not used"
    assert "1 blank row(s) of the owners file skipped" in [i.message for i in audit.analysis.estate.issues]
    owners = owners_of(audit)
    assert owners["hqapp03"] == ("team-apps", "export") and owners["hqci02"] == ("Erin", "file")


def test_cells_with_c1_controls_or_right_to_left_overrides_are_not_names(tmp_path: Path) -> None:
    """'Bob\u202elapyap' shows as 'Bobpaypal' reversed: a name that does not read as it is spelled is no owner."""
    text = ("guest,owner\n"
            "hqapp03,Bob\u202elapyap\n"
            "hqapp12,Al\x9bice\n"
            "hqdb\u2067*,Carol\n"
            "hqci02,Erin\n")
    audit = audit_with(tmp_path, text)
    issues = {(i.row, i.column): i.message for i in audit.analysis.estate.issues if i.file == "owners.csv"}
    for where in ((2, "owner"), (3, "owner"), (4, "guest")):
        assert issues[where] == "owners file cell holds control characters; row not used", where
    assert owners_of(audit)["hqci02"] == ("Erin", "file")
    assert "Bob\u202elapyap" not in {o for o, _ in owners_of(audit).values()}


def test_encodings_excel_writes(tmp_path: Path) -> None:
    text = "guest;owner\nhqapp03;Tomás Ferreira\n"
    for name, data in (("cp1252.csv", text.encode("cp1252")), ("utf16.csv", text.encode("utf-16")),
                       ("bom.csv", "\ufeff".encode() + text.encode())):
        (tmp_path / name).write_bytes(data)
        audit = run_audit([SAMPLE], owners=tmp_path / name)
        assert owners_of(audit)["hqapp03"] == ("Tomás Ferreira", "file"), name
    (tmp_path / "cut.csv").write_bytes(text.encode("utf-16")[:-1])
    with pytest.raises(InputError, match="UTF-16 text that cannot be decoded"):
        run_audit([SAMPLE], owners=tmp_path / "cut.csv")


def test_an_xlsx_owners_file(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Application Owner", "VM Name", "Notes"])
    sheet.append(["Priya Raman", "hqsqlcl0?-n*", "two clusters"])
    sheet.append(["Nobody", "hqgone*", None])
    book.save(tmp_path / "owners.xlsx")
    audit = run_audit([SAMPLE], owners=tmp_path / "owners.xlsx")
    assert owners_of(audit)["hqsqlcl02-n2"] == ("Priya Raman", "file")
    assert [(u.row, u.column, u.value) for u in audit.ownership.unmatched] == [(3, "VM Name", "hqgone*")]
    (tmp_path / "bad.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    with pytest.raises(InputError, match="cannot be read as an xlsx workbook"):
        run_audit([SAMPLE], owners=tmp_path / "bad.xlsx")


def test_a_cmdb_workbook_with_a_summary_sheet_first_is_read_from_its_table_sheet(tmp_path: Path) -> None:
    """CMDB exports often put a summary sheet first: the owners come from the first sheet with an owner and a
    guest column, and the data-quality section says which sheet was read."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["Total CIs", 11])
    table = book.create_sheet("CIs")
    table.append(["VM Name", "Application Owner", "Email"])
    table.append(["hqapp03", "Priya Raman", "@SUM(1)"])
    table.append(["hqapp12", "Jean-Luc Martin", None])
    book.save(tmp_path / "cmdb.xlsx")
    audit = run_audit([SAMPLE], owners=tmp_path / "cmdb.xlsx")
    assert owners_of(audit)["hqapp12"] == ("Jean-Luc Martin", "file")
    issues = {i.message: i for i in audit.estate.issues}
    assert "owners file: read from sheet CIs; sheet Summary before it has no owner and guest columns" in issues
    skipped = issues["owners file cell looks like a spreadsheet formula, not a name; row not used"]
    assert (skipped.file, skipped.sheet, skipped.row, skipped.column) == ("cmdb.xlsx", "CIs", 2, "Email")


def test_a_workbook_with_no_owners_table_names_its_sheets(tmp_path: Path) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = "Summary"
    book.active.append(["Total CIs", 11])
    book.save(tmp_path / "one.xlsx")
    with pytest.raises(InputError) as one:
        run_audit([SAMPLE], owners=tmp_path / "one.xlsx")
    assert str(one.value).startswith(f"{tmp_path / 'one.xlsx'}, sheet Summary, row 1: has no owner column")
    book.create_sheet("Other").append(["a", "b"])
    book.save(tmp_path / "two.xlsx")
    with pytest.raises(InputError) as two:
        run_audit([SAMPLE], owners=tmp_path / "two.xlsx")
    assert str(two.value).startswith(f"{tmp_path / 'two.xlsx'}: no sheet has an owner column and a column naming "
                                     "guests (sheets read: Summary, Other) (first sheet: has no owner column;")


def test_an_owners_file_is_read_by_its_content_not_its_name(tmp_path: Path) -> None:
    """A workbook saved as owners.csv, or a CSV named owners.xlsx, as CMDB exports are renamed by hand."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.append(["VM Name", "Application Owner"])
    book.active.append(["hqapp03", "Priya Raman"])
    book.save(tmp_path / "owners.csv")
    assert owners_of(run_audit([SAMPLE], owners=tmp_path / "owners.csv"))["hqapp03"] == ("Priya Raman", "file")
    (tmp_path / "owners.xlsx").write_text("guest,owner\nhqapp03,Jean-Luc Martin\n", encoding="utf-8")
    assert owners_of(run_audit([SAMPLE], owners=tmp_path / "owners.xlsx"))["hqapp03"] == ("Jean-Luc Martin", "file")


def test_a_file_above_the_size_bound_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import reportgen.owners_file as owners_file

    monkeypatch.setattr(owners_file, "MAX_OWNERS_BYTES", 100)
    (tmp_path / "big.csv").write_text("guest,owner\n" + "hqapp03,Alice\n" * 20, encoding="utf-8")
    with pytest.raises(InputError, match="more than the 100 bytes reportgen reads from one file"):
        run_audit([SAMPLE], owners=tmp_path / "big.csv")


def test_header_aliases() -> None:
    for header in ("Owner", "APP_OWNER", "App Owner", "application-owner", "Responsible"):
        parsed = parse_owners(["Guest", header], [(2, ["hqapp03", "Alice"])], "o.csv")
        assert parsed.rows[0].owner == "Alice", header
    parsed = parse_owners(["Name", "VM Name", "Owner", "Mail", "Group", "Cost_Centre", "UUID", "Folder"],
                          [(2, ["ci", "vm1", "A", "a@x", "T", "CC", "u-1", "Prod/Web"])], "o.csv")
    row = parsed.rows[0]
    assert (row.guest, row.email, row.team, row.cost_centre, row.vm_uuid, row.folder) == \
        ("vm1", "a@x", "T", "CC", "u-1", "Prod/Web")  # 'VM Name' is more specific than 'Name'


def test_the_sample_owners_file_covers_the_sample_estate() -> None:
    audit = run_audit([SAMPLE], owners=SAMPLES / "owners.csv")
    owners = owners_of(audit)
    assert owners["hqsqlcl01-n1"] == ("Priya Raman", "file")
    assert owners["hqweb10"] == ("Sam O'Neil", "file")  # by its UUID, over the hqweb* pattern
    assert owners["hqweb09"] == ("Web Platform", "file")
    assert owners["hqmail01"] == ("team-messaging", "export")
    assert [u.value for u in audit.ownership.unmatched] == ["hqold99"]


def test_the_workbook_says_where_each_owner_came_from(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    result = cli(["audit", SAMPLE, "--owners", SAMPLES / "owners.csv", "--xlsx", tmp_path / "f.xlsx", "-q"])
    assert result.code == 0, result.stderr
    rows = {r[0]: r for r in openpyxl.load_workbook(tmp_path / "f.xlsx")["Owners"].iter_rows(min_row=2,
                                                                                          values_only=True)}
    assert rows["Priya Raman"] == ("Priya Raman", "priya.raman@acme.example", "Database Services", "CC-4410",
                                   "file", 11)  # seven hqdb* and two clusters of two
    assert rows["team-messaging"][4:] == ("export", 1)


def test_the_pdf_counts_the_unowned_guests_in_one_row_and_the_data_files_list_each(
        tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    (tmp_path / "owners.csv").write_text("guest,owner\nhqsqlcl01-*,Priya\n", encoding="utf-8")
    (tmp_path / "audit.toml").write_text('[owner]\ncolumn = "No Such Column"\nfile = "owners.csv"\n', encoding="utf-8")
    pdf, out = tmp_path / "r.pdf", tmp_path / "f.json"
    result = cli(["audit", SAMPLE, "--config", tmp_path / "audit.toml", "-o", pdf, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    unowned = [g["name"] for g in json.loads(out.read_text(encoding="utf-8"))["owners"]["unowned_guests"]]
    assert len(unowned) == 12
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    quality = " ".join(text[text.rindex("Data quality and coverage"):].split())  # cell by cell
    assert "but has no owner" not in quality
    assert quality.count("that tie a host have no owner") == 1
    assert (f"12 guests that tie a host have no owner: {', '.join(unowned[:5])} and 7 more — nobody to ask for "
            "their maintenance (add them to the owners file; the data files list every one)") in quality
    document = json.loads(out.read_text(encoding="utf-8"))
    assert sum("but has no owner" in q["message"] for q in document["data_quality"]) == 12


def test_the_counted_row_names_one_guest_alone_and_never_says_zero_more() -> None:
    from reportgen.owners import unowned_row

    assert unowned_row(["a"]).startswith("1 guest that ties a host has no owner: a — nobody to ask for its ")
    assert unowned_row(list("abcde")).startswith("5 guests that tie a host have no owner: a, b, c, d, e — ")
    assert "and 1,995 more —" in unowned_row([f"g{i}" for i in range(2000)])


def test_owner_spellings_merged_from_the_export_alone_name_the_export(cli: Any, tmp_path: Path) -> None:
    folder = tmp_path / "acme-vc01"
    shutil.copytree(SAMPLES / "rvtools-csv" / "acme-vc01", folder)
    info = folder / "RVTools_tabvInfo.csv"
    text = info.read_text(encoding="utf-8-sig")
    first = text.index(",team-dba,")
    info.write_text(text[:first] + ",TEAM-DBA ," + text[first + len(",team-dba,"):], encoding="utf-8-sig")
    out = tmp_path / "f.json"
    result = cli(["audit", folder, "--json", out, "-q"])
    assert result.code in (0, 1), result.stderr
    notes = [i for i in json.loads(out.read_text())["data_quality"] if "differ only by case" in i["message"]]
    assert len(notes) == 1 and "'TEAM-DBA'" in notes[0]["message"]
    assert notes[0]["file"] == "acme-vc01"  # was empty: no owners file was given

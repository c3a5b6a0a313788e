"""reportgen compare never claims progress that did not happen: a vCenter in one audit only, a part of the estate
outside one audit's scope, a decommissioned host, other currencies or cost assumptions, the audits given the wrong
way round."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import jsonschema

from reportgen.schemas import compare_schema
from tests.rvtools_files import small_estate as _small_estate
from tests.rvtools_files import write_xlsx

LATER = datetime(2026, 6, 1, 9, 30)
SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "rvtools" / "acme-vc01.xlsx"


def small_estate(**overrides):
    """tests.rvtools_files' small estate on a host version whose maintenance is priced."""
    return _small_estate(**{"esx": "VMware ESXi 5.5.0 build-3116895", **overrides})


def second_vcenter(**overrides):
    """The same shape under another vCenter (same host names, other guests): its own tied host and guest clusters."""
    estate = small_estate(uuid="11111111-2222-3333-4444-555555555555", server="vc02.example.test", **overrides)
    for g in estate.guests:
        g.name, g.vm_id = f"b-{g.name}", g.vm_id.replace("vm-", "vm-9")
    return estate


def audit(cli, tmp_path: Path, name: str, *estates, args=()) -> Path:
    books = [write_xlsx(e, tmp_path / f"{name}-{i}.xlsx") for i, e in enumerate(estates)]
    out = tmp_path / f"{name}.json"
    result = cli(["audit", *books, "-q", "--json", out, *args])
    assert result.code == 0, result.stderr
    return out


def compare(cli, tmp_path: Path, old: Path, new: Path, *more):
    out = tmp_path / "compare.json"
    result = cli(["compare", old, new, "--json", out, *more])
    assert result.code == 0, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(compare_schema()).validate(document)
    return document, result


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def test_a_vcenter_missing_from_the_new_audit_is_listed_apart_never_fixed_or_freed(cli, tmp_path: Path) -> None:
    """Before: its guest clusters were 'fixed', its tied host 'freed', and the cost drop headlined."""
    old = audit(cli, tmp_path, "old", small_estate(), second_vcenter())
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER))
    alone = json.loads(audit(cli, tmp_path, "alone", small_estate()).read_text())["cost"]["annual_total"]
    document, result = compare(cli, tmp_path, old, new, "-o", tmp_path / "compare.pdf")
    assert document["guest_clusters"]["fixed"] == [] and document["hosts"]["freed"] == []
    assert document["hosts"]["removed"] == [] and document["guest_clusters"]["removed"] == []
    [apart] = document["not_compared"]
    assert (apart["side"], apart["reason"], apart["server"]) == ("old", "server_missing", "vCenter vc02.example.test")
    assert apart["tied_hosts"] == [f"esx0{i}.example.test in vc02.example.test" for i in (1, 2, 3)]
    assert apart["guest_clusters"] == ["b-fs (2 nodes)", "b-sql (2 nodes)"] and apart["cost"] > 0
    assert document["cost"]["old"] == document["cost"]["new"] == alone
    assert document["cost"]["old_total"] == alone + apart["cost"] and document["cost"]["comparable"] is True
    assert document["unchanged"] is False
    assert "guest clusters fixed" not in result.stdout and "hosts freed" not in result.stdout
    assert ("not compared: vCenter vc02.example.test is not in the new audit (new.json; export missing?): its 4 host(s), "
            "3 tied: esx01.example.test in vc02.example.test, esx02") in result.stdout
    assert "on what both audits cover (left out: £" in result.stdout
    assert "reportgen: warning: vCenter vc02.example.test is not in the new audit" in result.stderr
    text = pdf_text(tmp_path / "compare.pdf")
    assert "Not in the new audit (export missing?): vCenter vc02.example.test" in text
    assert "Fixed" not in text.split("How this was compared")[0]


def test_a_part_outside_the_new_scope_is_listed_apart_never_fixed_or_freed(cli, tmp_path: Path) -> None:
    """Before: the clusters and tied host the new audit left out by --exclude were 'fixed' and 'freed'."""
    old = audit(cli, tmp_path, "old", small_estate())
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER), args=("--exclude", "host=esx01*"))
    document, result = compare(cli, tmp_path, old, new)
    assert document["guest_clusters"]["fixed"] == [] and document["hosts"]["freed"] == []
    [apart] = document["not_compared"]
    assert (apart["side"], apart["reason"], apart["hosts"]) == ("old", "out_of_scope", ["esx01.example.test"])
    assert apart["tied_hosts"] == ["esx01.example.test"] and apart["guest_clusters"] == ["sql (2 nodes)"]
    assert document["cost"]["old"] == document["cost"]["old_total"] - apart["cost"] == document["cost"]["new"]
    assert document["new"]["scope"] == "excluding host esx01*" and document["old"]["scope"] is None
    assert "1 host(s) of vCenter vc01.example.test are outside the new audit's scope (new.json)" in result.stdout
    assert "hosts freed" not in result.stdout and "guest clusters fixed" not in result.stdout


def test_a_decommissioned_tied_host_is_removed_not_freed(cli, tmp_path: Path) -> None:
    """Before: a host gone from the estate with its guests was 'freed', and its guest cluster 'fixed'."""
    old = audit(cli, tmp_path, "old", small_estate())
    later = small_estate(exported=LATER)
    later.hosts = {h: c for h, c in later.hosts.items() if h != "esx01.example.test"}
    later.guests = [g for g in later.guests if g.host != "esx01.example.test"]
    later.portgroups = [p for p in later.portgroups if p[0] != "esx01.example.test"]
    document, result = compare(cli, tmp_path, old, audit(cli, tmp_path, "new", later), "-o", tmp_path / "c.pdf")
    assert document["hosts"]["freed"] == [] and document["hosts"]["removed"] == ["esx01.example.test"]
    assert document["guest_clusters"]["fixed"] == []
    assert [c["name"] for c in document["guest_clusters"]["removed"]] == ["sql (2 nodes)"]
    assert document["not_compared"] == []
    assert "tied hosts removed from the estate (not in the new audit, not freed) (1): esx01.example.test" in result.stdout
    assert "guest clusters gone with their hosts (removed from the estate, not fixed) (1): sql (2 nodes)" in result.stdout
    assert "hosts freed" not in result.stdout
    text = pdf_text(tmp_path / "c.pdf")
    assert "Tied, removed from the estate (not freed) esx01.example.test" in text
    assert "Gone with its hosts (not fixed) sql (2 nodes)" in text


def test_costs_in_other_currencies_or_on_other_assumptions_are_not_compared(cli, tmp_path: Path) -> None:
    """Before: last quarter's pounds were printed as euros, and a doubled change cost read as a cost rise."""
    old = audit(cli, tmp_path, "old", small_estate())
    euros = tmp_path / "eur.toml"
    euros.write_text('[report]\ncurrency = "EUR"\n', encoding="utf-8")
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER), args=("--config", euros))
    document, result = compare(cli, tmp_path, old, new, "-o", tmp_path / "c.pdf")
    cost = document["cost"]
    assert (cost["old_currency"], cost["new_currency"], cost["currency"], cost["comparable"]) == ("GBP", "EUR", None, False)
    assert cost["not_comparable_because"] == ["they are in different currencies (GBP then, EUR now)"]
    assert f"yearly cost: £{cost['old']:,.0f} then, €{cost['new']:,.0f} now; not comparable: they are in different " \
           "currencies (GBP then, EUR now)" in result.stdout
    assert "reportgen: warning: the yearly costs are not comparable" in result.stderr
    text = pdf_text(tmp_path / "c.pdf")
    assert f"£{cost['old']:,.0f} → €{cost['new']:,.0f}" in text and "not comparable" in text
    dearer = tmp_path / "dear.toml"
    dearer.write_text("[cost]\nchange_cost = 900.0\nchange_cost_high = 1200.0\n", encoding="utf-8")
    new = audit(cli, tmp_path, "dear", small_estate(exported=LATER), args=("--config", dearer))
    document, result = compare(cli, tmp_path, old, new)
    assert document["cost"]["comparable"] is False and document["cost"]["currency"] == "GBP"
    assert "change_cost 450.0 then, 900.0 now" in document["cost"]["not_comparable_because"][0]
    assert "not comparable: they were priced on different cost assumptions (change_cost 450.0 then, 900.0 now" \
        in result.stdout


def test_the_audits_given_the_wrong_way_round_are_refused(cli, tmp_path: Path) -> None:
    """Before: 'compare NEW OLD' read a new guest cluster as fixed and time as running backwards, exit 0."""
    old = audit(cli, tmp_path, "old", small_estate())
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER))
    result = cli(["compare", new, old])
    assert result.code == 2 and result.stdout == ""
    assert ("the export of vCenter vc01.example.test is newer in the old audit (2026-06-01 09:30 in new.json, "
            "2026-03-01 09:30 in old.json)") in result.stderr
    assert "give the older audit first: reportgen compare old.json new.json" in result.stderr
    assert cli(["compare", old, new]).code == 0


def test_the_comparison_json_gives_export_and_writing_times_apart(cli, tmp_path: Path) -> None:
    old = audit(cli, tmp_path, "old", small_estate())
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER))
    document, _ = compare(cli, tmp_path, old, new)
    assert document["old"]["exported_at"] == "2026-03-01T09:30:00"
    assert document["new"]["exported_at"] == "2026-06-01T09:30:00"
    assert document["new"]["generated_at"] == json.loads(new.read_text())["generated_at"]
    assert document["old"]["servers"] == ["vc01.example.test"] and document["old"]["scope_recorded"] is True


def test_tied_guests_whose_checks_the_new_audit_did_not_assess_are_no_saving(cli, tmp_path: Path) -> None:
    """Before: an export without vUSB and vCD showed the USB and CD ties gone and a cost drop, with no note."""
    import openpyxl

    book = openpyxl.load_workbook(SAMPLE)
    del book["vUSB"], book["vCD"]
    book.save(tmp_path / "no-media.xlsx")
    for name, export in (("old", SAMPLE), ("new", tmp_path / "no-media.xlsx")):
        result = cli(["audit", export, "-q", "--json", tmp_path / f"{name}.json"])
        assert result.code == 0, result.stderr
    document, result = compare(cli, tmp_path, tmp_path / "old.json", tmp_path / "new.json", "-o", tmp_path / "c.pdf")
    lost = document["tied_guests"]["not_assessed"]
    assert [g["name"] for g in lost] == ["hqapp03", "hqapp12", "hqci02"] and sum(g["cost"] for g in lost) > 0
    assert document["cost"]["comparable"] is False and document["unchanged"] is False
    assert "hqapp03, hqapp12, hqci02; their share of the cost then £" in document["cost"]["not_comparable_because"][0]
    assert ("tied guests no longer tied, but a check that tied them was not assessed (not a saving) (3): "
            "hqapp03, hqapp12, hqci02") in result.stdout
    assert "not comparable" in result.stdout.split("yearly cost: ", 1)[1].splitlines()[0]
    assert "The yearly costs are not comparable" in pdf_text(tmp_path / "c.pdf")


def test_a_findings_json_without_scope_or_acceptances_is_not_taken_as_whole_or_empty(cli, tmp_path: Path) -> None:
    """Before: an older findings JSON (the contract keys only) was taken to cover the whole estate, and every
    acceptance of the new audit read 'absent -> active'."""
    accept = tmp_path / "accept.toml"
    accept.write_text('[[accept]]\nguest = "sql01"\nreason = "known"\nowner = "ops"\napproved_by = "cab"\n'
                      'expires = 2030-01-01\n', encoding="utf-8")
    scope = ("--exclude", "host=esx04*", "--accept", accept)
    old = audit(cli, tmp_path, "old", small_estate(), args=scope)
    contract = json.loads(old.read_text())
    del contract["scope"], contract["acceptances"]
    older = tmp_path / "older.json"
    older.write_text(json.dumps(contract), encoding="utf-8")
    new = audit(cli, tmp_path, "new", small_estate(exported=LATER), args=scope)
    document, result = compare(cli, tmp_path, older, new)
    assert document["old"]["scope_recorded"] is False and document["new"]["scope"] == "excluding host esx04*"
    assert document["acceptances"]["changed"] == [] and "absent" not in result.stdout
    assert any("older.json does not record its accepted exceptions" in n for n in document["notes"])
    assert not any("different parts of the estate (all of it" in n for n in document["notes"])


def test_hosts_of_an_older_findings_json_without_their_server_are_matched_by_name(cli, tmp_path: Path) -> None:
    """An older findings JSON does not say each host's export: its hosts are the same hosts by name, never all
    'removed from the estate'."""
    old = audit(cli, tmp_path, "old", small_estate())
    document = json.loads(old.read_text())
    for h in document["hosts"]:
        for key in ("source", "label", "annual_cost"):
            h.pop(key, None)
    older = tmp_path / "older.json"
    older.write_text(json.dumps(document), encoding="utf-8")
    compared, result = compare(cli, tmp_path, older, audit(cli, tmp_path, "new", small_estate(exported=LATER)))
    assert compared["hosts"]["removed"] == [] and compared["hosts"]["added"] == []
    assert compared["not_compared"] == [] and compared["guest_clusters"]["removed"] == []
    assert compared["unchanged"] is True, result.stdout

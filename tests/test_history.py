"""--history: quarter snapshots and the change since the previous quarter."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from reportgen.history import quarter
from tests.rvtools_files import small_estate, write_xlsx


def test_quarter_labels() -> None:
    from datetime import date

    assert quarter(date(2026, 1, 1)) == "2026-Q1" and quarter(date(2026, 12, 31)) == "2026-Q4"


def two_quarters(tmp_path: Path) -> tuple[Path, Path]:
    """The same vCenter exported in Q1 and in Q2, after the in-a-box SQL pair lost its shared disks."""
    q1 = small_estate(esx="VMware ESXi 5.5.0 build-3116895", exported=datetime(2026, 2, 1))
    q2 = small_estate(esx="VMware ESXi 5.5.0 build-3116895", exported=datetime(2026, 5, 1))
    for g in q2.guests:
        if g.name.startswith("sql"):
            g.disks = [{}]
    return write_xlsx(q1, tmp_path / "q1.xlsx"), write_xlsx(q2, tmp_path / "q2.xlsx")


def test_second_quarter_compares_with_the_first(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    out1, out2 = tmp_path / "q1.json", tmp_path / "q2.json"
    first = cli(["audit", q1, "--json", out1, "--history", history])
    assert first.code == 0, first.stderr
    assert "first quarter recorded" in first.stderr
    assert [p.name[:8] for p in history.iterdir()] == ["2026-Q1-"]  # the quarter, then the estate
    doc1 = json.loads(out1.read_text())
    assert doc1["history"]["change"] is None and [t["period"] for t in doc1["history"]["trend"]] == ["2026-Q1"]

    second = cli(["audit", q2, "--json", out2, "--history", history])
    assert second.code == 0, second.stderr
    change = json.loads(out2.read_text())["history"]["change"]
    assert change["previous"] == "2026-Q1" and change["current"] == "2026-Q2"
    assert change["hosts_freed"] == ["esx01.example.test"]
    assert len(change["faux_clusters_fixed"]) == 1 and change["faux_clusters_new"] == []
    assert change["annual_cost_now"] < change["annual_cost_before"]
    trend = json.loads(out2.read_text())["history"]["trend"]
    assert [t["period"] for t in trend] == ["2026-Q1", "2026-Q2"]
    assert trend[0]["pinned_hosts"] > trend[1]["pinned_hosts"]


def test_rerunning_a_quarter_replaces_it_and_foreign_files_are_named(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    history.mkdir()
    (history / "notes.json").write_text("{}")
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    for _ in range(2):
        result = cli(["audit", book, "--json", tmp_path / "f.json", "--history", history])
        assert result.code == 0
    assert sorted(p.name[:8] for p in history.iterdir()) == ["2026-Q1-", "notes.js"]
    assert "notes.json: not a reportgen history snapshot; ignored" in result.stderr


def test_the_pdf_shows_the_quarter_on_quarter_section(cli, tmp_path: Path) -> None:
    from pypdf import PdfReader

    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    assert cli(["audit", q1, "-q", "--history", history, "-o", tmp_path / "q1.pdf"]).code == 0
    assert cli(["audit", q2, "-q", "--history", history,
                "-o", tmp_path / "q2.pdf"]).code == 0
    first = " ".join(p.extract_text() for p in PdfReader(tmp_path / "q1.pdf").pages)
    second = " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(tmp_path / "q2.pdf").pages)
    assert "first quarter recorded" in " ".join(first.split())
    assert "Quarter on quarter" in second and "Since 2026-Q1" in second
    change = second.split("Change since 2026-Q1", 1)[1]
    assert change.split("Hosts freed", 1)[1].split("Hosts newly tied")[0].strip() == "esx01.example.test"


def test_two_estates_in_one_folder_keep_their_own_quarters(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    other = write_xlsx(small_estate(uuid="0B0B0B0B-2222-4333-8444-955566667777", server="vc02.example.test",
                                    exported=datetime(2026, 5, 1)), tmp_path / "vc02.xlsx")
    for book, out in ((q1, "a1.json"), (other, "b1.json"), (q2, "a2.json")):
        result = cli(["audit", book, "--json", tmp_path / out, "--history", history, "-q"])
        assert result.code == 0, result.stderr
    names = sorted(p.name for p in history.iterdir())
    assert [n[:8] for n in names] == ["2026-Q1-", "2026-Q2-", "2026-Q2-"] and len(set(names)) == 3
    assert json.loads((tmp_path / "b1.json").read_text())["history"]["change"] is None  # vc01's Q1 is not vc02's
    change = json.loads((tmp_path / "a2.json").read_text())["history"]["change"]
    assert change["previous"] == "2026-Q1" and change["hosts_freed"] == ["esx01.example.test"]


DAMAGED = [
    ("not json {", "damaged: not valid JSON"),
    ("[1, 2]", "not a reportgen history snapshot"),
    ('{"kind": "reportgen-history", "version": 1, "period": 20261, "generated_at": "x", "totals": {}, '
     '"faux_clusters": {}, "pinned_hosts": [], "pinned_guests": [], "findings_by_rule": {}}',
     "damaged: 'period' is not what a snapshot holds"),
    ('{"kind": "reportgen-history", "version": 1, "period": "2026-Q1", "generated_at": "x", "totals": {"hosts": "4"}, '
     '"faux_clusters": {}, "pinned_hosts": [], "pinned_guests": [], "findings_by_rule": {}}',
     "damaged: 'totals' is not what a snapshot holds"),
    ('{"kind": "reportgen-history", "version": 1, "period": "2025-Q4"}', "damaged: 'generated_at' is missing"),
]


@pytest.mark.parametrize(("text", "problem"), DAMAGED)
def test_a_damaged_snapshot_is_named_and_kept_and_a_fresh_one_recorded(
        cli, tmp_path: Path, text: str, problem: str) -> None:
    history = tmp_path / "history"
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    assert cli(["audit", book, "--json", tmp_path / "f.json", "--history", history, "-q"]).code == 0
    (snapshot,) = history.iterdir()
    snapshot.write_text(text)  # this quarter's snapshot, damaged since
    (history / "2025-Q4.json").write_text(text)  # an earlier one, as an older version named it
    result = cli(["audit", book, "--json", tmp_path / "f.json", "--history", history, "-q"])
    assert result.code == 0, result.stderr
    assert f"reportgen: warning: {history}/{snapshot.name}: {problem}; ignored\n" in result.stderr
    assert f"reportgen: warning: {history}/2025-Q4.json: {problem}; ignored\n" in result.stderr
    assert f"{snapshot} was not a readable snapshot; kept as {snapshot.name}.damaged" in result.stderr
    assert (history / f"{snapshot.name}.damaged").read_text() == text  # never dropped
    assert (history / "2025-Q4.json").read_text() == text  # not this run's to replace
    assert json.loads(snapshot.read_text())["period"] == "2026-Q1"
    assert json.loads((tmp_path / "f.json").read_text())["history"]["unreadable_files"] == sorted(
        [snapshot.name, "2025-Q4.json"])


def test_a_snapshot_from_before_estates_were_named_is_compared_while_alone(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    q1, q2 = two_quarters(tmp_path)
    assert cli(["audit", q1, "--json", tmp_path / "f.json", "--history", history, "-q"]).code == 0
    (snapshot,) = history.iterdir()
    document = json.loads(snapshot.read_text())
    del document["estate"]
    (history / "2026-Q1.json").write_text(json.dumps(document))  # as the previous version wrote it
    snapshot.unlink()
    assert cli(["audit", q2, "--json", tmp_path / "f.json", "--history", history, "-q"]).code == 0
    assert json.loads((tmp_path / "f.json").read_text())["history"]["change"]["previous"] == "2026-Q1"


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(path).pages)


def audit_quarter(cli, tmp_path: Path, history: Path, month: int, drop: tuple[str, ...] = ()) -> tuple[dict, str]:
    """Audit the small estate as exported in ``month`` of 2026 (without the ``drop`` tabs): the findings
    JSON's history section and the PDF's text."""
    estate = small_estate(esx="VMware ESXi 5.5.0 build-3116895", exported=datetime(2026, month, 1))
    book = write_xlsx(estate, tmp_path / f"m{month}.xlsx", drop=drop)
    out, pdf = tmp_path / f"m{month}.json", tmp_path / f"m{month}.pdf"
    result = cli(["audit", book, "-q", "--json", out, "-o", pdf, "--history", history])
    assert result.code == 0, result.stderr
    return json.loads(out.read_text())["history"], pdf_text(pdf)


def change_rows(text: str, previous: str) -> str:
    return text.split(f"Change since {previous}", 1)[1]


def test_a_quarter_without_the_shared_disk_tab_fixes_nothing(cli, tmp_path: Path) -> None:
    """Before: Q2's export without vDisk said both guest clusters fixed and their hosts freed, though the
    checks that find them were not assessed in it."""
    history = tmp_path / "history"
    audit_quarter(cli, tmp_path, history, 2)
    found, text = audit_quarter(cli, tmp_path, history, 5, drop=("vDisk",))
    change = found["change"]
    assert change["faux_clusters_fixed"] == [] and change["hosts_freed"] == []
    then = json.loads((tmp_path / "m2.json").read_text())["faux_clusters"]
    assert change["guest_clusters_not_assessed"] == sorted(c["name"] for c in then if not c["suspected"])
    assert len(change["guest_clusters_not_assessed"]) == 2
    assert "esx01.example.test" in change["hosts_not_assessed"]
    assert any("not assessed" in n and "GEN-01" in n for n in change["notes"])
    assert "0 guest clusters fixed" in text and "2 guest clusters could not be assessed" in text
    rows = change_rows(text, "2026-Q1")
    assert rows.split("Guest clusters fixed", 1)[1].split("New guest clusters")[0].strip() == "none"
    assert rows.split("Hosts freed", 1)[1].split("Hosts newly tied")[0].strip() == "none"
    assert "Guest clusters not assessed now (not fixed)" in rows
    assert "Hosts no longer tied, not assessed now (not freed)" in rows


def test_a_quarter_that_assesses_again_shows_first_assessed_not_new(cli, tmp_path: Path) -> None:
    """Before: Q3's export with vDisk again, after Q2's without, said both guest clusters were new."""
    history = tmp_path / "history"
    audit_quarter(cli, tmp_path, history, 5, drop=("vDisk",))
    found, text = audit_quarter(cli, tmp_path, history, 8)
    change = found["change"]
    assert change["previous"] == "2026-Q2"
    assert change["faux_clusters_new"] == [] and change["faux_clusters_fixed"] == []
    assert len(change["guest_clusters_first_assessed"]) == 2
    assert change["hosts_newly_tied"] == [] and "esx01.example.test" in change["hosts_first_assessed"]
    assert "0 new guest clusters" in text and "2 guest clusters assessed for the first time" in text
    rows = change_rows(text, "2026-Q2")
    assert rows.split("New guest clusters", 1)[1].split("Guest clusters")[0].strip() == "none"
    assert "Guest clusters first assessed (not new)" in rows


def test_an_older_snapshot_without_coverage_cannot_say_fixed(cli, tmp_path: Path) -> None:
    """A snapshot written before coverage was kept: the comparison cannot tell whether guest clusters
    gone now were fixed while the checks that found anything then are not assessed now."""
    history = tmp_path / "history"
    audit_quarter(cli, tmp_path, history, 2)
    (snapshot,) = history.iterdir()
    document = json.loads(snapshot.read_text())
    for key in ("not_assessed", "cluster_rules", "host_rules"):
        del document[key]
    snapshot.write_text(json.dumps(document))
    found, text = audit_quarter(cli, tmp_path, history, 5, drop=("vDisk",))
    change = found["change"]
    assert change["faux_clusters_fixed"] == [] and change["hosts_freed"] == []
    assert len(change["guest_clusters_not_assessed"]) == 2
    assert any("does not record" in n for n in change["notes"])
    assert "could not tell" in text


def test_a_snapshot_records_what_was_not_assessed_and_what_found_each_guest_cluster(cli, tmp_path: Path) -> None:
    history = tmp_path / "history"
    audit_quarter(cli, tmp_path, history, 5, drop=("vDisk",))
    (snapshot,) = history.iterdir()
    document = json.loads(snapshot.read_text())
    assert "GEN-01" in document["not_assessed"]
    assert document["cluster_rules"] == {}
    audit_quarter(cli, tmp_path, history, 5)  # the same quarter again, with vDisk
    document = json.loads(snapshot.read_text())
    assert "GEN-01" not in document["not_assessed"]
    assert len(document["cluster_rules"]) == 2 and all(document["cluster_rules"].values())
    assert document["host_rules"]["esx01.example.test"]

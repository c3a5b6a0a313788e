"""Names in scripts the PDF's font lacks: said once, and intact wherever the format can hold them."""

from __future__ import annotations

import glob
import html
import io
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest

from reportgen.report.fonts import MISSING
from tests.rvtools_files import small_estate, write_xlsx

SQL_A, SQL_B, HOST, WEB = "数据库01", "データベース02", "서버01.example.test", "🚀web01"


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import main

    est = small_estate()
    est.guests[0].name, est.guests[1].name, est.guests[4].name = SQL_A, SQL_B, WEB
    for g in est.guests:  # both guest-cluster nodes on a host with a Korean name
        g.host = HOST if g.host == "esx01.example.test" else g.host
    est.hosts = {HOST if h == "esx01.example.test" else h: c for h, c in est.hosts.items()}
    est.portgroups = [(HOST if h == "esx01.example.test" else h, *rest) for h, *rest in est.portgroups]
    folder = tmp_path_factory.mktemp("fonts")
    book = write_xlsx(est, folder / "vc.xlsx")
    err = io.StringIO()
    code = main(["audit", str(book), "-q", "--json", str(folder / "f.json"), "--xlsx", str(folder / "f.xlsx"),
                 "--html", str(folder / "r.html"), "-o", str(folder / "r.pdf")], stderr=err)
    assert code == 0, err.getvalue()
    (folder / "quiet.txt").write_text(err.getvalue(), encoding="utf-8")
    return folder


def test_the_console_says_it_once_and_quiet_hides_it(outputs: Path, cli) -> None:
    assert (outputs / "quiet.txt").read_text(encoding="utf-8") == ""
    result = cli(["audit", outputs / "vc.xlsx", "-o", outputs / "again.pdf"])
    assert result.code == 0 and "layout warning" not in result.stderr and ".notdef" not in result.stderr
    [line] = [x for x in result.stderr.splitlines() if "not in the PDF's fonts" in x]
    assert line.startswith("reportgen: note: 11 character(s) are not in the PDF's fonts and print as empty boxes (")


def test_the_names_are_reported_once_in_the_data_quality_section(outputs: Path) -> None:
    document = json.loads((outputs / "f.json").read_text(encoding="utf-8"))
    [said] = [i for i in document["data_quality"] if "the PDF's font (DejaVu Sans)" in i["message"]]
    assert said["level"] == "info" and said["rows"] == 4 and not said["skipped"]
    assert "Chinese, Japanese, Korean; emoji" in said["message"]
    assert said["message"].startswith("4 name(s) hold characters")
    text = subprocess.run(["pdftotext", outputs / "r.pdf", "-"], capture_output=True, text=True, check=True).stdout
    assert " ".join(text.split()).count("does not have (Chinese, Japanese, Korean; emoji)") == 1


def test_the_names_are_intact_in_json_xlsx_and_html(outputs: Path) -> None:
    document = json.loads((outputs / "f.json").read_text(encoding="utf-8"))
    [cluster] = [c for c in document["faux_clusters"] if SQL_A in {g["name"] for g in c["guests"]}]
    assert sorted(g["name"] for g in cluster["guests"]) == sorted([SQL_A, SQL_B]) and cluster["hosts"] == [HOST]
    assert HOST in {h["name"] for h in document["hosts"]}
    book = openpyxl.load_workbook(outputs / "f.xlsx", read_only=True)
    cells = {str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v}
    assert {SQL_A, SQL_B, HOST} <= cells
    page = html.unescape((outputs / "r.html").read_text(encoding="utf-8"))
    assert all(name in page for name in (SQL_A, SQL_B, HOST))


def test_plain_names_say_nothing(tmp_path: Path, cli) -> None:
    out = tmp_path / "f.json"
    assert cli(["audit", write_xlsx(small_estate(), tmp_path / "vc.xlsx"), "--json", out, "-q"]).code == 0
    assert not [i for i in json.loads(out.read_text())["data_quality"] if "DejaVu Sans" in i["message"]]


def test_the_ranges_hold_no_character_of_the_installed_font() -> None:
    fonts = glob.glob("/usr/share/fonts/**/DejaVuSans.ttf", recursive=True)
    if not fonts:
        pytest.skip("DejaVu Sans is not installed here")
    from fontTools.ttLib import TTFont

    cmap = TTFont(fonts[0]).getBestCmap()
    for script, ranges in MISSING.items():
        present = [hex(c) for a, b in ranges for c in range(a, b + 1) if c in cmap]
        assert present == [], script

"""`reportgen audit` on the real exports: every output written, and the numbers agree across them."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pypdf
import pytest

from reportgen.report.formats import money
from tests.conftest import CHECKER, real_export

REAL = ["abeggi-bcspa1-4.7.1.xlsx", "abeggi-farm-lonati-4.7.1.xlsx", "abeggi-ovh-4.4.3.xlsx",
        "bm900086-sample-4.6.1.xlsx", "licenseware-3.x.xlsx"]


@pytest.mark.real
@pytest.mark.parametrize("name", REAL)
def test_every_output_of_a_real_export_agrees(cli, tmp_path: Path, name: str) -> None:
    export = real_export(name)
    config = tmp_path / "audit.toml"
    config.write_text('[report]\nclient = "Real Client Ltd"\nfirm = "Example Advisory"\n', encoding="utf-8")
    out = {ext: tmp_path / f"r.{ext}" for ext in ("pdf", "html", "json", "xlsx")}
    result = cli(["audit", export, "-o", out["pdf"], "--html", out["html"], "--json", out["json"],
                  "--xlsx", out["xlsx"], "--config", config])
    assert result.code == 0, result.stderr
    assert "layout warning" not in result.stderr
    doc = json.loads(out["json"].read_text(encoding="utf-8"))
    if CHECKER.exists():
        check = subprocess.run([sys.executable, str(CHECKER), str(out["json"])], capture_output=True, text=True)
        assert check.stdout.strip() == "ok", check.stdout

    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(out["pdf"]).pages]
    text = " ".join(pages)
    assert 8 <= len(pages) <= 40
    assert "Real Client Ltd" in pages[2]
    cost = doc["cost"]
    missing = {c["rule"] for c in doc["coverage"] if c["status"] == "not-assessed"}
    applies = {c["rule"] for c in doc["coverage"] if c["status"] in ("assessed", "not-assessed")}
    if len(missing) * 2 > len(applies) and not doc["estate"]["guest_clusters"] and not cost["annual_at_power_on"]:
        assert "Not assessed" in pages[0]  # never a clean-looking £0 when most checks could not run
        assert money(0, "GBP") not in pages[0]
    elif cost["annual_total"] == 0 and cost["annual_at_power_on"] > 0:
        # today's figure first, then the figure once the guests that are off run again
        assert f"{money(0, 'GBP')} a year of manual maintenance for the ties found today; {money(cost['annual_at_power_on'], 'GBP')} if" \
            in pages[0]
    else:
        assert money(cost["annual_total"], "GBP") in pages[0]
    if doc["cost"]["annual_at_power_on"] > doc["cost"]["annual_total"]:
        assert money(doc["cost"]["annual_at_power_on"], "GBP") in text
    estate = doc["estate"]
    # templates (VMs that cannot run) and vCLS agent VMs (vSphere runs them) are counted apart from the guests
    guests, templates, agents = estate["guests"] - estate["templates"] - estate["agents"], estate["templates"], estate["agents"]
    plural = "s" if guests != 1 else ""
    if agents:
        assert f"{estate['guests']:,} VMs ({guests:,} guest{plural};" in text
        assert f"{agents:,} vCLS agent VM" in text
    elif templates:
        assert f"{estate['guests']:,} VMs ({guests:,} guest{plural} and {templates:,} template" in text
    else:
        assert f"{estate['guests']:,} guests" in text
    for cluster in doc["faux_clusters"][:12]:
        if not cluster["suspected"]:
            assert cluster["name"] in text
    flat = re.sub(r"[^a-z0-9.]", "", text.lower())  # long names wrap (and hyphenate) in their cell
    for source in doc["estate"]["sources"]:
        assert re.sub(r"[^a-z0-9.]", "", Path(source["file"]).name.lower()) in flat

    wb = openpyxl.load_workbook(out["xlsx"], read_only=True)
    assert wb["Findings"].max_row - 1 == len(doc["findings"])
    assert wb["Host register"].max_row - 1 == len(doc["hosts"])
    assert "<svg" in out["html"].read_text(encoding="utf-8")


@pytest.mark.real
def test_guest_cluster_of_the_sql_workbook_is_on_its_own_page(cli, tmp_path: Path) -> None:
    export = real_export("abeggi-bcspa1-4.7.1.xlsx")
    pdf, js = tmp_path / "r.pdf", tmp_path / "r.json"
    assert cli(["audit", export, "-o", pdf, "--json", js, "-q"]).code == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    pages = [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(pdf).pages]
    cluster = doc["faux_clusters"][0]
    page = next(p for p in pages if p.startswith(f"{cluster['id']} · {cluster['name']}") or
                f"{cluster['id']} · {cluster['name']} {len(cluster['guests'])} nodes" in p)
    assert "Why it is tied to its host" in page and "What to do" in page and "in-a-box" in page
    for guest in cluster["guests"]:
        assert guest["name"] in page
    cost = doc["cost"]["per_faux_cluster_at_power_on"][cluster["id"]]
    assert money(cost, "GBP") in page

"""Sites: from the configuration's [sites] or the export's vSAN fault domains; what a site's failure stops."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from pypdf import PdfReader

from reportgen.audit import Audit, run_audit, write_json, write_pdf, write_xlsx
from reportgen.config import parse_config
from reportgen.errors import ConfigError
from reportgen.outputs.findings_json import findings_document
from reportgen.schemas import findings_schema
from tests.conftest import CHECKER, SAMPLES
from tests.rvtools_files import small_estate
from tests.rvtools_files import write_xlsx as write_workbook

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
TWO_SITES = {"sites": {"North": ["hq-esx01*", "hq-esx0201", "HQ-ESX0202"],
                       "South": ["hq-esx0203", "hq-esx0204.acme.local", "hq-esx03*"]}}


@pytest.fixture(scope="module")
def two_sites() -> Audit:
    return run_audit([SAMPLE], parse_config(TWO_SITES))


@pytest.fixture(scope="module")
def document(two_sites: Audit) -> dict:
    return json.loads(json.dumps(findings_document(two_sites.analysis, two_sites.costing)))


def stranded(document: dict, site: str) -> dict[str, list[str]]:
    entry = next(s for s in document["sites"] if s["name"] == site)
    return {g["name"]: [r["text"] for r in g["reasons"]] for g in entry["stranded"]}


def test_configured_sites_take_every_host_and_name_the_clusters_a_site_takes_whole(document: dict) -> None:
    sites = {s["name"]: s for s in document["sites"]}
    assert list(sites) == ["North", "South"] and {s["origin"] for s in sites.values()} == {"configuration"}
    assert {h["name"]: h["site"] for h in document["hosts"]}["hq-esx0202.acme.local"] == "North"
    assert len(sites["North"]["hosts"]) == len(sites["South"]["hosts"]) == 6
    # In a box on hq-esx0202, and across hq-esx0103/0104: every node in North. The RAC spans both sites.
    assert sites["North"]["faux_clusters_in_site"] == ["GC-001", "GC-003", "GC-004"]
    assert sites["South"]["faux_clusters_in_site"] == []
    assert sites["North"]["running_guests"] == sites["South"]["running_guests"] == 37


def test_guests_that_could_not_restart_on_the_other_site_say_why(document: dict) -> None:
    north, south = stranded(document, "North"), stranded(document, "South")
    assert north["hqweb10"] == ["datastore local-hq-esx0202 is seen only by hosts of this site",
                                "pinned to hq-esx0202.acme.local (VMW-13)",
                                "would not restart off hq-esx0202.acme.local (VMW-13)"]
    assert north["hqfscib01-a"] == ["network HB-hqfscib01 exists only on hosts of this site",
                                    "pinned to hq-esx0202.acme.local (VMW-01, VMW-10, VMW-11)"]
    # HQ-PROD-01's datastores are seen by North's hosts only; HQ-PROD-02's by hosts of both sites.
    assert north["hqweb01"] == ["datastore HQ-PROD-01-VMFS-01 is seen only by hosts of this site"]
    assert "hqapp12" in south and "hqrac01-1" not in south and "hqrac01-2" not in north
    assert not set(north) & set(south)
    assert len(north) == 33 and len(south) == 28


def test_sites_in_the_json_contract_and_schema(two_sites: Audit, document: dict, tmp_path: Path) -> None:
    jsonschema.Draft202012Validator(findings_schema()).validate(document)
    if CHECKER.exists():
        write_json(two_sites, tmp_path / "f.json")
        import subprocess
        import sys
        checked = subprocess.run([sys.executable, str(CHECKER), str(tmp_path / "f.json")], capture_output=True,
                                 text=True)
        assert checked.returncode == 0, checked.stdout


def test_the_workbook_lists_every_guest_and_cluster_a_site_failure_stops(two_sites: Audit, tmp_path: Path) -> None:
    counts = write_xlsx(two_sites, tmp_path / "f.xlsx")
    assert counts["Site failure"] == 33 + 28 + 3
    sheet = openpyxl.load_workbook(tmp_path / "f.xlsx", read_only=True)["Site failure"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Site", "Kind", "Name", "Key", "Host", "Owner", "Why it could not restart on another site")
    clusters = [r for r in rows if r[1] == "guest cluster"]
    assert [(r[0], r[3]) for r in clusters] == [("North", "GC-001"), ("North", "GC-003"), ("North", "GC-004")]
    web10 = next(r for r in rows if r[2] == "hqweb10")
    assert web10[0] == "North" and web10[4] == "hq-esx0202.acme.local" and web10[5] == "team-web"
    assert "datastore local-hq-esx0202 is seen only by hosts of this site" in web10[6]


def test_the_pdf_failure_section_has_a_row_per_site(two_sites: Audit, tmp_path: Path) -> None:
    write_pdf(two_sites, tmp_path / "r.pdf")
    pages = [p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages]
    page = next(t for t in pages if "If a site fails" in t)
    assert "If a host fails" in page  # the same section
    assert "The estate spans 2 sites (named in the configuration)" in " ".join(page.split())
    assert "GC-001 hqfscib01" in page and "North" in page and "South" in page


def test_the_check_names_the_site(two_sites: Audit, tmp_path: Path, cli) -> None:
    write_json(two_sites, tmp_path / "f.json")
    result = cli(["check", "hq-esx0203", "--from", tmp_path / "f.json"])
    assert result.stdout.startswith("hq-esx0203.acme.local (cluster HQ-PROD-02, site South): CANNOT be emptied")


def test_vsan_fault_domains_are_sites(tmp_path: Path) -> None:
    estate = small_estate()
    estate.fault_domains = {"esx01.example.test": "Preferred", "esx02.example.test": "Preferred",
                            "esx03.example.test": "Secondary", "esx04.example.test": "Secondary"}
    estate.datastores = {"san01": list(estate.hosts), "vsan-b": ["esx03.example.test", "esx04.example.test"]}
    web = next(g for g in estate.guests if g.name == "web01")
    web.datastore = "vsan-b"
    web.disks = [{"Path": "[vsan-b] web01/web01.vmdk"}]
    audit = run_audit([write_workbook(estate, tmp_path / "vc.xlsx")])
    document = findings_document(audit.analysis, audit.costing)
    sites = {s["name"]: s for s in document["sites"]}
    assert list(sites) == ["Preferred", "Secondary"] and sites["Preferred"]["origin"] == "vSAN fault domains"
    assert sites["Preferred"]["hosts"] == ["esx01.example.test", "esx02.example.test"]
    sql = [c["id"] for c in document["faux_clusters"] if {g["name"] for g in c["guests"]} == {"sql01", "sql02"}]
    assert sites["Preferred"]["faux_clusters_in_site"] == sql  # in a box on esx01; fs01/fs02 span both sites
    assert sites["Secondary"]["faux_clusters_in_site"] == []
    assert stranded(document, "Secondary")["web01"] == ["datastore vsan-b is seen only by hosts of this site"]
    # Nothing ties a guest to Preferred (san01 is seen everywhere), though the SQL pair runs wholly there.
    assert stranded(document, "Preferred") == {}


def test_fewer_than_two_sites_is_no_site_failure_and_unmatched_hosts_are_named(tmp_path: Path) -> None:
    one = run_audit([SAMPLE], parse_config({"sites": {"HQ": "hq-esx0*"}}))
    document = findings_document(one.analysis, one.costing)
    assert document["sites"] == [] and {h["site"] for h in document["hosts"]} == {"HQ"}
    partial = run_audit([SAMPLE], parse_config({"sites": {"A": ["hq-esx01*"], "B": ["hq-esx02*"]}}))
    assert partial.analysis.sites.unsited == tuple(f"hq-esx030{i}.acme.local" for i in range(1, 5))
    write_pdf(partial, tmp_path / "r.pdf")
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages).split())
    assert "4 hosts belong to no site and are left out above: hq-esx0301.acme.local" in text
    plain = run_audit([SAMPLE])
    assert findings_document(plain.analysis, plain.costing)["sites"] == []


def test_redacted_sites_keep_their_hosts_and_lose_their_names() -> None:
    audit = run_audit([SAMPLE], parse_config(TWO_SITES), redact=True)
    document = findings_document(audit.analysis, audit.costing)
    assert [len(s["stranded"]) for s in document["sites"]] == [33, 28] or \
        [len(s["stranded"]) for s in document["sites"]] == [28, 33]
    text = json.dumps(document)
    assert "North" not in text and "South" not in text and "hq-esx" not in text
    assert all(s["name"].startswith("site-") for s in document["sites"])


@pytest.mark.parametrize("sites", [["a"], {"North": []}, {"North": [1]}, {"North": {"x": 1}}])
def test_a_bad_sites_table_is_a_config_error(sites: object) -> None:
    with pytest.raises(ConfigError, match="sites"):
        parse_config({"sites": sites})


def test_redacted_sites_keep_their_hosts_and_show_no_site_name(two_sites: Audit, document: dict) -> None:
    hidden = run_audit([SAMPLE], parse_config({**TWO_SITES, "redact": {"key": "our own secret"}}), redact=True)
    redacted = findings_document(hidden.analysis, hidden.costing)
    summary = [(len(s["hosts"]), s["running_guests"], s["faux_clusters_in_site"], s["origin"])
               for s in redacted["sites"]]
    assert summary == [(len(s["hosts"]), s["running_guests"], s["faux_clusters_in_site"], s["origin"])
                       for s in document["sites"]]
    assert all(s["name"].startswith("site-") for s in redacted["sites"])
    text = json.dumps(redacted)
    assert not any(word in text for word in ("North", "South", "hq-esx"))

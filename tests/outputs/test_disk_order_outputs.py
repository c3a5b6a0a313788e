"""The shared-disk order in the findings JSON, the workbook and the guest-cluster pages of the PDF."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import jsonschema
import openpyxl
import pytest
from pypdf import PdfReader

from reportgen.analysis import analyze
from reportgen.audit import Audit, write_pdf
from reportgen.cost import cost_analysis
from reportgen.outputs.findings_json import findings_document
from reportgen.schemas import findings_schema
from tests.conftest import CHECKER, REAL, SAMPLES
from tests.report_fixtures import CONFIG, small_audit
from tests.synthetic import estate_from_rows

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
BCSPA = REAL / "abeggi-bcspa1-4.7.1.xlsx"


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    from reportgen.cli import main

    out = tmp_path_factory.mktemp("sample")
    files = {"pdf": out / "r.pdf", "json": out / "r.json", "xlsx": out / "r.xlsx"}
    assert main(["audit", str(SAMPLE), "-q", "-o", str(files["pdf"]), "--json", str(files["json"]),
                 "--xlsx", str(files["xlsx"])]) == 0
    return files


def rows(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[dict[str, object]]:
    header = [c.value for c in ws[1]]
    return [dict(zip(header, r)) for r in ws.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)]


def test_json_names_each_shared_disk_s_owner_and_the_order_owner_first(sample: dict[str, Path]) -> None:
    import json

    doc = json.loads(sample["json"].read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator(findings_schema()).validate(doc)
    proven = [c for c in doc["faux_clusters"] if not c["suspected"]]
    assert len(proven) == 4
    for c in proven:
        members = {g["key"] for g in c["guests"]}
        owners = {d["owner"]["key"] for d in c["disk_owner"]}
        assert len(owners) == 1 and owners <= members and c["order_complete"] is True
        assert c["order"][0]["key"] in owners and c["order"][0]["owns"] == len(c["disk_owner"])
        assert [s["move"] for s in c["order"]] == list(range(1, len(members) + 1))
        assert [s["power_off"] for s in c["order"]] == list(range(len(members), 0, -1))
        assert {s["key"] for s in c["order"]} == members
        assert all(d["boot"] is False and d["owner_basis"] == "config-folder" and len(d["guests"]) >= 2
                   for d in c["disk_owner"])
        assert all(d["disk"].endswith(".vmdk") and d["unit"] is not None for d in c["disk_owner"])
    if CHECKER.exists():
        result = subprocess.run([sys.executable, str(CHECKER), str(sample["json"])], capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout


def test_json_says_unknown_owner_with_its_reason_and_an_incomplete_order() -> None:
    audit = small_audit()  # sqlprod's and webcib's shared disks sit in folders named after no node
    doc = findings_document(audit.analysis, audit.costing)
    jsonschema.Draft202012Validator(findings_schema()).validate(doc)
    by_name = {c["name"]: c for c in doc["faux_clusters"]}
    sql = next(c for n, c in by_name.items() if n.startswith("sqlprod"))
    (shared,) = sql["disk_owner"]
    assert shared["owner"] is None and shared["owner_basis"] == "no-member" and sql["order_complete"] is False
    assert [s["owns"] for s in sql["order"]] == [0, 0]
    broken = {**doc, "faux_clusters": [{**sql, "disk_owner": [{**shared, "owner_basis": "guessed"}]}]}
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(broken, findings_schema())


def test_workbook_lists_every_shared_disk_and_node_as_the_json_does(sample: dict[str, Path]) -> None:
    import json

    doc = json.loads(sample["json"].read_text(encoding="utf-8"))
    wb = openpyxl.load_workbook(sample["xlsx"])
    disks, order = rows(wb["Shared disks"]), rows(wb["Node order"])
    assert len(disks) == sum(len(c["disk_owner"]) for c in doc["faux_clusters"]) > 0
    assert len(order) == sum(len(c["order"]) for c in doc["faux_clusters"]) > 0
    expected = [(c["id"], d["disk"], d["owner"]["name"], "no") for c in doc["faux_clusters"] for d in c["disk_owner"]]
    assert [(r["Guest cluster"], r["Disk"], r["Owner"], r["Boot disk"]) for r in disks] == expected
    first = [r for r in order if r["Move"] == 1]
    assert all(r["Shared disks it owns"] >= 1 and r["Can move"] == "yes" for r in first)
    assert wb["Shared disks"].freeze_panes == "A2" and wb["Node order"].auto_filter.ref


def pdf_pages(path: Path) -> list[str]:
    return [p.extract_text() for p in PdfReader(path).pages]


def test_each_guest_cluster_page_shows_the_order_and_keeps_to_one_page(sample: dict[str, Path]) -> None:
    pages = pdf_pages(sample["pdf"])
    titled = [i for i, t in enumerate(pages) if "GC-00" in t and "Order to move it" in t]
    assert len(titled) == 3  # the three that cost most have a page
    for i in titled:
        text = " ".join(pages[i].split())
        # running nodes: the disk holder shuts down last and moves first, in words
        assert "shut down last, move first (disk holder)" in text and "shut down first, move last" in text
        assert "switch off" not in text and "disk owner" not in text
        assert "Vendor reference" in pages[i], f"page {i + 1} runs over"


def boot_and_unknown_audit() -> Audit:
    """Two guest clusters: one shares its boot disk (SCSI 0:0), one shares a disk in a folder of no node."""
    def shared(guest: str, path: str, controller: str, unit: int) -> dict[str, object]:
        return {"guest": guest, "path": path, "controller": controller, "unit": unit, "bus_sharing": "virtual",
                "label": f"Hard disk {unit + 1}"}

    guests = [{"name": n, "host": "esx1", "config_path": f"[ds1] {n}/{n}.vmx", "owner": "ops"}
              for n in ("boot-a", "boot-b", "lost-a", "lost-b")]
    disks = [shared("boot-a", "[ds1] boot-a/boot-a.vmdk", "SCSI controller 0", 0),
             shared("boot-b", "[ds1] boot-a/boot-a.vmdk", "SCSI controller 0", 0),
             shared("lost-a", "[ds1] quorum/q.vmdk", "SCSI controller 1", 0),
             shared("lost-b", "[ds1] quorum/q.vmdk", "SCSI controller 1", 0),
             {"guest": "lost-a", "path": "[ds1] lost-a/lost-a.vmdk", "controller": "SCSI controller 0", "unit": 0},
             {"guest": "lost-b", "path": "[ds1] lost-b/lost-b.vmdk", "controller": "SCSI controller 0", "unit": 0}]
    estate = estate_from_rows([{"name": "esx1", "cluster": "C1"}, {"name": "esx2", "cluster": "C1"}], guests, disks)
    analysis = analyze(estate, CONFIG)
    return Audit(estate, analysis, cost_analysis(analysis))


def test_a_shared_boot_disk_and_an_unknown_owner_are_said_on_the_page(tmp_path: Path) -> None:
    audit = boot_and_unknown_audit()
    orders = list(audit.analysis.disk_orders.values())
    assert sorted((o.disks[0].boot, o.complete) for o in orders) == [(False, False), (True, True)]
    write_pdf(audit, tmp_path / "r.pdf")
    text = " ".join(" ".join(pdf_pages(tmp_path / "r.pdf")).split())
    assert "it boots a node (unit 0 of controller 0) and cannot be moved: rebuild boot-a, boot-b" in text
    assert "shut down last; rebuild: boots from a shared disk" in text
    assert "shut down first; rebuild: boots from a shared disk" in text
    assert "1 shared disk file: 1 in a folder of no node (owner unknown)" in text
    assert "The order covers the known owners only" in text


@pytest.mark.skipif(not BCSPA.exists(), reason="no real export (../shared/real-exports is absent)")
def test_real_export_page_shows_the_disk_owner_first_and_keeps_to_one_page(tmp_path: Path) -> None:
    from reportgen.cli import main

    assert main(["audit", str(BCSPA), "-q", "-o", str(tmp_path / "r.pdf")]) == 0
    pages = pdf_pages(tmp_path / "r.pdf")
    (page,) = [t for t in pages if "Order to move it" in t]
    text = " ".join(page.split())
    # both nodes are off: nothing to shut down, the disk holder moves first
    assert text.count("off; move first (disk holder)") == 1 and text.count("off; move last") == 1
    assert "shut down" not in text.split("Why it is tied")[0] and "switch off" not in text
    assert "Vendor reference" in page

"""The sample generator: committed sample up to date, exact RVTools 4.7.1 headers and cell types, and a ground
truth that agrees with what the exported rows show (checked by an independent reading of the CSV tabs)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import sys
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FORMATS_MD = ROOT.parent / "shared" / "research" / "formats.md"
sys.path.insert(0, str(SAMPLES))

import generate  # noqa: E402
from rvgen.headers import VM_TABS  # noqa: E402

openpyxl = pytest.importorskip("openpyxl")

SAMPLE_XLSX = SAMPLES / "rvtools" / f"{generate.SAMPLE_NAME}.xlsx"
SAMPLE_TRUTH = SAMPLES / "rvtools" / f"{generate.SAMPLE_NAME}.truth.json"
SAMPLE_CSV = SAMPLES / "rvtools-csv" / generate.SAMPLE_NAME


def read_xlsx(path: Path) -> dict[str, list[tuple]]:
    wb = openpyxl.load_workbook(path, read_only=True)
    try:
        return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}
    finally:
        wb.close()


@pytest.fixture(scope="module")
def regenerated(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample")
    generate.write_sample(out)
    return out


@pytest.fixture(scope="module")
def sample_sheets() -> dict[str, list[tuple]]:
    return read_xlsx(SAMPLE_XLSX)


def test_committed_sample_is_what_generate_sample_writes(regenerated, sample_sheets):
    fresh = read_xlsx(regenerated / "rvtools" / SAMPLE_XLSX.name)
    assert list(fresh) == list(sample_sheets)
    for tab in fresh:
        assert fresh[tab] == sample_sheets[tab], f"{tab} differs: run `python samples/generate.py --sample`"
    assert json.loads((regenerated / "rvtools" / SAMPLE_TRUTH.name).read_text()) == json.loads(SAMPLE_TRUTH.read_text())
    committed = sorted(p.name for p in SAMPLE_CSV.iterdir())
    fresh_csv = regenerated / "rvtools-csv" / generate.SAMPLE_NAME
    assert sorted(p.name for p in fresh_csv.iterdir()) == committed
    for name in committed:
        assert (fresh_csv / name).read_bytes() == (SAMPLE_CSV / name).read_bytes(), name


def test_sample_is_small():
    total = sum(p.stat().st_size for d in ("rvtools", "rvtools-csv") for p in (SAMPLES / d).rglob("*") if p.is_file())
    assert total < 1_000_000


def _formats_md_headers() -> dict[str, list[str]]:
    text = FORMATS_MD.read_text(encoding="utf-8")
    section = text[text.index("### 1.3"):text.index("### 1.4")]
    out = {}
    for m in re.finditer(r"\*\*(\w+)\*\* \((\d+)\)[^\n]*\n```\n(.*?)```", section, re.S):
        cols = [c.strip() for c in m.group(3).replace("\n", " ").split("|")]
        cols = [c for c in cols if c and not c.startswith("<")]
        assert len(cols) == int(m.group(2)), m.group(1)
        out[m.group(1)] = cols
    return out


@pytest.mark.skipif(not FORMATS_MD.exists(), reason="../shared/research/formats.md not present")
def test_headers_are_rvtools_471(sample_sheets):
    documented = _formats_md_headers()
    assert len(documented) >= 18
    custom = generate.sample_spec().custom_attributes
    assert list(sample_sheets) == list(generate.TAB_ORDER)
    for tab, rows in sample_sheets.items():
        header = list(rows[0])
        # Custom attributes of guests go into the per-VM tabs only.
        expected = generate.with_custom(tab, custom) if tab in VM_TABS else generate.HEADERS[tab]
        assert header == list(expected), tab
        if tab in documented:
            assert [h for h in header if h not in custom] == documented[tab], tab
    # Custom attributes sit between Annotation and Datacenter in per-VM tabs.
    vinfo = list(sample_sheets["vInfo"][0])
    assert vinfo[vinfo.index("Annotation") + 1:vinfo.index("Datacenter")] == ["Owner", "Backup status"]


def _column(rows: list[tuple], name: str) -> list:
    i = rows[0].index(name)
    return [r[i] for r in rows[1:]]


def test_cell_types_are_rvtools(sample_sheets):
    s = sample_sheets
    for tab, col in (("vInfo", "Template"), ("vInfo", "SRM Placeholder"), ("vDisk", "Raw"), ("vNetwork", "Connected"),
                     ("vDatastore", "MHA"), ("vHost", "in Maintenance Mode"), ("vCD", "Starts Connected")):
        values = set(_column(s[tab], col))
        assert values <= {"True", "False"} and values, (tab, col, values)
    assert {type(v) for v in _column(s["vInfo"], "Memory")} == {int}
    assert {type(v) for v in _column(s["vDatastore"], "# Hosts")} == {int}
    assert {type(v) for v in _column(s["vPort"], "VLAN")} == {str}
    assert all(isinstance(v, str) for v in _column(s["vSource"], "Patch level") + _column(s["vSource"], "Build"))
    assert {type(v) for v in _column(s["vInfo"], "Creation date")} == {dt.datetime}
    assert set(_column(s["vDisk"], "Shared Bus")) == {"noSharing", "physicalSharing", "virtualSharing", None}
    assert set(_column(s["vDisk"], "Sharing mode")) == {"sharingNone", "sharingMultiWriter", None}
    assert set(_column(s["vDisk"], "Raw Comp. Mode")) == {"physicalMode", None}
    assert set(_column(s["vInfo"], "Powerstate")) == {"poweredOn", "poweredOff", "suspended"}
    ids = _column(s["vInfo"], "VM ID")
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"vm-\d+", i) for i in ids)
    names = _column(s["vInfo"], "VM")
    assert len(set(names)) < len(names), "duplicate VM names expected"
    types = _column(s["vCD"], "Device Type")
    assert any(t.startswith("ATAPI /vmfs/devices/cdrom/") for t in types) and "Remote ATAPI" in types
    assert any(t.startswith("ISO [") for t in types)


def test_truth_has_every_kind_of_tie():
    t = json.loads(SAMPLE_TRUTH.read_text())
    topologies = {c["topology"] for c in t["faux_clusters"]}
    assert {"in-a-box", "across-boxes"} <= topologies
    assert {c["mechanism"] for c in t["faux_clusters"]} == {"physical-bus-rdm", "virtual-bus-vmdk", "multi-writer-vmdk"}
    rules = {r["rule"] for g in t["pinned_today"] for r in g["reasons"]}
    assert {"VMW-01", "VMW-02", "VMW-10", "VMW-13", "VMW-17", "VMW-18"} <= rules
    assert t["pinned_at_next_power_on"] and t["hosts_not_evacuable"] and t["decoys"]
    clean = {c["cluster"] for c in t["faux_clusters"]} | {p["cluster"] for p in t["pinned_today"]}
    assert "HQ-DMZ-01" not in clean


def test_xlsxwriter_engine_gives_the_same_cells(tmp_path, sample_sheets):
    generate.write_vcenter(generate.sample_spec(), tmp_path, "xlsx", engine="xlsxwriter", name="x")
    assert read_xlsx(tmp_path / "x.xlsx") == sample_sheets


def test_csv_has_the_same_content(sample_sheets):
    for tab, rows in sample_sheets.items():
        path = SAMPLE_CSV / f"RVTools_tab{tab}.csv"
        if tab == "vMetaData":
            assert not path.exists()
            continue
        with open(path, newline="", encoding="utf-8") as f:
            got = list(csv.reader(f))

        def text(v):
            if v is None:
                return ""
            if isinstance(v, dt.datetime):
                return v.strftime("%Y/%m/%d %H:%M:%S")
            return str(v)
        assert got == [[text(v) for v in r] for r in rows], tab


# --------------------------------------------------------------------------------------------------------------
# An independent reading of the exported CSV tabs, following the truth's documented conventions. It must reach
# the same guest clusters and pins as the generator's truth: the truth describes the data, not the plan.


def _read_csv_tabs(folder: Path) -> dict[str, list[dict]]:
    out = {}
    for p in folder.glob("RVTools_tab*.csv"):
        with open(p, newline="", encoding="utf-8-sig") as f:
            out[p.stem[len("RVTools_tab"):]] = list(csv.DictReader(f))
    return out


def derive(folder: Path) -> dict:
    t = _read_csv_tabs(folder)
    key = lambda r: f"{r['VI SDK UUID'].upper()}/{r['VM ID']}"  # noqa: E731
    info = {key(r): r for r in t["vInfo"]}
    # Guest clusters: guests sharing a disk path on a shared bus or with multi-writer sharing.
    by_path = defaultdict(set)
    for r in t["vDisk"]:
        if r["Shared Bus"] in ("physicalSharing", "virtualSharing") or r["Sharing mode"] == "sharingMultiWriter":
            by_path[r["Path"]].add(key(r))
    parent = {}

    def find(x):
        while parent.setdefault(x, x) != x:
            x = parent[x]
        return x
    for members in by_path.values():
        first, *rest = sorted(members)
        for m in rest:
            parent[find(m)] = find(first)
    groups = defaultdict(set)
    for k in parent:
        groups[find(k)].add(k)
    clusters = {}
    for members in groups.values():
        hosts = [info[k]["Host"] for k in members]
        topo = "in-a-box" if len(set(hosts)) == 1 else ("across-boxes" if len(set(hosts)) == len(hosts) else "mixed")
        clusters[frozenset(members)] = topo
    # Reasons per guest, today (True) and at next power-on (False).
    reasons = defaultdict(set)
    esxi = {r["Host"]: int(r["ESX Version"].split("ESXi ")[1].split(".")[0]) for r in t["vHost"]}
    for r in t["vDisk"]:
        guest = info[key(r)]
        old = esxi[guest["Host"]] < 6 or int(guest["HW version"]) < 11  # vMotion of clustered guests needs both
        if r["Shared Bus"] == "virtualSharing" or (r["Shared Bus"] == "physicalSharing" and r["Raw"] == "True" and old):
            reasons[(key(r), True)].add("bus")
            reasons[(key(r), False)].add("bus")
    uplinked = {(r["Host"], r["Switch"]) for r in t["vNIC"] if r["Switch"]}
    bare = {(r["Host"], r["Switch"]) for r in t["vSwitch"]} - uplinked
    isolated = {(r["Host"], r["Port Group"]) for r in t["vPort"] if (r["Host"], r["Switch"]) in bare}
    for r in t["vNetwork"]:
        if (r["Host"], r["Network"]) in isolated:  # vNetwork.Switch is not trusted (quirk Q11)
            reasons[(key(r), True)] |= {"net"} if r["Connected"] == "True" else set()
            reasons[(key(r), False)] |= {"net"} if r["Starts Connected"] == "True" else set()
    local = {r["Name"] for r in t["vDatastore"] if r["# Hosts"] == "1" and r["MHA"] == "False"}
    for tab in ("vInfo", "vDisk"):
        for r in t[tab]:
            ds = r["Path"][1:r["Path"].index("]")]
            if ds in local:
                reasons[(key(r), True)].add("local")
                reasons[(key(r), False)].add("local")
    for r in t["vCD"]:
        if r["Device Type"].startswith("ATAPI"):
            reasons[(key(r), True)] |= {"cd"} if r["Connected"] == "True" else set()
            reasons[(key(r), False)] |= {"cd"} if r["Starts Connected"] == "True" else set()
    for r in t.get("vUSB", []):
        reasons[(key(r), True)].add("usb")
        reasons[(key(r), False)].add("usb")
    today, later = set(), set()
    for k, r in info.items():
        if r["Template"] == "True":
            continue
        running = r["Powerstate"] == "poweredOn"
        if reasons.get((k, running)):
            (today if running else later).add(k)
    return {"clusters": clusters, "today": today, "later": later}


def _truth_sets(t: dict) -> dict:
    return {
        "clusters": {frozenset(g["key"] for g in c["guests"]): c["topology"] for c in t["faux_clusters"]},
        "today": {p["key"] for p in t["pinned_today"]},
        "later": {p["key"] for p in t["pinned_at_next_power_on"]},
    }


def test_truth_agrees_with_the_exported_rows():
    assert derive(SAMPLE_CSV) == _truth_sets(json.loads(SAMPLE_TRUTH.read_text()))


def test_truth_agrees_at_scale_over_several_vcenters(tmp_path):
    files = generate.write_estate(tmp_path, guests=3000, vcenters=2, seed=7, fmt="csv", jobs=1)
    assert len(files.exports) == 2
    truth = files.load_truth()
    derived = {"clusters": {}, "today": set(), "later": set()}
    for folder in files.exports:
        d = derive(folder)
        derived["clusters"].update(d["clusters"])
        derived["today"] |= d["today"]
        derived["later"] |= d["later"]
    assert derived == _truth_sets(truth)
    c = truth["counts"]
    assert c["guests"] == 3000 and c["vcenters"] == 2
    assert 0.02 < c["guests_in_faux_clusters"] / c["guests"] < 0.06
    assert {x["topology"] for x in truth["faux_clusters"]} == {"in-a-box", "across-boxes", "mixed"}
    # Guest keys are unique across vCenters, VM IDs only within one.
    keys = [g["key"] for x in truth["faux_clusters"] for g in x["guests"]]
    assert len(keys) == len(set(keys))


def test_generation_is_deterministic(tmp_path):
    a = generate.write_estate(tmp_path / "a", guests=400, seed=3)
    b = generate.write_estate(tmp_path / "b", guests=400, seed=3)
    c = generate.write_estate(tmp_path / "c", guests=400, seed=4)
    assert a.exports[0].read_bytes() == b.exports[0].read_bytes()
    assert a.exports[0].read_bytes() != c.exports[0].read_bytes()
    assert a.load_truth()["faux_clusters"] == b.load_truth()["faux_clusters"]


def test_readme_describes_the_sample():
    readme = (SAMPLES / "README.md").read_text(encoding="utf-8")
    t = json.loads(SAMPLE_TRUTH.read_text())
    for c in t["faux_clusters"]:
        assert f"`{c['name']}`" in readme, c["name"]
    for p in t["pinned_today"] + t["pinned_at_next_power_on"]:
        assert p["name"] in readme, p["name"]
    assert f"{t['counts']['guests']} guests" in readme


def test_truth_comparison_counts_mismatches():
    from rvgen.compare import check

    t = json.loads(SAMPLE_TRUTH.read_text())
    pinned = defaultdict(list)
    for p in t["pinned_today"]:
        pinned[p["host"]].append({"key": p["key"].lower(), "name": p["name"], "rules": []})
    perfect = {
        "estate": {"guests": t["counts"]["guests"]},
        "faux_clusters": [{"name": c["name"], "topology": c["topology"], "suspected": False,
                           "guests": [{"key": g["key"], "name": g["name"]} for g in c["guests"]]}
                          for c in t["faux_clusters"]]
        + [{"name": "heuristic", "suspected": True, "guests": [{"key": "X/vm-1"}, {"key": "X/vm-2"}]}],
        "hosts": [{"name": h, "evacuable": False, "pinned_guests": g} for h, g in pinned.items()]
        + [{"name": "free-host", "evacuable": True, "pinned_guests": []}],
    }
    assert check(perfect, t)[0] == 0
    perfect["faux_clusters"][0]["topology"] = "mixed"
    perfect["hosts"][0]["pinned_guests"].pop()
    bad, lines = check(perfect, t)
    assert bad >= 2 and any("missing" in line for line in lines)


def test_workbook_parts_are_well_formed_xml():
    import xml.etree.ElementTree as ET
    import zipfile

    with zipfile.ZipFile(SAMPLE_XLSX) as z:
        names = z.namelist()
        assert "[Content_Types].xml" in names and "xl/sharedStrings.xml" in names
        for name in names:
            ET.fromstring(z.read(name))
        ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
        sst = ET.fromstring(z.read("xl/sharedStrings.xml"))
        assert int(sst.get("uniqueCount")) == len(sst.findall("m:si", ns))
        sheet = ET.fromstring(z.read("xl/worksheets/sheet1.xml"))
        assert sheet.find("m:dimension", ns).get("ref") == f"A1:CN{t_guests() + 1}"
        assert sheet.find("m:autoFilter", ns).get("ref") == sheet.find("m:dimension", ns).get("ref")


def t_guests() -> int:
    return json.loads(SAMPLE_TRUTH.read_text())["counts"]["guests"]


def test_the_generators_copy_of_the_headers_agrees_with_the_importers() -> None:
    # Two copies on purpose (the generator does not import reportgen); this keeps them in step.
    from reportgen.importers.rvtools_headers import KNOWN, canonical_header

    for tab, known in KNOWN.items():
        unknown = [h for h in generate.HEADERS[tab] if canonical_header(tab, h) not in known]
        assert unknown == [], tab

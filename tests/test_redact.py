"""--redact: no real name in any output, and the same findings as without it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest

from reportgen import schema
from reportgen.config import Config, WaveSettings
from reportgen.importers import load_estate
from reportgen.redact import COLUMNS, DIGITS, NAME_FREE, Redactor, redact_config, redact_estate
from tests.conftest import SAMPLES
from tests.rvtools_files import small_estate, write_xlsx

NO_KEY = "warning: --redact without a redact.key"


def test_pseudonyms_are_stable_and_keep_what_rules_read() -> None:
    r = Redactor()
    assert r.path("[san01] sql01/sql01_1.vmdk") == r.path("[san01] sql01/sql01_1.vmdk")
    assert r.path("[san01] a/b.vmdk").startswith("[ds-") and r.path("[san01] a/b.vmdk").endswith(".vmdk")
    assert r.path("C:\\ClusterStorage\\Volume1\\x.vhds").startswith("C:\\ClusterStorage\\volume-")
    assert r.path("\\\\fs01\\vms\\b.vhdx").startswith("\\\\server-")
    assert r.detail("Remote ATAPI") == "Remote ATAPI"
    a, b = r.name("guest", "sqlcl01-n1"), r.name("guest", "sqlcl01-n2")
    assert a[:-1] == b[:-1] and "sqlcl" not in a
    assert r.network("Cluster Heartbeat").endswith("-heartbeat")
    assert Redactor("other key").pseudonym("host", "esx01") != r.pseudonym("host", "esx01")


def test_redacted_audit_shows_no_real_names_and_same_shape(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    plain, hidden = tmp_path / "plain.json", tmp_path / "hidden.json"
    assert cli(["audit", book, "--json", plain, "-q"]).code == 0
    assert cli(["audit", book, "--json", hidden, "--redact", "-q", "-o", tmp_path / "r.pdf"]).code == 0
    text = hidden.read_text()
    for secret in ("sql01", "esx01", "example.test", "san01", "vc.xlsx", "Prod", "5A1E7C3B"):
        assert secret not in text, secret
    a, b = json.loads(plain.read_text()), json.loads(text)
    assert [c["topology"] for c in a["faux_clusters"]] == [c["topology"] for c in b["faux_clusters"]]
    assert len(a["findings"]) == len(b["findings"])
    assert sorted(h["evacuable"] for h in a["hosts"]) == sorted(h["evacuable"] for h in b["hosts"])
    from pypdf import PdfReader

    pdf_text = "\n".join(p.extract_text() for p in PdfReader(tmp_path / "r.pdf").pages)
    assert "sql01" not in pdf_text and "esx01" not in pdf_text


def test_redacted_estate_keeps_row_counts(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "vc.xlsx")])
    hidden = redact_estate(estate)
    for name, table in estate.tables.items():
        assert hidden.tables[name].num_rows == table.num_rows


def test_a_private_key_gives_other_pseudonyms(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    config = tmp_path / "audit.toml"
    config.write_text('[redact]\nkey = "our own secret"\n')
    default, private = tmp_path / "d.json", tmp_path / "p.json"
    assert cli(["audit", book, "--json", default, "--redact", "-q"]).code == 0
    assert cli(["audit", book, "--json", private, "--redact", "-q", "--config", config]).code == 0
    names = [sorted(h["name"] for h in json.loads(p.read_text())["hosts"]) for p in (default, private)]
    assert names[0] != names[1]
    assert all(n.startswith("host-") for n in names[1])


def test_collector_gaps_and_errors_name_no_real_host(tmp_path: Path) -> None:
    """Coverage reasons and data-quality messages built from a Hyper-V manifest are redacted too."""
    import zipfile

    bundle = tmp_path / "partial.zip"
    sample = Path(__file__).resolve().parents[1] / "samples" / "hyperv" / "hyperv-3node.zip"
    with zipfile.ZipFile(sample) as source, zipfile.ZipFile(bundle, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "manifest.json":
                doc = json.loads(data.decode("utf-8-sig"))
                doc["status"].append({"object": "Get-VMDvdDrive", "node": "HV02", "status": "failed",
                                      "message": "HV02 refused the call for WEB01"})
                data = json.dumps(doc).encode("utf-8")
            target.writestr(name, data)
    estate = load_estate([bundle])
    assert any("HV02" in g for t in estate.tabs for g in t.gaps)
    redacted = redact_estate(estate)
    texts = [g for t in redacted.tabs for g in t.gaps] + [i.message for i in redacted.issues]
    assert any("Get-VMDvdDrive failed on host-" in t for t in texts)
    assert not any(word in t for t in texts for word in ("HV02", "WEB01"))


@pytest.mark.parametrize("table", schema.TABLES)
def test_every_text_column_is_registered_as_a_name_or_as_name_free(table: str) -> None:
    """A new text column must say whether it holds names (redact.COLUMNS) or not (redact.NAME_FREE)."""
    text = {f.name for f in schema.SCHEMAS[table]
            if f.type == pa.string() or (pa.types.is_list(f.type) and f.type.value_type == pa.string())}
    named, free = set(COLUMNS.get(table, {})), set(NAME_FREE.get(table, frozenset()))
    assert not named & free, f"{table}: {sorted(named & free)} registered both ways"
    assert named | free <= text, f"{table}: {sorted((named | free) - text)} are not text columns"
    assert text <= named | free, (f"{table}: register {sorted(text - named - free)} in redact.COLUMNS "
                                  "(names, identities, free text) or redact.NAME_FREE")


def test_pseudonyms_need_the_key() -> None:
    mine, built_in = Redactor("our own secret"), Redactor()
    name = mine.pseudonym("host", "esx01")
    assert len(name) == len("host-") + DIGITS and name != built_in.pseudonym("host", "esx01")
    assert name == Redactor("our own secret").pseudonym("host", "esx01")
    assert Redactor("").pseudonym("host", "esx01") == built_in.pseudonym("host", "esx01")


def test_redact_without_a_key_warns_once(cli, tmp_path: Path) -> None:
    book = write_xlsx(small_estate(), tmp_path / "vc.xlsx")
    said = cli(["audit", book, "--json", tmp_path / "a.json", "--redact", "-q"])
    assert said.code == 0 and said.stderr.count(NO_KEY) == 1, said.stderr
    config = tmp_path / "audit.toml"
    config.write_text('[redact]\nkey = "our own secret"\n')
    quiet = cli(["audit", book, "--json", tmp_path / "b.json", "--redact", "-q", "--config", config])
    assert quiet.code == 0 and NO_KEY not in quiet.stderr
    assert NO_KEY not in cli(["audit", book, "--json", tmp_path / "c.json", "-q"]).stderr


def test_data_quality_names_no_custom_attribute_and_no_file(cli, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert cli(["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", "--json", out, "--redact", "-q"]).code == 0
    issues = json.loads(out.read_text())["data_quality"]
    found = next(i for i in issues if i["message"].startswith("custom attribute / tag columns found: "))
    names = found["message"].removeprefix("custom attribute / tag columns found: ").split(", ")
    assert len(names) == 2 and all(n.startswith("column-") for n in names)
    owner = next(i for i in issues if i["message"].startswith("guest owners read from"))
    assert owner["column"] in names and f"'{owner['column']}'" in owner["message"]
    assert {i["file"] for i in issues} == {found["file"]} and found["file"].startswith("file-")
    assert found["file"].endswith(".xlsx") and found["sheet"] == "vInfo"


def test_hyperv_possible_owners_and_node_names_are_pseudonyms(cli, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    assert cli(["audit", SAMPLES / "hyperv" / "hyperv-3node.zip", "--json", out, "--redact", "-q"]).code == 0
    document = json.loads(out.read_text())
    restricted = [f for f in document["findings"] if f["rule"] == "HYV-15"]
    assert restricted and all(f["host"].startswith("host-") for f in restricted)
    assert "possible owners of the VM resource = host-" in restricted[0]["evidence"]
    assert "HV0" not in out.read_text().upper().replace("HYPERV", "")


def test_configured_cluster_names_are_mapped_like_the_estate_s(tmp_path: Path) -> None:
    estate = load_estate([write_xlsx(small_estate(), tmp_path / "vc.xlsx")])
    cluster = estate.hosts.column("cluster").to_pylist()[0]
    r = Redactor("our own secret")
    hidden = redact_estate(estate, redactor=r)
    config = redact_config(Config(waves=WaveSettings(cluster_capacity={cluster: 2})), r)
    assert config.waves.cluster_capacity == {hidden.hosts.column("cluster").to_pylist()[0]: 2}


def test_service_patterns_price_the_same_guests_and_are_not_shown(cli, tmp_path: Path) -> None:
    book = SAMPLES / "rvtools" / "acme-vc01.xlsx"
    config = tmp_path / "audit.toml"
    config.write_text('[redact]\nkey = "our own secret"\n[cost.service_outage_cost_per_minute]\n"hqsql*" = 25.0\n')
    plain, hidden, without = tmp_path / "p.json", tmp_path / "h.json", tmp_path / "w.json"
    assert cli(["audit", book, "--json", plain, "-q", "--config", config]).code == 0
    assert cli(["audit", book, "--json", hidden, "-q", "--config", config, "--redact"]).code == 0
    assert cli(["audit", book, "--json", without, "-q"]).code == 0
    totals = [json.loads(p.read_text())["cost"]["annual_total"] for p in (plain, hidden, without)]
    assert totals[0] == totals[1] != totals[2]
    assert "hqsql" not in hidden.read_text()


def test_a_single_host_datastore_names_its_host_by_the_host_s_pseudonym(cli, tmp_path: Path) -> None:
    """Before, the evidence took the host from the datastore's host key, which is pseudonymised part by part."""
    out = tmp_path / "hidden.json"
    assert cli(["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", "--json", out, "--redact", "-q"]).code == 0
    running = [f for f in json.loads(out.read_text())["findings"] if f["rule"] == "VMW-13" and f["timing"] == "now"]
    assert running and all(f"Hosts = {f['host']};" in f["evidence"] for f in running)

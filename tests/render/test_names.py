"""Host, cluster and guest names break only after '.', '-' or '_', never mid-word."""

from __future__ import annotations

import subprocess
from dataclasses import replace
from pathlib import Path

from reportgen.render.env import MAX_NAME, WJ, ZWSP, breakable, breakable_text
from reportgen.render.pdf import render_pdf
from reportgen.report import build_report
from reportgen.report.model import FailureRow
from tests.report_fixtures import small_audit

NAME = "Munich_Cluster1_Production.example-datacentre.local"


def _starts(name: str) -> set[int]:
    return {0} | {i + 1 for i, ch in enumerate(name) if ch in "._-"}


def test_the_filter_keeps_short_parts_whole_breaks_after_dots_and_escapes() -> None:
    assert str(breakable("a_b.c<d>")) == '<span class="nm">a_b.</span><wbr><span class="nm">c&lt;d&gt;</span>'
    assert str(breakable("Munich_Cluster1_Production.x")) == \
        'Munich_<wbr>Cluster1_<wbr>Production.<wbr><span class="nm">x</span>'


def test_sample_guest_and_host_names_are_not_split_in_the_register_and_wave_plan(tmp_path: Path) -> None:
    """'hqfscib01-|a' read as two guests in a power-off list; 'HQ-|PROD-02' as a cut name."""
    from reportgen.audit import run_audit, write_pdf
    samples = Path(__file__).resolve().parents[2] / "samples"
    audit = run_audit([samples / "rvtools" / "acme-vc01.xlsx", samples / "hyperv" / "hyperv-3node.zip"])
    write_pdf(audit, tmp_path / "s.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "s.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    plan = text[text.index("Host maintenance register\n"):text.index("If a host fails\n", text.index("Wave plan\n"))]
    tokens = {tok.strip(",") for line in plan.splitlines() for tok in line.split()}
    for name in ("hqfscib01-a", "hqfscib01-b", "HQ-PROD-01", "HQ-PROD-02", "hqsqlcl02-n1"):
        assert name in tokens, name
    assert not {"hqfscib01-", "HQ-", "hq-"} & tokens


def test_a_long_cluster_name_in_the_register_breaks_only_at_separators(tmp_path: Path) -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    model = replace(model, register=tuple(replace(r, cluster=NAME) for r in model.register))
    render_pdf(model, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    pieces = [tok for line in text.splitlines() for tok in line.split() if len(tok) >= 4 and tok in NAME]
    assert len(pieces) >= 2, "the name wraps in its narrow column"
    allowed = _starts(NAME)
    for piece in pieces:
        assert any(NAME.startswith(piece, i) for i in allowed), piece


def test_cluster_guest_and_owner_names_up_to_sixteen_characters_stay_whole_in_the_register(tmp_path: Path) -> None:
    """'Munich_|Cluster1' in the Cluster column, 'Jean-|Luc' among the owners, 'GR-|PVW-L-DS01' among media."""
    cluster, guests, media = "Berlin_Cluster01", ("FW-EDGE-100-XY", "SQLNODE-PRD-07"), ("APP-SRV-L-DS01",)
    owners = ("Anne-Marie Roux", "ops-team")
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    model = replace(model, register=tuple(
        replace(r, cluster=cluster, power_off=guests, media=media, owners=owners, unknown_owner=False)
        for r in model.register))
    model = replace(model, wave_plan=tuple(replace(w, power_off=guests, owners=owners) for w in model.wave_plan))
    render_pdf(model, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    plan = text[text.index("Host maintenance register\n"):text.index("If a host fails\n", text.index("Wave plan\n"))]
    tokens = {tok.strip(",") for line in plan.splitlines() for tok in line.split()}
    for name in (cluster, *guests, *media, "Anne-Marie", "ops-team"):
        assert name in tokens, name
    assert not {"Berlin_", "FW-", "SQLNODE-", "APP-", "Anne-", "ops-"} & tokens
    rows = [line for line in plan.splitlines() if cluster in line]
    assert rows and all(f"{cluster} " in row for row in rows), "the cluster name ends before the next column"


def test_a_word_within_a_name_breaks_at_its_spaces_and_keeps_short_words_whole() -> None:
    assert str(breakable("Jean-Luc Martin")) == '<span class="nm">Jean-Luc</span> <span class="nm">Martin</span>'
    assert str(breakable("Berlin_Cluster01", 16)) == '<span class="nm">Berlin_Cluster01</span>'
    assert str(breakable("Berlin_Cluster01")) == "Berlin_<wbr>Cluster01"


def test_the_pdf_marks_names_up_with_characters_not_an_element_per_word() -> None:
    """Joiners keep short words whole, zero-width spaces let names break; no element at all."""
    from reportgen.render.env import WJ, ZWSP, breakable_text

    assert str(breakable_text("hqfscib01-a")) == f"hqfscib01{WJ}-{WJ}a"
    assert str(breakable_text("esx01.corp<x>")) == \
        f"esx01{WJ}.{ZWSP}corp{WJ}&lt;{WJ}x{WJ}&gt;"
    assert str(breakable_text("Munich_Cluster1_Production.x")) == f"Munich_{ZWSP}Cluster1_{ZWSP}Production.{ZWSP}x"
    assert str(breakable_text("Jean-Luc Martin")) == f"Jean{WJ}-{WJ}Luc Martin"
    assert str(breakable_text("")) == ""


def test_owner_names_up_to_sixteen_characters_stay_whole_in_the_register_and_failure_table(tmp_path: Path) -> None:
    """'team-|platform' in the 10k register's and host-failure table's owners columns, where the wave plan kept it whole."""
    owners = ("team-ops", "team-platform", "data-engineering", "team-dba")
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    failed = FailureRow("esx01.example.test", "CL01", ("app01", "db01"), 0, 2, owners)
    model = replace(model, register=tuple(replace(r, owners=owners, unknown_owner=False) for r in model.register),
                    failure=(failed,))
    render_pdf(model, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    register = text[text.index("Host maintenance register\n"):text.index("Wave plan\n")]
    failure = text[text.index("If a host fails\n"):]
    failure = failure[:failure.index("Data quality and coverage\n")]
    for part in (register, failure):
        tokens = {tok.strip(",") for line in part.splitlines() for tok in line.split()}
        assert {"team-platform", "data-engineering"} <= tokens
        assert not {"team-", "data-", "platform", "engineering"} & tokens


def test_an_ip_address_is_never_broken_at_a_dot() -> None:
    from reportgen.render.env import ZWSP, breakable_text

    assert str(breakable("172.26.20.85")) == '<span class="nm">172.26.20.85</span>'
    assert ZWSP not in str(breakable_text("172.26.20.85")) and ZWSP not in str(breakable_text("10.0.0.1:443"))
    assert ZWSP in str(breakable_text("esx01.corp.example"))  # a host name still breaks after its dots


def test_a_cluster_name_in_wide_capitals_breaks_at_a_hyphen_not_mid_word(tmp_path: Path) -> None:
    """'MDC-ENT-Cluste|r1' in the register's Cluster column: 16 characters, but capitals are wider."""
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    hosts = ("172.26.20.85", "192.168.101.240")
    model = replace(model, register=tuple(replace(r, cluster="MDC-ENT-Cluster1", host=hosts[i % 2])
                                          for i, r in enumerate(model.register)))
    render_pdf(model, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-layout", str(tmp_path / "r.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    register = text[text.index("Host maintenance register\n"):text.index("Wave plan\n")]
    tokens = {tok.strip(",") for line in register.splitlines() for tok in line.split()}
    assert {"MDC-ENT-", "Cluster1"} <= tokens or "MDC-ENT-Cluster1" in tokens
    assert not [t for t in tokens if t.startswith("MDC-ENT-C") and t != "MDC-ENT-Cluster1"]  # not cut mid-word
    assert "r1" not in tokens
    assert set(hosts[:len(model.register)]) <= tokens  # each address on one line


def test_a_name_longer_than_any_real_one_is_cut_on_the_page() -> None:
    """A host named with 30,000 letters (hostile, or a broken export) took the PDF over a minute to lay out; a page
    shows its first 254 letters and '…' (the data files keep it whole). A real name is shown whole."""
    for filter_ in (breakable, breakable_text):
        shown = str(filter_("h" * 30_000))
        text = shown.replace(ZWSP, "").replace(WJ, "").replace("<wbr>", "").replace('<span class="nm">', "")
        assert text.replace("</span>", "") == "h" * (MAX_NAME - 1) + "…"
        longest = "esx" + "0" * 249 + ".example.local"  # 266 letters: cut too
        assert "…" in str(filter_(longest)) and "…" not in str(filter_("esx01.example.local"))

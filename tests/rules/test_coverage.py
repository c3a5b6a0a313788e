"""Coverage: per export, each rule is assessed or not, with the reason a user can act on."""

from __future__ import annotations

import pyarrow as pa

from reportgen import schema
from reportgen.estate import Estate
from reportgen.rules import CATALOGUE, evaluate

from .canonical import guest, host, make


def coverage(estate: Estate) -> dict[str, tuple[str, str]]:
    return {c.rule: (c.status, c.reason) for c in evaluate(estate).coverage}


def small(**kw: object) -> Estate:
    return make([host("esx01"), host("esx02")], [guest("a", "vm-1", "esx01")], **kw)  # type: ignore[arg-type]


def test_every_vsphere_rule_has_one_record_per_vsphere_export() -> None:
    records = evaluate(small()).coverage
    vsphere = sorted(rule for rule, info in CATALOGUE.items() if "vsphere" in info.platforms)
    assert sorted(c.rule for c in records) == vsphere
    assert all(c.source_id == 0 for c in records)


def test_a_tab_newer_than_the_export_says_which_version_writes_it() -> None:
    cov = coverage(small(drop={"vUSB": ()}, version="4.1.0.0"))
    assert cov["VMW-17"] == ("not-assessed", ("tab vUSB is missing (host USB devices of each guest, written by RVTools "
                                             "4.1.2 and later; this export is from RVTools 4.1.0.0)"))


def test_a_full_export_assesses_everything_the_export_can_show() -> None:
    cov = coverage(small())
    assert {r for r, (status, _) in cov.items() if status == "not-assessed"} == {"VMW-14", "VMW-16", "VMW-22"}


def test_a_missing_tab_is_named_once_with_what_it_would_have_shown() -> None:
    cov = coverage(small(drop={"vDisk": ()}))
    assert cov["GEN-01"] == ("not-assessed", "tab vDisk is missing (shared disks are only visible in vDisk)")
    assert cov["VMW-02"][0] == "not-assessed" and cov["VMW-02"][1].count("tab vDisk is missing") == 1
    assert cov["VMW-13"][0] == "assessed" and "partly: tab vDisk is missing" in cov["VMW-13"][1]


def test_a_column_of_a_newer_rvtools_says_which_version_writes_it() -> None:
    cov = coverage(small(drop={"vDisk": ("Sharing mode",)}, version="4.1.3.0"))
    assert cov["VMW-07"] == ("not-assessed", ("vDisk lacks column 'Sharing mode' (the disk's sharing mode, written by "
                                             "RVTools 4.4.1 and later; this export is from RVTools 4.1.3.0)"))
    status, reason = cov["GEN-01"]
    assert status == "assessed" and reason.startswith("partly: vDisk lacks column 'Sharing mode'")


def test_limits_of_an_assessed_rule_are_said() -> None:
    assert coverage(small())["VMW-06"] == ("assessed", "LUN presentation (zoning, masking) per host is not in the export")


def test_without_a_vsphere_export_vsphere_rules_do_not_apply() -> None:
    estate = small()
    sources = pa.Table.from_pylist([{"source_id": 0, "file": "hv.zip", "format": "hyperv-csv", "platform": "hyperv"}],
                                   schema=schema.SCHEMAS["sources"])
    cov = coverage(Estate(tables={**estate.tables, "sources": sources}, tabs=estate.tabs))
    assert "VMW-13" not in cov  # not applicable: neither assessed nor a gap
    assert cov["HYV-08"][0] in ("assessed", "not-assessed")


def test_a_superseded_export_gets_no_coverage_record() -> None:
    estate = small()
    rows = estate.sources.to_pylist() + [{**estate.sources.to_pylist()[0], "source_id": 1, "superseded_by": 0}]
    sources = pa.Table.from_pylist(rows, schema=schema.SCHEMAS["sources"])
    records = evaluate(Estate(tables={**estate.tables, "sources": sources}, tabs=estate.tabs)).coverage
    assert {c.source_id for c in records} == {0}


def _with_tab(estate: Estate, tab: str, **changes: object) -> Estate:
    from dataclasses import replace
    tabs = tuple(replace(t, **changes) if t.tab == tab else t for t in estate.tabs)  # type: ignore[arg-type]
    return Estate(tables=estate.tables, tabs=tabs)


def test_a_check_whose_rows_were_all_skipped_is_not_assessed() -> None:
    # every vHost row skipped (no host name): CPU model, EVC and ESXi version were never read
    estate = _with_tab(small(), "vHost", rows_read=43, rows_used=0)
    cov = coverage(estate)
    for rule in ("VMW-25", "GEN-03"):
        status, reason = cov[rule]
        assert status == "not-assessed", rule
        assert "all 43 vHost rows were skipped" in reason
    assert cov["VMW-20"][0] == "assessed"


def test_a_blank_row_or_a_note_under_the_table_does_not_make_a_check_partly_assessed() -> None:
    cov = coverage(_with_tab(small(), "vHost", rows_read=7, rows_used=5))
    assert cov["VMW-25"] == ("assessed", "")


def test_a_cluster_check_that_could_not_be_assessed_finds_nothing() -> None:
    # clusters without names and hosts whose cluster is unknown: standalone or not cannot be told
    estate = make([host("esx01", cluster=None), host("esx02", cluster=None)], [guest("a", "vm-1", "esx01")],
                  clusters=[])
    estate = _with_tab(estate, "vCluster", empty=frozenset({"Name"}))
    out = evaluate(estate)
    assert {c.rule: c.status for c in out.coverage}["VMW-24"] == "not-assessed"
    assert [f for f in out.findings if f.rule == "VMW-24"] == []
    assert [s for s in out.strands if s.rule == "VMW-24"] == []

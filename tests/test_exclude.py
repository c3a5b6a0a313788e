"""[exclude]: guests the configuration says not to count leave the estate, each named in data quality."""

from __future__ import annotations

from dataclasses import replace

import pytest

from reportgen.analysis import analyze
from reportgen.config import ExcludeSettings, parse_config
from reportgen.cost import cost_analysis
from reportgen.errors import ConfigError
from reportgen.exclude import exclude_guests
from reportgen.report import build_report
from tests.report_fixtures import CONFIG, small_estate


def test_guests_matching_a_name_or_annotation_are_not_counted_and_are_listed_with_the_pattern() -> None:
    estate = small_estate(extra_guests=[
        {"name": "oldapp (do not power on)", "host": "esx05.example.net", "annotation": "x"},
        {"name": "tmp-01", "host": "esx06.example.net", "annotation": "Decommissioned 2024, delete by Q3"},
    ])
    settings = ExcludeSettings(names=("olddb-*", "*(do not power on)*"), annotations=("decommissioned*",))
    kept = exclude_guests(estate, settings)
    names = set(kept.guests.column("name").to_pylist())
    assert not names & {"olddb-1", "olddb-2", "oldapp (do not power on)", "tmp-01"}
    assert kept.guests.num_rows == estate.guests.num_rows - 4
    gone = set(estate.guests.column("guest_key").to_pylist()) - set(kept.guests.column("guest_key").to_pylist())
    assert not gone & set(kept.tables["disks"].column("guest_key").to_pylist())
    notes = {i.message: i for i in kept.issues if "excluded" in i.message}
    assert len(notes) == 4 and all(i.skipped and i.file == "hand-built.xlsx" for i in notes.values())
    assert any("'olddb-1'" in m and "name pattern 'olddb-*'" in m for m in notes)
    assert any("'tmp-01'" in m and "annotation pattern 'decommissioned*'" in m for m in notes)

    config = replace(CONFIG, exclude=settings)
    analysis = analyze(kept, config)
    model = build_report(analysis, cost_analysis(analysis))
    assert all("olddb" not in c.name for c in analysis.guest_clusters)  # the off cluster is no longer a future tie
    assert model.summary.annual_at_power_on == model.summary.annual_cost
    assert sum(1 for g in model.issues if "excluded by the configuration" in g.message) == 4


def test_no_patterns_change_nothing() -> None:
    estate = small_estate()
    assert exclude_guests(estate, ExcludeSettings()) is estate


def test_the_configuration_reads_exclude_and_refuses_a_bad_value() -> None:
    config = parse_config({"exclude": {"names": ["*-deleteby-*"], "annotations": ["retired*"]}})
    assert config.exclude == ExcludeSettings(("*-deleteby-*",), ("retired*",))
    with pytest.raises(ConfigError, match="exclude.names"):
        parse_config({"exclude": {"names": "*-deleteby-*"}})
    with pytest.raises(ConfigError, match="unknown key"):
        parse_config({"exclude": {"guests": []}})


def test_an_audit_leaves_out_the_excluded_guests_before_the_rules_run() -> None:
    from pathlib import Path

    from reportgen.audit import run_audit
    from reportgen.config import Config

    sample = Path(__file__).resolve().parents[1] / "samples" / "rvtools" / "acme-vc01.xlsx"
    config = Config(exclude=ExcludeSettings(names=("hqfscib01-*",)))
    audit = run_audit([sample], config)
    assert not any("hqfscib01" in g.name for c in audit.analysis.guest_clusters for g in c.guests)
    assert sum(1 for i in audit.estate.issues if "hqfscib01-" in i.message and "excluded" in i.message) == 2

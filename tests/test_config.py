"""The audit configuration: documented defaults, `init-config`, and one clear line per mistake."""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path

import pytest

from reportgen.config import DEFAULT_TOML, Config, CostSettings, ReportSettings, WaveSettings, load_config, parse_config
from reportgen.errors import ConfigError


def test_default_file_parses_to_the_built_in_defaults() -> None:
    assert parse_config(tomllib.loads(DEFAULT_TOML)) == Config()


@pytest.mark.parametrize("settings,section", [(ReportSettings, "report"), (CostSettings, "cost"),
                                              (WaveSettings, "waves")])
def test_every_key_is_documented_in_the_default_file(settings: type, section: str) -> None:
    for f in dataclasses.fields(settings):
        assert f"{f.name} =" in DEFAULT_TOML or f"[{section}.{f.name}" in DEFAULT_TOML, f.name
    assert "column =" in DEFAULT_TOML


def test_init_config_writes_a_commented_default_and_refuses_to_overwrite(cli, tmp_path: Path) -> None:
    target = tmp_path / "audit.toml"
    first = cli(["init-config", target])
    assert first.code == 0 and target.read_text(encoding="utf-8") == DEFAULT_TOML
    assert sum(1 for line in DEFAULT_TOML.splitlines() if "#" in line) > 20
    again = cli(["init-config", target])
    assert again.code == 2 and "--force" in again.stderr
    assert cli(["init-config", target, "--force"]).code == 0


BAD = [
    ('[cost]\nchange_cost = "cheap"\n', "key 'cost.change_cost' must be float"),
    ("[cost]\nchange_cost = 900\n", "key 'cost.change_cost' must lie between"),
    ("[cost]\nout_of_hours_multiplier = 0.5\n", "key 'cost.out_of_hours_multiplier' must be 1 or more"),
    ("[cost.roles.dba]\nhours = -1\nrate = 50\n", "key 'cost.roles.dba.hours' must not be negative"),
    ("[cost.events_per_year]\nesxi = 4\n", "unknown key 'cost.events_per_year.esxi'"),
    ('[cost.service_outage_cost_per_minute]\n"sql*" = "high"\n',
     "key 'cost.service_outage_cost_per_minute.sql*' must be a number"),
    ('[report]\ncurrency = "pounds"\n', "key 'report.currency'"),
    ("[report]\nmax_register_rows = -1\n", "key 'report.max_register_rows' must be 0 or more"),
    ('[report]\nlogo = "missing.png"\n', "key 'report.logo': no such file"),
    ('[report]\nlogo = "logo.gif"\n', "key 'report.logo'"),
    ("[waves.cluster_capacity]\nProd = 0\n", "key 'waves.cluster_capacity.Prod' must be a whole number"),
    ("[report]\nclient = 3\n", "key 'report.client' must be str"),
    ("[colour]\nink = 1\n", "unknown key 'colour'"),
    ("[report\n", "not valid TOML"),
    ("[cost]\noutage_cost_per_minute = inf\n", "key 'cost.outage_cost_per_minute' must be a finite number"),
    ("[cost]\nchange_cost_high = nan\n", "key 'cost.change_cost_high' must be a finite number"),
    ("[cost]\noutage_minutes = -45\n", "key 'cost.outage_minutes' must not be negative"),
    ("[cost]\noutage_minutes = 1e400\n", "key 'cost.outage_minutes' must be a finite number"),
    ("[cost.roles.dba]\nhours = 1\nrate = -inf\n", "key 'cost.roles.dba.rate' must be a finite number"),
    ("[cost.events_per_year]\nvsphere = nan\n", "key 'cost.events_per_year.vsphere' must be a finite number"),
    ("[cost.roles.dba]\nhours = 1e308\nrate = 1e308\n", "key 'cost.roles.dba.hours' must be at most 1,000,000,000"),
    ("[waves]\nhosts_down_per_cluster = 99999999999999999999\n", "key 'waves.hosts_down_per_cluster' must be 1"),
    ("[waves]\nhosts_down_per_cluster = 9223372036854775807\n", "at most 10,000"),
    ("[waves.cluster_capacity]\nProd = 9223372036854775807\n", "key 'waves.cluster_capacity.Prod' must be a whole"),
    ('[cost.service_outage_cost_per_minute]\n"sql*" = -3\n',
     "key 'cost.service_outage_cost_per_minute.sql*' must not be negative"),
]


@pytest.mark.parametrize("text,message", BAD)
def test_bad_config_is_one_line_naming_the_key_and_exit_2(cli, tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert message in str(info.value)
    result = cli(["audit", tmp_path / "none.xlsx", "--config", path, "-q"])
    assert result.code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("reportgen: config error:") and str(path) in lines[0]
    assert message in lines[0]


def test_logo_is_resolved_next_to_the_config_file(tmp_path: Path) -> None:
    (tmp_path / "brand").mkdir()
    (tmp_path / "brand" / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    path = tmp_path / "audit.toml"
    path.write_text('[report]\nlogo = "brand/logo.svg"\nclient = "Contoso"\ncurrency = "eur"\n', encoding="utf-8")
    config = load_config(path)
    assert Path(config.report.logo) == tmp_path / "brand" / "logo.svg"
    assert config.report.currency == "EUR" and config.report.client == "Contoso"


def test_roles_services_and_capacity_are_read() -> None:
    config = parse_config(tomllib.loads(
        '[cost.roles.dba]\nhours = 3\nrate = 70\n[cost.service_outage_cost_per_minute]\n"sql*" = 12.5\n'
        "[cost.events_per_year]\nhyperv = 12\n[waves.cluster_capacity]\nProd = 2\n[owner]\ncolumn = \"Owner\"\n"))
    assert config.cost.roles == {"dba": dataclasses.replace(next(iter(CostSettings().roles.values())), hours=3.0,
                                                            rate=70.0)}
    assert config.cost.service_outage_cost_per_minute == {"sql*": 12.5}
    assert config.cost.events_per_year == {"vsphere": 6.0, "hyperv": 12.0}
    assert config.waves.cluster_capacity == {"Prod": 2}
    assert config.owner_column == "Owner"


@pytest.mark.parametrize("data", ['[report]\nclient = "Müller AG"\n'.encode("latin-1"),
                                  '[report]\nclient = "x"\n'.encode("utf-16")])
def test_a_config_that_is_not_utf8_is_a_config_error(cli, tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "audit.toml"
    path.write_bytes(data)
    result = cli(["audit", tmp_path / "none.xlsx", "--config", path, "-q"])
    assert result.code == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"reportgen: config error: {path}: is not UTF-8 text (byte ")
    assert "save the file as UTF-8" in line


def test_a_config_that_is_a_folder_is_a_config_error(cli, tmp_path: Path) -> None:
    result = cli(["audit", tmp_path / "none.xlsx", "--config", tmp_path, "-q"])
    assert result.code == 2 and f"config error: {tmp_path}: cannot be read" in result.stderr

"""``reportgen check``: a label or the start of a DNS name names one host, and suggestions can be followed."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from reportgen.schemas import check_schema
from tests.conftest import SAMPLES
from tests.test_same_names import two_vcenters

LABEL = "esx01.example.test in vc02.example.test"


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import main
    folder = tmp_path_factory.mktemp("labels")
    out = folder / "f.json"
    assert main(["audit", *map(str, two_vcenters(folder)), "--json", str(out), "-q"]) == 0
    return out


def _answer(cli: Any, name: str, source: Path) -> dict[str, Any]:
    result = cli(["check", name, "--from", source, "--json"])
    answer: dict[str, Any] = json.loads(result.stdout)
    jsonschema.validate(answer, check_schema())
    return answer


@pytest.mark.parametrize("name", ["esx01 in vc02", "ESX01 in VC02.example.test", "esx01.example.test in VC02",
                                  "esx01 in vc02.example.test", LABEL])
def test_a_label_takes_the_short_or_any_case_host_and_vcenter_names(cli, two: Path, name: str) -> None:
    answer = _answer(cli, name, two)
    assert [h["label"] for h in answer["hosts"]] == [LABEL] and answer["ambiguous"] == [] and answer["unmatched"] == []
    result = cli(["check", name, "--from", two])
    assert result.stderr == "" and result.stdout.startswith(f"{LABEL} (cluster ")


def test_a_name_several_hosts_share_is_suggested_as_labels_each_naming_one_host(cli, two: Path) -> None:
    result = cli(["check", "esx01 in vc03", "--from", two])
    assert result.code == 2
    assert result.stderr.startswith("reportgen: no host matches 'esx01 in vc03'; did you mean ")
    suggestions = _answer(cli, "esx01 in vc03", two)["unmatched"][0]["suggestions"]
    assert LABEL in suggestions and "esx01.example.test" not in suggestions
    for suggestion in suggestions:  # following a suggestion answers for one host, never for two again
        answer = _answer(cli, suggestion, two)
        assert len(answer["hosts"]) == 1 and answer["ambiguous"] == [], suggestion


def test_the_start_of_a_dns_name_up_to_a_dot_names_that_host(cli, tmp_path: Path) -> None:
    findings = tmp_path / "acme.json"
    assert cli(["audit", SAMPLES / "rvtools" / "acme-vc01.xlsx", "--json", findings, "-q"]).code in (0, 1)
    for name in ("hq-esx0101.acme", "HQ-ESX0101.ACME"):
        result = cli(["check", name, "--from", findings])
        assert result.code == 5 and result.stderr == ""
        assert result.stdout.startswith("hq-esx0101.acme.local (cluster HQ-PROD-01): no tie found")
    cut = cli(["check", "hq-esx0101.acm", "--from", findings])  # not at a dot: no host
    assert cut.code == 2 and cut.stderr.startswith("reportgen: no host matches 'hq-esx0101.acm'; did you mean "
                                                   "hq-esx0101.acme.local")


def test_the_start_of_several_dns_names_is_an_error_naming_them(cli, tmp_path: Path) -> None:
    hosts = [{"name": n, "evacuable": True, "wave": 0} for n in ("esx01.a.example", "esx01.a.test", "172.26.20.85")]
    document = {"schema_version": 1, "faux_clusters": [], "waves": [[h["name"] for h in hosts]], "coverage": [],
                "hosts": hosts}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    result = cli(["check", "esx01.a", "--from", path])
    assert result.code == 2 and result.stdout == ""
    assert result.stderr == ("reportgen: 'esx01.a' is the start of 2 host names (esx01.a.example, esx01.a.test): give "
                             "the whole name of the one to check\n")
    assert _answer(cli, "esx01.a", path)["unmatched"] == [
        {"pattern": "esx01.a", "suggestions": ["esx01.a.example", "esx01.a.test"], "cluster": None, "partial": True}]
    assert cli(["check", "esx01.a.test", "--from", path]).code == 0
    address = cli(["check", "172.26.20", "--from", path])  # an address's start is no host
    assert address.code == 2 and address.stdout == ""

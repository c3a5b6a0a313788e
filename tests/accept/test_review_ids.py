"""A guest cluster's id (GC-004) is numbered afresh by every audit: an entry naming one by its id in ``cause``
is refused, so that a signed-off exception never moves to another guest cluster next quarter."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLES

SAMPLE = SAMPLES / "rvtools" / "acme-vc01.xlsx"
SIGN_OFF = 'reason = "SQL cluster in a box"\nowner = "Priya Raman"\napproved_by = "CAB"\nexpires = 2099-06-30\n'


@pytest.mark.parametrize("cause", ["GC-004", "gc-001", "SC-001", "GC-00?", "GC-*"])
def test_a_cause_naming_a_guest_cluster_id_is_refused(cli, tmp_path: Path, cause: str) -> None:
    accept = tmp_path / "accept.toml"
    accept.write_text(f'# first line\n[[accept]]\ncause = "{cause}"\n{SIGN_OFF}')
    result = cli(["audit", SAMPLE, "--accept", accept, "--json", tmp_path / "f.json", "-q"])
    assert result.code == 2
    assert f'entry 1 (line 2: cause = "{cause}"): key \'cause\' names the guest cluster id {cause}' in result.stderr
    assert "numbers its guest clusters afresh" in result.stderr
    assert "guests = [" in result.stderr
    assert not (tmp_path / "f.json").exists()


def test_a_guest_cluster_named_by_its_name_is_still_accepted(cli, tmp_path: Path) -> None:
    import json

    cli(["audit", SAMPLE, "--json", tmp_path / "plain.json", "-q"])
    clusters = json.loads((tmp_path / "plain.json").read_text())["faux_clusters"]
    name = clusters[0]["name"]
    accept = tmp_path / "accept.toml"
    accept.write_text(f'[[accept]]\ncause = "{name}"\n{SIGN_OFF}')
    assert cli(["audit", SAMPLE, "--accept", accept, "--json", tmp_path / "f.json", "-q"]).code == 0
    data = json.loads((tmp_path / "f.json").read_text())
    assert data["acceptances"][0]["status"] == "active"
    assert data["acceptances"][0]["matched_guest_clusters"] == 1

"""``reportgen check``: the owners of guests whose media are disconnected are named, with how to reach them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from reportgen.schemas import check_schema
from tests.conftest import SAMPLES

ACME = SAMPLES / "rvtools" / "acme-vc01.xlsx"


@pytest.fixture(scope="module")
def with_owners(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from reportgen.cli import main
    folder = tmp_path_factory.mktemp("media")
    code = main(["audit", str(ACME), "--owners", str(SAMPLES / "owners.csv"), "-o", str(folder / "a.pdf"),
                 "--json", str(folder / "a.json"), "-q"])
    assert code == 0
    return folder / "a.json"


def test_the_owner_of_a_guest_whose_media_are_disconnected_is_told_with_contact(cli, with_owners: Path) -> None:
    out = cli(["check", "hq-esx0203", "--from", with_owners]).stdout
    assert ("  disconnect the media of 1 guest while running (and clear 'Connect at power on'), then migrate (no "
            "power-off):\n    hqapp12 · owner Jean-Luc Martin · VMW-18\n"
            "  owners to tell before the media are disconnected: Jean-Luc Martin (jl.martin@acme.example, "
            "Licensing Apps)\n") in out
    answer = json.loads(cli(["check", "hq-esx0203", "--from", with_owners, "--json"]).stdout)
    jsonschema.validate(answer, check_schema())
    host = answer["hosts"][0]
    assert host["media_owners"] == ["Jean-Luc Martin"] and host["media_owner_unknown"] is False
    assert host["owners"] == ["Priya Raman"]  # still only the owners of the guests to power off
    assert {"owner": "Jean-Luc Martin", "email": "jl.martin@acme.example", "team": "Licensing Apps"} \
        in host["owner_contacts"]


def test_a_media_only_guest_with_no_owner_says_how_to_name_one(cli, tmp_path: Path) -> None:
    guest = {"key": "k1", "name": "cd01", "owner": None, "rules": ["VMW-18"], "faux_cluster": None}
    document = {"schema_version": 1, "faux_clusters": [], "waves": [["h1"]], "coverage": [],
                "hosts": [{"name": "h1", "evacuable": False, "wave": 0, "pinned_guests": [guest]}]}
    path = tmp_path / "f.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    out = cli(["check", "h1", "--from", path]).stdout
    assert "  owners to tell before the media are disconnected: none recorded (name owners with an owners file" in out
    answer = json.loads(cli(["check", "h1", "--from", path, "--json"]).stdout)
    assert answer["hosts"][0]["media_owners"] == [] and answer["hosts"][0]["media_owner_unknown"] is True

"""An action counts every guest its cause ties, the running ones and those off today, as its cost does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.rules.effort import EFFORT, phrase
from tests.rvtools_files import Estate, Guest, write_xlsx
from tests.test_counts import audit

HOSTS = {"esx01.example.test": "Prod", "esx02.example.test": "Prod"}
ISOLATED = [{"Network": "Isolate", "Switch": "vSwitch1"}]


@pytest.fixture(scope="module")
def isolate(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """Port group Isolate on esx01 has no uplink: one running guest on it and two that are off."""
    guests = [
        Guest("iso01", "vm-1", "esx01.example.test", disks=[{}], nics=ISOLATED),
        Guest("iso02", "vm-2", "esx01.example.test", disks=[{}], nics=ISOLATED, power="poweredOff"),
        Guest("iso03", "vm-3", "esx01.example.test", disks=[{}], nics=ISOLATED, power="poweredOff"),
        Guest("app01", "vm-4", "esx02.example.test", disks=[{}]),
    ]
    portgroups = [*((h, "VM Network", "vSwitch0", True) for h in HOSTS),
                  ("esx01.example.test", "Isolate", "vSwitch1", False)]
    out = tmp_path_factory.mktemp("isolate")
    return audit(write_xlsx(Estate(hosts=HOSTS, guests=guests, portgroups=portgroups), out / "vc.xlsx"), out)


def test_the_action_counts_the_guests_that_are_off_beside_the_running_one(isolate: tuple[dict[str, Any], str]) -> None:
    _, text = isolate
    assert "Give port group Isolate on esx01.example.test physical uplinks, or move its 3 guests (1 running, 2 off)" \
           " off it" in text
    assert "move its 1 guest off it" not in text


def test_the_phrase_counts_guests_off_only_when_there_are_some() -> None:
    assert phrase(EFFORT["VMW-10"], "pg", 1) == "Give port group pg physical uplinks, or move its 1 guest off it"
    assert phrase(EFFORT["VMW-13"], "ds", 2, 1) == "Move 3 guests (2 running, 1 off) off single-host datastore ds " \
                                                    "to shared storage"
    assert phrase(EFFORT["VMW-25"], "c", 1, 2) == "Turn on EVC for c"


def test_an_action_with_every_guest_running_reads_as_before(tmp_path: Path) -> None:
    guests = [Guest("iso01", "vm-1", "esx01.example.test", disks=[{}], nics=ISOLATED),
              Guest("app01", "vm-4", "esx02.example.test", disks=[{}])]
    portgroups = [*((h, "VM Network", "vSwitch0", True) for h in HOSTS),
                  ("esx01.example.test", "Isolate", "vSwitch1", False)]
    _, text = audit(write_xlsx(Estate(hosts=HOSTS, guests=guests, portgroups=portgroups), tmp_path / "vc.xlsx"),
                    tmp_path)
    assert "or move its 1 guest off it" in text and "running," not in text

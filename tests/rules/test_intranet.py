"""A port group without uplinks on every host of its cluster is isolated on purpose: the advice lets vCenter
migrate between its copies (with the caveat) and gives it uplinks only last, never first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reportgen.rules.networks import INTRANET_SETTING
from tests.conftest import real_export
from tests.rvtools_files import Estate, Guest, write_xlsx
from tests.test_counts import audit

HOSTS = {"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Prod"}
ISOLATED = [{"Network": "Isolate", "Switch": "vSwitch1"}]
UPLINKS_FIRST = "Give port group Isolate on esx01.example.test physical uplinks"


def _audit(out: Path, isolated_on: tuple[str, ...]) -> tuple[dict[str, Any], str]:
    guests = [Guest("iso01", "vm-1", "esx01.example.test", disks=[{}], nics=ISOLATED),
              Guest("app01", "vm-4", "esx02.example.test", disks=[{}])]
    portgroups = [*((h, "VM Network", "vSwitch0", True) for h in HOSTS),
                  *((h, "Isolate", "vSwitch1", False) for h in isolated_on)]
    return audit(write_xlsx(Estate(hosts=HOSTS, guests=guests, portgroups=portgroups), out / "vc.xlsx"), out)


@pytest.fixture(scope="module")
def everywhere(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    return _audit(tmp_path_factory.mktemp("intranet"), tuple(HOSTS))


def test_the_action_offers_the_vcenter_setting_and_puts_uplinks_last(everywhere) -> None:
    _, text = everywhere
    assert ("Let vMotion move its 1 guest between the isolated copies of port group Isolate on esx01.example.test "
            "(vCenter setting VMOnVirtualIntranet = false: a moved guest cannot reach those left on its old host); "
            "physical uplinks only last: they end the isolation") in text
    assert UPLINKS_FIRST not in text


def test_the_finding_names_the_setting_in_full_with_its_caveats_and_uplinks_last(everywhere) -> None:
    doc, _ = everywhere
    [finding] = [f for f in doc["findings"] if f["rule"] == "VMW-10"]
    first, last = finding["steps"]
    assert first.startswith("Port group Isolate has no physical uplink on the 2 other hosts of cluster Prod either: "
                            "the isolation looks deliberate.")
    assert f"{INTRANET_SETTING} to false" in first and "can no longer reach" in first
    assert "It applies to every such port group of the vCenter" in first
    assert last.endswith("only last, and only if security agrees: uplinks join the isolated network to the "
                         "physical one.")
    assert finding["remediation"] == f"{first} {last}"


def test_on_some_other_hosts_only_it_says_those_are_the_only_destinations(tmp_path: Path) -> None:
    doc, _ = _audit(tmp_path, ("esx01.example.test", "esx03.example.test"))
    [finding] = [f for f in doc["findings"] if f["rule"] == "VMW-10"]
    assert finding["steps"][0].startswith("Port group Isolate has no physical uplink on 1 of the 2 other hosts of "
                                          "cluster Prod (the only ones its guests could move to) either")


def test_on_its_own_host_only_the_advice_is_unchanged(tmp_path: Path) -> None:
    doc, text = _audit(tmp_path, ("esx01.example.test",))
    [finding] = [f for f in doc["findings"] if f["rule"] == "VMW-10"]
    assert finding["steps"] == [] and INTRANET_SETTING not in finding["remediation"]
    assert UPLINKS_FIRST in text and "VMOnVirtualIntranet" not in text


def test_lonati_isolate_reads_the_setting_and_uplinks_last(tmp_path: Path) -> None:
    doc, text = audit(real_export("abeggi-farm-lonati-4.7.1.xlsx"), tmp_path)
    assert "Give port group Isolate on 172.26.20.85 physical uplinks" not in text
    assert "between the isolated copies of port group Isolate on 172.26.20.85" in text
    running = [f for f in doc["findings"] if f["rule"] == "VMW-10" and f["guest"]["name"] == "GRPPURVIEW"]
    assert running and running[0]["steps"][0].startswith(
        "Port group Isolate has no physical uplink on the 5 other hosts of cluster ClusterHPG10+ either")

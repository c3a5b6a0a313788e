"""What the headline counts count: templates apart from guests (they cannot run)."""

from __future__ import annotations

import io
import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from reportgen.cli import main
from tests.conftest import real_export
from tests.rvtools_files import Estate, Guest, write_xlsx

PROD = {"esx01.example.test": "Prod", "esx02.example.test": "Prod"}
STORES = {"san01": list(PROD), "esx01-local": ["esx01.example.test"]}


def audit(book: Path, out: Path) -> tuple[dict[str, Any], str]:
    """Audit ``book``: the findings JSON and the PDF's text, whitespace folded."""
    err = io.StringIO()
    code = main(["audit", str(book), "-o", str(out / "r.pdf"), "--json", str(out / "f.json"), "-q"],
                stderr=err, stdout=io.StringIO())
    assert code == 0, err.getvalue()
    text = subprocess.run(["pdftotext", str(out / "r.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    return json.loads((out / "f.json").read_text()), " ".join(text.split())


@pytest.fixture(scope="module")
def templates(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """Two guests and three templates, one template on esx01's own datastore."""
    guests = [
        Guest("app01", "vm-1", "esx01.example.test", disks=[{}]),
        Guest("app02", "vm-2", "esx02.example.test", disks=[{}], power="poweredOff"),
        Guest("tmpl-w2022", "vm-3", "esx01.example.test", template=True, power="poweredOff", disks=[{}],
              datastore="esx01-local"),
        Guest("tmpl-rhel9", "vm-4", "esx02.example.test", template=True, power="poweredOff", disks=[{}]),
        Guest("tmpl-ubuntu", "vm-5", "esx02.example.test", template=True, power="poweredOff", disks=[{}]),
    ]
    out = tmp_path_factory.mktemp("templates")
    return audit(write_xlsx(Estate(hosts=PROD, guests=guests, datastores=STORES), out / "vc.xlsx"), out)


def test_the_cover_and_glance_count_templates_apart_from_guests(templates: tuple[dict[str, Any], str]) -> None:
    _, text = templates
    assert "2 hosts, 5 VMs (2 guests and 3 templates, which cannot run), from 1 export" in text
    assert "2 hosts and 5 VMs (2 guests, 1 of them running, and 3 templates, which cannot run) from 1 export" in text
    assert "5 guests" not in text


def test_the_json_keeps_every_vm_and_says_how_many_are_templates(templates: tuple[dict[str, Any], str]) -> None:
    document, _ = templates
    assert document["estate"]["guests"] == 5 and document["estate"]["templates"] == 3
    assert {h["name"]: h["guests"] for h in document["hosts"]} == {"esx01.example.test": 1, "esx02.example.test": 1}


def test_a_template_on_a_local_datastore_is_listed_but_ties_nothing(templates: tuple[dict[str, Any], str]) -> None:
    document, text = templates
    [local] = [f for f in document["findings"] if f["rule"] == "VMW-13"]
    assert local["guest"]["name"] == "tmpl-w2022" and local["severity"] == "low"
    assert "template: no tie" in local["evidence"]
    assert all(h["evacuable"] for h in document["hosts"])
    assert "0 of 2 hosts found that cannot be emptied today" in text


def test_an_estate_without_templates_counts_guests_only(tmp_path: Path) -> None:
    guests = [Guest("app01", "vm-1", "esx01.example.test", disks=[{}])]
    document, text = audit(write_xlsx(Estate(hosts=PROD, guests=guests), tmp_path / "vc.xlsx"), tmp_path)
    assert document["estate"]["templates"] == 0
    assert "2 hosts, 1 guest, from 1 export" in text and "VMs" not in text


@pytest.fixture(scope="module")
def agents(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """Two guests (one running), one template and two running vCLS agent VMs."""
    guests = [
        Guest("app01", "vm-1", "esx01.example.test", disks=[{}]),
        Guest("app02", "vm-2", "esx02.example.test", disks=[{}], power="poweredOff"),
        Guest("tmpl-w2022", "vm-3", "esx01.example.test", template=True, power="poweredOff", disks=[{}]),
        Guest("vCLS-4c4c4544-0050-4d10-8044-b5c04f384d32", "vm-4", "esx01.example.test", disks=[{}]),
        Guest("vCLS (2)", "vm-5", "esx02.example.test", disks=[{}]),
    ]
    out = tmp_path_factory.mktemp("agents")
    return audit(write_xlsx(Estate(hosts=PROD, guests=guests, datastores=STORES), out / "vc.xlsx"), out)


def test_the_cover_and_glance_count_vcls_agents_apart_from_guests(agents: tuple[dict[str, Any], str]) -> None:
    _, text = agents
    assert ("2 hosts, 5 VMs (2 guests; 1 template, which cannot run; 2 vCLS agent VMs, which vSphere runs itself), "
            "from 1 export") in text
    assert ("2 hosts and 5 VMs (2 guests, 1 of them running; 1 template, which cannot run; 2 vCLS agent VMs, which "
            "vSphere runs itself) from 1 export") in text
    assert "4 guests" not in text and "3 of them running" not in text


def test_the_json_says_how_many_vms_are_vcls_agents(agents: tuple[dict[str, Any], str]) -> None:
    document, _ = agents
    assert (document["estate"]["guests"], document["estate"]["templates"], document["estate"]["agents"]) == (5, 1, 2)
    assert {h["name"]: h["guests"] for h in document["hosts"]} == {"esx01.example.test": 1, "esx02.example.test": 1}


def test_an_estate_of_guests_and_vcls_agents_only(tmp_path: Path) -> None:
    guests = [Guest("app01", "vm-1", "esx01.example.test", disks=[{}]),
              Guest("vCLS (1)", "vm-2", "esx02.example.test", disks=[{}])]
    document, text = audit(write_xlsx(Estate(hosts=PROD, guests=guests), tmp_path / "vc.xlsx"), tmp_path)
    assert document["estate"]["agents"] == 1 and document["estate"]["templates"] == 0
    assert "2 hosts, 2 VMs (1 guest; 1 vCLS agent VM, which vSphere runs itself), from 1 export" in text


@pytest.mark.real
def test_bm900086_counts_its_44_templates_apart(tmp_path: Path) -> None:
    document, text = audit(real_export("bm900086-sample-4.6.1.xlsx"), tmp_path)
    assert document["estate"]["guests"] == 339 and document["estate"]["templates"] == 44
    assert document["estate"]["agents"] == 17
    assert "339 VMs (278 guests; 44 templates, which cannot run; 17 vCLS agent VMs, which vSphere runs itself)" in text
    assert "(278 guests, 241 of them running;" in text
    assert "339 guests" not in text and "295 guests" not in text


@pytest.mark.real
def test_bm900086_says_which_hosts_need_a_power_off_and_which_only_media(tmp_path: Path) -> None:
    """Munich's hosts and mdc-esx1 are held only by ISO images on their own datastores: one count everywhere."""
    document, text = audit(real_export("bm900086-sample-4.6.1.xlsx"), tmp_path)
    assert sum(1 for h in document["hosts"] if not h["evacuable"]) == 5
    assert "cannot be emptied today (2 need guests powered off; 3 only media disconnected first" in text
    flat = text.replace(" ", "")  # long host names wrap at their dots
    assert ("20hosts:5cannotbeemptiedtoday(2needguestspoweredoff;3onlyneedmediadisconnectedfirst,"
            "thenemptybylivemigrationwithnopower-off:mdc-esx1.minn.acme1.com,muc-esx1.ecf.acme1.com,"
            "muc-esx2.ecf.acme1.com)") in flat
    assert "4 of 11 cannot be emptied (2 only until media are disconnected)" in text
    assert "1 of 9 cannot be emptied (1 only until media are disconnected)" in text

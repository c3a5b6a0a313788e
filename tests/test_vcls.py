"""vSphere Cluster Services agents (vCLS) tie no host: vSphere moves or powers them off itself."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.cli import main
from tests.conftest import real_export
from tests.rvtools_files import Estate, Guest, write_xlsx
from tests.test_counts import audit

HOSTS = {"esx01.example.test": "Prod", "esx02.example.test": "Prod", "esx03.example.test": "Prod"}
STORES = {"san01": list(HOSTS), "esx01-local": ["esx01.example.test"], "esx02-local": ["esx02.example.test"]}
UUID_NAME = "vCLS-4c4c4544-0050-4d10-8044-b5c04f384d32"


@pytest.fixture(scope="module")
def agents(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    """vCLS agents on esx01's own datastore, a real guest on esx02's, and a guest merely named like vCLS."""
    guests = [
        Guest(UUID_NAME, "vm-1", "esx01.example.test", disks=[{}], datastore="esx01-local"),
        Guest("vCLS (1)", "vm-2", "esx01.example.test", disks=[{}], datastore="esx01-local"),
        Guest("db01", "vm-3", "esx02.example.test", disks=[{}], datastore="esx02-local"),
        Guest("vCLS-backup", "vm-4", "esx03.example.test", disks=[{}], datastore="esx01-local"),
        Guest("app01", "vm-5", "esx03.example.test", disks=[{}]),
    ]
    out = tmp_path_factory.mktemp("vcls")
    return audit(write_xlsx(Estate(hosts=HOSTS, guests=guests, datastores=STORES), out / "vc.xlsx"), out)


def hosts(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {h["name"]: h for h in document["hosts"]}


def section(text: str, title: str, end: str) -> str:
    """The PDF text from the heading ``title`` (not its line in the contents) to ``end``."""
    start = text.index(title, text.index("Executive summary", text.index("Executive summary") + 1))
    return text[start:text.index(end, start)]


def test_a_host_tied_only_by_vcls_agents_can_be_emptied(agents: tuple[dict[str, Any], str]) -> None:
    document, text = agents
    esx01 = hosts(document)["esx01.example.test"]
    assert esx01["evacuable"] is True and esx01["pinned_guests"] == [] and esx01["stranded_on_failure"] == []
    assert "esx01.example.test" not in document["cost"]["per_host"]
    assert not hosts(document)["esx02.example.test"]["evacuable"]  # a real guest on a local store still ties
    assert "3 hosts: 2 cannot be emptied today" in text


def test_vcls_agents_are_neither_powered_off_nor_stranded_in_the_pdf(agents: tuple[dict[str, Any], str]) -> None:
    _, text = agents
    register = section(text, "Host maintenance register", "Wave plan")
    failure = section(text, "If a host fails", "Data quality and coverage")
    for part in (register, failure):
        assert "db01" in part
        assert UUID_NAME not in part and "vCLS (1)" not in part
    assert "vCLS-backup" in register  # named like an agent, but not as vCenter names them: a guest


def test_the_data_quality_says_where_the_agents_went(agents: tuple[dict[str, Any], str]) -> None:
    _, text = agents
    assert ("2 vSphere Cluster Services agent VMs (vCLS-…) not counted as guests that tie a host, stop its "
            "maintenance or stay down after its failure, and not priced") in text
    assert "moves or powers them off itself when their host enters maintenance mode" in text


def test_an_estate_without_agents_says_nothing_of_them(tmp_path: Path) -> None:
    guests = [Guest("app01", "vm-1", "esx01.example.test", disks=[{}])]
    _, text = audit(write_xlsx(Estate(hosts=HOSTS, guests=guests), tmp_path / "vc.xlsx"), tmp_path)
    assert "vSphere Cluster Services" not in text


@pytest.mark.real
def test_bm900086_lists_no_vcls_agent_as_stranded(tmp_path: Path) -> None:
    document, text = audit(real_export("bm900086-sample-4.6.1.xlsx"), tmp_path)
    for host in document["hosts"]:
        for key in ("pinned_guests", "stranded_on_failure"):
            assert not [g for g in host[key] if g["name"].startswith("vCLS")], host["name"]
    assert "17 vSphere Cluster Services agent VMs" in text
    assert "vCLS" not in section(text, "If a host fails High availability", "Data quality and coverage")


def test_redacted_agents_tie_no_host_either(tmp_path: Path) -> None:
    """--redact replaces the names before the rules run: the agents stay marked as read from the export."""
    guests = [Guest(UUID_NAME, "vm-1", "esx01.example.test", disks=[{}], datastore="esx01-local"),
              Guest("db01", "vm-3", "esx02.example.test", disks=[{}], datastore="esx02-local")]
    book = write_xlsx(Estate(hosts=HOSTS, guests=guests, datastores=STORES), tmp_path / "vc.xlsx")
    err = io.StringIO()
    code = main(["audit", str(book), "--json", str(tmp_path / "f.json"), "-q", "--redact"], stderr=err,
                stdout=io.StringIO())
    assert code == 0, err.getvalue()
    document = json.loads((tmp_path / "f.json").read_text())
    assert [h["evacuable"] for h in sorted(document["hosts"], key=lambda h: h["name"])].count(False) == 1
    assert UUID_NAME not in (tmp_path / "f.json").read_text()
    assert sum(len(h["pinned_guests"]) + len(h["stranded_on_failure"]) for h in document["hosts"]) == 2  # db01's

"""A host written otherwise in one tab than in vHost (case, the DNS root's trailing dot, a short name for
a DNS name) is still one host: never a second, empty host beside the real one, never the real one's guests
read against a host without details."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from reportgen.importers.host_names import host_spellings
from tests.rvtools_files import small_estate, tabs, write_csv_folder, write_tabs_xlsx

HOST = "esx01.example.test"


def _respelled(name: str, tab_names: tuple[str, ...] = ("vHost", "vNIC", "vPort", "vSwitch")) -> dict[str, Any]:
    """The small estate with esx01 written as ``name`` in ``tab_names`` (and as RVTools writes it elsewhere)."""
    written = tabs(small_estate())
    for tab in tab_names:
        cols, rows = written[tab]
        at = cols.index("Host")
        for row in rows:
            if row[at] == HOST:
                row[at] = name
    return written


def _audit(cli: Any, tmp_path: Path, export: Path) -> dict[str, Any]:
    out = tmp_path / f"{export.stem}.json"
    result = cli(["audit", export, "--json", out, "-q"])
    assert result.code == 0, result.stderr
    document: dict[str, Any] = json.loads(out.read_text())
    return document


def _view(document: dict[str, Any]) -> tuple[object, ...]:
    hosts = sorted((h["name"].lower().split(".")[0], h["evacuable"], h["guests"], len(h["pinned_guests"]))
                   for h in document["hosts"])
    return document["estate"]["hosts"], hosts, len(document["waves"]), len(document["findings"])


@pytest.mark.parametrize("name", ["ESX01.EXAMPLE.TEST", "esx01.example.test.", "esx01"])
def test_a_host_spelled_otherwise_in_vhost_is_one_host(cli: Any, tmp_path: Path, name: str) -> None:
    """Before: 5 hosts for 4: 'ESX01.EXAMPLE.TEST' (from vHost) with no guests and free to empty, and
    'esx01.example.test' (from vInfo) with the SQL pair but no vHost details, so read as tied: one wave more."""
    plain = _audit(cli, tmp_path, write_tabs_xlsx(tabs(small_estate()), tmp_path / "plain.xlsx"))
    found = _audit(cli, tmp_path, write_tabs_xlsx(_respelled(name), tmp_path / "respelled.xlsx"))
    assert _view(found) == _view(plain)
    assert name in [h["name"] for h in found["hosts"]]  # vHost's spelling is the one shown
    [note] = [d for d in found["data_quality"] if d["sheet"] == "vInfo" and d["column"] == "Host"]
    assert f"read as vHost's host: '{HOST}' as '{name}'" in note["message"]
    assert not [d for d in found["data_quality"] if "missing from vHost" in d["message"]]


def test_a_csv_export_with_a_respelled_host_is_one_host_too(cli: Any, tmp_path: Path) -> None:
    estate = small_estate()
    plain = _audit(cli, tmp_path, write_csv_folder(estate, tmp_path / "plain"))
    folder = write_csv_folder(estate, tmp_path / "respelled")
    vhost = folder / "RVTools_tabvHost.csv"
    vhost.write_text(vhost.read_text(encoding="utf-8").replace(HOST, HOST.upper()), encoding="utf-8")
    assert _view(_audit(cli, tmp_path, folder)) == _view(plain)


def test_a_short_name_shared_by_two_hosts_is_not_guessed(cli: Any, tmp_path: Path) -> None:
    """esx01 could be esx01.a.test or esx01.b.test: it stays a host of its own, said to be missing from vHost."""
    written = _respelled("esx01.a.test")
    cols, rows = written["vHost"]
    twin = list(rows[[r[cols.index("Host")] for r in rows].index("esx01.a.test")])
    twin[cols.index("Host")] = "esx01.b.test"
    rows.append(twin)
    cols, rows = written["vInfo"]
    for row in rows:
        if row[cols.index("Host")] == HOST:
            row[cols.index("Host")] = "esx01"
    found = _audit(cli, tmp_path, write_tabs_xlsx(written, tmp_path / "twins.xlsx"))
    assert {"esx01", "esx01.a.test", "esx01.b.test"} <= {h["name"] for h in found["hosts"]}
    assert [d for d in found["data_quality"] if "1 host(s) named in vInfo are missing from vHost" in d["message"]]
    assert not [d for d in found["data_quality"] if "read as vHost's host" in d["message"]]


def test_spellings_match_dns_names_only() -> None:
    known = host_spellings(["esx01.example.test", "192.168.1.40", "ESX02", "esx03.a.test", None])
    assert known.spelled("ESX01.Example.Test.") == "esx01.example.test"
    assert known.spelled("esx01") == "esx01.example.test"
    assert known.spelled("esx02.example.test") == "ESX02"  # vHost has the short name, a tab the DNS name
    assert known.spelled("192.168.1.40.") == "192.168.1.40"
    assert known.spelled("192") is None and known.spelled("192.168.1.41") is None  # an IP is not a short name
    assert known.spelled("esx03.b.test") is None  # another domain's esx03
    assert known.spelled("esx01.example.test") is None  # vHost's own spelling: nothing to change

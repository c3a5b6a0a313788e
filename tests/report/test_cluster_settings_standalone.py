"""Standalone hosts in the cluster settings table: one row for all of them, not one row each.

licenseware lists 22 standalone hosts: the table had 15 identical rows ("no cluster (standalone host)", "its guests
are moved by hand ...", "put the host into a cluster ...") and left 7 to the data files. They share the setting, its
meaning and its fix, so they are one row that counts them and names the first few; a single standalone host keeps
its own row, and a cut table counts the standalone hosts it leaves out, not the rows.
"""

from __future__ import annotations

from tests.report.test_cluster_settings import _analysis, _cluster, _estate, _text
from tests.rules.canonical import guest, host, make


def _branches(n: int, clusters: int = 1, drs: bool = True) -> str:
    hosts = [*(host(f"esx{c:02}", cluster=f"C{c:02}") for c in range(clusters)),
             *(host(f"branch{i:02}", cluster=None) for i in range(n))]
    guests = [guest(f"vm{i:02}", f"vm-{i}", f"branch{i:02}") for i in range(n)]
    return _text(_analysis(make(hosts, guests, clusters=[_cluster(f"C{c:02}", 1, drs_enabled=drs)
                                                         for c in range(clusters)])))


def _table(text: str) -> str:
    start = text.index("Cluster Hosts Set today What it means Fix")
    return text[start:text.index("Host maintenance register", start)]


def test_the_standalone_hosts_are_one_row_that_counts_and_names_them() -> None:
    text = _branches(20)
    table = _table(text)
    assert ("20 standalone hosts branch00, branch01, branch02 and 17 more 20 no cluster: DRS and HA do not apply "
            "(VMW-24) their guests are moved by hand, and not restarted elsewhere when their host fails put the "
            "hosts into a cluster with DRS and HA") in table
    assert table.count("no cluster") == 1 and table.count("branch") == 3
    assert "more in the data files" not in table
    assert ("Start with the cluster settings to fix: put standalone host branch00 into a cluster with DRS and HA, "
            "then the others listed there.") in text
    assert "into a cluster with DRS and HA on standalone host" not in text  # not "put the host into … on host X"


def test_a_single_standalone_host_keeps_its_own_row() -> None:
    table = _table(_text(_analysis(_estate(_cluster("Prod", 2), _cluster("Edge", 1), standalone=True))))
    assert ("lonely standalone host 1 no cluster (standalone host) (VMW-24) its guests are moved by hand and not "
            "restarted elsewhere if it fails put the host into a cluster with DRS and HA") in table


def test_a_cut_table_counts_the_standalone_hosts_it_leaves_out() -> None:
    text = _branches(20, clusters=16, drs=False)  # 16 one-host clusters with DRS off, then the standalone row
    assert "1 cluster and 20 standalone hosts more in the data files (XLSX and JSON)." in text

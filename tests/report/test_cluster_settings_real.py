"""The cluster settings of the real exports reach the PDF (skipped when ../shared/real-exports is absent).

Before, each of these exports had VMW-24 findings in its JSON while its PDF said nothing of DRS, and the ovh
export, whose only finding it is, read "No fix is needed for host maintenance".
"""

from __future__ import annotations

import re
import subprocess
from datetime import date
from functools import cache
from html import unescape
from pathlib import Path
from typing import Any

import pytest

from reportgen.analysis import analyze
from reportgen.cost import cost_analysis
from reportgen.importers import load_estate
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.conftest import real_export

pytestmark = pytest.mark.real


@cache
def _text(name: str) -> str:
    analysis = analyze(load_estate([real_export(name)]))
    html = render_html(build_report(analysis, cost_analysis(analysis), today=date(2026, 3, 31)))
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).replace("\u200b", "").split())
    return re.sub(r" ([,.;:)])", r"\1", text).replace("( ", "(")


@pytest.mark.parametrize(("name", "said"), [
    ("abeggi-bcspa1-4.7.1.xlsx", "The 2 hosts of cluster BC-Cluster1 are emptied only by hand for maintenance: "
                                 "DRS is off"),
    ("abeggi-farm-lonati-4.7.1.xlsx", "The 2 hosts of cluster ClusterHPG9 - DMZ are not emptied unattended for "
                                      "maintenance: DRS is partially automated"),
    ("abeggi-ovh-4.4.3.xlsx", "The 5 hosts of cluster Cluster1 are not emptied unattended for maintenance: DRS is "
                              "partially automated"),
    ("bm900086-sample-4.6.1.xlsx", "The 6 hosts of 3 clusters (KUM-ENT-Cluster1, MDC-ENT-Cluster1, "
                                   "ODC-ENT-Cluster1) are emptied only by hand for maintenance: DRS is off; HA is off on "
                                   "6 clusters (10 hosts, 2 of them alone in their cluster): a failed host's guests are "
                                   "not restarted elsewhere"),
])
def test_clusters_without_fully_automated_drs_are_named_on_the_cover(name: str, said: str) -> None:
    text = _text(name)
    assert f"Cluster settings {said} (a setting, not a tie: not in these figures)" in text


def test_bm900086_lists_every_cluster_setting_with_ha_off_alone_too() -> None:
    text = _text("bm900086-sample-4.6.1.xlsx")
    assert "Remedy table" in text.split("Cluster settings to fix These")[0]  # below the remedy table, among the fixes
    for cluster in ("KUM-ENT-Cluster1", "MDC-ENT-Cluster1", "ODC-ENT-Cluster1"):
        assert f"{cluster} 2 DRS off, HA off (VMW-24) its hosts are not emptied automatically" in text
    for cluster in ("AH-DMZ", "AIT-Cluster5"):  # one host each: DRS and HA have nowhere to move guests to
        assert (f"{cluster} 1 DRS off, HA off (VMW-24) 1 host: no other host to move or restart guests on; DRS and HA "
                "take effect only once a second host is added") in text
    assert "DP-ETS-Cluster01 2 HA off (VMW-24) a failed host's guests are not restarted elsewhere enable HA" in text
    assert ("Disconnect the ISO image of 1 guest on mdc-esx1_datastore1, at power-on too (minutes): 1 host can be "
            "emptied without powering off a guest, by hand while DRS is off on MDC-ENT-Cluster1;") in text


def test_ovh_no_longer_says_no_fix_is_needed() -> None:
    text = _text("abeggi-ovh-4.4.3.xlsx")
    assert "No fix is needed" not in text
    assert ("so this is not a finding that the hosts can be emptied. The 5 hosts of cluster Cluster1 are "
            "not emptied unattended for maintenance: DRS is partially automated, so maintenance mode waits until "
            "someone applies DRS's migration recommendations (VMW-24;") in text
    assert ("Cluster1 5 DRS partially automated (VMW-24) DRS places guests at power-on but only recommends "
            "migrations") in text
    assert ("Where to start Start with the cluster settings to fix: set DRS to fully automated on cluster Cluster1 "
            "(5 hosts). 3 checks could not run, so ties of those kinds are unknown") in text


@pytest.mark.skipif(not Path("/usr/bin/pdftotext").exists(), reason="pdftotext (poppler-utils) is not installed")
def test_ovh_pdf_names_the_cluster_whose_drs_is_partially_automated(cli: Any, tmp_path: Path) -> None:
    result = cli(["audit", real_export("abeggi-ovh-4.4.3.xlsx"), "-o", tmp_path / "r.pdf", "-q"])
    assert result.code == 0, result.stderr
    text = " ".join(subprocess.run(["pdftotext", "-layout", tmp_path / "r.pdf", "-"], capture_output=True, text=True,
                                   check=True).stdout.split())
    assert "The 5 hosts of cluster Cluster1 are not emptied unattended for maintenance: DRS is partially automated" in text
    assert "set DRS to fully automated on cluster Cluster1 (5 hosts)" in text
    assert "No fix is needed" not in text

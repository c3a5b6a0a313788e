"""The HTML report's search box and full lists, as written: self-contained, locked down, names inert."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from html.parser import HTMLParser

import pytest

from reportgen.audit import Audit
from reportgen.render.html import render_html
from reportgen.report import build_report
from reportgen.report.explorer import explorer_data
from tests.report_fixtures import CONFIG, small_audit
from tests.synthetic import estate_from_rows

PWN = "window.pwned=1"
HOSTILE_HOST = '"><img src=x onerror=window.pwned=1>.example.net'
HOSTILE_GUESTS = ["<script>window.pwned=1</script>-1", "<script>window.pwned=1</script>-2",
                  "</script><script>window.pwned=1</script>", "quote\"'`&amp;<!--"]
HOSTILE_OWNER = "<b onmouseover=window.pwned=1>team</b>"


def hostile_audit() -> Audit:
    """Names, owners and a host that would run script if any of them were treated as markup."""
    from reportgen.analysis import analyze
    from reportgen.cost import cost_analysis

    hosts = [{"name": n, "cluster": "Prod", "memory_mib": 262144} for n in ("esx01.example.net", HOSTILE_HOST)]
    guests = [{"name": n, "host": HOSTILE_HOST, "owner": HOSTILE_OWNER} for n in HOSTILE_GUESTS]
    guests.append({"name": "plain", "host": "esx01.example.net", "owner": "app-team"})
    disks = [{"guest": n, "controller": "SCSI controller 1", "bus_sharing": "virtual",
              "path": "[san01] x/shared.vmdk", "label": "Hard disk 2"} for n in HOSTILE_GUESTS[:2]]
    estate = estate_from_rows(hosts, guests, disks, ())
    analysis = analyze(estate, CONFIG)
    return Audit(estate, analysis, cost_analysis(analysis))


class Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"
        if self._in_script:
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def page(audit: Audit) -> tuple[str, Tags]:
    html = render_html(build_report(audit.analysis, audit.costing),
                       explorer=explorer_data(audit.analysis, audit.costing))
    tags = Tags()
    tags.feed(html)
    return html, tags


@pytest.fixture(scope="module")
def hostile() -> tuple[Audit, str, Tags]:
    audit = hostile_audit()
    return (audit, *page(audit))


def test_hostile_names_stay_data(hostile: tuple[Audit, str, Tags]) -> None:
    audit, html, tags = hostile
    # Two script elements only: the data (not run) and the page's own script.
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "explorer-data"}, {}]
    assert len(re.findall(r"</script", html, flags=re.IGNORECASE)) == 2
    # No element or attribute came from a name.
    assert not any(tag == "img" and "onerror" in attrs for tag, attrs in tags.tags)
    assert not any(any(k.startswith("on") for k in attrs) for _, attrs in tags.tags)
    assert tags.scripts[1].count(PWN) == 0
    # The data decode to exactly the names of the export.
    data = json.loads(tags.scripts[0])
    assert data == json.loads(json.dumps(explorer_data(audit.analysis, audit.costing)))
    assert sorted(g[0] for g in data["guests"]) == sorted([*HOSTILE_GUESTS, "plain"])
    assert HOSTILE_HOST in [h["name"] for h in data["hosts"]]
    assert {g[2] for g in data["guests"]} == {HOSTILE_OWNER, "app-team"}


def test_the_page_may_fetch_nothing_and_run_only_its_own_script(hostile: tuple[Audit, str, Tags]) -> None:
    _, html, tags = hostile
    metas = [attrs for tag, attrs in tags.tags if tag == "meta" and attrs.get("http-equiv")]
    assert len(metas) == 1 and metas[0]["http-equiv"] == "Content-Security-Policy"
    policy = dict(part.strip().split(" ", 1) for part in (metas[0]["content"] or "").split(";"))
    assert policy["default-src"] == "'none'" and policy["connect-src"] == "'none'"
    assert policy["img-src"] == "data:" and policy["font-src"] == "'none'" and policy["form-action"] == "'none'"
    digest = base64.b64encode(hashlib.sha256(tags.scripts[1].encode()).digest()).decode()
    assert policy["script-src"] == f"'sha256-{digest}'"  # the script that is there, and only it
    assert not [attrs for tag, attrs in tags.tags if tag in ("link", "iframe", "object", "embed", "base")]
    assert all((attrs.get("src") or "data:").startswith("data:") for _, attrs in tags.tags)
    assert not re.search(r"url\((?!['\"]?data:)", html)  # no stylesheet fetch either


def test_without_javascript_the_report_reads_and_the_search_is_hidden(hostile: tuple[Audit, str, Tags]) -> None:
    _, html, tags = hostile
    explorer = [attrs for tag, attrs in tags.tags if attrs.get("id") == "explorer"]
    assert explorer and "hidden" in explorer[0]
    assert "<noscript>" in html and "need JavaScript" in html
    assert any(attrs.get("id") == "register" for _, attrs in tags.tags)  # the printed report is all there
    assert "@media print { .explorer, .explorer-off { display: none !important; } }" in html


def test_full_lists_hold_every_host_guest_cluster_and_finding() -> None:
    audit = small_audit()
    data = explorer_data(audit.analysis, audit.costing)
    assert len(data["hosts"]) == 6 and len(data["guests"]) == audit.estate.guests.num_rows
    assert len(data["findings"]) == len(audit.analysis.findings)
    hosts = {h["name"]: h for h in data["hosts"]}
    esx03 = hosts["esx03.example.net"]
    assert not esx03["evacuable"] and esx03["wave"] is not None
    assert sorted(data["guests"][g][0] for g, _ in esx03["power_off"]) == ["web-cib-1", "web-cib-2"]
    cib = data["clusters"][esx03["clusters"][0]]
    assert sorted(data["guests"][g][0] for g in cib["nodes"]) == ["web-cib-1", "web-cib-2"]
    assert hosts["esx05.example.net"]["evacuable"] and hosts["esx05.example.net"]["power_off"] == []


def test_the_pdf_and_the_plain_html_carry_no_script() -> None:
    audit = small_audit()
    plain = render_html(build_report(audit.analysis, audit.costing))
    assert "<script" not in plain and "Content-Security-Policy" not in plain

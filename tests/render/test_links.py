"""Vendor references are short titled links, clickable in the PDF and the HTML."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from reportgen.render.html import render_html
from reportgen.render.pdf import render_pdf
from reportgen.report import build_report
from reportgen.report.references import reference_title, titled_links
from tests.report_fixtures import small_audit


def _uris(pdf: Path) -> list[str]:
    uris = []
    for page in PdfReader(pdf).pages:
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
    return uris


def test_every_vendor_reference_is_a_link_annotation_with_a_short_title(tmp_path: Path) -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    references = [url for p in model.cluster_pages for url in p.references]
    assert references
    render_pdf(model, tmp_path / "r.pdf")
    uris = _uris(tmp_path / "r.pdf")
    for url in references:
        assert url in uris, url
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "r.pdf").pages)
    assert "GUID-" not in text  # no raw address printed
    assert reference_title(references[0])[:20] in text


def test_the_html_links_each_reference_by_its_title() -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    html = render_html(model)
    for p in model.cluster_pages:
        for title, url in p.links:
            assert f'href="{url}">{title}</a>' in html.replace("&amp;", "&")


def test_titles_name_publisher_and_document() -> None:
    assert reference_title("https://knowledge.broadcom.com/external/article/313527/enabling-or-disabling-"
                           "simultaneous-write.html") == "Broadcom KB 313527: Enabling or disabling simultaneous write"
    assert reference_title("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
                           "GUID-7291B20B-33A6-4E9C-A041-72ED68D385BB.html") == (
        "VMware vSphere 8.0: WSFC on vSphere, shared-storage support")
    assert reference_title("https://docs.vmware.com/en/VMware-vSphere/8.0/vsphere-windows-server-failover/"
                           "GUID-0000.html") == "VMware vSphere 8.0: WSFC on vSphere"


def test_pages_of_one_guide_cited_together_have_their_own_titles() -> None:
    """Before: 'WSFC on vSphere; WSFC on vSphere (2); WSFC on vSphere (3)' under each guest cluster page."""
    from reportgen.rules import CATALOGUE

    urls = tuple(dict.fromkeys(u for rule in ("VMW-02", "GEN-01", "GEN-02") for u in CATALOGUE[rule].references))
    titles = [t for t, _ in titled_links(urls)]
    assert len(titles) >= 3 and not any(t.endswith(")") for t in titles), titles
    assert len(reference_title("https://learn.microsoft.com/windows-server/" + "x-" * 80)) <= 70

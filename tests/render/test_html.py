"""The HTML report: the same templates, self-contained, escaped, with working internal links."""

from __future__ import annotations

from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest

from reportgen.config import load_config
from reportgen.render.env import environment
from reportgen.render.html import render_html
from reportgen.report import build_report
from tests.report_fixtures import CONFIG, small_audit


class Outline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for t, attrs in self.tags if t == tag]


def outline(html: str) -> Outline:
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def html() -> str:
    audit = small_audit()
    return render_html(build_report(audit.analysis, audit.costing))


def test_self_contained_css_and_charts_inline(html: str) -> None:
    doc = outline(html)
    assert len(doc.all("style")) == 1 and "@page" in html
    assert doc.all("link") == [] and doc.all("script") == []
    assert all((img.get("src") or "").startswith("data:") for img in doc.all("img"))
    assert len(doc.all("svg")) == 4


def test_sections_in_order_and_every_internal_link_resolves(html: str) -> None:
    doc = outline(html)
    ids = [attrs.get("id") for _, attrs in doc.tags if attrs.get("id")]
    sections = [attrs["id"] for attrs in doc.all("h2")]
    assert sections == ["contents", "summary", "glance", "cost", "clusters", "register", "failure", "quality",
                        "method", "glossary"]
    links = [a["href"] for a in doc.all("a") if (a.get("href") or "").startswith("#")]
    assert len(links) >= 12
    for href in links:
        assert href[1:] in ids, href
    assert len(ids) == len(set(ids))


def test_names_from_exports_are_escaped() -> None:
    audit = small_audit()
    model = build_report(audit.analysis, audit.costing)
    row = replace(model.register[0], power_off=("<b>evil</b>",))
    hacked = replace(model, client="<script>alert(1)</script>", register=(row, *model.register[1:]))
    out = render_html(hacked)
    assert "<script>alert(1)</script>" not in out and "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<b>evil</b>" not in out and "&lt;b&gt;evil&lt;/b&gt;" in out


def test_strict_environment_refuses_missing_fields() -> None:
    env = environment()
    assert env.undefined is jinja2.StrictUndefined and env.autoescape
    with pytest.raises(jinja2.UndefinedError):
        env.get_template("report.html").render(report=object(), css="")


def test_logo_is_embedded_as_data(tmp_path: Path) -> None:
    (tmp_path / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>',
                                       encoding="utf-8")
    (tmp_path / "audit.toml").write_text('[report]\nlogo = "logo.svg"\nfirm = "Example Advisory"\n', encoding="utf-8")
    config = load_config(tmp_path / "audit.toml")
    audit = small_audit(replace(CONFIG, report=config.report))
    doc = outline(render_html(build_report(audit.analysis, audit.costing)))
    logos = [img for img in doc.all("img") if "logo" in (img.get("class") or "")]
    assert len(logos) == 1 and (logos[0]["src"] or "").startswith("data:image/svg+xml;base64,")

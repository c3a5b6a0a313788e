"""The one Jinja environment: templates shipped as ``reportgen.templates``, autoescaped, strict."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from ..report.formats import money, number, percent, plural


def environment(pdf: bool = False) -> jinja2.Environment:
    """Autoescape on, StrictUndefined (a missing field is an error, not a blank), filters registered.

    With ``pdf``, names are marked up for the PDF's layout (:func:`breakable_text`), else for a browser.
    One environment of each kind per process, so each template is compiled once.
    """
    return _environment(bool(pdf))


@lru_cache(maxsize=2)
def _environment(pdf: bool) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reportgen.templates", "."),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, number=number, plural=plural, percent=percent,
                       name=breakable_text if pdf else breakable)
    return env


def compile_templates(pdf: bool = False) -> None:
    """Compile every template of :func:`environment` now rather than at its first use (the PDF worker does
    it while the exports are read)."""
    env = environment(pdf)
    for name in env.list_templates(extensions=["html"]):
        env.get_template(name)


_BREAK_AFTER = re.compile(r"([._])(?=[^\s])")
_DOTS = re.compile(r"(?<=\.)")
SHORT_PART = 12
"""A part of a name between dots up to this long never breaks ('HQ-PROD-02', 'hqfscib01-a'); longer, it would overflow a narrow column."""


def breakable(value: object, whole: int = SHORT_PART) -> Markup:
    """A host, cluster, guest or owner name that breaks only after a dot or at a space, except inside a long
    word between dots, which may also break after '_' and '-' (never mid-word). ``whole``: the longest word
    kept on one line (a column wide enough for it may keep longer ones)."""
    parts = []
    for part in _DOTS.split(str(value)):
        if not part:
            continue
        words = []
        for word in part.split(" "):
            text = str(escape(word))
            words.append(f'<span class="nm">{text}</span>' if 0 < len(word) <= whole
                         else _BREAK_AFTER.sub(r"\1<wbr>", text))
        parts.append(" ".join(words))
    return Markup("<wbr>".join(parts))


ZWSP, WJ = "\u200b", "\u2060"
"""A break opportunity and a word joiner: neither is drawn nor extracted from the PDF's text."""
_JOINED = re.compile(r"(?<=.)(?=.)(?<![A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[^A-Za-z0-9])")


def breakable_text(value: object, whole: int = SHORT_PART) -> Markup:
    """:func:`breakable` for the PDF, with characters instead of an element per word: the PDF's layout takes
    a box per element, and the report has thousands of names. Word joiners keep a short word whole wherever
    it has a character that may end a line ('-', '/', ideographs); zero-width spaces let a name break after
    a dot and a long word after '_'; neither is drawn or extracted with the text.

    The name is text alone, no element: a word wider than its whole column (which the columns are sized
    not to need) is cut where it meets the column's edge (``td``'s ``overflow-wrap``) rather than drawn
    over the next column."""
    parts = []
    for part in _DOTS.split(str(value)):
        if not part:
            continue
        words = [_JOINED.sub(WJ, word) if len(word) <= whole else word.replace("_", "_" + ZWSP)
                 for word in part.split(" ")]
        parts.append(" ".join(words))
    return escape(ZWSP.join(parts))

"""The one Jinja environment: templates shipped as ``reportgen.templates``, autoescaped, strict."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from ..report.charts import text_width
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


_IP = re.compile(r"\d{1,3}(?:\.\d{1,3}){3}(?::\d{1,5})?|[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}")
"""An IPv4 address (with a port) or an IPv6 address: a host named by its address is never broken at a dot."""
_AVERAGE = text_width("a")
"""The width of an average letter: names are measured in these, so 'MDC-ENT-Cluster1' counts wider than 16."""


def letters(word: str) -> float:
    """``word``'s width in average letters: capitals count wider, 'i', 'l', '.' narrower."""
    return text_width(word) / _AVERAGE


MAX_NAME = 255
"""The longest name a page shows whole (DNS names end at 253, vSphere VM names at 80): a longer one is cut with
'…' (the data files keep it whole). A name of 30,000 letters took the PDF's layout over a minute."""


def shown_name(value: object) -> str:
    """``value`` as text, cut to :data:`MAX_NAME` characters with '…' when longer."""
    text = str(value)
    return text if len(text) <= MAX_NAME else text[:MAX_NAME - 1] + "…"


def breakable(value: object, whole: int = SHORT_PART) -> Markup:
    """A host, cluster, guest or owner name that breaks only after a dot or at a space, except inside a long
    word between dots, which may also break after '_' and '-' (never mid-word). ``whole``: the widest word, in
    average letters (:func:`letters`), kept on one line (a column wide enough for it may keep longer ones).
    An IP address is never broken."""
    value = shown_name(value)
    if _IP.fullmatch(value):
        return Markup(f'<span class="nm">{escape(value)}</span>')
    parts = []
    for part in _DOTS.split(str(value)):
        if not part:
            continue
        words = []
        for word in part.split(" "):
            text = str(escape(word))
            words.append(f'<span class="nm">{text}</span>' if word and letters(word) <= whole
                         else _BREAK_AFTER.sub(r"\1<wbr>", text))
        parts.append(" ".join(words))
    return Markup("<wbr>".join(parts))


ZWSP, WJ = "\u200b", "\u2060"
"""A break opportunity and a word joiner: neither is drawn nor extracted from the PDF's text."""
_LONG_BREAK = re.compile(r"([_-])(?=\S)")
"""Where a word too wide to keep whole may break: after '_' or '-' ('MDC-ENT-' | 'Cluster1'), never mid-word."""
_JOINED = re.compile(r"(?<=.)(?=.)(?<![A-Za-z0-9])|(?<=[A-Za-z0-9])(?=[^A-Za-z0-9])")


def breakable_text(value: object, whole: int = SHORT_PART) -> Markup:
    """:func:`breakable` for the PDF, with characters instead of an element per word: the PDF's layout takes
    a box per element, and the report has thousands of names. Word joiners keep a short word whole wherever
    it has a character that may end a line ('-', '/', ideographs); zero-width spaces let a name break after
    a dot and a long word after '_'; neither is drawn or extracted with the text.

    An IP address is joined whole. The name is text alone, no element: a word wider than its whole column (which the columns are sized
    not to need) is cut where it meets the column's edge (``td``'s ``overflow-wrap``) rather than drawn
    over the next column."""
    value = shown_name(value)
    if _IP.fullmatch(value):
        return escape(_JOINED.sub(WJ, str(value)))
    parts = []
    for part in _DOTS.split(str(value)):
        if not part:
            continue
        words = [_JOINED.sub(WJ, word) if letters(word) <= whole else _LONG_BREAK.sub(r"\1" + ZWSP, word)
                 for word in part.split(" ")]
        parts.append(" ".join(words))
    return escape(ZWSP.join(parts))

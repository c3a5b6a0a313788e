"""The one Jinja environment: templates shipped as ``reportgen.templates``, autoescaped, strict."""

from __future__ import annotations

import re
from functools import lru_cache

import jinja2
from markupsafe import Markup, escape

from ..report.formats import money, number, percent, plural


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    """Autoescape on, StrictUndefined (a missing field is an error, not a blank), filters registered."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reportgen.templates", "."),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"], default_for_string=True),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, number=number, plural=plural, percent=percent, name=breakable)
    return env


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

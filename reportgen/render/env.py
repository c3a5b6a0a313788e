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


def breakable(value: object) -> Markup:
    """A host, cluster or guest name that may break after '.' and '_' (and '-'), never mid-word."""
    return Markup(_BREAK_AFTER.sub(r"\1<wbr>", str(escape(str(value)))))

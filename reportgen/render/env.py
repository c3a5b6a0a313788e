"""The one Jinja environment: templates shipped as ``reportgen.templates``, autoescaped, strict."""

from __future__ import annotations

from functools import lru_cache

import jinja2


def money(value: float, currency: str = "GBP") -> str:
    symbols = {"GBP": "£", "EUR": "€", "USD": "$"}
    symbol = symbols.get(currency, "")
    amount = f"{value:,.0f}"
    return f"{symbol}{amount}" if symbol else f"{amount} {currency}"


def number(value: float) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.1f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("reportgen.templates", "."),
        autoescape=jinja2.select_autoescape(["html", "xml", "svg"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(money=money, number=number, plural=plural)
    return env

"""How numbers read in the report: money, counts, plurals (pure functions, also Jinja filters)."""

from __future__ import annotations

SYMBOLS = {"GBP": "£", "EUR": "€", "USD": "$", "JPY": "¥", "INR": "₹"}


def money(value: float, currency: str = "GBP") -> str:
    """``£12,345`` (whole units; no symbol known: ``12,345 CHF``)."""
    symbol = SYMBOLS.get(currency, "")
    amount = f"{abs(value):,.0f}"
    sign = "-" if round(value) < 0 else ""
    return f"{sign}{symbol}{amount}" if symbol else f"{sign}{amount} {currency}"


def number(value: float | int) -> str:
    """``12,345`` for whole numbers, ``12.5`` otherwise."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.1f}"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``1 host``, ``2 hosts``, ``3 guest clusters``."""
    word = singular if count == 1 else (plural_form or singular + "s")
    return f"{count:,} {word}"


def percent(part: int, whole: int) -> str:
    """``12%`` of ``whole``; ``<1%`` for a non-zero part that rounds to nothing."""
    if not whole:
        return "0%"
    share = 100.0 * part / whole
    if 0 < share < 1:
        return "<1%"
    return f"{share:.0f}%"

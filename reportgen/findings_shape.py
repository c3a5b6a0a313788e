"""The shape of a findings JSON as ``reportgen accept-template`` reads it: every part it uses is checked before
it is used, so a file cut down, edited by hand or written by another tool is an InputError naming the part,
never an internal error."""

from __future__ import annotations

import math
from typing import Any

from .errors import InputError

_FIELDS: dict[str, dict[str, type]] = {
    "findings": {"rule": str, "severity": str, "evidence": str},
    "faux_clusters": {"id": str, "name": str, "topology": str, "suspected": bool, "hosts": list, "rules": list,
                      "guests": list},
    "hosts": {"name": str},
}
_KINDS = {str: "a text", bool: "true or false", list: "a list", dict: "an object"}
_GUEST_LISTS = {"faux_clusters": ("guests",), "hosts": ("pinned_guests", "pinned_at_next_power_on")}
_TEXT_LISTS = {"faux_clusters": ("hosts", "rules")}


def _bad(where: str, what: str) -> InputError:
    return InputError(f"is not a findings JSON as 'reportgen audit --json' writes it: {what}", where=where,
                      hint="give the findings JSON as the audit wrote it, not edited or cut short")


def check_findings_shape(document: dict[str, Any], where: str) -> None:
    """InputError unless every part of ``document`` that accept-template reads has the type it expects."""
    for key in ("cost", "estate"):
        if not isinstance(document.get(key, {}), dict):
            raise _bad(where, f"'{key}' is not an object")
    _check_costs(document.get("cost", {}), where)
    sources = document.get("estate", {}).get("sources", [])
    if not isinstance(sources, list) or not all(isinstance(s, dict) for s in sources):
        raise _bad(where, "'estate.sources' is not a list of objects")
    for part in _FIELDS:
        items = document[part]
        if not isinstance(items, list):
            raise _bad(where, f"'{part}' is not a list")
        for i, item in enumerate(items):
            _check_item(item, part, f"{part}[{i}]", where)


def _check_item(item: object, part: str, at: str, where: str) -> None:
    if not isinstance(item, dict):
        raise _bad(where, f"{at} is not an object")
    for field, kind in _FIELDS[part].items():
        if not isinstance(item.get(field), kind):
            raise _bad(where, f"{at}.{field} is missing or not {_KINDS.get(kind, 'of its type')}")
    for field in _TEXT_LISTS.get(part, ()):
        if not all(isinstance(v, str) for v in item.get(field) or []):
            raise _bad(where, f"{at}.{field} is not a list of texts")
    if not isinstance(item.get("owner") or "", str):
        raise _bad(where, f"{at}.owner is not a text")
    if item.get("guest") is not None:
        _check_guest(item["guest"], f"{at}.guest", where)
    for field in _GUEST_LISTS.get(part, ()):
        guests = item.get(field) or []
        if not isinstance(guests, list):
            raise _bad(where, f"{at}.{field} is not a list")
        for j, guest in enumerate(guests):
            _check_guest(guest, f"{at}.{field}[{j}]", where)


def _check_guest(guest: object, at: str, where: str) -> None:
    if not isinstance(guest, dict) or not isinstance(guest.get("key"), str) or not isinstance(guest.get("name"), str):
        raise _bad(where, f"{at} is not a guest with a key and a name")
    rules = guest.get("rules") or []
    if not isinstance(guest.get("owner") or "", str) or not isinstance(rules, list) or \
            not all(isinstance(r, str) for r in rules):
        raise _bad(where, f"{at} has an owner or rules that are not texts")


def _check_costs(cost: dict[str, Any], where: str) -> None:
    for key in ("per_faux_cluster", "per_pinned_guest"):
        values = cost.get(key, {})
        if not isinstance(values, dict) or not all(_amount(v) for v in values.values()):
            raise _bad(where, f"'cost.{key}' is not an object of amounts")


def _amount(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

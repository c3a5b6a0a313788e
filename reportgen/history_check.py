"""Whether a parsed ``--history`` snapshot has the fields and shapes a snapshot holds (:mod:`.history`)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from .history_hosts import valid as valid_hosts

KIND = "reportgen-history"
VERSION = 1
OPTIONAL = ("estate", "guests", "servers", "currency", "acceptances", "scope", "not_assessed", "cluster_rules",
            "host_rules", "hosts", "cluster_hosts")
"""Snapshot keys added after version 1 was first written: a snapshot without them is still read."""
_PERIOD = re.compile(r"^[0-9]{4}-Q[1-4]$")


def snapshot_problem(data: Any) -> str | None:
    """What is wrong with a parsed snapshot, or None if its fields have the right shapes."""
    if not isinstance(data, dict) or data.get("kind") != KIND:
        return "not a reportgen history snapshot"
    if data.get("version") != VERSION:
        return f"a history snapshot of another version ({data.get('version')!r})"

    def texts(value: Any) -> bool:
        return isinstance(value, list) and all(isinstance(v, str) for v in value)

    def number(value: Any) -> bool:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)

    def rules_by_name(value: Any) -> bool:
        return value is None or (isinstance(value, dict) and all(isinstance(k, str) and texts(x)
                                                                 for k, x in value.items()))

    checks: dict[str, Callable[[Any], bool]] = {
        "period": lambda v: isinstance(v, str) and bool(_PERIOD.match(v)),
        "generated_at": lambda v: isinstance(v, str),
        "totals": lambda v: isinstance(v, dict) and all(isinstance(k, str) and number(x) for k, x in v.items()),
        "faux_clusters": lambda v: isinstance(v, dict) and all(isinstance(k, str) and texts(x) for k, x in v.items()),
        "pinned_hosts": texts, "pinned_guests": texts,
        "findings_by_rule": lambda v: isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(x, int) and not isinstance(x, bool) for k, x in v.items()),
        "estate": lambda v: isinstance(v, str),
        "guests": lambda v: isinstance(v, dict) and all(
            isinstance(k, str) and isinstance(x, dict) and isinstance(x.get("name"), str)
            and isinstance(x.get("uuid"), str | None) for k, x in v.items()),
        "servers": texts,
        "currency": lambda v: isinstance(v, str | None),
        "scope": lambda v: isinstance(v, str | None),
        "acceptances": lambda v: v is None or (isinstance(v, list) and all(
            isinstance(a, dict) and isinstance(a.get("what"), str) and isinstance(a.get("status"), str)
            for a in v)),
        "not_assessed": lambda v: v is None or texts(v),
        "cluster_rules": rules_by_name, "host_rules": rules_by_name, "cluster_hosts": rules_by_name,
        "hosts": valid_hosts,
    }
    for key, ok in checks.items():
        if key not in data:
            if key not in OPTIONAL:
                return f"damaged: '{key}' is missing"
        elif not ok(data[key]):
            return f"damaged: '{key}' is not what a snapshot holds"
    return None

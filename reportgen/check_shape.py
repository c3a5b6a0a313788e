"""The parts of a findings JSON that ``reportgen check`` and ``accept-template`` read, checked before use.

A file cut down, edited by hand or written by another tool is an InputError that names the part
('hosts[3].pinned_guests[0].rules is not a list of texts'), never an internal error. A part that is
absent is allowed (older files lack some); a part that is present must have the type the audit writes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .errors import InputError

Spec = Mapping[str, object]
"""Field -> what it must be: a type, a tuple of types (None for JSON null), or a one-item list [spec]
for a list whose items are of that spec (a type, or a nested Spec for objects)."""

TEXT = (str, None)
GUEST: Spec = {"name": TEXT, "key": TEXT, "owner": TEXT, "rules": [str], "faux_cluster": TEXT}
HOST: Spec = {"name": str, "evacuable": bool, "cluster": TEXT, "cluster_label": TEXT, "source": TEXT,
              "label": TEXT, "site": TEXT, "wave": (int, None), "degraded_faux_clusters": [str],
              "pinned_guests": [GUEST], "pinned_at_next_power_on": [GUEST], "stranded_on_failure": [GUEST],
              "restart_unknown_on_failure": [{**GUEST, "why": TEXT}], "cluster_down_limit": (int, None)}
NODE: Spec = {"name": TEXT, "host": TEXT, "host_label": TEXT, "power_state": TEXT}
CLUSTER: Spec = {"id": str, "name": TEXT, "topology": TEXT, "suspected": (bool, None), "guests": [NODE],
                 "hosts": [str], "host_labels": [str], "rules": [str]}
FINDING: Spec = {"rule": TEXT, "title": TEXT, "evidence": TEXT, "guest": (dict, None), "host": TEXT, "host_label": TEXT,
                 "cluster": TEXT, "effects": [str], "source": (dict, None), "targets": [str], "target_labels": [str],
                 "timing": TEXT}
SOURCE: Spec = {"file": TEXT, "format": TEXT, "platform": TEXT, "tool": TEXT, "tool_version": TEXT, "exported_at": TEXT,
                "server": TEXT, "server_uuid": TEXT}
PARTS: Spec = {"hosts": [HOST], "faux_clusters": [CLUSTER], "findings": [FINDING], "estate": {"sources": [SOURCE]}}
_NAMES = {str: "a text", bool: "true or false", int: "a whole number", dict: "an object", list: "a list"}


def check_shape(document: Mapping[str, Any], source: str) -> None:
    """InputError naming the first part of ``document`` that ``check`` reads and that has the wrong type."""
    problem = _object(document, PARTS, "")
    if problem:
        raise InputError(f"is not a findings JSON as 'reportgen audit --json' writes it: {problem}", where=source,
                         hint="write it again with 'reportgen audit --json'")


NULLABLE_LISTS = frozenset({"targets", "target_labels"})
"""Lists that may also be null (a finding that does not limit where its guest can go)."""


def _object(item: Mapping[str, Any], spec: Spec, at: str) -> str:
    for field, want in spec.items():
        if field in item and not (field in NULLABLE_LISTS and item[field] is None):
            problem = _value(item[field], want, f"{at}.{field}" if at else field)
            if problem:
                return problem
    return ""


def _value(value: object, want: object, at: str) -> str:
    if isinstance(want, list):
        if not isinstance(value, list):
            return f"{at} is not a list"
        for i, item in enumerate(value):
            problem = _value(item, want[0], f"{at}[{i}]")
            if problem:
                return problem
        return ""
    if isinstance(want, Mapping):
        return _object(value, want, at) if isinstance(value, dict) else f"{at} is not an object"
    kinds = want if isinstance(want, tuple) else (want,)
    if value is None and None in kinds:
        return ""
    if any(isinstance(value, k) and not (k is int and isinstance(value, bool)) for k in kinds if k is not None):
        return ""
    return f"{at} is not {' or '.join(_NAMES.get(k, 'null') if k is not None else 'null' for k in kinds)}"

"""JSON Schemas of the data files reportgen writes, shipped with the package."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def findings_schema() -> dict[str, Any]:
    """The JSON Schema of the findings JSON, schema_version 1."""
    text = resources.files(__name__).joinpath("findings-v1.schema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def check_schema() -> dict[str, Any]:
    """The JSON Schema of ``reportgen check --json``, schema_version 1."""
    text = resources.files(__name__).joinpath("check-v1.schema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result


def compare_schema() -> dict[str, Any]:
    """The JSON Schema of ``reportgen compare --json``, schema_version 1."""
    text = resources.files(__name__).joinpath("compare-v1.schema.json").read_text(encoding="utf-8")
    result: dict[str, Any] = json.loads(text)
    return result

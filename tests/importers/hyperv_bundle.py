"""The bundled 3-node Hyper-V sample as CSV members to edit, and auditing an edited copy of it."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path
from typing import Any

from tests.conftest import SAMPLES

BUNDLE = SAMPLES / "hyperv" / "hyperv-3node.zip"


def members() -> dict[str, bytes]:
    """Each CSV of the bundle by its name in the zip."""
    with zipfile.ZipFile(BUNDLE) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def zip_members(path: Path, files: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return path


def audit_members(cli: Any, files: dict[str, bytes], tmp_path: Path) -> dict[str, Any]:
    """The findings JSON of ``reportgen audit`` on the edited bundle (exit 0 or 1)."""
    out = tmp_path / "f.json"
    result = cli(["audit", zip_members(tmp_path / "bundle.zip", files), "--json", out, "-q"])
    assert result.code in (0, 1), result.stderr
    found: dict[str, Any] = json.loads(out.read_text())
    return found

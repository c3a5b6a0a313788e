"""reportgen: finds the guests welded to their hosts in vSphere and Hyper-V estates, and prices it.

Library use::

    from reportgen import run_audit, write_pdf
    audit = run_audit(["RVTools_export_all.xlsx"])
    write_pdf(audit, "report.pdf")

The names below are imported when first used, so that a process that needs only part of the
package (the PDF worker, which never reads an export) does not load polars and the analysis.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from .audit import Audit, run_audit, write_html, write_json, write_pdf
    from .config import Config, load_config
    from .errors import ConfigError, InputError, RenderError, ReportgenError

_HOMES = {
    "Audit": "audit", "run_audit": "audit", "write_html": "audit", "write_json": "audit", "write_pdf": "audit",
    "Config": "config", "load_config": "config",
    "ConfigError": "errors", "InputError": "errors", "RenderError": "errors", "ReportgenError": "errors",
}

__all__ = [
    "Audit", "Config", "ConfigError", "InputError", "RenderError", "ReportgenError", "__version__",
    "load_config", "run_audit", "write_html", "write_json", "write_pdf",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'reportgen' has no attribute {name!r}")
    value = getattr(import_module(f".{home}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)

"""reportgen: finds the guests welded to their hosts in vSphere and Hyper-V estates, and prices it.

Library use::

    from reportgen import run_audit, write_pdf
    audit = run_audit(["RVTools_export_all.xlsx"])
    write_pdf(audit, "report.pdf")
"""

from __future__ import annotations

__version__ = "0.1.0"

from .audit import Audit, run_audit, write_html, write_json, write_pdf
from .config import Config, load_config
from .errors import ConfigError, InputError, RenderError, ReportgenError

__all__ = [
    "Audit", "Config", "ConfigError", "InputError", "RenderError", "ReportgenError", "__version__",
    "load_config", "run_audit", "write_html", "write_json", "write_pdf",
]

"""The HTML report's search box and full lists: their script, style, data and Content-Security-Policy.

The page fetches nothing: the policy allows no source at all except the one inline script (by its
hash), inline styles and ``data:`` images. The data are JSON inside a ``<script
type="application/json">``, with ``<``, ``>`` and ``&`` escaped so that no name can close the
element; the script writes names with ``textContent`` only.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from typing import Any

from markupsafe import Markup

from ..errors import RenderError


@dataclass(frozen=True)
class ExplorerPage:
    """What the template inlines for the search box and lists."""

    policy: str
    style: Markup
    script: Markup
    data: Markup


def _template_text(name: str) -> str:
    return resources.files("reportgen.templates").joinpath(name).read_text(encoding="utf-8")


def json_for_script(value: Any) -> str:
    """JSON that cannot end its ``<script>`` element or start markup, whatever the names in it."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")


def content_policy(script: str) -> str:
    """No network access of any kind: only this inline script, inline styles and data: images."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return ("default-src 'none'; script-src 'sha256-" + digest + "'; style-src 'unsafe-inline'; "
            "img-src data:; font-src 'none'; connect-src 'none'; media-src 'none'; object-src 'none'; "
            "frame-src 'none'; worker-src 'none'; manifest-src 'none'; base-uri 'none'; form-action 'none'")


def explorer_page(data: Mapping[str, Any]) -> ExplorerPage:
    """The pieces of the explorer for one report."""
    script = _template_text("explorer.js")
    if "</script" in script.lower():
        raise RenderError("the explorer script would end its own element", where="templates/explorer.js")
    return ExplorerPage(policy=content_policy(script), style=Markup(_template_text("explorer.css")),
                        script=Markup(script), data=Markup(json_for_script(data)))

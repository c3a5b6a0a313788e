"""What WeasyPrint may load while it lays the report out: nothing from outside.

The report is self-contained (CSS inline, the logo a ``data:`` URI). WeasyPrint would otherwise
follow any URL it meets, in an SVG logo for instance, over the network or to a file on this
machine. :class:`OfflineFetcher` serves ``data:`` URIs and the package's own templates folder and
refuses everything else; WeasyPrint then warns that the resource could not be loaded.
"""

from __future__ import annotations

import mimetypes
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse


class OfflineFetcher(URLFetcher):  # type: ignore[misc]  # WeasyPrint ships no type hints
    """A URL fetcher that opens no connection and reads no file outside the package's templates."""

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url[:5].lower() == "data:":
            response = DataHandler().data_open(Request(url))  # decoded in memory
            return URLFetcherResponse(url, response.read(), dict(response.headers))
        own = _package_file(url)
        if own is not None:
            mime = mimetypes.guess_type(own.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, own.read_bytes(), {"Content-Type": mime})
        raise ValueError(f"reportgen fetches nothing: refused {url[:120]}")


def _package_file(url: str) -> Path | None:
    """The file a ``file:`` URL names, if it is inside the package's templates folder."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file" or parts.netloc not in ("", "localhost"):
        return None
    templates = Path(str(resources.files("reportgen.templates"))).resolve()
    path = Path(unquote(parts.path)).resolve()
    return path if path.is_relative_to(templates) and path.is_file() else None

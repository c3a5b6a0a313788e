"""The cover's logo (``report.logo``): a PNG, JPEG or SVG file, checked before it is embedded.

The logo is recognised by its content, not its name; it must be a regular file (a named pipe
would block the audit) of at most :data:`MAX_LOGO_BYTES`. An SVG may refer to nothing outside
itself: an image, a font or a style sheet it links to would make the renderer fetch a URL or read
a file on the machine, so such a logo is refused with the reference named.
"""

from __future__ import annotations

import base64
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError
from .importers.bounded import kind_of, size_text

MAX_LOGO_BYTES = 4 * 1024**2
"""A logo on a cover needs a few hundred KiB at most."""

_KEY = "key 'report.logo'"
_URL = re.compile(r"url\(\s*(['\"]?)(.*?)\1\s*\)", re.IGNORECASE | re.DOTALL)
_IMPORT = re.compile(r"@import\s+(?:url\()?\s*['\"]?([^'\")\s;]+)", re.IGNORECASE)


@dataclass(frozen=True)
class Logo:
    mime: str
    data: bytes

    def data_uri(self) -> str:
        """The logo as a ``data:`` URI, so that the HTML and the PDF stay self-contained."""
        return f"data:{self.mime};base64,{base64.b64encode(self.data).decode('ascii')}"


def read_logo(path: str | Path) -> Logo:
    """The logo at ``path``; ConfigError if it is not a bounded, self-contained PNG, JPEG or SVG file."""
    where = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise ConfigError(f"{_KEY}: no such file {where!r}", hint="give a path relative to the config file") from None
    except OSError as exc:
        raise ConfigError(f"{_KEY}: cannot open {where!r}: {exc.strerror}") from None
    with os.fdopen(fd, "rb") as handle:
        status = os.fstat(fd)
        kind = kind_of(status.st_mode)
        if kind is not None:
            raise ConfigError(f"{_KEY}: {where!r} is {kind}, not an image file", hint="give a PNG, JPEG or SVG file")
        if status.st_size > MAX_LOGO_BYTES:
            raise ConfigError(f"{_KEY}: {where!r} is {size_text(status.st_size)}, more than the "
                              f"{size_text(MAX_LOGO_BYTES)} a logo may be", hint="save a smaller image")
        data = handle.read(MAX_LOGO_BYTES + 1)
    if len(data) > MAX_LOGO_BYTES:
        raise ConfigError(f"{_KEY}: {where!r} grew beyond {size_text(MAX_LOGO_BYTES)} while being read")
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return Logo("image/png", data)
    if data.startswith(b"\xff\xd8\xff"):
        return Logo("image/jpeg", data)
    if _check_svg(data, where):
        return Logo("image/svg+xml", data)
    raise ConfigError(f"{_KEY}: {where!r} is not a PNG, JPEG or SVG file (by its content)",
                      hint="give a PNG, JPEG or SVG image")


def _check_svg(data: bytes, where: str) -> bool:
    """Whether ``data`` is an SVG document; ConfigError if it is one that refers outside itself."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if "<svg" not in text:
        return False
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.IGNORECASE):
        raise ConfigError(f"{_KEY}: the SVG logo {where!r} declares a DOCTYPE or entities, which can refer "
                          "outside the file; refused", hint="save the SVG without a DOCTYPE")
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return False
    if root.tag.rsplit("}", 1)[-1] != "svg":
        return False
    reference = _external_reference(root, text)
    if reference is not None:
        raise ConfigError(
            f"{_KEY}: the SVG logo {where!r} refers to {reference[:80]!r} outside the file; refused "
            "(reportgen fetches nothing)", hint="embed its images and fonts in the SVG, or save the logo as PNG")
    return True


def _external_reference(root: ET.Element, text: str) -> str | None:
    """The first reference to anything outside the document (a URL or a file), if any."""
    if re.search(r"<\?xml-stylesheet", text, re.IGNORECASE):
        return "an xml-stylesheet"
    for element in root.iter():
        values = list(element.attrib.items())
        if element.tag.rsplit("}", 1)[-1] == "style" and element.text:
            values.append(("style", element.text))
        for name, value in values:
            local = name.rsplit("}", 1)[-1]
            if local in ("href", "src") and not _internal(value):
                return value.strip()
            for match in _URL.finditer(value):
                if not _internal(match.group(2)):
                    return match.group(2).strip()
            for match in _IMPORT.finditer(value):
                return match.group(1)
    return None


def _internal(reference: str) -> bool:
    """A fragment of this document, or data carried inline."""
    reference = reference.strip()
    return reference.startswith("#") or reference.lower().startswith("data:")

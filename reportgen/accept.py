"""Accepted exceptions: the ``--accept`` file, what each entry accepts, and its status on a given day.

An accept file is a list of ``[[accept]]`` tables. Each entry says what it accepts with one or more
match keys (glob patterns with ``*`` and ``?``, case is ignored; every key given must match) and who
accepted it until when. An entry that lacks a sign-off key, names an unknown key or accepts
nothing in particular is refused with a :class:`~reportgen.errors.ConfigError` that names the entry
(its position and first line) and the key. Matching the entries against an audit is
:mod:`reportgen.accept_match`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from .errors import ConfigError

Status = Literal["active", "due", "expired", "stale", "changed", "not-assessed"]
STATUSES: tuple[Status, ...] = ("expired", "changed", "due", "not-assessed", "stale", "active")
"""In the order the sign-off section lists them: what needs a decision first."""
DUE_DAYS = 90
"""An acceptance that expires within this many days of the audit is due for review."""

MATCH_KEYS = ("guests", "guest", "host", "cluster", "rule", "cause", "vcenter")
SIGN_OFF_KEYS = ("reason", "owner", "approved_by", "expires")
OTHER_KEYS = ("ticket", "ids")
_HEADER = re.compile(r"^\s*\[\[\s*accept\s*\]\]")
_CLUSTER_ID = re.compile(r"[gs]c-[0-9*?]+", re.IGNORECASE)
"""A guest cluster's id as the outputs print it (GC-004, SC-001): numbered afresh by every audit."""


@dataclass(frozen=True)
class AcceptEntry:
    """One ``[[accept]]`` table: what it accepts (patterns), and who accepted it until when."""

    position: int
    """1 for the file's first entry."""
    line: int
    """Line of the file where the entry starts (its ``[[accept]]`` header)."""
    guests: tuple[str, ...] = ()
    """A guest cluster whose members are exactly these (names or patterns)."""
    guest: str | None = None
    host: str | None = None
    cluster: str | None = None
    rule: str | None = None
    cause: str | None = None
    vcenter: str | None = None
    """The vCenter (or Hyper-V cluster) of what it accepts, by name or instance UUID: where two vCenters share a
    host or guest name, it says which one the entry was signed off for."""
    ids: tuple[str, ...] = ()
    """Identities of the guests named (guest key or ``uuid:<VM UUID>``), in the order of ``guests``
    (or the one of ``guest``): a guest renamed since keeps matching by these."""
    reason: str = ""
    owner: str = ""
    approved_by: str = ""
    expires: dt.date = dt.date.min
    ticket: str | None = None

    @property
    def what(self) -> str:
        """What the entry accepts, in words: 'guests sql01, sql02; rule VMW-02'."""
        parts = []
        if self.guests:
            parts.append("guests " + ", ".join(self.guests))
        for key in ("guest", "host", "cluster", "rule", "cause", "vcenter"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{key} {value}")
        return "; ".join(parts)

    def status(self, matched: int, as_of: dt.date) -> Status:
        """Stale when it matches nothing; expired after its expiry day; due within :data:`DUE_DAYS`."""
        if matched == 0:
            return "stale"
        if self.expires < as_of:
            return "expired"
        if (self.expires - as_of).days <= DUE_DAYS:
            return "due"
        return "active"


@dataclass(frozen=True)
class AcceptFile:
    path: str
    entries: tuple[AcceptEntry, ...]


def is_literal(pattern: str) -> bool:
    """Whether ``pattern`` names one thing: no ``*`` or ``?`` outside brackets (``[*]`` is the character)."""
    return not any(t.group(0) in "*?" for t in _TOKEN.finditer(pattern) if not t.group(1))


def matches(pattern: str, value: str | None) -> bool:
    """Whether ``value`` matches the glob ``pattern`` (``*``, ``?``; case ignored).

    Only ``*`` and ``?`` are wildcards: ``[`` and ``]`` are themselves, so ``web[1]`` names that guest
    and ``hq[a-z]*`` accepts no guest it does not spell out. ``[*]``, ``[?]`` and ``[[]`` stand for the
    character in brackets (as ``accept-template`` writes a name that holds one).
    """
    return value is not None and _compiled(pattern).fullmatch(value.casefold()) is not None


_TOKEN = re.compile(r"\[([*?\[])\]|.", re.DOTALL)


@functools.lru_cache(maxsize=1024)
def _compiled(pattern: str) -> re.Pattern[str]:
    parts = []
    for token in _TOKEN.finditer(pattern.casefold()):
        text = token.group(1) or token.group(0)
        parts.append(re.escape(text) if token.group(1) else ".*" if text == "*" else "." if text == "?"
                     else re.escape(text))
    return re.compile("".join(parts), re.DOTALL)


MAX_ACCEPT_BYTES = 16 * 1024**2
"""Thousands of entries are a few megabytes; a larger file is not an accept file."""


def load_acceptances(path: str | Path) -> AcceptFile:
    """Read and check an accept file; a problem raises ConfigError (the CLI's exit 2)."""
    from .importers.bounded import read_side_file

    where = str(path)
    if Path(path).is_dir():
        raise ConfigError("is a folder, not an accept file", where=where,
                          hint="give the accept file itself, e.g. accept.toml")
    if not Path(path).exists():
        raise ConfigError("no such accept file", where=where,
                          hint="write one with 'reportgen accept-template findings.json'")
    data = read_side_file(Path(path), MAX_ACCEPT_BYTES, "give the accept file itself, a TOML file such as "
                          "'reportgen accept-template findings.json' drafts")
    try:
        text = data.decode("utf-8-sig")  # a byte-order mark, as Windows editors write, is no error
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise ConfigError(f"line {line} is not UTF-8 text (byte 0x{data[exc.start]:02X})", where=where,
                          hint="save the file as UTF-8") from None
    if text.lstrip().startswith(("{", "[{")):
        raise ConfigError("is a JSON file, not an accept file", where=where,
                          hint="an accept file is TOML with [[accept]] entries: draft one with "
                          "'reportgen accept-template findings.json -o accept.toml'")
    return AcceptFile(where, parse_acceptances(text, where))


def parse_acceptances(text: str, where: str = "accept.toml") -> tuple[AcceptEntry, ...]:
    """The entries of an accept file's text, checked."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"not valid TOML: {exc}", where=where) from None
    except RecursionError:
        raise ConfigError("not valid TOML: its arrays or tables are nested too deeply", where=where) from None
    unknown = sorted(set(data) - {"accept"})
    if unknown:
        raise ConfigError(f"unknown key '{unknown[0]}'", where=where,
                          hint="an accept file holds only [[accept]] entries")
    tables = data.get("accept", [])
    if not isinstance(tables, list):
        raise ConfigError("'accept' must be a list of tables", where=where, hint="write each entry as [[accept]]")
    starts = _entry_lines(text)
    return tuple(_entry(table, i + 1, starts, where) for i, table in enumerate(tables))


def _entry_lines(text: str) -> list[tuple[int, str]]:
    """(line number, first line of content) of each entry, in order: an ``[[accept]]`` header and the
    first line after it, or the line where an inline table of ``accept = [{…}, …]`` starts and its text."""
    lines = text.splitlines()
    inline = _INLINE.search(text)
    if inline is not None:
        return _inline_entry_lines(text, inline.end(), lines)
    found = []
    pending: list[int] = []
    for number, line in enumerate(lines, 1):
        content = line.strip()
        if _HEADER.match(line):
            found.append((number, ""))
            pending.append(len(found) - 1)
        elif content and not content.startswith("#") and pending:
            for index in pending:
                found[index] = (found[index][0], content)
            pending = []
    return found


_INLINE = re.compile(r"^[ \t]*(?:accept|\"accept\"|'accept')[ \t]*=[ \t]*\[", re.MULTILINE)
_QUOTES = ('"""', "'''", '"', "'")


def _inline_entry_lines(text: str, start: int, lines: list[str]) -> list[tuple[int, str]]:
    """The line of each ``{`` directly inside the array that starts at ``start``, skipping strings and comments."""
    found = []
    depth, i = 0, start
    while i < len(text) and depth >= 0:
        c = text[i]
        quote = next((q for q in _QUOTES if text.startswith(q, i)), None)
        if quote is not None:
            i = _string_end(text, i + len(quote), quote)
            continue
        if c == "#":
            i = text.find("\n", i)
            i = len(text) if i < 0 else i
            continue
        if c in "[{":
            if c == "{" and depth == 0:
                number = text.count("\n", 0, i) + 1
                found.append((number, lines[number - 1][i - (text.rfind("\n", 0, i) + 1):].strip().rstrip(",").rstrip()))
            depth += 1
        elif c in "]}":
            depth -= 1
        i += 1
    return found


def _string_end(text: str, i: int, quote: str) -> int:
    """Where the string whose text starts at ``i`` ends (after its closing quote)."""
    while i < len(text):
        if quote[0] == '"' and text[i] == "\\":
            i += 2
            continue
        if text.startswith(quote, i):
            return i + len(quote)
        i += 1
    return i


def _shown(value: object) -> str:
    """A TOML value as the user wrote it, with what kind it is."""
    if isinstance(value, str):
        return f'the text "{value}"'
    if isinstance(value, dt.datetime):
        return f"the date and time {value.isoformat()}"
    if isinstance(value, dt.time):
        return f"the time {value.isoformat()}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, (int, float)):
        return f"the number {value}"
    return "a list" if isinstance(value, list) else "a table"


def _steering(text: str) -> str | None:
    """The first control character or right-to-left override of a sign-off text ('U+202E'); a line break or a
    tab (a multi-line reason) is none."""
    from .errors import STEERING

    found = next((c for c in text if ord(c) in STEERING and c not in "\n\t\r"), None)
    return f"U+{ord(found):04X}" if found is not None else None


def _entry(table: object, position: int, starts: list[tuple[int, str]], where: str) -> AcceptEntry:
    line, first = starts[position - 1] if position <= len(starts) else (0, "")
    label = f"entry {position}" + (f" (line {line}: {first})" if line else "")

    def refuse(message: str, hint: str | None = None) -> ConfigError:
        return ConfigError(f"{label}: {message}", where=where, hint=hint)

    if not isinstance(table, dict):
        raise refuse("is not a table", "write each entry as [[accept]] followed by its keys")
    unknown = sorted(set(table) - {*MATCH_KEYS, *SIGN_OFF_KEYS, *OTHER_KEYS})
    if unknown:
        raise refuse(f"unknown key '{unknown[0]}'",
                     f"the keys are {', '.join((*MATCH_KEYS, *SIGN_OFF_KEYS, *OTHER_KEYS))}")
    if not any(key in table for key in MATCH_KEYS):
        raise refuse("says nothing it accepts", f"give one or more of {', '.join(MATCH_KEYS)}")
    values: dict[str, object] = {}
    for key in ("guest", "host", "cluster", "rule", "cause", "vcenter", "reason", "owner", "approved_by", "ticket"):
        if key in table:
            value = table[key]
            if not isinstance(value, str):
                raise refuse(f"key '{key}' must be a text in quotes")
            if key != "ticket" and not value.strip():
                raise refuse(f"key '{key}' is empty", "fill it in, or delete the entry" if key in SIGN_OFF_KEYS
                             else "give a name or a pattern")
            if key in SIGN_OFF_KEYS + ("ticket",) and (bad := _steering(value)):
                raise refuse(f"key '{key}' holds {bad}, which the report could not show as written",
                             "type the text again without it")
            values[key] = value.strip() or None  # an empty ticket is no ticket
    for key in ("guests", "ids"):
        if key in table:
            value = table[key]
            if not isinstance(value, list) or not value or not all(isinstance(v, str) and v.strip() for v in value):
                raise refuse(f"key '{key}' must be a list of non-empty texts")
            values[key] = tuple(v.strip() for v in value)
    for key in SIGN_OFF_KEYS:
        if key not in table or (key in values and not str(values[key]).strip()):
            raise refuse(f"key '{key}' is missing", "every entry says its reason, owner, approved_by and expires")
    expires = table["expires"]
    if isinstance(expires, dt.datetime) or not isinstance(expires, dt.date):
        raise refuse(f"key 'expires' must be a TOML date such as 2027-03-31 (without quotes), got {_shown(expires)}")
    values["expires"] = expires
    cause = values.get("cause")
    if isinstance(cause, str) and _CLUSTER_ID.fullmatch(cause):
        raise refuse(f"key 'cause' names the guest cluster id {cause}, and every audit numbers its guest clusters "
                     "afresh: next quarter the id may be another cluster",
                     "name it by its members, guests = [\"node1\", \"node2\"] (as 'reportgen accept-template' "
                     "writes it, with their ids), or by its name as the report prints it, cause = \"sql (2 nodes)\"")
    ids = values.get("ids", ())
    assert isinstance(ids, tuple)
    if ids:
        named = len(values["guests"]) if "guests" in values else 1 if "guest" in values else 0  # type: ignore[arg-type]
        if len(ids) != named:
            raise refuse("key 'ids' must give one identity per guest named in 'guests' or 'guest'")
    return AcceptEntry(position=position, line=line, **values)  # type: ignore[arg-type]

"""The host names ``reportgen check`` is given, and the hosts they name.

A name is a host's DNS or short name, a label that tells apart same-named hosts of two vCenters, a
pattern with ``*``, ``?`` and ``[]`` (case-insensitive), or ``@FILE`` with one of those a line.
"""

from __future__ import annotations

import difflib
import fnmatch
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError
from .importers.bounded import open_regular, read_all

SUGGESTIONS = 5
"""Close matches named for a host name that matches nothing."""


@dataclass(frozen=True)
class Unmatched:
    """A name or pattern that matches no host, with the closest host names."""

    pattern: str
    suggestions: tuple[str, ...]
    cluster: str | None = None
    """When the name is a cluster's, that cluster: ``suggestions`` are then its hosts."""


@dataclass(frozen=True)
class Ambiguous:
    """A name (not a pattern) that several hosts answer to: two vCenters each have an 'esx01'."""

    pattern: str
    hosts: tuple[str, ...]
    """Their labels ('esx01 in vc02.example.test'), each of which checks that one host."""


MAX_HOST_LIST_BYTES = 64 * 1024 * 1024
"""A host list longer than this is not one (a million host names fit in a few MiB)."""


def read_host_names(path: str | os.PathLike[str]) -> list[str]:
    """Host names or patterns from a file, one a line; blank lines and '#' comments are skipped. A pipe, a
    device or an endless file is refused, never read until it ends."""
    try:
        with open_regular(Path(path), MAX_HOST_LIST_BYTES, str(path)) as handle:
            text = read_all(handle, MAX_HOST_LIST_BYTES, str(path)).decode("utf-8-sig")
    except InputError as exc:
        raise InputError(f"cannot read the host list: {exc.message}", where=str(path),
                         hint="one host name or pattern a line") from exc
    except UnicodeDecodeError as exc:
        raise InputError("cannot read the host list: not UTF-8 text", where=str(path),
                         hint="one host name or pattern a line") from exc
    return [line.split("#", 1)[0].strip() for line in text.splitlines() if line.split("#", 1)[0].strip()]


def expand_names(arguments: Iterable[str]) -> list[str]:
    """The names and patterns asked for: ``@file`` arguments replaced by the lines of the file."""
    names: list[str] = []
    for argument in arguments:
        names.extend(read_host_names(argument[1:]) if argument.startswith("@") else [argument])
    return names


_LETTER = re.compile(r"[A-Za-z]")


def _keys(name: str) -> tuple[str, ...]:
    """The forms a host answers to: its name, and its short name when it is a DNS name."""
    lower = name.lower()
    short = lower.split(".", 1)[0]
    return (lower, short) if short != lower and _LETTER.search(short) else (lower,)


def match_hosts(names: Sequence[str], patterns: Sequence[str],
                labels: Sequence[str] = ()) -> tuple[list[int], list[Unmatched]]:
    """Indexes of the hosts matching each pattern (globs, case-insensitive; a short name matches its
    DNS name; a label such as 'esx01 in vc02.example.test' matches that one host), in order and without
    repeats, and the patterns that match none."""
    index: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for key in _keys(name):
            index.setdefault(key, []).append(i)
    for i, label in enumerate(labels):
        if label.lower() not in _keys(names[i]):
            index.setdefault(label.lower(), []).append(i)
    found: dict[int, None] = {}
    unmatched = []
    for pattern in patterns:
        lower = pattern.strip().lower()
        if any(ch in lower for ch in "*?["):
            hits = sorted({i for key, rows in index.items() if fnmatch.fnmatchcase(key, lower) for i in rows},
                          key=lambda i: names[i].lower())
        else:
            hits = index.get(lower, [])
        if not hits:
            close = difflib.get_close_matches(lower, list(index), n=SUGGESTIONS, cutoff=0.6)
            shown = dict.fromkeys(names[index[c][0]] for c in close)
            unmatched.append(Unmatched(pattern, tuple(shown)))
        found.update(dict.fromkeys(hits))
    return list(found), unmatched


def ambiguous_names(names: Sequence[str], patterns: Sequence[str], labels: Sequence[str]) -> tuple[Ambiguous, ...]:
    """The plain names (no ``*``, ``?`` or ``[``) among ``patterns`` that several hosts answer to."""
    found = []
    for pattern in dict.fromkeys(p for p in patterns if not any(ch in p for ch in "*?[")):
        rows, _ = match_hosts(names, [pattern], labels)
        if len(rows) > 1:
            found.append(Ambiguous(pattern, tuple(labels[i] if i < len(labels) else names[i] for i in rows)))
    return tuple(found)

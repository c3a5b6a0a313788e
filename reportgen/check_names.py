"""The host names ``reportgen check`` is given, and the hosts they name.

A name is a host's DNS or short name (or the start of its DNS name up to a dot), a label that tells apart
same-named hosts of two vCenters (its host and vCenter names short or whole, in any case), a pattern with ``*``, ``?`` and ``[]`` (case-insensitive), or ``@FILE`` with one of those a line.
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
    partial: bool = False
    """The name is the start of several DNS names ('esx01.a' of esx01.a.example and esx01.a.test): ``suggestions``
    are those names, one of which is to be given."""


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


def _label_keys(name: str, label: str) -> tuple[str, ...]:
    """The forms a label answers to: 'esx01.example.test in vc02.example.test' also as 'esx01 in vc02' and the
    other mixes of short and DNS names (any case)."""
    lower = label.lower()
    head, sep, place = lower.partition(" in ")
    if not sep or head != name.lower():
        return (lower,)
    return tuple(dict.fromkeys(f"{h} in {p}" for h in _keys(name) for p in _keys(place)))


def _index(names: Sequence[str], labels: Sequence[str]) -> dict[str, list[int]]:
    """Every form a host answers to (name, short name, label and its short forms) -> the hosts' indexes."""
    index: dict[str, list[int]] = {}
    for i, name in enumerate(names):
        for key in _keys(name):
            index.setdefault(key, []).append(i)
    for i, label in enumerate(labels):
        for key in _label_keys(names[i], label):
            if key not in _keys(names[i]):
                index.setdefault(key, []).append(i)
    return index


def _partial(names: Sequence[str], lower: str) -> list[int]:
    """The hosts whose DNS name starts with ``lower`` up to a dot ('esx01.acme' of esx01.acme.local); never an
    address's (172.26.20 is not a start of 172.26.20.85)."""
    return [i for i, n in enumerate(names)
            if n.lower().startswith(lower + ".") and _LETTER.search(n.split(".", 1)[0])]


def match_hosts(names: Sequence[str], patterns: Sequence[str],
                labels: Sequence[str] = ()) -> tuple[list[int], list[Unmatched]]:
    """Indexes of the hosts matching each pattern (globs, case-insensitive; a short name or the start of a DNS
    name up to a dot matches it; a label such as 'esx01 in vc02.example.test' or 'esx01 in VC02' matches that one
    host), in order and without repeats, and the patterns that match none."""
    index = _index(names, labels)
    shared = {k for k, rows in index.items() if len({names[i].lower() for i in rows}) < len(rows)}

    def shown(i: int) -> str:  # a name several hosts share is suggested as their labels
        return labels[i] if i < len(labels) and names[i].lower() in shared else names[i]

    found: dict[int, None] = {}
    unmatched = []
    for pattern in patterns:
        lower = pattern.strip().lower()
        if any(ch in lower for ch in "*?["):
            hits = sorted({i for key, rows in index.items() if fnmatch.fnmatchcase(key, lower) for i in rows},
                          key=lambda i: names[i].lower())
        else:
            hits = index.get(lower, []) or _partial(names, lower)
        whole = dict.fromkeys(names[i].lower() for i in hits)
        if len(whole) > 1 and not any(ch in lower for ch in "*?[") and lower not in index:
            unmatched.append(Unmatched(pattern, tuple(dict.fromkeys(shown(i) for i in hits)), partial=True))
            continue
        if not hits:
            close = difflib.get_close_matches(lower, list(index), n=SUGGESTIONS, cutoff=0.6)
            near = tuple(dict.fromkeys(shown(i) for c in close for i in index[c]))
            unmatched.append(Unmatched(pattern, near[:2 * SUGGESTIONS]))  # a shared name is two labels
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

"""Scope rules as given (``--include`` / ``--exclude FIELD=PATTERN``, ``[scope]``), parsed.

Kept apart from :mod:`reportgen.scope`, which applies them to an estate: the configuration and
the command line read them before anything loads pyarrow or polars, so that the PDF worker starts
at once (see :mod:`reportgen.render.worker`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .errors import UsageError

FIELDS = ("vcenter", "datacenter", "cluster", "host")


@dataclass(frozen=True)
class ScopeRule:
    field: str
    pattern: str
    origin: str = "--include"
    """Where it was given: ``--include``, ``--exclude``, ``[scope] include`` …"""

    @property
    def text(self) -> str:
        return f"{self.field}={self.pattern}"


@dataclass(frozen=True)
class ScopeSettings:
    include: tuple[ScopeRule, ...] = ()
    exclude: tuple[ScopeRule, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.include or self.exclude)

    def plus(self, other: ScopeSettings) -> ScopeSettings:
        return ScopeSettings(self.include + other.include, self.exclude + other.exclude)


def parse_rule(text: str, origin: str) -> ScopeRule:
    """``cluster=Prod*`` -> ScopeRule; raises UsageError naming ``origin`` when it is not FIELD=PATTERN."""
    field, sep, pattern = text.partition("=")
    field = field.strip().lower()
    if not sep or field not in FIELDS or not pattern.strip():
        raise UsageError(f"{origin} {text!r} is not FIELD=PATTERN", hint=f"FIELD is one of {', '.join(FIELDS)}, "
                         "e.g. cluster=Prod* (wildcards * and ?)")
    return ScopeRule(field, pattern.strip(), origin)


def parse_rules(include: Iterable[str], exclude: Iterable[str], origin: str = "") -> ScopeSettings:
    prefix = f"{origin} " if origin else "--"
    return ScopeSettings(tuple(parse_rule(t, f"{prefix}include") for t in include),
                         tuple(parse_rule(t, f"{prefix}exclude") for t in exclude))

"""Host names as vHost spells them, so that a host written otherwise in another tab is still one host.

RVTools writes a host the same way in every tab, but exports are edited by hand and stitched together:
a host may come back in another case (``ESX01.EXAMPLE.TEST``), with the DNS root's trailing dot
(``esx01.example.test.``), or by its short name where vHost has its DNS name (or the other way round).
Each of these names the same machine; read literally, each became a second host with no guests and no
details, while the real host lost its guests. A short name is matched only where one vHost host has it,
and never for an IP address (whose first part is a number, not a name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

_LETTER = re.compile(r"[A-Za-z]")


def _form(name: str) -> str:
    """The name as DNS compares it: case folded, without the root's trailing dot."""
    return name.strip().rstrip(".").lower()


def _short(form: str) -> str | None:
    """The first label of a DNS name; None for an IP address or a name without letters."""
    first = form.split(".", 1)[0]
    return first if first and _LETTER.search(first) else None


@dataclass(frozen=True)
class HostSpellings:
    """vHost's host names, looked up by the forms other tabs may write them in."""

    exact: frozenset[str] = frozenset()
    by_form: Mapping[str, str] = field(default_factory=dict)
    """Case-folded name without a trailing dot -> vHost's spelling (only where one vHost name has that form)."""
    by_short: Mapping[str, str] = field(default_factory=dict)
    """First label -> vHost's spelling (only where one vHost name has that label)."""

    def spelled(self, name: str) -> str | None:
        """vHost's spelling of ``name`` where the name is written otherwise; None when it is vHost's own or
        names no vHost host."""
        if not name or name in self.exact:
            return None
        form = _form(name)
        if form in self.by_form:
            return self.by_form[form]
        short = _short(form)
        listed = self.by_short.get(short) if short else None
        # esx01 for esx01.example.test (or the reverse); never esx01.a.test for esx01.b.test
        if listed is not None and ("." not in form or "." not in _form(listed)):
            return listed
        return None

    def respelled(self, names: Iterable[str | None]) -> dict[str, str]:
        """The names among ``names`` that vHost spells otherwise, with vHost's spelling."""
        moved = {}
        for name in names:
            if name is not None and (spelled := self.spelled(name)) is not None:
                moved[name] = spelled
        return moved


def host_spellings(names: Iterable[str | None]) -> HostSpellings:
    """The look-up for the host names vHost lists."""
    exact = {n for n in names if n}
    forms: dict[str, set[str]] = {}
    shorts: dict[str, set[str]] = {}
    for name in exact:
        form = _form(name)
        forms.setdefault(form, set()).add(name)
        if (short := _short(form)) is not None:
            shorts.setdefault(short, set()).add(name)
    return HostSpellings(
        exact=frozenset(exact),
        by_form={f: next(iter(n)) for f, n in forms.items() if len(n) == 1},
        by_short={s: next(iter(n)) for s, n in shorts.items() if len(n) == 1},
    )


def respelled_note(moved: Mapping[str, str], shown: int = 3) -> str:
    """What the data-quality line says about names matched to vHost's spelling."""
    pairs = sorted(moved.items())
    examples = ", ".join(f"'{a}' as '{b}'" for a, b in pairs[:shown])
    more = f" and {len(pairs) - shown} more" if len(pairs) > shown else ""
    return (f"{len(pairs)} host name(s) written otherwise than in vHost (case, a trailing dot, or a short name) were "
            f"read as vHost's host: {examples}{more}")

"""The one count of an estate's VMs by kind: guests, templates and vSphere's own vCLS agent VMs.

``estate.guests`` holds every VM the exports list (one vInfo row each). Three kinds are counted apart:

- a *template* (vInfo 'Template') cannot run;
- a *vCLS agent* (:mod:`.importers.agents`) is run, moved and powered off by vSphere itself (never a template);
- a *guest* is every other VM: what the report calls guests everywhere (cover, summary, scope, history).

Every count of guests shown anywhere comes from :func:`vm_counts`, so two places cannot disagree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl
import pyarrow as pa


@dataclass(frozen=True)
class VmCounts:
    guests: int
    """VMs that are neither templates nor vCLS agents."""
    templates: int
    agents: int
    """vCLS agent VMs (never templates)."""
    running: int = 0
    """Guests powered on (templates and agents never count)."""

    @property
    def vms(self) -> int:
        """Every VM: guests, templates and agents."""
        return self.guests + self.templates + self.agents

    def __add__(self, other: VmCounts) -> VmCounts:
        return VmCounts(self.guests + other.guests, self.templates + other.templates, self.agents + other.agents,
                        self.running + other.running)

    def totals(self) -> dict[str, float]:
        """As a history snapshot keeps them (``totals``): guests as the cover counts them, the rest apart."""
        return {"guests": self.guests, "templates": self.templates, "agents": self.agents, "vms": self.vms}

    @property
    def apart(self) -> str:
        """What the VMs hold besides guests, in words: ``2 templates and 3 vCLS agent VMs`` ('' when only guests)."""
        parts = [f"{self.templates:,} template{'' if self.templates == 1 else 's'}"] if self.templates else []
        if self.agents:
            parts.append(f"{self.agents:,} vCLS agent VM{'' if self.agents == 1 else 's'}")
        return " and ".join(parts)


def counts_from_totals(totals: dict[str, float]) -> VmCounts | None:
    """The VMs of a snapshot's totals by kind; None when it did not count them apart (written before it did)."""
    if not all(k in totals for k in ("vms", "guests", "templates", "agents")):
        return None
    return VmCounts(int(totals["guests"]), int(totals["templates"]), int(totals["agents"]))


def guests_text(counts: VmCounts) -> str:
    """``278 guests (plus 44 templates and 17 vCLS agent VMs)``; ``5 guests`` when there are only guests."""
    said = f"{counts.guests:,} guest{'' if counts.guests == 1 else 's'}"
    return f"{said} (plus {counts.apart})" if counts.apart else said


def _kinds() -> tuple[pl.Expr, pl.Expr, pl.Expr]:
    """(template, agent, guest): the one test of each kind, over a guests table's columns."""
    template = pl.col("template").fill_null(False)
    agent = pl.col("agent").is_not_null() & ~template
    return template, agent, ~template & ~agent


def guest_rows(guests: pa.Table) -> list[bool]:
    """Per row of ``guests``, whether it is a guest as :func:`vm_counts` counts guests (not a template or agent)."""
    frame = pl.from_arrow(guests.select(["template", "agent"]))
    assert isinstance(frame, pl.DataFrame)
    return [bool(v) for v in frame.select(_kinds()[2]).to_series().to_list()]


def vm_counts(guests: pa.Table, keep: Sequence[bool] | None = None) -> VmCounts:
    """The VMs of ``guests`` (an estate's guests table) by kind; with ``keep``, only the rows it marks true."""
    frame = pl.from_arrow(guests.select(["power_state", "template", "agent"]))
    assert isinstance(frame, pl.DataFrame)
    if keep is not None:
        frame = frame.filter(pl.Series(list(keep), dtype=pl.Boolean))
    template, agent, guest = _kinds()
    running = guest & (pl.col("power_state") == "poweredOn").fill_null(False)
    sums = frame.select(template.sum().alias("t"), agent.sum().alias("a"), guest.sum().alias("g"),
                        running.sum().alias("r")).row(0)
    return VmCounts(guests=int(sums[2] or 0), templates=int(sums[0] or 0), agents=int(sums[1] or 0),
                    running=int(sums[3] or 0))

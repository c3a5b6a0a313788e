"""The one count of an estate's VMs by kind: guests, templates and vSphere's own vCLS agent VMs.

``estate.guests`` holds every VM the exports list (one vInfo row each). Three kinds are counted apart:

- a *template* (vInfo 'Template') cannot run;
- a *vCLS agent* (:mod:`.importers.agents`) is run, moved and powered off by vSphere itself (never a template);
- a *guest* is every other VM: what the report calls guests everywhere (cover, summary, scope, history).

Every count of guests shown anywhere comes from :func:`vm_counts`, so two places cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa
import pyarrow.compute as pc


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

    @property
    def apart(self) -> str:
        """What the VMs hold besides guests, in words: ``2 templates and 3 vCLS agent VMs`` ('' when only guests)."""
        parts = [f"{self.templates:,} template{'' if self.templates == 1 else 's'}"] if self.templates else []
        if self.agents:
            parts.append(f"{self.agents:,} vCLS agent VM{'' if self.agents == 1 else 's'}")
        return " and ".join(parts)


def _sum(mask: pa.ChunkedArray | pa.Array) -> int:
    return int(pc.sum(pc.cast(mask, pa.int64())).as_py() or 0)


def vm_counts(guests: pa.Table, keep: pa.Array | None = None) -> VmCounts:
    """The VMs of ``guests`` (an estate's guests table) by kind; with ``keep``, only the rows it marks true."""
    table = guests.select(["power_state", "template", "agent"])
    if keep is not None:
        table = table.filter(keep)
    template = pc.fill_null(table.column("template"), False)
    agent = pc.and_(pc.is_valid(table.column("agent")), pc.invert(template))
    guest = pc.invert(pc.or_(template, agent))
    running = pc.and_(pc.fill_null(pc.equal(table.column("power_state"), "poweredOn"), False), guest)
    return VmCounts(guests=_sum(guest), templates=_sum(template), agents=_sum(agent), running=_sum(running))

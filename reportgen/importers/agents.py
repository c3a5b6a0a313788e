"""VMs that vSphere runs for itself: the vSphere Cluster Services (vCLS) agents.

vCenter deploys up to three vCLS agent VMs in every cluster (vSphere 7.0 U1 and later) through the ESX
Agent Manager: named 'vCLS (1)' … in 7.0 U1-U2, 'vCLS-<uuid>' from 7.0 U3 (8.0 U3 runs them from
/var/run/crx/infra on the host). vSphere places, moves, powers off and redeploys them itself: a host
entering maintenance mode stops or moves its vCLS agents without anyone's action. So they never make a
host impossible to empty, nor are they guests someone must restart after a host failure.
"""

from __future__ import annotations

import polars as pl

from ..estate import DataIssue

VCLS = r"^vCLS(?:-[0-9A-Fa-f]{8}(?:-[0-9A-Fa-f]{4}){3}-[0-9A-Fa-f]{12}| \([0-9]+\))$"
"""The names vCenter gives vCLS agents: 'vCLS-<uuid>' (7.0 U3 and later) or 'vCLS (n)' (7.0 U1-U2)."""


def agent_expr(name: pl.Expr, template: pl.Expr) -> pl.Expr:
    """'vcls' for a vCLS agent VM (by its name; a template never is one), else null."""
    return (pl.when(name.str.contains(VCLS).fill_null(False) & ~template.fill_null(False))
            .then(pl.lit("vcls")).otherwise(pl.lit(None, pl.String)))


def agents_issue(agents: int, file: str, sheet: str | None) -> DataIssue | None:
    """The data-quality line that says the vCLS agents were read and left out of the ties, and why."""
    if not agents:
        return None
    which = "agent VM" if agents == 1 else "agent VMs"
    return DataIssue(
        "info", file,
        f"{agents:,} vSphere Cluster Services {which} (vCLS-…) not counted as guests that tie a host, stop its "
        "maintenance or stay down after its failure, and not priced: vSphere (ESX Agent Manager) moves or powers "
        "them off itself when their host enters maintenance mode, and redeploys them",
        sheet=sheet, rows=agents)

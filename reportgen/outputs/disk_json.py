"""The shared-disk order of a guest cluster in the findings JSON: ``disk_owner`` and ``order`` (additive keys)."""

from __future__ import annotations

from typing import Any

from ..disk_order import DiskOrder


def disk_order_document(order: DiskOrder | None) -> dict[str, Any]:
    """``disk_owner``: each shared disk and the node whose folder holds it (null: unknown, ``owner_basis`` says
    why); ``order``: the nodes in move order (owners first), each with its power-off step."""
    if order is None:
        return {"disk_owner": [], "order": [], "order_complete": True}
    names = {s.key: s.name for s in order.steps}
    return {
        "disk_owner": [
            {"disk": d.disk, "datastore": d.datastore,
             "owner": {"key": d.owner_key, "name": d.owner_name or d.owner_key} if d.owner_key else None,
             "owner_basis": d.owner_basis, "boot": d.boot, "controller": d.controller, "unit": d.unit,
             "guests": [{"key": k, "name": names.get(k, k)} for k in d.guests]}
            for d in order.disks
        ],
        "order": [{"key": s.key, "name": s.name, "owns": s.owns, "move": s.move, "power_off": s.power_off,
                   "can_move": s.can_move} for s in order.steps],
        "order_complete": order.complete,
    }

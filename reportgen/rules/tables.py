"""The estate's tables as polars frames, converted once per evaluation, and the guests with the
context rules need (timing, scope, host name, cluster and versions).

:func:`memo_frames` opens the memo of one evaluation; inside it every detector reads the same
converted tables. The memo lives in a context variable, so concurrent evaluations do not share
it and no estate outlives its evaluation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import polars as pl

from ..estate import Estate
from ..host_labels import host_labels
from .timing import timing_expr
from .versions import esxi_number, hw_number


class _Memo:
    """Frames of the estate being evaluated, converted once: every detector reads the same tables."""

    def __init__(self) -> None:
        self.tables: object = None
        self.frames: dict[str, pl.DataFrame] = {}

    def get(self, estate: Estate, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
        if self.tables is not estate.tables:
            self.tables, self.frames = estate.tables, {}
        if name not in self.frames:
            self.frames[name] = build()
        return self.frames[name]


_MEMO: ContextVar[_Memo | None] = ContextVar("rule_frames", default=None)
"""The memo of the evaluation running in this thread (or task); None outside one."""


@contextmanager
def memo_frames() -> Iterator[None]:
    """Convert each table once inside this block (one evaluation); the frames go when it ends.

    The memo belongs to the calling thread's context, so concurrent evaluations do not share
    it and no estate outlives its evaluation.
    """
    token = _MEMO.set(_Memo())
    try:
        yield
    finally:
        _MEMO.reset(token)


def frame(estate: Estate, table: str) -> pl.DataFrame:
    """A canonical table as a polars frame (zero-copy where Arrow allows; converted once per evaluation)."""

    def build() -> pl.DataFrame:
        result = pl.from_arrow(estate.table(table))
        assert isinstance(result, pl.DataFrame)
        return result

    return _memoised(estate, table, build)


def _memoised(estate: Estate, name: str, build: Callable[[], pl.DataFrame]) -> pl.DataFrame:
    memo = _MEMO.get()
    return build() if memo is None else memo.get(estate, name, build)


def guest_scope() -> pl.Expr:
    """Where a disk path or LUN id is unique: the vCenter (``vcenter_scope``) or the Hyper-V cluster."""
    return (
        pl.when(pl.col("platform") == "hyperv")
        .then(pl.coalesce(pl.col("cluster_key"), pl.col("host_key"), pl.lit("hyperv")))
        .otherwise(pl.col("vcenter_scope"))
    )


def guests(estate: Estate) -> pl.DataFrame:
    """Guests with the context rules need: timing, scope, host name / cluster / ESXi version, HW version."""
    return _memoised(estate, "guests+context", lambda: _guests(estate))


def _guests(estate: Estate) -> pl.DataFrame:
    hosts = frame(estate, "hosts").select(
        "host_key", host="name", host_cluster_key="cluster_key", host_cluster="cluster", host_product="product",
        host_version="version", host_build="build",
    ).with_columns(esxi=esxi_number("host_version"))
    labels = host_labels(estate)  # same-named hosts of two vCenters told apart, for the steps a rule writes
    hosts = hosts.join(pl.DataFrame({"host_key": list(labels), "host_label": list(labels.values())},
                                    schema={"host_key": pl.String, "host_label": pl.String}), on="host_key", how="left")
    return (
        frame(estate, "guests")
        .join(hosts, on="host_key", how="left")
        .with_columns(
            timing=timing_expr(), power_known=pl.col("power_state").is_not_null(), scope=guest_scope(),
            hw=hw_number("hw_version"),
            cluster_key=pl.coalesce(pl.col("cluster_key"), pl.col("host_cluster_key")),
        )
    )


def vsphere_guests(estate: Estate) -> pl.DataFrame:
    """:func:`guests` of vSphere sources only (the VMW rules; Hyper-V has its own)."""
    return _memoised(estate, "guests+context/vsphere",
                     lambda: guests(estate).filter(pl.col("platform") == "vsphere"))

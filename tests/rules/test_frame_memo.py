"""The rules' frame memo lives for one evaluation: nothing of an audited estate stays behind."""

from __future__ import annotations

import gc
import threading
import weakref

from reportgen.estate import Estate
from reportgen.rules import evaluate
from reportgen.rules.tables import frame, memo_frames

from .canonical import guest, host, make, rdm

HOSTS = [host("esx01"), host("esx02")]


def _estate(n_guests: int) -> Estate:
    """``n_guests`` guests on esx01; the first two share a physical-mode RDM (a guest cluster)."""
    guests = [guest(f"n{i}", f"vm-{i}", "esx01") for i in range(1, n_guests + 1)]
    disks = [rdm(f"vm-{i}", "[san01] n1/n1_1.vmdk", "0200aa") for i in (1, 2) if i <= n_guests]
    return make(HOSTS, guests, disks=disks)


def test_an_evaluated_estate_is_freed_after_the_evaluation() -> None:
    estate = _estate(3)
    guests = weakref.ref(estate.tables["guests"])
    assert evaluate(estate).findings
    del estate
    gc.collect()
    assert guests() is None


def test_each_thread_reads_its_own_estate() -> None:
    estates = [_estate(3), _estate(1)]
    counts: dict[int, list[int]] = {0: [], 1: []}
    both_inside = threading.Barrier(2)

    def read(i: int) -> None:
        with memo_frames():
            counts[i].append(frame(estates[i], "guests").height)
            both_inside.wait(timeout=30)
            counts[i].append(frame(estates[i], "guests").height)

    threads = [threading.Thread(target=read, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert counts == {0: [3, 3], 1: [1, 1]}

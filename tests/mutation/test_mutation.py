"""Mutated exports never give an internal error, never lose a row, and never stay 'assessed' on what they lost.

The default run audits a seeded sample of variants per export; ``pytest -m mutation`` runs every
variant (see docs/robustness.md for the last exhaustive run).
"""

from __future__ import annotations

import functools
import os
import tempfile
import time
from pathlib import Path

import pytest

from reportgen.importers.rvtools_base import NEEDED
from tests.conftest import REAL, SAMPLES

from .book import Book, read_book, read_hyperv, write_book
from .harness import Outcome, audit, rules_needing, run_variant, undeclared_rules
from .variants import Variant, sample, variants

SEED = int(os.environ.get("REPORTGEN_MUTATION_SEED", "13"))
PER_EXPORT = {"sample-xlsx": 3, "sample-csv": 3, "sample-hyperv": 3, "sample-hyperv-loose": 3}
"""Variants per export in the default run (1 for each real export): a few seconds in all."""

REAL_NAMES = ("abeggi-bcspa1-4.7.1.xlsx", "abeggi-farm-lonati-4.7.1.xlsx", "abeggi-ovh-4.4.3.xlsx",
              "bm900086-sample-4.6.1.xlsx", "licenseware-3.x.xlsx")
EXPORTS = {
    "sample-xlsx": SAMPLES / "rvtools" / "acme-vc01.xlsx",
    "sample-csv": SAMPLES / "rvtools-csv" / "acme-vc01",
    "sample-hyperv": SAMPLES / "hyperv" / "hyperv-3node.zip",
    "sample-hyperv-loose": SAMPLES / "hyperv" / "loose",
    **{name: REAL / name for name in REAL_NAMES},
}


@functools.cache
def original(name: str) -> tuple[Book, Outcome]:
    """The export as rows, and the audit of it written back unchanged (the baseline of every variant)."""
    path = EXPORTS[name]
    if not path.exists():
        pytest.skip(f"{path} not available (../shared/real-exports is absent)")
    book = read_hyperv(path) if path.suffix == ".zip" or name.startswith("sample-hyperv") else read_book(path, NEEDED)
    with tempfile.TemporaryDirectory(prefix="reportgen-mutation-") as tmp:
        base = audit(write_book(book, Path(tmp)), Path(tmp))
    assert base.document is not None, f"{name} written back unchanged: exit {base.code}: {base.stderr}"
    return book, base


def _run(name: str, chosen: list[Variant]) -> list[str]:
    book, base = original(name)
    problems: list[str] = []
    for variant in chosen:
        problems.extend(run_variant(variant, base))
    return problems


def test_every_rule_declares_what_it_needs() -> None:
    assert undeclared_rules() == []


def test_a_rule_that_declares_nothing_fails_the_harness() -> None:
    from reportgen.rules import CATALOGUE

    info = CATALOGUE["VMW-01"]
    bare = {"X-01": type(info)(id="X-01", title="", severity=info.severity, effects=frozenset(), summary="",
                               remediation="")}
    assert undeclared_rules(bare) == ["X-01"]


def test_lost_columns_are_mapped_to_the_rules_that_declare_them() -> None:
    assert {"VMW-01", "VMW-02"} <= rules_needing({("vDisk", "Shared Bus")})
    assert "GEN-01" in rules_needing({("vDisk", None)})
    assert "VMW-07" not in rules_needing({("vInfo", "FT State")})
    assert "GEN-01" in rules_needing({("vDisk", "Sharing mode")}, optional=True)
    assert "HYV-01" in rules_needing({("Get-VMHardDiskDrive", "SupportPersistentReservations")}, "hyperv", True)


@pytest.mark.parametrize("name", list(EXPORTS))
def test_a_seeded_sample_of_variants_behaves(name: str) -> None:
    book, _ = original(name)
    chosen = sample(list(variants(book)), PER_EXPORT.get(name, 1), SEED + sum(map(ord, name)))
    assert _run(name, chosen) == []


@pytest.mark.mutation
@pytest.mark.parametrize("name", list(EXPORTS))
def test_every_variant_behaves(name: str) -> None:
    book, _ = original(name)
    every = list(variants(book))
    started = time.perf_counter()
    problems = _run(name, every)
    print(f"\n{name}: {len(every)} variants, {len(problems)} problem(s), {time.perf_counter() - started:.1f} s")
    print("\n".join(problems))
    assert problems == []

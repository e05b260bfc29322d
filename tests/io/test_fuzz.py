"""Seeded damage to corpus files (scripts/fuzz_read.py): only legday's own errors come out.

A few hundred inputs per test run; ``make fuzz`` runs many more.
"""

from __future__ import annotations

import pytest

from scripts.fuzz_read import corpus_inputs, fuzz
from tests.conftest import require_realdata


@pytest.mark.corpus
@pytest.mark.parametrize("seed", [11, 12])
def test_damaged_corpus_files_give_only_legday_errors(seed: int) -> None:
    inputs = corpus_inputs(require_realdata(), max_bytes=60_000)
    assert len(inputs) > 100
    outcome = fuzz(inputs, count=150, seed=seed)
    assert outcome.counts["other exceptions"] == 0, "\n".join(outcome.others[:3])
    assert outcome.counts["inputs"] == 150
    # Damage is mostly survivable: a fuzzer that only ever refuses tests nothing.
    assert outcome.counts["read"] > 30 and outcome.counts["refused"] > 0

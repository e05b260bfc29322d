"""Write a labelled set of synthetic FIT and GPX files with a ``truth.json``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from legday.synth.run import generate_run
from legday.synth.workouts import WORKOUTS
from legday.synth.writers import write_fit, write_gpx


def generate_set(out_dir: str | Path, n: int = 60, seed: int = 1) -> list[dict[str, Any]]:
    """Generate ``n`` runs covering every workout and write them with their truth.

    Workouts are dealt round-robin in shuffled rounds, so every workout appears
    once ``n >= len(WORKOUTS)``. Every third file is GPX, the rest FIT
    (treadmill runs are always FIT). Files are named ``NNN_<workout>.<ext>``.

    Parameters
    ----------
    out_dir
        Directory to write to (created if needed).
    n
        Number of runs.
    seed
        Seed of the whole set; the same seed gives the same files.

    Returns
    -------
    list of dict
        The entries of ``truth.json``: ``file`` (relative path), ``workout``,
        ``primary``, ``efforts`` (``kind``, ``start``, ``end`` in ISO-8601 UTC
        with ``Z``), plus ``description``, ``format`` and ``device``.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    names = list(WORKOUTS)
    order: list[str] = []
    while len(order) < n:
        order += [names[i] for i in rng.permutation(len(names))]
    seeds = rng.integers(0, 2**31 - 1, size=n)
    entries: list[dict[str, Any]] = []
    for i in range(n):
        run = generate_run(order[i], seed=int(seeds[i]))
        fmt = "gpx" if i % 3 == 2 and run.has_position else "fit"
        name = f"{i + 1:03d}_{order[i]}.{fmt}"
        if fmt == "fit":
            write_fit(run, out / name)
        else:
            write_gpx(run, out / name)
        entries.append(run.truth(name))
    (out / "truth.json").write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return entries

"""Synthetic activity files for the store tests (written once per test into tmp dirs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from legday.synth import generate_run, write_fit, write_gpx


def write_run(directory: Path, workout: str = "easy", seed: int = 1, *, fmt: str = "fit",
              start: str | None = None, name: str | None = None) -> Path:
    """One synthetic run as a FIT or GPX file; ``start`` (ISO UTC) places it in time."""
    start_utc = None if start is None else pd.Timestamp(start)
    run = generate_run(workout, seed=seed, start_utc=start_utc)
    while fmt == "gpx" and not run.has_position:  # a treadmill run has no track to write
        seed += 1000
        run = generate_run(workout, seed=seed, start_utc=start_utc)
    path = directory / (name or f"{workout}_{seed}.{fmt}")
    (write_fit if fmt == "fit" else write_gpx)(run, path)
    return path


def write_season(directory: Path, n: int, *, fmt: str = "gpx") -> list[Path]:
    """``n`` easy runs on different days."""
    return [write_run(directory, "easy", seed=i + 1, fmt=fmt,
                      start=f"2025-03-{i + 1:02d}T07:00:00Z") for i in range(n)]

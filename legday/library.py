"""The athlete's stored library as the weekly analysis and the dashboard see it.

Reads through the store's data API only (an athlete or a share context), so a
shared view gets trimmed data and no private data, and never re-derives
efforts: the stored ones are used as they are (re-classification is an
explicit step, :func:`legday.store.reclassify`).

Opening a season decodes no samples: each activity's stored summary
(:mod:`legday.summary`: calibration stats, heart-rate time, route) stands in for
them (scripts/bench_dashboard.py measures a library of a thousand runs). An
activity stored before summaries existed is summarised from its samples once
(and, for the athlete themself, the summary saved).
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from legday.calibration import AthleteProfile
from legday.corrections import CorrectedRun, Correction, correct_all, efforts_frame
from legday.efforts import EFFORT_COLUMNS, EffortKind, RunClassification
from legday.model import Activity
from legday.schema import AnalysisSettings
from legday.season import Season, analyse_classified
from legday.store.corrections import load_corrections
from legday.store.importer import history_profile
from legday.store.repo import (
    AthleteContext,
    Context,
    ShareContext,
    coach_notes,
    current_thresholds,
    data_version,
    get_settings,
    load_activities,
    load_checkins,
    load_efforts,
    load_summaries,
    save_summaries,
    strength_entries,
)
from legday.summary import SUMMARY_KEY, stored_summary, summarize, to_json


@dataclass
class Library:
    """What the dashboard shows: the season analysis plus the stored pieces it came from."""

    season: Season
    #: Every activity without samples, laps or sets (``extra["summary"]`` stands in
    #: for them): ``legday.store.load_activity`` gives one whole.
    activities: list[Activity]
    #: activity_id, EFFORT_COLUMNS and ``corrected``: the athlete's corrections applied.
    efforts: pd.DataFrame
    profile: AthleteProfile
    notes: pd.DataFrame
    #: Every stored correction, oldest first (:mod:`legday.corrections`).
    corrections: list[Correction] = field(default_factory=list)
    #: Each activity's classification as analysed (corrected), in ``activities`` order.
    runs: list[CorrectedRun] = field(default_factory=list)

    def run_of(self, activity_id: int) -> CorrectedRun | None:
        """The corrected classification of one activity (None when not in the library)."""
        for activity, run in zip(self.activities, self.runs, strict=False):
            if activity.extra.get("activity_id") == activity_id:
                return run
        return None


def season_profile(activities: Sequence[Activity], overrides: dict[str, float]) -> AthleteProfile:
    """The athlete's profile from their runs (their stored summaries, else their samples),
    with the values they set kept: the one stored classifications are calibrated on."""
    return history_profile(activities, overrides)


def stored_classifications(activities: Sequence[Activity], efforts: pd.DataFrame,
                           profile: AthleteProfile) -> list[RunClassification]:
    """The stored efforts of each activity as a :class:`RunClassification`."""
    columns = efforts[list(EFFORT_COLUMNS)]
    ids = efforts["activity_id"].to_numpy()
    # One stable sort and slices, not a groupby: a thousand runs' frames in milliseconds.
    order = np.argsort(ids, kind="stable")
    columns, ids = columns.iloc[order], ids[order]
    empty = pd.DataFrame(columns=list(EFFORT_COLUMNS))
    out = []
    for activity in activities:
        own = activity.extra.get("activity_id")
        first = last = 0
        if own is not None:
            first = int(np.searchsorted(ids, own, side="left"))
            last = int(np.searchsorted(ids, own, side="right"))
        frame = (columns.iloc[first:last].reset_index(drop=True) if last > first
                 else empty.copy())
        primary = activity.extra.get("primary")
        kind = EffortKind(primary) if isinstance(primary, str) and primary else None
        out.append(RunClassification(frame, kind, profile))
    return out


#: Activities summarised per read when filling summaries stored before they existed.
FILL_CHUNK = 100


def fill_summaries(ctx: Context, activities: Sequence[Activity]) -> int:
    """Summarise, from their samples, the activities stored without a summary (put in
    their ``extra``; saved too when ``ctx`` is the athlete). Returns how many."""
    missing = {int(a.extra["activity_id"]): a for a in activities if stored_summary(a) is None}
    if not missing:
        return 0
    ids = list(missing)
    made: dict[int, dict[str, Any]] = {}
    for at in range(0, len(ids), FILL_CHUNK):  # a few samples in memory at a time
        made.update({int(whole.extra["activity_id"]): to_json(summarize(whole))
                     for whole in load_activities(ctx, ids[at:at + FILL_CHUNK])})
    for activity_id, summary in made.items():
        missing[activity_id].extra[SUMMARY_KEY] = summary
    if isinstance(ctx, AthleteContext):
        save_summaries(ctx, made)
    return len(made)


def load_library(ctx: Context, settings: AnalysisSettings | None = None,
                 since: datetime | None = None, until: datetime | None = None) -> Library:
    """The stored season of ``ctx`` analysed week by week (no samples decoded)."""
    activities = load_summaries(ctx, since=since, until=until)
    fill_summaries(ctx, activities)
    bounded = since is not None or until is not None
    efforts = load_efforts(ctx, [int(a.extra["activity_id"]) for a in activities]
                           if bounded else None)
    strength = strength_entries(ctx, since=since, until=until)
    overrides = dict(get_settings(ctx).get("profile") or {})
    profile = season_profile(activities, overrides)
    ids = [int(a.extra["activity_id"]) for a in activities]
    corrections = load_corrections(ctx, ids if bounded else None)
    # The athlete's corrections over the stored (classifier's) efforts: every number below
    # sees the corrected efforts, and a re-classification leaves the corrections in force.
    runs = correct_all(ids, [a.start_utc for a in activities],
                       stored_classifications(activities, efforts, profile), corrections)
    season = analyse_classified(activities, runs, strength, settings, profile,
                                checkins=load_checkins(ctx, since, until))
    return Library(season, activities, efforts_frame(ids, runs), profile, coach_notes(ctx),
                   corrections, runs)


# --- a copy on disk, so a restarted app opens the season at once ---------------------------

@functools.cache  # the code does not change while the process runs
def _code_fingerprint() -> str:
    """A hash of every source and data file of the package: any change to the code or
    data that decides what a Library holds retires every copy written before it."""
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(package).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def library_cache_dir() -> Path:
    """``$LEGDAY_CACHE_DIR``, else ``$XDG_CACHE_HOME/legday`` (``~/.cache/legday``)."""
    explicit = os.environ.get("LEGDAY_CACHE_DIR")
    if explicit:
        return Path(explicit).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "legday"


def cached_library(ctx: Context, settings: AnalysisSettings, *, owner: str, version: str,
                   cache_dir: Path | None) -> Library:
    """:func:`load_library`, kept on disk per data version.

    ``owner`` names whose view it is (database, athlete, share link); ``version``
    is :func:`legday.store.data_version`, which changes with every write, and the
    analysis code's fingerprint is part of the name, so a copy is never stale. Only
    the latest copy per owner is kept. The files are pickles written by this
    process for this process: the directory must not be writable by others.
    """
    if cache_dir is None:
        return load_library(ctx, settings)
    stem = hashlib.sha256(owner.encode("utf-8")).hexdigest()[:24]
    name = hashlib.sha256(f"{version}|{_code_fingerprint()}|{settings!r}".encode()).hexdigest()
    path = cache_dir / f"{stem}-{name[:24]}.pickle"
    if path.is_file():
        try:
            with path.open("rb") as handle:
                found = pickle.load(handle)
            if isinstance(found, Library):
                return found
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
            pass  # a damaged or foreign copy is rebuilt below
    library = load_library(ctx, settings)
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        for old in cache_dir.glob(f"{stem}-*.pickle"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as handle:
            pickle.dump(library, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only disk only costs the next start its speed
    return library


def analysis_settings(settings: Mapping[str, Any]) -> AnalysisSettings:
    """The finding thresholds, time zone and distance unit of an athlete's stored settings."""
    thresholds = current_thresholds(settings.get("thresholds") or {})
    return AnalysisSettings(timezone=str(settings.get("timezone") or "UTC"),
                            distance_unit="mi" if settings.get("units") == "mi" else "km",
                            **thresholds)


def view_owner(ctx: Context) -> str:
    """Whose view of which database: the name of its disk copy."""
    database = ctx.store.engine.url.render_as_string(hide_password=True)
    share_id = ctx.share_id if isinstance(ctx, ShareContext) else None
    return f"{database}|{ctx.athlete_id}|{share_id}"


def view_key(ctx: Context) -> str:
    """The one cache key of anything derived from what ``ctx`` sees: whose view of which
    database (:func:`view_owner`) at which data version (every write, the settings, the
    privacy zones and re-classification change it). The dashboard's caches key on it."""
    return f"{view_owner(ctx)}|{data_version(ctx)}"


def open_library(ctx: Context, cache_dir: Path | None) -> Library:
    """The season as the dashboard shows it, from the disk copy when it is current.

    Called by the dashboard for every view and at the end of an import, so the
    first view after a start finds the analysis done.
    """
    settings = analysis_settings(get_settings(ctx))
    return cached_library(ctx, settings, owner=view_owner(ctx), version=data_version(ctx),
                          cache_dir=cache_dir)

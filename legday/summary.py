"""A small per-activity summary: everything the season analysis needs from the samples.

The weekly analysis needs only a few facts from a recording: the calibration
stats of a run (:class:`legday.calibration.RunStats`), the time spent at each
heart rate (Banister TRIMP for any max and resting heart rate), the route
signature (:mod:`legday.routes`) and whether heart rate was recorded. They are
computed once, at import, and stored as JSON beside the activity
(``extra["summary"]``), so opening a season of a thousand runs decodes no
samples. :func:`summarize` computes one from an activity; the file path
(:func:`legday.season.analyse`) uses the very same code, so a season from files
and the same season from the store give the same numbers.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import pandas as pd

from legday.calibration import RunStats, run_stats
from legday.cleaning import prepare_arrays
from legday.load import banister_trimp, hr_reserve
from legday.model import Activity
from legday.routes import RouteSignature, route_signature
from legday.schema import LoadSettings
from legday.terrain import TerrainStats, terrain_stats

#: Bumped when the summary's content changes; older stored summaries are recomputed.
SUMMARY_VERSION = 2
#: Key of the summary in ``Activity.extra`` and in the stored activity's ``extra``.
SUMMARY_KEY = "summary"


@dataclass(frozen=True)
class HeartRateTime:
    """Time spent at each recorded heart rate (a histogram over the distinct values).

    Attributes
    ----------
    bpm
        Distinct heart rates, ascending. [1/min]
    seconds
        Time at each: a sample's heart rate counts for the time to the next
        sample, gaps over ``max_gap_s`` (pauses) count nothing. [s]
    max_gap_s
        The pause rule the times were summed with. [s]
    """

    bpm: np.ndarray
    seconds: np.ndarray
    max_gap_s: float

    @property
    def covered_s(self) -> float:
        """Time with heart rate. [s]"""
        return float(self.seconds.sum())

    def trimp(self, rest_hr_bpm: float, max_hr_bpm: float, sex: str = "male") -> float:
        """Banister TRIMP of the recording (:func:`legday.load.banister_trimp`). [TRIMP]"""
        if len(self.bpm) == 0:
            return 0.0
        hrr = hr_reserve(self.bpm, rest_hr_bpm, max_hr_bpm)
        return banister_trimp(self.seconds / 60.0, hrr, sex)


def heart_rate_time(samples: pd.DataFrame,
                    max_gap_s: float = LoadSettings().max_sample_gap_s) -> HeartRateTime:
    """The :class:`HeartRateTime` of a recording (the rule of
    :func:`legday.load.trimp_from_samples`)."""
    empty = HeartRateTime(np.zeros(0), np.zeros(0), float(max_gap_s))
    if len(samples) < 2 or not samples["heart_rate"].notna().any():
        return empty
    t = samples["time"].to_numpy("datetime64[ns]").astype("int64") / 1e9
    dt = np.diff(t)
    hr = samples["heart_rate"].to_numpy(dtype=float)[:-1]
    ok = np.isfinite(hr) & (dt > 0) & (dt <= max_gap_s)
    if not ok.any():
        return empty
    bpm, which = np.unique(hr[ok], return_inverse=True)
    return HeartRateTime(bpm, np.bincount(which, weights=dt[ok], minlength=len(bpm)),
                         float(max_gap_s))


@dataclass(frozen=True)
class ActivitySummary:
    """What the season analysis needs from one activity's samples.

    Attributes
    ----------
    has_hr
        Heart rate was recorded.
    heart_rate
        Time at each heart rate, for TRIMP.
    stats
        Calibration stats of a run with samples, else None.
    route
        Route signature of a run with positions, else None.
    terrain
        Descent and climbing of a run with samples (:mod:`legday.terrain`), else None.
    """

    has_hr: bool
    heart_rate: HeartRateTime
    stats: RunStats | None = None
    route: RouteSignature | None = None
    terrain: TerrainStats | None = None


def summarize(activity: Activity, max_gap_s: float = LoadSettings().max_sample_gap_s, *,
              with_stats: bool = True, stats: RunStats | None = None,
              terrain: TerrainStats | None = None) -> ActivitySummary:
    """The summary of an activity, from its samples (``with_stats=False`` skips the
    calibration stats and terrain, the costly part, when only the load and route are
    wanted; ``stats`` and ``terrain`` pass them when already computed, e.g. by
    :func:`legday.efforts.classify_activities`)."""
    samples = activity.samples
    running = activity.is_running and len(samples) >= 2
    if running and with_stats and (stats is None or terrain is None):
        frame = prepare_arrays(activity)
        stats = stats if stats is not None else run_stats(frame)
        terrain = terrain if terrain is not None else terrain_stats(frame)
    return ActivitySummary(
        has_hr=activity.has_hr, heart_rate=heart_rate_time(samples, max_gap_s),
        stats=stats if running and with_stats else None,
        route=route_signature(samples) if running else None,
        terrain=terrain if running and with_stats else None)


# --- JSON ------------------------------------------------------------------------------------

def _number(value: float) -> float | None:
    # JSON has no NaN (PostgreSQL refuses it): None stands for it.
    return float(value) if math.isfinite(value) else None


def _float(value: Any) -> float:
    return float("nan") if value is None else float(value)


def to_json(summary: ActivitySummary) -> dict[str, Any]:
    """A JSON-storable dict (NaN as null); :func:`from_json` reads it back exactly."""
    stats = None
    if summary.stats is not None:
        stats = {k: (_number(v) if isinstance(v, float) else list(v))
                 for k, v in asdict(summary.stats).items()}
        stats["cadence_spm"] = [_number(x) for x in summary.stats.cadence_spm]
        stats["speed_mps"] = [_number(x) for x in summary.stats.speed_mps]
        stats["counts"] = [int(x) for x in summary.stats.counts]
    route = None
    if summary.route is not None:
        route = {"lat": summary.route.lat_deg.tolist(), "lon": summary.route.lon_deg.tolist(),
                 "distance_m": summary.route.distance_m}
    hr = summary.heart_rate
    return {"version": SUMMARY_VERSION, "has_hr": summary.has_hr,
            "heart_rate": {"bpm": hr.bpm.tolist(), "seconds": hr.seconds.tolist(),
                           "max_gap_s": hr.max_gap_s},
            "stats": stats, "route": route,
            "terrain": None if summary.terrain is None else summary.terrain.to_dict()}


def from_json(data: Any) -> ActivitySummary | None:
    """The summary stored by :func:`to_json`; None when absent, malformed or of
    another :data:`SUMMARY_VERSION` (the caller recomputes it)."""
    if not isinstance(data, dict) or data.get("version") != SUMMARY_VERSION:
        return None
    try:
        hr = data["heart_rate"]
        heart_rate = HeartRateTime(np.asarray(hr["bpm"], dtype=float),
                                   np.asarray(hr["seconds"], dtype=float),
                                   float(hr["max_gap_s"]))
        stats = None
        if data.get("stats") is not None:
            s = data["stats"]
            stats = RunStats(
                _float(s["running_s"]), _float(s["easy_speed_mps"]), _float(s["best_10s_mps"]),
                _float(s["best_20min_mps"]), _float(s["max_hr"]), _float(s["low_hr"]),
                tuple(_float(x) for x in s["cadence_spm"]),
                tuple(_float(x) for x in s["speed_mps"]), tuple(int(x) for x in s["counts"]))
        route = None
        if data.get("route") is not None:
            r = data["route"]
            route = RouteSignature(np.asarray(r["lat"], dtype=float),
                                   np.asarray(r["lon"], dtype=float), float(r["distance_m"]))
        terrain = (None if data.get("terrain") is None
                   else TerrainStats.from_dict(data["terrain"]))
        return ActivitySummary(bool(data["has_hr"]), heart_rate, stats, route, terrain)
    except (KeyError, TypeError, ValueError):
        return None


def stored_summary(activity: Activity) -> ActivitySummary | None:
    """The summary kept in ``activity.extra`` (a stored activity's), if usable."""
    return from_json(activity.extra.get(SUMMARY_KEY))


def summary_of(activity: Activity, max_gap_s: float = LoadSettings().max_sample_gap_s, *,
               with_stats: bool = True) -> ActivitySummary:
    """The stored summary when it was made with the same pause rule (or there are no
    samples to redo it from), else one computed from the samples."""
    stored = stored_summary(activity)
    if stored is not None and (stored.heart_rate.max_gap_s == max_gap_s
                               or activity.samples.empty):
        return stored
    return summarize(activity, max_gap_s, with_stats=with_stats)

"""The athlete's personal calibration: top, easy and threshold speed, heart rates, stride.

Every threshold of the effort classifier is relative to the athlete, so the
profile is estimated from their own runs (:func:`estimate_profile`) and can be
overridden in the settings (:func:`with_overrides`). Each value carries a note
saying where it came from: ``estimated from N runs``, ``estimated from this
file only``, ``set by you`` or ``default``.

Estimates (each run first prepared by :func:`legday.cleaning.prepare_run`):

- **easy speed**: per run, the commonest grade-adjusted speed among the
  slower half of its running (:func:`easy_level_mps`): warm-ups, cool-downs
  and easy running put their time there; over several runs the median.
- **top speed**: per run, the best 10-s mean speed measured from distance
  outdoors with a running cadence (GPS jumps and wrist-only indoor speeds do
  not count); over several runs the median of the three best runs. A single
  file without a burst says little about top speed, so it is never taken below
  2.3 x easy speed (the lowest ratio of recreational runners is about 2).
- **threshold speed**: 0.97 x the best 20-minute mean speed (elapsed time,
  outdoors), never below 1.15 x easy speed (runs rarely contain a full
  threshold effort). Work efforts must reach a share of it (docs/efforts.md).
- **max heart rate**: the highest 10-s median heart rate seen; **resting
  heart rate**: the lowest 5th percentile seen, an upper bound of the true
  resting rate (watches are not worn at rest during a run).
- **stride model** (speed from cadence, for indoor tracks without distance):
  a power law fitted to running samples where both exist.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from legday.cleaning import CadenceModel, Columns, column, speed_source_is
from legday.schema import DEFAULT_MAX_HR_BPM, DEFAULT_REST_HR_BPM, TOP_SPEED_CADENCE_SPM

#: Fields of :class:`AthleteProfile` that carry a source note.
PROFILE_FIELDS: tuple[str, ...] = ("top_speed_mps", "easy_speed_mps", "threshold_speed_mps",
                                   "max_hr", "rest_hr", "cadence_model")

#: Lowest speed counted as running for the easy-speed estimate. [m/s]
RUNNING_SPEED_MPS = 1.8
#: Running this far below a peak at the median means the peak is the reps. [1]
EASY_BELOW_SHARE = 0.25
#: A single file never sets top speed below this multiple of easy speed. [1]
TOP_FLOOR_X_EASY = 2.3
#: Threshold speed is never below this multiple of easy speed. [1]
THRESHOLD_FLOOR_X_EASY = 1.15
#: The best 20 minutes need a trusted distance for at least this share of samples. [1]
TRUSTED_SHARE = 0.95

DEFAULT = "default"
SET_BY_YOU = "set by you"
FROM_THIS_FILE = "estimated from this file only"


def from_runs(n: int) -> str:
    """Source note for a value estimated from ``n`` runs."""
    return f"estimated from {n} run{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class AthleteProfile:
    """Who is running: the speeds and heart rates every rule is relative to.

    Attributes
    ----------
    top_speed_mps
        Best speed over about 10 s. [m/s]
    easy_speed_mps
        Easy (warm-up, recovery-run) speed on the flat. [m/s]
    threshold_speed_mps
        Speed the athlete can hold for about an hour. [m/s]
    max_hr
        Maximal heart rate. [1/min]
    rest_hr
        Resting heart rate. [1/min]
    cadence_model
        Speed from cadence, for running without a distance signal.
    sources
        Where each value came from, by field name.
    n_runs
        Runs the estimates are based on (0 for the defaults).
    """

    top_speed_mps: float = 7.5
    easy_speed_mps: float = 2.9
    threshold_speed_mps: float = 3.6
    max_hr: float = DEFAULT_MAX_HR_BPM
    rest_hr: float = DEFAULT_REST_HR_BPM
    cadence_model: CadenceModel = field(default_factory=CadenceModel)
    sources: Mapping[str, str] = field(
        default_factory=lambda: {name: DEFAULT for name in PROFILE_FIELDS})
    n_runs: int = 0

    def source(self, name: str) -> str:
        """Where the value of field ``name`` came from."""
        return self.sources.get(name, DEFAULT)

    def to_dict(self) -> dict[str, Any]:
        """Plain values and their sources."""
        return {
            "top_speed_mps": round(self.top_speed_mps, 3),
            "easy_speed_mps": round(self.easy_speed_mps, 3),
            "threshold_speed_mps": round(self.threshold_speed_mps, 3),
            "max_hr": round(self.max_hr, 1),
            "rest_hr": round(self.rest_hr, 1),
            "cadence_model": dataclasses.asdict(self.cadence_model),
            "sources": dict(self.sources),
            "n_runs": self.n_runs,
        }


def with_overrides(profile: AthleteProfile, **values: float | None) -> AthleteProfile:
    """The profile with some values set by the athlete (``None`` keeps the estimate).

    Parameters
    ----------
    profile
        Estimated or default profile.
    **values
        Any of ``top_speed_mps``, ``easy_speed_mps``, ``threshold_speed_mps``
        [m/s], ``max_hr``, ``rest_hr`` [1/min].

    Raises
    ------
    ValueError
        Unknown field or a non-positive value.
    """
    changes: dict[str, float] = {}
    for name, value in values.items():
        if name not in PROFILE_FIELDS or name == "cadence_model":
            raise ValueError(f"unknown profile value {name!r}")
        if value is None:
            continue
        if not np.isfinite(value) or value <= 0:
            raise ValueError(f"{name} must be a positive number, got {value!r}")
        changes[name] = float(value)
    sources = dict(profile.sources)
    sources.update({name: SET_BY_YOU for name in changes})
    return dataclasses.replace(profile, sources=sources, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True)
class RunStats:
    """What one prepared run says about the athlete (NaN when it says nothing).

    Attributes
    ----------
    running_s
        Time spent running (>= 1.8 m/s) with a distance signal. [s]
    easy_speed_mps
        The run's easy level (:func:`easy_level_mps`). [m/s]
    best_10s_mps
        Best 10-s mean speed outdoors with a running cadence. [m/s]
    best_20min_mps
        Best mean speed over 20 minutes of elapsed time, outdoors. [m/s]
    max_hr
        Highest 10-s median heart rate. [1/min]
    low_hr
        5th percentile of heart rate. [1/min]
    cadence_spm, speed_mps
        Binned running cadence and the median speed in each bin, for the
        stride model. [steps/min], [m/s]
    counts
        Samples per cadence bin.
    """

    running_s: float
    easy_speed_mps: float
    best_10s_mps: float
    best_20min_mps: float
    max_hr: float
    low_hr: float
    cadence_spm: tuple[float, ...] = ()
    speed_mps: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()


_CAD_BINS = np.arange(130.0, 252.0, 4.0)


def _best_mean(values: np.ndarray, window: int) -> float:
    if len(values) < window:
        return float("nan")
    cs = np.concatenate(([0.0], np.cumsum(values)))
    return float(np.max(cs[window:] - cs[:-window]) / window)


def easy_level_mps(gap_speed_mps: np.ndarray, stretch: np.ndarray,
                   running: np.ndarray) -> float:
    """The run's easy level: the commonest effort among its slower half of running. [m/s]

    The grade-adjusted speed (smoothed over 9 s) of running samples is
    histogrammed in 0.1 m/s bins, smoothed over 0.5 m/s; the peak at or below
    the median is the easy level. Warm-ups, cool-downs and easy runs put their
    time there; reps, even when they fill most of a session, sit on the
    median's upper side or form a separate peak. When that peak sits at the
    median with :data:`EASY_BELOW_SHARE` of the running 0.5 m/s or more below
    it, the peak is the reps' slow edge and the 25th percentile is taken
    instead. NaN with under 2 minutes of running.

    Parameters
    ----------
    gap_speed_mps
        Grade-adjusted speed on the 1-s grid. [m/s]
    stretch
        Stretch of each sample.
    running
        Which samples are running with a distance signal.
    """
    if running.sum() < 120:
        return float("nan")
    from legday.cleaning import window_mean

    x = window_mean(gap_speed_mps, stretch, 4)[running]
    x = x[np.isfinite(x)]
    if len(x) < 120:
        return float("nan")
    med = float(np.median(x))
    low = x[x <= med + 0.05]
    edges = np.arange(RUNNING_SPEED_MPS, med + 0.15, 0.1)
    if len(edges) < 3:
        return med
    hist, edges = np.histogram(low, bins=edges)
    smooth = np.convolve(hist, np.ones(5) / 5.0, mode="same")
    k = int(np.argmax(smooth))
    centre = 0.5 * (edges[k] + edges[k + 1])
    # A peak at the median with much running well below it is the slow edge of the
    # reps (a session of long reps): the slower running is the easy part.
    if centre >= med - 0.25 and np.mean(x < centre - 0.5) >= EASY_BELOW_SHARE:
        return float(np.percentile(x, 25))
    near = low[np.abs(low - centre) <= 0.25]
    return float(np.median(near)) if len(near) else centre


def _best_elapsed_mps(t_s: np.ndarray, distance_m: np.ndarray, ok: np.ndarray,
                      window_s: float) -> float:
    """Best mean speed over ``window_s`` of elapsed time (pauses count as standing). [m/s]

    Only windows with a trusted distance (``ok``) at :data:`TRUSTED_SHARE` of their
    samples count: a few seconds without GPS fix at the start of a race do not
    disqualify it.
    """
    if len(t_s) < 2 or t_s[-1] - t_s[0] < window_s:
        return float("nan")
    start = np.arange(len(t_s))
    end = np.searchsorted(t_s, t_s + window_s, side="right") - 1
    full = t_s[end] - t_s >= window_s - 1.0
    bad = np.concatenate(([0], np.cumsum(~ok)))
    clean = bad[end + 1] - bad[start] <= (1.0 - TRUSTED_SHARE) * (end + 1 - start)
    sel = full & clean
    if not sel.any():
        return float("nan")
    gain = distance_m[end[sel]] - distance_m[sel]
    return float(np.max(gain) / window_s)


def _rolling_mean(values: np.ndarray, window: int) -> np.ndarray:
    """Trailing mean over ``window`` samples (NaN where any value is NaN or too early)."""
    n = len(values)
    out = np.full(n, np.nan)
    if n < window:
        return out
    cs = np.concatenate(([0.0], np.cumsum(values)))
    out[window - 1:] = (cs[window:] - cs[:-window]) / window
    return out


def _binned_medians(key: np.ndarray, values: np.ndarray, n_bins: int,
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Median of ``values`` per integer ``key`` in ``0..n_bins-1``, and the counts."""
    counts = np.bincount(key, minlength=n_bins)
    order = np.lexsort((values, key))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    mid_lo = starts + np.maximum(counts - 1, 0) // 2
    mid_hi = starts + counts // 2
    v = values[order]
    safe = counts > 0
    med = np.full(n_bins, np.nan)
    med[safe] = 0.5 * (v[mid_lo[safe]] + v[np.minimum(mid_hi[safe], len(v) - 1)])
    return med, counts


def run_stats(frame: Columns) -> RunStats:
    """Per-run facts for calibration, from :func:`~legday.cleaning.prepare_run`'s columns."""
    nan = float("nan")
    if len(frame) == 0:
        return RunStats(0.0, nan, nan, nan, nan, nan)
    from_distance = speed_source_is(frame, "distance")
    v = column(frame, "distance_speed_mps")
    gap = column(frame, "gap_speed_mps")
    moving = column(frame, "moving", bool)
    running = from_distance & moving & (v >= RUNNING_SPEED_MPS)
    running_s = float(running.sum())
    easy = easy_level_mps(gap, column(frame, "stretch", np.int64), running)
    cad = column(frame, "cadence_spm")
    outdoor = ~np.isnan(column(frame, "lat"))
    has_cad = bool(np.isfinite(cad).any() and np.nanmax(cad) > 0)
    # A GPS jump is fast without the legs; a wrist-only indoor speed is a guess.
    ok = from_distance & outdoor
    v_10 = _rolling_mean(np.nan_to_num(v), 10)
    ok_10 = _rolling_mean(ok.astype(float), 10) == 1.0
    if has_cad:
        # At least half of the 10 s at a running cadence.
        legs = _rolling_mean((np.nan_to_num(cad) >= TOP_SPEED_CADENCE_SPM).astype(float),
                             10) >= 0.5
        ok_10 &= legs
    best10 = float(np.max(v_10[ok_10])) if ok_10.any() else nan
    best20 = _best_elapsed_mps(column(frame, "t_s"), column(frame, "distance_m"), ok, 1200.0)
    hr = column(frame, "heart_rate")
    if np.isfinite(hr).sum() >= 60:
        hr_10 = _rolling_mean(hr, 10)
        max_hr = float(np.nanmax(hr_10)) if np.isfinite(hr_10).any() else float(np.nanmax(hr))
        low_hr = float(np.percentile(hr[np.isfinite(hr)], 5))
    else:
        max_hr = low_hr = nan
    cads: tuple[float, ...] = ()
    speeds: tuple[float, ...] = ()
    counts: tuple[int, ...] = ()
    fit = running & outdoor & np.isfinite(cad) & (cad >= _CAD_BINS[0])
    if has_cad and fit.sum() >= 60:
        which = np.clip(np.digitize(cad[fit], _CAD_BINS) - 1, 0, len(_CAD_BINS) - 1)
        c_med, n = _binned_medians(which, cad[fit], len(_CAD_BINS))
        v_med, _ = _binned_medians(which, v[fit], len(_CAD_BINS))
        keep = n >= 10
        cads = tuple(float(x) for x in c_med[keep])
        speeds = tuple(float(x) for x in v_med[keep])
        counts = tuple(int(x) for x in n[keep])
    return RunStats(running_s, easy, best10, best20, max_hr, low_hr, cads, speeds, counts)


def _fit_cadence(stats: Sequence[RunStats], easy_speed_mps: float) -> CadenceModel | None:
    cad = np.array([c for s in stats for c in s.cadence_spm])
    spd = np.array([v for s in stats for v in s.speed_mps])
    cnt = np.array([n for s in stats for n in s.counts], dtype=float)
    if cnt.sum() < 300:
        return None
    order = np.argsort(cad)
    cad, spd, cnt = cad[order], spd[order], cnt[order]
    # Cadence at easy speed: interpolate the binned medians, weighting by samples.
    near = np.abs(spd - easy_speed_mps) <= 0.25
    if not near.any():
        return None
    cad_ref = float(np.average(cad[near], weights=cnt[near]))
    spread = np.percentile(np.repeat(cad, cnt.astype(int)), [10, 90])
    exponent = 3.5
    if spread[1] - spread[0] >= 12.0:
        x = np.log(cad / cad_ref)
        y = np.log(spd / easy_speed_mps)
        w = cnt
        denom = float(np.sum(w * x * x))
        if denom > 0:
            exponent = float(np.clip(np.sum(w * x * y) / denom, 2.0, 7.0))
    return CadenceModel(cadence_ref_spm=cad_ref, speed_ref_mps=easy_speed_mps,
                        exponent=exponent)


def estimate_profile(frames: Iterable[Columns] | Iterable[RunStats],
                     base: AthleteProfile | None = None) -> AthleteProfile:
    """Estimate the profile from prepared runs (or their :class:`RunStats`).

    Parameters
    ----------
    frames
        Prepared frames of the athlete's runs, or their stats.
    base
        Values to keep where the runs say nothing, and values set by the
        athlete (these are never replaced); the defaults when None.

    Returns
    -------
    AthleteProfile
        With source notes: ``estimated from this file only`` for one run,
        ``estimated from N runs`` for several.
    """
    base = base or AthleteProfile()
    stats = [s if isinstance(s, RunStats) else run_stats(s) for s in frames]
    n = len(stats)
    if n == 0:
        return base
    note = FROM_THIS_FILE if n == 1 else from_runs(n)
    values: dict[str, Any] = {}
    sources = dict(base.sources)

    def put(name: str, value: float | CadenceModel | None) -> None:
        if value is None or base.source(name) == SET_BY_YOU:
            return
        if isinstance(value, float) and not np.isfinite(value):
            return
        values[name] = value
        sources[name] = note

    easy_runs = np.array([s.easy_speed_mps for s in stats if s.running_s >= 300])
    easy_runs = easy_runs[np.isfinite(easy_runs)]
    put("easy_speed_mps", float(np.median(easy_runs)) if len(easy_runs) else None)
    easy = float(values.get("easy_speed_mps", base.easy_speed_mps))

    bests = np.sort(np.array([s.best_10s_mps for s in stats]))
    bests = bests[np.isfinite(bests) & (bests < 12.0)]
    if len(bests):
        top = float(np.median(bests[-3:]))
        if n == 1 or len(bests) < 3:
            top = max(top, TOP_FLOOR_X_EASY * easy)
        put("top_speed_mps", top)
    thr = np.array([s.best_20min_mps for s in stats])
    thr = thr[np.isfinite(thr) & (thr < 7.0)]
    if len(thr):
        best20 = float(thr.max())
        put("threshold_speed_mps", max(0.97 * best20, THRESHOLD_FLOOR_X_EASY * easy))
    elif "easy_speed_mps" in values and base.source("threshold_speed_mps") != SET_BY_YOU:
        put("threshold_speed_mps", THRESHOLD_FLOOR_X_EASY * easy)
    hr_max = np.array([s.max_hr for s in stats])
    hr_max = hr_max[np.isfinite(hr_max) & (hr_max < 230)]
    if len(hr_max):
        put("max_hr", float(np.sort(hr_max)[-2] if len(hr_max) >= 3 else hr_max.max()))
    hr_low = np.array([s.low_hr for s in stats])
    hr_low = hr_low[np.isfinite(hr_low) & (hr_low > 30)]
    if len(hr_low):
        put("rest_hr", float(hr_low.min()))
    put("cadence_model", _fit_cadence(stats, easy))
    return dataclasses.replace(base, sources=sources, n_runs=n, **values)

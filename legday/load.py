"""Training load on one scale: session-RPE arbitrary units (AU) for every session.

Every session, run or lift, gets a load in Foster's session-RPE units
(RPE on the CR-10 scale x minutes). Three ways to get there, first that applies:

1. **sRPE**: the session has an RPE: ``rpe x duration_min``.
2. **TRIMP**: a non-strength session with heart rate for at least half of its
   time: Banister's TRIMP converted by :attr:`LoadSettings.trimp_to_au`, chosen
   so that an easy hour by heart rate lands where an easy hour by RPE does;
   the heart-rate reserve uses the athlete's :class:`legday.schema.HeartRates`.
3. **fallback**: ``typical RPE of the session's kind x duration_min`` (table in
   :class:`legday.schema.LoadSettings`).

From the daily series: ATL and CTL (7- and 42-day exponentially weighted means),
Foster's monotony and strain, and the week-to-week ramp. The ratios are
descriptive ("this week is 1.4 x your 6-week average"), never an injury risk.
``docs/weekly.md`` has the formulas and the reasons for the constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
import pandas as pd

from legday.schema import MINUTE_S, HeartRates, LoadSettings

#: Banister's TRIMP weighting constants (a, b) in ``a * exp(b * HRr)``.
TRIMP_CONSTANTS: dict[str, tuple[float, float]] = {"male": (0.64, 1.92),
                                                    "female": (0.86, 1.67)}

#: Load methods, in order of preference.
METHODS = ("srpe", "trimp", "fallback")


@dataclass(frozen=True)
class SessionLoad:
    """One session's load.

    Attributes
    ----------
    load_au
        The load. [AU]
    method
        ``srpe``, ``trimp`` or ``fallback``.
    trimp
        Banister TRIMP when computed, else NaN. [TRIMP]
    rpe
        The RPE used (given or typical), NaN for TRIMP. [CR-10]
    """

    load_au: float
    method: str
    trimp: float = float("nan")
    rpe: float = float("nan")


def hr_reserve(heart_rate_bpm: np.ndarray | float, rest_hr_bpm: float,
               max_hr_bpm: float) -> np.ndarray:
    """Heart-rate reserve fraction ``(HR - rest) / (max - rest)``, clipped to [0, 1]. [1]"""
    hr = np.asarray(heart_rate_bpm, dtype=float)
    span = max(max_hr_bpm - rest_hr_bpm, 1.0)
    return np.clip((hr - rest_hr_bpm) / span, 0.0, 1.0)


def banister_trimp(duration_min: np.ndarray | float, hrr: np.ndarray | float,
                   sex: str = "male") -> float:
    """Banister TRIMP: ``sum(duration_min x HRr x a x exp(b x HRr))``. [TRIMP]

    Parameters
    ----------
    duration_min
        Duration of each piece. [min]
    hrr
        Heart-rate reserve fraction of each piece (:func:`hr_reserve`). [1]
    sex
        ``male`` (a=0.64, b=1.92) or ``female`` (a=0.86, b=1.67).
    """
    a, b = TRIMP_CONSTANTS[sex]
    minutes = np.asarray(duration_min, dtype=float)
    x = np.asarray(hrr, dtype=float)
    return float(np.nansum(minutes * x * a * np.exp(b * x)))


def trimp_from_samples(samples: pd.DataFrame, rest_hr_bpm: float, max_hr_bpm: float,
                       sex: str = "male", max_gap_s: float = 30.0) -> tuple[float, float]:
    """Banister TRIMP of a recording, sample by sample.

    Each sample's heart rate counts for the time to the next sample; gaps over
    ``max_gap_s`` (pauses) count nothing.

    Returns
    -------
    trimp, covered_s
        The TRIMP [TRIMP] and the time with heart rate it was summed over [s].
    """
    if len(samples) < 2 or not samples["heart_rate"].notna().any():
        return 0.0, 0.0
    t = samples["time"].to_numpy("datetime64[ns]").astype("int64") / 1e9
    dt = np.diff(t)
    hr = samples["heart_rate"].to_numpy(dtype=float)[:-1]
    ok = np.isfinite(hr) & (dt > 0) & (dt <= max_gap_s)
    dt_min = np.where(ok, dt, 0.0) / 60.0
    hrr = np.where(ok, hr_reserve(np.nan_to_num(hr), rest_hr_bpm, max_hr_bpm), 0.0)
    return banister_trimp(dt_min, hrr, sex), float(dt[ok].sum())


class HeartRateRecord(Protocol):
    """Heart rate of a recording already summed up (``legday.summary.HeartRateTime``)."""

    @property
    def covered_s(self) -> float: ...

    def trimp(self, rest_hr_bpm: float, max_hr_bpm: float, sex: str = "male") -> float: ...


def typical_rpe(kind: str, settings: LoadSettings) -> float:
    """The fallback RPE of a kind (unknown kinds use ``other``). [CR-10]"""
    table = settings.typical_rpe
    return float(table.get(kind, table.get("other", 3.0)))


def session_load(duration_s: float, kind: str, settings: LoadSettings, *,
                 rpe: float | None = None, samples: pd.DataFrame | None = None,
                 heart_rates: HeartRates | None = None,
                 heart_rate: HeartRateRecord | None = None) -> SessionLoad:
    """The load of one session, by the first method that applies.

    Parameters
    ----------
    duration_s
        Session duration (moving time for runs). [s]
    kind
        Run primary kind, strength session kind or sport, for the fallback.
    settings
        The load constants.
    rpe
        Session RPE when the athlete gave one. [CR-10]
    samples
        The recording, for TRIMP; pass None for strength sessions (heart rate
        underrates lifting).
    heart_rates
        The athlete's maximum and resting heart rates, for TRIMP; without them
        no TRIMP.
    heart_rate
        The recording's heart rate summed up already (used instead of
        ``samples``, e.g. a stored summary).
    """
    seconds = max(float(duration_s), 0.0) if np.isfinite(duration_s) else 0.0
    minutes = seconds / MINUTE_S
    if rpe is not None and np.isfinite(rpe) and rpe > 0:
        return SessionLoad(rpe * minutes, "srpe", rpe=float(rpe))
    if (heart_rate is not None or samples is not None) and heart_rates and seconds > 0:
        rest, top = heart_rates.rest_bpm, heart_rates.max_bpm
        if heart_rate is not None:
            trimp = heart_rate.trimp(rest, top, settings.trimp_sex)
            covered_s = heart_rate.covered_s
        else:
            assert samples is not None
            trimp, covered_s = trimp_from_samples(samples, rest, top, settings.trimp_sex,
                                                  settings.max_sample_gap_s)
        if covered_s >= settings.min_hr_coverage * seconds:
            # The part without heart rate is assumed like the part with it.
            scaled = trimp * max(seconds / covered_s, 1.0)
            return SessionLoad(scaled * settings.trimp_to_au, "trimp", trimp=scaled)
    value = typical_rpe(kind, settings)
    return SessionLoad(value * minutes, "fallback", rpe=value)


def daily_series(dates: pd.Series, load_au: pd.Series, first: pd.Timestamp,
                 last: pd.Timestamp) -> pd.Series:
    """Daily load from ``first`` to ``last`` (local dates), zero on days without sessions. [AU]"""
    days = pd.date_range(pd.Timestamp(first).normalize(), pd.Timestamp(last).normalize(),
                         freq="D")
    if len(dates) == 0:
        return pd.Series(0.0, index=days, name="load_au")
    by_day = pd.Series(load_au.to_numpy(dtype=float),
                       index=pd.to_datetime(dates).dt.normalize()).groupby(level=0).sum()
    return by_day.reindex(days, fill_value=0.0).rename("load_au")


def ewma_load(daily: pd.Series, days: float) -> pd.Series:
    """Exponentially weighted load: ``x[t] = x[t-1] + (load[t] - x[t-1]) / days``, from 0. [AU/d]"""
    k = 1.0 / days
    values = np.empty(len(daily))
    x = 0.0
    for i, load in enumerate(daily.to_numpy(dtype=float)):
        x += (load - x) * k
        values[i] = x
    return pd.Series(values, index=daily.index)


def monotony(daily_week: np.ndarray | pd.Series) -> float:
    """Foster monotony: mean daily load / standard deviation over the week's 7 days. [1]

    The standard deviation is the population one (ddof=0) over all 7 days,
    rest days included. NaN when the load does not vary (no training, or the
    same load every day).
    """
    x = np.asarray(daily_week, dtype=float)
    sd = float(np.std(x))
    if sd == 0 or not np.isfinite(sd):
        return float("nan")
    return float(np.mean(x)) / sd


def weekly_load(daily: pd.Series, settings: LoadSettings) -> pd.DataFrame:
    """Weekly load figures from a daily series starting on a Monday.

    Returns
    -------
    DataFrame
        Indexed by the week's Monday: ``load`` (sum) [AU], ``atl`` and ``ctl``
        (on the week's last day) [AU/d], ``acute_chronic`` (atl / ctl, empty
        before :attr:`LoadSettings.min_history_days`) [1], ``ramp_pct`` (vs
        the previous week) and ``ramp_3w_pct`` (vs the mean of up to three
        previous weeks) [%], ``monotony`` [1] and ``strain`` (load x monotony) [AU].
    """
    if len(daily) == 0:
        return pd.DataFrame(columns=["load", "atl", "ctl", "acute_chronic", "ramp_pct",
                                     "ramp_3w_pct", "monotony", "strain"])
    atl = ewma_load(daily, settings.atl_days)
    ctl = ewma_load(daily, settings.ctl_days)
    days = pd.DatetimeIndex(daily.index)
    monday = days - pd.to_timedelta(np.asarray(days.day_of_week), unit="D")
    groups = daily.groupby(monday)
    out = pd.DataFrame({"load": groups.sum()})
    out["atl"] = atl.groupby(monday).last()
    out["ctl"] = ctl.groupby(monday).last()
    history_days = (groups.apply(lambda s: s.index[-1]) - daily.index[0]).dt.days + 1
    ratio = out["atl"] / out["ctl"].where(out["ctl"] > 0)
    out["acute_chronic"] = ratio.where(history_days >= settings.min_history_days)
    out["ramp_pct"] = ramp_pct(out["load"], 1)
    out["ramp_3w_pct"] = ramp_pct(out["load"], 3)
    # A week cut short by the season's edges is padded with zero days by the caller.
    out["monotony"] = groups.apply(monotony)
    out["strain"] = out["load"] * out["monotony"]
    return out


def ramp_pct(values: pd.Series, weeks: int) -> pd.Series:
    """Change against the mean of the previous ``weeks`` values (as many as exist). [%]

    NaN for the first value and when that mean is zero.
    """
    before = values.shift(1).rolling(weeks, min_periods=1).mean()
    return (values / before.where(before > 0) - 1.0) * 100.0

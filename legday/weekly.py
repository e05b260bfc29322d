"""The run, effort, strength and weekly tables (ISO weeks in the athlete's local time).

Tables, each a plain DataFrame built by a pure function:

- :func:`run_tables`: one row per run (``runs``) and one per effort
  (``efforts``), with the local date, ISO week, load and route;
- :func:`strength_table`: one row per strength session with its week and load;
- :func:`other_table`: rides, swims, walks... (time, distance and load);
- :func:`weekly_table`: one row per ISO week between the first and the last
  activity, empty weeks zero;
- :func:`climbing_table`: one row per month, climbing against the flat.

Every table is SI (metres, seconds, m/s); :mod:`legday.schema` names each
column with its unit and ``docs/weekly.md`` documents them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np
import pandas as pd

from legday.calibration import SET_BY_YOU, AthleteProfile
from legday.cleaning import prepare_arrays
from legday.efforts import RunClassification, is_hard_steady
from legday.load import daily_series, session_load, weekly_load
from legday.localtime import local_start
from legday.model import Activity, Sport
from legday.routes import assign_routes
from legday.schema import (
    CLIMBING_COLUMNS,
    EFFORT_KINDS,
    EFFORT_TABLE_COLUMNS,
    LEG_SESSION_KINDS,
    MINUTE_S,
    OTHER_COLUMNS,
    OTHER_SPORTS,
    RUN_COLUMNS,
    STRENGTH_KINDS,
    TYPE2_KINDS,
    AnalysisSettings,
    HeartRates,
)
from legday.summary import ActivitySummary, summary_of
from legday.terrain import TerrainStats, terrain_stats

# --- time ---------------------------------------------------------------------------------

def week_label(date: pd.Timestamp) -> str:
    """ISO week of a local date, ``YYYY-Www`` (``%G-W%V``)."""
    return pd.Timestamp(date).strftime("%G-W%V")


def week_monday(date: pd.Timestamp) -> pd.Timestamp:
    """Monday (local midnight) of a date's ISO week."""
    day = pd.Timestamp(date).normalize()
    return day - pd.Timedelta(days=day.day_of_week)


def _dated(frame: pd.DataFrame, date_column: str = "date") -> pd.DataFrame:
    dates = pd.to_datetime(frame[date_column]).dt.normalize()
    return frame.assign(date=dates, week=dates.map(week_label))


def _frame(rows: list[dict[str, Any]], columns: Sequence[str]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


# --- runs ---------------------------------------------------------------------------------

#: Effort columns copied from the classifier's efforts into the effort table.
_EFFORT_VALUES = ("duration_s", "moving_s", "distance_m", "elevation_gain_m", "gap_speed_mps",
                  "heart_rate")


def _distance_m(activity: Activity, efforts: Mapping[str, np.ndarray]) -> float:
    if activity.distance_m is not None and np.isfinite(activity.distance_m):
        return float(activity.distance_m)
    recorded = activity.samples["distance_m"]
    if recorded.notna().any():
        return float(recorded.max() - recorded.min())
    return float(np.nansum(efforts["distance_m"])) if len(efforts["distance_m"]) else 0.0


def _moving_s(activity: Activity, efforts: Mapping[str, np.ndarray]) -> float:
    moving = efforts["moving_s"]
    if len(moving) and np.nansum(moving) > 0:
        return float(np.nansum(moving))
    for value in (activity.moving_s, activity.duration_s):
        if value is not None and np.isfinite(value):
            return float(value)
    return 0.0


def _effort_arrays(efforts: pd.DataFrame, profile: AthleteProfile) -> dict[str, np.ndarray]:
    # Plain arrays: a thousand runs' worth of small pandas operations took seconds.
    out = {c: efforts[c].to_numpy(dtype=float) for c in _EFFORT_VALUES}
    out["kind"] = efforts["kind"].to_numpy(dtype=object).astype(str).astype(object)
    whys = (efforts["why"].astype(str).to_numpy().astype(str) if "why" in efforts.columns
            else np.full(len(efforts), "", dtype=str))
    out["is_stride"] = (out["kind"] == "sprint") & (np.char.find(whys, " stride ") >= 0)
    # The one rule of tempo and threshold running, as the Activity page reads it.
    out["is_tempo"] = is_hard_steady(out["kind"].astype(str), whys, out["moving_s"],
                                     out["gap_speed_mps"], profile)
    return out


def _is_hard(kind: np.ndarray, is_tempo: np.ndarray) -> np.ndarray:
    """Type-II work and hard steady running (tempo, threshold)."""
    return np.asarray(np.isin(kind, TYPE2_KINDS) | is_tempo, dtype=bool)


def _terrain(activity: Activity, classification: RunClassification,
             summary: ActivitySummary) -> TerrainStats | None:
    """The run's terrain: the classification's, else the stored summary's, else (stored
    efforts of a run read from its file) from the samples."""
    if classification.terrain is not None:
        return classification.terrain
    if summary.terrain is not None or len(activity.samples) < 2:
        return summary.terrain
    return terrain_stats(prepare_arrays(activity))


def _terrain_values(terrain: TerrainStats | None) -> dict[str, float]:
    """The run-table columns of a run's terrain (NaN without one: no samples)."""
    names = ("descent_m", "steep_descent_m", "steep_descent_s", "climb_s", "flat_s",
             "climb_cadence_spm", "flat_cadence_spm", "climb_gap_mps", "flat_gap_mps")
    if terrain is None:
        return dict.fromkeys(names, np.nan)
    # At the stored summary's precision, so a season from files and from the store agree.
    stored = TerrainStats.from_dict(terrain.to_dict())
    return {name: float(getattr(stored, name)) for name in names}


def athlete_heart_rates(profile: AthleteProfile) -> HeartRates:
    """The heart rates the load uses: the profile's max (the athlete's own, else the highest
    seen), and their resting rate when they set it, else the typical one (a watch sees runs,
    not the resting heart: the profile's estimate is only an upper bound)."""
    rest = profile.rest_hr if profile.source("rest_hr") == SET_BY_YOU else HeartRates().rest_bpm
    return HeartRates(max_bpm=profile.max_hr, rest_bpm=rest)


def run_tables(activities: Sequence[Activity], classifications: Sequence[RunClassification],
               settings: AnalysisSettings,
               summaries: Sequence[ActivitySummary | None] | None = None,
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """One row per run and one per effort.

    Parameters
    ----------
    activities, classifications
        Activities and their :func:`legday.efforts.classify_activities` results,
        in the same order; non-running activities and runs without a start time
        are skipped.
    settings
        Time zone fallback, route tolerances and load constants.
    summaries
        Each activity's :class:`legday.summary.ActivitySummary` (heart rate for
        TRIMP, route signature), in the same order; where None or not given,
        the one in ``activity.extra`` (a stored activity's), else computed from
        the samples. Either way the numbers are the same.

    Returns
    -------
    runs, efforts
        ``runs`` (:data:`legday.schema.RUN_COLUMNS`): ``moving_s`` [s],
        ``distance_m`` [m], ``speed_mps`` [m/s], ``load_au`` [AU], ``route_id``
        (same route, None without positions), the run's terrain
        (``descent_m``, ``steep_descent_m`` [m]... from the classification, else
        the stored summary; NaN without samples). ``efforts``
        (:data:`legday.schema.EFFORT_TABLE_COLUMNS`):
        the classifier's efforts with the run's ``date`` and ``week``,
        ``is_hard``, ``is_stride`` and ``is_tempo``; a run without samples (no
        efforts) is one steady effort over its summary time and distance.
    """
    run_rows: list[dict[str, Any]] = []
    parts: list[dict[str, np.ndarray]] = []
    per_run: list[tuple[Any, pd.Timestamp, str]] = []
    signatures = []
    given = list(summaries) if summaries is not None else [None] * len(activities)
    for act, cls, summary in zip(activities, classifications, given, strict=True):
        if not act.is_running or act.start_utc is None:
            continue
        summary = summary or summary_of(act, settings.load.max_sample_gap_s, with_stats=False)
        local = local_start(act.start_utc, act.utc_offset_s, settings.timezone)
        date = local.normalize()
        week = week_label(date)
        efforts = _effort_arrays(cls.efforts, cls.profile)
        moving_s = _moving_s(act, efforts)
        distance_m = _distance_m(act, efforts)
        if len(efforts["kind"]) == 0:
            efforts = {"kind": np.array(["steady"], dtype=object),
                       "duration_s": np.array([moving_s]), "moving_s": np.array([moving_s]),
                       "distance_m": np.array([distance_m]),
                       "elevation_gain_m": np.array([0.0]), "gap_speed_mps": np.array([np.nan]),
                       "heart_rate": np.array([np.nan]), "is_stride": np.array([False]),
                       "is_tempo": np.array([False])}
        primary = str(cls.primary or "steady")
        rpe = act.extra.get("rpe")
        load = session_load(moving_s, primary, settings.load,
                            rpe=float(rpe) if rpe is not None else None,
                            heart_rate=summary.heart_rate,
                            heart_rates=athlete_heart_rates(cls.profile))
        run_rows.append({
            "activity_id": act.id, "file": act.label, "start_utc": act.start_utc,
            "local_start": local, "date": date, "week": week,
            "sport": act.sport.value, "primary": primary, "moving_s": moving_s,
            "distance_m": distance_m,
            "speed_mps": distance_m / moving_s if moving_s > 0 else np.nan,
            "elevation_gain_m": float(np.nansum(efforts["elevation_gain_m"])),
            "has_hr": summary.has_hr, "load_au": load.load_au, "load_method": load.method,
            "trimp": load.trimp, "route_id": None,
            "tempo_s": float(np.sum(efforts["moving_s"][efforts["is_tempo"]])),
            **_terrain_values(_terrain(act, cls, summary))})
        signatures.append(summary.route if act.sport != Sport.TREADMILL_RUN else None)
        parts.append(efforts)
        per_run.append((act.id, date, week))
    runs = _frame(run_rows, list(RUN_COLUMNS))
    runs["route_id"] = pd.Series(assign_routes(
        signatures, endpoint_tolerance_m=settings.route_endpoint_m,
        path_tolerance_m=settings.route_path_m,
        distance_tolerance=settings.route_distance_share), dtype=object)
    return runs, _effort_table(parts, per_run)


def _effort_table(parts: list[dict[str, np.ndarray]],
                  per_run: list[tuple[Any, pd.Timestamp, str]]) -> pd.DataFrame:
    """All runs' efforts in one frame, each with its run's id, date, week and is_hard."""
    if not parts:
        return _frame([], list(EFFORT_TABLE_COLUMNS))
    counts = [len(p["kind"]) for p in parts]

    def repeat(values: list[Any], dtype: Any = object) -> np.ndarray:
        return np.repeat(np.array(values, dtype=dtype), counts)

    ids, dates, weeks = zip(*per_run, strict=True)
    columns = {c: np.concatenate([p[c] for p in parts])
               for c in ("kind", "is_stride", "is_tempo", *_EFFORT_VALUES)}
    # Each date keeps its own unit (the store's microseconds, the files' nanoseconds).
    table = pd.DataFrame({
        "activity_id": repeat(list(ids)),
        "date": repeat([d.to_datetime64() for d in dates], None),
        "week": repeat(list(weeks)), "kind": pd.Series(columns["kind"]).astype(str),
        **{c: columns[c] for c in _EFFORT_VALUES}})
    table["is_hard"] = _is_hard(columns["kind"], columns["is_tempo"])
    table["is_stride"] = columns["is_stride"].astype(bool)
    table["is_tempo"] = columns["is_tempo"].astype(bool)
    return table[list(EFFORT_TABLE_COLUMNS)]


def other_table(activities: Sequence[Activity], heart_rates: HeartRates,
                settings: AnalysisSettings) -> pd.DataFrame:
    """Rides, swims, walks and other non-running, non-strength sessions.

    ``sport`` (one of :data:`legday.schema.OTHER_SPORTS`), ``moving_s`` [s],
    ``distance_m`` [m] (0 when unknown), ``load_au`` [AU] by heart rate (the
    athlete's ``heart_rates``) when recorded, else by the sport's typical RPE.
    """
    rows = []
    for act in activities:
        if act.is_running or act.sport == Sport.STRENGTH or act.start_utc is None:
            continue
        date = local_start(act.start_utc, act.utc_offset_s, settings.timezone).normalize()
        moving_s = _moving_s(act, {"moving_s": np.zeros(0)})
        summary = summary_of(act, settings.load.max_sample_gap_s, with_stats=False)
        load = session_load(moving_s, act.sport.value, settings.load,
                            heart_rate=summary.heart_rate, heart_rates=heart_rates)
        sport = act.sport.value if act.sport.value in OTHER_SPORTS else "other"
        distance_m = _distance_m(act, {"distance_m": np.zeros(0)})
        rows.append({"activity_id": act.id, "date": date, "week": week_label(date),
                     "sport": sport, "moving_s": moving_s,
                     "distance_m": distance_m if np.isfinite(distance_m) else 0.0,
                     "load_au": load.load_au, "load_method": load.method})
    return _frame(rows, list(OTHER_COLUMNS))


# --- strength -------------------------------------------------------------------------------

def strength_table(sessions: pd.DataFrame, settings: AnalysisSettings) -> pd.DataFrame:
    """Strength sessions with their week, duration, load and leg-session flag.

    Parameters
    ----------
    sessions
        ``legday.strength.log.sessions(entries)``: ``session``, ``date`` (local
        midnight), ``duration_min`` (the log's), ``rpe``, ``n_sets``, ``kind``,
        ``lower_sets``, ``lower_tonnage_kg``, ``has_single_leg``...
    settings
        Duration fallback, leg-session rule and load constants.

    Returns
    -------
    DataFrame
        The sessions plus ``week``, ``duration_s`` [s] in place of the log's
        minutes, filled when the log gives none (sets x
        :attr:`~legday.schema.AnalysisSettings.s_per_set`, at least
        :attr:`~legday.schema.AnalysisSettings.min_session_s`),
        ``duration_estimated``, ``load_au`` [AU], ``load_method`` and
        ``is_leg_session``.
    """
    if sessions.empty:
        out = sessions.drop(columns=["duration_min"], errors="ignore").assign(
            week=pd.Series(dtype=object), duration_s=pd.Series(dtype=float))
        for column in ("duration_estimated", "is_leg_session"):
            out[column] = pd.Series(dtype=bool)
        for column in ("load_au",):
            out[column] = pd.Series(dtype=float)
        out["load_method"] = pd.Series(dtype=object)
        return out
    out = _dated(sessions)
    given = pd.to_numeric(out.pop("duration_min"), errors="coerce") * MINUTE_S
    estimate = np.maximum(out["n_sets"].fillna(0).astype(float) * settings.s_per_set,
                          settings.min_session_s)
    out["duration_estimated"] = ~(given > 0)
    out["duration_s"] = given.where(given > 0, estimate)
    loads = [session_load(d, str(k), settings.load,
                          rpe=None if pd.isna(r) else float(r))
             for d, k, r in zip(out["duration_s"], out["kind"], out["rpe"], strict=True)]
    out["load_au"] = [x.load_au for x in loads]
    out["load_method"] = [x.method for x in loads]
    out["is_leg_session"] = (out["kind"].isin(LEG_SESSION_KINDS)
                             | (out["lower_sets"].fillna(0) >= settings.leg_session_lower_sets))
    return out.reset_index(drop=True)


# --- the weekly table -----------------------------------------------------------------------

def _season_days(*dates: pd.Series) -> tuple[pd.Timestamp, pd.Timestamp] | None:
    known = [pd.to_datetime(d) for d in dates if len(d)]
    if not known:
        return None
    first = min(d.min() for d in known)
    last = max(d.max() for d in known)
    return week_monday(first), week_monday(last) + pd.Timedelta(days=6)


def _sum_by_week(frame: pd.DataFrame, column: str, index: pd.Index) -> pd.Series:
    if frame.empty:
        return pd.Series(0.0, index=index)
    return frame.groupby("week")[column].sum().reindex(index, fill_value=0.0).astype(float)


def _count_by_week(frame: pd.DataFrame, index: pd.Index) -> pd.Series:
    if frame.empty:
        return pd.Series(0, index=index)
    return frame.groupby("week").size().reindex(index, fill_value=0).astype(int)


def weekly_table(runs: pd.DataFrame, efforts: pd.DataFrame, strength: pd.DataFrame,
                 others: pd.DataFrame, settings: AnalysisSettings, *,
                 muscle_sets: pd.DataFrame | None = None,
                 muscle_groups: Sequence[str] = (),
                 running_seconds: Callable[[pd.DataFrame], Mapping[str, float]] | None = None,
                 ) -> pd.DataFrame:
    """One row per ISO week from the first to the last activity (empty weeks zero).

    Parameters
    ----------
    runs, efforts
        From :func:`run_tables`.
    strength
        From :func:`strength_table`.
    others
        From :func:`other_table`.
    settings
        Thresholds and load constants.
    muscle_sets
        Direct sets per session and muscle group, long (``session``,
        ``muscle``, ``sets``), from ``legday.strength.log.sets_per_muscle``.
    muscle_groups
        Every group, each getting ``sets_<group>`` and ``run_<group>_s``.
    running_seconds
        Modelled running time per muscle group of an efforts frame [s]
        (``legday.strength.running_share.running_muscle_seconds``).

    Returns
    -------
    DataFrame
        Indexed by ``week`` (``YYYY-Www``); columns in ``docs/weekly.md``.
    """
    span = _season_days(runs["date"], strength.get("date", pd.Series(dtype="datetime64[ns]")),
                        others["date"])
    if span is None:
        return pd.DataFrame(index=pd.Index([], name="week"))
    mondays = pd.date_range(span[0], span[1], freq="7D")
    index = pd.Index([week_label(m) for m in mondays], name="week")
    w = pd.DataFrame(index=index)
    w["week_start"] = [m.date().isoformat() for m in mondays]

    w["run_count"] = _count_by_week(runs, index)
    w["run_distance_m"] = _sum_by_week(runs, "distance_m", index)
    for kind in EFFORT_KINDS:
        of_kind = efforts[efforts["kind"] == kind]
        w[f"{kind}_s"] = _sum_by_week(of_kind, "moving_s", index)
        w[f"{kind}_distance_m"] = _sum_by_week(of_kind, "distance_m", index)
    w["run_s"] = w[[f"{k}_s" for k in EFFORT_KINDS]].sum(axis=1)
    w["type2_s"] = w[[f"{k}_s" for k in TYPE2_KINDS]].sum(axis=1)
    w["type2_share"] = _share(w["type2_s"], w["run_s"])
    hills = efforts[efforts["kind"] == "hill"]
    w["hill_climb_m"] = _sum_by_week(hills, "elevation_gain_m", index)
    w["hill_rep_count"] = _count_by_week(hills, index)
    sprints = efforts[efforts["kind"] == "sprint"]
    is_stride = _flag(sprints, "is_stride")
    w["sprint_count"] = _count_by_week(sprints[~is_stride], index)
    w["stride_count"] = _count_by_week(sprints[is_stride], index)
    intervals = efforts[efforts["kind"] == "interval"]
    w["interval_work_s"] = _sum_by_week(intervals, "duration_s", index)
    w["interval_rep_count"] = _count_by_week(intervals, index)
    is_hard = _flag(efforts, "is_hard")
    hard = efforts[is_hard]
    w["tempo_s"] = _sum_by_week(efforts[_flag(efforts, "is_tempo")], "moving_s", index)
    w["hard_s"] = _sum_by_week(hard, "moving_s", index)
    w["easy_s"] = w["run_s"] - w["hard_s"]
    w["hard_share"] = _share(w["hard_s"], w["run_s"])
    for column in ("descent_m", "steep_descent_m", "steep_descent_s"):
        w[column] = (_sum_by_week(runs, column, index) if column in runs.columns
                     else pd.Series(0.0, index=index))

    w["strength_sessions"] = _count_by_week(strength, index)
    for kind in STRENGTH_KINDS:
        w[f"strength_{kind}"] = _count_by_week(
            strength[strength["kind"] == kind] if len(strength) else strength, index)
    w["strength_s"] = _sum_by_week(strength, "duration_s", index)
    # One count of sets by region everywhere (docs/strength.md): each set counted once.
    for region in ("lower", "upper", "core"):
        w[f"{region}_sets"] = _sum_by_week(strength, f"{region}_sets", index)
    w["leg_sessions"] = _count_by_week(
        strength[strength["is_leg_session"]] if len(strength) else strength, index)
    w["single_leg_sessions"] = _count_by_week(
        strength[strength["has_single_leg"].fillna(False).astype(bool)]
        if len(strength) else strength, index)
    w["lower_tonnage_kg"] = _sum_by_week(strength, "lower_tonnage_kg", index)
    _muscle_columns(w, strength, efforts, muscle_sets, muscle_groups, running_seconds)

    w = w.copy()  # defragmented: a column per muscle group was inserted one by one
    w["other_count"] = _count_by_week(others, index)
    w["other_s"] = _sum_by_week(others, "moving_s", index)
    w["other_distance_m"] = _sum_by_week(others, "distance_m", index)
    for sport in OTHER_SPORTS:
        of_sport = others[others["sport"] == sport]
        w[f"other_{sport}_s"] = _sum_by_week(of_sport, "moving_s", index)
        w[f"other_{sport}_distance_m"] = _sum_by_week(of_sport, "distance_m", index)
    w["load_runs"] = _sum_by_week(runs, "load_au", index)
    w["load_strength"] = _sum_by_week(strength, "load_au", index)
    w["load_other"] = _sum_by_week(others, "load_au", index)
    all_sessions = pd.concat([f[["date", "load_au"]] for f in (runs, strength, others)
                              if len(f)], ignore_index=True)
    daily = daily_series(all_sessions["date"], all_sessions["load_au"], span[0], span[1])
    load = weekly_load(daily, settings.load)
    load.index = index
    for column in load.columns:
        w[column] = load[column]
    return w.copy()


def _flag(frame: pd.DataFrame, column: str) -> pd.Series:
    """A boolean column of ``frame``, all False when absent."""
    if column not in frame.columns:
        return pd.Series(False, index=frame.index)
    return frame[column].fillna(False).astype(bool)


def climbing_table(runs: pd.DataFrame) -> pd.DataFrame:
    """Climbing against the flat, per calendar month (:data:`legday.schema.CLIMBING_COLUMNS`).

    Each run with enough running on moderate climbs (4-8 %) and on the flat
    (:mod:`legday.terrain`) gives its median cadence and grade-adjusted speed on
    each; a month is the median of its runs. ``cadence_gain_spm`` is climb minus
    flat cadence, ``climb_gap_share`` climbing over flat grade-adjusted speed: a
    proxy for hill strength (a stronger climber holds more of their flat speed).
    Months without such a run are left out.
    """
    empty = pd.DataFrame(columns=list(CLIMBING_COLUMNS), index=pd.Index([], name="month"))
    needed = ("climb_gap_mps", "flat_gap_mps", "climb_cadence_spm", "flat_cadence_spm")
    if runs.empty or any(c not in runs.columns for c in needed):
        return empty
    values = runs[["date", "climb_s", "flat_s", *needed]].copy()
    for column in values.columns[1:]:
        values[column] = pd.to_numeric(values[column], errors="coerce")
    values = values[np.isfinite(values["climb_gap_mps"]) & np.isfinite(values["flat_gap_mps"])
                    & (values["flat_gap_mps"] > 0)]
    if values.empty:
        return empty
    values["month"] = pd.to_datetime(values["date"]).dt.strftime("%Y-%m")
    values["climb_gap_share"] = values["climb_gap_mps"] / values["flat_gap_mps"]
    values["cadence_gain_spm"] = values["climb_cadence_spm"] - values["flat_cadence_spm"]
    by_month = values.groupby("month")
    table = by_month[["climb_cadence_spm", "flat_cadence_spm", "cadence_gain_spm",
                      "climb_gap_mps", "flat_gap_mps", "climb_gap_share"]].median()
    table["runs"] = by_month.size()
    table["climb_s"] = by_month["climb_s"].sum()
    table["flat_s"] = by_month["flat_s"].sum()
    table["month_start"] = [f"{m}-01" for m in table.index]
    return table[list(CLIMBING_COLUMNS)].sort_index()


def _share(part: pd.Series, whole: pd.Series) -> pd.Series:
    return (part / whole.where(whole > 0)).fillna(0.0)


def _muscle_columns(w: pd.DataFrame, strength: pd.DataFrame, efforts: pd.DataFrame,
                    muscle_sets: pd.DataFrame | None, muscle_groups: Sequence[str],
                    running_seconds: Callable[[pd.DataFrame], Mapping[str, float]] | None,
                    ) -> None:
    """Add ``sets_<group>`` (lifting) and ``run_<group>_s`` (modelled running), kept apart."""
    index = w.index
    sets = pd.DataFrame(0.0, index=index, columns=[f"sets_{g}" for g in muscle_groups])
    if muscle_sets is not None and len(muscle_sets) and len(strength):
        week_of = dict(zip(strength["session"], strength["week"], strict=True))
        long = muscle_sets.assign(week=muscle_sets["session"].map(week_of)).dropna(
            subset=["week"])
        table = long.pivot_table(index="week", columns="muscle", values="sets", aggfunc="sum")
        for group in muscle_groups:
            if group in table.columns:
                sets[f"sets_{group}"] = table[group].reindex(index).fillna(0.0)
    columns = [f"run_{g}_s" for g in muscle_groups]
    running = pd.DataFrame(0.0, index=index, columns=columns)
    if running_seconds is not None and len(efforts):
        # Rows collected first, one frame at the end: cell-by-cell .loc writes took seconds.
        rows = {label: {f"run_{group}_s": float(seconds)
                        for group, seconds in running_seconds(of_week).items()}
                for label, of_week in efforts.groupby("week") if label in index}
        if rows:
            found = pd.DataFrame.from_dict(rows, orient="index").reindex(columns=columns)
            running = found.reindex(index).fillna(0.0).astype(float)
    for frame in (sets, running):
        for column in frame.columns:
            w[column] = frame[column]

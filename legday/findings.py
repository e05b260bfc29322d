"""Weekly findings: the leg-day verdict and the coaching rules, each with its threshold.

Every threshold lives in :class:`AnalysisSettings` (documented defaults, any of
them overridable with ``dataclasses.replace``). The rules read the weekly table
built by :mod:`legday.weekly` plus the run and strength-session tables; each
finding is one plain sentence that cites the week's numbers. ``docs/weekly.md``
lists every rule. Load ratios are described, never read as injury predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal

import numpy as np
import pandas as pd

from legday.load import LoadSettings
from legday.routes import DISTANCE_TOLERANCE, ENDPOINT_TOLERANCE_M, PATH_TOLERANCE_M, same_pace
from legday.strength.muscles import MUSCLE_GROUPS, RUNNER_PRIORITY_MUSCLES

Severity = Literal["good", "info", "warning"]

#: Groups to name first: the hip stabilisers, then core and upper body (display order).
PRIORITY_MUSCLES: tuple[str, ...] = ("hip_abductors", "hip_adductors", "external_rotators") + tuple(
    g for g in MUSCLE_GROUPS
    if g in RUNNER_PRIORITY_MUSCLES and g not in ("hip_abductors", "hip_adductors",
                                                   "external_rotators"))

#: Run primary kinds that make a hard day.
HARD_RUN_KINDS = ("interval", "hill", "sprint")


@dataclass(frozen=True)
class AnalysisSettings:
    """Every threshold of the weekly analysis, with its default and unit.

    Attributes
    ----------
    timezone
        IANA zone for activities whose file gives no local offset. ["UTC"]
    load
        How sessions get a load (:class:`legday.load.LoadSettings`).
    hard_x_threshold
        A steady effort at or above this share of the athlete's threshold
        speed (grade-adjusted) is hard time (tempo, race). [1]
    hard_hr_share
        ... or with a mean heart rate at or above this share of max HR. [1]
    minutes_per_set
        Strength session length when the log gives none: sets x this, at least
        :attr:`min_session_min`. [min]
    min_session_min
        Shortest estimated strength session. [min]
    leg_session_lower_sets
        A strength session is a leg session when its kind is ``lower``, or it
        has at least this many lower-body sets (a full-body session too). [sets]
    leg_day_hill_min, leg_day_sprint_count, leg_day_interval_min
        Type-II running that on its own makes a leg day: hill efforts [min],
        sprints and strides [count], interval reps [min].
    leg_day_type2_min
        ... or this much type-II running of any kind together. [min]
    maintenance_weeks
        ``maintenance_only``: the same route at the same pace in this many
        consecutive weeks. [weeks]
    route_endpoint_m, route_path_m, route_distance_share, route_pace_share
        Same route: starts and ends within ``route_endpoint_m`` [m], path
        points on average within ``route_path_m`` [m], distance within
        ``route_distance_share`` [1]; same pace within ``route_pace_share`` [1].
    ramp_share
        ``ramp_spike``: this week above the highest of the up to 3 previous
        weeks by more than this share (the highest, so that the week after a
        cut-back week is no spike). [1]
    ramp_min_load_au
        ... for load, only when that highest week is at least this. [AU]
    ramp_min_change
        ... for a kind's volume (``run_km``, ``type2_min``, ``hill_min``,
        ``interval_work_min``, ``sprint_count``), only when it grew by at least
        this much (in the column's unit) and the kind was done in each of the
        previous weeks (at least two).
    flat_weeks, flat_share
        ``flat_progression``: hill minutes, sprint count or interval minutes
        present in each of the last ``flat_weeks`` weeks and all within
        ``flat_share`` of their maximum. [weeks], [1]
    neglect_weeks, neglect_min_sets
        ``neglected_muscles``: a group with fewer than ``neglect_min_sets``
        direct sets over ``neglect_weeks`` weeks in which there was lifting. [weeks], [sets]
    priority_muscles
        Groups named first and making the finding a warning: hip abductors,
        adductors and external rotators, then core and upper body
        (``legday.strength.muscles.RUNNER_PRIORITY_MUSCLES``).
    min_strength_sessions
        ``low_strength_frequency`` below this. [sessions/week]
    min_type2_share, max_hard_share
        ``low_type2_share`` below, ``too_much_hard`` above these shares of the
        running time. [1]
    min_run_min
        Shares are judged only in weeks with at least this much running. [min]
    mileage_weeks, mileage_min_weeks, high_mileage_x, light_week_x
        ``high_mileage_cut_lifting`` when the week's km exceed ``high_mileage_x``
        times the mean of the previous ``mileage_weeks`` weeks (as many as
        there are, at least ``mileage_min_weeks``) in a week with a leg
        session; ``light_week_ramp_lifting`` below ``light_week_x`` times it.
        [weeks], [weeks], [1], [1]
    min_mileage_km
        ... only when that mean is at least this. [km]
    """

    timezone: str = "UTC"
    load: LoadSettings = field(default_factory=LoadSettings)
    hard_x_threshold: float = 0.95
    hard_hr_share: float = 0.85
    minutes_per_set: float = 2.5
    min_session_min: float = 15.0
    leg_session_lower_sets: float = 6.0
    leg_day_hill_min: float = 5.0
    leg_day_sprint_count: int = 6
    leg_day_interval_min: float = 10.0
    leg_day_type2_min: float = 15.0
    maintenance_weeks: int = 3
    route_endpoint_m: float = ENDPOINT_TOLERANCE_M
    route_path_m: float = PATH_TOLERANCE_M
    route_distance_share: float = DISTANCE_TOLERANCE
    route_pace_share: float = 0.02
    ramp_share: float = 0.30
    ramp_min_load_au: float = 100.0
    ramp_min_change: dict[str, float] = field(default_factory=lambda: {
        "run_km": 5.0, "type2_min": 5.0, "hill_min": 5.0, "interval_work_min": 5.0,
        "sprint_count": 6.0})
    flat_weeks: int = 4
    flat_share: float = 0.10
    neglect_weeks: int = 2
    neglect_min_sets: float = 1.0
    priority_muscles: tuple[str, ...] = PRIORITY_MUSCLES
    min_strength_sessions: int = 2
    min_type2_share: float = 0.05
    max_hard_share: float = 0.25
    min_run_min: float = 30.0
    mileage_weeks: int = 4
    mileage_min_weeks: int = 2
    high_mileage_x: float = 1.3
    light_week_x: float = 0.75
    min_mileage_km: float = 10.0


@dataclass(frozen=True)
class Finding:
    """One thing worth saying about a week."""

    code: str
    severity: Severity
    message: str
    week: str

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message}


# --- wording ------------------------------------------------------------------------------

KIND_WORDS = {"run_km": ("running", "km"), "type2_min": ("type-II running", "min"),
              "hill_min": ("hill efforts", "min"), "interval_work_min": ("interval work", "min"),
              "sprint_count": ("sprints", "")}


def _n(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}"


def _qty(value: float, unit: str) -> str:
    digits = 1 if unit == "km" else 0
    return f"{_n(value, digits)} {unit}".rstrip()


def _plural(count: float, word: str) -> str:
    n = int(round(count))
    return f"{n} {word}" + ("" if n == 1 else "s")


def _sentence(words: str) -> str:
    return words[:1].upper() + words[1:]


def muscle_name(group: str) -> str:
    """``hip_abductors`` -> ``hip abductors``."""
    return group.replace("_", " ")


def _day(date: pd.Timestamp) -> str:
    return pd.Timestamp(date).strftime("%a %d %b")


# --- leg day ------------------------------------------------------------------------------

def leg_day(week: pd.Series, settings: AnalysisSettings) -> tuple[str, list[str]]:
    """The week's verdict, ``yes``, ``partly`` or ``no``, and its reasons.

    yes: a leg session (:attr:`AnalysisSettings.leg_session_lower_sets`), or
    type-II running above one of the leg-day amounts, or two weak sources;
    partly: exactly one weak source (some hills, sprints, intervals or
    lower-body sets below those amounts); no: steady running and upper-body
    lifting only.
    """
    s = settings
    strong: list[str] = []
    weak: list[str] = []
    if week["leg_sessions"] > 0:
        strong.append(f"{_plural(week['leg_sessions'], 'lower-body strength session')} "
                      f"({_n(week['lower_sets'])} lower-body sets)")
    elif week["lower_sets"] > 0:
        weak.append(f"{_n(week['lower_sets'])} lower-body sets, short of a leg session")
    sources = (("hill_min", s.leg_day_hill_min,
                lambda v: f"{_n(v)} min of hill efforts ({_n(week['hill_climb_m'])} m climbed)"),
               ("sprint_count", s.leg_day_sprint_count, lambda v: _plural(v, "sprint")),
               ("interval_work_min", s.leg_day_interval_min,
                lambda v: f"{_n(v)} min of interval reps"))
    for column, amount, words in sources:
        value = float(week[column])
        if value >= amount:
            strong.append(words(value))
        elif value > 0:
            weak.append(words(value))
    if not strong and week["type2_min"] >= s.leg_day_type2_min:
        strong.append(f"{_n(week['type2_min'])} min of type-II running in all")
    if strong or len(weak) >= 2:
        return "yes", strong + weak
    if weak:
        return "partly", weak + _missing(week)
    return "no", _missing(week)


def _missing(week: pd.Series) -> list[str]:
    out = []
    if week["run_count"] > 0:
        if week["type2_min"] == 0:
            out.append(f"steady running only ({_n(week['run_km'], 1)} km): it maintains, "
                       "it does not build")
    if week["strength_sessions"] > 0 and week["lower_sets"] == 0:
        sessions = _plural(week["strength_sessions"], "session")
        out.append(f"upper-body or core lifting only ({sessions})")
    if week["run_count"] == 0 and week["strength_sessions"] == 0:
        out.append("no running or lifting recorded")
    elif week["strength_sessions"] == 0:
        out.append("no strength session")
    return out


def _leg_day_finding(label: str, verdict: str, reasons: list[str]) -> Finding:
    severity: Severity = {"yes": "good", "partly": "info"}.get(verdict, "warning")  # type: ignore[assignment]
    return Finding("leg_day", severity, f"Leg day: {verdict}: " + "; ".join(reasons) + ".",
                   label)


# --- the rules ------------------------------------------------------------------------------

Rule = Callable[[pd.DataFrame, int, "Context"], Iterator[Finding]]


@dataclass
class Context:
    """What the rules read besides the weekly table.

    The rules run once per week; what they look up in the run and strength
    tables, and in the weekly table, is indexed here once per
    :func:`weekly_findings` call, so that a long season stays linear.
    """

    runs: pd.DataFrame
    strength: pd.DataFrame
    settings: AnalysisSettings
    _weeks: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    def _of(self, weeks: pd.DataFrame, key: Any, make: Callable[[], Any]) -> Any:
        """What ``make`` reads from ``weeks``, made once per weekly table."""
        if self._weeks is not weeks:
            self._weeks, self._cache = weeks, {}
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]

    def label(self, weeks: pd.DataFrame, i: int) -> str:
        """``str(weeks.index[i])``."""
        labels: list[str] = self._of(weeks, "labels", lambda: [str(w) for w in weeks.index])
        return labels[i]

    def row(self, weeks: pd.DataFrame, i: int) -> pd.Series:
        """``weeks.iloc[i]``, built once for all the rules."""
        row: pd.Series = self._of(weeks, ("row", i), lambda: weeks.iloc[i])
        return row

    def column(self, weeks: pd.DataFrame, name: str) -> np.ndarray:
        """``weeks[name]`` as float, NaN for missing."""
        values: np.ndarray = self._of(weeks, ("column", name), lambda: weeks[name].to_numpy(
            dtype=float, na_value=np.nan))
        return values

    def filled(self, weeks: pd.DataFrame, name: str) -> np.ndarray:
        """:meth:`column` with NaN as 0, as ``Series.sum`` and ``Series.mean`` add it up."""
        def make() -> np.ndarray:
            values = self.column(weeks, name)
            return np.where(np.isnan(values), 0.0, values)
        filled: np.ndarray = self._of(weeks, ("filled", name), make)
        return filled

    def muscle_sets(self, weeks: pd.DataFrame) -> list[tuple[str, np.ndarray]]:
        """Each ``sets_<group>`` column, :meth:`filled`, as ``(group, values)``."""
        groups: list[tuple[str, np.ndarray]] = self._of(weeks, "muscle_sets", lambda: [
            (c.removeprefix("sets_"), self.filled(weeks, c))
            for c in weeks.columns if c.startswith("sets_")])
        return groups

    @cached_property
    def steady_routes(self) -> tuple[dict[Any, list[tuple[Any, float, float]]],
                                     dict[tuple[Any, Any], list[float]]]:
        """Steady runs on a known route: ``(route_id, speed_mps, distance_m)`` by week
        (in run-table order), and their speeds by ``(route_id, week)``."""
        runs = self.runs
        steady = runs[(runs["primary"] == "steady") & runs["route_id"].notna()]
        by_week: dict[Any, list[tuple[Any, float, float]]] = {}
        by_route_week: dict[tuple[Any, Any], list[float]] = {}
        for week, route, speed, distance in zip(steady["week"].tolist(),
                                                steady["route_id"].tolist(),
                                                steady["speed_mps"].tolist(),
                                                steady["distance_m"].tolist(), strict=True):
            by_week.setdefault(week, []).append((route, speed, distance))
            by_route_week.setdefault((route, week), []).append(speed)
        return by_week, by_route_week

    @cached_property
    def hard_runs(self) -> dict[Any, list[tuple[pd.Timestamp, str]]]:
        """The hard runs (:data:`HARD_RUN_KINDS`) by week as ``(date, primary)``, in the
        order ``sort_values("date")`` gives (its quicksort, missing dates last)."""
        hard = self.runs[self.runs["primary"].isin(HARD_RUN_KINDS)]
        rows: dict[Any, list[int]] = {}
        for k, week in enumerate(hard["week"].tolist()):
            rows.setdefault(week, []).append(k)
        values = hard["date"].to_numpy()
        dates, primaries = hard["date"].tolist(), hard["primary"].tolist()
        by_week: dict[Any, list[tuple[pd.Timestamp, str]]] = {}
        for week, ks in rows.items():
            week_values = values[ks]
            missing = np.asarray(pd.isna(week_values), dtype=bool)
            present = np.flatnonzero(~missing)
            order = (present[week_values[present].argsort(kind="quicksort")].tolist()
                     + np.flatnonzero(missing).tolist())
            by_week[week] = [(dates[ks[j]], primaries[ks[j]]) for j in order]
        return by_week

    @cached_property
    def leg_days(self) -> set[pd.Timestamp]:
        """The dates of the leg sessions."""
        dates = self.strength.loc[self.strength["is_leg_session"], "date"]
        return {d for d in dates.tolist() if not pd.isna(d)}


def _nan_max(values: np.ndarray) -> float:
    """``Series.max()``: NaN skipped, NaN when nothing is left."""
    present = values[~np.isnan(values)]
    return float(present.max()) if len(present) else float("nan")


def _previous_mean(weeks: pd.DataFrame, i: int, column: str, n: int, ctx: Context) -> float:
    """``weeks[column]`` over the ``n`` weeks before ``i``, averaged as ``Series.mean`` does
    (NaN skipped: numpy's sum with NaN as 0, over the count of the others)."""
    start = max(0, i - n)
    if start == i:
        return float("nan")
    count = int(np.count_nonzero(~np.isnan(ctx.column(weeks, column)[start:i])))
    total = ctx.filled(weeks, column)[start:i].sum()
    return float(total / count) if count else float("nan")


def rule_ramp_spike(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    label = ctx.label(weeks, i)
    loads = ctx.column(weeks, "load")
    before = loads[max(0, i - 3):i]
    load = float(loads[i])
    # Against the highest recent week: coming back from a cut-back week is no spike.
    top = _nan_max(before) if len(before) else float("nan")
    if np.isfinite(top) and top >= s.ramp_min_load_au and load > (1 + s.ramp_share) * top:
        yield Finding("ramp_spike", "warning",
                      f"Load {_n(load)} AU is {_n(100 * (load / top - 1))} % above your highest "
                      f"of the previous {len(before)} weeks ({_n(top)} AU); described, not a "
                      f"prediction: this week is {load / top:.1f} x your recent top.", label)
    for column, min_change in s.ramp_min_change.items():
        values = ctx.column(weeks, column)
        before = values[max(0, i - 3):i]
        value = float(values[i])
        # Only an established kind can spike: done in each of at least two previous weeks
        # (hills one week, intervals the next is a rotation, not a jump).
        if len(before) < 2 or not (before > 0).all():
            continue
        top = float(before.max())
        if value > (1 + s.ramp_share) * top and value - top >= min_change:
            word, unit = KIND_WORDS[column]
            yield Finding("ramp_spike", "warning",
                          f"{_sentence(word)} jumped to {_qty(value, unit)}, "
                          f"{_n(100 * (value / top - 1))} % above your highest of the previous "
                          f"{len(before)} weeks ({_qty(top, unit)}).", label)


def rule_flat_progression(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    if i + 1 < s.flat_weeks:
        return
    for column in ("hill_min", "sprint_count", "interval_work_min"):
        window = ctx.column(weeks, column)[i + 1 - s.flat_weeks:i + 1]
        top = float(window.max())
        if (window > 0).all() and (top - window.min()) <= s.flat_share * top:
            word, unit = KIND_WORDS[column]
            yield Finding("flat_progression", "info",
                          f"{_sentence(word)} stayed at {_qty(window.min(), unit)} to "
                          f"{_qty(top, unit)} for {s.flat_weeks} weeks: add a rep, a steeper "
                          "hill or a faster pace to keep building.", ctx.label(weeks, i))


def rule_maintenance_only(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    n = s.maintenance_weeks
    if i + 1 < n or ctx.runs.empty:
        return
    labels = [ctx.label(weeks, j) for j in range(i + 1 - n, i + 1)]
    by_week, by_route_week = ctx.steady_routes
    for route, speed, distance in by_week.get(labels[-1], ()):
        # A run at the same pace on the same route in each of the previous weeks.
        if all(any(same_pace(v, speed, s.route_pace_share)
                   for v in by_route_week.get((route, w), ())) for w in labels[:-1]):
            pace = 1000.0 / speed
            yield Finding("maintenance_only", "info",
                          f"The same {distance / 1000:.1f} km route at the same pace "
                          f"({int(pace // 60)}:{int(round(pace % 60)):02d}/km, within "
                          f"{_n(100 * s.route_pace_share)} %) for {n} weeks running "
                          f"({labels[0]} to {labels[-1]}): it maintains, it no longer builds.",
                          labels[-1])
            return


def rule_neglected_muscles(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    if i + 1 < s.neglect_weeks:
        return
    start = i + 1 - s.neglect_weeks
    # Summed as Series.sum does (NaN as 0, numpy's sum of the window).
    sessions = float(ctx.filled(weeks, "strength_sessions")[start:i + 1].sum())
    if sessions == 0:
        return
    neglected = [g for g, sets in ctx.muscle_sets(weeks)
                 if sets[start:i + 1].sum() < s.neglect_min_sets]
    if not neglected:
        return
    first = [g for g in s.priority_muscles if g in neglected]
    ordered = first + [g for g in neglected if g not in first]
    shown = ", ".join(muscle_name(g) for g in ordered[:6])
    more = f" and {len(ordered) - 6} more" if len(ordered) > 6 else ""
    yield Finding("neglected_muscles", "warning" if first else "info",
                  f"No direct work for {s.neglect_weeks} weeks on {shown}{more} "
                  f"(in {_plural(sessions, 'session')}).",
                  ctx.label(weeks, i))


def rule_strength_frequency(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    if week["strength_sessions"] < s.min_strength_sessions:
        yield Finding("low_strength_frequency", "warning",
                      f"{_plural(week['strength_sessions'], 'strength session')} this week "
                      f"({_n(week['strength_min'])} min); aim for "
                      f"{s.min_strength_sessions}-3, and 15-20 min sessions count.", label)
    if week["lower_sets"] > 0 and week["single_leg_sessions"] == 0:
        yield Finding("no_single_leg_work", "info",
                      f"{_n(week['lower_sets'])} lower-body sets but no single-leg move "
                      "(split squat, step-up, single-leg deadlift): running is on one leg "
                      "at a time.", label)


def rule_running_mix(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    if week["run_min"] < s.min_run_min:
        return
    if week["type2_share"] < s.min_type2_share:
        yield Finding("low_type2_share", "warning",
                      f"Only {_n(100 * week['type2_share'])} % of {_n(week['run_min'])} min of "
                      f"running was hills, sprints or intervals ({_n(week['type2_min'], 1)} min); "
                      "type-II work is what builds the legs.", label)
    if week["hard_share"] > s.max_hard_share:
        yield Finding("too_much_hard", "warning",
                      f"{_n(100 * week['hard_share'])} % of running was hard "
                      f"({_n(week['hard_min'])} of {_n(week['run_min'])} min), above "
                      f"{_n(100 * s.max_hard_share)} %: keep the easy days easy.", label)


def rule_hard_days(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    label = ctx.label(weeks, i)
    runs, strength = ctx.runs, ctx.strength
    if runs.empty or strength.empty:
        return
    leg_days = ctx.leg_days
    seen: set[pd.Timestamp] = set()
    for date, primary in ctx.hard_runs.get(label, ()):
        day_before = date - pd.Timedelta(days=1)
        if day_before in seen or day_before not in leg_days:
            continue
        seen.add(day_before)
        yield Finding("hard_days_not_hard", "warning",
                      f"Lower-body lifting on {_day(day_before)}, the day before the "
                      f"{primary} run on {_day(date)}: lift after the hard run "
                      "(same day) or the day after, so hard days stay hard.", label)


def rule_mileage(weeks: pd.DataFrame, i: int, ctx: Context) -> Iterator[Finding]:
    s = ctx.settings
    n = min(i, s.mileage_weeks)
    if n < s.mileage_min_weeks:
        return
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    mean_km = _previous_mean(weeks, i, "run_km", n, ctx)
    if mean_km < s.min_mileage_km:
        return
    km = float(week["run_km"])
    ratio = km / mean_km
    if ratio > s.high_mileage_x and week["leg_sessions"] > 0:
        yield Finding("high_mileage_cut_lifting", "info",
                      f"{_n(km, 1)} km is {_n(100 * (ratio - 1))} % above your "
                      f"{n}-week average ({_n(mean_km, 1)} km): cut lower-body "
                      f"lifting this week ({_plural(week['leg_sessions'], 'leg session')}, "
                      f"{_n(week['lower_sets'])} sets) to one short session.", label)
    elif ratio < s.light_week_x:
        yield Finding("light_week_ramp_lifting", "info",
                      f"Light week: {_n(km, 1)} km is {_n(100 * (1 - ratio))} % below your "
                      f"{n}-week average ({_n(mean_km, 1)} km): a good week to "
                      f"ramp up lower-body lifting (this week "
                      f"{_plural(week['leg_sessions'], 'leg session')}).", label)


RULES: tuple[Rule, ...] = (rule_ramp_spike, rule_flat_progression, rule_maintenance_only,
                           rule_neglected_muscles, rule_strength_frequency, rule_running_mix,
                           rule_hard_days, rule_mileage)


def weekly_findings(weeks: pd.DataFrame, runs: pd.DataFrame, strength: pd.DataFrame,
                    settings: AnalysisSettings) -> tuple[pd.DataFrame, list[Finding]]:
    """The leg-day verdict and every finding of every week.

    Parameters
    ----------
    weeks
        The weekly table from :func:`legday.weekly.weekly_table` (sorted, one
        row per ISO week).
    runs
        The run table (``week``, ``date``, ``primary``, ``route_id``,
        ``speed_mps``, ``distance_m``).
    strength
        The strength-session table (``date``, ``is_leg_session``).
    settings
        Thresholds.

    Returns
    -------
    verdicts, findings
        ``leg_day`` and ``leg_day_reasons`` per week; all findings in week order.
    """
    ctx = Context(runs, strength, settings)
    verdicts: dict[str, list[Any]] = {"leg_day": [], "leg_day_reasons": []}
    findings: list[Finding] = []
    for i, label in enumerate(weeks.index):
        verdict, reasons = leg_day(ctx.row(weeks, i), settings)
        verdicts["leg_day"].append(verdict)
        verdicts["leg_day_reasons"].append(reasons)
        findings.append(_leg_day_finding(str(label), verdict, reasons))
        for rule in RULES:
            findings.extend(rule(weeks, i, ctx))
    return pd.DataFrame(verdicts, index=weeks.index), findings

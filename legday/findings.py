"""Weekly findings: the leg-day verdict and the coaching rules, each with its threshold.

Every threshold lives in :class:`legday.schema.AnalysisSettings` (documented
defaults, any of them overridable with ``dataclasses.replace``); distances and
paces are written in the settings' ``distance_unit``. The rules read the weekly table
built by :mod:`legday.weekly` plus the run and strength-session tables; each
finding is one plain sentence that cites the week's numbers. ``docs/weekly.md``
lists every rule. Load ratios are described, never read as injury predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from legday.routes import same_pace
from legday.schema import HARD_RUN_KINDS, MINUTE_S, TEMPO_RUN_S, AnalysisSettings, Severity
from legday.terrain import STEEP_DESCENT_PCT
from legday.units import Units


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

#: What a weekly volume column is called in a sentence, and its unit there.
KIND_WORDS = {"run_distance_m": ("running", "distance"), "type2_s": ("type-II running", "min"),
              "hill_s": ("hill efforts", "min"), "interval_work_s": ("interval work", "min"),
              "sprint_count": ("sprints", "")}


def _n(value: float, digits: int = 0) -> str:
    return f"{value:.{digits}f}"


def _minutes(seconds: float, digits: int = 0) -> str:
    """A duration in whole minutes, as the sentences write it: ``12``."""
    return _n(seconds / MINUTE_S, digits)


def _qty(value: float, unit: str, units: Units) -> str:
    """A column's value in a sentence: a distance in the athlete's unit, seconds as minutes."""
    if unit == "distance":
        return units.fmt_distance(value, 1)
    if unit == "min":
        return f"{_minutes(value)} min"
    return _n(value)


def _percent(share: float) -> str:
    """A share in per cent, with a decimal below 1 % (never "only 0 %" beside minutes)."""
    value = 100 * float(share)
    return f"{_n(value, 1 if 0 < value < 0.5 else 0)} %"


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

#: What each other sport is called in a sentence.
SPORT_WORDS = {"ride": "cycling", "swim": "swimming", "walk": "walking", "hike": "hiking",
               "other": "other sport"}


def _duration_words(seconds: float) -> str:
    """``40 s`` under a minute, else ``12 min``."""
    return f"{_n(seconds)} s" if seconds < MINUTE_S else f"{_minutes(seconds)} min"


def other_sports_words(week: pd.Series, units: Units) -> str:
    """The week's other sports, ``115.0 km cycling, 45 min swimming`` ('' when none)."""
    parts = []
    for sport, word in SPORT_WORDS.items():
        seconds = float(week.get(f"other_{sport}_s", 0.0) or 0.0)
        metres = float(week.get(f"other_{sport}_distance_m", 0.0) or 0.0)
        if metres > 0:
            parts.append(f"{units.fmt_distance(metres, 1)} {word}")
        elif seconds > 0:
            parts.append(f"{_duration_words(seconds)} {word}")
    return ", ".join(parts)


@dataclass(frozen=True)
class LegDayEvidence:
    """What a week gave the legs, sorted the way the verdict weighs it.

    Attributes
    ----------
    session
        The lower-body strength sessions, e.g. ``1 lower-body strength session (12
        lower-body sets)``; '' when none.
    short_sets
        Lower-body sets short of a leg session; '' when none (or when there was one).
    doses
        Running that reached a real leg dose (each source's amount in
        :class:`~legday.schema.AnalysisSettings`): hill reps, sprints, strides, interval
        reps, type-II running in all, steep descents.
    small
        Type-II running or steep descent below a real dose (a handful of strides).
    context
        What else the week held: steady running only, tempo, upper-body lifting, other
        sports, nothing.
    """

    session: str
    short_sets: str
    doses: list[str]
    small: list[str]
    context: list[str]

    @property
    def verdict(self) -> str:
        """yes with a lower-body session; partly with a real running dose or some
        lower-body sets; no otherwise."""
        if self.session:
            return "yes"
        return "partly" if self.doses or self.short_sets else "no"

    def reasons(self) -> list[str]:
        """The sentences behind :attr:`verdict`, most weight first."""
        below = ["below a real leg dose: " + ", ".join(self.small)] if self.small else []
        if self.session:
            return [self.session, *self.doses, *below, *self.context]
        out = [*self.doses]
        if self.short_sets:
            out.append(self.short_sets)
        out += below
        if not self.doses:
            return out + self.context
        out.append("no lower-body strength session: running alone is at most partly a leg day")
        return out + [c for c in self.context if c != NO_STRENGTH_SESSION]


def leg_day_evidence(week: pd.Series, settings: AnalysisSettings) -> LegDayEvidence:
    """The week's leg evidence (:class:`LegDayEvidence`); ``docs/weekly.md`` has the rule."""
    s = settings
    units = Units(s.distance_unit)
    session = short_sets = ""
    if week["leg_sessions"] > 0:
        session = (f"{_plural(week['leg_sessions'], 'lower-body strength session')} "
                   f"({_n(week['lower_sets'])} lower-body sets)")
    elif week["lower_sets"] > 0:
        short_sets = f"{_n(week['lower_sets'])} lower-body sets, short of a leg session"
    doses: list[str] = []
    small: list[str] = []
    hill_s, hills = float(week["hill_s"]), int(week.get("hill_rep_count", 0))
    hill_words = (f"{_duration_words(hill_s)} of hill efforts ({_plural(hills, 'effort')}, "
                  f"{_n(week['hill_climb_m'])} m climbed)")
    interval_s, reps = float(week["interval_work_s"]), int(week["interval_rep_count"])
    interval_words = f"{_duration_words(interval_s)} of interval reps ({_plural(reps, 'rep')})"
    sources = (
        (hill_s > 0, hill_s >= s.leg_day_hill_s and hills >= s.leg_day_hill_reps, hill_words),
        (interval_s > 0, interval_s >= s.leg_day_interval_s and reps >= s.leg_day_interval_reps,
         interval_words),
        (week["sprint_count"] > 0, week["sprint_count"] >= s.leg_day_sprint_count,
         _plural(week["sprint_count"], "sprint")),
        (week.get("stride_count", 0) > 0,
         week.get("stride_count", 0) >= s.leg_day_stride_count,
         _plural(week.get("stride_count", 0), "stride")))
    for present, real, words in sources:
        if real:
            doses.append(words)
        elif present:
            small.append(words)
    if not doses and week["type2_s"] >= s.leg_day_type2_s:
        pieces = f" ({', '.join(small)})" if small else ""
        doses.append(f"{_minutes(week['type2_s'])} min of type-II running in all{pieces}")
        small = []
    steep_m = float(week.get("steep_descent_m", 0.0) or 0.0)
    steep_words = f"{_n(steep_m)} m of steep descent (> {_n(STEEP_DESCENT_PCT)} %) running"
    if steep_m >= s.leg_day_steep_descent_m:
        doses.append(steep_words + ": eccentric leg work")
    elif steep_m >= 0.2 * s.leg_day_steep_descent_m:
        small.append(steep_words)
    return LegDayEvidence(session, short_sets, doses, small, _context(week, units))


def leg_day(week: pd.Series, settings: AnalysisSettings) -> tuple[str, list[str]]:
    """The week's verdict, ``yes``, ``partly`` or ``no``, and its reasons.

    yes: a lower-body strength session (:attr:`AnalysisSettings.leg_session_lower_sets`);
    partly: running that reached a real leg dose (hill reps, sprints, strides, interval
    reps or type-II running in all, steep descents; minutes and reps, each amount a
    setting), or lower-body sets short of a session; no: anything less.
    """
    evidence = leg_day_evidence(week, settings)
    return evidence.verdict, evidence.reasons()


#: The context sentence of a week without lifting.
NO_STRENGTH_SESSION = "no strength session"
#: Less hard steady running than this is not named as tempo in the verdict. [s]
TEMPO_NAMED_S = 5 * MINUTE_S


def _context(week: pd.Series, units: Units) -> list[str]:
    out = []
    tempo_s = float(week.get("tempo_s", 0.0) or 0.0)
    if week["run_count"] > 0 and week["type2_s"] == 0 and tempo_s == 0:
        out.append(f"steady running only ({units.fmt_distance(week['run_distance_m'], 1)}):"
                   " it maintains, it does not build")
    if tempo_s >= TEMPO_NAMED_S:
        out.append(f"tempo {_duration_words(tempo_s)}: hard running, but aerobic work rather "
                   "than leg strength")
    if week["strength_sessions"] > 0 and week["lower_sets"] == 0:
        sessions = _plural(week["strength_sessions"], "session")
        out.append(f"upper-body or core lifting only ({sessions})")
    others = other_sports_words(week, units)
    if week["run_count"] == 0 and week["strength_sessions"] == 0:
        out.append(f"no running or lifting; {others}" if others
                   else "no running or lifting recorded")
    else:
        if week["strength_sessions"] == 0:
            out.append(NO_STRENGTH_SESSION)
        if others:
            out.append(f"also {others}")
    return out


def _leg_day_finding(label: str, verdict: str, reasons: list[str]) -> Finding:
    severity: Severity = {"yes": "good", "partly": "info"}.get(verdict, "warning")  # type: ignore[assignment]
    return Finding("leg_day", severity, f"Leg day: {verdict}: " + "; ".join(reasons) + ".",
                   label)


# --- the rules ------------------------------------------------------------------------------

Rule = Callable[[pd.DataFrame, int, "RuleContext"], Iterator[Finding]]


@dataclass
class RuleContext:
    """What the rules read besides the weekly table.

    The rules run once per week; what they look up in the run and strength
    tables, and in the weekly table, is indexed here once per
    :func:`weekly_findings` call, so that a long season stays linear.
    """

    runs: pd.DataFrame
    strength: pd.DataFrame
    settings: AnalysisSettings
    units: Units = field(init=False)
    _weeks: pd.DataFrame | None = field(default=None, init=False, repr=False)
    _cache: dict[Any, Any] = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self) -> None:
        self.units = Units(self.settings.distance_unit)

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
        """:meth:`column` with NaN as 0, for sums."""
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
        """The hard runs (:data:`legday.schema.HARD_RUN_KINDS`, and steady runs with
        :data:`legday.schema.TEMPO_RUN_S` of tempo, as ``tempo``) by week as ``(date,
        primary)``, by date (missing dates last; runs on one date in run-table order)."""
        runs = self.runs
        tempo = (pd.to_numeric(runs["tempo_s"], errors="coerce").fillna(0.0) >= TEMPO_RUN_S
                 if "tempo_s" in runs.columns else pd.Series(False, index=runs.index))
        hard = runs[runs["primary"].isin(HARD_RUN_KINDS) | tempo].assign(
            primary=runs["primary"].where(~tempo | runs["primary"].isin(HARD_RUN_KINDS),
                                          "tempo"))
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
            order = (present[week_values[present].argsort(kind="stable")].tolist()
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


def _previous_mean(weeks: pd.DataFrame, i: int, column: str, n: int, ctx: RuleContext) -> float:
    """The mean of ``weeks[column]`` over the ``n`` weeks before ``i``, NaN skipped."""
    start = max(0, i - n)
    if start == i:
        return float("nan")
    count = int(np.count_nonzero(~np.isnan(ctx.column(weeks, column)[start:i])))
    total = ctx.filled(weeks, column)[start:i].sum()
    return float(total / count) if count else float("nan")


def rule_ramp_spike(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
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
                      f"of the previous {len(before)} weeks ({_n(top)} AU): "
                      f"{load / top:.1f} x your recent top.", label)
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
                          f"{_sentence(word)} jumped to {_qty(value, unit, ctx.units)}, "
                          f"{_n(100 * (value / top - 1))} % above your highest of the previous "
                          f"{len(before)} weeks ({_qty(top, unit, ctx.units)}).", label)


def rule_flat_progression(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
    s = ctx.settings
    if i + 1 < s.flat_weeks:
        return
    for column in ("hill_s", "sprint_count", "interval_work_s"):
        window = ctx.column(weeks, column)[i + 1 - s.flat_weeks:i + 1]
        top = float(window.max())
        if (window > 0).all() and (top - window.min()) <= s.flat_share * top:
            word, unit = KIND_WORDS[column]
            yield Finding("flat_progression", "info",
                          f"{_sentence(word)} stayed at {_qty(window.min(), unit, ctx.units)} "
                          f"to {_qty(top, unit, ctx.units)} for {s.flat_weeks} weeks: add a rep, "
                          "a steeper hill or a faster pace to keep building.", ctx.label(weeks, i))


def rule_maintenance_only(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
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
            yield Finding("maintenance_only", "info",
                          f"The same {ctx.units.fmt_distance(distance, 1)} route at the same "
                          f"pace ({ctx.units.fmt_pace(speed)}, within "
                          f"{_n(100 * s.route_pace_share)} %) for {n} weeks running "
                          f"({labels[0]} to {labels[-1]}): it maintains, it no longer builds.",
                          labels[-1])
            return


def rule_neglected_muscles(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
    s = ctx.settings
    if i + 1 < s.neglect_weeks:
        return
    start = i + 1 - s.neglect_weeks
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


def rule_strength_frequency(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
    s = ctx.settings
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    if week["strength_sessions"] < s.min_strength_sessions:
        yield Finding("low_strength_frequency", "warning",
                      f"{_plural(week['strength_sessions'], 'strength session')} this week "
                      f"({_minutes(week['strength_s'])} min); aim for "
                      f"{s.min_strength_sessions}-3, and 15-20 min sessions count.", label)
    if week["lower_sets"] > 0 and week["single_leg_sessions"] == 0:
        yield Finding("no_single_leg_work", "info",
                      f"{_n(week['lower_sets'])} lower-body sets but no single-leg move "
                      "(split squat, step-up, single-leg deadlift): running is on one leg "
                      "at a time.", label)


def rule_running_mix(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
    s = ctx.settings
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    if week["run_s"] < s.min_run_s:
        return
    tempo_s = float(week.get("tempo_s", 0.0) or 0.0)
    tempo = (f"; tempo {_duration_words(tempo_s)} was hard, but not leg work"
             if tempo_s >= TEMPO_NAMED_S else "")
    # A real dose of type-II running is named by the verdict: no "few hard efforts" beside it.
    running_dose = bool(leg_day_evidence(week, s).doses)
    if week["type2_share"] < s.min_type2_share and not running_dose:
        yield Finding("low_type2_share", "warning",
                      f"Few hard efforts: only {_percent(week['type2_share'])} of "
                      f"{_minutes(week['run_s'])} min of running was hills, sprints or "
                      f"intervals ({_minutes(week['type2_s'], 1)} min){tempo}; "
                      "type-II work is what builds the legs.", label)
    if week["hard_share"] > s.max_hard_share:
        parts = [f"tempo {_duration_words(tempo_s)}"] if tempo_s else []
        if week["type2_s"] > 0:
            parts.append(f"hills, sprints and intervals {_duration_words(week['type2_s'])}")
        yield Finding("too_much_hard", "warning",
                      f"{_n(100 * week['hard_share'])} % of running was hard "
                      f"({_minutes(week['hard_s'])} of {_minutes(week['run_s'])} min: "
                      f"{', '.join(parts)}), above "
                      f"{_n(100 * s.max_hard_share)} %: keep the easy days easy.", label)


def rule_hard_days(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
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


def rule_mileage(weeks: pd.DataFrame, i: int, ctx: RuleContext) -> Iterator[Finding]:
    s = ctx.settings
    n = min(i, s.mileage_weeks)
    if n < s.mileage_min_weeks:
        return
    week = ctx.row(weeks, i)
    label = ctx.label(weeks, i)
    mean_m = _previous_mean(weeks, i, "run_distance_m", n, ctx)
    if mean_m < s.min_mileage_m:
        return
    metres = float(week["run_distance_m"])
    ratio = metres / mean_m
    distance, mean = ctx.units.fmt_distance(metres, 1), ctx.units.fmt_distance(mean_m, 1)
    if ratio > s.high_mileage_x and week["leg_sessions"] > 0:
        yield Finding("high_mileage_cut_lifting", "info",
                      f"{distance} is {_n(100 * (ratio - 1))} % above your "
                      f"{n}-week average ({mean}): cut lower-body "
                      f"lifting this week ({_plural(week['leg_sessions'], 'leg session')}, "
                      f"{_n(week['lower_sets'])} sets) to one short session.", label)
    elif ratio < s.light_week_x:
        yield Finding("light_week_ramp_lifting", "info",
                      f"Light week: {distance} is {_n(100 * (1 - ratio))} % below your "
                      f"{n}-week average ({mean}): a good week to "
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
    ctx = RuleContext(runs, strength, settings)
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


# --- standing notes -------------------------------------------------------------------------

#: Findings that, repeated week after week, say one thing about the season.
STANDING_CODES: tuple[str, ...] = ("low_strength_frequency", "low_type2_share",
                                   "no_single_leg_work")


@dataclass(frozen=True)
class StandingNote:
    """One finding that fired in most weeks, said once, with what to do about it.

    ``page`` names the dashboard page the ``action`` points to (``strength``: the
    Strength log), '' when none.
    """

    code: str
    severity: Severity
    message: str
    action: str
    page: str
    weeks: int
    first: str
    last: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "severity": self.severity, "message": self.message,
                "action": self.action, "page": self.page, "weeks": self.weeks,
                "first": self.first, "last": self.last}


def _standing_words(code: str, count: int, weeks: pd.DataFrame,
                    settings: AnalysisSettings) -> tuple[str, str, str]:
    """The message, the action and the page of a standing note."""
    n = len(weeks)
    if code == "low_strength_frequency":
        total = int(weeks["strength_sessions"].sum())
        if total == 0:
            return (f"No strength session logged in any of the {n} weeks: legday judges your "
                    "running alone, and running alone is at most partly a leg day.",
                    "Log your lifting: Strength log (by hand, or a Strong or Hevy CSV).",
                    "strength")
        return (f"Fewer than {settings.min_strength_sessions} strength sessions in {count} of "
                f"{n} weeks ({_plural(total, 'session')} in all): aim for "
                f"{settings.min_strength_sessions}-3 a week; 15-20 min sessions count.",
                "Log every session: Strength log (a session not logged does not count).",
                "strength")
    if code == "low_type2_share":
        return (f"Few hard efforts in {count} of {n} weeks: under "
                f"{_n(100 * settings.min_type2_share)} % of the running was hills, sprints or "
                "intervals.", "Add one session of hill reps or sprints a week.", "")
    return (f"Lower-body sets without a single-leg move in {count} of {n} weeks: running is "
            "on one leg at a time.", "Add split squats, step-ups or single-leg deadlifts.", "")


def fold_standing(weeks: pd.DataFrame, findings: list[Finding], settings: AnalysisSettings,
                  ) -> tuple[list[Finding], list[StandingNote]]:
    """Findings of :data:`STANDING_CODES` that fire in at least
    :attr:`~AnalysisSettings.standing_min_weeks` weeks and in at least
    :attr:`~AnalysisSettings.standing_share` of the season's weeks become one
    :class:`StandingNote` each; the other findings are returned as they were."""
    n = len(weeks)
    notes: list[StandingNote] = []
    folded: set[str] = set()
    for code in STANDING_CODES:
        fired = sorted({f.week for f in findings if f.code == code})
        if len(fired) < max(settings.standing_min_weeks, settings.standing_share * n):
            continue
        severity = next(f.severity for f in findings if f.code == code)
        message, action, page = _standing_words(code, len(fired), weeks, settings)
        notes.append(StandingNote(code, severity, message, action, page, len(fired),
                                  fired[0], fired[-1]))
        folded.add(code)
    return [f for f in findings if f.code not in folded], notes

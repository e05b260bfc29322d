"""Read FIT activity files (Garmin, COROS, Suunto, Wahoo, Polar, Zwift, ...) into activities.

:mod:`legday.io.fit_fast` decodes the messages (fitparse, in :mod:`legday.io.fit_fitparse`,
takes the files it refuses); this module turns them into activities, with what real
watch exports need: chained files, damaged and truncated files (the readable part is
kept and the activity is marked partial), malformed field definitions, damaged
timestamps that would stretch an activity, multisport files (one activity per session,
at most ``max_sessions``) and the unit conversions of legday's canonical model.

Separate ``hr`` messages (heart rate stored by chest straps during pool swims) are
not merged into the samples: only ``record`` messages become samples.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from legday.errors import CorruptFile, EmptyActivity, LimitExceeded, NotAnActivity
from legday.io.fit_layout import (
    ACTIVITY,
    EVENT,
    FILE_ID,
    LAP,
    LENGTH,
    RECORDS_BEFORE,
    SESSION,
    SET,
    SPORT,
    WORKOUT,
    WORKOUT_STEP,
    Layout,
    Messages,
    as_float,
    scan_layout,
)
from legday.io.sport import has_lifting_sets, normalise_sport, session_sport
from legday.model import (
    EVENT_COLUMNS,
    LAP_COLUMNS,
    SET_COLUMNS,
    Activity,
    Device,
    Sport,
    Workout,
    WorkoutStep,
    content_id,
    make_frame,
    make_samples,
)

__all__ = ["read_fit", "read_workout"]

#: Seconds between the Unix epoch and the FIT epoch (1989-12-31T00:00:00Z).
FIT_EPOCH_S = 631_065_600
#: FIT times below this are seconds since the device was switched on, not clock times.
_RELATIVE_TIME_LIMIT = 0x10000000
_SEMICIRCLE_DEG = 180.0 / 2**31

#: Garmin exercise categories (FIT profile ``exercise_category``), for raw numbers.
EXERCISE_CATEGORIES: dict[int, str] = {
    0: "bench_press", 1: "calf_raise", 2: "cardio", 3: "carry", 4: "chop", 5: "core",
    6: "crunch", 7: "curl", 8: "deadlift", 9: "flye", 10: "hip_raise", 11: "hip_stability",
    12: "hip_swing", 13: "hyperextension", 14: "lateral_raise", 15: "leg_curl", 16: "leg_raise",
    17: "lunge", 18: "olympic_lift", 19: "plank", 20: "plyo", 21: "pull_up", 22: "push_up",
    23: "row", 24: "shoulder_press", 25: "shoulder_stability", 26: "shrug", 27: "sit_up",
    28: "squat", 29: "total_body", 30: "triceps_extension", 31: "warm_up", 32: "run",
    33: "bike", 34: "cardio_sensors", 35: "move", 36: "pose", 37: "banded_exercises",
    38: "battle_rope", 39: "elliptical", 40: "floor_climb", 41: "indoor_bike",
    42: "indoor_row", 43: "ladder", 44: "sandbag", 45: "sled", 46: "sledge_hammer",
    47: "stair_stepper", 49: "suspension", 50: "tire", 52: "run_indoor", 53: "bike_outdoor",
    65534: "unknown",
}

#: Lap intensity by raw value; fitparse 1.2.0 names only 0-3.
_INTENSITIES: dict[int, str] = {
    0: "active", 1: "rest", 2: "warmup", 3: "cooldown", 4: "recovery", 5: "interval",
}
_INTENSITY_NAMES = frozenset(_INTENSITIES.values())

_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_SET_TYPES: dict[Any, str] = {"active": "active", "rest": "rest", 1: "active", 0: "rest"}
_STEP_CADENCE_SPORTS = frozenset(
    {Sport.RUN, Sport.TRAIL_RUN, Sport.TREADMILL_RUN, Sport.WALK, Sport.HIKE}
)

#: What a runner calls each FIT file type that is not an activity recording.
_FILE_KINDS: dict[str, str] = {
    "device": "a device description file",
    "settings": "a settings file",
    "sport": "a sport settings file",
    "workout": "a workout plan",
    "course": "a course (a planned route)",
    "schedules": "a training schedule",
    "weight": "a weight-scale measurement",
    "totals": "a lifetime totals file",
    "goals": "a goals file",
    "blood_pressure": "a blood-pressure measurement",
    "monitoring_a": "daily activity tracking (monitoring) data",
    "monitoring_b": "daily activity tracking (monitoring) data",
    "monitoring_daily": "daily activity tracking (monitoring) data",
    "activity_summary": "an activity summary without the recording",
    "segment": "a segment",
    "segment_list": "a segment list",
    "exd_configuration": "a data-screen configuration",
}

# ---------------------------------------------------------------------------
# Times


@dataclass(frozen=True)
class _Clock:
    """Which FIT times are usable: clock times, or (for old devices) times since power-on."""

    relative: bool

    def seconds(self, raw: Any) -> float | None:
        """FIT seconds of a raw time field, or None when it is missing or of the other kind."""
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            if (raw < _RELATIVE_TIME_LIMIT) == self.relative:
                return float(raw)
        return None

    def valid(self, seconds: np.ndarray) -> np.ndarray:
        ok = ~np.isnan(seconds)
        if self.relative:
            return ok & (seconds < _RELATIVE_TIME_LIMIT)
        return ok & (seconds >= _RELATIVE_TIME_LIMIT)


def _to_datetimes(seconds: np.ndarray) -> np.ndarray:
    """FIT seconds (NaN for missing) as datetime64[ns] UTC values, NaT where missing."""
    out = np.full(len(seconds), np.datetime64("NaT"), dtype="datetime64[ns]")
    ok = ~np.isnan(seconds)
    # Whole seconds and the fraction apart: float64 cannot hold epoch nanoseconds exactly.
    # FIT durations have millisecond resolution.
    whole = np.floor(seconds[ok])
    fraction_ms = np.round((seconds[ok] - whole) * 1000).astype(np.int64)
    unix_ns = (whole.astype(np.int64) + FIT_EPOCH_S) * 1_000_000_000 + fraction_ms * 1_000_000
    out[ok] = unix_ns.view("datetime64[ns]")
    return out


def _timestamp(seconds: float | None) -> pd.Timestamp | None:
    if seconds is None:
        return None
    return pd.Timestamp(_to_datetimes(np.array([seconds]))[0]).tz_localize("UTC")


def _time_list(values: list[float | None]) -> np.ndarray:
    return _to_datetimes(np.array([np.nan if v is None else v for v in values], dtype="float64"))


def _number(value: Any) -> float | None:
    number = as_float(value)
    return None if np.isnan(number) else number


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


# ---------------------------------------------------------------------------
# Sessions and their pieces


@dataclass
class _Session:
    values: dict[str, Any]
    start: float | None  # FIT seconds


def _sessions(raw: list[dict[str, Any]], clock: _Clock) -> tuple[list[_Session], int]:
    """Sessions in time order, with exact duplicates (chained copies) dropped."""
    sessions: list[_Session] = []
    seen: set[tuple[Any, ...]] = set()
    duplicates = 0
    for values in raw:
        start = clock.seconds(values.get("start_time"))
        end = clock.seconds(values.get("timestamp"))
        elapsed = _number(values.get("total_elapsed_time"))
        if start is None and end is not None and elapsed is not None:
            start = end - elapsed
        key = (start, end, elapsed, _text(values.get("sport")),
               _number(values.get("total_distance")))
        if start is not None and key in seen:
            duplicates += 1
            continue
        seen.add(key)
        sessions.append(_Session(values, start))
    # Sessions without any time sort right after the one before them.
    previous = -np.inf
    keys = []
    for session in sessions:
        previous = session.start if session.start is not None else previous
        keys.append(previous)
    order = np.argsort(np.array(keys, dtype="float64"), kind="stable")
    return [sessions[i] for i in order], duplicates


def _assign(times: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Index of the session each time belongs to: the last one starting at or before it."""
    if len(starts) <= 1:
        return np.zeros(len(times), dtype=np.int64)
    index = np.searchsorted(starts, times, side="right") - 1
    return np.clip(index, 0, len(starts) - 1)


def _starts(sessions: list[_Session]) -> np.ndarray:
    starts = np.array([-np.inf if s.start is None else s.start for s in sessions])
    return np.maximum.accumulate(starts) if len(starts) else starts


def _dedupe(items: list[dict[str, Any]], keys: tuple[str, ...]) -> list[dict[str, Any]]:
    seen: set[tuple[Any, ...]] = set()
    out = []
    for item in items:
        key = tuple(_text(item.get(k)) for k in keys)
        if key not in seen:
            seen.add(key)
            out.append(item)
    return out


def _laps(laps: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    starts: list[float | None] = []
    ends: list[float | None] = []
    intensity: list[str | None] = []
    for lap in laps:
        end = clock.seconds(lap.get("timestamp"))
        start = clock.seconds(lap.get("start_time"))
        elapsed = _number(lap.get("total_elapsed_time"))
        if start is None and end is not None and elapsed is not None:
            start = end - elapsed
        if start is not None and elapsed and (end is None or end <= start):
            # Some watches stamp every lap with the activity's start time.
            end = start + elapsed
        starts.append(start)
        ends.append(end)
        intensity.append(_intensity(lap.get("intensity")))
    frame = make_frame(LAP_COLUMNS, {
        "start": _time_list(starts),
        "end": _time_list(ends),
        "elapsed_s": [_number(lap.get("total_elapsed_time")) for lap in laps],
        "timer_s": [_number(lap.get("total_timer_time")) for lap in laps],
        "distance_m": [_number(lap.get("total_distance")) for lap in laps],
        "trigger": [_text(lap.get("lap_trigger")) for lap in laps],
        "intensity": intensity,
    })
    keys = [np.nan if start is None else start for start in starts]
    return frame, keys


def _intensity(value: Any) -> str | None:
    if isinstance(value, str):
        return value if value in _INTENSITY_NAMES else None
    if isinstance(value, int):
        return _INTENSITIES.get(value)
    return None


def _workout(workouts: list[dict[str, Any]], steps: list[dict[str, Any]]) -> Workout | None:
    """The structured workout the watch followed, when the file carries one."""
    if not steps:
        return None
    name = next((_text(w.get("wkt_name")) for w in workouts if w.get("wkt_name")), None)
    read = []
    # Chained copies of a file repeat its steps; each is kept once.
    unique = _dedupe(steps, ("message_index", "duration_type", "duration_time",
                             "duration_distance", "intensity"))
    for position, step in enumerate(unique):
        index = _number(step.get("message_index"))
        repeat_from, repeat_count = _number(step.get("duration_step")), _number(
            step.get("repeat_steps"))
        read.append(WorkoutStep(
            index=position if index is None else int(index),
            duration_type=_text(step.get("duration_type")),
            duration_s=_number(step.get("duration_time")),
            distance_m=_number(step.get("duration_distance")),
            repeat_from=None if repeat_from is None else int(repeat_from),
            repeat_count=None if repeat_count is None else int(repeat_count),
            intensity=_intensity(step.get("intensity")),
            name=_text(step.get("wkt_step_name"))))
    return Workout(name, tuple(read))


def _timer_events(events: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    times: list[float | None] = []
    kinds: list[str] = []
    for event in events:
        if event.get("event") != "timer":
            continue
        event_type = event.get("event_type")
        kind = "start" if event_type == "start" else "stop" if event_type in _TIMER_STOPS else None
        time = clock.seconds(event.get("timestamp"))
        if kind is None or time is None:
            continue
        times.append(time)
        kinds.append(kind)
    frame = make_frame(EVENT_COLUMNS, {"time": _time_list(times), "event": kinds})
    return frame, [float(t) for t in times if t is not None]


def _sets(sets: list[dict[str, Any]], clock: _Clock) -> tuple[pd.DataFrame, list[float]]:
    starts: list[float | None] = []
    categories: list[str | None] = []
    exercises: list[str | None] = []
    for item in sets:
        duration = _number(item.get("duration"))
        start = clock.seconds(item.get("start_time"))
        end = clock.seconds(item.get("timestamp"))
        if start is None and end is not None:
            start = end - (duration or 0.0)
        starts.append(start)
        category, exercise = _exercise(item.get("category"), item.get("category_subtype"))
        categories.append(category)
        exercises.append(exercise)
    frame = make_frame(SET_COLUMNS, {
        "start": _time_list(starts),
        "duration_s": [_number(item.get("duration")) for item in sets],
        "set_type": [_SET_TYPES.get(item.get("set_type")) for item in sets],
        "category": categories,
        "exercise": exercises,
        "reps": [_number(item.get("repetitions")) for item in sets],
        "weight_kg": [_number(item.get("weight")) for item in sets],
    })
    return frame, [np.nan if s is None else s for s in starts]


def _exercise(category: Any, subtype: Any) -> tuple[str | None, str | None]:
    """The first recorded exercise category (as a name) and its subtype (as text)."""
    categories = list(category) if isinstance(category, tuple | list) else [category]
    subtypes = list(subtype) if isinstance(subtype, tuple | list) else [subtype]
    for i, value in enumerate(categories):
        if value is None:
            continue
        name = EXERCISE_CATEGORIES.get(value, str(value)) if isinstance(value, int) else str(value)
        sub = subtypes[i] if i < len(subtypes) else None
        return name, _text(sub)
    return None, None


# ---------------------------------------------------------------------------
# Assembly


def _device(file_ids: list[dict[str, Any]]) -> Device:
    chosen = next((f for f in file_ids if f.get("type") == "activity"),
                  file_ids[0] if file_ids else {})
    product = chosen.get("garmin_product")
    if product is None:
        product = chosen.get("product")
    # A product number unknown to the profile says less than the name the device wrote.
    if not isinstance(product, str) and chosen.get("product_name") is not None:
        product = chosen.get("product_name")
    return Device(manufacturer=_text(chosen.get("manufacturer")), product=_text(product))


def _utc_offset(activity: list[dict[str, Any]]) -> int | None:
    for values in activity:
        utc, local = values.get("timestamp"), values.get("local_timestamp")
        if not (isinstance(utc, int) and isinstance(local, int)):
            continue
        if min(utc, local) >= _RELATIVE_TIME_LIMIT:
            offset = round((local - utc) / 900) * 900
            if abs(offset) <= 14 * 3600:
                return int(offset)
    return None


def _moving_s(times: pd.Series, events: pd.DataFrame) -> float | None:
    """Timer time without a session summary: from timer events, else from the samples. [s]"""
    if len(events):
        total, started = 0.0, None
        for time, kind in zip(events["time"], events["event"], strict=True):
            if kind == "start" and started is None:
                started = time
            elif kind == "stop" and started is not None:
                total += (time - started).total_seconds()
                started = None
        if started is None and total > 0:
            return total
    if len(times) < 2:
        return None
    steps = np.diff(times.to_numpy("datetime64[ns]").astype("int64")) / 1e9
    # A step longer than a minute is a pause, not movement.
    return float(steps[steps <= 60].sum())


def _not_an_activity(file_ids: list[dict[str, Any]], name: str) -> None:
    # Only a type the profile names counts: a damaged byte can make it a number or an array.
    kinds = [f.get("type") for f in file_ids if isinstance(f.get("type"), str)]
    if kinds and "activity" not in kinds:
        kind = kinds[0]
        what = _FILE_KINDS.get(str(kind), f"a FIT file of type {kind}")
        raise NotAnActivity(name, f"this is {what}, not an activity recording")


def _file_fixes(layout: Layout, msgs: Messages, size: int) -> list[str]:
    """One sentence per kind of damage, in words a runner understands."""
    fixes = []
    if layout.unclosed:
        fixes.append("the recording was not closed properly (its header says it holds no "
                     "data); the data after the header was read anyway")
    garbled = msgs.error == "garbled"
    if garbled:
        fixes.append(f"the file is damaged after {msgs.error_at} of its {size} bytes; "
                     "the readable part was kept")
    ends_early = layout.expected_size is not None or msgs.error == "eof"
    if ends_early:
        fixes.append(f"file ends early after {size} bytes; the readable part was kept")
    if layout.bad_crc and not (garbled or ends_early):
        # A short or damaged file fails its checksum anyway: only say it when nothing else did.
        fixes.append("the file's checksum does not match its content, so some values may be "
                     "damaged; everything readable was kept")
    if layout.trailing:
        fixes.append(f"ignored {layout.trailing} unreadable bytes after the end of the recording")
    if msgs.skipped:
        fixes.append(f"skipped {msgs.skipped} malformed field definitions the device wrote")
    return fixes


def _corrupt_detail(msgs: Messages, layout: Layout) -> str:
    if layout.expected_size is not None or msgs.error == "eof":
        return "the file ends too early and none of its activity data could be read"
    if msgs.error is not None:
        return "the file is damaged and nothing readable was found in it"
    return "the file is damaged and holds no activity data"


@dataclass
class _Parts:
    """The file-wide pieces every session's activity is cut from."""

    columns: dict[str, np.ndarray]
    seconds: np.ndarray  # FIT seconds per record, NaN where unusable
    laps: pd.DataFrame
    lap_keys: np.ndarray
    events: pd.DataFrame
    event_keys: np.ndarray
    sets: pd.DataFrame
    set_keys: np.ndarray


def _session_samples(parts: _Parts, mask: np.ndarray, sport: Sport) -> dict[str, Any]:
    c = parts.columns
    speed = np.where(np.isnan(c["enhanced_speed"][mask]), c["speed"][mask],
                     c["enhanced_speed"][mask])
    elevation = np.where(np.isnan(c["enhanced_altitude"][mask]), c["altitude"][mask],
                         c["enhanced_altitude"][mask])
    fraction = c["fractional_cadence"][mask]
    cadence = c["cadence"][mask] + np.where(np.isnan(fraction), 0.0, fraction)
    if sport in _STEP_CADENCE_SPORTS:
        cadence = cadence * 2  # FIT counts strides (one foot); legday counts steps
    return {
        "time": _to_datetimes(parts.seconds[mask]),
        "lat": c["position_lat"][mask] * _SEMICIRCLE_DEG,
        "lon": c["position_long"][mask] * _SEMICIRCLE_DEG,
        "elevation_m": elevation,
        "distance_m": c["distance"][mask],
        "speed_mps": speed,
        "heart_rate": c["heart_rate"][mask],
        "cadence_spm": cadence,
        "power_w": c["power"][mask],
        "temperature_c": c["temperature"][mask],
    }


def _record_times(msgs: Messages, raw: np.ndarray) -> tuple[_Clock, np.ndarray, int]:
    """The clock kind, usable FIT seconds per record, and how many came from pool lengths."""
    absolute = int((raw >= _RELATIVE_TIME_LIMIT).sum())
    relative = int((raw < _RELATIVE_TIME_LIMIT).sum())
    clock = _Clock(relative=absolute == 0 and relative > 0)
    seconds = np.where(clock.valid(raw), raw, np.nan)
    # Older swim watches write pool-length records without a time, each followed by its
    # ``length`` message: the record is the state at the end of that length.
    filled = 0
    for length in msgs.summary[LENGTH]:
        row = length[RECORDS_BEFORE] - 1
        start = clock.seconds(length.get("start_time"))
        elapsed = _number(length.get("total_elapsed_time"))
        if 0 <= row < len(seconds) and np.isnan(seconds[row]) and start is not None:
            seconds[row] = start + (elapsed or 0.0)
            filled += 1
    return clock, seconds, filled


def _drop_garbled_tail(msgs: Messages, columns: dict[str, np.ndarray],
                       seconds: np.ndarray) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Drop the last record before a decoding error when its time is implausible.

    A reader that lost its place decodes shifted bytes as one more record before it
    fails; its time is then years away from the record before it.
    """
    if msgs.error != "garbled" or len(seconds) < 2:
        return columns, seconds
    valid = np.flatnonzero(~np.isnan(seconds[:-1]))
    last = seconds[-1]
    if len(valid) and not np.isnan(last) and 0 <= last - seconds[valid[-1]] <= 600:
        return columns, seconds
    return {k: v[:-1] for k, v in columns.items()}, seconds[:-1]


def _refuse_empty(msgs: Messages, layout: Layout, name: str) -> None:
    if layout.damaged or msgs.error is not None:
        raise CorruptFile(name, _corrupt_detail(msgs, layout))
    if msgs.n_records:
        raise EmptyActivity(name, f"none of the activity's {msgs.n_records} samples has a time")
    if msgs.n_messages <= len(msgs.summary[FILE_ID]):
        raise EmptyActivity(name, "the file holds only its header and no recorded samples")
    raise EmptyActivity(name, "the activity has no recorded samples")


Decoder = Literal["auto", "fast", "fitparse"]


def _read_messages(layout: Layout, decoder: Decoder) -> Messages:
    """The file's messages from the fast walker, or from fitparse when it refuses the file."""
    if decoder != "fitparse":
        from legday.io import fit_fast

        try:
            return fit_fast.read_messages(layout)
        except fit_fast.Unsupported:
            if decoder == "fast":
                raise
    from legday.io import fit_fitparse  # imported only when needed: it costs start-up time

    return fit_fitparse.read_messages(layout)


def _build(payload: bytes, name: str, decoder: Decoder, max_sessions: int) -> list[Activity]:
    if len(payload) == 0:
        raise EmptyActivity(name, "the file is empty (0 bytes)")
    layout = scan_layout(payload, name)
    msgs = _read_messages(layout, decoder)
    summary = msgs.summary
    _not_an_activity(summary[FILE_ID], name)

    columns = dict(msgs.record_columns)
    clock, seconds, from_lengths = _record_times(msgs, columns.pop("timestamp"))
    columns, seconds = _drop_garbled_tail(msgs, columns, seconds)
    sessions, duplicate_sessions = _sessions(summary[SESSION], clock)
    if len(sessions) > max_sessions:
        # Each session is an activity: a small file must not make unbounded work.
        raise LimitExceeded(name, f"holds {len(sessions)} sessions; legday reads at most "
                            f"{max_sessions} from one file")
    laps, lap_keys = _laps(_dedupe(summary[LAP], ("start_time", "timestamp", "total_distance",
                                                   "total_elapsed_time")), clock)
    events, event_keys = _timer_events(_dedupe(summary[EVENT], ("timestamp", "event",
                                                                 "event_type")), clock)
    sets, set_keys = _sets(_dedupe(summary[SET], ("start_time", "timestamp", "duration",
                                                   "set_type")), clock)
    if not (np.isfinite(seconds).any() or any(s.start is not None for s in sessions)
            or len(sets)):
        _refuse_empty(msgs, layout, name)

    fixes = _file_fixes(layout, msgs, len(payload))
    if duplicate_sessions:
        fixes.append(f"the file holds {duplicate_sessions} session(s) twice; each was read once")
    if clock.relative:
        fixes.append("the device recorded time since it was switched on, not the clock time, "
                     "so the date of this activity is unknown")
    if from_lengths:
        fixes.append(f"{from_lengths} pool-length samples without a time were given the end "
                     "time of their length")
    partial = layout.damaged or msgs.error is not None or msgs.skipped > 0

    parts = _Parts(columns, seconds, laps, np.asarray(lap_keys, dtype="float64"), events,
                   np.asarray(event_keys, dtype="float64"), sets,
                   np.asarray(set_keys, dtype="float64"))
    if not sessions:
        sport_msg = summary[SPORT][0] if summary[SPORT] else {}
        sessions = [_Session({"sport": sport_msg.get("sport"),
                              "sub_sport": sport_msg.get("sub_sport")}, None)]
    starts = _starts(sessions)
    record_session = _assign(np.where(np.isnan(seconds), -np.inf, seconds), starts)
    common = {
        "device": _device(summary[FILE_ID]),
        "utc_offset_s": None if clock.relative else _utc_offset(summary[ACTIVITY]),
        "workout": _workout(summary[WORKOUT], summary[WORKOUT_STEP]),
    }
    return [
        _activity(payload, name, index, session, parts, record_session == index, starts, clock,
                  fixes, partial, common)
        for index, session in enumerate(sessions)
    ]


#: No activity lasts longer; a longer session time is a damaged value. [s]
MAX_ELAPSED_S = 7 * 86_400.0


#: A first or last record this far outside its session, and from its neighbour, is
#: damaged (at most; a tenth of a short session): inside a recording, a damaged time shows
#: as a jump (see legday.model). [s]
_STRAY_S = 600.0


def _drop_stray_ends(seconds: np.ndarray, mask: np.ndarray,
                     session: _Session) -> tuple[np.ndarray, int]:
    elapsed = _elapsed(session.values)
    rows = np.flatnonzero(mask & ~np.isnan(seconds))
    if session.start is None or elapsed is None or len(rows) < 2:
        return mask, 0
    mask = mask.copy()
    limit = min(_STRAY_S, max(60.0, elapsed / 10))  # a short session allows less
    low, high = session.start - limit, session.start + elapsed + limit
    dropped = 0
    for end, neighbour in ((rows[0], rows[1]), (rows[-1], rows[-2])):
        time = seconds[end]
        if (time < low or time > high) and abs(time - seconds[neighbour]) > limit:
            mask[end] = False
            dropped += 1
    return mask, dropped


def _elapsed(values: dict[str, Any]) -> float | None:
    elapsed = _number(values.get("total_elapsed_time"))
    return elapsed if elapsed is not None and elapsed <= MAX_ELAPSED_S else None


def _select(frame: pd.DataFrame, keys: np.ndarray, starts: np.ndarray, index: int) -> pd.DataFrame:
    if len(frame) == 0 or len(starts) <= 1:
        return frame  # one session owns everything
    owner = _assign(np.where(np.isnan(keys), -np.inf, keys), starts)
    return frame[owner == index].reset_index(drop=True)


def _activity(payload: bytes, name: str, index: int, session: _Session, parts: _Parts,
              mask: np.ndarray, starts: np.ndarray, clock: _Clock, file_fixes: list[str],
              partial: bool, common: dict[str, Any]) -> Activity:
    values = session.values
    sport_original = _text(values.get("sport"))
    sub_sport_original = _text(values.get("sub_sport"))
    sets = _select(parts.sets, parts.set_keys, starts, index)
    sport = session_sport(normalise_sport(sport_original, sub_sport_original), sport_original,
                          sub_sport_original, has_sets=has_lifting_sets(sets))
    mask, strays = _drop_stray_ends(parts.seconds, mask, session)
    samples, sample_fixes = make_samples(_session_samples(parts, mask, sport))
    if strays:
        sample_fixes.insert(0, f"dropped {strays} first or last samples timed far outside "
                            "their session (damaged timestamps)")
    events = _select(parts.events, parts.event_keys, starts, index)
    elapsed = _elapsed(values)
    if elapsed is None and _number(values.get("total_elapsed_time")) is not None:
        sample_fixes.append("ignored the session's elapsed time: longer than a week, so damaged")
    moving = _number(values.get("total_timer_time"))
    distance = _number(values.get("total_distance"))
    if elapsed is None and len(samples) > 1:
        elapsed = float((samples["time"].iloc[-1] - samples["time"].iloc[0]).total_seconds())
    if moving is None and session.start is None:
        moving = _moving_s(samples["time"], events)
    if distance is None and samples["distance_m"].notna().any():
        distance = float(samples["distance_m"].max())
    start = None if clock.relative else _timestamp(session.start)
    if start is not None and len(samples) and abs(
            (samples["time"].iloc[0] - start).total_seconds()) > 86_400:
        sample_fixes.append("the session's start time lies a day away from its samples "
                            "(damaged): the first sample's time is used")
        start = None
    if start is None and len(samples) and not clock.relative:
        start = samples["time"].iloc[0]
    return Activity(
        id=content_id(payload, index),
        source=name,
        format="fit",
        sport=sport,
        sport_original=sport_original,
        sub_sport_original=sub_sport_original,
        start_utc=start,
        elapsed_s=elapsed,
        moving_s=moving,
        distance_m=distance,
        samples=samples,
        laps=_select(parts.laps, parts.lap_keys, starts, index),
        timer_events=events,
        sets=sets,
        partial=partial,
        fixes=[*file_fixes, *sample_fixes],
        **common,
    )


def read_workout(payload: bytes, *, name: str, decoder: Decoder = "auto") -> Workout | None:
    """The structured workout in a FIT file (an activity that followed one, or a workout
    file), or None when it carries no workout steps."""
    summary = _read_messages(scan_layout(payload, name), decoder).summary
    return _workout(summary[WORKOUT], summary[WORKOUT_STEP])


def read_fit(payload: bytes, *, name: str, decoder: Decoder = "auto",
             max_sessions: int = 100) -> list[Activity]:
    """Read a FIT file into one activity per session.

    Parameters
    ----------
    payload
        The raw FIT bytes (already decompressed when the file was gzipped).
    name
        The file name, used as ``Activity.source`` and at the start of every error message.
    decoder
        ``"auto"``: the fast walker, or fitparse for the files it refuses; ``"fast"``
        raises :class:`legday.io.fit_fast.Unsupported` instead; ``"fitparse"`` only
        fitparse (the tests' oracle).
    max_sessions
        Most sessions read from one file (see ``legday.io.Limits.max_sessions``).

    Returns
    -------
    list of Activity
        One per session (multisport and chained files give several), in time order.
        Samples carry degrees, metres [m], [m/s], [bpm], steps per minute when running
        (FIT strides doubled; rpm otherwise), [W] and [°C]. A damaged file gives its
        readable part with ``partial=True`` and a sentence in ``fixes``.

    Raises
    ------
    NotAnActivity
        The file is a workout, course, settings, monitoring, weight... file.
    EmptyActivity
        The file is empty or the activity has no usable samples, session or sets.
    CorruptFile
        The file is damaged and nothing readable was found in it.
    LimitExceeded
        The file holds more than ``max_sessions`` sessions.
    """
    return _build(payload, name, decoder, max_sessions)

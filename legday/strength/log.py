"""The strength log: one row per exercise entry, from CSV logs, FIT sets and Strava rows.

Readers (one per format) turn a file into the canonical *entries* frame
(:data:`ENTRY_COLUMNS`) plus a list of :class:`RowProblem`: a bad row is reported
with its line number and reason, and the good rows still load. The analytics
helpers (:func:`annotate`, :func:`sessions`, :func:`sets_per_muscle`) are pure:
frames in, new frames out. docs/strength.md describes every rule.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import numpy as np
import pandas as pd

from legday.csv_export import csv_text, restore_formula
from legday.errors import StrengthImportError
from legday.model import Activity, Sport
from legday.schema import ENTRY_COLUMNS
from legday.strength.catalogue import Catalogue, garmin_exercise_name, load_catalogue
from legday.strength.muscles import MUSCLE_GROUPS

#: legday's own CSV format, exactly these columns in this order.
LEGDAY_COLUMNS = ("date", "exercise", "sets", "reps", "weight_kg", "rpe", "duration_min", "notes")
#: Notes prefix that marks a warm-up entry in legday's CSV (which has no set-type column).
WARMUP_TAG = "[warm-up]"
LB_TO_KG = 0.45359237
#: Share of a session's mapped sets that lower and upper body each need for "full_body".
FULL_BODY_SHARE = 0.25
#: Weight of a secondary muscle in set counts (a primary muscle counts the whole set).
SECONDARY_SET_WEIGHT = 0.5

STRONG_COLUMNS = ("Date", "Workout Name", "Duration", "Exercise Name", "Set Order", "Weight",
                  "Reps", "Distance", "Seconds", "Notes", "Workout Notes", "RPE")
HEVY_COLUMNS = ("title", "start_time", "end_time", "description", "exercise_title",
                "superset_id", "exercise_notes", "set_index", "set_type", "weight_kg", "reps",
                "distance_km", "duration_seconds", "rpe")

_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d", "%d %b %Y, %H:%M", "%d %b %Y %H:%M",
    "%d %B %Y, %H:%M", "%b %d, %Y, %I:%M:%S %p", "%b %d, %Y, %I:%M %p", "%Y/%m/%d %H:%M:%S",
)


@dataclass(frozen=True)
class RowProblem:
    """A row that was not loaded: its 1-based line in the file and why."""

    line: int
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.reason}"


@dataclass
class StrengthImport:
    """What a reader returns: the good rows, the bad ones, and the format it read.

    ``rows`` counts the file's rows that were loaded: each is one entry (a set of a
    lifting app, a line of legday's CSV). ``entries`` holds them plus, for a lifting
    app, one whole-session row per workout with its duration (:func:`file_rows`
    tells them apart).
    """

    entries: pd.DataFrame
    problems: list[RowProblem] = field(default_factory=list)
    format: str = "legday"
    rows: int = 0


# ---------------------------------------------------------------------------
# The entries frame


def _series(values: list[Any], dtype: str) -> pd.Series:
    raw = pd.Series(values, dtype="object")
    if dtype == "datetime64[ns]":
        return pd.Series(pd.to_datetime(raw), dtype="datetime64[ns]")
    if dtype.startswith("datetime64"):
        return pd.Series(pd.to_datetime(raw, utc=True), dtype=dtype)
    if dtype == "float64":
        return pd.to_numeric(raw, errors="coerce").astype("float64")
    if dtype == "bool":
        return pd.Series([bool(v) for v in values], dtype="bool")
    if dtype == "int64":
        return pd.Series([int(v) for v in values], dtype="int64")
    return raw


def make_entries(records: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """Build an entries frame from dicts; absent keys become NaN/None/False."""
    rows = list(records)
    return pd.DataFrame({name: _series([r.get(name) for r in rows], dtype)
                         for name, dtype in ENTRY_COLUMNS.items()})


def empty_entries() -> pd.DataFrame:
    """An entries frame without rows."""
    return make_entries([])


def concat_entries(frames: Iterable[pd.DataFrame]) -> pd.DataFrame:
    """Entries frames one after the other, with the canonical dtypes kept."""
    parts = [f[list(ENTRY_COLUMNS)] for f in frames if len(f)]
    if not parts:
        return empty_entries()
    return pd.concat(parts, ignore_index=True).astype(ENTRY_COLUMNS)


# ---------------------------------------------------------------------------
# Cell parsing: each helper returns a value or raises _Bad with the reason


class _Bad(ValueError):
    """One reason a row cannot be loaded."""


def _text(cell: str | None) -> str | None:
    text = (cell or "").strip()
    return text or None


def _number(cell: str | None, column: str, *, low: float = 0.0,
            high: float | None = None) -> float:
    text = (cell or "").strip()
    if not text:
        return math.nan
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # decimal comma (European exports)
    try:
        value = float(text)
    except ValueError:
        raise _Bad(f"{column} {cell!r} is not a number") from None
    if not math.isfinite(value):
        raise _Bad(f"{column} {cell!r} is not a number")
    if value < low:
        raise _Bad(f"{column} {value:g} is negative" if low == 0
                   else f"{column} {value:g} is below {low:g}")
    if high is not None and value > high:
        raise _Bad(f"{column} {value:g} is above {high:g}")
    return value


def _rpe(cell: str | None, column: str = "rpe") -> float:
    value = _number(cell, column)
    if not math.isnan(value) and not 1 <= value <= 10:
        raise _Bad(f"{column} {value:g} is outside 1-10")
    return value


def _required(cell: str | None, column: str) -> str:
    text = _text(cell)
    if text is None:
        raise _Bad(f"no {column}")
    return text


def _iso_date(cell: str | None) -> dt.date:
    text = (cell or "").strip()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _Bad(f"date {cell!r} is not an ISO date (YYYY-MM-DD)") from None


def parse_local_datetime(text: str) -> tuple[dt.datetime, pd.Timestamp | None]:
    """A lifting app's time as (local wall time, UTC time or None).

    Apps write local time without an offset, so the UTC time is known only when
    the text carries an offset (ISO 8601 ``...+02:00`` or ``Z``).
    """
    text = text.strip()
    for fmt in _DATETIME_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt), None
        except ValueError:
            continue
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise _Bad(f"date {text!r} is not a date and time legday knows") from None
    if parsed.tzinfo is None:
        return parsed, None
    return parsed.replace(tzinfo=None), pd.Timestamp(parsed).tz_convert("UTC")


_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)\s*(h|hr|hrs|hours?|m|min|mins|minutes?|s|sec|secs|"
                            r"seconds?)\b")


def parse_duration_min(text: str) -> float:
    """A workout duration ("1h 5m", "45m", "1:05:00", "3900" seconds) in minutes. [min]"""
    text = text.strip().lower()
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return float(text) / 60.0
    if re.fullmatch(r"\d+(:\d{1,2}){1,2}", text):
        clock = [int(p) for p in text.split(":")]
        seconds = sum(p * 60 ** i for i, p in enumerate(reversed(clock)))
        return seconds / 60.0
    parts = _DURATION_PART.findall(text)
    if not parts or _DURATION_PART.sub("", text).strip():
        raise _Bad(f"duration {text!r} is not a duration like '1h 5m'")
    scale = {"h": 60.0, "m": 1.0, "s": 1.0 / 60.0}
    return sum(float(n) * scale[unit[0]] for n, unit in parts)


def _midnight(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day.year, day.month, day.day)


# ---------------------------------------------------------------------------
# Reading CSV text


@dataclass
class _Csv:
    label: str
    header: list[str]
    rows: list[tuple[int, list[str]]]  # (1-based line where the record starts, fields)

    def index(self) -> dict[str, int]:
        """Column positions by lower-case name."""
        return {h.strip().lower(): i for i, h in enumerate(self.header)}


def _read_bytes(source: str | Path | bytes | IO[bytes], name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "strength log"
    if isinstance(source, str | Path):
        path = Path(source)
        try:
            return path.read_bytes(), name or path.name
        except OSError as exc:
            raise StrengthImportError(name or path.name, "the file cannot be opened") from exc
    return source.read(), name or str(getattr(source, "name", "strength log"))


def _parse_csv(source: str | Path | bytes | IO[bytes], name: str | None) -> _Csv:
    payload, label = _read_bytes(source, name)
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = payload.decode("cp1252", errors="replace")  # older Excel saves
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise StrengthImportError(label, "the file is empty")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[str]]] = []
    try:
        while True:
            start = reader.line_num + 1
            try:
                record = next(reader)
            except StopIteration:
                break
            records.append((start, record))
    except csv.Error as exc:
        raise StrengthImportError(label, f"not readable as CSV near line {reader.line_num}") \
            from exc
    while records and not any(f.strip() for f in records[0][1]):
        records.pop(0)
    header = [h.strip() for h in records[0][1]]
    return _Csv(label, header, records[1:])


def _cells(table: _Csv) -> Iterator[tuple[int, Callable[[str], str | None] | None]]:
    """(line, getter by lower-case column name) per non-blank row; None for overlong rows.

    Rows shorter than the header read their missing trailing cells as blank.
    """
    index = table.index()
    for line, fields in table.rows:
        if not any(f.strip() for f in fields):
            continue
        if len(fields) > len(table.header):
            yield line, None
            continue

        def get(column: str, fields: list[str] = fields) -> str | None:
            i = index.get(column)
            return fields[i] if i is not None and i < len(fields) else None

        yield line, get


def _require(table: _Csv, columns: Iterable[str], layout: str,
             expected: Iterable[str]) -> None:
    have = table.index()
    missing = [c for c in columns if c.lower() not in have]
    if missing:
        raise StrengthImportError(
            table.label, f"missing columns {', '.join(missing)} for a {layout} "
                         f"(expected columns: {','.join(expected)})")


def _load(table: _Csv, fmt: str,
          parse_row: Callable[[int, Callable[[str], str | None]], list[dict[str, Any]]]
          ) -> StrengthImport:
    records: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    for line, get in _cells(table):
        if get is None:
            problems.append(RowProblem(line, f"more fields than the header's "
                                             f"{len(table.header)}"))
            continue
        try:
            records.extend(parse_row(line, get))
        except _Bad as bad:
            problems.append(RowProblem(line, str(bad)))
    entries = make_entries(records)
    return StrengthImport(entries, problems, fmt, rows=int(file_rows(entries).sum()))


#: Sources whose readers add a whole-session row per workout (its duration).
APP_SOURCES = ("strong", "hevy")


def file_rows(entries: pd.DataFrame) -> pd.Series:
    """Which entries are rows of the file read: all but the whole-session row a lifting
    app's workout gets (:data:`APP_SOURCES`), so counts in messages match the file."""
    added = entries["exercise"].isna() & entries["source"].isin(APP_SOURCES)
    return ~added


def _row_reasons(*checks: Callable[[], Any]) -> list[Any]:
    """Run every cell check; raise one _Bad naming all the reasons of the row."""
    values: list[Any] = []
    reasons: list[str] = []
    for check in checks:
        try:
            values.append(check())
        except _Bad as bad:
            reasons.append(str(bad))
            values.append(None)
    if reasons:
        raise _Bad("; ".join(reasons))
    return values


# ---------------------------------------------------------------------------
# legday's own format


def read_legday_csv(source: str | Path | bytes | IO[bytes], *,
                    name: str | None = None) -> StrengthImport:
    """Read legday's CSV (``date,exercise,sets,reps,weight_kg,rpe,duration_min,notes``).

    One row per exercise entry. ``date`` is an ISO date; the numbers may be
    blank; ``rpe`` is 1-10. A row without an exercise is a whole session with
    unknown exercises (e.g. a gym class) and needs ``duration_min``. Rows of one
    date form one session; each exercise-less row is a session of its own.

    Raises
    ------
    StrengthImportError
        When a column is missing from the header.
    """
    return _read_legday(_parse_csv(source, name))


def _read_legday(table: _Csv) -> StrengthImport:
    _require(table, LEGDAY_COLUMNS, "legday strength log", LEGDAY_COLUMNS)
    session_rows: dict[dt.date, int] = {}

    def parse(line: int, get: Callable[[str], str | None]) -> list[dict[str, Any]]:
        day, sets, reps, weight, rpe, duration = _row_reasons(
            lambda: _iso_date(get("date")),
            lambda: _number(get("sets"), "sets"),
            lambda: _number(get("reps"), "reps"),
            lambda: _number(get("weight_kg"), "weight_kg"),
            lambda: _rpe(get("rpe")),
            lambda: _number(get("duration_min"), "duration_min"),
        )
        # Text this module wrote is neutralised against spreadsheet formulas: undo that.
        exercise, notes = (_text(restore_formula(get(column) or ""))
                           for column in ("exercise", "notes"))
        if exercise is None and math.isnan(duration):
            raise _Bad("no exercise: a session without exercises needs duration_min")
        if exercise is None:
            session_rows[day] = session_rows.get(day, 0) + 1
            session = legday_session_key(day, session_rows[day])
        else:
            session = legday_session_key(day)
        return [{"date": _midnight(day), "session": session, "exercise": exercise,
                 "sets": sets, "reps": reps, "weight_kg": weight, "rpe": rpe,
                 "duration_min": duration, "notes": notes,
                 "is_warmup": bool(notes and notes.startswith(WARMUP_TAG)),
                 "source": "legday_csv", "line": line}]

    return _load(table, "legday", parse)


def legday_session_key(day: dt.date | pd.Timestamp, whole_session: int | None = None) -> str:
    """The session of entries legday's CSV or the Strength page's editor wrote for a day:
    ``2024-05-02#legday`` (one per day, so a later edit joins it), or
    ``2024-05-02#legday-1`` for the first whole-session row (one session each)."""
    key = f"{pd.Timestamp(day):%Y-%m-%d}#legday"
    return key if whole_session is None else f"{key}-{whole_session}"


#: Columns of the Strength page's editor that are entries' own values.
EDITOR_VALUES = ("sets", "reps", "weight_kg", "rpe", "duration_min")


def blank_text(values: pd.Series) -> pd.Series:
    """Cells as text for a table, a missing one empty (Streamlit shows a null as "None")."""
    def cell(value: Any) -> str:
        if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
            return ""
        if isinstance(value, float | int | np.number) and not isinstance(value, bool | np.bool_):
            return f"{value:g}"
        return str(value)
    return values.astype(object).map(cell)


def _editor_number(column: str, cell: Any) -> float:
    """An editor cell (a number, or text from a text column) as a float; blank is NaN."""
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return math.nan
    text = str(cell).strip()
    if not text:
        return math.nan
    try:
        return float(text)
    except ValueError:
        raise _Bad(f"{column} {text!r} is not a number") from None


def entries_from_editor(edited: pd.DataFrame, existing: pd.DataFrame,
                        session: str | None) -> pd.DataFrame | str:
    """The rows of the Strength page's editor as entries, or what is wrong with them.

    Parameters
    ----------
    edited
        The editor's rows: ``row`` (position in ``existing``, NaN for a new row),
        ``date``, ``exercise``, :data:`EDITOR_VALUES` and ``notes``; other columns
        (``matched``) are ignored, and rows with nothing filled in are dropped.
    existing
        The stored entries of the session being edited (empty for a new one): a kept
        row keeps its warm-up flag, UTC start, source and line.
    session
        The session edited, or None for a new session (stored under its date,
        :func:`legday_session_key`).
    """
    rows = edited[["row", "date", "exercise", *EDITOR_VALUES, "notes"]]
    values = rows.drop(columns=["row", "date"])
    filled = values.notna() & (values.astype(str).apply(lambda c: c.str.strip()) != "")
    rows = rows[filled.any(axis=1)]
    dates = pd.to_datetime(rows["date"], errors="coerce")
    if dates.isna().any():
        return "Every row needs a date."
    try:
        numbers = pd.DataFrame({c: [_editor_number(c, v) for v in rows[c]]
                                for c in EDITOR_VALUES}, index=rows.index, dtype="float64")
    except _Bad as err:
        return str(err)
    names = rows["exercise"].map(lambda v: v.strip() or None if isinstance(v, str) else None)
    nameless = names.isna() & numbers["duration_min"].isna()
    if nameless.any():
        return "A row without an exercise is a whole session: give its minutes."
    records: list[dict[str, Any]] = []
    for (index, rec), day in zip(rows.iterrows(), dates, strict=True):
        position = rec["row"]
        old = existing.iloc[int(position)] if pd.notna(position) else None
        notes = rec["notes"] if isinstance(rec["notes"], str) and rec["notes"] else None
        records.append({
            "date": day.normalize(),
            "session": session if session is not None else legday_session_key(day),
            "exercise": names[index],
            **{c: numbers.at[index, c] for c in EDITOR_VALUES},
            "notes": notes,
            "is_warmup": bool(notes and notes.startswith(WARMUP_TAG))
            or bool(old is not None and old["is_warmup"]),
            "start_utc": None if old is None else old["start_utc"],
            "source": "legday_csv" if old is None else old["source"],
            "line": None if old is None else old["line"],
        })
    return make_entries(records)


def write_legday_csv(entries: pd.DataFrame, target: str | Path | IO[str]) -> None:
    """Write entries in legday's CSV format, in the frame's order.

    Warm-up entries get :data:`WARMUP_TAG` at the start of their notes, so
    reading the file back gives the same entries. Text a spreadsheet would run as
    a formula is neutralised (:mod:`legday.csv_export`); reading undoes it.
    """
    rows = []
    for row in entries.to_dict("records"):
        notes = row["notes"] if isinstance(row["notes"], str) else ""
        if row["is_warmup"] and not notes.startswith(WARMUP_TAG):
            notes = f"{WARMUP_TAG} {notes}".strip()
        rows.append([
            pd.Timestamp(row["date"]).date().isoformat(),
            row["exercise"] if isinstance(row["exercise"], str) else "",
            *(_fmt(row[c]) for c in ("sets", "reps", "weight_kg", "rpe", "duration_min")),
            notes,
        ])
    text = csv_text(LEGDAY_COLUMNS, rows)
    if isinstance(target, str | Path):
        Path(target).write_text(text, encoding="utf-8", newline="")
    else:
        target.write(text)


def _fmt(value: float) -> str:
    if value is None or math.isnan(value):
        return ""
    # repr keeps every digit (so 135 lb in kg reads back equal); whole numbers lose ".0".
    return str(int(value)) if float(value).is_integer() else repr(float(value))


# ---------------------------------------------------------------------------
# Lifting apps: one row per set


@dataclass
class _AppSet:
    """One set row of a lifting app's export, parsed."""

    line: int
    local: dt.datetime  # workout start, local wall time
    start_utc: pd.Timestamp | None
    workout_min: float
    workout_notes: str | None
    exercise: str
    weight_kg: float
    reps: float
    rpe: float
    seconds: float
    tag: str | None  # one of _SET_TAGS' values, None for a normal set
    notes: str | None


@dataclass
class _Workouts:
    """Turns an app's set rows into entries, adding one whole-session row per workout."""

    source: str
    seen: set[str] = field(default_factory=set)

    def rows(self, s: _AppSet) -> list[dict[str, Any]]:
        day = s.local.date()
        key = f"{day.isoformat()}#{self.source} {s.local:%H:%M:%S}"
        common = {"date": _midnight(day), "start_utc": s.start_utc, "session": key,
                  "source": self.source, "line": s.line}
        out: list[dict[str, Any]] = []
        if key not in self.seen and not math.isnan(s.workout_min):
            out.append(common | {"exercise": None, "duration_min": s.workout_min,
                                 "notes": s.workout_notes})
        self.seen.add(key)
        out.append(common | {
            "exercise": s.exercise, "sets": 1.0, "reps": s.reps, "weight_kg": s.weight_kg,
            "rpe": s.rpe, "duration_min": _seconds_to_min(s.seconds),
            "notes": _join_notes(s.tag, s.notes), "is_warmup": s.tag == WARMUP_TAG})
        return out


def _join_notes(*parts: str | None, sep: str = " ") -> str | None:
    return sep.join(p for p in parts if p) or None


def _weight_kg(get: Callable[[str], str | None], columns: dict[str, int]) -> float:
    for column, factor in (("weight_kg", 1.0), ("weight (kg)", 1.0), ("weight_lbs", LB_TO_KG),
                           ("weight (lbs)", LB_TO_KG), ("weight (lb)", LB_TO_KG)):
        if column in columns:
            return _number(get(column), column) * factor
    if "weight" not in columns:
        return math.nan
    unit = (get("weight unit") or "kg").strip().lower()
    if unit not in ("kg", "kgs", "lb", "lbs", ""):
        raise _Bad(f"weight unit {unit!r} is neither kg nor lbs")
    return _number(get("weight"), "weight") * (LB_TO_KG if unit.startswith("lb") else 1.0)


def _seconds_to_min(value: float) -> float:
    # Apps write 0 seconds for sets that were not timed.
    return value / 60.0 if value > 0 else math.nan


#: Strong's "Set Order" letters and Hevy's set types, as notes tags (warm-ups flagged too).
_SET_TAGS = {"w": WARMUP_TAG, "warmup": WARMUP_TAG, "d": "[dropset]", "dropset": "[dropset]",
             "f": "[failure]", "failure": "[failure]"}


def read_strong_csv(source: str | Path | bytes | IO[bytes], *,
                    name: str | None = None) -> StrengthImport:
    """Read a Strong app export (one row per set; comma or semicolon separated).

    Columns: ``Date, Workout Name, Duration, Exercise Name, Set Order, Weight,
    Reps, Distance, Seconds, Notes, Workout Notes, RPE``; older exports add
    ``Weight Unit`` (kg/lbs) and ``Distance Unit``, some name the unit in the
    column (``Weight (kg)``, ``Weight (lbs)``). Pounds become kilograms. Each
    set is one entry with ``sets=1``; ``Set Order`` "W" (warm-up), "D" (drop
    set) and "F" (failure) become notes tags, warm-ups also ``is_warmup``;
    "Rest Timer" rows are rests, not sets, and are skipped. Each workout gets a
    whole-session row (no exercise) with its duration and name.

    Raises
    ------
    StrengthImportError
        When ``Date`` or ``Exercise Name`` is missing from the header.
    """
    return _read_strong(_parse_csv(source, name))


def _read_strong(table: _Csv) -> StrengthImport:
    _require(table, ("Date", "Exercise Name"), "Strong export", STRONG_COLUMNS)
    columns = table.index()
    workouts = _Workouts("strong")
    duration_column = next((c for c in ("duration", "workout duration") if c in columns), None)

    def parse(line: int, get: Callable[[str], str | None]) -> list[dict[str, Any]]:
        order = (get("set order") or "").strip().lower()
        if order == "rest timer":
            return []
        (local, start_utc), exercise, weight, reps, rpe, seconds, duration = _row_reasons(
            lambda: parse_local_datetime(get("date") or ""),
            lambda: _required(get("exercise name"), "exercise name"),
            lambda: _weight_kg(get, columns),
            lambda: _number(get("reps"), "reps"),
            lambda: _rpe(get("rpe"), "RPE"),
            lambda: _number(get("seconds"), "seconds"),
            lambda: parse_duration_min(get(duration_column) or "")
            if duration_column and _text(get(duration_column)) else math.nan,
        )
        return workouts.rows(_AppSet(
            line, local, start_utc, duration,
            _join_notes(_text(get("workout name")), _text(get("workout notes")), sep=": "),
            exercise, weight, reps, rpe, seconds, _SET_TAGS.get(order), _text(get("notes"))))

    return _load(table, "strong", parse)


def read_hevy_csv(source: str | Path | bytes | IO[bytes], *,
                  name: str | None = None) -> StrengthImport:
    """Read a Hevy app export (one row per set).

    Columns: ``title, start_time, end_time, description, exercise_title,
    superset_id, exercise_notes, set_index, set_type, weight_kg (or weight_lbs),
    reps, distance_km (or distance_miles), duration_seconds, rpe``. Times like
    "5 Mar 2024, 18:02" or "2024-03-05 18:02:11" are local. Each set is one entry
    with ``sets=1``; ``set_type`` warmup/dropset/failure become notes tags,
    warm-ups also ``is_warmup``. Each workout gets a whole-session row (no
    exercise) with ``end_time - start_time`` and its title.

    Raises
    ------
    StrengthImportError
        When ``start_time`` or ``exercise_title`` is missing from the header.
    """
    return _read_hevy(_parse_csv(source, name))


def _read_hevy(table: _Csv) -> StrengthImport:
    _require(table, ("start_time", "exercise_title"), "Hevy export", HEVY_COLUMNS)
    columns = table.index()
    workouts = _Workouts("hevy")

    def parse(line: int, get: Callable[[str], str | None]) -> list[dict[str, Any]]:
        set_type = (get("set_type") or "normal").strip().lower()
        (local, start_utc), exercise, end, weight, reps, rpe, seconds = _row_reasons(
            lambda: parse_local_datetime(get("start_time") or ""),
            lambda: _required(get("exercise_title"), "exercise_title"),
            lambda: parse_local_datetime(get("end_time") or "")[0]
            if _text(get("end_time")) else None,
            lambda: _weight_kg(get, columns),
            lambda: _number(get("reps"), "reps"),
            lambda: _rpe(get("rpe")),
            lambda: _number(get("duration_seconds"), "duration_seconds"),
        )
        if set_type not in ("normal", *_SET_TAGS):
            raise _Bad(f"set_type {set_type!r} is not normal, warmup, dropset or failure")
        workout_min = (end - local).total_seconds() / 60.0 if end and end >= local else math.nan
        return workouts.rows(_AppSet(
            line, local, start_utc, workout_min,
            _join_notes(_text(get("title")), _text(get("description")), sep=": "),
            exercise, weight, reps, rpe, seconds, _SET_TAGS.get(set_type),
            _text(get("exercise_notes"))))

    return _load(table, "hevy", parse)


def read_strength_csv(source: str | Path | bytes | IO[bytes], *,
                      name: str | None = None) -> StrengthImport:
    """Read a strength log in legday, Strong or Hevy format, told apart by the header.

    Raises
    ------
    StrengthImportError
        When the header is none of the three; the message names the expected columns.
    """
    table = _parse_csv(source, name)
    have = table.index()
    if {"start_time", "exercise_title"} <= have.keys():
        return _read_hevy(table)
    if {"date", "exercise name"} <= have.keys():
        return _read_strong(table)
    if set(LEGDAY_COLUMNS) <= have.keys():
        return _read_legday(table)
    raise StrengthImportError(
        table.label,
        "unknown strength log header; expected legday columns " + ",".join(LEGDAY_COLUMNS)
        + ", or a Strong export (" + ",".join(STRONG_COLUMNS) + "), or a Hevy export ("
        + ",".join(HEVY_COLUMNS) + ")")


# ---------------------------------------------------------------------------
# Activities: FIT sets and Strava rows


def entries_from_activity(activity: Activity,
                          catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Entries of one activity: FIT ``set`` messages, or one whole-session row.

    Strength activities with active sets give one entry per run of consecutive
    active sets with the same exercise and weight (rest sets between them do
    not break a run): ``sets`` = N, ``reps`` the mean, ``duration_min`` the sum
    of the set durations. The exercise is the catalogue's name for the Garmin
    category and exercise name, or the raw category (``unknown``) when the
    catalogue has none; notes keep the Garmin names. Strength activities
    without sets (a Strava "Weight Training" row) give one entry without an
    exercise, lasting ``elapsed_s`` (``moving_s`` when elapsed is missing).
    Other sports give an empty frame.
    """
    if activity.sport != Sport.STRENGTH:
        return empty_entries()
    source = "strava" if activity.format == "strava_csv" else "fit"
    offset = pd.Timedelta(seconds=activity.utc_offset_s or 0)
    sets = activity.sets
    active = sets[sets["set_type"] == "active"] if len(sets) else sets
    first = activity.start_utc
    if first is None and len(active):
        first = active["start"].dropna().min()
    if first is None or pd.isna(first):
        return empty_entries()  # no time at all: nothing to place in a week
    day = (pd.Timestamp(first).tz_convert("UTC") + offset).tz_localize(None).normalize()
    session = f"{day.date().isoformat()}#{source}:{activity.id}"
    base = {"date": day, "session": session, "source": source}
    if not len(active):
        seconds = activity.elapsed_s if activity.elapsed_s is not None else activity.moving_s
        return make_entries([base | {
            "start_utc": first, "exercise": None, "notes": activity.name,
            "duration_min": math.nan if seconds is None else seconds / 60.0}])
    return make_entries(base | group for group in _set_runs(active, catalogue or load_catalogue()))


def _set_runs(active: pd.DataFrame, catalogue: Catalogue) -> Iterator[dict[str, Any]]:
    run: list[Any] = []
    run_key: tuple[str, float] | None = None
    for row in active.to_dict("records"):
        category = row["category"] if isinstance(row["category"], str) else "unknown"
        raw_name = row["exercise"] if isinstance(row["exercise"], str) else None
        exercise = catalogue.for_garmin(category, raw_name)
        name = exercise.name if exercise is not None else category
        named = garmin_exercise_name(category, raw_name)
        label = f"garmin {category}" + (f"/{named}" if named else "")
        key = (name, -1.0 if pd.isna(row["weight_kg"]) else float(row["weight_kg"]))
        if run and key != run_key:
            yield _set_run(run)
            run = []
        run_key = key
        run.append((row, name, label))
    if run:
        yield _set_run(run)


def _set_run(run: list[Any]) -> dict[str, Any]:
    rows = [r for r, _, _ in run]
    reps = [r["reps"] for r in rows if not pd.isna(r["reps"])]
    durations = [r["duration_s"] for r in rows if not pd.isna(r["duration_s"])]
    labels = list(dict.fromkeys(label for _, _, label in run))
    return {"start_utc": rows[0]["start"], "exercise": run[0][1], "sets": float(len(rows)),
            "reps": float(np.mean(reps)) if reps else math.nan,
            "weight_kg": rows[0]["weight_kg"],
            "duration_min": sum(durations) / 60.0 if durations else math.nan,
            "notes": "; ".join(labels)}


def entries_from_activities(activities: Iterable[Activity],
                            catalogue: Catalogue | None = None) -> pd.DataFrame:
    """:func:`entries_from_activity` for many activities, concatenated."""
    return concat_entries(entries_from_activity(a, catalogue) for a in activities)


# ---------------------------------------------------------------------------
# Analytics


ANNOTATION_COLUMNS = ("matched", "pattern", "region", "set_region", "single_leg",
                      "primary_muscles", "secondary_muscles")


def annotate(entries: pd.DataFrame, catalogue: Catalogue | None = None) -> pd.DataFrame:
    """Entries with what the catalogue knows about each exercise.

    Adds ``matched`` (catalogue name), ``pattern``, ``region``, ``set_region`` (the
    region its sets count towards: lower, upper or core, see :func:`sessions`),
    ``single_leg`` (bool), ``primary_muscles`` and ``secondary_muscles`` (tuples). Rows whose
    exercise the catalogue cannot match keep None there (``single_leg`` False);
    no row is dropped.
    """
    cat = catalogue or load_catalogue()
    found = {name: cat.match(name) for name in entries["exercise"].dropna().unique()}
    hits = [found.get(n) if isinstance(n, str) else None for n in entries["exercise"]]
    out = entries.copy()
    out["matched"] = pd.Series([e.name if e else None for e in hits], index=out.index,
                               dtype="object")
    out["pattern"] = pd.Series([e.pattern if e else None for e in hits], index=out.index,
                               dtype="object")
    out["region"] = pd.Series([e.region if e else None for e in hits], index=out.index,
                              dtype="object")
    out["set_region"] = pd.Series([e.set_region if e else None for e in hits],
                                  index=out.index, dtype="object")
    out["single_leg"] = pd.Series([bool(e and e.single_leg) for e in hits], index=out.index,
                                  dtype="bool")
    out["primary_muscles"] = pd.Series([e.primary_muscles if e else None for e in hits],
                                       index=out.index, dtype="object")
    out["secondary_muscles"] = pd.Series([e.secondary_muscles if e else None for e in hits],
                                         index=out.index, dtype="object")
    return out


def _annotated(entries: pd.DataFrame) -> pd.DataFrame:
    done = set(ANNOTATION_COLUMNS) <= set(entries.columns)
    return entries if done else annotate(entries.drop(columns=list(ANNOTATION_COLUMNS),
                                                      errors="ignore"))


def unmapped(entries: pd.DataFrame) -> pd.DataFrame:
    """Exercise names the catalogue cannot match, with how many entries use each.

    Columns ``exercise`` and ``count``, most frequent first. Whole-session rows
    (no exercise) are not names and are not listed.
    """
    ann = _annotated(entries)
    names = ann.loc[ann["exercise"].notna() & ann["matched"].isna(), "exercise"]
    counts = names.value_counts()
    frame = pd.DataFrame({"exercise": pd.Series(counts.index, dtype="object"),
                          "count": counts.to_numpy(dtype="int64")})
    return frame.sort_values(["count", "exercise"], ascending=[False, True],
                             ignore_index=True)


#: Columns of :func:`sessions` and their dtypes.
SESSION_COLUMNS: dict[str, str] = {
    "session": "object", "date": "datetime64[ns]", "start_utc": "datetime64[ns, UTC]",
    "duration_min": "float64", "rpe": "float64", "n_entries": "int64", "n_sets": "float64",
    "kind": "object", "lower_sets": "float64", "upper_sets": "float64", "core_sets": "float64",
    "lower_tonnage_kg": "float64", "has_single_leg": "bool", "has_compound_lower": "bool",
    "has_isolation_lower": "bool", "unmapped": "int64", "source": "object",
}
_COMPOUND = frozenset({"squat", "hinge", "lunge"})


def _working(ann: pd.DataFrame) -> pd.DataFrame:
    """Exercise rows that are not warm-ups, with ``sets`` defaulting to 1."""
    rows = ann[ann["exercise"].notna() & ~ann["is_warmup"].astype(bool)]
    return rows.assign(sets=rows["sets"].fillna(1.0))


def session_kind(lower_sets: float, upper_sets: float, core_sets: float) -> str:
    """"full_body", "lower", "upper", "core" or "unknown" from a session's mapped sets.

    Full body when lower and upper body each have at least
    :data:`FULL_BODY_SHARE` of the mapped sets; otherwise the region with the
    most sets (ties: lower, then upper, then core); unknown without mapped sets.
    """
    total = lower_sets + upper_sets + core_sets
    if total <= 0:
        return "unknown"
    if lower_sets / total >= FULL_BODY_SHARE and upper_sets / total >= FULL_BODY_SHARE:
        return "full_body"
    best = max((lower_sets, 2, "lower"), (upper_sets, 1, "upper"), (core_sets, 0, "core"))
    return best[2]


def _group_sums(codes: np.ndarray, n_groups: int, values: np.ndarray,
                mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per group: the sum of ``values[mask]`` (NaN as 0) and how many values are not NaN."""
    known = ~np.isnan(values)
    picked = np.where(known, values, 0.0)[mask]
    sums = np.bincount(codes[mask], weights=picked, minlength=n_groups)
    return sums, np.bincount(codes[mask & known], minlength=n_groups)


def sessions(entries: pd.DataFrame) -> pd.DataFrame:
    """One row per session (see :data:`SESSION_COLUMNS` and docs/strength.md).

    ``duration_min`` is the whole-session rows' duration when the session has
    one, else the sum of its entries' durations [min]; ``rpe`` the highest known
    RPE of its working entries; ``n_entries`` counts exercise rows (warm-ups
    too), ``n_sets`` working sets (an entry without ``sets`` counts as one);
    ``lower_sets``, ``upper_sets`` and ``core_sets`` count each working set once,
    towards its exercise's ``set_region`` (its main mover's region: a thruster is a
    lower-body set), so they add up to the mapped working sets;
    ``lower_tonnage_kg`` is sets x reps x weight over the lower-body sets [kg];
    ``unmapped`` counts entries whose exercise the catalogue cannot match.
    """
    ann = _annotated(entries)
    # Sessions numbered 0.. in order of first appearance; rows without a key (-1) are in none.
    codes, keys = pd.factorize(ann["session"], sort=False)
    if not (codes >= 0).all():
        ann, codes = ann[codes >= 0], codes[codes >= 0]
    n = len(keys)
    if not n:
        frame = pd.DataFrame({column: _series([], dtype)
                              for column, dtype in SESSION_COLUMNS.items()})
        return frame.sort_values(["date", "start_utc", "session"], ignore_index=True)

    exercise = ann["exercise"].notna().to_numpy()
    warmup = ann["is_warmup"].astype(bool).to_numpy()
    working = exercise & ~warmup
    region = ann["set_region"]
    pattern = ann["pattern"]
    lower = working & (region == "lower").to_numpy()
    sets = ann["sets"].fillna(1.0)
    sets_values = sets.to_numpy(dtype="float64")
    tonnage = (sets * ann["reps"] * ann["weight_kg"]).to_numpy(dtype="float64")
    duration = ann["duration_min"].to_numpy(dtype="float64")

    def sets_in(mask: np.ndarray) -> np.ndarray:
        return _group_sums(codes, n, sets_values, mask)[0]

    def count(mask: np.ndarray) -> np.ndarray:
        return np.bincount(codes[mask], minlength=n)

    lower_sets = sets_in(lower)
    upper_sets = sets_in(working & (region == "upper").to_numpy())
    core_sets = sets_in(working & (region == "core").to_numpy())
    # Minutes of the whole-session rows when there are any, else of the exercise rows.
    whole_min, whole_known = _group_sums(codes, n, duration, ~exercise)
    entry_min, entry_known = _group_sums(codes, n, duration, exercise)
    duration_min = np.where(count(~exercise) > 0,
                            np.where(whole_known > 0, whole_min, np.nan),
                            np.where(entry_known > 0, entry_min, np.nan))
    compound = lower & pattern.isin(list(_COMPOUND)).to_numpy()
    grouped = pd.DataFrame({
        "start_utc": pd.to_datetime(ann["start_utc"], utc=True).array,
        "rpe": np.where(warmup, np.nan, ann["rpe"].to_numpy(dtype="float64")),
    }).groupby(codes, sort=True)
    first = np.unique(codes, return_index=True)[1]
    frame = pd.DataFrame({
        "session": [str(k) for k in keys],
        "date": ann["date"].to_numpy()[first],
        "start_utc": grouped["start_utc"].min().array,
        "duration_min": duration_min,
        "rpe": grouped["rpe"].max().to_numpy(),
        "n_entries": count(exercise),
        "n_sets": sets_in(working),
        "kind": [session_kind(lo, up, co)
                 for lo, up, co in zip(lower_sets, upper_sets, core_sets, strict=True)],
        "lower_sets": lower_sets, "upper_sets": upper_sets, "core_sets": core_sets,
        "lower_tonnage_kg": _group_sums(codes, n, tonnage, lower)[0],
        "has_single_leg": count(working & ann["single_leg"].astype(bool).to_numpy()) > 0,
        "has_compound_lower": count(compound) > 0,
        "has_isolation_lower": count(lower & (pattern == "isolation").to_numpy()) > 0,
        "unmapped": count(exercise & ann["matched"].isna().to_numpy()),
        "source": ann["source"].to_numpy()[first],
    })
    frame = frame.astype(SESSION_COLUMNS)
    return frame.sort_values(["date", "start_utc", "session"], ignore_index=True)


def sets_per_muscle(entries: pd.DataFrame) -> pd.DataFrame:
    """Working sets per session and muscle group, long format.

    Columns ``session``, ``date``, ``muscle``, ``sets``: a primary muscle counts
    each set once, a secondary muscle :data:`SECONDARY_SET_WEIGHT` of it.
    Warm-ups and unmatched exercises count nothing; muscles with no sets are
    left out.
    """
    work = _working(_annotated(entries))
    work = work[work["matched"].notna()]
    totals: dict[tuple[str, pd.Timestamp, str], float] = {}
    for row in work.to_dict("records"):
        for muscles, weight in ((row["primary_muscles"], 1.0),
                                (row["secondary_muscles"], SECONDARY_SET_WEIGHT)):
            for muscle in muscles:
                key = (row["session"], row["date"], muscle)
                totals[key] = totals.get(key, 0.0) + float(row["sets"]) * weight
    order = {m: i for i, m in enumerate(MUSCLE_GROUPS)}
    keys = sorted(totals, key=lambda k: (k[1], k[0], order[k[2]]))
    return pd.DataFrame({
        "session": pd.Series([k[0] for k in keys], dtype="object"),
        "date": pd.Series([k[1] for k in keys], dtype="datetime64[ns]"),
        "muscle": pd.Series([k[2] for k in keys], dtype="object"),
        "sets": pd.Series([totals[k] for k in keys], dtype="float64"),
    })

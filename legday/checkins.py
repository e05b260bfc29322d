"""Next-morning check-ins: "how do your legs feel this morning?".

The simplest test of whether a session loaded the legs is the morning after:
heavy or sore legs after hill reps mean they were loaded, fresh legs after a
long run mean it was aerobic. A :class:`CheckIn` is one morning's answer
(fresh / normal / heavy / sore, optionally a 1-10 soreness and the muscles).

Everything here is pure: check-ins and the run and strength tables in
(:func:`legday.weekly.run_tables`, :func:`legday.weekly.strength_table`), frames
and sentences out. Each check-in judges the **day before** it (local dates):
:func:`link_checkins` names that day's sessions, :func:`legs_after` counts the
mornings after each kind of session, :func:`week_evidence` writes the
sentences the weekly verdict shows beside the efforts. docs/checkins.md has
the rules.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Final

import pandas as pd

from legday.csv_export import csv_text, restore_formula
from legday.errors import ReadError
from legday.strength.log import RowProblem
from legday.units import Units

#: How the legs feel, least to most tired (stored as these words).
LEG_FEELS: Final[tuple[str, ...]] = ("fresh", "normal", "heavy", "sore")
#: Feels that say the day before loaded the legs.
TIRED_FEELS: Final[tuple[str, ...]] = ("heavy", "sore")
#: Soreness, when given, is on this scale (1 barely, 10 the worst). [1]
SORENESS_MIN: Final = 1
SORENESS_MAX: Final = 10
#: Muscles a runner can name in a check-in, as shown.
CHECKIN_MUSCLES: Final[tuple[str, ...]] = (
    "quads", "hamstrings", "glutes", "calves", "hips", "shins", "feet", "lower back")
#: Other names read for them (lower case).
MUSCLE_ALIASES: Final[dict[str, str]] = {
    "quad": "quads", "quadriceps": "quads", "hamstring": "hamstrings", "glute": "glutes",
    "calf": "calves", "hip": "hips", "hip flexors": "hips", "adductors": "hips",
    "abductors": "hips", "shin": "shins", "foot": "feet", "back": "lower back",
    "lower_back": "lower back"}
#: The longest note kept. [characters]
NOTE_MAX_CHARS: Final = 500

#: What the day before a check-in held, in chart order: runs by their primary kind,
#: strength sessions by whether they were leg sessions, and days with neither.
AFTER_KINDS: Final[tuple[str, ...]] = (
    "hill", "sprint", "interval", "steady", "leg_session", "other_lifting", "rest")
#: Each of :data:`AFTER_KINDS` in words.
AFTER_WORDS: Final[dict[str, str]] = {
    "hill": "hill run", "sprint": "sprint run", "interval": "interval run",
    "steady": "steady run", "leg_session": "leg session", "other_lifting": "other lifting",
    "rest": "no run or lifting"}
#: Sessions whose next morning is evidence whatever the legs say (the others only when
#: the legs were heavy or sore: a steady run leaving them fresh says nothing new).
LEG_WORK_KINDS: Final[tuple[str, ...]] = ("hill", "sprint", "interval", "leg_session")

#: CSV columns: ``date`` and ``legs`` required, the others optional.
CSV_COLUMNS: Final[tuple[str, ...]] = ("date", "legs", "soreness", "note", "muscles")
REQUIRED_CSV_COLUMNS: Final[tuple[str, ...]] = ("date", "legs")

#: The check-ins frame: column -> dtype.
CHECKIN_COLUMNS: Final[dict[str, str]] = {
    "date": "datetime64[ns]",  # local date of the morning, naive midnight
    "legs": "object",  # one of LEG_FEELS
    "soreness": "float64",  # 1-10, NaN when not given
    "muscles": "object",  # tuple of CHECKIN_MUSCLES
    "note": "object",  # text or None
}
#: :func:`link_checkins` adds these: the day judged, its ISO week, its sessions.
LINKED_COLUMNS: Final[tuple[str, ...]] = ("after_date", "week", "after", "after_words")


class CheckInImportError(ReadError):
    """A check-in CSV legday cannot read at all (empty, not CSV, no date or legs column).

    Single bad rows are not errors: they come back as ``RowProblem``s and the good
    rows still load.
    """

    reason = "not a check-in CSV legday can read"


@dataclass(frozen=True)
class CheckIn:
    """One morning's answer; raises ``ValueError`` (with the reason) when invalid.

    Attributes
    ----------
    date
        The local date of the morning.
    legs
        One of :data:`LEG_FEELS`.
    soreness
        1-10, or None when not given.
    muscles
        Some of :data:`CHECKIN_MUSCLES`, in that order.
    note
        Free text (at most :data:`NOTE_MAX_CHARS` characters), or None.
    """

    date: dt.date
    legs: str
    soreness: int | None = None
    muscles: tuple[str, ...] = ()
    note: str | None = None

    def __post_init__(self) -> None:
        if isinstance(self.date, dt.datetime) or not isinstance(self.date, dt.date):
            raise ValueError(f"date {self.date!r} is not a calendar date")
        legs = str(self.legs).strip().lower()
        if legs not in LEG_FEELS:
            raise ValueError(f"legs {self.legs!r} is none of {', '.join(LEG_FEELS)}")
        object.__setattr__(self, "legs", legs)
        if self.soreness is not None:
            if isinstance(self.soreness, bool) or int(self.soreness) != self.soreness or not (
                    SORENESS_MIN <= self.soreness <= SORENESS_MAX):
                raise ValueError(f"soreness {self.soreness!r} is not a whole number from "
                                 f"{SORENESS_MIN} to {SORENESS_MAX}")
            object.__setattr__(self, "soreness", int(self.soreness))
        object.__setattr__(self, "muscles", muscle_names(self.muscles))
        note = (self.note or "").strip()
        if len(note) > NOTE_MAX_CHARS:
            raise ValueError(f"the note is longer than {NOTE_MAX_CHARS} characters")
        object.__setattr__(self, "note", note or None)

    @property
    def tired(self) -> bool:
        return self.legs in TIRED_FEELS

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date.isoformat(), "legs": self.legs, "soreness": self.soreness,
                "muscles": list(self.muscles), "note": self.note}


def muscle_names(names: Iterable[str]) -> tuple[str, ...]:
    """Known muscle names (aliases read), in :data:`CHECKIN_MUSCLES` order, once each."""
    found = set()
    for raw in names:
        name = " ".join(str(raw).strip().lower().replace("_", " ").split())
        if not name:
            continue
        name = MUSCLE_ALIASES.get(name, name)
        if name not in CHECKIN_MUSCLES:
            raise ValueError(f"muscle {raw!r} is none of {', '.join(CHECKIN_MUSCLES)}")
        found.add(name)
    return tuple(m for m in CHECKIN_MUSCLES if m in found)


# --- frames ---------------------------------------------------------------------------------

def checkin_frame(checkins: Iterable[CheckIn]) -> pd.DataFrame:
    """The check-ins as a frame (:data:`CHECKIN_COLUMNS`), oldest first."""
    rows = sorted(checkins, key=lambda c: c.date)
    frame = pd.DataFrame({
        "date": pd.to_datetime(pd.Series([c.date for c in rows], dtype=object)),
        "legs": pd.Series([c.legs for c in rows], dtype=object),
        "soreness": pd.Series([c.soreness for c in rows], dtype="float64"),
        "muscles": pd.Series([c.muscles for c in rows], dtype=object),
        "note": pd.Series([c.note for c in rows], dtype=object)})
    frame["date"] = frame["date"].astype("datetime64[ns]")
    return frame


def frame_checkins(frame: pd.DataFrame) -> list[CheckIn]:
    """The :class:`CheckIn` of each row of a check-ins frame."""
    out = []
    for rec in frame.to_dict("records"):
        soreness = rec.get("soreness")
        out.append(CheckIn(
            pd.Timestamp(rec["date"]).date(), str(rec["legs"]),
            None if soreness is None or pd.isna(soreness) else int(soreness),
            tuple(rec.get("muscles") or ()), rec.get("note") or None))
    return out


# --- CSV ------------------------------------------------------------------------------------

@dataclass
class CheckInImport:
    """What :func:`read_checkins_csv` returns: the good rows and the bad ones."""

    checkins: list[CheckIn]
    problems: list[RowProblem] = field(default_factory=list)


def _read_bytes(source: str | Path | bytes | IO[bytes], name: str | None) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "check-ins"
    if isinstance(source, str | Path):
        path = Path(source)
        return path.read_bytes(), name or path.name
    return source.read(), name or str(getattr(source, "name", "check-ins"))


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"date {text!r} is not a date like 2026-09-02") from None


def _soreness(text: str) -> int | None:
    if not text:
        return None
    try:
        number = float(text)
    except ValueError:
        raise ValueError(f"soreness {text!r} is not a number from {SORENESS_MIN} to "
                         f"{SORENESS_MAX}") from None
    if number != int(number) or not SORENESS_MIN <= number <= SORENESS_MAX:
        raise ValueError(f"soreness {text!r} is not a whole number from {SORENESS_MIN} "
                         f"to {SORENESS_MAX}")
    return int(number)


def read_checkins_csv(source: str | Path | bytes | IO[bytes], *,
                      name: str | None = None) -> CheckInImport:
    """Read check-ins from a CSV with a header: ``date`` (YYYY-MM-DD) and ``legs``
    (fresh, normal, heavy or sore), optionally ``soreness`` (1-10), ``note`` and
    ``muscles`` (separated by ``;``, ``|`` or ``/``). Columns may come in any order;
    other columns are ignored.

    A bad row is a :class:`RowProblem` (its line and why) and the good rows still
    load; a date given twice keeps its first row.

    Raises
    ------
    CheckInImportError
        When the file is empty, not text CSV, or lacks the ``date`` or ``legs`` column.
    """
    payload, label = _read_bytes(source, name)
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CheckInImportError(label, "not a text CSV file") from None
    first = next((line for line in text.splitlines() if line.strip()), "")
    if not first:
        raise CheckInImportError(label, "the file is empty")
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        records = [(reader.line_num, row) for row in reader]
    except csv.Error as exc:
        raise CheckInImportError(label, f"not readable as CSV near line {reader.line_num}") \
            from exc
    records = [(line, row) for line, row in records if any(cell.strip() for cell in row)]
    header = [cell.strip().lower() for cell in records[0][1]]
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        raise CheckInImportError(label, f"no {' or '.join(missing)} column; expected a header "
                                        f"with {', '.join(CSV_COLUMNS)} (soreness, note and "
                                        f"muscles may be left out)")
    where = {column: header.index(column) for column in CSV_COLUMNS if column in header}
    checkins: list[CheckIn] = []
    problems: list[RowProblem] = []
    seen: dict[dt.date, int] = {}
    for line, row in records[1:]:
        def cell(column: str, row: list[str] = row) -> str:
            at = where.get(column)
            return row[at].strip() if at is not None and at < len(row) else ""

        try:
            day = _date(cell("date"))
            if not cell("legs"):
                raise ValueError(f"no legs value; give one of {', '.join(LEG_FEELS)}")
            muscles = [m for part in cell("muscles").replace("|", ";").replace("/", ";")
                       .split(";") if (m := part.strip())]
            checkin = CheckIn(day, cell("legs"), _soreness(cell("soreness")), tuple(muscles),
                              restore_formula(cell("note")) or None)
        except ValueError as err:
            problems.append(RowProblem(line, str(err)))
            continue
        if day in seen:
            problems.append(RowProblem(line, f"{day} is already on line {seen[day]}; "
                                             f"that row is kept"))
            continue
        seen[day] = line
        checkins.append(checkin)
    return CheckInImport(checkins, problems)


def write_checkins_csv(checkins: Iterable[CheckIn]) -> str:
    """The check-ins as CSV (:data:`CSV_COLUMNS`); :func:`read_checkins_csv` reads it back."""
    return csv_text(CSV_COLUMNS, ([c.date.isoformat(), c.legs, c.soreness, c.note or "",
                                   ";".join(c.muscles)]
                                  for c in sorted(checkins, key=lambda c: c.date)))


# --- the day before -------------------------------------------------------------------------

def _day(value: Any) -> dt.date:
    ts = pd.Timestamp(value)
    return (ts.tz_localize(None) if ts.tzinfo else ts).date()


def _run_words(kind: str, distance_m: float, units: Units) -> str:
    run = AFTER_WORDS.get(kind, f"{kind} run")
    return f"{run} ({units.fmt_distance(distance_m, 1)})" if distance_m > 0 else run


def day_sessions(runs: pd.DataFrame, strength: pd.DataFrame, units: Units | None = None,
                 ) -> dict[dt.date, list[tuple[str, str]]]:
    """The sessions of each local date: ``(kind, words)`` with kind one of
    :data:`AFTER_KINDS`, runs first (by start), then strength sessions; distances in
    ``units`` (km by default)."""
    units = units or Units("km")
    out: dict[dt.date, list[tuple[str, str]]] = {}
    if len(runs):
        ordered = runs.sort_values("local_start") if "local_start" in runs else runs
        for date, primary, distance in zip(ordered["date"], ordered["primary"],
                                           ordered["distance_m"], strict=True):
            kind = str(primary) if str(primary) in AFTER_KINDS else "steady"
            metres = float(distance) if pd.notna(distance) else 0.0
            out.setdefault(_day(date), []).append((kind, _run_words(kind, metres, units)))
    if len(strength):
        for date, leg, lower_sets in zip(strength["date"], strength["is_leg_session"],
                                         strength["lower_sets"], strict=True):
            sets = float(lower_sets) if pd.notna(lower_sets) else 0.0
            if bool(leg):
                words = f"leg session ({sets:.0f} lower-body sets)"
                out.setdefault(_day(date), []).append(("leg_session", words))
            else:
                words = (f"lifting ({sets:.0f} lower-body sets)" if sets > 0
                         else "upper-body or core lifting")
                out.setdefault(_day(date), []).append(("other_lifting", words))
    return out


def link_checkins(checkins: pd.DataFrame, runs: pd.DataFrame, strength: pd.DataFrame,
                  units: Units | None = None) -> pd.DataFrame:
    """Each check-in with the day it judges: the check-ins frame plus ``after_date`` (the
    day before, a date), ``week`` (that day's ISO week), ``after`` (tuple of
    :data:`AFTER_KINDS`, ``("rest",)`` when the day had no run or lifting) and
    ``after_words`` (the sessions in words, distances in ``units``)."""
    sessions = day_sessions(runs, strength, units)
    out = checkins.copy().reset_index(drop=True)
    after_dates = [_day(d) - dt.timedelta(days=1) for d in out["date"]]
    found = [sessions.get(day, []) for day in after_dates]
    out["after_date"] = pd.Series(after_dates, dtype=object)
    out["week"] = pd.Series([d.strftime("%G-W%V") for d in after_dates], dtype=object)
    out["after"] = pd.Series([tuple(dict.fromkeys(k for k, _ in day)) or ("rest",)
                              for day in found], dtype=object)
    out["after_words"] = pd.Series(["; ".join(w for _, w in day) or AFTER_WORDS["rest"]
                                    for day in found], dtype=object)
    return out


def legs_after(linked: pd.DataFrame) -> pd.DataFrame:
    """How the legs felt the morning after each kind of day.

    One row per :data:`AFTER_KINDS` that has a morning (a day with a hill run and a
    leg session counts for both), in that order: the number of mornings of each of
    :data:`LEG_FEELS`, ``mornings``, ``tired_share`` (heavy or sore) and
    ``mean_soreness`` (of the mornings that gave one; NaN when none did).
    """
    columns = [*LEG_FEELS, "mornings", "tired_share", "mean_soreness"]
    if linked.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="after"))
    long = linked[["legs", "soreness", "after"]].explode("after")
    counts = pd.crosstab(long["after"], long["legs"]).reindex(columns=list(LEG_FEELS),
                                                              fill_value=0)
    order = [k for k in AFTER_KINDS if k in counts.index]
    table = counts.reindex(order).astype(int)
    table["mornings"] = table[list(LEG_FEELS)].sum(axis=1)
    table["tired_share"] = table[list(TIRED_FEELS)].sum(axis=1) / table["mornings"]
    table["mean_soreness"] = long.groupby("after")["soreness"].mean().reindex(order)
    table.index.name = "after"
    return table[columns]


_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def _joined(parts: Sequence[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def evidence_sentence(row: pd.Series) -> str:
    """"Tuesday's hill run: heavy legs on Wednesday (soreness 6/10: quads, calves)"."""
    after = [AFTER_WORDS[k] for k in row["after"]]
    judged = _WEEKDAYS[row["after_date"].weekday()]
    morning = _WEEKDAYS[_day(row["date"]).weekday()]
    details = []
    if pd.notna(row["soreness"]):
        details.append(f"soreness {row['soreness']:.0f}/10")
    if row["muscles"]:
        details.append(", ".join(row["muscles"]))
    extra = f" ({': '.join(details)})" if details else ""
    return f"{judged}'s {_joined(after)}: {row['legs']} legs on {morning}{extra}"


def is_evidence(after: Sequence[str], legs: str) -> bool:
    """Whether a morning says something about the day before's leg work: any morning
    after a hill, sprint or interval run or a leg session; after other days only heavy
    or sore legs."""
    if any(k in LEG_WORK_KINDS for k in after):
        return True
    return legs in TIRED_FEELS and after != ("rest",)


def week_evidence(linked: pd.DataFrame) -> dict[str, list[str]]:
    """The evidence sentences of each ISO week (the week of the day judged), by date."""
    out: dict[str, list[str]] = {}
    for _, row in linked.sort_values("date").iterrows():
        if is_evidence(row["after"], str(row["legs"])):
            out.setdefault(str(row["week"]), []).append(evidence_sentence(row))
    return out


def linked_records(linked: pd.DataFrame) -> list[dict[str, Any]]:
    """The linked check-ins as JSON-ready dicts, oldest first (dates as ISO text, NaN as
    null), each with its ``evidence`` sentence, or null when it is no evidence."""
    out = []
    for _, row in linked.sort_values("date").iterrows():
        soreness = row["soreness"]
        evidence = is_evidence(row["after"], str(row["legs"]))
        out.append({"date": _day(row["date"]).isoformat(), "legs": row["legs"],
                    "soreness": None if pd.isna(soreness) else int(soreness),
                    "muscles": list(row["muscles"]), "note": row["note"],
                    "after_date": row["after_date"].isoformat(), "week": row["week"],
                    "after": list(row["after"]), "after_words": row["after_words"],
                    "evidence": evidence_sentence(row) if evidence else None})
    return out

"""Strava bulk export: ``activities.csv`` plus ``activities/*.fit.gz|.gpx.gz|.tcx.gz``.

The CSV gives each activity's name, description, Strava type and start; it is linked to the
file named in its ``Filename`` column. Rows without a file (manual entries such
as a "Weight Training" session) become activities without samples, so weekly
analytics can still count them. Files in ``activities/`` that no row names are
read too, so nothing in the export is lost.

Strava writes ``Activity Date`` in UTC. The local UTC offset comes from the
activity file (FIT ``activity.local_timestamp``); a row without a file borrows
the offset of the export's activity nearest in time, since one export belongs
to one athlete.
"""

from __future__ import annotations

import csv
import dataclasses
import io
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pandas as pd

from legday.errors import LegdayError
from legday.io import Limits, ReadFailure, ReadResult, read_payload
from legday.io.sport import has_lifting_sets, normalise_sport, session_sport
from legday.model import Activity, Sport, content_id

if TYPE_CHECKING:
    from legday.io.archive import Entry

CSV_NAME = "activities.csv"
_MORE_SPECIFIC_RUNS = (Sport.TRAIL_RUN, Sport.TREADMILL_RUN)


def find_export_roots(paths: list[str]) -> list[str]:
    """Prefixes ('' or 'folder/') under which a Strava ``activities.csv`` lies."""
    roots = []
    for path in paths:
        if path == CSV_NAME or path.endswith("/" + CSV_NAME):
            root = path[: -len(CSV_NAME)]
            if root.count("/") <= 1:  # the export's top level, or one folder below it
                roots.append(root)
    return roots


def _columns(header: list[str]) -> dict[str, int]:
    # Strava repeats some names (Distance in km or miles first, in metres later):
    # the later, unit-fixed column wins.
    return {name.strip(): i for i, name in enumerate(header)}


def _float(text: str | None) -> float | None:
    if text is None or not text.strip():
        return None
    try:
        return float(text.replace(",", ""))
    except ValueError:
        return None


def parse_activity_date(text: str) -> pd.Timestamp | None:
    """Strava's ``Activity Date`` (e.g. ``Jun 4, 2024, 6:13:47 AM``, UTC) as a timestamp."""
    text = text.strip()
    if not text:
        return None
    for fmt in ("%b %d, %Y, %I:%M:%S %p", "%b %d, %Y, %H:%M:%S", "%Y-%m-%d %H:%M:%S"):
        try:
            return pd.Timestamp(pd.to_datetime(text, format=fmt, utc=True))
        except (ValueError, TypeError):
            continue
    try:
        return pd.Timestamp(pd.to_datetime(text, utc=True))
    except (ValueError, TypeError):
        return None


def read_activities_csv(payload: bytes) -> list[dict[str, str]] | None:
    """Rows of a Strava ``activities.csv`` (None when it is not one)."""
    text = payload.decode("utf-8-sig", errors="replace")
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if not header or header[0].strip() != "Activity ID":
        return None
    cols = _columns(header)
    rows = []
    for raw in reader:
        if not any(cell.strip() for cell in raw):
            continue
        rows.append({name: raw[i] if i < len(raw) else "" for name, i in cols.items()})
    return rows


def _apply_row(activity: Activity, row: dict[str, str]) -> Activity:
    strava_sport = normalise_sport(row.get("Activity Type"))
    sport = activity.sport
    if strava_sport is not Sport.OTHER and not (
            strava_sport is Sport.RUN and activity.sport in _MORE_SPECIFIC_RUNS):
        sport = strava_sport
    sport = session_sport(sport, row.get("Activity Type"), row.get("Activity Name"),
                          has_sets=has_lifting_sets(activity.sets))
    extra = dict(activity.extra)
    extra.update(strava_id=row.get("Activity ID"), strava_type=row.get("Activity Type"))
    return dataclasses.replace(activity, name=row.get("Activity Name") or activity.name,
                               description=_description(row) or activity.description,
                               sport=sport, extra=extra)


def _description(row: dict[str, str]) -> str | None:
    """The runner's description of the session (often where the plan is written)."""
    return (row.get("Activity Description") or "").strip() or None


def _row_activity(row: dict[str, str], entry: Entry, note: str | None) -> Activity:
    start = parse_activity_date(row.get("Activity Date", ""))
    payload = ",".join(f"{k}={v}" for k, v in row.items()).encode()
    activity = Activity(
        id=content_id(payload, "strava_csv"),
        source=entry.shown,
        member=entry.member,
        format="strava_csv",
        sport=session_sport(normalise_sport(row.get("Activity Type")),
                            row.get("Activity Type"), row.get("Activity Name")),
        sport_original=row.get("Activity Type") or None,
        name=row.get("Activity Name") or None,
        description=_description(row),
        start_utc=start,
        elapsed_s=_float(row.get("Elapsed Time")),
        moving_s=_float(row.get("Moving Time")),
        distance_m=_float(row.get("Distance")),
        extra={"strava_id": row.get("Activity ID"), "strava_type": row.get("Activity Type")},
    )
    if note:
        activity.fixes.append(note)
        activity.partial = True
    return activity


def iter_export(root: str, entries: dict[str, Entry], consumed: set[str], *,
                limits: Limits) -> Iterator[ReadResult]:
    """Read one Strava export found at ``root`` in a folder or archive tree."""
    csv_entry = entries[root + CSV_NAME]
    try:
        rows = read_activities_csv(csv_entry.read(limits.max_file_bytes + 1))
    except LegdayError:
        rows = None  # left to the normal walk, which reports the damaged member
    if rows is None:
        return  # some other activities.csv: leave it to the normal walk
    consumed.update(p for p in entries if p.startswith(root))
    offsets = _Offsets()
    named: set[str] = set()
    for row in rows:
        filename = row.get("Filename", "").strip()
        entry = entries.get(root + filename) if filename else None
        if entry is None:
            note = f"the export lists {filename} but it is missing" if filename else None
            yield from offsets.pass_on(_row_activity(row, csv_entry, note))
            continue
        named.add(entry.path)
        read_any = False
        for result in _read_entry(entry, limits):
            if isinstance(result, Activity):
                read_any = True
                yield from offsets.pass_on(_apply_row(result, row))
            else:
                yield result
        if not read_any:
            # Keep the CSV's facts so the session still counts in weekly totals.
            yield from offsets.pass_on(
                _row_activity(row, csv_entry, f"{filename} could not be read"))
    for path in sorted(entries):
        if path.startswith(root + "activities/") and path not in named:
            for result in _read_entry(entries[path], limits):
                yield from offsets.pass_on(result)
    yield from offsets.rest()


class _Offsets:
    """Streams an export's activities, holding back only those without a local offset.

    Each export's activities are yielded as soon as they are read; one without a UTC
    offset waits until the end and then borrows the offset of the export's activity
    nearest in time (one export belongs to one athlete).
    """

    def __init__(self) -> None:
        self.known: list[tuple[pd.Timestamp, int]] = []
        self.waiting: list[Activity] = []

    def pass_on(self, result: ReadResult) -> Iterator[ReadResult]:
        if not isinstance(result, Activity) or result.start_utc is None:
            yield result
        elif result.utc_offset_s is not None:
            self.known.append((result.start_utc, result.utc_offset_s))
            yield result
        else:
            self.waiting.append(result)

    def rest(self) -> Iterator[Activity]:
        for activity in self.waiting:
            if self.known:
                start = activity.start_utc
                assert start is not None
                nearest = min(self.known, key=lambda k: abs((k[0] - start).total_seconds()))
                activity = dataclasses.replace(activity, utc_offset_s=nearest[1])
            yield activity


def _read_entry(entry: Entry, limits: Limits) -> Iterator[ReadResult]:
    try:
        payload = entry.read(limits.max_file_bytes + 1)
    except LegdayError as err:
        yield ReadFailure(entry.shown, entry.member, err)
        return
    yield from read_payload(payload, shown=entry.shown, member=entry.member, limits=limits)


__all__ = ["find_export_roots", "iter_export", "parse_activity_date", "read_activities_csv",
           "ReadFailure"]

"""The data access API: every function takes the athlete, as a context, explicitly.

An :class:`AthleteContext` is the athlete themself: read and write their own
rows. A :class:`ShareContext` comes from a coach's share token: read-only
(every write raises :class:`ReadOnlyError`, except :func:`add_coach_note` when
the link allows notes), samples trimmed for privacy before they leave this
module, and the link re-checked (expiry, revocation) on every call.

No query here runs without ``athlete_id = ctx.athlete_id``; an id that belongs
to another athlete is simply :class:`NotFound`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import PurePath
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd
from pandas.arrays import DatetimeArray
from sqlalchemy import Select, delete, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from legday.calibration import PROFILE_FIELDS, AthleteProfile, with_overrides
from legday.checkins import CheckIn
from legday.efforts import EFFORT_COLUMNS
from legday.model import (
    EVENT_COLUMNS,
    LAP_COLUMNS,
    SAMPLE_COLUMNS,
    SET_COLUMNS,
    Activity,
    Device,
    Sport,
    Workout,
    empty_frame,
)
from legday.schema import (
    ENTRY_COLUMNS,
    RENAMED_THRESHOLDS,
    RETIRED_THRESHOLDS,
    AnalysisSettings,
    PrivacyZone,
)
from legday.store import share as tokens
from legday.store.config import public_url
from legday.store.db import make_engine, session_factory
from legday.store.errors import NotFound, NotShared, ReadOnlyError, ShareLinkUnknown, StoreError
from legday.store.frames import decode_frame
from legday.store.migrations import upgrade
from legday.store.models import (
    ActivityRow,
    CheckInRow,
    CoachNoteRow,
    CorrectionRow,
    EffortRow,
    PrivacyZoneRow,
    Settings,
    ShareLinkRow,
    StrengthEntryRow,
)
from legday.store.models import Athlete as AthleteRow
from legday.store.privacy import DEFAULT_TRIM_M, hidden_mask, new_privacy_key, trim_samples

Clock = Callable[[], datetime]

ACTIVITY_LIST_COLUMNS = (
    "activity_id", "content_id", "start_utc", "utc_offset_s", "sport", "sport_original",
    "name", "source", "member", "format", "elapsed_s", "moving_s", "distance_m", "points",
    "has_hr", "has_position", "partial", "primary",
)

DEFAULT_SETTINGS: dict[str, Any] = {"privacy_trim_m": DEFAULT_TRIM_M, "profile": {},
                                    "units": "km", "timezone": "UTC", "thresholds": {}}
UNITS = ("km", "mi")
#: The settings row also keeps the athlete's privacy key; it never leaves the store.
PRIVACY_KEY = "privacy_key"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class Store:
    """One database: sessions, the clock share links are judged by, and contexts."""

    def __init__(self, url: str | None = None, *, clock: Clock = _utc_now,
                 base_url: str | None = None, migrate: bool = True) -> None:
        self.engine = make_engine(url)
        if migrate:
            upgrade(self.engine)
        self.sessions = session_factory(self.engine)
        self.clock = clock
        self.base_url = base_url or public_url()

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def athlete(self, name: str = "local") -> AthleteContext:
        """The athlete called ``name`` (created on first use): "local" in local mode,
        the OpenID subject or e-mail when hosted."""
        name = name.strip()
        if not name:
            raise StoreError("an athlete needs a name")
        for _attempt in range(2):
            with self.sessions.begin() as session:
                row = session.scalar(select(AthleteRow).where(AthleteRow.name == name))
                if row is not None:
                    return AthleteContext(self, row.id, row.name)
            try:
                with self.sessions.begin() as session:
                    row = AthleteRow(name=name, created_utc=self.now())
                    session.add(row)
                    session.flush()
                    return AthleteContext(self, row.id, row.name)
            except IntegrityError:
                continue  # created by a concurrent process: read it back
        raise StoreError(f"could not create athlete {name!r}")

    def share(self, token: str) -> ShareContext:
        """The read-only view a share token opens.

        Raises
        ------
        ShareLinkError
            Unknown (or forged), expired or revoked token; no data is returned.
        """
        if not tokens.looks_like_token(token):
            raise ShareLinkUnknown()
        with self.sessions() as session:
            row = session.scalar(select(ShareLinkRow).where(
                ShareLinkRow.token_hash == tokens.token_hash(token)))
            if row is None:
                raise ShareLinkUnknown()
            tokens.check_valid(row.expires_utc, row.revoked_utc, self.now())
            shared = ShareContext(self, row.athlete_id, row.id, row.allow_notes, row.label)
        _ensure_privacy_key(self, shared.athlete_id)  # for links made before keys existed
        return shared

    def close(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, clock: Clock = _utc_now,
               base_url: str | None = None) -> Store:
    """Open (and migrate to the latest schema) the database at ``url``
    (default: :func:`legday.store.config.database_url`)."""
    return Store(url, clock=clock, base_url=base_url)


@dataclass(frozen=True)
class AthleteContext:
    """The athlete themself: full access to their own rows, none to anyone else's."""

    store: Store
    athlete_id: int
    name: str


@dataclass(frozen=True)
class ShareContext:
    """A coach's read-only view of one athlete, through one share link."""

    store: Store
    athlete_id: int
    share_id: int
    allow_notes: bool
    label: str | None = None


Context = AthleteContext | ShareContext


def writable(ctx: Context, action: str) -> AthleteContext:
    """``ctx`` when it may write; a :class:`ReadOnlyError` for any share context."""
    if isinstance(ctx, ShareContext):
        raise ReadOnlyError(action)
    if not isinstance(ctx, AthleteContext):
        raise TypeError(f"expected an AthleteContext, got {type(ctx).__name__}")
    return ctx


def readable(ctx: Context, session: Session) -> None:
    """Re-check a share link at every call: a revoked or expired link shows nothing."""
    if isinstance(ctx, ShareContext):
        row = session.get(ShareLinkRow, ctx.share_id)
        if row is None or row.athlete_id != ctx.athlete_id:
            raise ShareLinkUnknown()
        tokens.check_valid(row.expires_utc, row.revoked_utc, ctx.store.now())
    elif not isinstance(ctx, AthleteContext):
        raise TypeError(f"expected a context, got {type(ctx).__name__}")


def private(ctx: Context, what: str) -> AthleteContext:
    """``ctx`` for data a share link never shows; :class:`NotShared` otherwise."""
    if isinstance(ctx, ShareContext):
        raise NotShared(what)
    return writable(ctx, what)


# --- conversions -----------------------------------------------------------------------------

def _ts(value: datetime | None) -> pd.Timestamp | None:
    return None if value is None else pd.Timestamp(value).tz_convert("UTC")


def _py_datetime(value: Any) -> datetime | None:
    if value is None or pd.isna(value):  # NaT is a datetime too
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return ts.tz_convert("UTC").to_pydatetime()


def _float(value: Any) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(out) or math.isinf(out) else out


def json_safe(value: dict[str, Any]) -> dict[str, Any]:
    """A JSON-storable copy (numpy numbers and timestamps become numbers and text)."""
    return dict(json.loads(json.dumps(value, default=str)))


def activity_distance_m(activity: Activity) -> float | None:
    """The activity's distance: from the file's summary, else its samples. [m]"""
    if activity.distance_m is not None and not math.isnan(activity.distance_m):
        return float(activity.distance_m)
    dist = activity.samples["distance_m"]
    return float(dist.max()) if dist.notna().any() else None


def row_to_activity(row: ActivityRow, samples: pd.DataFrame | None = None) -> Activity:
    """The model :class:`Activity` of a stored row (``extra['activity_id']`` is the row id)."""
    extra = dict(row.extra or {})
    extra["activity_id"] = row.id
    return Activity(
        id=row.content_id, source=row.source, format=row.format, sport=Sport(row.sport),
        member=row.member, name=row.name, description=row.description,
        workout=Workout.from_dict(row.workout), sport_original=row.sport_original,
        sub_sport_original=row.sub_sport_original,
        device=Device(row.device_manufacturer, row.device_product),
        start_utc=_ts(row.start_utc), utc_offset_s=row.utc_offset_s, elapsed_s=row.elapsed_s,
        moving_s=row.moving_s, distance_m=row.distance_m,
        samples=samples if samples is not None else decode_frame(row.samples, SAMPLE_COLUMNS),
        laps=decode_frame(row.laps, LAP_COLUMNS),
        timer_events=decode_frame(row.timer_events, EVENT_COLUMNS),
        sets=decode_frame(row.sets, SET_COLUMNS), partial=row.partial,
        fixes=list(row.fixes or []), extra=extra)


def _shared_activity(ctx: ShareContext, row: ActivityRow, trim_m: float,
                     zones: list[PrivacyZone], key: str | None) -> Activity:
    samples = trim_samples(decode_frame(row.samples, SAMPLE_COLUMNS), trim_m, zones, key=key,
                           activity=row.content_id)
    activity = row_to_activity(row, samples)
    # A coach sees the file name, not the athlete's folders; extra may hold ids of other services.
    activity.source = PurePath(row.source).name
    activity.extra = {"activity_id": row.id}
    return activity


def _privacy_inputs(ctx: Context, session: Session,
                    ) -> tuple[float, list[PrivacyZone], str | None]:
    settings = _load_settings(session, ctx.athlete_id)
    zones = [PrivacyZone(z.lat, z.lon, z.radius_m, z.name, z.id) for z in session.scalars(
        select(PrivacyZoneRow).where(PrivacyZoneRow.athlete_id == ctx.athlete_id))]
    return float(settings["privacy_trim_m"]), zones, settings.get(PRIVACY_KEY)


def _ensure_privacy_key(store: Store, athlete_id: int) -> None:
    """Give the athlete a privacy key (the secret randomising the trim) if they have none."""
    with store.sessions.begin() as session:
        row = session.get(Settings, athlete_id)
        if row is None:
            session.add(Settings(athlete_id=athlete_id,
                                 data={**_load_settings(session, athlete_id),
                                       PRIVACY_KEY: new_privacy_key()}))
        elif not row.data.get(PRIVACY_KEY):
            row.data = {**row.data, PRIVACY_KEY: new_privacy_key()}


# --- activities ------------------------------------------------------------------------------

def list_activities(ctx: Context, since: datetime | None = None, until: datetime | None = None,
                    sport: Sport | str | Iterable[Sport | str] | None = None,
                    primary: str | None = None) -> pd.DataFrame:
    """One row per stored activity (no samples), oldest first.

    ``since`` (inclusive) and ``until`` (exclusive) bound ``start_utc``; ``sport``
    is one sport or several; ``primary`` an effort kind.
    """
    query = select(ActivityRow).where(ActivityRow.athlete_id == ctx.athlete_id).order_by(
        ActivityRow.start_utc, ActivityRow.id)
    if since is not None:
        query = query.where(ActivityRow.start_utc >= since)
    if until is not None:
        query = query.where(ActivityRow.start_utc < until)
    if sport is not None:
        sports = [sport] if isinstance(sport, str) else list(sport)
        query = query.where(ActivityRow.sport.in_([str(s) for s in sports]))
    if primary is not None:
        query = query.where(ActivityRow.primary_kind == str(primary))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = session.execute(query.with_only_columns(*(
            getattr(ActivityRow, c) for c in _LIST_FIELDS))).all()
    records = [dict(zip(ACTIVITY_LIST_COLUMNS, r, strict=True)) for r in rows]
    frame = pd.DataFrame(records, columns=list(ACTIVITY_LIST_COLUMNS))
    frame["start_utc"] = pd.to_datetime(frame["start_utc"], utc=True)
    if isinstance(ctx, ShareContext):
        frame["source"] = [PurePath(s).name for s in frame["source"]]
    return frame


def has_activities(ctx: Context) -> bool:
    """Whether ``ctx`` sees any stored activity (one indexed row read, not the listing)."""
    query = select(ActivityRow.id).where(ActivityRow.athlete_id == ctx.athlete_id).limit(1)
    with ctx.store.sessions() as session:
        readable(ctx, session)
        return session.scalar(query) is not None


_LIST_FIELDS = ("id", "content_id", "start_utc", "utc_offset_s", "sport", "sport_original",
                "name", "source", "member", "format", "elapsed_s", "moving_s", "distance_m",
                "points", "has_hr", "has_position", "partial", "primary_kind")


def _own_activities(query: Select[Any], ctx: Context, since: datetime | None,
                    until: datetime | None) -> Select[Any]:
    """``query`` limited to the athlete's activities started in [since, until), oldest first."""
    query = query.where(ActivityRow.athlete_id == ctx.athlete_id).order_by(
        ActivityRow.start_utc, ActivityRow.id)
    if since is not None:
        query = query.where(ActivityRow.start_utc >= since)
    if until is not None:
        query = query.where(ActivityRow.start_utc < until)
    return query


def load_activities(ctx: Context, activity_ids: Sequence[int] | None = None, *,
                    since: datetime | None = None, until: datetime | None = None,
                    ) -> list[Activity]:
    """Stored activities with their samples (trimmed for a share context), oldest first."""
    query = _own_activities(select(ActivityRow), ctx, since, until)
    if activity_ids is not None:
        query = query.where(ActivityRow.id.in_(list(activity_ids)))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = list(session.scalars(query))
        if isinstance(ctx, ShareContext):
            trim_m, zones, key = _privacy_inputs(ctx, session)
            return [_shared_activity(ctx, row, trim_m, zones, key) for row in rows]
    return [row_to_activity(row) for row in rows]


#: The columns of an activity without its frames (samples, laps, timer events, sets).
_LIGHT_FIELDS = ("id", "content_id", "source", "member", "format", "sport", "sport_original",
                 "sub_sport_original", "name", "description", "workout", "device_manufacturer",
                 "device_product", "start_utc", "utc_offset_s", "elapsed_s", "moving_s",
                 "distance_m", "partial", "primary_kind", "fixes", "extra")


def load_summaries(ctx: Context, since: datetime | None = None,
                   until: datetime | None = None) -> list[Activity]:
    """Stored activities without their frames, oldest first: what the season analysis needs.

    Each activity's ``samples``, ``laps``, ``timer_events`` and ``sets`` are
    empty (one empty frame of each kind, shared by all: do not modify them;
    :func:`load_activity` gives one activity whole). ``extra`` holds
    ``activity_id``, ``primary`` and ``summary`` (:mod:`legday.summary`, JSON;
    None for activities stored before summaries existed). In a shared view
    ``extra`` holds nothing else and the summary's route keeps only the points
    a shared view may show (:func:`legday.store.privacy.hidden_mask`).
    """
    query = _own_activities(select(*(getattr(ActivityRow, c) for c in _LIGHT_FIELDS)), ctx,
                            since, until)
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = session.execute(query).all()
        privacy = _privacy_inputs(ctx, session) if isinstance(ctx, ShareContext) else None
    frames = {name: empty_frame(columns) for name, columns in (
        ("samples", SAMPLE_COLUMNS), ("laps", LAP_COLUMNS), ("timer_events", EVENT_COLUMNS),
        ("sets", SET_COLUMNS))}
    out = []
    for row in rows:
        stored_extra = dict(row.extra or {})
        summary = stored_extra.get("summary")
        extra = {"activity_id": row.id} if privacy is not None else stored_extra
        if privacy is not None and isinstance(summary, dict):
            summary = _shared_summary(summary, *privacy, activity=row.content_id)
        extra.update(activity_id=row.id, primary=row.primary_kind, summary=summary)
        out.append(Activity(
            id=row.content_id,
            source=PurePath(row.source).name if privacy is not None else row.source,
            format=row.format, sport=Sport(row.sport), member=row.member, name=row.name,
            description=row.description, workout=Workout.from_dict(row.workout),
            sport_original=row.sport_original, sub_sport_original=row.sub_sport_original,
            device=Device(row.device_manufacturer, row.device_product),
            start_utc=_ts(row.start_utc), utc_offset_s=row.utc_offset_s,
            elapsed_s=row.elapsed_s, moving_s=row.moving_s, distance_m=row.distance_m,
            partial=row.partial, fixes=list(row.fixes or []), extra=extra, **frames))
    return out


def _shared_summary(summary: dict[str, Any], trim_m: float, zones: list[PrivacyZone],
                    key: str | None, *, activity: str) -> dict[str, Any]:
    """A summary for a shared view: the route's hidden points dropped (None when all are)."""
    route = summary.get("route")
    if not isinstance(route, dict):
        return summary
    points = pd.DataFrame({"lat": route.get("lat") or [], "lon": route.get("lon") or []},
                          dtype=float)
    keep = ~hidden_mask(points, trim_m, zones, key=key, activity=activity)
    shown = None
    if keep.sum() >= 2:
        shown = {**route, "lat": points["lat"][keep].tolist(),
                 "lon": points["lon"][keep].tolist()}
    return {**summary, "route": shown}


def save_summaries(ctx: Context, summaries: Mapping[int, dict[str, Any]]) -> None:
    """Store activity summaries (``{activity_id: summary JSON}``) in their ``extra``."""
    ctx = writable(ctx, "storing activity summaries")
    if not summaries:
        return
    with ctx.store.sessions.begin() as session:
        for row in session.scalars(select(ActivityRow).where(
                ActivityRow.athlete_id == ctx.athlete_id,
                ActivityRow.id.in_(list(summaries)))):
            # A new dict: the JSON column does not see changes made in place.
            row.extra = {**(row.extra or {}), "summary": json_safe(summaries[row.id])}


def load_activity(ctx: Context, activity_id: int) -> Activity:
    """One stored activity with samples (trimmed for a share context)."""
    found = load_activities(ctx, [activity_id])
    if not found:
        raise NotFound("activity", activity_id)
    return found[0]


def _delete_own(ctx: AthleteContext, model: type[ActivityRow] | type[PrivacyZoneRow],
                row_id: int, what: str) -> None:
    with ctx.store.sessions.begin() as session:
        row = session.scalar(select(model).where(model.athlete_id == ctx.athlete_id,
                                                 model.id == row_id))
        if row is None:
            raise NotFound(what, row_id)
        if model is ActivityRow:
            delete_children(session, ctx.athlete_id, [row_id])
            # Not among the children: a recording replacing its summary row keeps them.
            session.execute(delete(CorrectionRow).where(
                CorrectionRow.athlete_id == ctx.athlete_id, CorrectionRow.activity_id == row_id))
        session.delete(row)


def delete_activity(ctx: Context, activity_id: int) -> None:
    """Delete an activity with its efforts and the strength entries read from it."""
    _delete_own(writable(ctx, "deleting an activity"), ActivityRow, activity_id, "activity")


def delete_children(session: Session, athlete_id: int, activity_ids: list[int]) -> None:
    """Delete the efforts and strength entries of some activities."""
    # Explicit deletes: SQLite cascades only with foreign keys on, and the rows are few.
    for table in (EffortRow, StrengthEntryRow):
        session.execute(delete(table).where(table.athlete_id == athlete_id,
                                            table.activity_id.in_(activity_ids)))


def load_efforts(ctx: Context, activity_ids: Sequence[int] | None = None) -> pd.DataFrame:
    """Stored efforts: ``activity_id`` plus :data:`legday.efforts.EFFORT_COLUMNS`."""
    query = select(EffortRow).where(EffortRow.athlete_id == ctx.athlete_id).order_by(
        EffortRow.activity_id, EffortRow.seq)
    if activity_ids is not None:
        query = query.where(EffortRow.activity_id.in_(list(activity_ids)))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = list(session.scalars(query))
    data: dict[str, list[Any]] = {"activity_id": [r.activity_id for r in rows]}
    for col in EFFORT_COLUMNS:
        attr = {"start": "start_utc", "end": "end_utc"}.get(col, col)
        data[col] = [getattr(r, attr) for r in rows]
    frame = pd.DataFrame(data, columns=["activity_id", *EFFORT_COLUMNS])
    for col in ("start", "end"):
        frame[col] = pd.to_datetime(frame[col], utc=True)
    for col in EFFORT_COLUMNS[3:-1]:
        frame[col] = frame[col].astype("float64")
    frame["activity_id"] = frame["activity_id"].astype("int64")
    for col in ("kind", "why"):
        frame[col] = frame[col].astype(object)
    return frame


def effort_values(efforts: pd.DataFrame) -> list[dict[str, Any]]:
    """Column values of the effort rows of an efforts frame (all but the athlete and the
    activity): plain values, cheap to send between processes and to insert in bulk."""
    if len(efforts) == 0:
        return []
    # Column by column: a frame's records and a Timestamp per value cost ~2 ms a run.
    starts, ends = _py_datetimes(efforts["start"]), _py_datetimes(efforts["end"])
    numbers = [(c, [_float(v) for v in efforts[c].tolist()]) for c in EFFORT_COLUMNS[3:-1]]
    out = []
    for seq, (kind, why) in enumerate(zip(efforts["kind"].tolist(), efforts["why"].tolist(),
                                          strict=True)):
        start, end = starts[seq], ends[seq]
        assert start is not None and end is not None
        out.append(dict(seq=seq, kind=str(kind), start_utc=start, end_utc=end,
                        why=None if why is None else str(why),
                        **{c: values[seq] for c, values in numbers}))
    return out


def _py_datetimes(column: pd.Series) -> list[datetime | None]:
    """:func:`_py_datetime` of each value of a column, converted all at once."""
    stamps = column.array
    if not (isinstance(stamps, DatetimeArray) and str(stamps.tz) == "UTC"):
        stamps = pd.to_datetime(column, utc=True).array
    return [None if value is pd.NaT else value for value in stamps.to_pydatetime()]


def effort_rows(athlete_id: int, activity_id: int, efforts: pd.DataFrame) -> list[EffortRow]:
    """Rows for an efforts frame (:data:`legday.efforts.EFFORT_COLUMNS`)."""
    return [EffortRow(athlete_id=athlete_id, activity_id=activity_id, **values)
            for values in effort_values(efforts)]


@dataclass
class StoredPeriod:
    """An athlete's stored records of one period, samples included.

    ``activities`` carry samples (trimmed in a shared view); ``efforts`` has an
    ``activity_id`` column matching ``activities[i].extra['activity_id']``.
    """

    activities: list[Activity]
    efforts: pd.DataFrame
    strength: pd.DataFrame
    notes: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def primary(self) -> dict[int, str | None]:
        """Primary effort kind by activity id (None for sports that are not running)."""
        return {int(a.extra["activity_id"]): a.extra.get("primary") for a in self.activities}


def load_period(ctx: Context, since: datetime | None = None,
                until: datetime | None = None) -> StoredPeriod:
    """Activities (with samples), efforts, strength entries and coach notes of a period."""
    activities = load_activities(ctx, since=since, until=until)
    ids = [int(a.extra["activity_id"]) for a in activities]
    listing = list_activities(ctx, since=since, until=until)
    primaries = dict(zip(listing["activity_id"], listing["primary"], strict=True))
    for activity in activities:
        activity.extra["primary"] = primaries.get(activity.extra["activity_id"])
    efforts = load_efforts(ctx, ids)
    strength = strength_entries(ctx, since=since, until=until)
    return StoredPeriod(activities, efforts, strength, coach_notes(ctx))


# --- settings ---------------------------------------------------------------------------------

def _load_settings(session: Session, athlete_id: int) -> dict[str, Any]:
    row = session.get(Settings, athlete_id)
    merged = json.loads(json.dumps(DEFAULT_SETTINGS))
    if row is not None:
        merged.update(row.data)
    return merged


def get_settings(ctx: Context) -> dict[str, Any]:
    """The athlete's settings: ``privacy_trim_m`` [m] and ``profile`` (values the athlete set:
    ``top_speed_mps``, ``easy_speed_mps``, ``threshold_speed_mps``, ``max_hr``, ``rest_hr``)."""
    with ctx.store.sessions() as session:
        readable(ctx, session)
        settings = _load_settings(session, ctx.athlete_id)
    settings.pop(PRIVACY_KEY, None)
    return settings


def validate_settings(settings: Mapping[str, Any]) -> dict[str, Any]:
    """Checked settings; raises :class:`StoreError` with the reason."""
    out = dict(settings)
    unknown = set(out) - set(DEFAULT_SETTINGS)
    if unknown:
        raise StoreError(f"unknown settings: {', '.join(sorted(unknown))}")
    trim = _float(out.get("privacy_trim_m", DEFAULT_TRIM_M))
    if trim is None or trim < 0:
        raise StoreError("privacy_trim_m must be a distance of 0 m or more")
    out["privacy_trim_m"] = trim
    profile = {k: v for k, v in dict(out.get("profile") or {}).items() if v is not None}
    try:
        with_overrides(AthleteProfile(), **profile)
    except ValueError as exc:
        raise StoreError(f"profile: {exc}") from exc
    out["profile"] = {k: float(v) for k, v in profile.items()}
    if out.get("units", "km") not in UNITS:
        raise StoreError(f"units must be one of {', '.join(UNITS)}")
    zone = str(out.get("timezone") or "UTC")
    try:
        ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise StoreError(f"unknown time zone {zone!r}") from exc
    out["timezone"] = zone
    out["thresholds"] = _thresholds(out.get("thresholds") or {})
    return out


def current_thresholds(values: Mapping[str, Any]) -> dict[str, Any]:
    """Stored threshold overrides under today's names and units (a name of an earlier
    release, :data:`legday.schema.RENAMED_THRESHOLDS`, is converted; a retired one,
    :data:`legday.schema.RETIRED_THRESHOLDS`, dropped)."""
    out: dict[str, Any] = {}
    for key, value in values.items():
        if key in RETIRED_THRESHOLDS:
            continue
        name, factor = RENAMED_THRESHOLDS.get(key, (key, 1.0))
        number = _float(value) if factor != 1.0 else None
        out[name] = number * factor if number is not None else value
    return out


def _thresholds(values: Mapping[str, Any]) -> dict[str, float]:
    """Numeric overrides of :class:`legday.schema.AnalysisSettings` fields."""
    defaults = AnalysisSettings()
    out: dict[str, float] = {}
    for key, value in current_thresholds(values).items():
        default = getattr(defaults, key, None)
        if value is None:
            continue
        if isinstance(default, bool) or not isinstance(default, int | float):
            raise StoreError(f"thresholds: {key!r} is not a numeric threshold")
        number = _float(value)
        if number is None or number < 0:
            raise StoreError(f"thresholds: {key} must be a number of 0 or more")
        out[key] = int(number) if isinstance(default, int) else number
    return out


def data_version(ctx: Context) -> str:
    """A short string that changes whenever what ``ctx`` can see changes.

    Counts and largest ids of activities, efforts and strength entries, the
    coach notes, the check-ins (with their answer counts, so a replaced answer
    counts), the settings, the privacy zones and the corrections: cheap enough to ask
    on every page view, so caches of the analysed season, and of what a shared view may
    show, know when to rebuild.
    """
    with ctx.store.sessions() as session:
        readable(ctx, session)
        parts: list[Any] = []
        for table in (ActivityRow, EffortRow, StrengthEntryRow, CoachNoteRow):
            count, top = session.execute(
                select(func.count(table.id), func.max(table.id)).where(
                    table.athlete_id == ctx.athlete_id)).one()
            parts += [count, top]
        parts += list(session.execute(
            select(func.count(CheckInRow.id), func.max(CheckInRow.id),
                   func.sum(CheckInRow.version)).where(
                CheckInRow.athlete_id == ctx.athlete_id)).one())
        parts.append(_load_settings(session, ctx.athlete_id))
        parts.append(session.execute(
            select(PrivacyZoneRow.id, PrivacyZoneRow.lat, PrivacyZoneRow.lon,
                   PrivacyZoneRow.radius_m).where(PrivacyZoneRow.athlete_id == ctx.athlete_id)
            .order_by(PrivacyZoneRow.id)).all())
        # Every correction, not a count: an undo then a new one may reuse SQLite's last id.
        parts.append(session.execute(
            select(CorrectionRow.id, CorrectionRow.activity_id, CorrectionRow.action,
                   CorrectionRow.start_s, CorrectionRow.end_s, CorrectionRow.at_s,
                   CorrectionRow.kind).where(CorrectionRow.athlete_id == ctx.athlete_id)
            .order_by(CorrectionRow.id)).all())
    digest = hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode("utf-8"))
    return digest.hexdigest()[:16]


def put_settings(ctx: Context, changes: Mapping[str, Any]) -> dict[str, Any]:
    """Merge ``changes`` into the settings (``profile`` merges key by key; a None value
    removes an override) and return the result."""
    ctx = writable(ctx, "changing settings")
    with ctx.store.sessions.begin() as session:
        current = _load_settings(session, ctx.athlete_id)
        key = current.pop(PRIVACY_KEY, None) or new_privacy_key()
        merged = {**current, **{k: v for k, v in changes.items() if k != "profile"}}
        for key in ("profile", "thresholds"):
            if key in changes:
                values = {**current[key], **dict(changes[key] or {})}
                merged[key] = {k: v for k, v in values.items() if v is not None}
        merged = validate_settings(merged)
        row = session.get(Settings, ctx.athlete_id)
        if row is None:
            session.add(Settings(athlete_id=ctx.athlete_id, data={**merged, PRIVACY_KEY: key}))
        else:
            row.data = {**merged, PRIVACY_KEY: key}
    return merged


def base_profile(ctx: Context) -> AthleteProfile | None:
    """The profile with the athlete's own values, or None when they set none."""
    overrides = get_settings(ctx)["profile"]
    known = {k: v for k, v in overrides.items() if k in PROFILE_FIELDS}
    return with_overrides(AthleteProfile(), **known) if known else None


# --- share links and coach notes ---------------------------------------------------------------

def create_share(ctx: Context, days: float = tokens.DEFAULT_DAYS, label: str | None = None,
                 allow_notes: bool = False) -> tokens.ShareLink:
    """A new share link; its token is in the result and nowhere else."""
    ctx = writable(ctx, "creating a share link")
    days = tokens.checked_days(days)
    token = tokens.new_token()
    now = ctx.store.now()
    with ctx.store.sessions.begin() as session:
        row = ShareLinkRow(athlete_id=ctx.athlete_id, token_hash=tokens.token_hash(token),
                           label=label or None, allow_notes=allow_notes, created_utc=now,
                           expires_utc=now + timedelta(days=days), revoked_utc=None)
        session.add(row)
        session.flush()
        link = tokens.ShareLink(row.id, token, tokens.share_url(ctx.store.base_url, token),
                                row.label, allow_notes, row.expires_utc)
    _ensure_privacy_key(ctx.store, ctx.athlete_id)
    return link


def list_shares(ctx: Context) -> list[tokens.ShareInfo]:
    """The athlete's share links, newest first (tokens are not stored, so not shown)."""
    ctx = private(ctx, "share links")
    with ctx.store.sessions() as session:
        rows = session.scalars(select(ShareLinkRow).where(
            ShareLinkRow.athlete_id == ctx.athlete_id).order_by(ShareLinkRow.id.desc()))
        return [tokens.ShareInfo(r.id, r.label, r.allow_notes, r.created_utc, r.expires_utc,
                                 r.revoked_utc) for r in rows]


def revoke_share(ctx: Context, token_or_id: str | int) -> tokens.ShareInfo:
    """Revoke one of the athlete's links, given its token or its id."""
    ctx = writable(ctx, "revoking a share link")
    query = select(ShareLinkRow).where(ShareLinkRow.athlete_id == ctx.athlete_id)
    text = str(token_or_id).strip()
    if isinstance(token_or_id, int) or text.isdigit():
        query = query.where(ShareLinkRow.id == int(text))
    else:
        query = query.where(ShareLinkRow.token_hash == tokens.token_hash(text))
    with ctx.store.sessions.begin() as session:
        row = session.scalar(query)
        if row is None:
            raise NotFound("share link", text if text.isdigit() else "with that token")
        if row.revoked_utc is None:
            row.revoked_utc = ctx.store.now()
        return tokens.ShareInfo(row.id, row.label, row.allow_notes, row.created_utc,
                                row.expires_utc, row.revoked_utc)


def week_start(day: date | datetime) -> date:
    """The Monday of ``day``'s week."""
    d = day.date() if isinstance(day, datetime) else day
    return d - timedelta(days=d.weekday())


def add_coach_note(ctx: Context, week: date | datetime, text: str) -> int:
    """A note on a week (stored on its Monday). Through a share link only when the link
    allows notes; the athlete may add their own."""
    text = text.strip()
    if not text:
        raise StoreError("a note needs some text")
    with ctx.store.sessions.begin() as session:
        readable(ctx, session)
        if isinstance(ctx, ShareContext):
            if not ctx.allow_notes:
                raise ReadOnlyError("adding a coach note")
            author, share_id = ctx.label or "coach", ctx.share_id
        else:
            author, share_id = writable(ctx, "adding a note").name, None
        row = CoachNoteRow(athlete_id=ctx.athlete_id, share_id=share_id,
                           week_start=week_start(week), text=text, author=author,
                           created_utc=ctx.store.now())
        session.add(row)
        session.flush()
        return row.id


NOTE_COLUMNS = ["note_id", "week_start", "text", "author", "share_id", "created_utc"]


def coach_notes(ctx: Context) -> pd.DataFrame:
    """Notes by week; a share context sees only the notes written through its own link."""
    query = select(CoachNoteRow).where(CoachNoteRow.athlete_id == ctx.athlete_id).order_by(
        CoachNoteRow.week_start, CoachNoteRow.id)
    if isinstance(ctx, ShareContext):
        query = query.where(CoachNoteRow.share_id == ctx.share_id)
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = list(session.scalars(query))
    frame = pd.DataFrame([[r.id, r.week_start, r.text, r.author, r.share_id, r.created_utc]
                          for r in rows], columns=NOTE_COLUMNS)
    frame["created_utc"] = pd.to_datetime(frame["created_utc"], utc=True)
    return frame


# --- privacy zones ---------------------------------------------------------------------------

def add_privacy_zone(ctx: Context, lat: float, lon: float, radius_m: float,
                     name: str | None = None) -> PrivacyZone:
    """A circle hidden from every shared view (latitude/longitude [deg], radius [m])."""
    ctx = writable(ctx, "adding a privacy zone")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise StoreError(f"({lat}, {lon}) is not a position on Earth")
    if not 0 < radius_m <= 50_000:
        raise StoreError("a privacy zone's radius is between 1 m and 50 km")
    with ctx.store.sessions.begin() as session:
        row = PrivacyZoneRow(athlete_id=ctx.athlete_id, name=name, lat=float(lat),
                             lon=float(lon), radius_m=float(radius_m))
        session.add(row)
        session.flush()
        return PrivacyZone(row.lat, row.lon, row.radius_m, row.name, row.id)


def privacy_zones(ctx: Context) -> list[PrivacyZone]:
    """The athlete's privacy zones (never shown through a share link)."""
    ctx = private(ctx, "privacy zones")
    with ctx.store.sessions() as session:
        rows = session.scalars(select(PrivacyZoneRow).where(
            PrivacyZoneRow.athlete_id == ctx.athlete_id).order_by(PrivacyZoneRow.id))
        return [PrivacyZone(r.lat, r.lon, r.radius_m, r.name, r.id) for r in rows]


def delete_privacy_zone(ctx: Context, zone_id: int) -> None:
    _delete_own(writable(ctx, "deleting a privacy zone"), PrivacyZoneRow, zone_id,
                "privacy zone")


# --- strength entries --------------------------------------------------------------------------

def _entry_identity(rec: Mapping[str, Any]) -> str:
    """What makes two entries the same set: session, exercise, sets, reps, weight, date."""
    day = rec.get("date")
    day_text = None if day is None or pd.isna(day) else pd.Timestamp(day).date().isoformat()
    parts = [rec.get("session"), rec.get("exercise") or None, _float(rec.get("sets")),
             _float(rec.get("reps")), _float(rec.get("weight_kg")), day_text]
    parts = [round(p, 3) if isinstance(p, float) else p for p in parts]
    return json.dumps(parts, default=str)


def _entry_key(identity: str, repeat: int) -> str:
    # The first of identical entries keeps the key it had before repeats were counted.
    text = identity if repeat == 0 else f"{identity}#{repeat}"
    return hashlib.sha256(text.encode()).hexdigest()


def _local_midnight(value: Any) -> datetime:
    ts = pd.Timestamp(value)
    # A zone on a local date is dropped, not converted: the calendar day is what counts.
    return ts.tz_localize(None).normalize().to_pydatetime() if ts.tzinfo else \
        ts.normalize().to_pydatetime()


def _text(value: Any) -> str | None:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    return str(value)


def strength_rows(athlete_id: int, entries: pd.DataFrame,
                  activity_id: int | None = None) -> list[StrengthEntryRow]:
    """Rows for an entries frame (:data:`ENTRY_COLUMNS`), one per entry, in its order.

    Identical entries of one session are distinct sets (three sets of squat 90 kg x 5 are
    three rows): each gets its repeat number in its key, so storing the same frame again,
    or another file holding the same session, adds nothing.
    """
    missing = [c for c in ("date", "session") if c not in entries.columns]
    if missing:
        raise StoreError(f"strength entries lack the column(s) {', '.join(missing)}")
    rows: list[StrengthEntryRow] = []
    repeats: Counter[str] = Counter()
    for raw in entries.to_dict("records"):
        rec = {str(k): v for k, v in raw.items()}
        if rec.get("date") is None or pd.isna(rec["date"]) or not _text(rec.get("session")):
            raise StoreError("every strength entry needs a date and a session")
        identity = _entry_identity(rec)
        key = _entry_key(identity, repeats[identity])
        repeats[identity] += 1
        line = _float(rec.get("line"))
        rows.append(StrengthEntryRow(
            athlete_id=athlete_id, activity_id=activity_id, entry_key=key,
            session=str(rec["session"]),
            date=_local_midnight(rec["date"]),
            start_utc=_py_datetime(rec.get("start_utc")), exercise=_text(rec.get("exercise")),
            sets=_float(rec.get("sets")), reps=_float(rec.get("reps")),
            weight_kg=_float(rec.get("weight_kg")), rpe=_float(rec.get("rpe")),
            duration_min=_float(rec.get("duration_min")), notes=_text(rec.get("notes")),
            is_warmup=bool(rec.get("is_warmup") or False),
            source=_text(rec.get("source")), line=None if line is None else int(line)))
    return rows


def insert_new_strength(session: Session, athlete_id: int, rows: list[StrengthEntryRow]
                        ) -> list[bool]:
    """Insert the rows whose key is not stored yet; which of them were added."""
    if not rows:
        return []
    keys = [r.entry_key for r in rows]
    existing = set(session.scalars(select(StrengthEntryRow.entry_key).where(
        StrengthEntryRow.athlete_id == athlete_id, StrengthEntryRow.entry_key.in_(keys))))
    added = [r.entry_key not in existing for r in rows]
    session.add_all(r for r, new in zip(rows, added, strict=True) if new)
    return added


def insert_strength(session: Session, athlete_id: int, rows: list[StrengthEntryRow]) -> int:
    """Insert the rows whose key is not stored yet; returns how many were added."""
    return sum(insert_new_strength(session, athlete_id, rows))


def new_strength_entries(ctx: Context, entries: pd.DataFrame) -> pd.DataFrame:
    """Store strength entries; returns those added. An entry already stored (the same
    set of the same session: exercise, sets, reps, weight, date and, for identical
    sets, which repeat it is) is skipped."""
    ctx = writable(ctx, "adding strength entries")
    rows = strength_rows(ctx.athlete_id, entries)
    with ctx.store.sessions.begin() as session:
        added = insert_new_strength(session, ctx.athlete_id, rows)
    return entries[np.asarray(added, dtype=bool)] if added else entries.iloc[0:0]


def add_strength_entries(ctx: Context, entries: pd.DataFrame) -> int:
    """Store strength entries (see :func:`new_strength_entries`); the number added."""
    return len(new_strength_entries(ctx, entries))


def replace_strength_session(ctx: Context, session_key: str, entries: pd.DataFrame) -> int:
    """Replace every entry of one session (an edit); returns the number stored."""
    ctx = writable(ctx, "editing a strength session")
    entries = entries.assign(session=session_key)
    rows = strength_rows(ctx.athlete_id, entries)
    with ctx.store.sessions.begin() as session:
        session.execute(delete(StrengthEntryRow).where(
            StrengthEntryRow.athlete_id == ctx.athlete_id,
            StrengthEntryRow.session == session_key))
        return insert_strength(session, ctx.athlete_id, rows)


def strength_entries(ctx: Context, since: datetime | None = None,
                     until: datetime | None = None) -> pd.DataFrame:
    """Stored strength entries (:data:`ENTRY_COLUMNS` plus ``activity_id``) by date.

    ``since``/``until`` compare with the local ``date`` (their time zone is dropped).
    """
    query = select(StrengthEntryRow).where(
        StrengthEntryRow.athlete_id == ctx.athlete_id).order_by(
        StrengthEntryRow.date, StrengthEntryRow.session, StrengthEntryRow.id)
    if since is not None:
        query = query.where(StrengthEntryRow.date >= since.replace(tzinfo=None))
    if until is not None:
        query = query.where(StrengthEntryRow.date < until.replace(tzinfo=None))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = list(session.scalars(query))
    data: dict[str, Any] = {c: [getattr(r, c) for r in rows] for c in ENTRY_COLUMNS}
    data["activity_id"] = [r.activity_id for r in rows]
    frame = pd.DataFrame(data)
    dtype: Any
    for col, dtype in ENTRY_COLUMNS.items():
        if dtype == "datetime64[ns, UTC]":
            frame[col] = pd.to_datetime(frame[col], utc=True).astype(dtype)
        elif dtype.startswith("datetime64"):
            frame[col] = pd.to_datetime(frame[col]).astype(dtype)
        elif dtype in ("float64", "bool"):
            frame[col] = pd.to_numeric(frame[col]).astype(dtype)
        else:
            frame[col] = frame[col].astype(object)
    frame["activity_id"] = pd.array(frame["activity_id"].tolist(), dtype="Int64")
    return frame


# --- next-morning check-ins --------------------------------------------------------------------

@dataclass(frozen=True)
class CheckInsStored:
    """What :func:`put_checkins` did: dates new, dates whose answer changed, dates
    given the same answer again."""

    added: int
    replaced: int
    unchanged: int


def _checkin_values(checkin: CheckIn) -> tuple[Any, ...]:
    return (checkin.legs, checkin.soreness, list(checkin.muscles), checkin.note)


def put_checkins(ctx: Context, checkins: Sequence[CheckIn], source: str = "app",
                 ) -> CheckInsStored:
    """Store check-ins, one per date: a date already stored takes the new answer.

    ``source`` is ``app`` (the page) or ``csv`` (an import). A date given twice in
    ``checkins`` keeps the last.
    """
    ctx = writable(ctx, "storing check-ins")
    latest = {c.date: c for c in checkins}
    for _attempt in range(2):
        try:
            return _put_checkins(ctx, latest, source)
        except IntegrityError:
            continue  # the same date stored by a concurrent request: replace it
    raise StoreError("could not store the check-ins: the database kept refusing them")


def _put_checkins(ctx: AthleteContext, latest: Mapping[date, CheckIn],
                  source: str) -> CheckInsStored:
    added = replaced = unchanged = 0
    now = ctx.store.now()
    with ctx.store.sessions.begin() as session:
        stored = {row.date: row for row in session.scalars(select(CheckInRow).where(
            CheckInRow.athlete_id == ctx.athlete_id, CheckInRow.date.in_(list(latest))))}
        for day, checkin in latest.items():
            legs, soreness, muscles, note = _checkin_values(checkin)
            row = stored.get(day)
            if row is None:
                session.add(CheckInRow(athlete_id=ctx.athlete_id, date=day, legs=legs,
                                       soreness=soreness, muscles=muscles, note=note,
                                       source=source, version=1, updated_utc=now))
                added += 1
            elif (row.legs, row.soreness, list(row.muscles or []), row.note) == (
                    legs, soreness, muscles, note):
                unchanged += 1
            else:
                row.legs, row.soreness, row.muscles, row.note = legs, soreness, muscles, note
                row.source, row.version, row.updated_utc = source, row.version + 1, now
                replaced += 1
    return CheckInsStored(added, replaced, unchanged)


def put_checkin(ctx: Context, checkin: CheckIn, source: str = "app") -> CheckInsStored:
    """Store one morning's check-in (replacing that date's earlier answer)."""
    return put_checkins(ctx, [checkin], source)


def load_checkins(ctx: Context, since: date | datetime | None = None,
                  until: date | datetime | None = None) -> list[CheckIn]:
    """The stored check-ins, oldest first; ``since`` (inclusive) and ``until`` (exclusive)
    bound the local date (a datetime's date is used). A coach sees them too."""
    query = select(CheckInRow).where(CheckInRow.athlete_id == ctx.athlete_id).order_by(
        CheckInRow.date)
    if since is not None:
        query = query.where(CheckInRow.date >= _calendar_day(since))
    if until is not None:
        query = query.where(CheckInRow.date < _calendar_day(until))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        rows = list(session.scalars(query))
    return [CheckIn(r.date, r.legs, r.soreness, tuple(r.muscles or ()), r.note) for r in rows]


def _calendar_day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def delete_checkin(ctx: Context, day: date) -> None:
    """Forget one morning's check-in."""
    ctx = writable(ctx, "deleting a check-in")
    with ctx.store.sessions.begin() as session:
        row = session.scalar(select(CheckInRow).where(CheckInRow.athlete_id == ctx.athlete_id,
                                                      CheckInRow.date == day))
        if row is None:
            raise NotFound("check-in", day.isoformat())
        session.delete(row)

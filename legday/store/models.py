"""SQLAlchemy 2 models: the schema (documented in docs/storage.md).

Every table but ``athletes`` carries ``athlete_id``; :mod:`legday.store.repo`
filters on it in every query. Times are stored in UTC (:class:`UtcDateTime`);
an activity's samples, laps, timer events and sets are zstd Parquet bytes
(:mod:`legday.store.frames`), so a season loads in one query per table.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on both databases (SQLite keeps no zone: naive means UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, datetime):
            raise TypeError(f"expected a datetime, got {type(value).__name__}")
        if value.tzinfo is None:
            raise ValueError("naive datetime: give times in UTC with a time zone")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def _athlete_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"), index=True)


class Athlete(Base):
    __tablename__ = "athletes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    #: "local" in local mode; the OpenID subject or e-mail when hosted.
    name: Mapped[str] = mapped_column(String(320), unique=True)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class Settings(Base):
    __tablename__ = "settings"

    athlete_id: Mapped[int] = mapped_column(ForeignKey("athletes.id", ondelete="CASCADE"),
                                            primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)


class ActivityRow(Base):
    __tablename__ = "activities"
    __table_args__ = (UniqueConstraint("athlete_id", "content_id"),
                      Index("ix_activities_athlete_start", "athlete_id", "start_utc"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    #: legday.model.content_id of the file: the same file again is recognised by it.
    content_id: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(Text)
    member: Mapped[str | None] = mapped_column(Text)
    format: Mapped[str] = mapped_column(String(20))
    sport: Mapped[str] = mapped_column(String(20))
    sport_original: Mapped[str | None] = mapped_column(String(100))
    sub_sport_original: Mapped[str | None] = mapped_column(String(100))
    name: Mapped[str | None] = mapped_column(Text)
    #: The runner's description of the session (where the plan is often written).
    description: Mapped[str | None] = mapped_column(Text)
    #: legday.model.Workout.to_dict of the structured workout the watch followed.
    workout: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    device_manufacturer: Mapped[str | None] = mapped_column(String(100))
    device_product: Mapped[str | None] = mapped_column(String(100))
    start_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    utc_offset_s: Mapped[int | None] = mapped_column(Integer)
    elapsed_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    points: Mapped[int] = mapped_column(Integer)
    has_hr: Mapped[bool] = mapped_column(Boolean)
    has_position: Mapped[bool] = mapped_column(Boolean)
    partial: Mapped[bool] = mapped_column(Boolean)
    primary_kind: Mapped[str | None] = mapped_column(String(20))
    fixes: Mapped[list[str]] = mapped_column(JSON)
    extra: Mapped[dict[str, Any]] = mapped_column(JSON)
    samples: Mapped[bytes | None] = mapped_column(LargeBinary)
    laps: Mapped[bytes | None] = mapped_column(LargeBinary)
    timer_events: Mapped[bytes | None] = mapped_column(LargeBinary)
    sets: Mapped[bytes | None] = mapped_column(LargeBinary)
    imported_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class EffortRow(Base):
    __tablename__ = "efforts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"),
                                             index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(20))
    start_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    end_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    duration_s: Mapped[float | None] = mapped_column(Float)
    moving_s: Mapped[float | None] = mapped_column(Float)
    distance_m: Mapped[float | None] = mapped_column(Float)
    speed_mps: Mapped[float | None] = mapped_column(Float)
    gap_speed_mps: Mapped[float | None] = mapped_column(Float)
    grade_pct: Mapped[float | None] = mapped_column(Float)
    elevation_gain_m: Mapped[float | None] = mapped_column(Float)
    heart_rate: Mapped[float | None] = mapped_column(Float)
    why: Mapped[str | None] = mapped_column(Text)


class StrengthEntryRow(Base):
    __tablename__ = "strength_entries"
    __table_args__ = (UniqueConstraint("athlete_id", "entry_key"),
                      Index("ix_strength_entries_athlete_session", "athlete_id", "session"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    #: Set when the entry was read from a stored activity (deleted with it).
    activity_id: Mapped[int | None] = mapped_column(
        ForeignKey("activities.id", ondelete="CASCADE"), index=True)
    #: Hash of (session, exercise, sets, reps, weight_kg, date, repeat of identical sets):
    #: the idempotency key.
    entry_key: Mapped[str] = mapped_column(String(64))
    session: Mapped[str] = mapped_column(Text)
    date: Mapped[datetime] = mapped_column(DateTime(timezone=False))  # local midnight, naive
    start_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)
    exercise: Mapped[str | None] = mapped_column(Text)
    sets: Mapped[float | None] = mapped_column(Float)
    reps: Mapped[float | None] = mapped_column(Float)
    weight_kg: Mapped[float | None] = mapped_column(Float)
    rpe: Mapped[float | None] = mapped_column(Float)
    duration_min: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    is_warmup: Mapped[bool] = mapped_column(Boolean)
    source: Mapped[str | None] = mapped_column(String(40))
    line: Mapped[int | None] = mapped_column(Integer)


class ShareLinkRow(Base):
    __tablename__ = "share_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    #: SHA-256 of the token; the token itself is never stored.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(Text)
    allow_notes: Mapped[bool] = mapped_column(Boolean)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    expires_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    revoked_utc: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CoachNoteRow(Base):
    __tablename__ = "coach_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    share_id: Mapped[int | None] = mapped_column(
        ForeignKey("share_links.id", ondelete="SET NULL"), index=True)
    week_start: Mapped[date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(Text)
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class PrivacyZoneRow(Base):
    __tablename__ = "privacy_zones"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    name: Mapped[str | None] = mapped_column(Text)
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    radius_m: Mapped[float] = mapped_column(Float)


class CheckInRow(Base):
    """One morning's "how do your legs feel?" (:class:`legday.checkins.CheckIn`): at most one
    per athlete and date, a second answer replaces the first."""

    __tablename__ = "checkins"
    __table_args__ = (UniqueConstraint("athlete_id", "date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    date: Mapped[date] = mapped_column(Date)  # the local date of the morning
    legs: Mapped[str] = mapped_column(String(10))
    soreness: Mapped[int | None] = mapped_column(Integer)
    muscles: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    #: "app" or "csv": where the latest answer came from.
    source: Mapped[str] = mapped_column(String(20))
    #: Counts the answers given for this date, so a replaced answer changes the data version.
    version: Mapped[int] = mapped_column(Integer)
    updated_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class CorrectionRow(Base):
    """An athlete's correction of the classifier (:class:`legday.corrections.Correction`):
    its stretch in seconds from the activity's start, so it outlives re-classification."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    activity_id: Mapped[int] = mapped_column(ForeignKey("activities.id", ondelete="CASCADE"),
                                             index=True)
    #: run_kind, effort_kind, merge or split.
    action: Mapped[str] = mapped_column(String(20))
    start_s: Mapped[float | None] = mapped_column(Float)
    end_s: Mapped[float | None] = mapped_column(Float)
    at_s: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str | None] = mapped_column(String(20))
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)

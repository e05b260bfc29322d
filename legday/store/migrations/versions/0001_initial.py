"""Initial schema: athletes, settings, activities, efforts, strength entries, share links,
coach notes and privacy zones.

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:

    op.create_table(
        "athletes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=320), nullable=False),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_athletes")),
        sa.UniqueConstraint("name", name=op.f("uq_athletes_name")),
    )
    op.create_table(
        "activities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("content_id", sa.String(length=64), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("member", sa.Text(), nullable=True),
        sa.Column("format", sa.String(length=20), nullable=False),
        sa.Column("sport", sa.String(length=20), nullable=False),
        sa.Column("sport_original", sa.String(length=100), nullable=True),
        sa.Column("sub_sport_original", sa.String(length=100), nullable=True),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("device_manufacturer", sa.String(length=100), nullable=True),
        sa.Column("device_product", sa.String(length=100), nullable=True),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("utc_offset_s", sa.Integer(), nullable=True),
        sa.Column("elapsed_s", sa.Float(), nullable=True),
        sa.Column("moving_s", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("has_hr", sa.Boolean(), nullable=False),
        sa.Column("has_position", sa.Boolean(), nullable=False),
        sa.Column("partial", sa.Boolean(), nullable=False),
        sa.Column("primary_kind", sa.String(length=20), nullable=True),
        sa.Column("fixes", sa.JSON(), nullable=False),
        sa.Column("extra", sa.JSON(), nullable=False),
        sa.Column("samples", sa.LargeBinary(), nullable=True),
        sa.Column("laps", sa.LargeBinary(), nullable=True),
        sa.Column("timer_events", sa.LargeBinary(), nullable=True),
        sa.Column("sets", sa.LargeBinary(), nullable=True),
        sa.Column("imported_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_activities_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_activities")),
        sa.UniqueConstraint("athlete_id", "content_id", name=op.f("uq_activities_athlete_id")),
    )
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_activities_athlete_id"), ["athlete_id"], unique=False)
        batch_op.create_index(
            "ix_activities_athlete_start", ["athlete_id", "start_utc"], unique=False
        )

    op.create_table(
        "privacy_zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=True),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("radius_m", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_privacy_zones_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_privacy_zones")),
    )
    with op.batch_alter_table("privacy_zones", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_privacy_zones_athlete_id"), ["athlete_id"], unique=False
        )

    op.create_table(
        "settings",
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_settings_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("athlete_id", name=op.f("pk_settings")),
    )
    op.create_table(
        "share_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.Text(), nullable=True),
        sa.Column("allow_notes", sa.Boolean(), nullable=False),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_utc", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_share_links_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_share_links")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_share_links_token_hash")),
    )
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_share_links_athlete_id"), ["athlete_id"], unique=False)

    op.create_table(
        "coach_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("share_id", sa.Integer(), nullable=True),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.Text(), nullable=False),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_coach_notes_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["share_id"],
            ["share_links.id"],
            name=op.f("fk_coach_notes_share_id_share_links"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_coach_notes")),
    )
    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_coach_notes_athlete_id"), ["athlete_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_coach_notes_share_id"), ["share_id"], unique=False)

    op.create_table(
        "efforts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("duration_s", sa.Float(), nullable=True),
        sa.Column("moving_s", sa.Float(), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=True),
        sa.Column("speed_mps", sa.Float(), nullable=True),
        sa.Column("gap_speed_mps", sa.Float(), nullable=True),
        sa.Column("grade_pct", sa.Float(), nullable=True),
        sa.Column("elevation_gain_m", sa.Float(), nullable=True),
        sa.Column("heart_rate", sa.Float(), nullable=True),
        sa.Column("why", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_efforts_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_efforts_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_efforts")),
    )
    with op.batch_alter_table("efforts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_efforts_activity_id"), ["activity_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_efforts_athlete_id"), ["athlete_id"], unique=False)

    op.create_table(
        "strength_entries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=True),
        sa.Column("entry_key", sa.String(length=64), nullable=False),
        sa.Column("session", sa.Text(), nullable=False),
        sa.Column("date", sa.DateTime(), nullable=False),
        sa.Column("start_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("exercise", sa.Text(), nullable=True),
        sa.Column("sets", sa.Float(), nullable=True),
        sa.Column("reps", sa.Float(), nullable=True),
        sa.Column("weight_kg", sa.Float(), nullable=True),
        sa.Column("rpe", sa.Float(), nullable=True),
        sa.Column("duration_min", sa.Float(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_warmup", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(length=40), nullable=True),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["activity_id"],
            ["activities.id"],
            name=op.f("fk_strength_entries_activity_id_activities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["athlete_id"],
            ["athletes.id"],
            name=op.f("fk_strength_entries_athlete_id_athletes"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_strength_entries")),
        sa.UniqueConstraint("athlete_id", "entry_key", name=op.f("uq_strength_entries_athlete_id")),
    )
    with op.batch_alter_table("strength_entries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_strength_entries_activity_id"), ["activity_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_strength_entries_athlete_id"), ["athlete_id"], unique=False
        )
        batch_op.create_index(
            "ix_strength_entries_athlete_session", ["athlete_id", "session"], unique=False
        )


def downgrade() -> None:

    with op.batch_alter_table("strength_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_strength_entries_athlete_session")
        batch_op.drop_index(batch_op.f("ix_strength_entries_athlete_id"))
        batch_op.drop_index(batch_op.f("ix_strength_entries_activity_id"))

    op.drop_table("strength_entries")
    with op.batch_alter_table("efforts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_efforts_athlete_id"))
        batch_op.drop_index(batch_op.f("ix_efforts_activity_id"))

    op.drop_table("efforts")
    with op.batch_alter_table("coach_notes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_coach_notes_share_id"))
        batch_op.drop_index(batch_op.f("ix_coach_notes_athlete_id"))

    op.drop_table("coach_notes")
    with op.batch_alter_table("share_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_share_links_athlete_id"))

    op.drop_table("share_links")
    op.drop_table("settings")
    with op.batch_alter_table("privacy_zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_privacy_zones_athlete_id"))

    op.drop_table("privacy_zones")
    with op.batch_alter_table("activities", schema=None) as batch_op:
        batch_op.drop_index("ix_activities_athlete_start")
        batch_op.drop_index(batch_op.f("ix_activities_athlete_id"))

    op.drop_table("activities")
    op.drop_table("athletes")

"""Corrections: the athlete's changes to the classifier's efforts, kept by time within the run.

Revision ID: 0006_corrections
Revises: 0005_plans
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_corrections"
down_revision: str | None = "0005_plans"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "corrections",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("activity_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("start_s", sa.Float(), nullable=True),
        sa.Column("end_s", sa.Float(), nullable=True),
        sa.Column("at_s", sa.Float(), nullable=True),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"],
                                name=op.f("fk_corrections_athlete_id_athletes"),
                                ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["activity_id"], ["activities.id"],
                                name=op.f("fk_corrections_activity_id_activities"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_corrections")),
    )
    op.create_index(op.f("ix_corrections_athlete_id"), "corrections", ["athlete_id"])
    op.create_index(op.f("ix_corrections_activity_id"), "corrections", ["activity_id"])


def downgrade() -> None:
    op.drop_table("corrections")

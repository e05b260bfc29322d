"""Next-morning check-ins: one per athlete and date.

Revision ID: 0004_checkins
Revises: 0003_strength_by_name
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004_checkins"
down_revision: str | None = "0003_strength_by_name"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("athlete_id", sa.Integer(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("legs", sa.String(length=10), nullable=False),
        sa.Column("soreness", sa.Integer(), nullable=True),
        sa.Column("muscles", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=20), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_utc", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"],
                                name=op.f("fk_checkins_athlete_id_athletes"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
        sa.UniqueConstraint("athlete_id", "date", name=op.f("uq_checkins_athlete_id")),
    )
    op.create_index(op.f("ix_checkins_athlete_id"), "checkins", ["athlete_id"])


def downgrade() -> None:
    op.drop_table("checkins")

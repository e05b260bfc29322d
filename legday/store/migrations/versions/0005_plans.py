"""The plan in the name: an activity's description and the structured workout it followed.

Revision ID: 0005_plans
Revises: 0004_checkins
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_plans"
down_revision: str | None = "0004_checkins"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


# Plain ALTER TABLE, no batch copy: on SQLite a batch rebuild drops the old activities table,
# and with foreign keys on that cascades into every effort and strength entry.
def upgrade() -> None:
    op.add_column("activities", sa.Column("description", sa.Text(), nullable=True))
    op.add_column("activities", sa.Column("workout", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("activities", "workout")
    op.drop_column("activities", "description")

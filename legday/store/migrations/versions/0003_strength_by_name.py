"""Only strength training is a strength session: stored activities that the readers now call
another sport (a Strava "Workout" named "Evening Squash", a yoga file) lose that sport and
their strength entries.

The rule is legday.io.sport.session_sport's at the time of this revision (docs/strength.md);
activities the rule would now make strength (a generic type with lifting sets) keep their
sport: their entries would have to be read from the file, so re-import them instead.

Revision ID: 0003_strength_by_name
Revises: 0002_import_jobs
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from legday.io.sport import has_lifting_sets, normalise_sport, session_sport
from legday.model import SET_COLUMNS, Sport
from legday.store.frames import decode_frame

revision: str = "0003_strength_by_name"
down_revision: str | None = "0002_import_jobs"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ACTIVITIES = sa.table(
    "activities", sa.column("id", sa.Integer), sa.column("sport", sa.String),
    sa.column("sport_original", sa.String), sa.column("sub_sport_original", sa.String),
    sa.column("name", sa.Text), sa.column("extra", sa.JSON), sa.column("sets", sa.LargeBinary))
ENTRIES = sa.table("strength_entries", sa.column("activity_id", sa.Integer))


def sport_now(row: Any) -> Sport:
    """What the readers make of a stored strength activity today."""
    lifting = has_lifting_sets(decode_frame(row.sets, SET_COLUMNS))
    sport = normalise_sport(row.sport_original, row.sub_sport_original)
    strava_type = (row.extra or {}).get("strava_type")
    if strava_type is None:
        return session_sport(sport, row.sport_original, row.sub_sport_original,
                             has_sets=lifting)
    by_type = normalise_sport(strava_type)
    if by_type is not Sport.OTHER:
        sport = by_type
    return session_sport(sport, strava_type, row.name, has_sets=lifting)


def upgrade() -> None:
    bind = op.get_bind()
    stored = bind.execute(sa.select(ACTIVITIES).where(ACTIVITIES.c.sport == "strength")).all()
    for row in stored:
        sport = sport_now(row)
        if sport is Sport.STRENGTH:
            continue
        bind.execute(sa.update(ACTIVITIES).where(ACTIVITIES.c.id == row.id)
                     .values(sport=sport.value))
        bind.execute(sa.delete(ENTRIES).where(ENTRIES.c.activity_id == row.id))


def downgrade() -> None:
    """Nothing to undo in the schema; the sports stay as corrected."""

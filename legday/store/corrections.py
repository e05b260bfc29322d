"""The athlete's corrections of the classifier, stored (table ``corrections``, migration 0006).

The athlete adds, undoes and clears them; a share context reads them (a coach
sees what the athlete corrected) and writes none. A correction is kept by
time within its run (:mod:`legday.corrections`), so a re-classification, which
replaces the stored efforts, leaves them in force.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select

from legday.corrections import Correction
from legday.store.errors import NotFound
from legday.store.models import ActivityRow, CorrectionRow
from legday.store.repo import Context, readable, writable


def _correction(row: CorrectionRow) -> Correction:
    return Correction(activity_id=row.activity_id, action=row.action,  # type: ignore[arg-type]
                      start_s=row.start_s, end_s=row.end_s, at_s=row.at_s, kind=row.kind,
                      created_utc=row.created_utc, correction_id=row.id)


def add_correction(ctx: Context, correction: Correction) -> Correction:
    """Store a correction of one of the athlete's activities (stamped with the store's
    clock); returns it with its id."""
    own = writable(ctx, "correcting a run")
    with own.store.sessions.begin() as session:
        found = session.scalar(select(ActivityRow.id).where(
            ActivityRow.athlete_id == own.athlete_id,
            ActivityRow.id == correction.activity_id))
        if found is None:
            raise NotFound("activity", correction.activity_id)
        row = CorrectionRow(athlete_id=own.athlete_id, activity_id=correction.activity_id,
                            action=correction.action, start_s=correction.start_s,
                            end_s=correction.end_s, at_s=correction.at_s, kind=correction.kind,
                            created_utc=own.store.now())
        session.add(row)
        session.flush()
        return _correction(row)


def load_corrections(ctx: Context, activity_ids: Sequence[int] | None = None,
                     ) -> list[Correction]:
    """The corrections of the athlete's activities (of ``activity_ids`` when given),
    oldest first: the order they apply in."""
    query = select(CorrectionRow).where(CorrectionRow.athlete_id == ctx.athlete_id).order_by(
        CorrectionRow.created_utc, CorrectionRow.id)
    if activity_ids is not None:
        query = query.where(CorrectionRow.activity_id.in_(list(activity_ids)))
    with ctx.store.sessions() as session:
        readable(ctx, session)
        return [_correction(row) for row in session.scalars(query)]


def undo_correction(ctx: Context, activity_id: int) -> Correction | None:
    """Remove the newest correction of an activity; returns it (None when there was none)."""
    own = writable(ctx, "undoing a correction")
    with own.store.sessions.begin() as session:
        row = session.scalar(select(CorrectionRow).where(
            CorrectionRow.athlete_id == own.athlete_id,
            CorrectionRow.activity_id == activity_id).order_by(
            CorrectionRow.created_utc.desc(), CorrectionRow.id.desc()).limit(1))
        if row is None:
            return None
        undone = _correction(row)
        session.delete(row)
        return undone


def clear_corrections(ctx: Context, activity_id: int) -> int:
    """Remove every correction of an activity (back to the classifier's); returns how many."""
    own = writable(ctx, "clearing corrections")
    with own.store.sessions.begin() as session:
        result = session.execute(delete(CorrectionRow).where(
            CorrectionRow.athlete_id == own.athlete_id,
            CorrectionRow.activity_id == activity_id))
        return int(getattr(result, "rowcount", 0) or 0)


__all__ = ["add_correction", "clear_corrections", "load_corrections", "undo_correction"]

"""Import pipeline and jobs: files known by content hash, import jobs, their files and bytes.

Revision ID: 0002_import_jobs
Revises: 0001
Create Date: 2026-12-05
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002_import_jobs"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _athlete_id() -> sa.Column[int]:
    return sa.Column("athlete_id", sa.Integer(), nullable=False)


def _athlete_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(["athlete_id"], ["athletes.id"],
                                   name=op.f(f"fk_{table}_athlete_id_athletes"),
                                   ondelete="CASCADE")


def upgrade() -> None:
    op.create_table(
        "imported_files",
        sa.Column("id", sa.Integer(), nullable=False),
        _athlete_id(),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("activity_ids", sa.JSON(), nullable=False),
        sa.Column("imported_utc", sa.DateTime(timezone=True), nullable=False),
        _athlete_fk("imported_files"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_imported_files")),
        sa.UniqueConstraint("athlete_id", "sha256", name=op.f("uq_imported_files_athlete_id")),
    )
    op.create_index(op.f("ix_imported_files_athlete_id"), "imported_files", ["athlete_id"])
    op.create_table(
        "import_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        _athlete_id(),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("runner", sa.String(length=20), nullable=False),
        sa.Column("created_utc", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("heartbeat_utc", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("items_total", sa.Integer(), nullable=False),
        sa.Column("items_done", sa.Integer(), nullable=False),
        sa.Column("stored", sa.Integer(), nullable=False),
        sa.Column("duplicates", sa.Integer(), nullable=False),
        sa.Column("refused", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("timings", sa.JSON(), nullable=False),
        _athlete_fk("import_jobs"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_jobs")),
    )
    op.create_index(op.f("ix_import_jobs_athlete_id"), "import_jobs", ["athlete_id"])
    op.create_index(op.f("ix_import_jobs_status"), "import_jobs", ["status"])
    op.create_table(
        "import_job_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("job_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size_bytes", sa.BigInteger(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rows", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["job_id"], ["import_jobs.id"],
                                name=op.f("fk_import_job_files_job_id_import_jobs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job_files")),
    )
    op.create_index(op.f("ix_import_job_files_job_id"), "import_job_files", ["job_id"])
    op.create_table(
        "import_job_chunks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["file_id"], ["import_job_files.id"],
                                name=op.f("fk_import_job_chunks_file_id_import_job_files"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_job_chunks")),
    )
    op.create_index(op.f("ix_import_job_chunks_file_id"), "import_job_chunks", ["file_id"])


def downgrade() -> None:
    for table in ("import_job_chunks", "import_job_files", "import_jobs", "imported_files"):
        op.drop_table(table)

"""Tables of the import pipeline and its jobs (migration 0002).

``imported_files`` remembers every stored file by the SHA-256 of its raw bytes,
so importing it again skips it before decoding. ``import_jobs`` is one import
handed to a background runner, with the progress the Upload page shows;
``import_job_files`` are its uploaded files (their result rows kept per file)
and ``import_job_chunks`` their bytes, kept in the database so a worker on
another machine can read them, and deleted once the job is over.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from legday.store.models import Base, UtcDateTime, _athlete_fk


class ImportedFile(Base):
    __tablename__ = "imported_files"
    __table_args__ = (UniqueConstraint("athlete_id", "sha256"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    sha256: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(Text)
    #: The activities the file gave (stored then, or found stored already).
    activity_ids: Mapped[list[int]] = mapped_column(JSON)
    imported_utc: Mapped[datetime] = mapped_column(UtcDateTime)


class ImportJob(Base):
    __tablename__ = "import_jobs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    athlete_id: Mapped[int] = _athlete_fk()
    #: queued, running, done or failed.
    status: Mapped[str] = mapped_column(String(20), index=True)
    #: "local" (the app's process pool) or "queue" (procrastinate workers).
    runner: Mapped[str] = mapped_column(String(20))
    created_utc: Mapped[datetime] = mapped_column(UtcDateTime)
    started_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    finished_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    #: Written with every progress update: a running job whose heartbeat stops was abandoned.
    heartbeat_utc: Mapped[datetime | None] = mapped_column(UtcDateTime, nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    items_total: Mapped[int] = mapped_column(Integer, default=0)
    items_done: Mapped[int] = mapped_column(Integer, default=0)
    stored: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    refused: Mapped[int] = mapped_column(Integer, default=0)
    #: One line for the user when the job failed (the traceback goes to the log).
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    #: Seconds spent reading, classifying, encoding and storing.
    timings: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ImportJobFile(Base):
    __tablename__ = "import_job_files"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    job_id: Mapped[int] = mapped_column(ForeignKey("import_jobs.id", ondelete="CASCADE"),
                                        index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int] = mapped_column(BigInteger)
    #: queued or done.
    status: Mapped[str] = mapped_column(String(20))
    #: The Upload page's result rows for this file (one per activity, member or refusal).
    rows: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class ImportJobChunk(Base):
    __tablename__ = "import_job_chunks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    file_id: Mapped[int] = mapped_column(ForeignKey("import_job_files.id", ondelete="CASCADE"),
                                         index=True)
    seq: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)

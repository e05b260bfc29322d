"""Benchmark: import the Strava bulk export into SQLite and PostgreSQL; size of the season.

First the export is read once without a database (legday.io alone). Then, for each
database, in a fresh store: the export imported end to end (read, classify,
store), the same export again (every activity a duplicate), the activities read
before stored by a second athlete (classify + store only, no file reading), the
whole season loaded back, and the space it takes. Not a test: it prints figures.

    .venv/bin/python scripts/bench_store.py [--export PATH] [--postgres URL] [--no-postgres]
"""

from __future__ import annotations

import argparse
import secrets
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import create_engine, func, select, text  # noqa: E402

from legday.io import ReadResult, read_paths  # noqa: E402
from legday.store import Store, import_paths, load_period, open_store  # noqa: E402
from legday.store.importer import import_results  # noqa: E402
from legday.store.models import ActivityRow  # noqa: E402

EXPORT = ROOT.parent / "shared" / "realdata" / "bulk" / "stravaexport__slalom007"
POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
MB = 1024 ** 2
T = TypeVar("T")


def blob_bytes(store: Store) -> int:
    """Bytes of the sample/lap/event/set blobs of every stored activity."""
    cols = [ActivityRow.samples, ActivityRow.laps, ActivityRow.timer_events, ActivityRow.sets]
    with store.engine.connect() as conn:
        return int(sum(conn.execute(select(func.coalesce(func.sum(func.length(c)), 0)))
                       .scalar_one() for c in cols))


def timed(action: Callable[[], T]) -> tuple[T, float]:
    t0 = time.perf_counter()
    result = action()
    return result, time.perf_counter() - t0


def measure(label: str, url: str, export: Path, size: Callable[[], float],
            results: list[ReadResult]) -> None:
    store = open_store(url)
    me = store.athlete("bench")
    first, t_first = timed(lambda: import_paths(me, [export]))
    again, t_again = timed(lambda: import_paths(me, [export]))
    season, t_season = timed(lambda: load_period(me))
    if store.engine.dialect.name == "sqlite":
        with store.engine.connect() as conn:  # the WAL back into the file before measuring it
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    database_mb, blobs_mb = size(), blob_bytes(store) / MB
    # Classify + store alone: a second athlete, activities already read.
    other = store.athlete("bench-stored-only")
    only, t_only = timed(lambda: import_results(other, results))
    store.close()
    n = first.imported
    print(f"\n{label}")
    print(f"  import end to end   {n} activities, {len(first.errors)} errors, in "
          f"{t_first:.1f} s = {n / t_first:.1f} activities/s")
    print(f"  classify + store    {only.imported} activities in {t_only:.1f} s = "
          f"{only.imported / t_only:.1f} activities/s"
          f" ({1000 * t_only / max(only.imported, 1):.0f} ms each)")
    print(f"  same export again   {again.duplicates} duplicates, {again.imported} new, in "
          f"{t_again:.1f} s")
    print(f"  load season         {len(season.activities)} activities with samples, efforts, "
          f"strength in {t_season:.2f} s")
    print(f"  stored size         {database_mb:.1f} MB database for one athlete's season, "
          f"{blobs_mb:.1f} MB of it sample/lap/set blobs (the export: "
          f"{sum(p.stat().st_size for p in export.rglob('*') if p.is_file()) / MB:.1f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--export", type=Path, default=EXPORT)
    parser.add_argument("--postgres", default=POSTGRES)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    results, read_s = timed(lambda: list(read_paths([args.export])))
    print(f"reading only (legday.io): {len(results)} activities in {read_s:.1f} s = "
          f"{len(results) / read_s:.1f} activities/s")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"

        def sqlite_size() -> float:
            return sum(p.stat().st_size for p in Path(tmp).glob("bench.db*")) / MB

        measure("SQLite", f"sqlite:///{path}", args.export, sqlite_size, results)
    if args.no_postgres:
        return
    schema = f"legday_bench_{secrets.token_hex(4)}"
    admin = create_engine(args.postgres)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        def pg_size() -> float:
            with admin.connect() as conn:
                return float(conn.execute(text(
                    "SELECT coalesce(sum(pg_total_relation_size(quote_ident(table_schema) || '.' "
                    "|| quote_ident(table_name))), 0) FROM information_schema.tables "
                    "WHERE table_schema = :s AND table_type = 'BASE TABLE'"),
                    {"s": schema}).scalar_one()) / MB

        url = f"{args.postgres}?options={quote(f'-csearch_path={schema}')}"
        measure("PostgreSQL", url, args.export, pg_size, results)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    main()

"""``import``, ``worker``, ``run-jobs``, ``share``: :func:`register` adds them to the CLI
(``report`` and ``export`` analyse the stored season: :mod:`legday.cli` has them).

Also runnable alone: ``python -m legday.store.cli import ...``. Exit codes:
0 success, 1 when any input failed or the store refused, 2 for usage errors.
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, TextIO

import pandas as pd

from legday.errors import LegdayError
from legday.model import iso_utc
from legday.store.errors import StoreError
from legday.store.importer import ImportEvent, import_paths
from legday.store.repo import (
    AthleteContext,
    Store,
    create_share,
    list_shares,
    open_store,
    revoke_share,
)
from legday.store.share import DEFAULT_DAYS, checked_days


def _store(args: argparse.Namespace) -> Store:
    return open_store(args.db)


def _days(text: str) -> float:
    """``--days``: a number of days a link may last (a usage error otherwise)."""
    try:
        return checked_days(float(text))
    except (ValueError, StoreError) as err:
        raise argparse.ArgumentTypeError(str(err)) from err


def _iso(value: Any) -> str | None:
    return None if value is None else iso_utc(pd.Timestamp(value))


def refusals_to_stderr(command: Callable[[argparse.Namespace, TextIO], int],
                        ) -> Callable[[argparse.Namespace, TextIO], int]:
    """A store refusal (unknown link, bad URL...) is one line on stderr and exit code 1."""
    @functools.wraps(command)
    def run(args: argparse.Namespace, out: TextIO) -> int:
        try:
            return command(args, out)
        except LegdayError as err:
            print(f"error: {err}", file=sys.stderr)
            return 1
    return run


def _progress_bar(args: argparse.Namespace) -> Any:
    """A progress bar on the terminal (stderr), none with ``--json`` or when redirected."""
    if args.json or not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    from legday.store.pipeline import estimate_paths

    return tqdm(total=estimate_paths(args.paths), unit="file", file=sys.stderr,
                dynamic_ncols=True, desc="importing")


@refusals_to_stderr
def cmd_import(args: argparse.Namespace, out: TextIO) -> int:
    store = _store(args)
    bar = _progress_bar(args)
    try:
        ctx = store.athlete(args.athlete)

        def show(event: ImportEvent) -> None:
            if args.json:
                return
            note = f" ({event.message.splitlines()[0]})" if event.message else ""
            line = f"{event.status:9}  {event.label}{note}"
            if bar is None:
                out.write(line + "\n")
                out.flush()
                return
            bar.write(line, file=out)
            if bar.n + 1 > bar.total:
                bar.total = bar.n + 1
            bar.update(1)

        def calibrating(done: int, total: int) -> None:
            if not args.json and total:
                (bar.write if bar is not None else _line)(
                    f"calibrating on your history: {done} of {total} runs", file=out)

        report = import_paths(ctx, args.paths, progress=show, on_calibration=calibrating)
        after = getattr(args, "after_import", None)
        if (report.imported or report.strength_entries) and after is not None:
            after(ctx)
    finally:
        if bar is not None:
            bar.close()
        store.close()
    if args.json:
        json.dump(report.to_dict(), out)
        out.write("\n")
    else:
        out.write(f"\n{report.imported} imported, {report.duplicates} duplicates, "
                  f"{report.strength_entries} strength entries, {len(report.errors)} errors\n")
    return 1 if report.errors else 0


def cmd_run_jobs(args: argparse.Namespace, out: TextIO) -> int:
    """The local runner: the app starts it to run this database's queued import jobs."""
    import logging

    from legday.store.config import database_url
    from legday.store.jobs import serve_local_jobs

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    serve_local_jobs(database_url(args.db))
    return 0


def cmd_worker(args: argparse.Namespace, out: TextIO) -> int:
    """Run hosted import jobs (PostgreSQL) until stopped."""
    import logging

    from legday.store.config import database_url
    from legday.store.queue import run_worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    url = database_url(args.db)
    if not url.startswith("postgresql"):
        print("error: the worker needs a PostgreSQL database (LEGDAY_DATABASE_URL or --db); "
              "with SQLite the app runs imports itself", file=sys.stderr)
        return 2
    run_worker(url, concurrency=args.concurrency, heartbeat_s=args.heartbeat_s,
               stalled_after_s=args.stalled_after_s, workers=args.processes)
    return 0


@refusals_to_stderr
def cmd_share(args: argparse.Namespace, out: TextIO) -> int:
    store = _store(args)
    try:
        ctx = store.athlete(args.athlete)
        if args.share_command == "create":
            link = create_share(ctx, days=args.days, label=args.label, allow_notes=args.notes)
            payload: Any = {"token": link.token, "url": link.url,
                            "expires": _iso(link.expires_utc), "id": link.id}
            text = (f"{link.url}\nexpires {payload['expires']}; the token is shown only now "
                    "(only its hash is stored)\n")
        elif args.share_command == "list":
            now = store.now()
            payload = [{"id": s.id, "label": s.label, "allow_notes": s.allow_notes,
                        "created": _iso(s.created_utc), "expires": _iso(s.expires_utc),
                        "status": s.status(now)} for s in list_shares(ctx)]
            text = "".join(f"{p['id']:>4}  {p['status']:8} expires {p['expires']}  "
                           f"{'notes ' if p['allow_notes'] else ''}{p['label'] or ''}\n"
                           for p in payload) or "no share links\n"
        else:
            info = revoke_share(ctx, args.token)
            payload = {"id": info.id, "revoked": _iso(info.revoked_utc)}
            text = f"revoked share link {info.id}\n"
    finally:
        store.close()
    return print_result(args, out, payload, text)


def print_result(args: argparse.Namespace, out: TextIO, payload: Any, text: str) -> int:
    """``payload`` as one JSON line with ``--json``, else ``text``; exit code 0."""
    if args.json:
        json.dump(payload, out)
        out.write("\n")
    else:
        out.write(text)
    return 0


def common_options(parser: argparse.ArgumentParser) -> None:
    """``--json``, ``--athlete`` and ``--db``, as every store command takes them."""
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.add_argument("--athlete", default="local", metavar="NAME",
                        help="whose data (default: local)")
    parser.add_argument("--db", default=None, metavar="URL",
                        help="database URL (default: LEGDAY_DATABASE_URL, secrets, or the "
                             "local SQLite file; see docs/storage.md)")


def register(subparsers: Any,
             after_import: Callable[[AthleteContext], object] | None = None) -> None:
    """Add ``import``, ``worker``, ``run-jobs`` and ``share`` to an argparse subparsers
    object; ``after_import`` runs after an import that stored something (legday's CLI
    analyses the season then, so the dashboard's first view finds it done)."""
    imp = subparsers.add_parser("import", help="store activities and strength logs")
    imp.add_argument("paths", nargs="+", metavar="PATH",
                     help="FIT/GPX/TCX files, folders, zips, Strava exports, strength .csv logs")
    common_options(imp)
    imp.set_defaults(func=cmd_import, after_import=after_import)
    worker = subparsers.add_parser("worker", help="run hosted import jobs (PostgreSQL) until "
                                                  "stopped")
    worker.add_argument("--db", default=None, metavar="URL",
                        help="database URL (default: LEGDAY_DATABASE_URL or the secrets)")
    worker.add_argument("--concurrency", type=int, default=1, metavar="N",
                        help="jobs run at once (default 1: each job already uses every core)")
    worker.add_argument("--processes", type=int, default=None, metavar="N",
                        help="decoding processes per job (default: one per core)")
    worker.add_argument("--heartbeat-s", type=float, default=10.0, metavar="S",
                        help="seconds between heartbeats (default 10)")
    worker.add_argument("--stalled-after-s", type=float, default=30.0, metavar="S",
                        help="retry the jobs of a worker silent this long (default 30)")
    worker.set_defaults(func=cmd_worker)
    run_jobs = subparsers.add_parser("run-jobs", help="run the local import jobs waiting in "
                                                      "the database, then exit (the app "
                                                      "starts it)")
    run_jobs.add_argument("--db", default=None, metavar="URL",
                          help="database URL (default: LEGDAY_DATABASE_URL or local SQLite)")
    run_jobs.set_defaults(func=cmd_run_jobs)
    share = subparsers.add_parser("share", help="read-only links for a coach")
    sub = share.add_subparsers(dest="share_command", required=True)
    create = sub.add_parser("create", help="create a link (the token is shown once)")
    common_options(create)
    create.add_argument("--days", type=_days, default=DEFAULT_DAYS,
                        help=f"valid for N days, at least 1 minute (default {DEFAULT_DAYS})")
    create.add_argument("--label", default=None, help="a name for the link, e.g. the coach")
    create.add_argument("--notes", action="store_true", help="let the coach add weekly notes")
    listing = sub.add_parser("list", help="list links (active, expired, revoked)")
    common_options(listing)
    revoke = sub.add_parser("revoke", help="revoke a link")
    revoke.add_argument("token", metavar="TOKEN", help="the link's token or its id from 'list'")
    common_options(revoke)
    share.set_defaults(func=cmd_share)


def main(argv: Sequence[str] | None = None, out: TextIO | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m legday.store.cli")
    register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    code: int = args.func(args, out or sys.stdout)
    return code


if __name__ == "__main__":
    raise SystemExit(main())


def _line(text: str, file: TextIO) -> None:
    file.write(text + "\n")
    file.flush()

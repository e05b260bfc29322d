"""``python -m legday.store.migrations revision -m MESSAGE``: autogenerate a new revision."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from alembic import command

from legday.store.db import make_engine
from legday.store.migrations import alembic_config, upgrade


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m legday.store.migrations")
    parser.add_argument("action", choices=["revision"])
    parser.add_argument("-m", "--message", required=True)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'scratch.db'}")
        upgrade(engine)
        command.revision(alembic_config(engine), message=args.message, autogenerate=True)
        engine.dispose()


if __name__ == "__main__":
    main()

"""``python -m legday``: the command line."""

from legday.cli import main

raise SystemExit(main())

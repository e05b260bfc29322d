"""``import`` and ``share`` commands (run here through legday.store.cli.main)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from legday.store.cli import main
from tests.conftest import ROOT
from tests.store.conftest import Database
from tests.store.helpers import write_run


def run(*argv: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(list(argv), out)
    return code, out.getvalue()


def test_import_json_counts_imports_duplicates_and_errors(database: Database, tmp_path: Path):
    good = write_run(tmp_path, "easy", seed=1)
    bad = tmp_path / "bad.gpx"
    bad.write_text("<gpx")
    code, out = run("import", "--json", "--db", database.url, str(good), str(bad))
    payload = json.loads(out)
    assert code == 1
    assert (payload["imported"], payload["duplicates"]) == (1, 0)
    assert [e["file"] for e in payload["errors"]] == [str(bad)]
    code, out = run("import", "--json", "--db", database.url, "--athlete", "kim", str(good))
    assert code == 0 and json.loads(out)["imported"] == 1
    code, out = run("import", "--json", "--db", database.url, str(good))
    assert code == 0 and (json.loads(out)["imported"], json.loads(out)["duplicates"]) == (0, 1)


def test_share_create_list_revoke(database: Database):
    code, out = run("share", "create", "--json", "--db", database.url, "--days", "7",
                    "--label", "Coach Kim", "--notes")
    link = json.loads(out)
    assert code == 0 and len(link["token"]) >= 43 and link["url"].endswith(link["token"])
    created = pd.Timestamp.now("UTC")
    expires = pd.Timestamp(link["expires"])
    assert abs((expires - created).total_seconds() - 7 * 86400) < 60
    code, out = run("share", "list", "--json", "--db", database.url)
    listed = json.loads(out)
    assert [(x["label"], x["status"], x["allow_notes"]) for x in listed] == [
        ("Coach Kim", "active", True)]
    assert link["token"] not in out
    code, out = run("share", "revoke", "--db", database.url, link["token"])
    assert code == 0 and "revoked" in out
    code, out = run("share", "list", "--json", "--db", database.url)
    assert json.loads(out)[0]["status"] == "revoked"
    assert run("share", "revoke", "--db", database.url, "999") == (1, "")


@pytest.mark.parametrize("days", ["1e-9", "0.0005", "0", "-1", "nan", "inf", "-inf", "367",
                                  "seven"])
def test_share_create_refuses_a_link_shorter_than_a_minute(database: Database, days: str,
                                                           capsys: pytest.CaptureFixture[str]):
    with pytest.raises(SystemExit) as exit_code:
        run("share", "create", "--json", "--db", database.url, "--days", days)
    assert exit_code.value.code == 2  # a usage error, like any other bad argument
    assert "--days" in capsys.readouterr().err
    assert run("share", "list", "--json", "--db", database.url) == (0, "[]\n")


def test_share_create_takes_a_one_minute_link(database: Database):
    code, _out = run("share", "create", "--json", "--db", database.url, "--days", "0.000695")
    assert code == 0
    (listed,) = json.loads(run("share", "list", "--json", "--db", database.url)[1])
    lasts = pd.Timestamp(listed["expires"]) - pd.Timestamp(listed["created"])
    assert lasts.total_seconds() == pytest.approx(0.000695 * 86400, abs=1e-3)


def test_runs_as_a_module(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    proc = subprocess.run([sys.executable, "-m", "legday.store.cli", "share", "create", "--json",
                           "--db", url], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert set(json.loads(proc.stdout)) >= {"token", "url", "expires"}


def _import_on_a_terminal(tmp_path: Path, *extra: str) -> tuple[int, str, str]:
    """``python -m legday import`` with stderr on a pseudo-terminal: (exit code, stdout,
    what the terminal showed)."""
    import fcntl
    import os
    import pty
    import struct
    import termios

    paths = [str(write_run(tmp_path, "easy", seed=s, fmt="gpx",
                           start=f"2025-03-0{s}T07:00:00Z")) for s in (1, 2, 3)]
    db = f"sqlite:///{tmp_path / f'cli{len(extra)}.db'}"
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    child = subprocess.Popen([sys.executable, "-m", "legday", "import", "--db", db, *extra,
                              *paths], cwd=ROOT, stdout=subprocess.PIPE, stderr=follower,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    os.close(follower)
    shown = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown += chunk
    out = child.communicate(timeout=120)[0].decode()
    os.close(leader)
    return child.returncode, out, shown.decode(errors="replace")


def test_import_shows_a_progress_bar_on_a_terminal_and_none_with_json(tmp_path: Path):
    code, out, terminal = _import_on_a_terminal(tmp_path)
    assert code == 0 and "3 imported" in out
    assert "importing: 100%" in terminal and "3/3" in terminal
    code, out, terminal = _import_on_a_terminal(tmp_path, "--json")
    assert code == 0 and json.loads(out)["imported"] == 3
    assert "importing" not in terminal and "%" not in terminal

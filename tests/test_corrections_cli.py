"""``python -m legday corrections``: add, show (JSON with the marks), undo; and the HTML report's
"Corrected by the athlete" section."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from legday.cli import main
from legday.corrections import MARK
from legday.library import load_library
from legday.report import html_report
from legday.store import import_paths, open_store
from tests.store.helpers import write_run


@pytest.fixture()
def stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, int]:
    """A SQLite store with one synthetic hill-sprint session; its activity id."""
    monkeypatch.setenv("LEGDAY_CACHE_DIR", str(tmp_path / "cache"))
    url = f"sqlite:///{tmp_path / 'legday.db'}"
    store = open_store(url)
    (activity_id,) = import_paths(store.athlete(), [write_run(tmp_path, "hill_sprints",
                                                              seed=5)]).activity_ids
    store.close()
    return url, int(activity_id)


def _json(*argv: str) -> object:
    out = io.StringIO()
    assert main(list(argv), out) == 0
    return json.loads(out.getvalue())


def test_add_show_and_undo_through_the_command_line(stored):
    url, activity_id = stored
    assert _json("corrections", "show", "--db", url, "--json") == {"runs": [], "corrected": []}
    saved = _json("corrections", "add", str(activity_id), "--kind", "interval", "--from", "0:00",
                  "--to", "2:00", "--db", url, "--json")
    assert isinstance(saved, dict) and saved["action"] == "effort_kind"
    assert (saved["start_s"], saved["end_s"], saved["kind"]) == (0.0, 120.0, "interval")
    _json("corrections", "add", str(activity_id), "--run-kind", "sprint", "--db", url, "--json")
    shown = _json("corrections", "show", "--db", url, "--json")
    assert isinstance(shown, dict)
    (run,) = shown["runs"]
    assert run["activity_id"] == activity_id and run["corrected"] is True
    assert (run["primary"], run["classifier_primary"]) == ("sprint", "hill")
    marked = [e for e in run["efforts"] if e["corrected"]]
    assert [e["kind"] for e in marked] == ["interval"] and MARK in marked[0]["why"]
    assert marked[0]["start"] < marked[0]["end"] and marked[0]["duration_s"] == 120.0
    assert all(e["corrected"] is False for e in run["efforts"] if e not in marked)
    assert [c["action"] for c in run["corrections"]] == ["effort_kind", "run_kind"]
    assert shown["corrected"][0]["efforts_corrected"] == 1
    undone = _json("corrections", "undo", str(activity_id), "--db", url, "--json")
    assert isinstance(undone, dict) and undone["action"] == "run_kind"
    (run,) = _json("corrections", "show", str(activity_id), "--db", url, "--json")["runs"]  # type: ignore[index]
    assert run["primary"] == "hill" and run["corrected"] is True


def test_a_bad_correction_is_a_usage_error_and_stores_nothing(stored, capsys):
    url, activity_id = stored
    out = io.StringIO()
    assert main(["corrections", "add", str(activity_id), "--kind", "jog", "--from", "0",
                 "--to", "60", "--db", url], out) == 2
    assert "an effort is one of" in capsys.readouterr().err
    assert main(["corrections", "add", "999", "--run-kind", "hill", "--db", url], out) == 1
    assert _json("corrections", "show", "--db", url, "--json") == {"runs": [], "corrected": []}


def test_the_report_lists_what_the_athlete_corrected(stored):
    url, activity_id = stored
    store = open_store(url)
    try:
        me = store.athlete()
        assert "Corrected by the athlete" not in html_report(load_library(me), athlete="Sam")
        main(["corrections", "add", str(activity_id), "--run-kind", "steady", "--db", url],
             io.StringIO())
        text = html_report(load_library(me), athlete="Sam")
    finally:
        store.close()
    assert "<h2>Corrected by the athlete</h2>" in text
    assert "steady (classifier: hill)" in text and "run kind set to steady" in text


def _score_script():
    import importlib.util

    from tests.conftest import ROOT

    spec = importlib.util.spec_from_file_location("score_efforts",
                                                  ROOT / "scripts" / "score_efforts.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up while defined
    spec.loader.exec_module(module)
    return module


def test_make_score_reads_corrections_as_extra_truth(stored, capsys):
    url, activity_id = stored
    script = _score_script()
    assert script.score_store_corrections(url)["n"] == 0
    # The athlete says the session's first hill was a sprint and the run a sprint session.
    store = open_store(url)
    try:
        library = load_library(store.athlete())
    finally:
        store.close()
    hills = library.efforts[library.efforts["kind"] == "hill"]
    origin = library.activities[0].start_utc
    start = (hills["start"].iloc[0] - origin).total_seconds()
    end = (hills["end"].iloc[0] - origin).total_seconds()
    for argv in (["--kind", "sprint", "--from", str(start), "--to", str(end)],
                 ["--run-kind", "sprint"]):
        main(["corrections", "add", str(activity_id), *argv, "--db", url], io.StringIO())
    result = script.score_store_corrections(url)
    score = result["score"]
    assert (result["n"], result["corrections"]) == (1, 2)
    # The classifier, asked again, still says hill: the corrections count against it.
    assert score.primary_accuracy == 0.0
    assert score.primary_confusion == {"sprint": {"hill": 1}}
    n_hills = len(hills)
    assert score.efforts.per_kind["hill"].fp == 1 and score.efforts.per_kind["sprint"].fn == 1
    assert score.efforts.per_kind["hill"].tp == n_hills - 1
    assert script.main(["--no-synthetic", "--no-real", "--corrections", url]) == 0
    printed = capsys.readouterr().out
    assert "1 corrected runs (2 corrections) as truth" in printed
    assert "run kind right 0.000" in printed

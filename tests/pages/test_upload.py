"""Upload page: files are stored (read, partial, duplicate, refused with the reason), reruns
never re-import, and the library is listed with filters, in local time and the chosen units."""

from __future__ import annotations

import gzip
import os
import shutil
import time

import pandas as pd
import pytest
from sqlalchemy import func, select

from legday.store import get_settings, list_activities, open_store, put_settings
from legday.store.jobmodels import ImportJob
from legday.ui.state import LOCAL_ATHLETE, SAMPLE_ATHLETE
from tests.io.helpers import gpx_text, zip_bytes

PAGE = "views/upload.py"


def _upload(at, files):
    """Drop files, wait for the import job they start, and let the page show its results."""
    uploader = at.get("file_uploader")[0]
    uploader.set_value(files).run()
    assert not at.exception
    _wait_for_jobs(os.environ["LEGDAY_DATABASE_URL"])
    at.run()
    assert not at.exception
    return at


def _wait_for_jobs(url: str, timeout_s: float = 120) -> None:
    store = open_store(url)
    deadline = time.monotonic() + timeout_s
    try:
        while True:
            with store.sessions() as session:
                running = session.scalar(select(func.count()).select_from(ImportJob).where(
                    ImportJob.status.in_(("queued", "running"))))
            if not running:
                return
            assert time.monotonic() < deadline, "the import job did not finish"
            time.sleep(0.05)
    finally:
        store.close()


def _jobs(url: str) -> int:
    store = open_store(url)
    try:
        with store.sessions() as session:
            return int(session.scalar(select(func.count()).select_from(ImportJob)) or 0)
    finally:
        store.close()


def _results(at):
    """The per-file result table (the first table once files are uploaded)."""
    return at.dataframe[0].value


def _library(at):
    """The activity list (always the last table)."""
    return at.dataframe[-1].value


def _stored(url: str) -> int:
    store = open_store(url)
    try:
        return len(list_activities(store.athlete(LOCAL_ATHLETE)))
    finally:
        store.close()


def test_an_empty_library_explains_what_to_do(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    assert not at.exception
    assert at.title[0].value == "Upload"
    assert any("No files yet" in i.value for i in at.info)
    assert any("library is empty" in i.value for i in at.info)
    assert not at.dataframe


def test_uploads_are_stored_one_row_per_activity_with_refused_reasons(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    bundle = zip_bytes({"a/run2.gpx.gz": gzip.compress(gpx_text(n=40, start="2025-03-02T08:00:00Z")
                                                       .encode()),
                        "a/notes.gpx": b"<gpx><trk><trkseg><trkpt"})
    _upload(at, [("run.gpx", gpx_text().encode(), "application/gpx+xml"),
                 ("bundle.zip", bundle, "application/zip")])
    results = _results(at)
    # Listed as the athlete knows them: newest first, by date, name and sport; refusals last,
    # by the file's own name (no archive path, no row id).
    assert list(results.columns) == ["date", "name", "sport", "status", "reason", "file"]
    assert list(results["file"]) == ["run2.gpx.gz", "run.gpx", "notes.gpx"]
    assert list(results["status"]) == ["read", "read", "refused"]
    assert [str(d)[:16] for d in results["date"][:2]] == ["2025-03-02 08:00",
                                                                   "2025-03-01 08:00"]
    assert list(results["sport"][:2]) == ["run", "run"]
    assert results["reason"].iloc[2]  # the reason is given
    assert not results.astype(str).apply(lambda c: c.str.contains("!|a/")).any().any()
    assert "2 imported (0 partial), 0 duplicates skipped, 1 refused" in at.warning[0].value
    assert _stored(empty_db) == 2
    # The stored activities are listed in the library below.
    library = _library(at)
    assert len(library) == 2
    assert list(library["sport"]) == ["run", "run"]


def test_a_rerun_does_not_import_again_and_a_copy_is_a_duplicate(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    run = gpx_text().encode()
    _upload(at, [("run.gpx", run, "application/gpx+xml")])
    assert list(_results(at)["status"]) == ["read"]
    assert _jobs(empty_db) == 1
    at.run()  # a rerun with the same files: results kept, nothing re-imported
    assert not at.exception
    assert list(_results(at)["status"]) == ["read"]
    assert _jobs(empty_db) == 1
    # The same bytes under another name go to a new job, and are skipped as a duplicate.
    _upload(at, [("run.gpx", run, "application/gpx+xml"),
                 ("copy of run.gpx", run, "application/gpx+xml")])
    results = _results(at)
    assert list(results["status"]) == ["read", "duplicate"]
    assert results["reason"].iloc[1] == "the same file is stored already"
    assert "1 duplicates skipped" in at.success[0].value
    assert _jobs(empty_db) == 2
    assert _stored(empty_db) == 1


def test_the_same_session_from_another_file_is_a_duplicate(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    _upload(at, [("watch.gpx", gpx_text(n=30).encode(), "application/gpx+xml")])
    # Same start and (nearly) the same distance, different bytes: the same session.
    _upload(at, [("watch.gpx", gpx_text(n=30).encode(), "application/gpx+xml"),
                 ("strava.gpx", gpx_text(n=30, hr=None).encode(), "application/gpx+xml")])
    results = _results(at)
    assert list(results["status"]) == ["read", "duplicate"]
    assert results["reason"].iloc[1] == "the same session from another file is stored"
    assert _stored(empty_db) == 1


def test_a_strength_log_with_a_bad_row_reports_the_line(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    log = (b"date,exercise,sets,reps,weight_kg,rpe,duration_min,notes\n"
           b"2025-03-01,Back squat,3,5,100,8,,\n"
           b"2025-03-01,Lunge,-1,8,20,11,,\n")
    _upload(at, [("log.csv", log, "text/csv")])
    results = _results(at)
    assert list(results["status"]) == ["read", "refused"]
    assert list(results["sport"]) == ["strength log", "strength log"]
    assert results["reason"].iloc[1].startswith("line 3:")


def test_the_sample_view_says_uploading_starts_your_own_library(make_app, sample_db):
    at = make_app(sample_db, PAGE)
    assert not at.exception
    assert "sample season" in at.info[0].value
    assert any("your own library" in m.value for m in at.markdown)
    assert at.get("file_uploader")
    library = _library(at)
    store = open_store(sample_db)
    try:
        assert len(library) == len(list_activities(store.athlete(SAMPLE_ATHLETE))) > 0
    finally:
        store.close()


def test_an_upload_in_the_sample_view_starts_the_athletes_own_library(make_app, sample_db,
                                                                        tmp_path):
    own = tmp_path / "copy.db"
    shutil.copy(sample_db.removeprefix("sqlite:///"), own)
    url = f"sqlite:///{own}"
    at = make_app(url, PAGE)
    _upload(at, [("run.gpx", gpx_text().encode(), "application/gpx+xml")])
    assert list(_results(at)["status"]) == ["read"]
    assert _stored(url) == 1  # stored for the local athlete, not in the sample season
    # The page now shows the athlete's own library, and so does the next visit.
    assert not any("sample season" in i.value for i in at.info)
    assert len(_library(at)) == 1
    again = make_app(url, PAGE)
    assert not again.exception
    assert not any("sample season" in i.value for i in again.info)
    assert len(_library(again)) == 1


@pytest.fixture()
def season_db(tmp_path):
    """The sample season owned by the local athlete, in miles (a writable library)."""
    from legday.store import import_paths
    from legday.ui.state import SAMPLES

    url = f"sqlite:///{tmp_path / 'legday.db'}"
    store = open_store(url)
    me = store.athlete(LOCAL_ATHLETE)
    import_paths(me, [SAMPLES / "season"])
    put_settings(me, {"units": "mi"})
    store.close()
    return url


def test_the_library_filters_by_date_sport_and_kind(make_app, season_db):
    at = make_app(season_db, PAGE, sample=False)
    assert not at.exception
    library = _library(at)
    total = len(library)
    assert "distance (mi)" in library.columns
    assert any(f"{total} of {total} stored activities" in c.value for c in at.caption)
    at.selectbox(key="library_kind").set_value("hill").run()
    hills = _library(at)
    assert 0 < len(hills) < total
    assert set(hills["primary kind"]) == {"hill"}
    at.selectbox(key="library_kind").set_value("any").run()
    sports = at.multiselect(key="library_sports")
    other = [s for s in sports.options if s != "run"]
    if other:
        sports.set_value(other).run()
        assert "run" not in set(_library(at)["sport"])
        sports.set_value([]).run()
    starts = _days(_library(at))
    day = starts.max()
    at.date_input[0].set_value((day, day)).run()
    one_day = _library(at)
    assert 0 < len(one_day) < total
    assert set(_days(one_day)) == {day}


def _days(frame: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(frame["start (local)"]).dt.date


def test_an_upload_after_the_dates_shown_is_listed_too(make_app, season_db):
    at = make_app(season_db, PAGE, sample=False)
    total = len(_library(at))
    _upload(at, [("new.gpx", gpx_text(start="2027-01-05T08:00:00Z").encode(),
                  "application/gpx+xml")])
    library = _library(at)
    assert len(library) == total + 1
    assert str(library["start (local)"].iloc[0]).startswith("2027-01-05 08:00")


def test_the_progress_panel_shows_files_done_stored_and_refused_with_reasons(make_app,
                                                                              empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    bundle = zip_bytes({"a/run2.gpx": gpx_text(start="2025-03-02T08:00:00Z").encode(),
                        "a/notes.gpx": b"<gpx><trk><trkseg><trkpt"})
    _upload(at, [("bundle.zip", bundle, "application/zip")])
    (bar,) = at.get("progress")
    assert "2 of 2 activities" in bar.proto.text and bar.proto.value == 100
    metrics = {m.label: m.value for m in at.metric}
    assert (metrics["Activities stored"], metrics["Already stored"], metrics["Refused"]) == (
        "1", "0", "1")
    reasons = [m.value for m in at.expander[0].markdown]
    assert len(reasons) == 1 and reasons[0].startswith("- **notes.gpx**: notes.gpx")
    assert "Traceback" not in reasons[0]


def test_the_bar_is_determinate_before_the_job_starts_and_the_limits_are_explained(
        make_app, empty_db, monkeypatch):
    import legday.store.jobs

    monkeypatch.setattr(legday.store.jobs, "resume_jobs", lambda store: None)
    monkeypatch.setattr(legday.store.jobs.LocalRunner, "submit", lambda self, job_id: None)
    at = make_app(empty_db, PAGE, sample=False)
    bundle = zip_bytes({f"runs/{i}.gpx": gpx_text(start=f"2025-03-{i + 1:02d}T08:00:00Z")
                        .encode() for i in range(3)})
    at.get("file_uploader")[0].set_value([("bundle.zip", bundle, "application/zip"),
                                          ("run.gpx", gpx_text().encode(),
                                           "application/gpx+xml")]).run()
    assert not at.exception
    (bar,) = at.get("progress")  # nothing decoded yet: the total is known all the same
    assert "Import 1: 0 of 4 activities — waiting to start" in bar.proto.text
    assert bar.proto.value == 0
    # The uploader's 1 GB and the 64 MB per activity file are both said.
    assert any("Up to 1 GB per dropped file" in c.value and "64 MB unpacked" in c.value
               for c in at.caption)


def test_the_first_import_takes_the_time_zone_the_watch_files_say(make_app, empty_db):
    from legday.ui.state import SAMPLES

    files = sorted((SAMPLES / "season").glob("*.fit"))[:3]
    at = make_app(empty_db, PAGE, sample=False)
    _upload(at, [(f.name, f.read_bytes(), "application/octet-stream") for f in files])
    store = open_store(empty_db)
    try:
        assert get_settings(store.athlete(LOCAL_ATHLETE))["timezone"] == "Europe/Dublin"
    finally:
        store.close()
    assert any("Time zone set to **Europe/Dublin**, as your watch files say (3 of 3" in i.value
               for i in at.info), [i.value for i in at.info]
    # A later import leaves the zone alone, whatever its files say.
    put_settings_zone(empty_db, "Asia/Tokyo")
    later = sorted((SAMPLES / "season").glob("*.fit"))[3:4]
    _upload(at, [(f.name, f.read_bytes(), "application/octet-stream") for f in later])
    store = open_store(empty_db)
    try:
        assert get_settings(store.athlete(LOCAL_ATHLETE))["timezone"] == "Asia/Tokyo"
    finally:
        store.close()


def put_settings_zone(url: str, zone: str) -> None:
    store = open_store(url)
    try:
        put_settings(store.athlete(LOCAL_ATHLETE), {"timezone": zone})
    finally:
        store.close()


def test_a_job_that_cannot_start_shows_one_line_and_no_traceback(make_app, empty_db,
                                                                  monkeypatch):
    import legday.store.jobs

    def broken(ctx, uploads):
        raise OSError("disk full\nTraceback (most recent call last): ...")

    monkeypatch.setattr(legday.store.jobs, "start_import", broken)
    at = make_app(empty_db, PAGE, sample=False)
    at.get("file_uploader")[0].set_value([("run.gpx", gpx_text().encode(),
                                           "application/gpx+xml")]).run()
    assert not at.exception
    (error,) = at.error
    assert error.value.startswith("The files could not be handed to an import: OSError.")
    assert "Traceback" not in error.value and "\n" not in error.value
    assert _stored(empty_db) == 0


def test_an_upload_interrupted_by_a_restart_carries_on_when_the_page_opens(make_app, empty_db):
    from datetime import timedelta

    from sqlalchemy import update

    from legday.store.jobs import ABANDONED_AFTER_S, create_job

    store = open_store(empty_db)
    try:
        me = store.athlete(LOCAL_ATHLETE)
        job_id = create_job(me, [("run.gpx", gpx_text().encode())], "local")
        with store.sessions.begin() as session:  # the app stopped while the job ran
            session.execute(update(ImportJob).where(ImportJob.id == job_id).values(
                status="running",
                heartbeat_utc=store.now() - timedelta(seconds=ABANDONED_AFTER_S + 5)))
    finally:
        store.close()
    at = make_app(empty_db, PAGE, sample=False)
    assert not at.exception
    _wait_for_jobs(empty_db)
    assert _stored(empty_db) == 1


def test_the_progress_panel_is_still_there_after_visiting_another_page(make_app, empty_db):
    at = make_app(empty_db, PAGE, sample=False)
    _upload(at, [("run.gpx", gpx_text().encode(), "application/gpx+xml")])
    at.switch_page("views/overview.py").run()
    assert not at.exception and not at.get("progress")
    at.switch_page(PAGE).run()
    assert not at.exception
    (bar,) = at.get("progress")
    assert "Import 1: 1 of 1 activities" in bar.proto.text
    assert {m.label: m.value for m in at.metric}["Activities stored"] == "1"


def test_a_failing_library_query_is_one_line_not_a_traceback(make_app, season_db, monkeypatch):
    import legday.store

    def broken(*args, **kwargs):
        raise RuntimeError("connection lost\nat /srv/legday/store.py line 12")

    monkeypatch.setattr(legday.store, "list_activities", broken)
    at = make_app(season_db, PAGE, sample=False)
    assert not at.exception
    (error,) = at.error
    assert error.value == ("The library could not be shown (RuntimeError); the server log has "
                           "the details.")


def test_the_library_shows_the_athletes_corrected_kind_marked_as_corrected(make_app, own_copy):
    from legday.corrections import Correction
    from legday.store.corrections import add_correction

    store = open_store(own_copy)
    try:
        me = store.athlete(LOCAL_ATHLETE)
        listed = list_activities(me)
        hill = int(listed.loc[listed["primary"] == "hill", "activity_id"].iloc[0])
        add_correction(me, Correction(hill, "run_kind", kind="steady"))
        hills_before = int((listed["primary"] == "hill").sum())
    finally:
        store.close()
    at = make_app(own_copy, PAGE, sample=False)
    assert not at.exception
    library = _library(at)
    assert library.loc[library["corrected"], "primary kind"].tolist() == ["steady"]
    at.selectbox(key="library_kind").set_value("hill").run()
    assert len(_library(at)) == hills_before - 1
    at.selectbox(key="library_kind").set_value("steady").run()
    assert _library(at)["corrected"].sum() == 1

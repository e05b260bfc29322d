import csv
import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from legday.io import ReadFailure, read_path
from legday.io.strava import find_export_roots, parse_activity_date, read_activities_csv
from legday.model import Activity, Sport
from tests.conftest import require_realdata
from tests.io.helpers import gpx_text, zip_bytes

HEADER = ("Activity ID,Activity Date,Activity Name,Activity Type,Elapsed Time,Distance,"
          "Filename,Moving Time,Distance\n")


def _csv(*rows: str) -> bytes:
    return (HEADER + "".join(r + "\n" for r in rows)).encode()


def _split(results):
    results = list(results)
    return ([r for r in results if isinstance(r, Activity)],
            [r for r in results if isinstance(r, ReadFailure)])


def test_activity_date_is_utc():
    ts = parse_activity_date("Jun 4, 2024, 4:39:40 PM")
    assert ts == pd.Timestamp("2024-06-04T16:39:40Z")
    assert parse_activity_date("") is None


def test_csv_distance_uses_the_metres_column():
    rows = read_activities_csv(_csv('1,"Jun 4, 2024, 6:13:47 AM",Ride,Ride,611,3.52,,543,3519.4'))
    assert rows is not None and rows[0]["Distance"] == "3519.4"
    assert read_activities_csv(b"Name,Date\nx,y\n") is None


def test_export_links_rows_to_files_and_keeps_manual_entries(tmp_path: Path):
    export = tmp_path / "export_123"
    (export / "activities").mkdir(parents=True)
    (export / "activities" / "11.gpx").write_text(gpx_text(start="2025-03-01T08:00:00Z"))
    (export / "activities" / "99.gpx").write_text(gpx_text(start="2025-03-05T08:00:00Z"))
    (export / "routes").mkdir()
    (export / "routes" / "1.gpx").write_text("<gpx><rte><rtept lat='1' lon='2'/></rte></gpx>")
    (export / "activities.csv").write_bytes(_csv(
        '11,"Mar 1, 2025, 8:00:00 AM",Hill reps,Trail Run,40,0.3,activities/11.gpx,30,300.0',
        '12,"Mar 2, 2025, 6:00:00 PM",Legs,Weight Training,2700,0,,2700,',
        '13,"Mar 3, 2025, 6:00:00 PM",Lost,Run,100,1,activities/13.fit.gz,90,1000',
    ))
    acts, fails = _split(read_path(export))
    assert not fails
    by_id = {a.extra.get("strava_id"): a for a in acts}
    assert set(by_id) == {"11", "12", "13", None}  # the unnamed 99.gpx is still read
    hill = by_id["11"]
    assert hill.name == "Hill reps" and hill.sport is Sport.TRAIL_RUN and hill.points == 30
    legs = by_id["12"]
    assert legs.format == "strava_csv" and legs.sport is Sport.STRENGTH and legs.points == 0
    assert legs.start_utc == pd.Timestamp("2025-03-02T18:00:00Z") and legs.elapsed_s == 2700
    lost = by_id["13"]
    assert lost.partial and "missing" in lost.fixes[0] and lost.distance_m == 1000
    assert by_id[None].source.endswith("activities/99.gpx")


def test_export_roots():
    assert find_export_roots(["activities.csv", "activities/1.fit.gz"]) == [""]
    assert find_export_roots(["export_1/activities.csv"]) == ["export_1/"]
    assert find_export_roots(["a/b/c/activities.csv"]) == []


def _manifest_rows(root: Path) -> list[dict[str, str]]:
    text = (root / "activities.csv").read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.corpus
def test_real_strava_export_folder_and_zip_agree(tmp_path: Path):
    root = require_realdata() / "bulk" / "stravaexport__slalom007"
    rows = _manifest_rows(root)
    acts, fails = _split(read_path(root))
    assert not fails, [f.message for f in fails[:3]]
    assert len(rows) == 242 and len(acts) == 242
    ids = {a.extra["strava_id"] for a in acts}
    assert ids == {r["Activity ID"] for r in rows}
    without_file = [a for a in acts if a.format == "strava_csv"]
    assert len(without_file) == 5 and all(a.points == 0 for a in without_file)
    with_file = [a for a in acts if a.format == "fit"]
    assert len(with_file) == 237 and all(a.points > 0 for a in with_file)
    # Strava's Activity Date is UTC: it matches the FIT start within a minute.
    for act in with_file:
        row = next(r for r in rows if r["Activity ID"] == act.extra["strava_id"])
        csv_start = parse_activity_date(row["Activity Date"])
        assert abs((act.start_utc - csv_start).total_seconds()) <= 60
    assert all(a.utc_offset_s is not None for a in acts)
    # Its two "Workout" rows are squash ("Sunday Squash", "Evening Squash"): another sport.
    workouts = [a for a in acts if a.extra["strava_type"] == "Workout"]
    assert [a.sport for a in workouts] == [Sport.OTHER] * 2
    assert not any(a.sport is Sport.STRENGTH for a in acts)
    # The same export zipped gives the same activities, named by member.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for path in sorted(root.rglob("*")):
            if path.is_file():
                zf.write(path, "export/" + path.relative_to(root).as_posix())
    zipped = tmp_path / "export.zip"
    zipped.write_bytes(buf.getvalue())
    zacts, zfails = _split(read_path(zipped))
    assert not zfails and len(zacts) == 242
    assert {a.id for a in zacts} == {a.id for a in acts}
    assert all(a.member and a.member.startswith("export/") for a in zacts)


def test_zip_helper_roundtrip():
    data = zip_bytes({"a.txt": b"x"})
    assert zipfile.ZipFile(io.BytesIO(data)).read("a.txt") == b"x"


def test_export_keeps_the_description_where_runners_write_the_plan(tmp_path: Path):
    export = tmp_path / "export_7"
    (export / "activities").mkdir(parents=True)
    (export / "activities" / "21.gpx").write_text(gpx_text(start="2025-03-01T08:00:00Z"))
    (export / "activities.csv").write_text(
        "Activity ID,Activity Date,Activity Name,Activity Type,Activity Description,"
        "Elapsed Time,Distance,Filename\n"
        '21,"Mar 1, 2025, 8:00:00 AM",Track,Run,"6x800m / 90s, felt strong",40,0.3,'
        "activities/21.gpx\n"
        '22,"Mar 2, 2025, 8:00:00 AM",Easy,Run,"  ",1800,5.1,\n')
    acts, fails = _split(read_path(export))
    assert not fails
    by_id = {a.extra.get("strava_id"): a for a in acts}
    assert by_id["21"].description == "6x800m / 90s, felt strong"
    assert by_id["21"].summary()["description"] == "6x800m / 90s, felt strong"
    assert by_id["22"].description is None

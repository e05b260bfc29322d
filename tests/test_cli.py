import gzip
import json
import subprocess
import sys
from pathlib import Path

from legday.cli import main
from tests.conftest import ROOT
from tests.io.helpers import gpx_text, zip_bytes


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "legday", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def test_ingest_json_reads_files_folders_and_archives(tmp_path: Path):
    (tmp_path / "run.gpx").write_text(gpx_text())
    (tmp_path / "bundle.zip").write_bytes(zip_bytes({"in/r2.gpx.gz": gzip.compress(
        gpx_text(start="2025-03-02T08:00:00Z", n=50).encode())}))
    proc = _run("ingest", "--json", str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert len(out) == 2
    zipped = next(o for o in out if o.get("member"))
    assert zipped["member"] == "in/r2.gpx.gz" and zipped["points"] == 50
    assert zipped["start"] == "2025-03-02T08:00:00Z" and zipped["sport"] == "run"
    for key in ("file", "sport", "start", "duration_s", "distance_m", "points", "has_hr",
                "has_elevation", "laps", "sets", "partial"):
        assert key in zipped
    assert zipped["duration_s"] == 49.0 and zipped["has_hr"] is True


def test_ingest_reports_bad_files_and_exits_1(tmp_path: Path):
    good = tmp_path / "good.gpx"
    good.write_text(gpx_text())
    bad = tmp_path / "bad.tcx"
    bad.write_text("<TrainingCenterDatabase><Activities><Activity")
    proc = _run("ingest", "--json", str(good), str(bad), str(tmp_path / "missing.fit"))
    assert proc.returncode == 1
    out = json.loads(proc.stdout)
    assert out[0]["points"] == 30
    assert out[1]["file"] == str(bad) and out[1]["error"].startswith("bad.tcx: ")
    assert "\n" not in out[1]["error"]
    assert out[2]["file"] == str(tmp_path / "missing.fit") and "cannot open" in out[2]["error"]


def test_usage_errors_exit_2():
    assert _run("ingest").returncode == 2
    assert _run("frobnicate").returncode == 2


def test_table_output(tmp_path: Path, capsys):
    (tmp_path / "run.gpx").write_text(gpx_text())
    assert main(["ingest", str(tmp_path / "run.gpx")]) == 0
    text = capsys.readouterr().out
    assert "run.gpx" in text and "1 activities read, 0 failures" in text


def test_classify_and_weekly_json_set_the_plan_beside_the_efforts():
    import io

    track = ROOT / "data" / "samples" / "season" / "2026-08-18-track-intervals.fit"
    easy = ROOT / "data" / "samples" / "season" / "2026-08-06-easy.fit"
    out = io.StringIO()
    assert main(["classify", "--json", str(track), str(easy)], out=out) == 0
    by_file = {Path(o["file"]).name: o for o in json.loads(out.getvalue())}
    plan = by_file[track.name]["plan"]
    assert plan["source"] == "laps" and plan["reps"] == 6 and plan["agrees"] is True
    assert plan["sentences"][0].startswith("planned 6 work laps of 795-813 m between rest laps;"
                                           " found 6 reps of ")
    assert by_file[easy.name]["plan"] is None
    out = io.StringIO()
    assert main(["weekly", "--json", str(track), str(easy)], out=out) == 0
    plans = json.loads(out.getvalue())["plans"]
    assert [(Path(p["file"]).name, p["week"], p["found_reps"]) for p in plans] == [
        (track.name, "2026-W34", 6)]

"""Privacy trimming: no hidden point reaches a shared view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from legday.library import open_library
from legday.model import SAMPLE_COLUMNS, cumulative_distance_m, haversine_m, make_frame
from legday.store import (
    Store,
    add_privacy_zone,
    create_share,
    data_version,
    delete_privacy_zone,
    get_settings,
    import_paths,
    load_activity,
    load_period,
    put_settings,
)
from legday.store.privacy import (
    CENTRE_SHIFT,
    TRIM_SPREAD,
    PrivacyZone,
    activity_trims_m,
    hidden_mask,
    trim_samples,
)
from legday.summary import stored_summary
from tests.store.helpers import write_run

M_PER_DEG_LAT = 111_195.0


def track(lat_m: np.ndarray, lon_m: np.ndarray | None = None) -> pd.DataFrame:
    """Samples 1 s apart at the given north/east offsets from (47, 8). [m]"""
    lon_m = np.zeros(len(lat_m)) if lon_m is None else lon_m
    lat = 47.0 + lat_m / M_PER_DEG_LAT
    lon = 8.0 + lon_m / (M_PER_DEG_LAT * np.cos(np.radians(47.0)))
    times = pd.date_range("2025-01-01T07:00:00Z", periods=len(lat_m), freq="1s")
    return make_frame(SAMPLE_COLUMNS, {"time": times, "lat": lat, "lon": lon,
                                       "heart_rate": np.full(len(lat_m), 140.0)})


def test_straight_track_loses_500_m_at_each_end():
    samples = track(np.arange(0, 3000.0, 10.0))
    kept = trim_samples(samples, 500.0)
    north_m = (kept["lat"] - 47.0) * M_PER_DEG_LAT
    assert north_m.min() >= 500 - 1 and north_m.max() <= 2990 - 500 + 1
    assert 195 <= len(kept) <= 201
    assert kept.index.tolist() == list(range(len(kept)))


def test_passing_the_start_again_is_hidden_too():
    # Out 1.5 km, back through the start, 1 km beyond, and home again.
    out = np.arange(0, 1500.0, 10.0)
    path = np.concatenate([out, out[::-1], -out[:100], -out[:100][::-1]])
    kept = trim_samples(track(path), 500.0)
    pos = (kept["lat"] - 47.0) * M_PER_DEG_LAT
    assert (pos.abs() >= 500 - 1).all()
    assert len(kept) > 0 and (pos > 0).any() and (pos < 0).any()


def test_a_privacy_zone_in_the_middle_is_removed():
    samples = track(np.arange(0, 5000.0, 10.0))
    zone = PrivacyZone(47.0 + 2500 / M_PER_DEG_LAT, 8.0, 300.0)
    mask = hidden_mask(samples, 0.0, [zone])
    hidden_m = (samples.loc[mask, "lat"] - 47.0) * M_PER_DEG_LAT
    assert hidden_m.min() > 2200 - 1 and hidden_m.max() < 2800 + 1
    assert 58 <= mask.sum() <= 61


def test_a_track_without_positions_is_not_trimmed():
    samples = track(np.arange(0, 2000.0, 10.0)).assign(lat=np.nan, lon=np.nan)
    assert len(trim_samples(samples, 500.0)) == len(samples)


def test_a_short_track_is_hidden_whole():
    assert trim_samples(track(np.arange(0, 800.0, 10.0)), 500.0).empty


def test_samples_without_position_at_the_ends_go_with_them():
    samples = track(np.arange(0, 3000.0, 10.0))
    samples.loc[:10, ["lat", "lon"]] = np.nan
    samples.loc[290:, ["lat", "lon"]] = np.nan
    kept = trim_samples(samples, 500.0)
    assert kept["lat"].notna().all()


def test_shared_samples_contain_no_hidden_point(store: Store, tmp_path: Path):
    me = store.athlete()
    path = write_run(tmp_path, "long", seed=3, fmt="gpx")
    (activity_id,) = import_paths(me, [path]).activity_ids
    full = load_activity(me, activity_id).samples
    shortest_m = 600.0 * TRIM_SPREAD[0]  # each run hides its own length, at least this
    positioned = full.dropna(subset=["lat", "lon"]).reset_index(drop=True)
    middle = positioned.iloc[len(positioned) // 2]
    add_privacy_zone(me, float(middle["lat"]), float(middle["lon"]), 250.0, name="friend")
    put_settings(me, {"privacy_trim_m": 600.0})
    coach = store.share(create_share(me).token)

    shared = load_activity(coach, activity_id).samples
    season = load_period(coach).activities[0].samples
    pd.testing.assert_frame_equal(shared, season)
    assert 0 < len(shared) < len(full)
    assert shared["time"].isin(full["time"]).all()
    lat, lon = shared["lat"].to_numpy(), shared["lon"].to_numpy()
    assert not np.isnan(lat).any()
    ends = positioned.iloc[[0, -1]]
    for _, end in ends.iterrows():
        away = haversine_m(lat, lon, np.full(len(lat), end["lat"]), np.full(len(lat), end["lon"]))
        assert away.min() >= shortest_m
    in_zone = haversine_m(lat, lon, np.full(len(lat), middle["lat"]),
                          np.full(len(lat), middle["lon"]))
    assert in_zone.min() >= 250.0
    along = cumulative_distance_m(positioned["lat"].to_numpy(), positioned["lon"].to_numpy())
    visible = positioned["time"].isin(shared["time"]).to_numpy()
    assert along[visible].min() >= shortest_m
    assert along[visible].max() <= along[-1] - shortest_m
    # The athlete's own view is untouched.
    assert len(load_activity(me, activity_id).samples) == len(full)


def test_a_new_zone_reaches_a_coachs_analysed_season_at_once(store: Store, tmp_path: Path):
    me = store.athlete()
    import_paths(me, [write_run(tmp_path, "long", seed=3, fmt="gpx")])
    coach = store.share(create_share(me).token)
    cache = tmp_path / "cache"
    before = stored_summary(open_library(coach, cache).activities[0])
    assert before is not None and before.route is not None
    route = before.route
    lat, lon = route.lat_deg[len(route.lat_deg) // 2], route.lon_deg[len(route.lon_deg) // 2]
    version = data_version(coach)

    zone = add_privacy_zone(me, float(lat), float(lon), 400.0)
    assert data_version(coach) != version
    after = stored_summary(open_library(coach, cache).activities[0])
    assert after is not None and after.route is not None
    seen = after.route
    away = haversine_m(seen.lat_deg, seen.lon_deg, np.full(len(seen.lat_deg), lat),
                       np.full(len(seen.lat_deg), lon))
    assert away.min() >= 400.0

    with_zone = data_version(coach)
    delete_privacy_zone(me, int(zone.id or 0))
    without_zone = data_version(coach)
    assert without_zone != with_zone
    put_settings(me, {"privacy_trim_m": 800.0})
    assert data_version(coach) != without_zone


# --- the randomised trim (issue 16 item 6) -------------------------------------------------

KEY = "a" * 64


def test_each_activity_hides_its_own_stable_length_within_the_range():
    low, high = (500.0 * f for f in TRIM_SPREAD)
    trims = [activity_trims_m(KEY, f"activity-{i}", 500.0) for i in range(200)]
    assert trims[7] == activity_trims_m(KEY, "activity-7", 500.0)
    lengths = np.array(trims).ravel()
    assert ((lengths >= low) & (lengths <= high)).all()
    assert len(set(lengths.round(3))) == len(lengths)
    # They fill the range, not a corner of it.
    assert lengths.min() < low + 50 and lengths.max() > high - 50
    # Another athlete's key (or a coach guessing one) gives other lengths.
    assert activity_trims_m("b" * 64, "activity-7", 500.0) != trims[7]


def test_a_track_hides_its_own_length_measured_along_it():
    samples = track(np.arange(0, 5000.0, 5.0))
    for activity in ("run-1", "run-2", "run-3"):
        start_m, end_m = activity_trims_m(KEY, activity, 500.0)
        kept = trim_samples(samples, 500.0, key=KEY, activity=activity)
        north_m = (kept["lat"] - 47.0) * M_PER_DEG_LAT
        assert north_m.min() >= start_m - 1 and north_m.max() <= 4995 - end_m + 1
        # The shifted disk covers at least the activity's length around the real ends.
        assert north_m.min() <= start_m + 2 * CENTRE_SHIFT * 500.0 + 5


def _first_visible(home_east_m: float, home_north_m: float, bearings: np.ndarray,
                   key: str | None) -> np.ndarray:
    """East/north offsets [m] of the first shown point of runs leaving home on each bearing."""
    out = []
    steps = np.arange(0, 3000.0, 5.0)
    for i, bearing in enumerate(bearings):
        north = home_north_m + steps * np.cos(bearing)
        east = home_east_m + steps * np.sin(bearing)
        samples = track(north, east)
        kept = ~hidden_mask(samples, 500.0, key=key, activity=f"run-{i}")
        first = np.flatnonzero(kept)[0]
        out.append([east[first], north[first]])
    return np.array(out)


def _circle_centre(points: np.ndarray) -> np.ndarray:
    """The attack: the centre of the circle that best fits the points (least squares)."""
    x, y = points[:, 0], points[:, 1]
    design = np.column_stack([2 * x, 2 * y, np.ones(len(x))])
    solution, *_ = np.linalg.lstsq(design, x**2 + y**2, rcond=None)
    return np.asarray(solution[:2])


def test_intersecting_many_tracks_does_not_find_the_start():
    rng = np.random.default_rng(5)
    home = np.array([140.0, -60.0])
    shift_m = CENTRE_SHIFT * 500.0
    # 60 runs from home: along three streets (a realistic neighbourhood) and in every direction.
    streets = rng.choice([0.3, 2.0, 4.1], 60) + rng.normal(0, 0.05, 60)
    everywhere = rng.uniform(0, 2 * np.pi, 60)
    for bearings in (streets, everywhere):
        # A constant trim gives the start away: the shown ends circle it.
        fixed = _first_visible(*home, bearings, key=None)
        assert np.linalg.norm(_circle_centre(fixed) - home) < 10
        for key in (KEY, "c" * 64, "d" * 64):
            shown = _first_visible(*home, bearings, key=key)
            for guess in (_circle_centre(shown), shown.mean(axis=0)):
                assert np.linalg.norm(guess - home) > shift_m / 2


def test_a_shared_view_trims_each_run_by_its_own_length(store: Store, tmp_path: Path):
    me = store.athlete()
    ids = [import_paths(me, [write_run(tmp_path, "long", seed=s, fmt="gpx",
                                       name=f"long-{s}.gpx")]).activity_ids[0]
           for s in (1, 2)]
    coach = store.share(create_share(me).token)
    hidden_at_start = []
    for activity_id in ids:
        full = load_activity(me, activity_id).samples.dropna(subset=["lat", "lon"])
        shared = load_activity(coach, activity_id).samples
        along = cumulative_distance_m(full["lat"].to_numpy(), full["lon"].to_numpy())
        visible = full["time"].isin(shared["time"]).to_numpy()
        hidden_at_start.append(along[visible].min())
        assert 300.0 <= along[visible].min()
    assert abs(hidden_at_start[0] - hidden_at_start[1]) > 1.0
    # The key that randomises it is nowhere a coach (or the athlete's settings page) reads.
    assert "privacy_key" not in get_settings(coach) and "privacy_key" not in get_settings(me)

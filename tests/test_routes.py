"""Route signatures and same-route matching on constructed and simulated tracks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from legday.model import SAMPLE_COLUMNS, make_frame
from legday.routes import (
    PATH_STEP_M,
    assign_routes,
    path_gap_m,
    route_signature,
    same_pace,
    same_route,
)
from legday.synth import generate_run, random_device
from legday.synth.athlete import Athlete
from legday.synth.route import PLACES

M_PER_DEG = 111_195.0


def loop(radius_m: float, *, centre: tuple[float, float] = (53.0, -6.0), reverse: bool = False,
         noise_m: float = 0.0, seed: int = 0, n: int = 600) -> pd.DataFrame:
    """A circular loop starting and ending at its southernmost point, with the device's
    distance; GPS noise wanders slowly (a new offset every 30 samples, interpolated)."""
    rng = np.random.default_rng(seed)
    angle = np.linspace(0, 2 * np.pi, n) * (-1 if reverse else 1) - np.pi / 2
    knots = np.arange(0, n + 30, 30)
    wander = [np.interp(np.arange(n), knots, rng.normal(0, noise_m, len(knots)))
              for _ in range(2)]
    north = radius_m * np.sin(angle) + wander[0]
    east = radius_m * np.cos(angle) + wander[1]
    lat = centre[0] + north / M_PER_DEG
    lon = centre[1] + east / (M_PER_DEG * np.cos(np.radians(centre[0])))
    t = pd.Timestamp("2025-03-10T07:00:00Z") + pd.to_timedelta(np.arange(n), unit="s")
    distance = np.linspace(0, 2 * np.pi * radius_m, n)
    return make_frame(SAMPLE_COLUMNS, {"time": t, "lat": lat, "lon": lon, "distance_m": distance})


def test_signature_samples_the_path_every_hundred_metres_from_start_to_end():
    sig = route_signature(loop(800.0))
    assert sig is not None
    assert sig.distance_m == pytest.approx(2 * np.pi * 800)
    assert len(sig.lat_deg) == int(np.ceil(sig.distance_m / PATH_STEP_M)) + 1
    assert sig.lat_deg[0] == pytest.approx(sig.lat_deg[-1], abs=1e-6)  # a loop closes


def test_signature_distance_is_the_devices_when_recorded():
    samples = loop(800.0, noise_m=8.0, seed=3)
    sig = route_signature(samples)
    assert sig is not None and sig.distance_m == pytest.approx(2 * np.pi * 800)
    from_positions = route_signature(samples.assign(distance_m=np.nan))
    assert from_positions is not None and from_positions.distance_m > sig.distance_m


def test_no_signature_without_positions_or_for_a_few_metres():
    empty = make_frame(SAMPLE_COLUMNS, {"time": pd.date_range("2025-01-01", periods=5, tz="UTC")})
    assert route_signature(empty) is None
    assert route_signature(loop(20.0)) is None


def test_the_same_loop_with_gps_noise_is_the_same_route():
    a, b = route_signature(loop(800.0)), route_signature(loop(800.0, noise_m=6.0, seed=2))
    assert a is not None and b is not None
    assert path_gap_m(a, b) < 20.0
    assert same_route(a, b)


@pytest.mark.parametrize("other, why", [
    (loop(800.0, reverse=True), "the other way round"),
    (loop(800.0, centre=(53.006, -6.0)), "670 m further north"),
    (loop(880.0), "10 % longer"),
])
def test_a_different_route_is_not_the_same(other: pd.DataFrame, why: str):
    a, b = route_signature(loop(800.0)), route_signature(other)
    assert a is not None and b is not None
    assert not same_route(a, b), why


def test_the_same_course_stopped_later_is_the_same_route():
    # 90 % of a loop against 94 % of it: the ends differ by about as much as the distances.
    full = loop(800.0, n=1000)
    short, longer = full.iloc[:900], full.iloc[:940]
    a, b = route_signature(short), route_signature(longer)
    assert a is not None and b is not None
    assert b.distance_m - a.distance_m == pytest.approx(201, abs=2)
    assert same_route(a, b)
    assert not same_route(a, b, endpoint_tolerance_m=50.0, distance_tolerance=0.01)


def test_distance_tolerance_is_five_percent_by_default_and_adjustable():
    a, b = route_signature(loop(800.0)), route_signature(loop(830.0))  # 3.75 % longer
    assert a is not None and b is not None
    assert same_route(a, b)
    assert not same_route(a, b, distance_tolerance=0.02)


def test_assign_routes_groups_matching_runs_and_skips_runs_without_positions():
    sigs = [route_signature(loop(800.0)), None, route_signature(loop(800.0, reverse=True)),
            route_signature(loop(800.0, noise_m=5.0, seed=1))]
    assert assign_routes(sigs) == [0, None, 1, 0]


def test_the_same_simulated_course_is_recognised_and_another_course_is_not():
    athlete = Athlete(easy_speed=3.0, threshold_speed=3.9, top_speed=7.5)
    place = PLACES[10]
    watch = random_device(np.random.default_rng(0))
    runs = [generate_run("easy", seed=s, athlete=athlete, device=watch, place=place, plan_seed=7,
                         route_seed=route) for s, route in ((1, 11), (2, 11), (3, 12))]
    sigs = [route_signature(r.samples) for r in runs]
    assert all(s is not None for s in sigs)
    assert assign_routes(sigs) == [0, 0, 1]


def test_same_pace_compares_paces_within_a_share():
    five = 1000 / 300  # 5:00/km
    assert same_pace(1000 / 305, five, 0.02)  # 5:05 is 1.7 % slower
    assert not same_pace(1000 / 310, five, 0.02)  # 5:10 is 3.3 % slower
    assert not same_pace(float("nan"), five, 0.02)

"""Routes: a path on a 1 m grid with an elevation profile, anchored in a real place.

A route maps a position ``p`` along the path (metres) to local east/north
coordinates and an elevation. Loops (road loops and the 400 m track) wrap
around; open paths are run out and back, the runner turning at either end.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from legday.schema import EARTH_RADIUS_M
from legday.synth.athlete import FloatArray
from legday.synth.workouts import RouteSpec


@dataclass(frozen=True)
class Place:
    """A real place runners use, with its ground elevation and time zone."""

    name: str
    lat: float
    lon: float
    elevation_m: float
    tz: str


PLACES: tuple[Place, ...] = (
    Place("Hyde Park, London", 51.5073, -0.1657, 25.0, "Europe/London"),
    Place("Tiergarten, Berlin", 52.5145, 13.3501, 35.0, "Europe/Berlin"),
    Place("Boulder, Colorado", 40.0150, -105.2705, 1655.0, "America/Denver"),
    Place("Central Park, New York", 40.7812, -73.9665, 40.0, "America/New_York"),
    Place("Albert Park, Melbourne", -37.8497, 144.9680, 10.0, "Australia/Melbourne"),
    Place("Yoyogi Park, Tokyo", 35.6717, 139.6949, 40.0, "Asia/Tokyo"),
    Place("Iten, Kenya", 0.6703, 35.5081, 2390.0, "Africa/Nairobi"),
    Place("Ibirapuera, São Paulo", -23.5874, -46.6576, 760.0, "America/Sao_Paulo"),
    Place("Stanley Park, Vancouver", 49.3043, -123.1443, 20.0, "America/Vancouver"),
    Place("Ciutadella, Barcelona", 41.3881, 2.1873, 12.0, "Europe/Madrid"),
    Place("Phoenix Park, Dublin", 53.3559, -6.3298, 50.0, "Europe/Dublin"),
    Place("Golden Gate Park, San Francisco", 37.7694, -122.4862, 60.0, "America/Los_Angeles"),
)


@dataclass(frozen=True)
class Route:
    """A path sampled every metre.

    Attributes
    ----------
    x, y
        East and north of the origin at each metre of the path. [m]
    z
        Elevation at each metre of the path. [m]
    closed
        The path is a loop: positions wrap modulo ``length_m``.
    length_m
        Length of the path. [m]
    lat0, lon0
        Origin of the local coordinates. [deg]
    has_position
        False for a treadmill (no GPS positions).
    """

    x: FloatArray
    y: FloatArray
    z: FloatArray
    closed: bool
    length_m: float
    lat0: float
    lon0: float
    has_position: bool = True

    @property
    def grade(self) -> FloatArray:
        """Grade along increasing ``p`` at each metre. [1]"""
        return np.gradient(self.z)

    def wrap(self, p: FloatArray) -> FloatArray:
        """Positions mapped onto the path (modulo the length for loops). [m]"""
        if self.closed:
            return np.mod(p, self.length_m)
        return np.clip(p, 0.0, self.length_m)

    def locate(self, p: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        """East, north and elevation at positions ``p`` along the path. [m]"""
        q = self.wrap(p)
        grid = np.arange(len(self.x), dtype=float)
        return np.interp(q, grid, self.x), np.interp(q, grid, self.y), np.interp(q, grid, self.z)

    def to_latlon(self, east: FloatArray, north: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Local east/north [m] to WGS84 latitude and longitude. [deg]"""
        lat = self.lat0 + np.degrees(north / EARTH_RADIUS_M)
        lon = self.lon0 + np.degrees(east / (EARTH_RADIUS_M * math.cos(math.radians(self.lat0))))
        return lat, lon


def _sigmoid(x: FloatArray) -> FloatArray:
    return np.asarray(0.5 * (1.0 + np.tanh(0.5 * x)), dtype=float)


def _resample(x: FloatArray, y: FloatArray, length: float) -> tuple[FloatArray, FloatArray]:
    """Scale a polyline to ``length`` and sample it every metre."""
    seg = np.hypot(np.diff(x), np.diff(y))
    s = np.concatenate([[0.0], np.cumsum(seg)])
    k = length / s[-1]
    grid = np.arange(int(math.ceil(length)) + 1, dtype=float)
    return np.interp(grid, s * k, x * k), np.interp(grid, s * k, y * k)


def _loop_path(length: float, rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    theta = np.linspace(0.0, 2 * np.pi, 4001)
    r = np.ones_like(theta)
    for k in range(2, 6):
        r += rng.uniform(0.0, 0.25 / k) * np.cos(k * theta + rng.uniform(0, 2 * np.pi))
    x, y = r * np.cos(theta), r * np.sin(theta)
    x, y = _resample(x, y, length)
    return x - x[0], y - y[0]


def _line_path(length: float, rng: np.random.Generator, wiggle: float = 1.0,
               ) -> tuple[FloatArray, FloatArray]:
    n = int(math.ceil(length)) + 1
    s = np.arange(n, dtype=float)
    heading = np.full(n, rng.uniform(0, 2 * np.pi))
    for _ in range(3):
        lam = rng.uniform(300.0, 1500.0)
        heading += wiggle * rng.uniform(0.1, 0.5) * np.sin(2 * np.pi * s / lam
                                                           + rng.uniform(0, 2 * np.pi))
    # Street corners: smooth 60-100 degree turns over ~15 m.
    for _ in range(int(wiggle * rng.integers(0, 4))):
        at = rng.uniform(0.1, 0.9) * length
        turn = np.radians(rng.uniform(60, 100)) * rng.choice([-1.0, 1.0])
        heading += turn * _sigmoid((s - at) / 4.0)
    x = np.concatenate([[0.0], np.cumsum(np.cos(heading[:-1]))])
    y = np.concatenate([[0.0], np.cumsum(np.sin(heading[:-1]))])
    return x, y


def _track_path(rng: np.random.Generator) -> tuple[FloatArray, FloatArray]:
    straight = 84.39
    radius = (400.0 - 2 * straight) / (2 * np.pi)
    s = np.arange(401, dtype=float)
    x = np.empty_like(s)
    y = np.empty_like(s)
    h = straight / 2
    arc = np.pi * radius
    for i, si in enumerate(s):
        si = si % 400.0
        if si < straight:
            x[i], y[i] = -h + si, -radius
        elif si < straight + arc:
            a = -np.pi / 2 + (si - straight) / radius
            x[i], y[i] = h + radius * np.cos(a), radius * np.sin(a)
        elif si < 2 * straight + arc:
            x[i], y[i] = h - (si - straight - arc), radius
        else:
            a = np.pi / 2 + (si - 2 * straight - arc) / radius
            x[i], y[i] = -h + radius * np.cos(a), radius * np.sin(a)
    rot = rng.uniform(0, np.pi)
    c, sn = np.cos(rot), np.sin(rot)
    return c * x - sn * y, sn * x + c * y


def _undulations(n: int, terrain: str, rng: np.random.Generator, period: float | None,
                 ) -> FloatArray:
    """Elevation relative to the start for a road of ``n`` metres. [m]"""
    s = np.arange(n, dtype=float)
    ranges = {"flat": ((200.0, 800.0), (0.002, 0.008)),
              "rolling": ((400.0, 1500.0), (0.01, 0.03)),
              "hilly": ((600.0, 2500.0), (0.02, 0.05))}
    (lam_lo, lam_hi), (g_lo, g_hi) = ranges[terrain]
    z = np.zeros(n)
    for _ in range(3):
        lam = rng.uniform(lam_lo, lam_hi)
        if period is not None:
            lam = period / max(1, round(period / lam))
        amp = rng.uniform(g_lo, g_hi) * lam / (2 * np.pi)
        z += amp * np.sin(2 * np.pi * s / lam + rng.uniform(0, 2 * np.pi))
    return z - z[0]


def _hill_grade(n: int, start: float, length: float, grade: float,
                rng: np.random.Generator) -> FloatArray:
    """Grade profile of a real-looking climb: eases in, varies, eases out. [1]"""
    s = np.arange(n, dtype=float)
    inside = _sigmoid((s - start - 8) / 5.0) - _sigmoid((s - start - length) / 8.0)
    var = np.zeros(n)
    for _ in range(2):
        lam = rng.uniform(60.0, 300.0)
        var += rng.uniform(0.05, 0.15) * np.sin(2 * np.pi * s / lam + rng.uniform(0, 2 * np.pi))
    return np.asarray(grade * (1 + var) * inside, dtype=float)


def build_route(spec: RouteSpec, place: Place, rng: np.random.Generator, *,
                distance_m: float) -> Route:
    """Lay out a route of the kind the workout asks for near ``place``.

    Parameters
    ----------
    spec
        What the workout needs.
    place
        Where it is run; the start is within ~2 km of it.
    rng
        Random generator.
    distance_m
        Planned distance of the workout, to size loops and out-and-backs. [m]
    """
    north, east = rng.uniform(-2000.0, 2000.0, size=2)
    lat0 = place.lat + math.degrees(north / EARTH_RADIUS_M)
    lon0 = place.lon + math.degrees(east / (EARTH_RADIUS_M * math.cos(math.radians(place.lat))))
    base = place.elevation_m + rng.uniform(-20.0, 40.0)
    if spec.kind == "treadmill":
        zeros = np.zeros(1001)
        return Route(zeros, zeros, zeros + base, True, 1000.0, lat0, lon0, has_position=False)
    if spec.kind == "track":
        x, y = _track_path(rng)
        z = base + 0.05 * np.sin(2 * np.pi * np.arange(401) / 400.0)
        return Route(x, y, z, True, 400.0, lat0, lon0)
    if spec.kind == "loop":
        length = float(round(min(max(distance_m * rng.uniform(0.2, 0.6), 1500.0), 8000.0)))
        x, y = _loop_path(length, rng)
        z = base + _undulations(len(x), spec.terrain, rng, period=length)
        return Route(x, y, z, True, length, lat0, lon0)
    if spec.kind == "out_and_back":
        length = float(max(distance_m / 2 * rng.uniform(0.55, 1.05), 800.0))
        x, y = _line_path(length, rng)
        z = base + _undulations(len(x), spec.terrain, rng, period=None)
        return Route(x, y, z, False, length, lat0, lon0)
    if spec.kind == "hill":
        length = spec.approach_m + spec.hill_length_m + 150.0
        x, y = _line_path(length, rng, wiggle=0.5)
        n = len(x)
        terrain = "flat" if spec.terrain == "flat" else "rolling"
        approach = _undulations(n, terrain, rng, period=None) * 0.5
        a = int(spec.approach_m)
        approach[a:] = approach[a]
        climb = np.cumsum(_hill_grade(n, spec.approach_m, spec.hill_length_m, spec.hill_grade,
                                      rng))
        z = base + approach + climb - climb[0]
        return Route(x, y, z, False, float(n - 1), lat0, lon0)
    raise ValueError(f"unknown route kind {spec.kind!r}")

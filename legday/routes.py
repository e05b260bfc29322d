"""Route signatures and same-route matching, for the ``maintenance_only`` finding.

A run's route is its path sampled every :data:`PATH_STEP_M` metres of its
distance. Two runs share a route when their distances differ by at most a few
percent, their starts are close, their paths run alike point for point over
the shorter run's length (so a loop run the other way round is another route),
and their ends are close (allowing for the difference in distance: the same
loop stopped 200 m later is the same route). Runs without positions
(treadmill, indoor) have no route.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from legday.model import cumulative_distance_m, haversine_m

#: The path is compared at points this far apart along it. [m]
PATH_STEP_M = 100.0
#: Starts of the same route lie within this of each other (ends: plus the
#: difference in distance). [m]
ENDPOINT_TOLERANCE_M = 200.0
#: Mean distance between points at the same distance along both paths at most this. [m]
PATH_TOLERANCE_M = 100.0
#: Distances of the same route differ by at most this share. [1]
DISTANCE_TOLERANCE = 0.05
#: Runs shorter than this have no route worth comparing. [m]
MIN_ROUTE_M = 500.0


@dataclass(frozen=True)
class RouteSignature:
    """Where a run went.

    Attributes
    ----------
    lat_deg, lon_deg
        The path every :data:`PATH_STEP_M` of distance from the start, the
        last point the end. [deg]
    distance_m
        Length of the run. [m]
    """

    lat_deg: np.ndarray
    lon_deg: np.ndarray
    distance_m: float


def route_signature(samples: pd.DataFrame, step_m: float = PATH_STEP_M,
                    ) -> RouteSignature | None:
    """The signature of a recording, or None without enough positions.

    Distance along the path is the recording's own (``distance_m``, smoothed
    by the device) when it has one: summing noisy positions overstates it.

    Parameters
    ----------
    samples
        Canonical samples (``lat``, ``lon``, ``distance_m``).
    step_m
        Spacing of the path points. [m]
    """
    ok = samples["lat"].notna() & samples["lon"].notna()
    lat = samples.loc[ok, "lat"].to_numpy(dtype=float)
    lon = samples.loc[ok, "lon"].to_numpy(dtype=float)
    if len(lat) < 2:
        return None
    recorded = samples.loc[ok, "distance_m"].to_numpy(dtype=float)
    if np.isfinite(recorded).all():
        along = np.maximum.accumulate(recorded - recorded[0])
    else:
        along = cumulative_distance_m(lat, lon)
    total = float(along[-1])
    if total < MIN_ROUTE_M:
        return None
    at = np.append(np.arange(0.0, total, step_m), total)
    return RouteSignature(np.interp(at, along, lat), np.interp(at, along, lon), total)


def path_gap_m(a: RouteSignature, b: RouteSignature) -> float:
    """Mean distance between points at the same distance along both paths (over the
    shorter path, its end excluded). [m]"""
    n = min(len(a.lat_deg), len(b.lat_deg)) - 1
    n = max(n, 1)
    return float(np.mean(haversine_m(a.lat_deg[:n], a.lon_deg[:n], b.lat_deg[:n],
                                     b.lon_deg[:n])))


def same_route(a: RouteSignature, b: RouteSignature, *,
               endpoint_tolerance_m: float = ENDPOINT_TOLERANCE_M,
               path_tolerance_m: float = PATH_TOLERANCE_M,
               distance_tolerance: float = DISTANCE_TOLERANCE) -> bool:
    """Whether two signatures are the same route (distance, start, path and end alike)."""
    longer = max(a.distance_m, b.distance_m)
    extra_m = abs(a.distance_m - b.distance_m)
    if extra_m > distance_tolerance * longer:
        return False
    start = haversine_m(a.lat_deg[:1], a.lon_deg[:1], b.lat_deg[:1], b.lon_deg[:1])[0]
    end = haversine_m(a.lat_deg[-1:], a.lon_deg[-1:], b.lat_deg[-1:], b.lon_deg[-1:])[0]
    if start > endpoint_tolerance_m or end > endpoint_tolerance_m + extra_m:
        return False
    return path_gap_m(a, b) <= path_tolerance_m


#: Slack of the cheap first look in :func:`assign_routes`; :func:`same_route` decides. [m]
_PREFILTER_SLACK_M = 1.0


def assign_routes(signatures: Sequence[RouteSignature | None], *,
                  endpoint_tolerance_m: float = ENDPOINT_TOLERANCE_M,
                  path_tolerance_m: float = PATH_TOLERANCE_M,
                  distance_tolerance: float = DISTANCE_TOLERANCE) -> list[int | None]:
    """A route number for each signature (None for no signature).

    Greedy in the given order: a run joins the first route whose first run it
    matches, else starts a new one, so a route cannot drift step by step.
    Distances, starts and ends of all routes so far are compared at once (with
    a metre of slack) and :func:`same_route` judges only the routes that pass,
    so a season of a thousand runs on hundreds of routes takes milliseconds.
    """
    firsts: list[RouteSignature] = []
    dist = np.zeros(0)
    start = np.zeros((0, 2))
    end = np.zeros((0, 2))
    out: list[int | None] = []
    for sig in signatures:
        if sig is None:
            out.append(None)
            continue
        n = len(firsts)
        extra = np.abs(dist - sig.distance_m)
        near = ((extra <= distance_tolerance * np.maximum(dist, sig.distance_m)
                 + _PREFILTER_SLACK_M)
                & (haversine_m(start[:, 0], start[:, 1], np.full(n, sig.lat_deg[0]),
                               np.full(n, sig.lon_deg[0]))
                   <= endpoint_tolerance_m + _PREFILTER_SLACK_M)
                & (haversine_m(end[:, 0], end[:, 1], np.full(n, sig.lat_deg[-1]),
                               np.full(n, sig.lon_deg[-1]))
                   <= endpoint_tolerance_m + extra + _PREFILTER_SLACK_M))
        for i in np.flatnonzero(near):
            if same_route(sig, firsts[i], endpoint_tolerance_m=endpoint_tolerance_m,
                          path_tolerance_m=path_tolerance_m,
                          distance_tolerance=distance_tolerance):
                out.append(int(i))
                break
        else:
            firsts.append(sig)
            dist = np.append(dist, sig.distance_m)
            start = np.vstack([start, [sig.lat_deg[0], sig.lon_deg[0]]])
            end = np.vstack([end, [sig.lat_deg[-1], sig.lon_deg[-1]]])
            out.append(n)
    return out


def same_pace(speed_a_mps: float, speed_b_mps: float, tolerance: float) -> bool:
    """Whether two paces differ by at most ``tolerance`` (a share of the second)."""
    if not (np.isfinite(speed_a_mps) and np.isfinite(speed_b_mps)) or speed_b_mps <= 0:
        return False
    pace_a, pace_b = 1.0 / speed_a_mps, 1.0 / speed_b_mps
    return abs(pace_a - pace_b) <= tolerance * pace_b

"""Hiding where an athlete lives before samples leave the data layer in a shared view.

Rule (docs/storage.md): a sample is hidden when it lies

- within the first or the last stretch of the track, measured along the track from its
  positions;
- within a disk around the first or the last position, so a run that passes its start
  again later does not show it;
- inside a privacy zone (centre + radius).

With the athlete's privacy key (a per-athlete secret a coach never sees), both are
randomised so the hidden point cannot be found by intersecting many tracks:

- each activity hides its own length at each end, between :data:`TRIM_SPREAD` times the
  athlete's trim length (300-700 m for the default 500 m: the setting is the mean), drawn
  from a keyed hash of the activity's id (stable for an activity, different across activities);
- the disk is not centred on the real end but :data:`CENTRE_SHIFT` times the trim length
  away from it, in a direction secret per start area (a grid cell of :data:`AREA_DEG`), and
  widened by that shift so it still covers the end: the edges of many tracks' hidden ends
  circle a point off the real one, and which way it is off is not in the data.

Hidden samples are *dropped*, whole rows, not blanked: their time, distance,
heart rate and elevation would otherwise still trace the route. Samples
without a position before the first or after the last visible position are
dropped too (they belong to the hidden start and end). A track without any
position (treadmill) has nothing to hide and is returned unchanged.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.model import cumulative_distance_m, haversine_m
from legday.schema import EARTH_RADIUS_M, PrivacyZone

__all__ = ["AREA_DEG", "CENTRE_SHIFT", "DEFAULT_TRIM_M", "TRIM_SPREAD", "PrivacyZone",
           "activity_trims_m", "hidden_centre", "hidden_mask", "new_privacy_key",
           "trim_samples"]

#: Default length hidden at each end of every track. [m]
DEFAULT_TRIM_M = 500.0
#: With a privacy key, an activity hides between these multiples of the trim length (the
#: setting is their mean).
TRIM_SPREAD = (0.6, 1.4)
#: With a privacy key, the hidden disk's centre is this multiple of the trim length away
#: from the real end.
CENTRE_SHIFT = 0.3
#: Size of the start areas that share one secret shift direction. [deg latitude]
AREA_DEG = 0.02


def new_privacy_key() -> str:
    """A fresh per-athlete secret (256 random bits, hex)."""
    return secrets.token_hex(32)


def _fraction(key: str, *parts: str) -> float:
    """A number in [0, 1) that only the key's holder can compute from ``parts``."""
    mac = hmac.new(key.encode("utf-8"), "|".join(parts).encode("utf-8"), hashlib.sha256)
    return int.from_bytes(mac.digest()[:8], "big") / 2.0**64


def activity_trims_m(key: str, activity: str, trim_m: float) -> tuple[float, float]:
    """The lengths one activity hides at its start and its end. [m]"""
    low, high = TRIM_SPREAD

    def length(end: str) -> float:
        return trim_m * (low + (high - low) * _fraction(key, "trim", end, activity))

    return length("start"), length("end")


def hidden_centre(key: str, lat: float, lon: float, trim_m: float) -> tuple[float, float]:
    """Where the hidden disk around an end at (lat, lon) is centred. [deg]"""
    cell = f"{math.floor(lat / AREA_DEG)},{math.floor(lon / AREA_DEG)}"
    angle = 2.0 * math.pi * _fraction(key, "area", cell)
    shift = np.degrees(CENTRE_SHIFT * trim_m / EARTH_RADIUS_M)
    return (lat + shift * math.cos(angle),
            lon + shift * math.sin(angle) / max(math.cos(math.radians(lat)), 1e-6))


def hidden_mask(samples: pd.DataFrame, trim_m: float = DEFAULT_TRIM_M,
                zones: tuple[PrivacyZone, ...] | list[PrivacyZone] = (), *,
                key: str | None = None, activity: str = "") -> npt.NDArray[np.bool_]:
    """True for every sample a shared view must not contain (see module docstring).

    Without ``key`` every track hides exactly ``trim_m`` around its real ends; with it, the
    activity's own lengths (``activity`` is its id) around the shifted centres.
    """
    n = len(samples)
    lat = samples["lat"].to_numpy(dtype=float)
    lon = samples["lon"].to_numpy(dtype=float)
    positioned = ~(np.isnan(lat) | np.isnan(lon))
    if not positioned.any():
        return np.zeros(n, dtype=bool)
    idx = np.flatnonzero(positioned)
    plat, plon = lat[idx], lon[idx]
    along = cumulative_distance_m(plat, plon)
    start_m, end_m = (trim_m, trim_m) if key is None else activity_trims_m(key, activity, trim_m)
    hide = (along < start_m) | (along > along[-1] - end_m)
    disks = [(plat[0], plon[0], start_m), (plat[-1], plon[-1], end_m)]
    if key is not None and trim_m > 0:
        widen = CENTRE_SHIFT * trim_m
        disks = [(*hidden_centre(key, clat, clon, trim_m), radius + widen)
                 for clat, clon, radius in disks]
    for clat, clon, radius in (*disks, *((z.lat, z.lon, z.radius_m) for z in zones)):
        near = haversine_m(plat, plon, np.full(len(idx), clat), np.full(len(idx), clon))
        hide |= near < radius
    mask = np.zeros(n, dtype=bool)
    mask[idx[hide]] = True
    visible = idx[~hide]
    if len(visible) == 0:
        return np.ones(n, dtype=bool)
    outside = np.ones(n, dtype=bool)
    outside[visible[0]: visible[-1] + 1] = False
    return mask | outside


def trim_samples(samples: pd.DataFrame, trim_m: float = DEFAULT_TRIM_M,
                 zones: tuple[PrivacyZone, ...] | list[PrivacyZone] = (), *,
                 key: str | None = None, activity: str = "") -> pd.DataFrame:
    """A new frame without the hidden samples (rows dropped, index renumbered)."""
    keep = ~hidden_mask(samples, trim_m, zones, key=key, activity=activity)
    return samples.loc[keep].reset_index(drop=True)

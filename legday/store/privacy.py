"""Hiding where an athlete lives before samples leave the data layer in a shared view.

Rule (docs/storage.md): a sample is hidden when it lies

- within the first or the last ``trim_m`` metres of the track, measured along
  the track from its positions;
- within ``trim_m`` in a straight line of the first or the last position, so a
  run that passes its start again later does not show it;
- inside a privacy zone (centre + radius).

Hidden samples are *dropped*, whole rows, not blanked: their time, distance,
heart rate and elevation would otherwise still trace the route. Samples
without a position before the first or after the last visible position are
dropped too (they belong to the hidden start and end). A track without any
position (treadmill) has nothing to hide and is returned unchanged.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from legday.model import cumulative_distance_m, haversine_m
from legday.schema import PrivacyZone

__all__ = ["DEFAULT_TRIM_M", "PrivacyZone", "hidden_mask", "trim_samples"]

#: Default length hidden at each end of every track. [m]
DEFAULT_TRIM_M = 500.0


def hidden_mask(samples: pd.DataFrame, trim_m: float = DEFAULT_TRIM_M,
                zones: tuple[PrivacyZone, ...] | list[PrivacyZone] = ()) -> npt.NDArray[np.bool_]:
    """True for every sample a shared view must not contain (see module docstring)."""
    n = len(samples)
    lat = samples["lat"].to_numpy(dtype=float)
    lon = samples["lon"].to_numpy(dtype=float)
    positioned = ~(np.isnan(lat) | np.isnan(lon))
    if not positioned.any():
        return np.zeros(n, dtype=bool)
    idx = np.flatnonzero(positioned)
    plat, plon = lat[idx], lon[idx]
    along = cumulative_distance_m(plat, plon)
    hide = (along < trim_m) | (along > along[-1] - trim_m)
    for clat, clon, radius in ((plat[0], plon[0], trim_m), (plat[-1], plon[-1], trim_m),
                               *((z.lat, z.lon, z.radius_m) for z in zones)):
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
                 zones: tuple[PrivacyZone, ...] | list[PrivacyZone] = ()) -> pd.DataFrame:
    """A new frame without the hidden samples (rows dropped, index renumbered)."""
    keep = ~hidden_mask(samples, trim_m, zones)
    return samples.loc[keep].reset_index(drop=True)

"""Units for people: kilometres or miles, pace per km or per mile, local times.

Everything inside legday is SI (metres, seconds, m/s, UTC); conversion happens
only when a number is shown, through a :class:`Units` chosen in the settings.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import pandas as pd

METRES_PER_MILE = 1609.344

DistanceUnit = Literal["km", "mi"]


@dataclass(frozen=True)
class Units:
    """How distances and paces are shown.

    Attributes
    ----------
    distance
        ``km`` or ``mi``; pace follows it (min/km or min/mi).
    """

    distance: DistanceUnit = "km"

    @property
    def metres_per_unit(self) -> float:
        return 1000.0 if self.distance == "km" else METRES_PER_MILE

    @property
    def pace_label(self) -> str:
        return f"min/{self.distance}"

    def distance_from_m(self, metres: float) -> float:
        """Metres in the chosen unit."""
        return metres / self.metres_per_unit

    def pace_s(self, speed_mps: float) -> float:
        """Seconds per unit distance for a speed (NaN when standing). [s]"""
        if not math.isfinite(speed_mps) or speed_mps <= 0.3:
            return math.nan
        return self.metres_per_unit / speed_mps

    def fmt_distance(self, metres: float, digits: int = 2) -> str:
        """``12.34 km``."""
        if not math.isfinite(metres):
            return "-"
        return f"{self.distance_from_m(metres):.{digits}f} {self.distance}"

    def fmt_pace(self, speed_mps: float) -> str:
        """``4:35/km`` (``-`` when standing)."""
        seconds = self.pace_s(speed_mps)
        if math.isnan(seconds):
            return "-"
        return f"{fmt_duration(seconds)}/{self.distance}"


def fmt_duration(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    if not math.isfinite(seconds):
        return "-"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


def to_local(times: pd.Series, utc_offset_s: int | None, tz: str | None = None) -> pd.Series:
    """UTC times as local wall-clock times.

    The activity's own offset (from the file) wins, because it is where the
    athlete was; otherwise the settings' time zone; otherwise UTC.
    """
    if utc_offset_s is not None:
        return (times.dt.tz_convert("UTC") + pd.Timedelta(seconds=utc_offset_s)).dt.tz_localize(
            None)
    return times.dt.tz_convert(tz or "UTC").dt.tz_localize(None)

"""Units for people: kilometres or miles, pace per km or per mile, durations.

Everything inside legday is SI (metres, seconds, m/s, UTC); conversion happens
only when a number is shown, through a :class:`Units` chosen in the settings.
Local times are :mod:`legday.localtime`'s.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from legday.schema import METRES_PER_MILE, DistanceUnit

__all__ = ["METRES_PER_MILE", "DistanceUnit", "Units", "fmt_duration"]

#: A pace written per kilometre inside a sentence (the effort classifier's ``why``).
_KM_PACE = re.compile(r"\b(\d+):([0-5]\d)/km\b")


@dataclass(frozen=True)
class Units:
    """How distances and paces are shown.

    Attributes
    ----------
    distance
        ``km`` or ``mi``; pace follows it (min/km or min/mi).
    """

    distance: DistanceUnit = "km"

    @classmethod
    def of(cls, setting: Any) -> Units:
        """The units of a stored ``units`` setting: miles for ``"mi"``, else kilometres."""
        return cls("mi" if setting == "mi" else "km")

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

    def distance_to_m(self, value: float) -> float:
        """A distance in the chosen unit, in metres. [m]"""
        return value * self.metres_per_unit

    def fmt_pace(self, speed_mps: float, *, per_unit: bool = True) -> str:
        """``4:35/km``, or ``4:35`` without ``per_unit`` (``-`` when standing)."""
        seconds = self.pace_s(speed_mps)
        if math.isnan(seconds):
            return "-"
        return fmt_duration(seconds) + (f"/{self.distance}" if per_unit else "")

    def speed_from_pace(self, text: str) -> float | None:
        """``m:ss`` per km or mile as a speed [m/s]; None for an empty text.

        Raises
        ------
        ValueError
            When the text is no pace like ``4:30``.
        """
        text = text.strip()
        if not text:
            return None
        match = re.fullmatch(r"(\d{1,2}):([0-5]\d)", text)
        if match is None:
            raise ValueError(f"{text!r} is not a pace like 4:30")
        seconds = int(match[1]) * 60 + int(match[2])
        if seconds <= 0:
            raise ValueError("a pace must be longer than 0:00")
        return self.metres_per_unit / seconds

    def localise_paces(self, text: str) -> str:
        """A sentence with its ``m:ss/km`` paces written in the chosen unit (effort reasons
        are stored with paces per km)."""
        if self.distance == "km":
            return text

        def convert(match: re.Match[str]) -> str:
            per_km_s = int(match[1]) * 60 + int(match[2])
            return self.fmt_pace(1000.0 / per_km_s) if per_km_s > 0 else match[0]
        return _KM_PACE.sub(convert, text)


def fmt_duration(seconds: float) -> str:
    """``m:ss`` or ``h:mm:ss``."""
    if not math.isfinite(seconds):
        return "-"
    s = int(round(seconds))
    if s >= 3600:
        return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"

"""What the Settings page's form needs besides widgets: the athlete's values and the
thresholds, shown in the athlete's units and stored in SI.

The thresholds are each numeric field of AnalysisSettings (durations in minutes, a
mileage in km or miles), built from the fields' metadata (:mod:`legday.schema`), so a
new threshold appears on the page with its unit and help text without touching the page.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from legday.schema import MINUTE_S, AnalysisSettings
from legday.units import Units

#: The athlete's values on the form: field, label, and whether it is a speed (typed as a pace).
PROFILE_VALUES: tuple[tuple[str, str, bool], ...] = (
    ("top_speed_mps", "Top speed (best ~10 s)", True),
    ("easy_speed_mps", "Easy pace", True),
    ("threshold_speed_mps", "Threshold pace (about an hour)", True),
    ("max_hr", "Max heart rate", False),
    ("rest_hr", "Resting heart rate", False),
)


def parse_bpm(text: str) -> float | None:
    """A heart rate typed in beats per minute; None for an empty field.

    Raises
    ------
    ValueError
        For anything but a whole number from 30 to 250.
    """
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{2,3}", text) or not 30 <= int(text) <= 250:
        raise ValueError(f"{text!r} is not a heart rate between 30 and 250 bpm")
    return float(text)


def parse_profile(entered: Mapping[str, str], units: Units) -> dict[str, float | None]:
    """The athlete's typed values as stored: speeds from paces in ``units``, heart rates;
    None for an empty field (the estimate is used)."""
    return {name: units.speed_from_pace(entered[name]) if is_speed else parse_bpm(entered[name])
            for name, _label, is_speed in PROFILE_VALUES}


@dataclass(frozen=True)
class ThresholdField:
    """One number of the form.

    Attributes
    ----------
    name
        The :class:`AnalysisSettings` field.
    unit
        The unit it is shown in (``min``, ``km``, ``mi``, ``sets``...; empty for shares).
    si_per_unit
        SI units per shown unit (60 for minutes, 1609.344 for miles, 1 otherwise).
    default
        The default, in the shown unit.
    is_int
        Whole numbers only (counts, weeks).
    help
        What it decides, for the field's help.
    """

    name: str
    unit: str
    si_per_unit: float
    default: float
    is_int: bool
    help: str

    @property
    def label(self) -> str:
        """``min run (min, default 30)``."""
        unit = f"{self.unit}, " if self.unit else ""
        return f"{self.name.replace('_', ' ')} ({unit}default {self.format(self.default)})"

    def format(self, value: float) -> str:
        return f"{value:.0f}" if self.is_int else f"{value:g}"

    def shown(self, si_value: float) -> float:
        """A stored value in the shown unit."""
        value = float(si_value) / self.si_per_unit
        return float(round(value)) if self.is_int else round(value, 6)

    def stored(self, shown_value: float) -> float | int | None:
        """A value typed in the shown unit, as stored: SI, None when it is the default."""
        if abs(float(shown_value) - self.default) <= 1e-9 * max(1.0, abs(self.default)):
            return None
        value = float(shown_value) * self.si_per_unit
        return int(round(value)) if self.is_int else value


def _shown_unit(field: dataclasses.Field[Any], units: Units) -> tuple[str, float]:
    unit = str(field.metadata.get("unit", ""))
    if field.metadata.get("shown_as") == "distance":
        return units.distance, units.metres_per_unit
    if unit == "s":
        return "min", MINUTE_S
    return ("" if unit == "1" else unit), 1.0


def threshold_fields(units: Units) -> list[ThresholdField]:
    """Every numeric threshold of :class:`AnalysisSettings`, in the athlete's units."""
    defaults = AnalysisSettings()
    out = []
    for field in dataclasses.fields(AnalysisSettings):
        value = getattr(defaults, field.name)
        if not isinstance(value, int | float) or isinstance(value, bool):
            continue
        unit, si_per_unit = _shown_unit(field, units)
        is_int = isinstance(value, int)
        out.append(ThresholdField(field.name, unit, si_per_unit,
                                  value / si_per_unit if not is_int else value, is_int,
                                  str(field.metadata.get("help", ""))))
    return out


def stored_thresholds(fields: list[ThresholdField],
                      shown: Mapping[str, float]) -> dict[str, float | int | None]:
    """The form's values as stored settings: SI, None for a value left at its default."""
    return {f.name: f.stored(shown[f.name]) for f in fields if f.name in shown}

"""Map the sport names of FIT, GPX, TCX and Strava onto legday's vocabulary."""

from __future__ import annotations

import re

from legday.model import Sport

_SUB_SPORTS: dict[str, Sport] = {
    "trail": Sport.TRAIL_RUN,
    "treadmill": Sport.TREADMILL_RUN,
    "indoor_running": Sport.TREADMILL_RUN,
    "virtual_activity": Sport.TREADMILL_RUN,
    "strength_training": Sport.STRENGTH,
    "indoor_walking": Sport.WALK,
}

_NAMES: dict[str, Sport] = {
    "run": Sport.RUN,
    "running": Sport.RUN,
    "street_running": Sport.RUN,
    "track_running": Sport.RUN,
    "trail_run": Sport.TRAIL_RUN,
    "trail_running": Sport.TRAIL_RUN,
    "treadmill": Sport.TREADMILL_RUN,
    "treadmill_running": Sport.TREADMILL_RUN,
    "indoor_running": Sport.TREADMILL_RUN,
    "virtual_run": Sport.TREADMILL_RUN,
    "walk": Sport.WALK,
    "walking": Sport.WALK,
    "hike": Sport.HIKE,
    "hiking": Sport.HIKE,
    "mountaineering": Sport.HIKE,
    "ride": Sport.RIDE,
    "biking": Sport.RIDE,
    "cycling": Sport.RIDE,
    "bike": Sport.RIDE,
    "e_bike_ride": Sport.RIDE,
    "e_biking": Sport.RIDE,
    "virtual_ride": Sport.RIDE,
    "mountain_bike_ride": Sport.RIDE,
    "gravel_ride": Sport.RIDE,
    "swim": Sport.SWIM,
    "swimming": Sport.SWIM,
    "open_water_swimming": Sport.SWIM,
    "lap_swimming": Sport.SWIM,
    "weight_training": Sport.STRENGTH,
    "strength_training": Sport.STRENGTH,
    "strength": Sport.STRENGTH,
    "workout": Sport.STRENGTH,
    "crossfit": Sport.STRENGTH,
    "yoga": Sport.STRENGTH,
    "pilates": Sport.STRENGTH,
    "training": Sport.OTHER,
}

# Strava writes its activity-type code into GPX <type>; these are the common ones.
_STRAVA_CODES: dict[str, Sport] = {
    "1": Sport.RIDE, "9": Sport.RUN, "10": Sport.WALK, "4": Sport.HIKE,
}


def _key(text: str) -> str:
    # "Trail Run", "TrailRun" and "trail_run" all become "trail_run".
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", "_", text.strip())
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def normalise_sport(sport: str | None, sub_sport: str | None = None) -> Sport:
    """legday's sport for a file's sport and sub-sport names (case and spacing ignored)."""
    main = _key(sport) if sport else ""
    sub = _key(sub_sport) if sub_sport else ""
    if sub in _SUB_SPORTS:
        by_sub = _SUB_SPORTS[sub]
        # A treadmill sub-sport only makes a running sport indoor; a bike on a trainer stays a ride.
        if by_sub is not Sport.TREADMILL_RUN or main in ("running", "run", ""):
            if not (by_sub is Sport.TRAIL_RUN and main not in ("running", "run", "")):
                return by_sub
    if main in _NAMES:
        return _NAMES[main]
    if main in _STRAVA_CODES:
        return _STRAVA_CODES[main]
    return Sport.OTHER

"""Map the sport names of FIT, GPX, TCX and Strava onto legday's vocabulary."""

from __future__ import annotations

import re

import pandas as pd

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
    "crossfit": Sport.STRENGTH,
    # Generic types say nothing about the sport: the name or logged sets decide.
    "workout": Sport.OTHER,
    "training": Sport.OTHER,
    "yoga": Sport.OTHER,
    "pilates": Sport.OTHER,
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


#: Words in an activity's name that say it was strength training.
STRENGTH_WORDS = re.compile(
    r"\b(weights?|weight ?training|weight ?lifting|lifting|lift|lifts|gym|strength|"
    r"squats?|deadlifts?|bench|leg ?day|legs|kettlebells?|barbell|dumbbells?|crossfit|"
    r"s ?& ?c|resistance|core|abs|upper body|lower body|full body|push day|pull day|"
    r"powerlifting|bodybuilding|hypertrophy|calisthenics)\b", re.IGNORECASE)
#: Words in an activity's name that say it was another sport, whatever its type says.
OTHER_SPORT_WORDS = re.compile(
    r"\b(squash|tennis|table ?tennis|ping ?pong|badminton|padel|pickleball|racquetball|"
    r"yoga|pilates|barre|stretch(ing)?|mobility|climb(ing)?|boulder(ing)?|football|soccer|"
    r"futsal|rugby|basketball|volleyball|handball|hockey|cricket|baseball|softball|golf|"
    r"frisbee|danc(e|es|ing)|zumba|ballet|boxing|kickboxing|karate|judo|"
    r"jiu ?jitsu|bjj|taekwondo|martial arts?|fencing|ski(ing)?|skat(e|ing)|snowboard(ing)?|"
    r"surf(ing)?|kayak(ing)?|canoe(ing)?|paddle|sup|rowing|swim(ming)?|cycling|spin(ning)?|"
    r"hike|hiking|walk(ing)?)\b", re.IGNORECASE)


#: Types that say "a session" without saying of what: Strava's Workout, FIT's training.
GENERIC_TYPES = frozenset({"workout", "training", "generic", "fitness_equipment", "other", ""})


def has_lifting_sets(sets: pd.DataFrame) -> bool:
    """Whether a watch logged lifting: an active set with repetitions or a weight (a yoga
    pose or a timed interval is a set too, but without either)."""
    if not len(sets):
        return False
    active = sets[sets["set_type"] == "active"]
    return bool(((active["reps"] > 0) | (active["weight_kg"] > 0)).any())


def session_sport(sport: Sport, original: str | None, name: str | None = None, *,
                  has_sets: bool = False) -> Sport:
    """The sport of a session once its name and logged sets are known.

    Only strength training is ``STRENGTH``. A strength or generic session whose
    ``name`` (an activity's name, or a FIT sub-sport such as ``yoga``) names another
    sport (squash, tennis, yoga, climbing, football, dance...) and no lifting is
    ``OTHER``. Otherwise strength is: logged lifting sets (:func:`has_lifting_sets`),
    a strength type (weight training, strength training, CrossFit), or a generic type
    (``original`` Strava's "Workout", FIT's "training") whose name says lifting (gym,
    weights, squats, leg day...). So a "Workout" named "Evening Squash", "Yoga" or
    "Morning Workout" is ``OTHER``. Sports other than strength and other pass unchanged.
    """
    if sport not in (Sport.STRENGTH, Sport.OTHER):
        return sport
    words = (name or "").replace("_", " ")
    lifting = bool(STRENGTH_WORDS.search(words))
    if OTHER_SPORT_WORDS.search(words) and not lifting:
        return Sport.OTHER
    if has_sets or sport is Sport.STRENGTH:
        return Sport.STRENGTH
    generic = _key(original or "") in GENERIC_TYPES
    return Sport.STRENGTH if generic and lifting else Sport.OTHER

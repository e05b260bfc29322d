"""Every threshold of effort classification, in one place, each with its unit.

``docs/efforts.md`` gives the reason for each; a test holds the documented
values to these. :data:`RULES` is what the dashboard and the command line use;
``scripts/score_efforts.py`` swaps a few of them to check that thresholds
chosen on one athlete hold on another.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass


@dataclass(frozen=True)
class EffortRules:
    """Thresholds of the effort rules. Units in brackets; [1] is a ratio."""

    # --- how hard is hard: the athlete and the run -----------------------------------
    #: The run's easy level is kept between the athlete's easy speed and this multiple
    #: of it. [1]
    easy_cap_x: float = 1.15
    #: Work: grade-adjusted effort at least this multiple of the run's easy level... [1]
    work_x_easy: float = 1.12
    #: ... and at least this share of the athlete's threshold speed. [1]
    work_x_threshold: float = 0.85

    # --- finding bouts -----------------------------------------------------------------
    #: A bout starts when the effort reaches this multiple of the easy level... [1]
    enter_x_easy: float = 1.12
    #: ... and ends when it falls below this multiple. [1]
    leave_x_easy: float = 1.04
    #: Effort signal smoothing (centred). [s]
    smooth_s: int = 9
    #: Bouts shorter than this are noise. [s]
    min_bout_s: int = 5
    #: Breaks shorter than this never separate two bouts... [s]
    bridge_s: float = 8.0
    #: ... nor breaks shorter than this share of the shorter bout. [1]
    bridge_share: float = 0.1
    #: Two bouts of about the same effort (within this share) separated by a dip whose
    #: mean effort stays above this share of theirs are one. [1]
    dip_share: float = 0.85
    #: Within a stretch, breaks shorter than this share of the run's typical recovery
    #: (and of the shorter bout) do not separate bouts. [1]
    typical_gap_share: float = 0.35
    #: A break in which the cadence stays within this of the bouts' cadence is a GPS
    #: dip, not a recovery (when at most half as long as the shorter bout). [steps/min]
    dip_cadence_spm: float = 3.0
    #: Level changes inside a bout: both sides at least this long... [s]
    split_min_s: int = 10
    #: ... and their levels this much apart (relative). [1]
    split_step: float = 0.12
    #: Edges are searched this far around a bout. [s]
    edge_search_s: int = 20
    #: Around a bout, this much time is its surroundings... [s]
    surround_s: float = 90.0
    #: ... but less running than this between a bout and a watch stop is none. [s]
    edge_run_s: int = 15
    #: Lap boundaries within this share of a bout's length of its edge are snapped to... [1]
    lap_snap_share: float = 0.3
    #: ... but never farther than this, and always this near. [s]
    lap_snap_max_s: float = 10.0
    lap_snap_min_s: float = 3.0
    #: Laps of about these distances triggered by distance are auto-laps, not efforts. [m]
    auto_lap_m: tuple[float, ...] = (1000.0, 1609.344)

    # --- intervals ---------------------------------------------------------------------
    #: Interval rep: at least this multiple of the running around it. [1]
    rep_contrast: float = 1.3
    #: Interval rep: at least this long (moving)... [s]
    rep_min_s: int = 20
    #: ... at most this long (moving)... [s]
    rep_long_s: int = 600
    #: ... or this long for long repeats (3 km + 2 km + 1 km) beside two ordinary reps. [s]
    rep_max_s: int = 1200
    #: Reps are one set when at most this far apart (or 1.5 times the shorter rep). [s]
    rep_gap_s: float = 300.0
    #: A lone rep counts beside a set when at least this share of the set's effort (and
    #: half of it of the set's rep length). [1]
    lone_rep_share: float = 0.9
    #: A break longer than this between bouts starts a new set (ladders). [s]
    set_gap_s: float = 180.0
    #: In a set with longer reps, a short bout at most this much faster than their mean
    #: speed is a rep too (a ladder's 100 m), not a sprint... [1]
    same_set_x: float = 1.15
    #: ... when at least this share of the shortest of them. [1]
    ladder_share: float = 0.3
    #: With GPS speed, work on the flat must raise the cadence by this much over its
    #: surroundings (GPS noise makes fake surges; the legs do not). [steps/min]
    cadence_rise_spm: float = 2.0
    #: Watches report the cadence this late (a running average). [s]
    cadence_lag_s: int = 10

    # --- sprints -----------------------------------------------------------------------
    #: Sprint: at most this long (moving)... [s]
    sprint_max_s: int = 30
    #: ... with the best 5 s at least this share of top speed... [1]
    sprint_x_top: float = 0.8
    #: ... or a stride: at most this long (moving) with its best 5 s at this multiple
    #: of easy. [s], [1]
    stride_max_s: int = 25
    stride_x_easy: float = 1.6
    #: A sprint longer than a stride needs a recovery of this many times its length to
    #: the next fast bout; with less it is a rep of a set (200 m with 1-min jogs). [1]
    sprint_rest_x: float = 3.0

    # --- hills -------------------------------------------------------------------------
    #: Hill: a climb of at least this mean grade... [%]
    hill_grade_pct: float = 3.0
    #: ... cut from the elevation with a hysteresis of this, or of this multiple of the
    #: elevation's short-term noise when larger. [m], [1]
    climb_hysteresis_m: float = 2.0
    climb_noise_x: float = 8.0
    #: With GPS-like elevation a climb must rise at least this. [m]
    gps_climb_min_m: float = 10.0
    #: Hill: at least this long or this far. [s], [m]
    hill_min_s: int = 20
    hill_min_m: float = 100.0
    #: Hill repeats: climbs whose middles lie within this of each other's track are
    #: the same climb. [m]
    same_climb_m: float = 60.0

    # --- hard steady running ------------------------------------------------------------
    #: A steady stretch at least this long... [s]
    tempo_min_s: int = 600
    #: ... at this share of the athlete's threshold speed or more is tempo running... [1]
    tempo_x_threshold: float = 0.88
    #: ... and at the threshold or faster, threshold running (a race, a time trial). [1]
    at_threshold_x: float = 1.0

    # --- what lies between -------------------------------------------------------------
    #: A stretch between work efforts with more moving time than this is steady. [s]
    recovery_max_s: float = 600.0
    #: Slower than this is walking or standing. [m/s]
    running_mps: float = 1.8

    def replace(self, **changes: float) -> EffortRules:
        """A copy with some thresholds changed (unknown names raise ``TypeError``)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]


#: The rules legday ships.
RULES = EffortRules()

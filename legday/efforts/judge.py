"""Which bouts are work, and of what kind: sprint, hill or interval rep.

Three ideas carry the rules (``docs/efforts.md`` has the thresholds):

- **hard for this athlete**: work is above the run's easy level and near the
  athlete's threshold speed, grade-adjusted;
- **a pattern of work and recovery**: hill and interval efforts are repeated,
  with easier running, walking or standing between them; a lone brisk
  stretch or one hard climb is steady running;
- **what the sensors can resolve**: sprints are judged by speed (heart rate
  lags), a short climb only counts on a barometric altimeter, and GPS-like
  elevation must rise by more than it wanders.
"""

from __future__ import annotations

import numpy as np

from legday.cleaning import sorted_median
from legday.efforts.bouts import Bout, RunArrays, array_mean, measure
from legday.efforts.kinds import EffortKind
from legday.gap import gap_factor
from legday.model import haversine_m


def classify_bouts(run: RunArrays, bouts: list[Bout], top_speed_mps: float,
          threshold_speed_mps: float) -> list[Bout]:
    """Give the bouts their kinds; returns the work efforts (hills included) in time order.

    Parameters
    ----------
    run
        The run's arrays.
    bouts
        From :func:`legday.efforts.bouts.find_bouts`, measured, with their surroundings.
    top_speed_mps, threshold_speed_mps
        The athlete's. [m/s]
    """
    rules = run.rules
    work_floor = max(rules.work_x_easy * run.easy, rules.work_x_threshold * threshold_speed_mps)
    fast = [bt for bt in bouts if bt.effort_mps >= rules.work_x_easy * run.easy]
    ladder = _ladder_reps(run, fast)
    uphill: list[Bout] = []
    for bout in _sprints(run, fast, top_speed_mps):
        if id(bout) in ladder:
            continue
        # GPS altitude cannot resolve a climb of a few seconds (it bumps with speed).
        if _on_climb(run, bout) and not run.noisy_elevation:
            uphill.append(bout)
        else:
            bout.kind = EffortKind.SPRINT
    sprints = [bt for bt in bouts if bt.kind == EffortKind.SPRINT]
    climbs = _hills(run, work_floor, uphill)
    hills = [h for h in climbs if not _overlaps(h, sprints)]
    # A bout on a hill effort is that hill; a bout on any other climb is not a flat rep.
    open_bouts = ([bt for bt in bouts if not _covered_share(bt, hills) >= 0.5] if hills
                  else list(bouts))
    reps = [bt for bt in open_bouts if bt.kind is None and _is_rep(run, bt, work_floor)
            and not _on_climb(run, bt)
            and (rules.rep_min_s <= bt.moving_s <= rules.rep_max_s or id(bt) in ladder)]
    # Reps beyond 10 min are long repeats only beside at least two ordinary reps.
    if sum(bt.moving_s <= rules.rep_long_s for bt in reps) < 2:
        reps = [bt for bt in reps if bt.moving_s <= rules.rep_long_s]
    for bout in _repeated(run, reps):
        bout.kind = EffortKind.INTERVAL
    # A long hard stretch that is no rep (a tempo run, a race) stays steady, as its own piece.
    for bout in open_bouts:
        if (bout.kind is None and bout.moving_s >= rules.tempo_min_s
                and bout.effort_mps >= rules.tempo_x_threshold * threshold_speed_mps):
            bout.kind = EffortKind.STEADY
    work = sorted([bt for bt in open_bouts if bt.kind is not None] + hills, key=lambda b: b.a)
    return _without_overlaps(run, work)


def _without_overlaps(run: RunArrays, work: list[Bout]) -> list[Bout]:
    """The bouts (in order of their starts) that tile: each starts after every one kept
    before it ends, and a bout inside one kept before it is dropped. A bout cut short is
    measured again, so that what describes it is what is left of it."""
    kept: list[Bout] = []
    reach = 0  # the end of the bouts kept so far: a long one may hold several short ones
    for bout in work:
        if bout.a < reach < bout.b:
            bout.a = reach
            measure(run, bout)
        if bout.b > bout.a and bout.b > reach:
            kept.append(bout)
            reach = bout.b
    return kept


def _overlaps(bout: Bout, others: list[Bout]) -> bool:
    """Whether any of ``others`` shares a sample with ``bout``."""
    return any(o.a < bout.b and bout.a < o.b and o.a < o.b for o in others)


def _covered_share(bout: Bout, others: list[Bout]) -> float:
    """Share of the samples of ``bout`` that lie in any of ``others`` (NaN when empty)."""
    if bout.b <= bout.a:
        return float("nan")
    covered = 0
    reach = bout.a  # samples before this are counted already (``others`` may overlap)
    for other in sorted(others, key=lambda o: o.a):
        lo, hi = max(other.a, reach), min(other.b, bout.b)
        if hi > lo:
            covered += hi - lo
            reach = hi
    return covered / (bout.b - bout.a)


def _is_rep(run: RunArrays, bout: Bout, work_floor: float) -> bool:
    return (bout.effort_mps >= work_floor and bout.contrast >= run.rules.rep_contrast
            and bout.cadence_rise_spm >= run.rules.cadence_rise_spm)


def _on_climb(run: RunArrays, bout: Bout) -> bool:
    """Whether a measured bout climbs (``hill_grade_pct`` and a climb's rise)."""
    return bout.grade_pct >= run.rules.hill_grade_pct and bout.gain_m >= climb_rise_m(run)


def climb_rise_m(run: RunArrays) -> float:
    """Smallest rise that is a climb on this run's elevation. [m]

    ``climb_hysteresis_m`` on a barometric altimeter, ``gps_climb_min_m`` on
    GPS-like elevation, and never less than ``climb_noise_x`` times the
    elevation's short-term noise.
    """
    rules = run.rules
    floor = rules.gps_climb_min_m if run.noisy_elevation else rules.climb_hysteresis_m
    return max(floor, rules.climb_noise_x * run.elevation_noise_m)


def _sets(run: RunArrays, bouts: list[Bout]) -> list[list[Bout]]:
    """Group bouts into sets: a break longer than ``set_gap_s`` starts a new set."""
    groups: list[list[Bout]] = []
    for bout in sorted(bouts, key=lambda b: b.a):
        if groups and run.gap_s(groups[-1][-1], bout) <= run.rules.set_gap_s:
            groups[-1].append(bout)
        else:
            groups.append([bout])
    return groups


def _ladder_reps(run: RunArrays, fast: list[Bout]) -> set[int]:
    """Short bouts that are reps of a set of longer ones (a ladder's 100 m).

    In a set with reps longer than ``sprint_max_s``, a short bout at most
    ``same_set_x`` times their speed and at least ``ladder_share`` of the
    shortest of them is a rep too; strides after 2-min reps are faster and
    stay sprints.
    """
    rules = run.rules
    out: set[int] = set()
    for group in _sets(run, fast):
        longer = [bt for bt in group if bt.moving_s > rules.sprint_max_s]
        if not longer or len(longer) == len(group):  # no short bout to be a rep
            continue
        speed = rules.same_set_x * array_mean(np.array([bt.speed_mps for bt in longer]))
        shortest = min(bt.moving_s for bt in longer)
        out.update(id(bt) for bt in group if bt.moving_s <= rules.sprint_max_s
                   and bt.speed_mps <= speed and bt.moving_s >= rules.ladder_share * shortest)
    return out


def _sprints(run: RunArrays, fast: list[Bout], top_speed_mps: float) -> list[Bout]:
    """Short bouts near top speed, or strides, that are not reps of a set.

    A sprint lasts at most ``sprint_max_s`` (moving), its best 5 s reach
    ``sprint_x_top`` of top speed or it is a stride (at most ``stride_max_s``,
    best 5 s at ``stride_x_easy`` x easy), and the legs show it (cadence, with
    GPS speed). Beyond ``stride_max_s`` it needs a recovery of
    ``sprint_rest_x`` times its length to the next fast bout: 200 m in 30 s
    with 1-min jogs are reps of a set.
    """
    rules = run.rules
    out = []
    for i, bout in enumerate(fast):
        near_max = bout.peak_mps >= rules.sprint_x_top * top_speed_mps
        stride = (bout.moving_s <= rules.stride_max_s
                  and bout.peak_mps >= rules.stride_x_easy * run.easy)
        if not (bout.moving_s <= rules.sprint_max_s
                and bout.cadence_rise_spm >= rules.cadence_rise_spm and (near_max or stride)):
            continue
        rest = run.gap_s(fast[i - 1], bout) if i else np.inf
        if i + 1 < len(fast):
            rest = min(rest, run.gap_s(bout, fast[i + 1]))
        if bout.moving_s <= rules.stride_max_s or rest >= rules.sprint_rest_x * bout.moving_s:
            out.append(bout)
    return out


def _hills(run: RunArrays, work_floor: float, uphill_sprints: list[Bout]) -> list[Bout]:
    """Hill efforts: climbs run hard for this athlete, again and again on the same hill.

    A climb (:func:`climb_spans`) is hard when its grade-adjusted effort
    (speed over the climb times the cost of its mean grade) reaches the work
    level and it lasts ``hill_min_s`` or ``hill_min_m``; uphill sprints are
    hard climbs of their own. Hard climbs are hill efforts when the same climb
    is run that hard again after a recovery (:func:`_same_climb_repeated`).
    """
    rules = run.rules
    climbs: list[Bout] = []
    moving_before = run.moving_before
    for a, b in climb_spans(run):
        moving_s = int(moving_before[b] - moving_before[a])
        distance_m = float(run.dist[b - 1] - run.dist[a])
        if distance_m <= 0 or moving_s == 0:
            continue
        climbs.append(Bout(a, b, moving_s=moving_s, distance_m=distance_m,
                           gain_m=float(run.elev[b - 1] - run.elev[a])))
    if not climbs and not uphill_sprints:
        return []
    grades = [bout.gain_m / bout.distance_m for bout in climbs]
    factors = gap_factor(np.array(grades)).tolist() if climbs else []
    hard: list[Bout] = []
    for bout, grade, factor in zip(climbs, grades, factors, strict=True):
        bout.grade_pct = 100.0 * grade
        speed = bout.distance_m / max(run.end_time(bout.b) - float(run.t[bout.a]), 1.0)
        bout.effort_mps = speed * factor
        sustained = bout.moving_s >= rules.hill_min_s or bout.distance_m >= rules.hill_min_m
        if bout.grade_pct >= rules.hill_grade_pct and sustained and bout.effort_mps >= work_floor:
            hard.append(bout)
    # An uphill sprint is its own bout, shorter than the climb it is run on.
    hard = sorted([h for h in hard if not _overlaps(h, uphill_sprints)] + uphill_sprints,
                  key=lambda b: b.a)
    hills = _same_climb_repeated(run, hard)
    for hill in hills:
        # Keep the climb's own rise and effort (over its mean grade), not the per-second ones.
        kept = hill.effort_mps, hill.gain_m, hill.grade_pct
        measure(run, hill)
        hill.effort_mps, hill.gain_m, hill.grade_pct = kept
        hill.kind = EffortKind.HILL
    return hills


def climb_spans(run: RunArrays) -> list[tuple[int, int]]:
    """Climbs cut from the elevation: from a low to the next high at least
    :func:`climb_rise_m` above it, without the flat run-in and run-out (the
    climb starts and ends within a tenth of its rise, or a quarter of the minimum rise,
    of the low and the high). Each stretch is cut on its own."""
    rise_min = climb_rise_m(run)
    elevation = run.elevation
    has_elev, elev = elevation.at, elevation.values
    if len(has_elev) < 2:
        return []
    starts = run.stretch_start.nonzero()[0]
    # The samples with an elevation of each stretch: has_elev[lo[k]:hi[k]].
    lo = has_elev.searchsorted(starts)
    hi = has_elev.searchsorted(run.last[starts] + 1)
    usable = hi - lo >= 2
    lo, hi = lo[usable], hi[usable]
    # Turning points of the whole run, each stretch's ends among them: within a stretch a
    # point turns or not as within the stretch alone (its neighbours are the same).
    keep = elevation.turning.copy()
    keep[lo] = True
    keep[hi - 1] = True
    turns = keep.nonzero()[0]
    turn_values = elev[turns].tolist()
    out: list[tuple[int, int]] = []
    for t_lo, t_hi in zip(turns.searchsorted(lo).tolist(), turns.searchsorted(hi).tolist(),
                          strict=True):
        for p, q in _rises(turn_values[t_lo:t_hi], rise_min):
            first = int(has_elev[turns[t_lo + p]])
            seg = run.elev[first:int(has_elev[turns[t_lo + q]]) + 1]
            low, high = float(seg[0]), float(seg[-1])
            margin = min(0.1 * (high - low), rise_min / 4)
            # The last sample near the low and the first near the high (each end is one).
            begin = first + len(seg) - 1 - int((seg[::-1] <= low + margin).argmax())
            end = first + int((seg >= high - margin).argmax())
            if end > begin:
                out.append((begin, end + 1))
    return out


def median_of(values: np.ndarray) -> float:
    """``np.median`` of a 1-D float array by one sort, without its dispatch (NaN when
    empty or any value is NaN)."""
    ordered = np.sort(values)
    n = len(ordered)
    if n == 0 or np.isnan(ordered[-1]):  # a sort puts NaN last
        return float("nan")
    return sorted_median(ordered)


def _rises(vals: list[float], rise_min: float) -> list[tuple[int, int]]:
    """``(low, high)`` positions of the rises of at least ``rise_min`` in a series given by
    its turning points.

    Extremes are found with a hysteresis: a high is confirmed once the series
    has fallen ``rise_min`` below it, a low once it has risen that much.
    """
    # Until the first move of rise_min, the lowest and highest values so far.
    low = high = 0
    low_value = high_value = vals[0] if vals else 0.0
    for j, value in enumerate(vals):
        if value < low_value:
            low, low_value = j, value
        if value > high_value:
            high, high_value = j, value
        if value - low_value >= rise_min:
            ext, rising = [low, j], True
            break
        if high_value - value >= rise_min:
            ext, rising = [high, j], False
            break
    else:
        return []
    # Then the last extreme moves on while the series goes its way, and turns back.
    at = ext[-1]
    last = vals[at]
    for j in range(at + 1, len(vals)):
        value = vals[j]
        if rising:
            if value >= last:
                at, last = j, value
            elif last - value >= rise_min:
                ext[-1] = at
                ext.append(j)
                at, last, rising = j, value, False
        elif value <= last:
            at, last = j, value
        elif value - last >= rise_min:
            ext[-1] = at
            ext.append(j)
            at, last, rising = j, value, True
    ext[-1] = at
    return [(p, q) for p, q in zip(ext, ext[1:], strict=False) if vals[q] > vals[p]]


def _same_climb_repeated(run: RunArrays, climbs: list[Bout]) -> list[Bout]:
    """The climbs run again on the same hill soon after, with a recovery between.

    Two consecutive climbs are repeats when they are on the same road (the
    middle of each lies within ``same_climb_m`` of the other's track:
    elevation noise moves where a climb seems to start), the second starts
    within ``rep_gap_s`` (or 1.5 times the shorter climb) of the end of the
    first, and the athlete recovered between them (:func:`_recovered`).
    """
    rules = run.rules
    out: dict[int, Bout] = {}
    for i, first in enumerate(climbs):
        for second in climbs[i + 1:]:
            if run.gap_s(first, second) > max(rules.rep_gap_s,
                                              1.5 * min(first.moving_s, second.moving_s)):
                break
            if (_near_track(run, first, second) and _near_track(run, second, first)
                    and _recovered(run, first, second)):
                out[id(first)] = first
                out[id(second)] = second
                break
    return sorted(out.values(), key=lambda b: b.a)


def _recovered(run: RunArrays, first: Bout, second: Bout) -> bool:
    """Whether the running between two efforts (a jog or walk down, standing) is
    ``rep_contrast`` times easier than both: a tempo lap over a hill is not a rep."""
    between = slice(first.b, second.a)
    moving = run.moving[between]
    if moving.sum() < run.rules.edge_run_s:
        return True
    rest = array_mean(run.x[between][moving])
    return min(first.effort_mps, second.effort_mps) >= run.rules.rep_contrast * rest


def _near_track(run: RunArrays, bout: Bout, other: Bout) -> bool:
    """Whether the middle of ``bout`` lies within ``same_climb_m`` of ``other``'s track."""
    mid = (bout.a + bout.b) // 2
    lat, lon = run.lat[other.a:other.b], run.lon[other.a:other.b]
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not ok.any() or not np.isfinite(run.lat[mid]):
        return False
    n = int(ok.sum())
    d = haversine_m(np.full(n, run.lat[mid]), np.full(n, run.lon[mid]), lat[ok], lon[ok])
    return bool(d.min() <= run.rules.same_climb_m)


def _repeated(run: RunArrays, reps: list[Bout]) -> list[Bout]:
    """The reps that are repeated: in a set of two or more, or as hard as such a set.

    Consecutive reps belong to one set when the break between them is at most
    ``rep_gap_s`` (or 1.5 times the shorter rep, for long repeats). A lone
    bout in a run without any such set is not work (a brisk stretch of a
    warm-up).
    """
    rules = run.rules
    groups: list[list[Bout]] = []
    for bout in sorted(reps, key=lambda b: b.a):
        if groups:
            prev = groups[-1][-1]
            if run.gap_s(prev, bout) <= max(rules.rep_gap_s,
                                            1.5 * min(prev.moving_s, bout.moving_s)):
                groups[-1].append(bout)
                continue
        groups.append([bout])
    in_sets = [b for g in groups if len(g) >= 2 for b in g]
    if not in_sets:
        return []
    level = median_of(np.array([b.effort_mps for b in in_sets]))
    typical = median_of(np.array([b.moving_s for b in in_sets], dtype=float))
    return [b for g in groups for b in g
            if len(g) >= 2 or (b.effort_mps >= rules.lone_rep_share * level
                               and b.moving_s >= rules.lone_rep_share / 2 * typical)]

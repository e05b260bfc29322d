"""The athlete's corrections of the classifier, applied over its efforts.

A :class:`Correction` changes a run's kind, an effort's kind, merges the
efforts of a stretch into one, or splits an effort at a point. Its target is a
stretch of TIME within the run (seconds from the activity's start), never a
row id: a re-classification after a rules upgrade moves effort edges a
little and renumbers the rows, and a correction must still find its effort.

:func:`apply_corrections` replays an activity's corrections, oldest first,
over its classification and returns a :class:`CorrectedRun` whose efforts have
a ``corrected`` column; the ``why`` of a corrected effort ends with
:data:`MARK`, so every place that shows efforts shows the mark. Pure: the store
keeps corrections (:mod:`legday.store.corrections`), the library applies them.

Numbers without samples: a split shares an effort's duration, moving time,
distance and climb between its parts in proportion to their time (its mean
speed, grade and heart rate stay); a merge adds them and time-weights the means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from html import escape
from typing import Any, Final, Literal

import numpy as np
import pandas as pd

from legday.efforts import EFFORT_COLUMNS, EffortKind, RunClassification, primary_kind
from legday.schema import EFFORT_KINDS, PRIMARY_KINDS

Action = Literal["run_kind", "effort_kind", "merge", "split"]
ACTIONS: Final[tuple[str, ...]] = ("run_kind", "effort_kind", "merge", "split")

#: Ends the ``why`` of every effort the athlete corrected.
MARK: Final = "corrected by the athlete"
#: An effort edge this close to a correction's edge is the same edge moved by a
#: re-classification: the correction snaps to it rather than cutting a sliver. [s]
SNAP_MIN_S: Final = 5.0
SNAP_MAX_S: Final = 60.0
#: ... and at most this share of the corrected stretch.
SNAP_SHARE: Final = 0.15
#: A split point this close to an existing edge is that edge. [s]
SPLIT_SNAP_S: Final = 1.0

_CLOCK = re.compile(r"^\s*(?:(\d+):)?(\d{1,2}):(\d{1,2}(?:\.\d*)?)\s*$")
_ADDED = ("duration_s", "moving_s", "distance_m", "elevation_gain_m")


@dataclass(frozen=True)
class Correction:
    """One change the athlete made to one activity's classification.

    Attributes
    ----------
    activity_id
        The stored activity.
    action
        ``run_kind`` (the run's primary kind), ``effort_kind`` (the kind of the
        efforts in ``start_s``..``end_s``), ``merge`` (the efforts of
        ``start_s``..``end_s`` become one) or ``split`` (the effort holding
        ``at_s`` becomes two).
    start_s, end_s
        The stretch, seconds from the activity's start (None for ``run_kind``). [s]
    at_s
        Where a split cuts, seconds from the activity's start. [s]
    kind
        The new kind (``run_kind``, ``effort_kind``; a merge's, optional).
    created_utc
        When it was made: corrections apply oldest first.
    correction_id
        The store's id (None before it is stored).
    """

    activity_id: int
    action: Action
    start_s: float | None = None
    end_s: float | None = None
    at_s: float | None = None
    kind: str | None = None
    created_utc: datetime = field(default_factory=lambda: datetime.now(UTC))
    correction_id: int | None = None

    def __post_init__(self) -> None:
        if self.action not in ACTIONS:
            raise ValueError(f"unknown correction {self.action!r}")
        if self.action == "run_kind" and self.kind not in PRIMARY_KINDS:
            raise ValueError(f"a run is one of {', '.join(PRIMARY_KINDS)}, not {self.kind!r}")
        if self.action == "effort_kind" and self.kind not in EFFORT_KINDS:
            raise ValueError(f"an effort is one of {', '.join(EFFORT_KINDS)}, "
                             f"not {self.kind!r}")
        if self.action == "merge" and self.kind is not None and self.kind not in EFFORT_KINDS:
            raise ValueError(f"an effort is one of {', '.join(EFFORT_KINDS)}")
        if self.action != "run_kind":
            if self.start_s is None or self.end_s is None or not self.end_s > self.start_s:
                raise ValueError(f"a {self.action} correction needs a stretch of the run")
        if self.action == "split":
            if self.at_s is None or not (self.start_s or 0.0) < self.at_s < (self.end_s or 0.0):
                raise ValueError("a split needs a point inside the effort")

    def describe(self) -> str:
        """The correction in a few words, as the athlete made it."""
        if self.action == "run_kind":
            return f"run kind set to {self.kind}"
        span = f"{clock_text(self.start_s)}–{clock_text(self.end_s)}"
        if self.action == "effort_kind":
            return f"effort {span} set to {self.kind}"
        if self.action == "merge":
            return f"efforts {span} merged" + (f" as {self.kind}" if self.kind else "")
        return f"effort {span} split at {clock_text(self.at_s)}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"id": self.correction_id, "activity_id": self.activity_id,
                "action": self.action, "start_s": self.start_s, "end_s": self.end_s,
                "at_s": self.at_s, "kind": self.kind,
                "created_utc": self.created_utc.astimezone(UTC).isoformat()}


def parse_clock(text: str) -> float | None:
    """``m:ss`` or ``h:mm:ss`` (or plain seconds) into seconds; None when it is neither. [s]"""
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    found = _CLOCK.match(text)
    if found is None:
        return None
    hours, minutes, seconds = found.groups()
    return int(hours or 0) * 3600 + int(minutes) * 60 + float(seconds)


def clock_text(seconds: float | None) -> str:
    """Seconds from the start of a run as ``m:ss`` (``h:mm:ss`` from an hour on)."""
    s = int(round(seconds or 0.0))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else \
        f"{s // 60}:{s % 60:02d}"


@dataclass
class CorrectedRun(RunClassification):
    """A run's classification with the athlete's corrections applied.

    ``efforts`` has a ``corrected`` column (True for efforts the athlete
    changed); ``corrected`` is True when any correction applied; ``applied``
    and ``unmatched`` are the corrections that found their stretch and those
    that did not (an activity changed under them).
    """

    corrected: bool = False
    classifier_primary: EffortKind | None = None
    applied: list[Correction] = field(default_factory=list)
    unmatched: list[Correction] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """:meth:`RunClassification.to_dict` with ``corrected`` on the run and each effort,
        and the corrections."""
        out = super().to_dict()
        flags = with_flags(self.efforts)["corrected"].tolist()
        for row, flag in zip(out["efforts"], flags, strict=True):
            row["corrected"] = bool(flag)
        out["corrected"] = self.corrected
        out["classifier_primary"] = (None if self.classifier_primary is None
                                     else str(self.classifier_primary))
        out["corrections"] = [c.to_dict() for c in self.applied]
        return out


def origin_of(start_utc: Any, efforts: pd.DataFrame) -> pd.Timestamp | None:
    """The instant correction times count from: the activity's start, else its first
    effort's."""
    if start_utc is not None and not pd.isna(start_utc):
        return _utc(start_utc)
    if len(efforts):
        return _utc(efforts["start"].min())
    return None


def _utc(value: Any) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def seconds_from(origin: pd.Timestamp, value: Any) -> float:
    """Seconds from ``origin`` to ``value``. [s]"""
    return float((_utc(value) - origin).total_seconds())


def with_flags(efforts: pd.DataFrame) -> pd.DataFrame:
    """The efforts with a ``corrected`` column (all False when it was missing)."""
    out = efforts.reset_index(drop=True).copy()
    if "corrected" not in out:
        out["corrected"] = False
    out["corrected"] = out["corrected"].astype(bool)
    return out


def _mark(why: Any, note: str) -> str:
    """``why`` ending with the mark and ``note`` (an earlier mark replaced)."""
    text = why if isinstance(why, str) else ""
    text = text.split(MARK)[0].removesuffix(" · ")
    return f"{text} · {MARK} ({note})" if text else f"{MARK} ({note})"


def _span(frame: pd.DataFrame, origin: pd.Timestamp) -> tuple[np.ndarray, np.ndarray]:
    """Each effort's start and end in seconds from ``origin``. [s]"""
    zero = np.datetime64(origin.value, "ns")  # origin is UTC: its value counts from the epoch

    def seconds(column: str) -> np.ndarray:
        values = frame[column].to_numpy(dtype="datetime64[ns]")  # aware times: in UTC
        return np.asarray((values - zero) / np.timedelta64(1, "s"), dtype=float)

    return seconds("start"), seconds("end")


def _marked(frame: pd.DataFrame, rows: np.ndarray, notes: Sequence[str]) -> pd.DataFrame:
    """``frame`` with ``rows`` flagged corrected and their ``why`` ending with the mark."""
    whys = frame["why"].to_numpy(dtype=object).copy()
    flags = frame["corrected"].to_numpy(dtype=bool).copy()
    for i, note in zip(rows, notes, strict=True):
        whys[i] = _mark(whys[i], note)
        flags[i] = True
    return frame.assign(why=whys, corrected=flags)


def _cut(frame: pd.DataFrame, origin: pd.Timestamp, at_s: float, snap_s: float,
         ) -> tuple[pd.DataFrame, float | None]:
    """``frame`` with the effort holding ``at_s`` cut in two there, unless an edge lies
    within ``snap_s``; returns the frame and the edge used (None outside the run)."""
    starts, ends = _span(frame, origin)
    if not len(frame) or at_s < starts.min() - snap_s or at_s > ends.max() + snap_s:
        return frame, None
    edges = np.unique(np.concatenate([starts, ends]))
    nearest = float(edges[np.argmin(np.abs(edges - at_s))])
    if abs(nearest - at_s) <= snap_s:
        return frame, nearest
    inside = np.flatnonzero((starts < at_s) & (ends > at_s))
    if not len(inside):
        return frame, None
    i = int(inside[0])
    row = frame.iloc[i].to_dict()
    share = (at_s - starts[i]) / (ends[i] - starts[i])
    cut = origin + pd.Timedelta(seconds=at_s)
    first, second = dict(row), dict(row)
    first["end"], second["start"] = cut, cut
    for col in _ADDED:
        value = row[col]
        if value is not None and not pd.isna(value):
            first[col], second[col] = float(value) * share, float(value) * (1.0 - share)
    parts = pd.DataFrame([first, second], columns=frame.columns)
    out = pd.concat([frame.iloc[:i], parts, frame.iloc[i + 1:]], ignore_index=True)
    return out.astype(frame.dtypes.to_dict()), at_s


def _snap_s(start_s: float, end_s: float) -> float:
    return float(np.clip(SNAP_SHARE * (end_s - start_s), SNAP_MIN_S, SNAP_MAX_S))


def _stretch(frame: pd.DataFrame, origin: pd.Timestamp, start_s: float, end_s: float,
             ) -> tuple[pd.DataFrame, np.ndarray]:
    """``frame`` cut at the stretch's edges (snapped to edges near them) and the indices
    of the efforts inside it."""
    snap = _snap_s(start_s, end_s)
    frame, first = _cut(frame, origin, start_s, snap)
    frame, last = _cut(frame, origin, end_s, snap)
    if first is None and last is None:
        return frame, np.zeros(0, dtype=int)
    starts, ends = _span(frame, origin)
    lo = first if first is not None else float(starts.min())
    hi = last if last is not None else float(ends.max())
    return frame, np.flatnonzero((starts >= lo - 1e-6) & (ends <= hi + 1e-6))


def _weighted(values: pd.Series, weights: pd.Series) -> float:
    v = values.to_numpy(dtype=float)
    w = weights.to_numpy(dtype=float)
    ok = np.isfinite(v) & np.isfinite(w) & (w > 0)
    return float(np.sum(v[ok] * w[ok]) / np.sum(w[ok])) if ok.any() else float("nan")


def _merged(rows: pd.DataFrame, kind: str | None) -> dict[str, Any]:
    longest = rows.iloc[int(np.argmax(rows["duration_s"].fillna(0.0).to_numpy()))]
    out: dict[str, Any] = {c: longest[c] for c in rows.columns}
    out["start"], out["end"] = rows["start"].min(), rows["end"].max()
    for col in _ADDED:
        out[col] = float(np.nansum(rows[col].to_numpy(dtype=float)))
    moving = rows["moving_s"].fillna(0.0)
    out["speed_mps"] = (out["distance_m"] / out["moving_s"] if out["moving_s"] > 0
                        else _weighted(rows["speed_mps"], moving))
    out["gap_speed_mps"] = _weighted(rows["gap_speed_mps"], moving)
    out["heart_rate"] = _weighted(rows["heart_rate"], moving)
    out["grade_pct"] = _weighted(rows["grade_pct"], rows["distance_m"].fillna(0.0))
    out["kind"] = kind or str(longest["kind"])
    whys = [str(w) for w in rows["why"] if isinstance(w, str) and w]
    kept = dict.fromkeys(w.split(MARK)[0].removesuffix(" · ") for w in whys)
    out["why"] = _mark("; ".join(w for w in kept if w), f"{len(rows)} efforts merged")
    out["corrected"] = True
    return out


def _apply_one(frame: pd.DataFrame, origin: pd.Timestamp, c: Correction,
               ) -> pd.DataFrame | None:
    """``frame`` with one stretch correction applied; None when it found no effort."""
    assert c.start_s is not None and c.end_s is not None
    if c.action == "split":
        assert c.at_s is not None
        starts, ends = _span(frame, origin)
        holder = np.flatnonzero((starts <= c.at_s) & (ends >= c.at_s))
        if not len(holder):
            return None
        frame, at = _cut(frame, origin, c.at_s, SPLIT_SNAP_S)
        if at is None:
            return None
        starts, ends = _span(frame, origin)
        parts = np.flatnonzero(np.isclose(ends, at) | np.isclose(starts, at))
        return _marked(frame, parts, [f"split at {clock_text(at)}"] * len(parts))
    frame, inside = _stretch(frame, origin, c.start_s, c.end_s)
    if not len(inside):
        return None
    if c.action == "effort_kind":
        kinds = frame["kind"].astype(str).to_numpy(dtype=object).copy()
        notes = [f"was {kinds[i]}" if kinds[i] != c.kind else f"confirmed {c.kind}"
                 for i in inside]
        kinds[inside] = c.kind
        return _marked(frame.assign(kind=kinds), inside, notes)
    if len(inside) < 2:
        return None  # nothing to merge: the stretch is one effort now
    lo, hi = int(inside.min()), int(inside.max())
    merged = pd.DataFrame([_merged(frame.iloc[lo:hi + 1], c.kind)], columns=frame.columns)
    out = pd.concat([frame.iloc[:lo], merged, frame.iloc[hi + 1:]], ignore_index=True)
    return out.astype(frame.dtypes.to_dict())


def apply_corrections(classification: RunClassification, corrections: Iterable[Correction],
                      start_utc: Any = None) -> CorrectedRun:
    """The run's classification with its corrections applied, oldest first.

    Parameters
    ----------
    classification
        The classifier's (or the store's) efforts and primary kind of one activity.
    corrections
        That activity's corrections, in any order.
    start_utc
        The activity's start: the corrections' times count from it (default: the
        first effort's start).

    Returns
    -------
    CorrectedRun
        Efforts with a ``corrected`` column; the primary kind follows corrected effort
        kinds (:func:`legday.efforts.primary_kind`) unless the run's kind was set.
    """
    ordered = sorted(corrections, key=lambda c: (c.created_utc, c.correction_id or 0))
    primary = classification.primary
    # Uncorrected runs keep their frame as it is (no copy: a season has a thousand of them);
    # a missing ``corrected`` column means none is.
    base = CorrectedRun(classification.efforts, primary, classification.profile,
                        list(classification.notes), classification.stats,
                        classification.terrain, classifier_primary=primary)
    if not ordered or primary is None:  # a non-running activity has no kinds to correct
        base.unmatched = list(ordered)
        return base
    frame = with_flags(classification.efforts)
    origin = origin_of(start_utc, frame)
    applied: list[Correction] = []
    unmatched: list[Correction] = []
    run_kind: str | None = None
    efforts_changed = False
    for c in ordered:
        if c.action == "run_kind":
            run_kind = c.kind
            applied.append(c)
            continue
        result = None if origin is None or frame.empty else _apply_one(frame, origin, c)
        if result is None:
            unmatched.append(c)
            continue
        frame, efforts_changed = result, True
        applied.append(c)
    if efforts_changed:
        primary = primary_kind(frame["kind"])
    if run_kind is not None:
        primary = EffortKind(run_kind)
    frame = frame[[*EFFORT_COLUMNS, "corrected"]]
    return replace(base, efforts=frame, primary=primary, corrected=bool(applied),
                   applied=applied, unmatched=unmatched)


def correct_all(activity_ids: Sequence[int | None], starts: Sequence[Any],
                classifications: Sequence[RunClassification],
                corrections: Iterable[Correction]) -> list[CorrectedRun]:
    """:func:`apply_corrections` for every activity of a season (ids in the same order as
    the classifications; an activity without corrections gets all-False flags)."""
    by_activity: dict[int, list[Correction]] = {}
    for c in corrections:
        by_activity.setdefault(c.activity_id, []).append(c)
    return [apply_corrections(cls, by_activity.get(int(a), []) if a is not None else [], start)
            for a, start, cls in zip(activity_ids, starts, classifications, strict=True)]


def efforts_frame(activity_ids: Sequence[int | None],
                  runs: Sequence[RunClassification]) -> pd.DataFrame:
    """Every run's efforts in one frame: ``activity_id``, :data:`EFFORT_COLUMNS` and
    ``corrected``."""
    kept = [(int(a), r.efforts) for a, r in zip(activity_ids, runs, strict=True)
            if a is not None and len(r.efforts)]
    columns = ["activity_id", *EFFORT_COLUMNS, "corrected"]
    if not kept:
        empty = pd.DataFrame(columns=columns)
        empty["corrected"] = empty["corrected"].astype(bool)
        return empty
    frames = [f[list(EFFORT_COLUMNS)] for _, f in kept]
    out = pd.concat(frames, ignore_index=True)
    out.insert(0, "activity_id", np.repeat([a for a, _ in kept], [len(f) for f in frames]))
    out["corrected"] = np.concatenate([
        f["corrected"].to_numpy(dtype=bool) if "corrected" in f else np.zeros(len(f), bool)
        for _, f in kept])
    return out[columns]


def effort_target(effort: pd.Series | dict[str, Any], origin: pd.Timestamp,
                  ) -> tuple[float, float]:
    """An effort's stretch as a correction targets it: seconds from ``origin``. [s]"""
    return seconds_from(origin, effort["start"]), seconds_from(origin, effort["end"])


def corrected_runs(activities: Sequence[Any], runs: Sequence[CorrectedRun],
                   ) -> list[dict[str, Any]]:
    """One row per corrected run: ``activity_id``, local ``date``, ``name``, ``primary``,
    ``classifier_primary``, ``efforts_corrected`` and ``corrections`` (their descriptions)."""
    rows = []
    for activity, run in zip(activities, runs, strict=True):
        if not run.corrected:
            continue
        start = activity.start_utc
        local = (None if start is None else
                 _utc(start) + pd.Timedelta(seconds=activity.utc_offset_s or 0))
        flags = run.efforts["corrected"].to_numpy(dtype=bool) if "corrected" in run.efforts \
            else np.zeros(0, dtype=bool)
        rows.append({"activity_id": activity.extra.get("activity_id"),
                     "date": None if local is None else local.date().isoformat(),
                     "name": activity.name or activity.label,
                     "primary": None if run.primary is None else str(run.primary),
                     "classifier_primary": (None if run.classifier_primary is None
                                            else str(run.classifier_primary)),
                     "efforts_corrected": int(np.sum(flags)),
                     "corrections": [c.describe() for c in run.applied]})
    return rows


def corrections_html(activities: Sequence[Any], runs: Sequence[CorrectedRun]) -> str:
    """The report's section on what the athlete corrected (empty when nothing)."""
    rows = corrected_runs(activities, runs)
    if not rows:
        return ""
    cells = "".join(
        f"<tr><td>{escape(str(r['date'] or '-'))}</td><td>{escape(str(r['name']))}</td>"
        f"<td>{escape(str(r['primary']))}"
        + (f" (classifier: {escape(str(r['classifier_primary']))})"
           if r["primary"] != r["classifier_primary"] else "")
        + f"</td><td>{escape('; '.join(r['corrections']))}</td></tr>" for r in rows)
    return (f"<h2>Corrected by the athlete</h2><p>{len(rows)} run(s) where the athlete "
            "overruled the classifier; the weeks above count the corrected efforts.</p>"
            "<table><tr><th>date</th><th>run</th><th>kind</th><th>corrections</th></tr>"
            f"{cells}</table>")

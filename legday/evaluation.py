"""Scoring effort detection against synthetic truth and hand-made labels.

Pure functions: nothing here reads files except :func:`load_labels`.

Effort matching
---------------
A detected effort matches a true effort of the same kind when their overlap is
at least half of *each* one's duration. Matching is one-to-one, greedy by
overlap (largest first; ties broken by the closer start, then by order). With
the half-of-each rule two efforts that both qualify for the same partner must
overlap each other heavily, so greedy and optimal matching almost never differ.

The headline effort score is over the *work* kinds (``hill``, ``sprint``,
``interval``), micro-averaged: true positives, false positives and false
negatives are summed over the work kinds (and over runs) before precision,
recall and F1 are computed. ``steady`` and ``recovery`` are reported per kind
but never enter the headline.

Empty cases: precision is 1 when nothing was predicted, recall is 1 when
nothing was there to find, and F1 is 1 only when both are empty.

Label file
----------
``labels/strava-workouts-dev.csv`` has ``file, primary, required, optional,
counts, times, note``; see :func:`load_labels` and :func:`score_labels`.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from legday import schema

KINDS: tuple[str, ...] = schema.EFFORT_KINDS
WORK_KINDS: tuple[str, ...] = schema.WORK_KIND_ORDER
PRIMARY_KINDS: tuple[str, ...] = schema.PRIMARY_KINDS

#: A rep time is matched by an effort lasting within 12 % or 2.5 s of it.
REP_TIME_REL = 0.12
REP_TIME_ABS_S = 2.5
#: ``kind=N`` counts are right within 20 % or 1.
COUNT_REL = 0.20

Efforts = Sequence[Mapping[str, Any]] | pd.DataFrame | Sequence[Any]


# --- effort matching ---------------------------------------------------------------------

@dataclass(frozen=True)
class PRF:
    """Counts of one comparison, with precision, recall and F1."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predictions that matched (1 when nothing was predicted)."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """Share of true efforts found (1 when there was nothing to find)."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall (1 when both sides are empty)."""
        if self.tp + self.fp + self.fn == 0:
            return 1.0
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn)

    def __add__(self, other: PRF) -> PRF:
        return PRF(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict[str, float | int]:
        """Counts and rounded scores."""
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "precision": round(self.precision, 4), "recall": round(self.recall, 4),
                "f1": round(self.f1, 4)}


def _sum(items: Iterable[PRF]) -> PRF:
    total = PRF()
    for item in items:
        total = total + item
    return total


@dataclass(frozen=True)
class Match:
    """One matched pair: indices into the true and predicted lists."""

    kind: str
    true_index: int
    pred_index: int
    overlap_s: float


@dataclass(frozen=True)
class EffortMatch:
    """Result of :func:`match_efforts`.

    Attributes
    ----------
    matches
        The one-to-one matched pairs.
    per_kind
        Counts per kind, for every kind that was scored.
    """

    matches: tuple[Match, ...]
    per_kind: dict[str, PRF]

    @property
    def work(self) -> PRF:
        """Headline: micro-average over hill, sprint and interval."""
        return _sum(self.per_kind.get(k, PRF()) for k in WORK_KINDS)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict: ``work`` (headline), ``per_kind`` and ``matches``."""
        return {
            "work": self.work.to_dict(),
            "per_kind": {k: v.to_dict() for k, v in self.per_kind.items()},
            "matches": [m.__dict__ for m in self.matches],
        }


def _seconds(value: Any) -> float:
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize("UTC")
    return float(ts.value) / 1e9


def normalise_efforts(efforts: Efforts | None) -> list[tuple[str, float, float]]:
    """Efforts as ``(kind, start, end)`` with times in seconds since the epoch.

    Accepts a DataFrame or a sequence of dicts or objects with ``kind``,
    ``start`` and ``end``; times may be Timestamps, datetimes or ISO strings
    (naive ones are taken as UTC).
    """
    return [(kind, start, end) for kind, start, end, _ in _efforts_with_also(efforts)]


def _efforts_with_also(efforts: Efforts | None,
                       ) -> list[tuple[str, float, float, tuple[str, ...]]]:
    if efforts is None:
        return []
    rows: Iterable[Any] = (efforts.to_dict("records") if isinstance(efforts, pd.DataFrame)
                           else efforts)
    out = []
    for row in rows:
        if isinstance(row, Mapping):
            kind, start, end = row["kind"], row["start"], row["end"]
            also = tuple(row.get("also") or ())
        else:
            kind, start, end = row.kind, row.start, row.end
            also = tuple(getattr(row, "also", ()) or ())
        out.append((str(kind), _seconds(start), _seconds(end), also))
    return out


def match_efforts(true: Efforts, predicted: Efforts, kinds: Iterable[str] = KINDS,
                  *, strict: bool = False) -> EffortMatch:
    """Match detected efforts to true ones, one-to-one.

    Parameters
    ----------
    true, predicted
        Efforts with ``kind``, ``start`` and ``end`` (see
        :func:`normalise_efforts`); a true effort may list other kinds it is
        too in ``also`` (a sprint up a hill), which a prediction may match.
        Efforts of kinds not in ``kinds`` are ignored.
    kinds
        Kinds to score.
    strict
        Ignore ``also``: a true effort matches only its own kind.

    Returns
    -------
    EffortMatch
        Matches and per-kind counts (a match counts for the true kind); ``.work``
        is the headline.
    """
    wanted = tuple(kinds)
    t = _efforts_with_also(true)
    p = normalise_efforts(predicted)
    pairs = []
    for i, (kind, s1, e1, also) in enumerate(t):
        if kind not in wanted:
            continue
        accepted = {kind} if strict else {kind, *also}
        for j, (kind_p, s2, e2) in enumerate(p):
            if kind_p not in accepted or kind_p not in wanted:
                continue
            overlap = min(e1, e2) - max(s1, s2)
            if overlap > 0 and overlap >= 0.5 * (e1 - s1) and overlap >= 0.5 * (e2 - s2):
                pairs.append((-overlap, abs(s1 - s2), i, j, overlap))
    pairs.sort()
    used_t: set[int] = set()
    used_p: set[int] = set()
    matches: list[Match] = []
    for _, _, i, j, overlap in pairs:
        if i in used_t or j in used_p:
            continue
        used_t.add(i)
        used_p.add(j)
        matches.append(Match(t[i][0], i, j, overlap))
    per_kind: dict[str, PRF] = {}
    for kind in wanted:
        tp = sum(1 for m in matches if m.kind == kind)
        n_true = sum(1 for e in t if e[0] == kind)
        fp = sum(1 for j, e in enumerate(p) if e[0] == kind and j not in used_p)
        per_kind[kind] = PRF(tp, fp, n_true - tp)
    return EffortMatch(tuple(matches), per_kind)


# --- synthetic sets ----------------------------------------------------------------------

def _lookup(predictions: Mapping[str, Any], file: str) -> Any:
    path = Path(file)
    for key in (file, path.name, path.stem):
        if key in predictions:
            return predictions[key]
    return None


@dataclass(frozen=True)
class SyntheticScore:
    """Result of :func:`score_synthetic`.

    Attributes
    ----------
    n_runs
        Runs in the truth.
    missing
        Files without a prediction (scored as wrong primary, no efforts).
    primary_accuracy
        Share of runs whose primary was right.
    balanced_primary_accuracy
        Mean over true primaries of the share right.
    primary_confusion
        ``{true: {predicted: count}}``; ``missing`` for absent predictions.
    efforts
        Effort counts per kind summed over all runs; ``.work`` is the headline.
    by_workout
        Per workout: runs, primary accuracy and work-kind F1.
    """

    n_runs: int
    missing: tuple[str, ...]
    primary_accuracy: float
    balanced_primary_accuracy: float
    primary_confusion: dict[str, dict[str, int]]
    efforts: EffortMatch
    by_workout: dict[str, dict[str, float]]

    def to_dict(self) -> dict[str, Any]:
        """Plain dict (efforts without the list of matches)."""
        return {
            "n_runs": self.n_runs,
            "missing": list(self.missing),
            "primary_accuracy": round(self.primary_accuracy, 4),
            "balanced_primary_accuracy": round(self.balanced_primary_accuracy, 4),
            "primary_confusion": self.primary_confusion,
            "efforts": {"work": self.efforts.work.to_dict(),
                        "per_kind": {k: v.to_dict() for k, v in self.efforts.per_kind.items()}},
            "by_workout": self.by_workout,
        }


def _balanced(right: Mapping[str, int], total: Mapping[str, int]) -> float:
    classes = [c for c in total if total[c]]
    return sum(right.get(c, 0) / total[c] for c in classes) / len(classes) if classes else 1.0


def score_synthetic(truth: Sequence[Mapping[str, Any]],
                    predictions: Mapping[str, Mapping[str, Any]], *,
                    strict: bool = False) -> SyntheticScore:
    """Score predictions on a synthetic set.

    Parameters
    ----------
    truth
        Entries of ``truth.json``: ``file``, ``workout``, ``primary``,
        ``efforts``.
    predictions
        ``{file: {"primary": str, "efforts": [...]}}`` keyed by the truth's
        ``file`` (its name or stem also work).
    strict
        Ignore the truth's alternatives (``also`` of an effort, ``primary_also``
        of a run): a sprint up a hill must be called a hill.
    """
    missing: list[str] = []
    confusion: dict[str, dict[str, int]] = {}
    right: dict[str, int] = {}
    total: dict[str, int] = {}
    per_kind: dict[str, PRF] = {k: PRF() for k in KINDS}
    matches: list[Match] = []
    workouts: dict[str, list[tuple[bool, PRF]]] = {}
    for entry in truth:
        file = str(entry["file"])
        pred = _lookup(predictions, file)
        if pred is None:
            missing.append(file)
            pred = {"primary": "missing", "efforts": []}
        expected = str(entry["primary"])
        got = str(pred.get("primary"))
        confusion.setdefault(expected, {})
        confusion[expected][got] = confusion[expected].get(got, 0) + 1
        total[expected] = total.get(expected, 0) + 1
        ok = got == expected or (not strict and got in entry.get("primary_also", ()))
        right[expected] = right.get(expected, 0) + int(ok)
        result = match_efforts(entry["efforts"], pred.get("efforts") or [], KINDS,
                               strict=strict)
        for kind, prf in result.per_kind.items():
            per_kind[kind] = per_kind[kind] + prf
        matches.extend(result.matches)
        workouts.setdefault(str(entry.get("workout", "?")), []).append((ok, result.work))
    n = len(truth)
    by_workout = {
        w: {"runs": len(items),
            "primary_accuracy": round(sum(ok for ok, _ in items) / len(items), 4),
            "work_f1": round(_sum(prf for _, prf in items).f1, 4)}
        for w, items in sorted(workouts.items())
    }
    return SyntheticScore(
        n_runs=n,
        missing=tuple(missing),
        primary_accuracy=sum(right.values()) / n if n else 1.0,
        balanced_primary_accuracy=_balanced(right, total),
        primary_confusion=confusion,
        efforts=EffortMatch(tuple(matches), per_kind),
        by_workout=by_workout,
    )


# --- real labels -------------------------------------------------------------------------

@dataclass(frozen=True)
class CountRule:
    """``kind=N`` (right within 20 % or 1) or ``kind>=N`` (at least N)."""

    kind: str
    op: Literal["=", ">="]
    n: int

    def satisfied(self, count: int) -> bool:
        """Whether ``count`` detected efforts of :attr:`kind` satisfy the rule."""
        if self.op == ">=":
            return count >= self.n
        return abs(count - self.n) <= max(1.0, COUNT_REL * self.n)

    def __str__(self) -> str:
        return f"{self.kind}{self.op}{self.n}"


_COUNT_RE = re.compile(r"^\s*([a-z]+)\s*(>=|=)\s*(\d+)\s*$")


def parse_counts(text: str) -> tuple[CountRule, ...]:
    """Parse ``"interval=9;sprint>=4"`` into rules (empty text: no rules)."""
    rules = []
    for part in (text or "").split(";"):
        if not part.strip():
            continue
        m = _COUNT_RE.match(part)
        if m is None:
            raise ValueError(f"bad count constraint {part!r}")
        op: Literal["=", ">="] = ">=" if m.group(2) == ">=" else "="
        rules.append(CountRule(m.group(1), op, int(m.group(3))))
    return tuple(rules)


def _alternatives(text: str) -> tuple[str, ...]:
    return tuple(x.strip() for x in (text or "").split("|") if x.strip())


@dataclass(frozen=True)
class LabelRow:
    """One labelled activity.

    Attributes
    ----------
    file
        Activity id (the Strava file stem).
    primary
        Acceptable primaries; the first is the row's class.
    required
        Kinds that must each be detected at least once.
    optional
        Kinds that may be detected.
    counts
        Count constraints.
    times
        Rep times the athlete noted. [s]
    note
        The athlete's description.
    """

    file: str
    primary: tuple[str, ...]
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    counts: tuple[CountRule, ...] = ()
    times: tuple[float, ...] = ()
    note: str = ""


def load_labels(path: str | Path) -> list[LabelRow]:
    """Read the label CSV (``file, primary, required, optional, counts, times, note``).

    ``primary``, ``required`` and ``optional`` separate kinds with ``|``;
    ``counts`` separates rules with ``;``; ``times`` are seconds separated by
    spaces (commas and semicolons are accepted too).
    """
    rows = []
    with open(path, newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            times = tuple(float(x) for x in re.split(r"[\s,;]+", rec.get("times") or "")
                          if x)
            rows.append(LabelRow(
                file=str(rec["file"]).strip(),
                primary=_alternatives(rec["primary"]),
                required=_alternatives(rec.get("required") or ""),
                optional=_alternatives(rec.get("optional") or ""),
                counts=parse_counts(rec.get("counts") or ""),
                times=times,
                note=(rec.get("note") or "").strip(),
            ))
    return rows


def match_rep_times(times: Sequence[float], durations: Sequence[float],
                    ) -> list[int | None]:
    """Match noted rep times to effort durations one-to-one.

    A time ``t`` may take an effort lasting within ``max(12 % of t, 2.5 s)``
    of it. The matching has maximum size (augmenting paths), trying closer
    durations first.

    Returns
    -------
    list
        For each time, the index of its effort in ``durations``, or None.
    """
    options = []
    for t in times:
        tol = max(REP_TIME_REL * t, REP_TIME_ABS_S)
        near = [j for j, d in enumerate(durations) if abs(d - t) <= tol]
        options.append(sorted(near, key=lambda j: (abs(durations[j] - t), j)))
    owner: dict[int, int] = {}

    def augment(i: int, seen: set[int]) -> bool:
        for j in options[i]:
            if j in seen:
                continue
            seen.add(j)
            if j not in owner or augment(owner[j], seen):
                owner[j] = i
                return True
        return False

    for i in range(len(times)):
        augment(i, set())
    result: list[int | None] = [None] * len(times)
    for j, i in owner.items():
        result[i] = j
    return result


@dataclass(frozen=True)
class LabelScore:
    """Result of :func:`score_labels`; a metric is None when no row asks for it.

    Attributes
    ----------
    n_rows
        Labelled rows.
    missing
        Rows without a prediction (wrong primary, nothing detected; left out
        of the easy-run false-positive share).
    balanced_primary_accuracy
        Mean over true-primary classes of the share labelled right.
    primary_accuracy
        Plain share of rows labelled right.
    per_class
        ``{class: {"right": r, "rows": n}}``.
    required_recall
        Share of required kinds (over all rows) detected at least once.
    count_accuracy
        Share of count constraints satisfied.
    rep_time_accuracy
        Share of noted rep times matched by a detected work effort.
    easy_fp_share
        Rows labelled only ``steady``: share predicted as anything else.
    details
        Per row: ``file``, ``note``, ``expected``, ``predicted``,
        ``primary_ok`` and ``misses`` (one sentence per miss).
    """

    n_rows: int
    missing: tuple[str, ...]
    balanced_primary_accuracy: float | None
    primary_accuracy: float | None
    per_class: dict[str, dict[str, int]]
    required_recall: float | None
    count_accuracy: float | None
    rep_time_accuracy: float | None
    easy_fp_share: float | None
    details: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Plain dict of everything."""
        def r(x: float | None) -> float | None:
            return None if x is None else round(x, 4)
        return {
            "n_rows": self.n_rows,
            "missing": list(self.missing),
            "balanced_primary_accuracy": r(self.balanced_primary_accuracy),
            "primary_accuracy": r(self.primary_accuracy),
            "per_class": self.per_class,
            "required_recall": r(self.required_recall),
            "count_accuracy": r(self.count_accuracy),
            "rep_time_accuracy": r(self.rep_time_accuracy),
            "easy_fp_share": r(self.easy_fp_share),
            "details": self.details,
        }


def _share(hits: int, total: int) -> float | None:
    return hits / total if total else None


def score_labels(labels: Sequence[LabelRow],
                 predictions: Mapping[Any, Mapping[str, Any]]) -> LabelScore:
    """Score predictions against hand-made labels.

    Parameters
    ----------
    labels
        Rows from :func:`load_labels`.
    predictions
        ``{file id: {"primary": str, "efforts": [...]}}`` keyed by the CSV's
        ``file`` column (the Strava activity file stem; int keys are fine).

    Notes
    -----
    A row with alternatives (``hill|sprint|interval``) is right when the
    predicted primary is any of them; it counts in the class of its first
    alternative. Counts and required kinds look at detected efforts of that
    kind; rep times look at detected ``interval``, ``hill`` and ``sprint``
    efforts.
    """
    preds = {str(k): v for k, v in predictions.items()}
    missing: list[str] = []
    right: dict[str, int] = {}
    rows_per: dict[str, int] = {}
    req_hit = req_total = cnt_hit = cnt_total = time_hit = time_total = 0
    easy_fp = easy_total = 0
    details: list[dict[str, Any]] = []
    for row in labels:
        pred = preds.get(row.file)
        misses: list[str] = []
        if pred is None:
            missing.append(row.file)
            misses.append("no prediction")
            predicted = None
            efforts: list[tuple[str, float, float]] = []
        else:
            predicted = pred.get("primary")
            efforts = normalise_efforts(pred.get("efforts"))
        cls = row.primary[0]
        rows_per[cls] = rows_per.get(cls, 0) + 1
        ok = predicted in row.primary
        right[cls] = right.get(cls, 0) + int(ok)
        if not ok and pred is not None:
            misses.append(f"primary: predicted {predicted}, expected {'|'.join(row.primary)}")
        if row.primary == ("steady",) and pred is not None:
            easy_total += 1
            easy_fp += int(predicted != "steady")
        counts: dict[str, int] = {}
        for kind, _, _ in efforts:
            counts[kind] = counts.get(kind, 0) + 1
        for kind in row.required:
            req_total += 1
            if counts.get(kind, 0) > 0:
                req_hit += 1
            elif pred is not None:
                misses.append(f"required kind {kind} not detected")
        for rule in row.counts:
            cnt_total += 1
            n = counts.get(rule.kind, 0)
            if rule.satisfied(n):
                cnt_hit += 1
            elif pred is not None:
                misses.append(f"count {rule}: detected {n}")
        if row.times:
            durations = [e - s for k, s, e in efforts if k in WORK_KINDS]
            assigned = match_rep_times(row.times, durations)
            time_total += len(row.times)
            time_hit += sum(a is not None for a in assigned)
            for t, a in zip(row.times, assigned, strict=True):
                if a is None and pred is not None:
                    tol = max(REP_TIME_REL * t, REP_TIME_ABS_S)
                    closest = min(durations, key=lambda d: abs(d - t), default=None)
                    near = "no work effort" if closest is None else f"closest {closest:.1f} s"
                    misses.append(f"rep time {t:g} s: no unmatched work effort within "
                                  f"{tol:.1f} s ({near})")
        details.append({"file": row.file, "note": row.note, "expected": "|".join(row.primary),
                        "predicted": predicted, "primary_ok": ok, "misses": misses})
    n = len(labels)
    return LabelScore(
        n_rows=n,
        missing=tuple(missing),
        balanced_primary_accuracy=_balanced(right, rows_per) if n else None,
        primary_accuracy=_share(sum(right.values()), n),
        per_class={c: {"right": right.get(c, 0), "rows": rows_per[c]} for c in sorted(rows_per)},
        required_recall=_share(req_hit, req_total),
        count_accuracy=_share(cnt_hit, cnt_total),
        rep_time_accuracy=_share(time_hit, time_total),
        easy_fp_share=_share(easy_fp, easy_total),
        details=details,
    )


# --- choosing thresholds on one athlete, checking them on another ---------------------------

#: The thresholds the cross-athlete check chooses among (three values each, the shipped one
#: in the middle): how hard work must be for the athlete, how much a rep must stand out
#: from its recoveries, how fast a stride is, and how much GPS altitude must rise.
RULE_GRID: dict[str, tuple[float, ...]] = {
    "work_x_threshold": (0.80, 0.85, 0.90),
    "rep_contrast": (1.2, 1.3, 1.4),
    "stride_x_easy": (1.5, 1.6, 1.7),
    "gps_climb_min_m": (6.0, 10.0, 14.0),
}

#: Metrics of :class:`LabelScore` that the objective averages, and whether higher is better.
OBJECTIVE_METRICS: tuple[tuple[str, bool], ...] = (
    ("balanced_primary_accuracy", True), ("required_recall", True), ("count_accuracy", True),
    ("rep_time_accuracy", True), ("easy_fp_share", False),
)


def objective(score: LabelScore) -> float:
    """One number to choose thresholds by: the mean of the label metrics, the easy-run
    false-positive share counted as ``1 - share`` (metrics no row asks for are left out)."""
    values = []
    for name, higher in OBJECTIVE_METRICS:
        value = getattr(score, name)
        if value is not None:
            values.append(value if higher else 1.0 - value)
    return sum(values) / len(values) if values else 0.0


def rule_grid(grid: Mapping[str, Sequence[float]]) -> list[dict[str, float]]:
    """Every combination of the grid's values, as keyword arguments of ``EffortRules.replace``."""
    combos: list[dict[str, float]] = [{}]
    for name, values in grid.items():
        combos = [{**c, name: float(v)} for c in combos for v in values]
    return combos


# --- the athlete's corrections as truth ------------------------------------------------------

def correction_truth(activity_ids: Sequence[int], runs: Sequence[Any]) -> list[dict[str, Any]]:
    """Truth entries (as :func:`score_synthetic` takes them) from the runs the athlete
    corrected: a corrected run's efforts and kind, as the athlete left them, are what the
    classifier should have found. Runs without corrections are left out (they are the
    classifier's own output). ``runs`` are :class:`legday.corrections.CorrectedRun`."""
    truth = []
    for activity_id, run in zip(activity_ids, runs, strict=True):
        if not getattr(run, "corrected", False) or run.primary is None:
            continue
        efforts = [{"kind": str(r["kind"]), "start": r["start"], "end": r["end"]}
                   for r in run.efforts.to_dict("records")]
        truth.append({"file": str(activity_id), "workout": f"corrected {run.primary}",
                      "primary": str(run.primary), "efforts": efforts})
    return truth

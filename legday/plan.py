"""The plan in the name: the session a runner wrote down, read into an expected structure.

Runners write the session in the activity's name or description ("6x800m / 90s",
"hill reps x4", "3*(4*400m)", "easy + strides"); Garmin structured workouts carry their
steps in the FIT file. :func:`parse` reads such text with a small recursive-descent
grammar (docs/plan.md), :func:`plan_from_workout_steps` reads the FIT steps, and
:func:`compare` sets a plan beside what the classifier found, in sentences that say where
the two disagree instead of trusting either. Nothing here feeds the classifier.

Grammar (case- and accent-insensitive; unknown words are read past)::

    sequence := item (SEP item)*                SEP: + , ; & | then and plus
    item     := word* core? suffix*             words give kinds; free text alone: no plan
    core     := count X ("(" sequence ")" | core | kind-word*)
              | count set-word+ core            "2 sets of 4 hill reps"
              | "(" sequence ")"
              | size ("-" size)*                three or more: a ladder; two: a range
              | count kind-word                 "8 strides"
    suffix   := X count | "/" recovery | rec-word size | size rest-word
              | "(" comment ")" | ("at" | "@") target
    size     := number unit | m:ss | number     bare: metres when >= 50
    X        := "x" | "*" | "×" | "times"
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd

from legday.model import Activity, WorkoutStep, iso_utc
from legday.schema import WORK_KINDS, EffortKind

__all__ = ["Plan", "PlanComparison", "PlannedRep", "Repeat", "Step", "compare", "parse",
           "plan_for", "plan_from_laps", "plan_from_workout_steps", "plan_json", "plan_rows"]

Role = Literal["work", "steady", "warmup", "cooldown", "rest"]
Source = Literal["name", "description", "workout", "laps"]

#: A planned rep this short is a sprint unless the runner names another kind. [m]
SPRINT_REP_M = 150.0
#: A planned rep this brief is a sprint unless the runner names another kind. [s]
SPRINT_REP_S = 20.0
#: How far a found rep may differ from the planned distance or duration and still match.
REP_TOLERANCE = 0.2
_MILE_M = 1609.344
#: A bare number this large after "N x" is a distance in metres ("4x800"). [m]
BARE_METRES_FROM = 50.0


@dataclass(frozen=True)
class Step:
    """One planned segment: a rep, a continuous run, a warm-up, a rest."""

    role: Role
    kind: str | None = None  # the runner's word: hill, strides, tempo, easy...
    distance_m: float | None = None
    duration_s: float | None = None
    recovery_m: float | None = None
    recovery_s: float | None = None


@dataclass(frozen=True)
class Repeat:
    """``count`` times ``body`` (None: a number the runner did not write, as in "strides")."""

    count: int | None
    body: tuple[Step | Repeat, ...]
    ladder: bool = False


Part = Step | Repeat


@dataclass(frozen=True)
class PlannedRep:
    """One work rep of a plan, flattened: its expected effort kind and size."""

    kind: EffortKind
    distance_m: float | None
    duration_s: float | None
    group: int  # which top-level part of the plan it belongs to


@dataclass(frozen=True)
class Plan:
    """What the runner planned, and where legday read it."""

    source: Source
    text: str
    parts: tuple[Part, ...]
    label: str | None = None  # how to write the plan when its parts are measured laps

    @property
    def counted(self) -> bool:
        """Whether every repeat says how many times (so reps can be counted)."""
        return all(_counted(part) for part in self.parts)

    def reps(self) -> list[PlannedRep]:
        """The work reps, in order (a repeat without a count gives one rep)."""
        out: list[PlannedRep] = []
        for group, part in enumerate(self.parts):
            _flatten(part, group, out, ladder=False)
        return out

    @property
    def kinds(self) -> frozenset[str]:
        """The runner's kind words (hill, strides, easy...)."""
        found: set[str] = set()
        for part in self.parts:
            _collect_kinds(part, found)
        return frozenset(found)

    def describe(self) -> str:
        """The plan written back tidily: ``6 x 800 m / 90 s``, ``easy + strides``."""
        return self.label or " + ".join(_describe(part) for part in self.parts)

    def to_dict(self) -> dict[str, Any]:
        reps = self.reps()
        return {"source": self.source, "text": self.text, "plan": self.describe(),
                "reps": len(reps) if self.counted else None,
                # A work lap's kind is not written down: any work effort can match it.
                "rep_kinds": [] if self.source == "laps" else sorted({str(r.kind) for r in reps})}


def _counted(part: Part) -> bool:
    if isinstance(part, Step):
        return True
    return part.count is not None and all(_counted(p) for p in part.body)


def _collect_kinds(part: Part, found: set[str]) -> None:
    if isinstance(part, Step):
        if part.kind:
            found.add(part.kind)
        return
    for inner in part.body:
        _collect_kinds(inner, found)


# ---------------------------------------------------------------------------
# Words

#: Kind words by the start of a word (after accents are stripped), in several languages.
_KIND_PREFIXES: tuple[tuple[str, str], ...] = (
    ("uphill", "hill"), ("hill", "hill"), ("domb", "hill"), ("emelked", "hill"),
    ("cote", "hill"), ("cuesta", "hill"), ("berg", "hill"), ("heuvel", "hill"),
    ("stride", "strides"), ("steigerung", "strides"), ("repuloz", "strides"),
    ("sprint", "sprints"),
    ("tempo", "tempo"), ("threshold", "threshold"), ("kuszob", "threshold"),
    ("seuil", "threshold"), ("umbral", "threshold"), ("schwelle", "threshold"),
    ("easy", "easy"), ("laza", "easy"), ("locker", "easy"), ("footing", "easy"),
    ("rodaje", "easy"), ("regen", "easy"), ("recovery run", "easy"),
    ("long", "long"), ("hosszu", "long"), ("lang", "long"), ("largo", "long"),
    ("progress", "progression"), ("fokozo", "progression"), ("progresiv", "progression"),
    ("fartlek", "fartlek"), ("fahrtspiel", "fartlek"), ("iramjatek", "fartlek"),
    ("interval", "intervals"), ("reszta", "intervals"), ("fraction", "intervals"),
    ("series", "intervals"), ("repeats", "intervals"), ("surge", "intervals"),
    ("warm", "warmup"), ("bemeleg", "warmup"), ("wu", "warmup"), ("einlauf", "warmup"),
    ("cool", "cooldown"), ("levezet", "cooldown"), ("cd", "cooldown"), ("auslauf", "cooldown"),
)
#: Words that name a kind only after a count or a distance ("8 x 15 s flying").
_REP_WORDS = {"flying": "sprints", "spikes": "sprints", "dashes": "sprints",
              "dash": "sprints"}
#: Kinds that make reps (work) even without a count.
_WORK_WORDS = frozenset({"hill", "strides", "sprints", "intervals", "fartlek"})
_SESSION_WORDS = frozenset({"tempo", "threshold", "easy", "long", "progression"})
_EXACT_KINDS = {"wu": "warmup", "cd": "cooldown"}

_UNITS: dict[str, tuple[str, float]] = {
    **{w: ("m", 1.0) for w in ("m", "meter", "meters", "metre", "metres", "mtr")},
    **{w: ("m", 1000.0) for w in ("k", "km", "kms", "kilometer", "kilometers", "kilometre",
                                  "kilometres")},
    **{w: ("m", _MILE_M) for w in ("mi", "mile", "miles")},
    **{w: ("s", 1.0) for w in ("s", "sec", "secs", "second", "seconds", "mp", "sek", "seg",
                               '"', "''")},
    **{w: ("s", 60.0) for w in ("min", "mins", "minute", "minutes", "perc", "minuten", "'",
                                "p")},
    **{w: ("s", 3600.0) for w in ("h", "hr", "hrs", "hour", "hours", "ora")},
}
_X_WORDS = frozenset({"x", "times"})
_PART_WORDS = frozenset({"part", "pt", "no", "nr", "number", "day", "week", "session"})
_SET_WORDS = frozenset({"sets", "set", "reps", "rep", "of", "sorozat", "series", "serie"})
_RECOVERY_WORDS = frozenset({"r", "rec", "recovery", "jog", "walk", "rest", "pause", "standing",
                             "pihenő", "piheno", "seta", "kocogas", "trabpause", "ri",
                             "recup", "recuperacion", "float"})
_SEPARATOR_WORDS = frozenset({"then", "and", "plus", "es", "utana", "dann", "puis", "luego"})
_TARGET_WORDS = frozenset({"at", "@", "in"})

_TOKEN = re.compile(
    r"""(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)
      | (?P<number>\d+(?:\.\d+)?|\d+,\d+(?=\s*(?:km|k|mi|m)\b))
      | (?P<word>[a-z]+|'{1,2}|")
      | (?P<x>[*×])
      | (?P<open>[(\[])
      | (?P<close>[)\]])
      | (?P<slash>/)
      | (?P<sep>[+,;&|\n])
      | (?P<dash>[-–—])
      | (?P<at>@)
    """, re.VERBOSE)


@dataclass(frozen=True)
class _Token:
    type: str
    value: str

    @property
    def number(self) -> float:
        if self.type == "clock":
            total = 0.0
            for piece in self.value.split(":"):
                total = total * 60 + int(piece)
            return total
        return float(self.value.replace(",", "."))


def _normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _tokens(text: str) -> list[_Token]:
    normal = _normalise(text).replace("’", "'").replace("″", '"').replace("′", "'")
    return [_Token(str(m.lastgroup), m.group()) for m in _TOKEN.finditer(normal)]


def _kind_of(word: str) -> str | None:
    if word in _EXACT_KINDS:
        return _EXACT_KINDS[word]
    if len(word) < 3:
        return None
    for prefix, kind in _KIND_PREFIXES:
        if len(prefix) >= 3 and word.startswith(prefix):
            return kind
    return None


# ---------------------------------------------------------------------------
# The parser


@dataclass
class _Quantity:
    metres: float | None = None
    seconds: float | None = None
    values: list[float] = field(default_factory=list)  # a ladder's sizes, in the unit


@dataclass
class _Item:
    kinds: list[str] = field(default_factory=list)
    count: int | None = None
    body: list[Part] | None = None  # from parentheses or a nested repeat
    quantity: _Quantity | None = None
    ladder: list[_Quantity] | None = None
    recovery: _Quantity | None = None
    structured: bool = False  # a count, a quantity or parentheses were read
    multiplied: bool = False  # "N x" was written: even "1 x 600 m" is a rep
    bare: bool = False  # a number without a unit: a distance only inside a repeat
    rest: bool = False  # a quantity of rest ("10 min rest")
    recovering: bool = False  # past the "/" of a recovery


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.at = 0

    def peek(self, ahead: int = 0) -> _Token | None:
        index = self.at + ahead
        return self.tokens[index] if index < len(self.tokens) else None

    def take(self) -> _Token:
        token = self.tokens[self.at]
        self.at += 1
        return token

    def is_(self, kind: str, ahead: int = 0, value: str | None = None) -> bool:
        token = self.peek(ahead)
        return token is not None and token.type == kind and (value is None
                                                            or token.value == value)

    def is_x(self, ahead: int = 0) -> bool:
        token = self.peek(ahead)
        return token is not None and (token.type == "x" or (
            token.type == "word" and token.value in _X_WORDS))

    def is_word_in(self, words: frozenset[str]) -> bool:
        token = self.peek()
        return token is not None and token.type == "word" and token.value in words

    def is_separator(self) -> bool:
        token = self.peek()
        return token is not None and (token.type == "sep" or (
            token.type == "word" and token.value in _SEPARATOR_WORDS))

    def sequence(self, nested: bool) -> list[Part]:
        parts: list[Part] = []
        while self.peek() is not None:
            if self.is_("close"):
                if nested:
                    break
                self.take()
                continue
            if self.is_separator():
                self.take()
                continue
            start = self.at
            part = self.item()
            if part is not None:
                parts.append(part)
            if self.at == start:
                self.take()
        return parts

    def item(self) -> Part | None:
        item = _Item()
        while (token := self.peek()) is not None:
            if token.type == "close" or self.is_separator():
                break
            if token.type == "word":
                self.word(item)
            elif token.type in ("number", "clock"):
                if item.structured and (item.quantity or item.body or item.ladder
                                        or item.count is not None):
                    self.trailing_quantity(item)
                else:
                    self.core(item)
            elif token.type == "open":
                if item.structured or item.kinds:
                    self.skip_group()  # a comment: "hill reps x4 (~55 m climbs)"
                else:
                    self.take()
                    item.body = self.sequence(nested=True) or None
                    if self.is_("close"):
                        self.take()
                    item.structured = item.body is not None
            elif token.type == "slash":
                self.take()
                item.recovering = True  # "/ long walk": no kind word from here on
                if item.recovery is None and (item.quantity or item.body or item.ladder
                                              or item.kinds):
                    item.recovery = self.quantity()
            elif token.type == "x" and self.is_("number", 1):
                self.take()
                if item.count is None:
                    item.count = int(self.take().number)
                    item.structured = True
            elif token.type == "at":
                self.take()
                self.skip_target()
            else:
                self.take()
        return _build(item)

    def word(self, item: _Item) -> None:
        word = self.take().value
        if word in _X_WORDS and self.is_("number"):
            count = int(self.take().number)
            if item.count is None:
                item.count = count
                item.structured = True
            return
        if word in _TARGET_WORDS and self.is_quantity_ahead():
            self.skip_target()
            return
        if word in _RECOVERY_WORDS and (item.quantity or item.body or item.ladder
                                        or item.count):
            if item.recovery is None and self.is_quantity_ahead():
                item.recovery = self.quantity()
            elif item.quantity and not (item.count or item.body or item.kinds):
                item.rest = True  # "10 min rest" between sets
            return
        if word in _PART_WORDS and self.is_("number"):
            self.take()  # "part 1 of 2", "pt 2": no count
            return
        if item.recovering:
            return
        kind = _kind_of(word)
        if kind is None and item.structured:
            kind = _REP_WORDS.get(word)
        if kind is not None:
            item.kinds.append(kind)

    def is_quantity_ahead(self) -> bool:
        return self.is_("number") or self.is_("clock")

    def skip_target(self) -> None:
        """A pace or time target ("at 3:15/km", "@ 83 s/lap"): read past it."""
        if self.is_quantity_ahead():
            self.quantity()
        if self.is_("slash") and self.is_("word", 1):
            self.take()
            self.take()

    def skip_group(self) -> None:
        depth = 0
        while (token := self.peek()) is not None:
            self.take()
            if token.type == "open":
                depth += 1
            elif token.type == "close":
                depth -= 1
                if depth <= 0:
                    return

    def trailing_quantity(self, item: _Item) -> None:
        """A quantity after the item's core: a recovery when a recovery word follows."""
        quantity = self.quantity()
        if self.is_("word") and self.peek() is not None and (
                self.take().value in _RECOVERY_WORDS) and item.recovery is None:
            item.recovery = quantity

    def core(self, item: _Item) -> None:
        if self.is_("clock"):
            item.quantity = self.quantity()
            item.structured = True
            return
        first = self.take().number
        grouped = False
        while self.is_word_in(_SET_WORDS):
            self.take()
            grouped = True
        if grouped and (self.is_("number") or self.is_("open")):
            self.repeat(item, first)  # "2 sets of 4 hill reps"
            return
        if self.is_x() and (self.is_("number", 1) or self.is_("open", 1)
                            or self.is_("clock", 1) or self.is_("word", 1)):
            self.take()
            self.repeat(item, first)
            return
        values = [first]
        while self.is_("dash") and self.is_("number", 1):
            self.take()
            values.append(self.take().number)
        unit = self.unit()
        if unit is None:
            if first < BARE_METRES_FROM:
                if self.counts_something():  # "8 strides", "6-8 short hill reps"
                    item.count = int(round(min(values)))
                    item.structured = True
                return  # "split over 2 files": a number, not a plan
            unit = ("m", 1.0)
            item.bare = True
        kind, scale = unit
        sizes = [v * scale for v in values]
        if len(sizes) >= 3:
            item.ladder = [_size(kind, s) for s in sizes]
        else:
            item.quantity = _size(kind, sum(sizes) / len(sizes))
        item.structured = True

    def counts_something(self) -> bool:
        """Whether a kind word or "reps" follows within a few words (a bare count's object)."""
        for ahead in range(3):
            token = self.peek(ahead)
            if token is None or token.type != "word":
                return False
            if _kind_of(token.value) or token.value in _SET_WORDS or token.value in _REP_WORDS:
                return True
        return False

    def repeat(self, item: _Item, count: float) -> None:
        """After ``count x``: a nested repeat, parentheses, a quantity or kind words."""
        item.multiplied = True
        if self.is_("open"):
            self.take()
            body = self.sequence(nested=True)
            if self.is_("close"):
                self.take()
            item.count, item.body, item.structured = int(count), body, True
            return
        if self.is_("word"):  # "3 x hill reps"
            item.count, item.structured = int(count), True
            return
        inner = _Item()
        self.core(inner)
        if inner.count is not None and (inner.quantity or inner.body or inner.ladder):
            nested = _build(inner)
            item.count = int(count)
            item.body = [nested] if nested is not None else []
        elif inner.count is not None:
            item.count = int(count) * inner.count  # "3 sets x 3 strides"
        else:
            item.count = int(count)
            item.quantity, item.ladder = inner.quantity, inner.ladder
        item.structured = True

    def unit(self) -> tuple[str, float] | None:
        token = self.peek()
        if token is not None and token.type == "word" and token.value in _UNITS:
            self.take()
            return _UNITS[token.value]
        return None

    def quantity(self) -> _Quantity | None:
        if self.is_("clock"):
            return _Quantity(seconds=self.take().number)
        if not self.is_("number"):
            return None
        values = [self.take().number]
        while self.is_("dash") and self.is_("number", 1):
            self.take()
            values.append(self.take().number)
        value = sum(values) / len(values)
        unit = self.unit()
        if unit is None:
            return _Quantity(metres=value) if value >= BARE_METRES_FROM else _Quantity(
                seconds=value * 60)  # "/ 2" after reps means minutes of rest
        return _size(unit[0], value * unit[1])


def _size(kind: str, value: float) -> _Quantity:
    return _Quantity(metres=value) if kind == "m" else _Quantity(seconds=value)


def _role_and_kind(kinds: list[str], repeated: bool) -> tuple[Role, str | None]:
    work = [k for k in kinds if k in _WORK_WORDS]
    session = [k for k in kinds if k in _SESSION_WORDS]
    if "hill" in work:
        return "work", "hill"
    if work:
        return "work", work[0]
    if session:
        return ("work" if repeated else "steady"), session[0]
    if "warmup" in kinds:
        return "warmup", "warmup"
    if "cooldown" in kinds:
        return "cooldown", "cooldown"
    return ("work" if repeated else "steady"), None


def _build(item: _Item) -> Part | None:
    """The part an item describes, or None for free text."""
    repeated = (item.count is not None and item.count > 1) or item.ladder is not None \
        or item.multiplied
    if item.body is not None and item.count is None and not item.quantity:
        if not item.body:
            return None
        # Parentheses alone group; a recovery after them applies to their reps.
        return _with_recovery(Repeat(1, tuple(item.body)), item.recovery)
    role, kind = _role_and_kind(item.kinds, repeated or item.body is not None)
    if not item.structured and kind is None:
        return None
    if item.bare and not repeated and kind is None:
        return None  # "Relay 2025": a number, not a distance
    if item.rest and item.quantity is not None and not repeated:
        return Step("rest", None, item.quantity.metres, item.quantity.seconds)
    recovery = item.recovery or _Quantity()
    if item.ladder is not None:
        steps = tuple(Step(role, kind, q.metres, q.seconds, recovery.metres, recovery.seconds)
                      for q in item.ladder)
        body: tuple[Part, ...] = steps
        if item.count is not None and item.count > 1:
            return Repeat(item.count, (Repeat(1, steps, ladder=True),))
        return Repeat(1, body, ladder=True)
    if item.body is not None:
        inner = tuple(_as_work(p, kind) for p in item.body)
        return _with_recovery(Repeat(item.count or 1, inner), item.recovery)
    quantity = item.quantity or _Quantity()
    if quantity.metres is None and quantity.seconds is None and item.count is None and \
            kind is None:
        return None
    step = Step(role, kind, quantity.metres, quantity.seconds, recovery.metres, recovery.seconds)
    if item.count is not None and role == "work":
        return Repeat(item.count, (Step("work", *_fields(step)[1:]),))
    if role == "work":
        return Repeat(None, (step,))  # "hill reps", "strides": a number not written
    if role == "steady" and kind is None and item.recovery is not None:
        return None
    return step


def _fields(step: Step) -> tuple[Any, ...]:
    return (step.role, step.kind, step.distance_m, step.duration_s, step.recovery_m,
            step.recovery_s)


def _as_work(part: Part, kind: str | None) -> Part:
    """A part repeated by the runner: its continuous steps are reps, of ``kind`` if unnamed."""
    if isinstance(part, Step):
        if part.role in ("work", "steady"):
            return Step("work", part.kind or kind, *_fields(part)[2:])
        return part
    return Repeat(part.count, tuple(_as_work(p, kind) for p in part.body), part.ladder)


def _with_recovery(part: Part, recovery: _Quantity | None) -> Part:
    if recovery is None:
        return part
    if isinstance(part, Step):
        if part.recovery_m is None and part.recovery_s is None and part.role == "work":
            return Step(part.role, part.kind, part.distance_m, part.duration_s,
                        recovery.metres, recovery.seconds)
        return part
    return Repeat(part.count, tuple(_with_recovery(p, recovery) for p in part.body),
                  part.ladder)


def parse(text: str | None, source: Source = "name") -> Plan | None:
    """The plan written in ``text``, or None when the text plans nothing.

    Free text ("Morning Run", "Fishing trip") gives None: a plan needs a count, a
    distance or duration, or a kind word (hill, strides, tempo, easy...). A plan of
    only a warm-up or cool-down is no plan either.
    """
    if not text or not text.strip():
        return None
    parts = _Parser(_tokens(text)).sequence(nested=False)
    parts = [_as_repeat_if_work(p) for p in parts]
    if not any(_plans_something(p) for p in parts):
        return None
    return Plan(source, text.strip(), tuple(parts))


def _as_repeat_if_work(part: Part) -> Part:
    if isinstance(part, Step) and part.role == "work":
        return Repeat(1, (part,))
    return part


def _plans_something(part: Part) -> bool:
    if isinstance(part, Step):
        return part.role == "steady" and (part.kind is not None or part.distance_m is not None
                                          or part.duration_s is not None)
    return any(_plans_something(p) or (isinstance(p, Step) and p.role == "work")
               for p in part.body)


# ---------------------------------------------------------------------------
# Flattening and describing


def _expected_kind(step: Step, ladder: bool) -> EffortKind:
    if step.kind == "hill":
        return EffortKind.HILL
    if step.kind in ("strides", "sprints"):
        return EffortKind.SPRINT
    if step.kind is None and not ladder:
        short = (step.distance_m is not None and step.distance_m <= SPRINT_REP_M) or (
            step.distance_m is None and step.duration_s is not None
            and step.duration_s <= SPRINT_REP_S)
        if short:
            return EffortKind.SPRINT
    return EffortKind.INTERVAL


def _flatten(part: Part, group: int, out: list[PlannedRep], ladder: bool) -> None:
    if isinstance(part, Step):
        if part.role == "work":
            out.append(PlannedRep(_expected_kind(part, ladder), part.distance_m,
                                  part.duration_s, group))
        return
    for _ in range(part.count if part.count is not None else 1):
        for inner in part.body:
            _flatten(inner, group, out, ladder or part.ladder)


def _fmt_m(metres: float) -> str:
    miles = metres / _MILE_M
    if miles >= 0.99 and abs(miles - round(miles * 4) / 4) < 0.001:
        return f"{round(miles * 4) / 4:g} mi"  # written in miles: shown in miles
    if metres >= 1000 and metres % 100 == 0 or metres >= 3000:
        km = metres / 1000
        return f"{km:g} km" if km == round(km, 1) else f"{km:.2f} km"
    return f"{metres:.0f} m"


def _fmt_s(seconds: float) -> str:
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    if seconds >= 180:
        return f"{int(seconds // 60)}:{int(round(seconds % 60)):02d}"
    return f"{seconds:.0f} s"


def _fmt_clock(seconds: float) -> str:
    """A measured duration: ``45 s`` or ``1:51``."""
    whole = int(round(seconds))
    return f"{whole} s" if whole < 60 else f"{whole // 60}:{whole % 60:02d}"


def _size_text(distance_m: float | None, duration_s: float | None) -> str:
    if distance_m is not None:
        return _fmt_m(distance_m)
    if duration_s is not None:
        return _fmt_s(duration_s)
    return ""


_KIND_LABELS = {"hill": "hill reps", "warmup": "warm-up", "cooldown": "cool-down"}


def _describe_step(step: Step) -> str:
    size = _size_text(step.distance_m, step.duration_s)
    if step.role == "rest":
        return f"{size} rest"
    label = _KIND_LABELS.get(step.kind or "", step.kind or "")
    if size and step.kind in ("hill", "strides", "sprints"):
        label = {"hill": "hill", "strides": "strides", "sprints": "sprints"}[step.kind or ""]
    text = " ".join(p for p in (size, label) if p) or "reps"
    rest = _size_text(step.recovery_m, step.recovery_s)
    return f"{text} / {rest}" if rest else text


def _describe(part: Part) -> str:
    if isinstance(part, Step):
        return _describe_step(part)
    if part.ladder:
        steps = [p for p in part.body if isinstance(p, Step)]
        by_distance = steps[0].distance_m is not None
        sizes = "-".join(f"{(s.distance_m if by_distance else s.duration_s) or 0:g}"
                         for s in steps)
        unit = "m" if by_distance else "s"
        rest = _size_text(steps[0].recovery_m, steps[0].recovery_s)
        return f"ladder {sizes} {unit}" + (f" / {rest}" if rest else "")
    inner = " + ".join(_describe(p) for p in part.body)
    if part.count is None:
        sized = any(not isinstance(p, Step) or _size_text(p.distance_m, p.duration_s)
                    for p in part.body)
        return f"({inner}) repeated" if sized else inner
    if part.count == 1:
        return inner
    only = part.body[0]
    if len(part.body) == 1 and isinstance(only, Step) and only.kind and not _size_text(
            only.distance_m, only.duration_s) and only.recovery_m is None \
            and only.recovery_s is None:
        return f"{part.count} {inner}"
    if len(part.body) > 1 or (isinstance(part.body[0], Repeat) and part.body[0].count != 1):
        return f"{part.count} x ({inner})"
    return f"{part.count} x {inner}"


# ---------------------------------------------------------------------------
# Garmin structured workouts and lap intensity

_WORK_INTENSITIES = frozenset({"active", "interval"})
_REST_INTENSITIES = frozenset({"rest", "recovery"})


def plan_from_workout_steps(steps: Sequence[WorkoutStep],
                            name: str | None = None) -> Plan | None:
    """The plan of a FIT structured workout (its ``workout_step`` messages, in order).

    A repeat step (``repeat_until_steps_cmplt``) runs the steps from ``repeat_from``
    ``repeat_count`` times; rest and recovery steps are the recovery of the work step
    before them; warm-up and cool-down steps are continuous running.
    """
    placed: list[tuple[int, Part]] = []
    for step in steps:
        kind = step.duration_type or ""
        if kind.startswith("repeat"):
            back_to = step.repeat_from or 0
            body = _attach_rests([part for at, part in placed if at >= back_to])
            placed = [(at, part) for at, part in placed if at < back_to]
            if body:
                placed.append((back_to, Repeat(step.repeat_count or None,
                                               tuple(_as_work(p, None) for p in body))))
            continue
        distance = _positive(step.distance_m) if kind == "distance" else None
        duration = _positive(step.duration_s) if kind == "time" else None
        intensity = step.intensity or "active"
        role: Role = ("warmup" if intensity == "warmup" else "cooldown"
                      if intensity == "cooldown" else "rest"
                      if intensity in _REST_INTENSITIES else "work")
        placed.append((step.index, Step(role, role if role in ("warmup", "cooldown") else None,
                                        distance, duration)))
    parts = _attach_rests([part for _, part in placed])
    if not any(isinstance(p, Repeat) or (isinstance(p, Step) and p.role == "work")
               for p in parts):
        return None
    return Plan("workout", name or "structured workout",
                tuple(_as_repeat_if_work(p) for p in parts))


def _attach_rests(parts: list[Part]) -> list[Part]:
    """Rest steps become the recovery of the work step before them."""
    out: list[Part] = []
    for part in parts:
        if isinstance(part, Step) and part.role == "rest" and out and isinstance(
                out[-1], Step) and out[-1].role == "work":
            last = out[-1]
            out[-1] = Step(last.role, last.kind, last.distance_m, last.duration_s,
                           part.distance_m, part.duration_s)
            continue
        out.append(part)
    return [p for p in out if not (isinstance(p, Step) and p.role == "rest")]


def plan_from_laps(laps: pd.DataFrame) -> Plan | None:
    """The plan that a workout's lap intensities record: each work lap is a rep, a rest or
    recovery lap after it its recovery. None unless the laps mix work with rest or
    recovery (a watch that marks every lap "active" or "interval" says nothing)."""
    names = [i if isinstance(i, str) else "" for i in laps["intensity"]]
    if not any(n in _REST_INTENSITIES for n in names) or not any(
            n in _WORK_INTENSITIES for n in names):
        return None
    steps: list[Part] = []
    for name, distance, duration in zip(names, laps["distance_m"], laps["timer_s"],
                                        strict=True):
        if name in _WORK_INTENSITIES:
            steps.append(Step("work", None, _round(distance), _round(duration)))
        elif name in _REST_INTENSITIES:
            steps.append(Step("rest", None, _round(distance), _round(duration)))
    body = _attach_rests(steps)
    sizes = [s.distance_m for s in body if isinstance(s, Step) and s.distance_m is not None]
    label = f"{len(body)} work lap{_s(len(body))}"
    if sizes:
        low, high = min(sizes), max(sizes)
        label += f" of {_fmt_m(low)}" if low == high else f" of {low:.0f}-{high:.0f} m"
    label += " between rest laps"
    return Plan("laps", "lap intensity", (Repeat(1, tuple(body)),), label)


def _round(value: Any) -> float | None:
    number = _positive(value)
    return None if number is None else float(round(number))


def _positive(value: Any) -> float | None:
    if isinstance(value, int | float) and math.isfinite(value) and value > 0:
        return float(value)
    return None


def plan_for(activity: Activity) -> Plan | None:
    """An activity's plan: its structured workout, else its description, else its name,
    else its lap intensities (the first that plans something)."""
    workout = activity.workout
    if workout is not None:
        plan = plan_from_workout_steps(workout.steps, workout.name)
        if plan is not None:
            return plan
    return (parse(activity.description, "description") or parse(activity.name, "name")
            or plan_from_laps(activity.laps))


# ---------------------------------------------------------------------------
# Plan beside detection


@dataclass(frozen=True)
class PlanComparison:
    """A plan set beside the efforts found: counts and the sentences to show."""

    plan: Plan
    planned_reps: int | None  # None when the plan does not say how many
    found_reps: int
    agrees: bool
    sentences: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {**self.plan.to_dict(), "found_reps": self.found_reps, "agrees": self.agrees,
                "sentences": list(self.sentences)}


def compare(plan: Plan, efforts: Any) -> PlanComparison:
    """Set ``plan`` beside the ``efforts`` a classification found (its efforts frame, or a
    :class:`legday.efforts.RunClassification`).

    Planned reps are matched with found efforts of the same kind, in order. The sentences
    say what was planned and what was found; where counts, sizes or kinds differ they say
    so rather than trusting either. Efforts of a kind the plan does not name (strides in
    a warm-up, a surge) are mentioned without making the two disagree.
    """
    frame = getattr(efforts, "efforts", efforts)
    work = frame[frame["kind"].astype(str).isin([str(k) for k in WORK_KINDS])]
    whys = work["why"] if "why" in work.columns else pd.Series("", index=work.index)
    found = [_Found(str(k), _finite(d), _finite(t), " stride " in str(why))
             for k, d, t, why in zip(work["kind"], work["distance_m"], work["duration_s"],
                                     whys, strict=True)]
    reps = plan.reps()
    described = plan.describe()
    if not reps:
        return _compare_session(plan, described, found)
    planned: dict[str, list[PlannedRep]] = {}
    if plan.source == "laps":
        # A work lap says nothing of its kind: any work effort can be it.
        planned[_ANY] = reps
        found = [_Found(_ANY, f.distance_m, f.duration_s, f.stride, f.kind) for f in found]
    else:
        for rep in reps:
            planned.setdefault(str(rep.kind), []).append(rep)
    of_kind = {kind: [f for f in found if f.kind == kind] for kind in planned}
    for kind in (str(EffortKind.SPRINT), _ANY):
        candidates = of_kind.get(kind)
        if candidates is None or len(candidates) == len(planned[kind]):
            continue
        # Strides in a warm-up are no planned sprint, and planned strides may be all the
        # classifier calls strides: whichever makes the count, else the sprints.
        strides = [f for f in candidates if f.stride]
        others = [f for f in candidates if not f.stride]
        planned_strides = "strides" in plan.kinds
        options = [strides, others] if planned_strides else [others]
        of_kind[kind] = next((o for o in options if len(o) == len(planned[kind])),
                             candidates if planned_strides else others)
    chosen = {id(f) for v in of_kind.values() for f in v}
    matched = len(chosen)
    extra = [f for f in found if id(f) not in chosen]
    if not plan.counted:
        sentences = [f"planned {described}; " + (
            f"found {_count_kinds(sum(of_kind.values(), []))}"
            f"{_range(sum(of_kind.values(), []), by_time=False)}." if matched
            else "found no such efforts.")]
        agrees = matched > 0
    else:
        agrees = all(len(of_kind[k]) == len(v) for k, v in planned.items())
        if agrees:
            sentences = [f"planned {described}; found {matched} rep{_s(matched)}"
                         f"{_aligned_ranges(planned, of_kind)}."]
            size = _size_disagreement(planned, of_kind)
            if size:
                sentences.append(size)
                agrees = False
        else:
            counts = " and ".join(f"{len(v)} {k}{_s(len(v))}" for k, v in planned.items())
            what = "; ".join(
                f"{_count_kinds(of_kind[k]) or 'no ' + k + 's'}"
                f"{_range(of_kind[k], by_time=_by_time(v))}" for k, v in planned.items())
            if len(planned) == 1:
                counts = f"{len(reps)} rep{_s(len(reps))}"
            # "planned 6 x 800 m, found 5" says the count already; a ladder does not.
            counts = "" if described.startswith(f"{len(reps)} ") else f": {counts}"
            sentences = [f"planned {described}{counts}, found {matched}: {what}."]
    if extra:
        sentences.append(f"also found {_count_kinds(extra)} that the plan does not name "
                         "(strides, surges, or reps read as another kind).")
    if "hill" in planned and not of_kind["hill"] and found:
        sentences.append("the plan says hill reps, but no effort was read as a climb: "
                         "either the reps were on the flat or the climb was missed.")
    return PlanComparison(plan, len(reps) if plan.counted else None, matched, agrees,
                          tuple(sentences))


@dataclass(frozen=True, eq=False)
class _Found:
    kind: str
    distance_m: float | None
    duration_s: float | None
    stride: bool = False  # a sprint the classifier calls a stride
    effort_kind: str | None = None  # the classifier's kind, when ``kind`` is any work


_ANY = "work effort"


def _s(count: int) -> str:
    return "" if count == 1 else "s"


def _by_time(reps: list[PlannedRep]) -> bool:
    return bool(reps) and all(r.distance_m is None and r.duration_s is not None for r in reps)


def _compare_session(plan: Plan, described: str, found: list[_Found]) -> PlanComparison:
    if all(f.stride for f in found):
        also = (f"also found {_count_kinds(found)} that the plan does not name.",) if found \
            else ()
        return PlanComparison(plan, 0, 0, True, (
            f"planned {described}; found no reps: continuous running.", *also))
    return PlanComparison(plan, 0, len(found), False, (
        f"planned {described} without reps, but found {_count_kinds(found)}: either the plan "
        "changed on the day or the classifier read surges as efforts.",))


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _count_kinds(found: list[_Found]) -> str:
    counts: dict[str, int] = {}
    for rep in found:
        name = "stride" if rep.stride else rep.effort_kind or rep.kind
        counts[name] = counts.get(name, 0) + 1
    return ", ".join(f"{n} {k}{_s(n)}" for k, n in counts.items())


def _range(found: list[_Found], by_time: bool) -> str:
    """`` of 790-812 m`` (durations when the plan gives durations)."""
    values = [f.duration_s if by_time else f.distance_m for f in found]
    numbers = [v for v in values if v is not None]
    if not numbers:
        return ""
    low, high = min(numbers), max(numbers)
    if by_time:
        a, b = _fmt_clock(low), _fmt_clock(high)
        return f" of {a}" if a == b else f" of {a}-{b}"
    if high >= 3000:
        return f" of {low / 1000:.2f}-{high / 1000:.2f} km"
    return f" of {low:.0f}-{high:.0f} m" if round(low) != round(high) else f" of {low:.0f} m"


def _aligned_ranges(planned: dict[str, list[PlannedRep]],
                    of_kind: dict[str, list[_Found]]) -> str:
    """The found sizes by planned group: `` of 790-812 m`` or ``: 5 of 392-410 m, 4 of ...``."""
    groups: dict[int, tuple[list[_Found], list[PlannedRep]]] = {}
    for kind, reps in planned.items():
        for rep, got in zip(reps, of_kind[kind], strict=True):
            entry = groups.setdefault(rep.group, ([], []))
            entry[0].append(got)
            entry[1].append(rep)
    if len(groups) == 1:
        found, reps = next(iter(groups.values()))
        return _range(found, _by_time(reps))
    return ": " + ", ".join(f"{len(found)}{_range(found, _by_time(reps))}"
                            for _, (found, reps) in sorted(groups.items()))


def _size_disagreement(planned: dict[str, list[PlannedRep]],
                       of_kind: dict[str, list[_Found]]) -> str | None:
    """A sentence naming the reps whose size is off the plan by more than the tolerance."""
    off = []
    for kind, reps in planned.items():
        for number, (rep, got) in enumerate(zip(reps, of_kind[kind], strict=True), 1):
            label = f"{'rep' if kind == _ANY else kind} {number}"
            if rep.distance_m is not None and got.distance_m is not None:
                if abs(got.distance_m - rep.distance_m) > REP_TOLERANCE * rep.distance_m:
                    off.append(f"{label} measures {got.distance_m:.0f} m for "
                               f"{_fmt_m(rep.distance_m)}")
            elif rep.duration_s is not None and got.duration_s is not None and (
                    abs(got.duration_s - rep.duration_s) > REP_TOLERANCE * rep.duration_s):
                off.append(f"{label} lasts {_fmt_clock(got.duration_s)} for "
                           f"{_fmt_s(rep.duration_s)}")
    if not off:
        return None
    shown = "; ".join(off[:3]) + (f"; and {len(off) - 3} more" if len(off) > 3 else "")
    return f"the sizes disagree with the plan: {shown}."


def plan_json(activity: Activity, efforts: Any) -> dict[str, Any] | None:
    """The CLI's ``plan`` object for one run: the plan beside its efforts (None without a
    plan)."""
    plan = plan_for(activity)
    return None if plan is None else compare(plan, efforts).to_dict()


def plan_rows(runs: pd.DataFrame, activities: Sequence[Activity],
              efforts_of: Callable[[Activity], pd.DataFrame]) -> list[dict[str, Any]]:
    """The season's runs that carry a plan, oldest first, each with its ``week`` and
    ``file`` and the plan beside what was found (:meth:`PlanComparison.to_dict`).

    ``runs`` is the season's run table (``activity_id`` is the activity's ``id``);
    ``efforts_of`` gives a run's efforts in time order.
    """
    weeks = dict(zip(runs["activity_id"], runs["week"], strict=True))
    rows = []
    for activity in activities:
        week = weeks.get(activity.id)
        plan = plan_for(activity) if week is not None else None
        if plan is None:
            continue
        rows.append({"week": str(week), "file": activity.label, "name": activity.name,
                     "start": iso_utc(activity.start_utc),
                     **compare(plan, efforts_of(activity)).to_dict()})
    return rows

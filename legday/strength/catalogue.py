"""The exercise catalogue: what each exercise works, loaded from ``legday/data/exercises.csv``.

The catalogue is data, not code: one row per exercise with its aliases, movement
pattern, body region, muscle groups and the Garmin FIT exercise categories it
stands for (see docs/strength.md). :meth:`Catalogue.match` finds an exercise
from a name as people and apps write it; :meth:`Catalogue.for_garmin` from a
FIT ``set`` message's category and exercise name.
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from fitparse.profile import FIELD_TYPES

from legday.errors import DataError
from legday.strength.muscles import MUSCLE_GROUPS, REGION_OF_MUSCLE

#: Movement patterns; "lunge" stands for lunge and other single-leg work.
PATTERNS = frozenset({"squat", "hinge", "lunge", "push", "pull", "carry", "core", "isolation"})
REGIONS = frozenset({"lower", "upper", "core", "full"})
CATALOGUE_COLUMNS = ("name", "aliases", "pattern", "region", "single_leg", "primary_muscles",
                     "secondary_muscles", "garmin_categories")

#: Shorthand lifters write, expanded before matching.
ABBREVIATIONS: dict[str, str] = {
    "db": "dumbbell", "dbs": "dumbbell", "bb": "barbell", "kb": "kettlebell", "sl": "single leg",
    "rdl": "romanian deadlift", "rdls": "romanian deadlift", "ohp": "overhead press",
    "bw": "bodyweight", "1": "single", "one": "single", "uni": "single",
    "unilateral": "single", "flye": "fly", "flyes": "fly", "flies": "fly", "tricep": "triceps",
    "bicep": "biceps", "tyre": "tire",
}
#: Equipment and manner words: dropped when the rest of the name still matches.
IGNORED_WORDS = frozenset({
    "dumbbell", "barbell", "cable", "machine", "smith", "kettlebell", "band", "banded",
    "bodyweight", "weighted", "ez", "bar", "plate", "resistance", "assisted", "paused", "pause",
    "tempo", "heavy", "light", "slow", "explosive", "alternating", "alternate", "alt", "lever",
    "loaded",
})
#: Words that carry no meaning for matching ("clean & jerk" = "clean and jerk").
STOP_WORDS = frozenset({"with", "and", "the", "a", "an", "on", "of", "using", "in", "to"})
#: Shortest word that may be corrected as a typo; shorter words are too ambiguous.
TYPO_MIN_LETTERS = 4
#: difflib similarity a misspelt word or name needs to count as the catalogue's.
TYPO_CUTOFF = 0.8
NAME_TYPO_CUTOFF = 0.88


@dataclass(frozen=True)
class Exercise:
    """One catalogue exercise and what it works."""

    name: str
    pattern: str
    region: str
    primary_muscles: tuple[str, ...]
    secondary_muscles: tuple[str, ...]
    garmin_categories: tuple[str, ...]
    single_leg: bool
    aliases: tuple[str, ...]

    @property
    def set_region(self) -> str:
        """The region each of its sets counts towards: its main mover's (the first primary
        muscle), so a thruster or a power clean is a lower-body set, a farmer's carry an
        upper-body one. For a lower, upper or core exercise that is its region."""
        return REGION_OF_MUSCLE[self.primary_muscles[0]]


def _singular(word: str) -> str:
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us")) and len(word) >= 3:
        return word[:-1]
    return word


def name_tokens(name: str) -> tuple[str, ...]:
    """The words of an exercise name as matching sees them.

    Lower case, apostrophes dropped, every other punctuation mark a space,
    abbreviations expanded, plurals made singular and stop words removed.
    """
    text = re.sub(r"['’`]", "", name.lower())
    words = re.sub(r"[^a-z0-9]+", " ", text).split()
    out: list[str] = []
    for word in words:
        word = ABBREVIATIONS.get(word, word)
        for part in word.split():
            part = ABBREVIATIONS.get(_singular(part), _singular(part))
            if part not in STOP_WORDS:
                out.append(part)
    return tuple(out)


def _core(tokens: Iterable[str]) -> tuple[str, ...]:
    return tuple(t for t in tokens if t not in IGNORED_WORDS)


def _key(tokens: Iterable[str]) -> str:
    # Joined without spaces so "pull up", "pull-up" and "pullup" are one key.
    return "".join(tokens)


class Catalogue:
    """The exercises and the indexes that find them by name or Garmin category."""

    def __init__(self, exercises: list[Exercise]) -> None:
        self.exercises = list(exercises)
        self._by_key: dict[str, Exercise] = {}
        self._by_sorted: dict[str, Exercise] = {}
        self._phrases: list[tuple[frozenset[str], tuple[str, ...], Exercise]] = []
        self._garmin: dict[str, Exercise] = {}
        self._memo: dict[str, Exercise | None] = {}
        spellings = [(ex, name_tokens(s)) for ex in exercises for s in (ex.name, *ex.aliases)]
        # Full spellings first, so "dumbbell row" beats a core-word collision with "row".
        for ex, tokens in spellings:
            self._by_key.setdefault(_key(tokens), ex)
        for ex, tokens in spellings:
            core = _core(tokens)
            if core:
                self._by_key.setdefault(_key(core), ex)
                self._by_sorted.setdefault(" ".join(sorted(core)), ex)
                if len(core) >= 2:
                    self._phrases.append((frozenset(core), core, ex))
        self._vocabulary = sorted({t for _, tokens in spellings for t in _core(tokens)})
        for ex in exercises:
            for category in ex.garmin_categories:
                self._garmin.setdefault(category, ex)

    def __len__(self) -> int:
        return len(self.exercises)

    @property
    def garmin_categories(self) -> frozenset[str]:
        """Every Garmin exercise category that maps to an exercise."""
        return frozenset(self._garmin)

    def get(self, name: str) -> Exercise:
        """The exercise with exactly this catalogue name; ``KeyError`` otherwise."""
        for ex in self.exercises:
            if ex.name == name:
                return ex
        raise KeyError(name)

    def match(self, name: str) -> Exercise | None:
        """The catalogue exercise a written name stands for, or None.

        Tried in order: the whole name; the name without equipment and manner
        words; the same words in any order; the longest catalogue name whose
        words all appear in it (at least two words); then misspelt words
        corrected to the catalogue's vocabulary and the whole name compared
        with difflib. Names with no close catalogue name stay unmatched.
        """
        if name not in self._memo:
            self._memo[name] = self._match(name)
        return self._memo[name]

    def _match(self, name: str) -> Exercise | None:
        tokens = name_tokens(name)
        found = self._exact(tokens)
        if found is not None or not _core(tokens):
            return found
        corrected = tuple(self._correct(t) for t in _core(tokens))
        if corrected != _core(tokens):
            found = self._exact(corrected)
            if found is not None:
                return found
        close = difflib.get_close_matches(_key(corrected), list(self._by_key), n=1,
                                          cutoff=NAME_TYPO_CUTOFF)
        return self._by_key[close[0]] if close else None

    def _exact(self, tokens: tuple[str, ...]) -> Exercise | None:
        core = _core(tokens)
        for key in (_key(tokens), _key(core)):
            if key and key in self._by_key:
                return self._by_key[key]
        if not core:
            return None
        if (found := self._by_sorted.get(" ".join(sorted(core)))) is not None:
            return found
        return self._phrase(core)

    def _phrase(self, core: tuple[str, ...]) -> Exercise | None:
        words = set(core)
        candidates = [(len(phrase), phrase[-1] == core[-1], -i, ex)
                      for i, (need, phrase, ex) in enumerate(self._phrases) if need <= words]
        if not candidates:
            return None
        # The head noun comes last in English ("leg press calf raise" is a calf raise).
        best = max(candidates, key=lambda c: (c[1], c[0], c[2]))
        return best[3]

    def _correct(self, token: str) -> str:
        if len(token) < TYPO_MIN_LETTERS or token in self._vocabulary:
            return token
        close = difflib.get_close_matches(token, self._vocabulary, n=1, cutoff=TYPO_CUTOFF)
        return close[0] if close else token

    def for_garmin(self, category: str, exercise_name: str | None = None) -> Exercise | None:
        """The exercise a FIT ``set`` message's category (and exercise name) stands for.

        Parameters
        ----------
        category
            Garmin ``exercise_category`` as snake_case text (``"squat"``, ``"sit_up"``).
        exercise_name
            The FIT ``exercise_name`` value: a number in the category's enum (as
            text, e.g. ``"13"``) or a name. When the catalogue knows the named
            exercise it wins; otherwise the category's default exercise, the first
            catalogue row that lists the category.

        Returns
        -------
        Exercise or None
            None for ``unknown`` and for categories the catalogue does not list.
        """
        cat = re.sub(r"[^a-z0-9]+", "_", category.strip().lower()).strip("_")
        if not cat or cat == "unknown":
            return None
        named = garmin_exercise_name(cat, exercise_name)
        if named is not None:
            found = self.match(named.replace("_", " "))
            if found is not None:
                return found
        return self._garmin.get(cat)


def garmin_exercise_name(category: str, exercise_name: str | None) -> str | None:
    """The FIT profile's name for an exercise number within a category, or the name as given."""
    if exercise_name is None or not str(exercise_name).strip():
        return None
    text = str(exercise_name).strip()
    if not text.isdigit():
        return text
    field_type = FIELD_TYPES.get(f"{category}_exercise_name")
    values: dict[int, str] = getattr(field_type, "values", None) or {}
    return values.get(int(text))


def _split(cell: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split(";") if p.strip())


def _exercise(row: dict[str, str], line: int, where: str) -> Exercise:
    def fail(reason: str) -> DataError:
        return DataError(f"{where}: line {line}: {reason}")

    name = (row.get("name") or "").strip()
    if not name:
        raise fail("exercise without a name")
    pattern, region = row["pattern"].strip(), row["region"].strip()
    if pattern not in PATTERNS:
        raise fail(f"{name}: pattern {pattern!r} is not one of {sorted(PATTERNS)}")
    if region not in REGIONS:
        raise fail(f"{name}: region {region!r} is not one of {sorted(REGIONS)}")
    primary, secondary = _split(row["primary_muscles"]), _split(row["secondary_muscles"])
    unknown = [m for m in primary + secondary if m not in MUSCLE_GROUPS]
    if unknown or not primary:
        raise fail(f"{name}: unknown muscle groups {unknown}" if unknown
                   else f"{name}: no primary muscle group")
    if region != "full" and REGION_OF_MUSCLE[primary[0]] != region:
        raise fail(f"{name}: its main mover {primary[0]} (the first primary muscle) is "
                   f"{REGION_OF_MUSCLE[primary[0]]}, not {region}")
    single_leg = row["single_leg"].strip().lower()
    if single_leg not in ("true", "false"):
        raise fail(f"{name}: single_leg must be true or false, not {single_leg!r}")
    return Exercise(name=name, pattern=pattern, region=region, primary_muscles=primary,
                    secondary_muscles=secondary, garmin_categories=_split(row["garmin_categories"]),
                    single_leg=single_leg == "true", aliases=_split(row["aliases"]))


def read_catalogue(text: str, *, name: str = "exercises.csv") -> Catalogue:
    """Parse catalogue CSV text; :class:`DataError` names the first bad row's line."""
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in CATALOGUE_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise DataError(f"{name}: missing columns {missing}; expected {list(CATALOGUE_COLUMNS)}")
    exercises = [_exercise(row, reader.line_num, name) for row in reader]
    return Catalogue(exercises)


@cache
def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """The catalogue shipped with legday (or one at ``path``), read once and cached."""
    if path is not None:
        return read_catalogue(Path(path).read_text(encoding="utf-8"), name=str(path))
    text = resources.files("legday").joinpath("data/exercises.csv").read_text(encoding="utf-8")
    return read_catalogue(text)

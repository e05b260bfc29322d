"""The vocabulary: docs/weekly.md names every weekly column with its unit and every setting
with its value, as legday/schema.py has them; the weekly table has exactly those columns."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from legday.schema import (
    EFFORT_KINDS,
    OTHER_SPORTS,
    PRIORITY_MUSCLES,
    STRENGTH_KINDS,
    WEEKLY_COLUMNS,
    AnalysisSettings,
    LoadSettings,
)
from legday.strength.muscles import MUSCLE_GROUPS, RUNNER_PRIORITY_MUSCLES

DOCS = (Path(__file__).resolve().parents[1] / "docs" / "weekly.md").read_text()


def _shown(value: object) -> str:
    if isinstance(value, tuple):
        return ", ".join(_shown(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{k} {_shown(v)}" for k, v in value.items())
    return format(value, "g") if isinstance(value, float) else str(value)


def _documented(settings: object) -> list[str]:
    text = " ".join(DOCS.split())
    missing = []
    for field in dataclasses.fields(settings):  # type: ignore[arg-type]
        value = getattr(settings, field.name)
        if isinstance(value, LoadSettings) or field.name == "typical_rpe":
            continue
        line = f"`{field.name}` = {_shown(value)}"
        if line not in text:
            missing.append(line)
    return missing


def test_every_setting_is_documented_with_its_value():
    assert _documented(AnalysisSettings()) == []
    assert _documented(LoadSettings()) == []


def test_every_setting_has_a_unit_and_a_sentence():
    for cls in (AnalysisSettings, LoadSettings):
        for field in dataclasses.fields(cls):
            assert "unit" in field.metadata and field.metadata.get("help"), field.name


def _rows() -> dict[str, str]:
    """``column -> unit`` of the docs' column table (a row may name several columns)."""
    section = DOCS.split("## Columns (per week)", 1)[1].split("\n## ", 1)[0]
    out: dict[str, str] = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([^`]+)`", cells[0])
        units = [u.strip() for u in cells[1].split(",")] if cells[1] else [""]
        for i, name in enumerate(names):
            out[name] = units[min(i, len(units) - 1)]
    return out


def test_the_docs_column_table_is_the_schemas():
    assert _rows() == dict(WEEKLY_COLUMNS)


def expand(pattern: str, muscles: tuple[str, ...]) -> list[str]:
    for key, values in (("{kind}", EFFORT_KINDS), ("{strength_kind}", STRENGTH_KINDS),
                        ("{muscle}", muscles), ("{sport}", OTHER_SPORTS)):
        if key in pattern:
            return [pattern.replace(key, v) for v in values]
    return [pattern]


def test_the_weekly_table_has_exactly_the_schemas_columns():
    from legday.io import read_paths
    from legday.model import Activity
    from legday.season import analyse
    from legday.strength.log import read_strength_csv

    samples = Path(__file__).resolve().parents[1] / "data" / "samples"
    activities = [a for a in read_paths([samples / "season"]) if isinstance(a, Activity)][:6]
    season = analyse(activities, read_strength_csv(samples / "strength_log.csv").entries)
    expected = {c for pattern in WEEKLY_COLUMNS for c in expand(pattern, MUSCLE_GROUPS)}
    assert set(season.weeks.columns) == expected


def test_priority_muscles_are_the_runner_priority_groups_hips_first():
    assert set(PRIORITY_MUSCLES) == set(RUNNER_PRIORITY_MUSCLES)
    assert PRIORITY_MUSCLES[:3] == ("hip_abductors", "hip_adductors", "external_rotators")
    rest = [g for g in MUSCLE_GROUPS if g in RUNNER_PRIORITY_MUSCLES and g not in
            PRIORITY_MUSCLES[:3]]
    assert list(PRIORITY_MUSCLES[3:]) == rest

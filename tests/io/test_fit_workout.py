"""The structured workout a FIT activity carries: its name and steps, read alike by both
decoders and kept on the activity."""

from __future__ import annotations

import gzip

from legday.io.fit import read_fit, read_workout
from legday.model import Workout, WorkoutStep
from tests.conftest import require_realdata
from tests.io.helpers import FIT_T0, fit_bytes

UINT8, UINT16, UINT32, ENUM, STRING = 0x02, 0x84, 0x86, 0x00, 0x07


def _text(value: str, size: int) -> int:
    return int.from_bytes(value.encode().ljust(size, b"\0"), "little")


def _step(index: int, duration_type: int, value: int, intensity: int,
          target_value: int = 0) -> tuple[int, list[tuple[int, int, int, int]]]:
    # workout_step: message_index, duration_type, duration_value, target_type (open),
    # target_value (repeat_steps for a repeat step), intensity
    return (27, [(254, 2, UINT16, index), (1, 1, ENUM, duration_type),
                 (2, 4, UINT32, value), (3, 1, ENUM, 2), (4, 4, UINT32, target_value),
                 (7, 1, ENUM, intensity)])


def _run_with_workout() -> bytes:
    messages = [(0, [(0, 1, ENUM, 4), (1, 2, UINT16, 1), (2, 2, UINT16, 1)])]
    for i in range(60):
        messages.append((20, [(253, 4, UINT32, FIT_T0 + i), (3, 1, UINT8, 140),
                              (5, 4, UINT32, 300 * i)]))
    messages.append((26, [(8, 16, STRING, _text("Track 6x800", 16))]))
    messages += [
        _step(0, 0, 600_000, 2),  # 10 min warm-up (time in ms)
        _step(1, 1, 80_000, 0),  # 800 m active (distance in cm)
        _step(2, 0, 90_000, 1),  # 90 s rest
        _step(3, 6, 1, 0, target_value=6),  # repeat from step 1, 6 times
        _step(4, 5, 0, 3),  # open cool-down
    ]
    messages.append((18, [(253, 4, UINT32, FIT_T0 + 60), (2, 4, UINT32, FIT_T0),
                          (7, 4, UINT32, 60_000), (5, 1, ENUM, 1)]))
    return fit_bytes(messages)


EXPECTED = Workout("Track 6x800", (
    WorkoutStep(0, "time", duration_s=600.0, intensity="warmup"),
    WorkoutStep(1, "distance", distance_m=800.0, intensity="active"),
    WorkoutStep(2, "time", duration_s=90.0, intensity="rest"),
    WorkoutStep(3, "repeat_until_steps_cmplt", repeat_from=1, repeat_count=6,
                intensity="active"),
    WorkoutStep(4, "open", intensity="cooldown"),
))


def test_both_decoders_read_the_workout_onto_the_activity() -> None:
    payload = _run_with_workout()
    [fast] = read_fit(payload, name="track.fit", decoder="fast")
    [slow] = read_fit(payload, name="track.fit", decoder="fitparse")
    assert fast.workout == slow.workout == EXPECTED
    assert fast.points == 60
    assert read_workout(payload, name="track.fit") == EXPECTED


def test_an_activity_without_steps_has_no_workout() -> None:
    from tests.io.helpers import run_fit

    [run] = read_fit(run_fit(), name="run.fit")
    assert run.workout is None
    assert run.summary()["workout"] is None


def test_the_real_strava_workout_run() -> None:
    path = (require_realdata() / "bulk" / "stravaexport__slalom007" / "activities"
            / "12594994234.fit.gz")
    payload = gzip.decompress(path.read_bytes())
    for decoder in ("fast", "fitparse"):
        [run] = read_fit(payload, name=path.name, decoder=decoder)  # type: ignore[arg-type]
        assert run.workout == Workout("Felmérő futás", (
            WorkoutStep(0, "time", duration_s=120.0, intensity="warmup"),
            WorkoutStep(1, "time", duration_s=300.0, intensity="active"),
            WorkoutStep(2, "time", duration_s=120.0, intensity="cooldown")))
    assert Workout.from_dict(run.workout.to_dict()) == run.workout

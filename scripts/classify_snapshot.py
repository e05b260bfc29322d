"""Snapshot every classification output, to check that a faster implementation is the same.

    .venv/bin/python scripts/classify_snapshot.py write BASE.pkl     # on the code before
    .venv/bin/python scripts/classify_snapshot.py compare BASE.pkl   # on the code after
    .venv/bin/python scripts/classify_snapshot.py compare BASE.pkl --rel 1e-9

Classifies the real Strava export, athlete 2, the corpus (FIT, GPX, TCX) and a 40-run
synthetic set, each file alone and (for the export, athlete 2 and the synthetic set) as
one history, and keeps every prepared column, run statistic, profile, effort frame, note
and headline: 1,973 entries on the shared data of 2026-12. ``compare`` prints the
entries that differ (floats must be equal to the bit, NaN equal to NaN) and exits 1
when any does. With ``--rel R`` floats may differ by ``R`` relative to the old value (and
1e-12 absolute near zero): a sum taken in another order changes the last bits only, and
everything else (text, kinds, counts) must still be equal. Not a test: the issue-12 speed
work used it to keep every output bit-identical (about 40 s a run).
"""

from __future__ import annotations

import dataclasses
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.calibration import run_stats  # noqa: E402
from legday.cleaning import prepare_arrays  # noqa: E402
from legday.efforts import RunClassification, classify_activities, classify_run  # noqa: E402
from legday.io import read_paths  # noqa: E402
from legday.model import Activity  # noqa: E402
from legday.synth import generate_set  # noqa: E402

SHARED = ROOT.parent / "shared" / "realdata"


def plain(value: Any) -> Any:
    """``value`` as dicts, lists, numpy arrays and scalars (what pickles and compares)."""
    if isinstance(value, pd.DataFrame):
        return {str(c): plain(value[c]) for c in value.columns} | {"__len__": len(value)}
    if isinstance(value, pd.Series):
        return plain(value.to_numpy())
    if isinstance(value, pd.Categorical):
        return np.asarray(value.astype(str))
    if isinstance(value, pd.DatetimeIndex):
        return value.asi8.copy()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray) and value.dtype == object:
        return [plain(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return value.value
    return value


def _result(rc: RunClassification) -> dict[str, Any]:
    return {"efforts": plain(rc.efforts), "primary": str(rc.primary), "notes": list(rc.notes),
            "profile": plain(rc.profile), "stats": plain(rc.stats),
            "terrain": plain(rc.terrain), "headline": rc.headline()}


def collect() -> dict[str, Any]:
    """Every output, keyed ``set/index/what``."""
    out: dict[str, Any] = {}
    sets = {"export": [SHARED / "bulk" / "stravaexport__slalom007" / "activities"],
            "athlete2": [SHARED / "athlete2"],
            "corpus": [SHARED / "fit", SHARED / "gpx", SHARED / "tcx"]}
    with tempfile.TemporaryDirectory(prefix="legday-snapshot-") as tmp:
        generate_set(tmp, n=40, seed=7)
        sets["synth"] = [Path(tmp)]
        for name, paths in sets.items():
            acts = [r for r in read_paths(paths) if isinstance(r, Activity)]
            acts.sort(key=lambda a: (str(a.start_utc), len(a.samples)))
            for i, act in enumerate(acts):
                key = f"{name}/{i}"
                if act.is_running:
                    frame = prepare_arrays(act)
                    out[key + "/prep"] = {k: plain(v) for k, v in frame.items()
                                          if k != "time"} | {"attrs": dict(frame.attrs)}
                    out[key + "/stats"] = plain(run_stats(frame))
                out[key + "/alone"] = _result(classify_run(act))
            if name != "corpus":
                for i, rc in enumerate(classify_activities(acts)):
                    out[f"{name}/{i}/history"] = _result(rc)
    return out


def differences(new: Any, old: Any, path: str = "", rel: float = 0.0) -> list[str]:
    """Where ``new`` and ``old`` differ, one line each (floats within ``rel`` count as equal)."""
    if isinstance(new, dict) and isinstance(old, dict):
        if set(new) != set(old):
            return [f"{path}: keys {sorted(map(str, set(new) ^ set(old)))[:5]}"]
        return [d for k in new for d in differences(new[k], old[k], f"{path}.{k}", rel)]
    if isinstance(new, list) and isinstance(old, list):
        if len(new) != len(old):
            return [f"{path}: {len(new)} items vs {len(old)}"]
        return [d for i, (a, b) in enumerate(zip(new, old, strict=True))
                for d in differences(a, b, f"{path}[{i}]", rel)]
    if isinstance(new, np.ndarray) or isinstance(old, np.ndarray):
        a, b = np.asarray(new), np.asarray(old)
        if a.shape != b.shape:
            return [f"{path}: shape {a.shape} vs {b.shape}"]
        if a.dtype.kind in "fc" or b.dtype.kind in "fc":
            same = _close(a.astype(float), b.astype(float), rel)
        else:
            same = bool(np.array_equal(a, b))
        return [] if same else [f"{path}: arrays differ"]
    if isinstance(new, float) and isinstance(old, float):
        return [] if _close(np.array(new), np.array(old), rel) else [f"{path}: {new!r} vs {old!r}"]
    return [] if new == old else [f"{path}: {new!r} vs {old!r}"]


def _close(a: np.ndarray, b: np.ndarray, rel: float) -> bool:
    if not rel:
        return bool(np.array_equal(a, b, equal_nan=True))
    return bool(np.allclose(a, b, rtol=rel, atol=1e-12, equal_nan=True))


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    rel = 0.0
    if len(args) == 4 and args[2] == "--rel":
        rel = float(args.pop())
        args.pop()
    if len(args) != 2 or args[0] not in ("write", "compare"):
        print(__doc__)
        return 2
    mode, file = args[0], Path(args[1])
    data = collect()
    if mode == "write":
        file.write_bytes(pickle.dumps(data))
        print(f"{len(data)} entries written to {file}")
        return 0
    found = differences(data, pickle.loads(file.read_bytes()), rel=rel)
    print(f"{len(data)} entries; {len(found)} differences")
    for line in found[:60]:
        print(" ", line)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())

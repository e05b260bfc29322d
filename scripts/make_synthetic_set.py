"""Write a set of synthetic runs (FIT and GPX) with their truth.json.

Usage: python scripts/make_synthetic_set.py OUT_DIR [--n 60] [--seed 1]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from legday.synth import generate_set  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path, help="directory to write the files into")
    parser.add_argument("--n", type=int, default=60, help="number of runs (default 60)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the set (default 1)")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    entries = generate_set(args.out_dir, n=args.n, seed=args.seed)
    elapsed = time.perf_counter() - t0
    formats = Counter(e["format"] for e in entries)
    primaries = Counter(e["primary"] for e in entries)
    workouts = Counter(e["workout"] for e in entries)
    efforts = Counter(eff["kind"] for e in entries for eff in e["efforts"])
    print(f"wrote {len(entries)} runs to {args.out_dir} in {elapsed:.1f} s")
    print("formats:  " + ", ".join(f"{k} {v}" for k, v in sorted(formats.items())))
    print("primary:  " + ", ".join(f"{k} {v}" for k, v in sorted(primaries.items())))
    print("efforts:  " + ", ".join(f"{k} {v}" for k, v in sorted(efforts.items())))
    print("workouts: " + ", ".join(f"{k} {v}" for k, v in sorted(workouts.items())))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

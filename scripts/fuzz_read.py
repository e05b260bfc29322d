"""Fuzz legday's readers with damaged copies of the real corpus files.

Each input is a corpus file (FIT, GPX, TCX or zip, small ones) with seeded damage:
bytes flipped, the file cut, bytes inserted, a span deleted or repeated. Every input
goes through ``legday.io.read_upload`` as an upload would; only legday's own errors
(``legday.errors.LegdayError``, as refusals) may come out. Prints the counts
(inputs, read, refused, other exceptions) and each other exception with the seed
and input that reproduce it; exits 1 if there was any.

    .venv/bin/python scripts/fuzz_read.py [--inputs N] [--seed S] [--max-bytes B]

``tests/io/test_fuzz.py`` runs a few hundred inputs in every test run; ``make fuzz``
runs many more.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import random
import sys
import time
import traceback
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from legday.io import ReadFailure, read_upload  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"
FORMATS = ("fit", "gpx", "tcx", "zip")


def corpus_inputs(realdata: Path = REALDATA, *,
                  max_bytes: int = 150_000) -> list[tuple[str, bytes]]:
    """(name, bytes) of the corpus files up to ``max_bytes`` once decompressed."""
    inputs = []
    with (realdata / "MANIFEST.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["format"] not in FORMATS:
                continue
            data = (realdata / row["path"]).read_bytes()
            name = Path(row["path"]).name
            if data[:2] == b"\x1f\x8b":
                data, name = gzip.decompress(data), name.removesuffix(".gz")
            if 0 < len(data) <= max_bytes:
                inputs.append((name, data))
    return inputs


def damage(rng: random.Random, data: bytes) -> bytes:
    """One seeded kind of damage: flips, a cut, an insertion, a deletion or a repeat."""
    out = bytearray(data)
    kind = rng.randrange(5)
    if kind == 0:
        for _ in range(rng.randint(1, 8)):
            out[rng.randrange(len(out))] = rng.randrange(256)
    elif kind == 1:
        del out[rng.randrange(len(out)):]
    elif kind == 2:
        at = rng.randrange(len(out) + 1)
        out[at:at] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 16)))
    else:
        start = rng.randrange(len(out))
        end = min(len(out), start + rng.randint(1, 512))
        if kind == 3:
            del out[start:end]
        else:
            out[end:end] = out[start:end]
    return bytes(out)


@dataclass
class Outcome:
    counts: Counter[str] = field(default_factory=Counter)
    others: list[str] = field(default_factory=list)  # one report per foreign exception


def fuzz(inputs: list[tuple[str, bytes]], *, count: int, seed: int) -> Outcome:
    """Read ``count`` damaged inputs; count what was read, refused, or raised otherwise."""
    outcome = Outcome()
    for index in range(count):
        rng = random.Random(seed * 1_000_003 + index)
        name, data = inputs[rng.randrange(len(inputs))]
        damaged = damage(rng, data)
        outcome.counts["inputs"] += 1
        try:
            results = list(read_upload(damaged, name=name))
        except Exception:  # noqa: BLE001 - counting what escapes is the point
            outcome.counts["other exceptions"] += 1
            outcome.others.append(f"seed {seed} input {index} ({name}):\n"
                                  + traceback.format_exc())
            continue
        refused = all(isinstance(r, ReadFailure) for r in results)
        outcome.counts["refused" if refused else "read"] += 1
    return outcome


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--inputs", type=int, default=20_000, help="damaged inputs to read")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--max-bytes", type=int, default=150_000,
                        help="largest corpus file used (decompressed) [bytes]")
    args = parser.parse_args()
    inputs = corpus_inputs(max_bytes=args.max_bytes)
    start = time.perf_counter()
    outcome = fuzz(inputs, count=args.inputs, seed=args.seed)
    for report in outcome.others:
        print(report)
    counts = outcome.counts
    print(f"corpus files used: {len(inputs)}; seed {args.seed}; "
          f"{time.perf_counter() - start:.0f} s")
    print(f"inputs: {counts['inputs']}  read: {counts['read']}  refused: {counts['refused']}  "
          f"other exceptions: {counts['other exceptions']}")
    return 1 if counts["other exceptions"] else 0


if __name__ == "__main__":
    raise SystemExit(main())

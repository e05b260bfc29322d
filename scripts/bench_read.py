"""Benchmark: read the corpus FIT files with legday and with plain fitparse.

Both run in the same process on the same decompressed bytes, so the ratio is
meaningful on any machine. Not a test: it prints figures.

    .venv/bin/python scripts/bench_read.py [--limit N] [--repeat R]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import sys
import time
from pathlib import Path

import fitparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from legday.errors import LegdayError  # noqa: E402
from legday.io import read_bytes  # noqa: E402

REALDATA = ROOT.parent / "shared" / "realdata"


def corpus_fit_payloads(limit: int | None) -> list[tuple[str, bytes]]:
    rows = list(csv.DictReader((REALDATA / "MANIFEST.csv").open()))
    out = []
    for row in rows:
        if row["format"] != "fit" or row["fitparse"] != "ok":
            continue
        data = (REALDATA / row["path"]).read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        out.append((row["path"], data))
    return out[:limit] if limit else out


def plain_fitparse(payload: bytes) -> int:
    records = 0
    for message in fitparse.FitFile(payload, check_crc=False).get_messages():
        if message.name == "record":
            message.get_values()
            records += 1
    return records


def legday_read(name: str, payload: bytes) -> int:
    try:
        return sum(a.points for a in read_bytes(payload, name=name))
    except LegdayError:
        return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None, help="only the first N files")
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    payloads = corpus_fit_payloads(args.limit)
    best = {"fitparse": float("inf"), "legday": float("inf")}
    records = {"fitparse": 0, "legday": 0}
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        records["fitparse"] = sum(plain_fitparse(p) for _, p in payloads)
        best["fitparse"] = min(best["fitparse"], time.perf_counter() - t0)
        t0 = time.perf_counter()
        records["legday"] = sum(legday_read(n, p) for n, p in payloads)
        best["legday"] = min(best["legday"], time.perf_counter() - t0)
    rate = {k: records["fitparse"] / best[k] for k in best}
    print(f"files: {len(payloads)}  record messages: {records['fitparse']}  "
          f"legday samples: {records['legday']}")
    for k in ("fitparse", "legday"):
        print(f"{k:9s} {best[k]:8.2f} s  {rate[k]:10.0f} records/s")
    print(f"ratio legday/fitparse (records/s): {rate['legday'] / rate['fitparse']:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

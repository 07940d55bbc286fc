"""Fuzz for as long as you like: python -m tests.fuzz --minutes 60 [--targets jsonl.gz,warc] [--seed N]

Alternates the mutation fuzzer over every target with the hypothesis fuzzers (run with many
more examples than in `pytest`), until the time is up; prints what crashed (saved in
tests/fuzz/crashes/, replayed by every later `pytest`) and what a reader library raised that
the readers only caught as `unreadable_file` (worth a reason of its own?).
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

import pytest

from tests.fuzz.mutate import Report, fuzz
from tests.fuzz.targets import TARGETS


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--targets", help=f"comma-separated, of: {', '.join(TARGETS)} (default: all)")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--no-hypothesis", action="store_true", help="the mutation fuzzer only")
    args = parser.parse_args()
    names = args.targets.split(",") if args.targets else list(TARGETS)
    unknown = [name for name in names if name not in TARGETS]
    if unknown:
        sys.exit(f"unknown target {unknown[0]!r}; choose from {', '.join(TARGETS)}")
    # A runaway allocation becomes a MemoryError (a finding), not the machine's out-of-memory killer.
    resource.setrlimit(resource.RLIMIT_AS, (8 << 30, resource.RLIM_INFINITY))
    deadline = time.monotonic() + args.minutes * 60
    report, rounds, seed = Report(), 0, args.seed
    print(f"fuzzing {', '.join(names)} for {args.minutes:g} min, seed {seed}", flush=True)
    while time.monotonic() < deadline:
        left = deadline - time.monotonic()
        fuzz(
            [TARGETS[name] for name in names],
            seconds=min(600.0, left * (0.75 if not args.no_hypothesis else 1)),
            seed=seed + rounds,
            report=report,
        )
        if not args.no_hypothesis and time.monotonic() < deadline:
            os.environ["CORPUS_FUZZ_PROFILE"] = "long"
            result = pytest.main(
                [
                    "-q",
                    "-p",
                    "no:cacheprovider",
                    "tests/fuzz/test_fuzz.py",
                    "-k",
                    "hypothesis",
                    f"--hypothesis-seed={seed + rounds}",
                ]
            )
            if result != 0:
                report.crashes.append(("hypothesis", Path("tests/fuzz/test_fuzz.py"), f"pytest exit code {result}"))
        rounds += 1
        print(f"after round {rounds}: {sum(report.runs.values()):,} inputs, {len(report.crashes)} crashes", flush=True)
    print(
        f"{sum(report.runs.values()):,} mutated inputs in {args.minutes:g} min: "
        + ", ".join(f"{name} {count:,}" for name, count in report.runs.items())
    )
    for target, path, error in report.crashes:
        print(f"CRASH {target}: {path}\n{error}")
    for (target, note), count in report.notes.most_common(20):
        print(f"note {target}: {count} x {note}")
    sys.exit(1 if report.crashes else 0)


if __name__ == "__main__":
    main()

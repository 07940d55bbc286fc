"""Run every benchmark, or the ones named: python -m benchmarks [pipeline decoding language html]."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("pipeline", "decoding", "language", "html")


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    for name in names:
        if name not in BENCHMARKS:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    sys.argv = sys.argv[:1]  # each benchmark runs with its own defaults
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").main()


if __name__ == "__main__":
    main()

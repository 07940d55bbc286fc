"""Run every benchmark, or the ones named: python -m benchmarks [NAME...], the names being
pipeline decoding language html boilerplate typos dedup quality report scale replay hostile patterns
engines.

Options after a single benchmark's name go to it: python -m benchmarks boilerplate --only zyte-text.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = (
    "pipeline",
    "decoding",
    "language",
    "html",
    "boilerplate",
    "typos",
    "dedup",
    "quality",
    "report",
    "scale",
    "replay",
    "hostile",
    "patterns",
    "engines",
)


def main() -> None:
    args = sys.argv[1:]
    split = next((i for i, arg in enumerate(args) if arg.startswith("-")), len(args))
    names, options = args[:split] or list(BENCHMARKS), args[split:]
    for name in names:
        if name not in BENCHMARKS:
            sys.exit(f"unknown benchmark {name!r}; choose from {', '.join(BENCHMARKS)}")
    if options and len(names) != 1:
        sys.exit("options go to one benchmark at a time: python -m benchmarks NAME --option ...")
    sys.argv = sys.argv[:1] + options  # each benchmark runs with its own defaults unless given options
    for name in names:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(f"benchmarks.bench_{name}").main()


if __name__ == "__main__":
    main()

"""Engines: the local engine (worker processes) against --engine ray on this machine, on the
scale benchmark's documents: wall time, peak memory of the whole process tree (for Ray: the
driver, the cluster it starts and its workers) and a byte comparison of every output file.

    python -m benchmarks engines                        # 20k and 200k documents, all stages, 2 CPUs
    python -m benchmarks engines --sizes 200000 --skip language,typos    # what fits an hour on 2 busy cores

Each Ray run starts its own local cluster with --workers CPUs, as `corpus clean --engine ray`
does without --ray-address, so its wall time includes Ray's start.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from benchmarks.bench_scale import clean, inputs
from benchmarks.memory import Measured


def same_bytes(first: Path, second: Path) -> tuple[bool, int]:
    """Whether every Parquet file of the two outputs is byte-identical; how many files there are."""
    names = sorted(path.name for path in first.glob("*.parquet"))
    if names != sorted(path.name for path in second.glob("*.parquet")):
        return False, len(names)
    return all((first / name).read_bytes() == (second / name).read_bytes() for name in names), len(names)


def row(label: str, docs: int, measured: Measured, baseline: Measured | None) -> str:
    ratio = f"{measured.seconds / baseline.seconds:.2f}x" if baseline else "1.00x"
    return (
        f"{label:<12} {docs:>9,} {measured.seconds:>9.1f} {docs / measured.seconds:>8.0f} {ratio:>9} "
        f"{measured.peak_bytes / 1e9:>8.2f} {measured.peak_main_bytes / 1e9:>8.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000", help="documents, comma-separated")
    parser.add_argument("--workers", type=int, default=2, help="worker processes, and the Ray cluster's CPUs")
    parser.add_argument("--skip", help="stages to turn off in both runs, e.g. language,typos")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "corpus-scale-bench",
        help="where inputs (shared with the scale benchmark) and outputs go",
    )
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    stages = f"--skip {args.skip}" if args.skip else "all stages"
    print(f"engines benchmark: {args.workers} CPUs, {stages}; inputs and outputs in {args.work}")
    print(
        f"\n{'engine':<12} {'documents':>9} {'wall s':>9} {'docs/s':>8} {'vs local':>9} {'peak GB':>8} {'main GB':>8}"
    )
    for docs in (int(n) for n in args.sizes.split(",") if n):
        source = inputs(args.work, docs)
        outs = {engine: args.work / f"engines-{docs}-{engine}" for engine in ("local", "ray")}
        local, _ = clean(source, outs["local"], skip=args.skip, workers=args.workers)
        print(row("local", docs, local, None), flush=True)
        ray, _ = clean(source, outs["ray"], skip=args.skip, workers=args.workers, extra=("--engine", "ray"))
        print(row("ray", docs, ray, local), flush=True)
        identical, files = same_bytes(outs["local"], outs["ray"])
        print(f"{'':<12} {files} output files byte-identical: {identical}", flush=True)

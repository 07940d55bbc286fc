"""Scale: wall time, documents/s, peak memory of the whole process tree and disk, from 20 thousand
to 2 million documents, beside the runner before its out-of-core rework, in the same run.

    python -m benchmarks scale     # 20k, 200k, 2M (language, typos, quality skipped); 20k and 200k with all stages
    python -m benchmarks scale --sizes 20000,200000 --all-stages 20000 --resume-trials 20

The inputs are Reuters-21578 stories perturbed into distinct documents, 5% of them near-duplicates
(benchmarks/scale_data.py), made once per size in --work. "before" is corpus as it was at the
commit named below (the whole package read from git), run on the same input at the sizes that
fit this machine; its dedup decisions are compared with today's. The resume trials kill -9 a run
at random moments and resume it, comparing the output bytes with an uninterrupted run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import polars as pl

from benchmarks import scale_data
from benchmarks.data import REPO
from benchmarks.memory import Measured, disk_bytes, run_measured

BEFORE = "a88772804572b094c0d48e17c2045f12695e39b9"  # main before the out-of-core runner
BEFORE_MAX_DOCS = 200_000  # the in-memory runner needs about 25 KB a document
SKIP = "language,typos"  # the stages without a corpus-wide first pass that cost the most
NEW_STAGES = "quality"  # stages the runner before did not have: skipped too where SKIP is, to compare like with like


def before_checkout(work: Path) -> Path | None:
    """corpus at BEFORE, as a package folder to put on PYTHONPATH (None without git history)."""
    folder = work / f"corpus-{BEFORE[:7]}"
    if not (folder / "corpus").is_dir():
        folder.mkdir(parents=True, exist_ok=True)
        try:
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", BEFORE, "corpus"], capture_output=True, check=True
            ).stdout
        except (OSError, subprocess.CalledProcessError):
            return None
        subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def inputs(work: Path, docs: int) -> Path:
    folder = work / f"input-{docs}"
    done = work / f"input-{docs}.done"  # beside the folder: inside, `corpus clean` would read it as an input
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        scale_data.write(docs, folder)
        done.touch()
    return folder


def clean_command(source: Path, out: Path, *, workers: int, skip: str | None, extra: tuple[str, ...] = ()) -> list[str]:
    """`corpus clean` as this benchmark runs it, with this interpreter."""
    command = [sys.executable, "-m", "corpus", "clean", str(source), "-o", str(out), "--workers", str(workers)]
    return [*command, *(["--skip", skip] if skip else []), *extra]


def clean(
    source: Path,
    out: Path,
    *,
    skip: str | None,
    workers: int,
    pythonpath: Path | None = None,
    extra: tuple[str, ...] = (),
) -> tuple[Measured, int]:
    """One `corpus clean`, measured: the process tree's peak memory and the largest disk use seen."""
    command = clean_command(source, out, workers=workers, skip=skip, extra=("--overwrite", *extra))
    environment = dict(os.environ)
    if pythonpath is not None:
        environment["PYTHONPATH"] = str(pythonpath)
    peak_disk = [0]

    def watch(process_done: list[bool]) -> None:
        while not process_done[0]:
            used = sum(disk_bytes(path) for path in out.parent.glob(f".{out.name}.*") if path.is_dir())
            peak_disk[0] = max(peak_disk[0], used)
            time.sleep(1.0)

    done = [False]
    watcher = threading.Thread(target=watch, args=(done,), daemon=True)
    watcher.start()
    measured = run_measured(command, interval=0.5, env=environment, cwd=out.parent)
    done[0] = True
    watcher.join()
    if measured.returncode != 0:
        raise RuntimeError(f"corpus clean failed on {source}:\n{measured.stderr.strip()[-2000:]}")
    return measured, max(peak_disk[0], disk_bytes(out))


def dedup_decisions(out: Path) -> pl.DataFrame:
    files = sorted(out.glob("dropped*.parquet"))
    return (
        pl.read_parquet(files)
        .filter(pl.col("stage") == "dedup")
        .select("id", "reason", "duplicate_of", "similarity", "detail")
    )


def row(label: str, docs: int, measured: Measured, disk: int) -> str:
    return (
        f"{label:<34} {docs:>10,} {measured.seconds:>9.1f} {docs / measured.seconds:>8.0f} "
        f"{measured.cpu_seconds * 1000 / docs:>10.2f} "
        f"{measured.peak_bytes / 1e9:>8.2f} {measured.peak_main_bytes / 1e9:>8.2f} {disk / 1e9:>8.2f}"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000,200000,2000000", help="documents, --skip language,typos")
    parser.add_argument("--all-stages", default="20000,200000", help="documents, with every stage")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--resume-trials", type=int, default=0, help="kill -9 and resume a run this often")
    parser.add_argument("--resume-documents", type=int, default=50_000, help="the size of that run")
    parser.add_argument(
        "--dedup-check",
        type=int,
        default=20_000,
        help="documents on which to compare dedup's decisions with the runner before (0: no check)",
    )
    parser.add_argument("--no-before", action="store_true", help="skip the runner before the rework")
    parser.add_argument(
        "--work",
        type=Path,
        default=Path(tempfile.gettempdir()) / "corpus-scale-bench",
        help="where inputs (kept between runs) and outputs go",
    )
    args = parser.parse_args(argv)
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    before = None if args.no_before else before_checkout(work)
    print(f"scale benchmark: {args.workers} workers; inputs and outputs in {work}")
    print(
        f"\n{'':<34} {'documents':>10} {'wall s':>9} {'docs/s':>8} {'CPU ms/doc':>10} "
        f"{'peak GB':>8} {'main GB':>8} {'disk GB':>8}"
    )
    results: dict[tuple[str, int], tuple[Measured, int]] = {}
    plans = [(SKIP, int(n)) for n in args.sizes.split(",") if n] + [
        (None, int(n)) for n in args.all_stages.split(",") if n
    ]
    for skip, docs in plans:
        source = inputs(work, docs)
        kind = f"skip {skip}" if skip else "all stages"
        out = work / f"out-{docs}-{'skip' if skip else 'all'}"
        measured, disk = clean(source, out, skip=f"{skip},{NEW_STAGES}" if skip else None, workers=args.workers)
        results[kind, docs] = (measured, disk)
        print(row(f"corpus, {kind}", docs, measured, disk), flush=True)
        if before is not None and docs <= BEFORE_MAX_DOCS:
            old_out = work / f"before-{docs}-{'skip' if skip else 'all'}"
            old, old_disk = clean(source, old_out, skip=skip, workers=args.workers, pythonpath=before)
            print(row(f"before ({BEFORE[:7]}), {kind}", docs, old, old_disk), flush=True)
            shutil.rmtree(old_out, ignore_errors=True)
    _targets(results)
    if before is not None and args.dedup_check:
        _same_dedup_decisions(work, args.dedup_check, args.workers, before)
    if args.resume_trials:
        _resume_trials(work, args.resume_trials, args.workers, args.resume_documents)


def _same_dedup_decisions(work: Path, docs: int, workers: int, before: Path) -> None:
    """Dedup's decisions by both runners on the same text: the stages that change text before
    dedup (boilerplate's rules and others have changed since the runner before) skipped in both."""
    source = inputs(work, docs)
    skip = "boilerplate,language,typos"
    new, old = work / f"dedup-check-{docs}", work / f"dedup-check-{docs}-before"
    clean(source, new, skip=f"{skip},{NEW_STAGES}", workers=workers)
    clean(source, old, skip=skip, workers=workers, pythonpath=before)
    decisions = dedup_decisions(new)
    same = decisions.equals(dedup_decisions(old))
    print(
        f"\ndedup's decisions on {docs:,} documents (--skip {skip}), {len(decisions):,} duplicates: "
        f"identical to the runner before's: {same}"
    )
    shutil.rmtree(new, ignore_errors=True)
    shutil.rmtree(old, ignore_errors=True)


def _targets(results: dict[tuple[str, int], tuple[Measured, int]]) -> None:
    kind = f"skip {SKIP}"
    sizes = sorted(docs for k, docs in results if k == kind)
    if len(sizes) < 2:
        return
    small, large = sizes[0], sizes[-1]
    middle = next((docs for docs in sizes if docs * 10 == large), sizes[-2])
    peak_large = results[kind, large][0].peak_bytes
    peak_middle = results[kind, middle][0].peak_bytes
    rate = {docs: docs / results[kind, docs][0].seconds for docs in sizes}
    cpu = {docs: results[kind, docs][0].cpu_seconds / docs for docs in sizes}
    print(f"\ntargets ({kind}):")
    print(
        f"  peak memory at {large:,} within 1.5x of {middle:,}: {peak_large / peak_middle:.2f}x "
        f"{'met' if peak_large <= 1.5 * peak_middle else 'MISSED'}"
    )
    print(f"  peak memory at {large:,} under 2 GB: {peak_large / 1e9:.2f} GB {'met' if peak_large < 2e9 else 'MISSED'}")
    print(
        f"  docs/s at {large:,} within 20% of {small:,}: {rate[large]:.0f} vs {rate[small]:.0f} "
        f"{'met' if rate[large] >= 0.8 * rate[small] else 'MISSED'}"
    )
    print(
        f"  CPU per document at {large:,} within 20% of {small:,} (what a loaded machine changes least): "
        f"{cpu[large] * 1000:.2f} ms vs {cpu[small] * 1000:.2f} ms "
        f"{'met' if cpu[large] <= 1.2 * cpu[small] else 'MISSED'}"
    )


def _resume_trials(work: Path, trials: int, workers: int, docs: int = 50_000) -> None:
    """kill -9 at random moments, then --resume: byte-identical every time? and how much was redone."""
    source = inputs(work, docs)
    reference = work / "resume-reference"
    measured, _ = clean(source, reference, skip=f"{SKIP},{NEW_STAGES}", workers=workers)
    print(
        f"\nresume: {trials} kill -9 at random moments of a {docs:,}-document run "
        f"(uninterrupted: {measured.seconds:.1f} s), each resumed"
    )
    rng = random.Random(0)
    identical = 0
    redone: list[float] = []
    out = work / "resume-out"
    attempts = 0
    while len(redone) < trials and attempts < 3 * trials:  # a run that finishes before its kill moment is drawn again
        attempts += 1
        trial = len(redone)
        shutil.rmtree(out, ignore_errors=True)
        shutil.rmtree(work / ".resume-out.partial", ignore_errors=True)
        moment = rng.uniform(0.05, 0.95) * measured.seconds
        command = clean_command(source, out, workers=workers, skip=f"{SKIP},{NEW_STAGES}")
        started = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(moment)
        if process.poll() is not None:  # it finished first: no kill to resume from
            print(f"  (the run finished within {moment:.1f} s, before its kill: drawn again)", flush=True)
            continue
        process.send_signal(signal.SIGKILL)
        process.wait()
        killed_after = time.perf_counter() - started
        resumed = subprocess.run([*command, "--resume"], capture_output=True, text=True)
        total = time.perf_counter() - started
        finished = resumed.returncode == 0 or "nothing to resume" in resumed.stderr  # killed after its publish
        same = finished and all(
            (out / path.name).read_bytes() == path.read_bytes() for path in reference.glob("*.parquet")
        )
        identical += same
        spent = total - killed_after
        manifest = json.loads((out / "manifest.json").read_text()) if same else {}
        redone.append(killed_after + spent - measured.seconds)
        print(
            f"  trial {trial + 1:>2}: killed after {killed_after:6.1f} s "
            f"({(manifest.get('timings') or {}).get('resumed_from')}); resumed in {spent:6.1f} s; identical: {same}",
            flush=True,
        )
    print(
        f"  {identical}/{len(redone)} byte-identical; time spent beyond one uninterrupted run: median "
        f"{sorted(redone)[len(redone) // 2]:.1f} s, max {max(redone):.1f} s (start-up, the work redone)"
    )


if __name__ == "__main__":
    main()

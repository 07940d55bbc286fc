"""Pipeline speed on Reuters-21578 beside a plain ftfy + langdetect loop, measured in the same run.

    python -m benchmarks.bench_pipeline [--docs 3000] [--workers 2]

The stories (title and body of those with a BODY, `&#N;` references removed) are written to a
zstd JSONL file first; the pipeline then reads that file and writes its full Parquet output,
so reading and writing are part of its time. The baseline does no reading or writing at all.
Each measurement runs in a fresh Python process that has imported what it needs and loaded
nothing else, as a user's run would: no measurement inherits another's warm caches (the workers
are forked from the process that runs the pipeline).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import ftfy
import orjson
import polars as pl
import zstandard
from langdetect import DetectorFactory, detect_langs
from langdetect.lang_detect_exception import LangDetectException

from benchmarks.data import data_dir
from corpus import pipeline
from corpus.config import load_config

_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\".*?</REUTERS>", re.DOTALL)
_TITLE = re.compile(r"<TITLE>(.*?)</TITLE>", re.DOTALL)
_BODY = re.compile(r"<BODY>(.*?)</BODY>", re.DOTALL)
_NUMERIC_REF = re.compile(r"&#\d+;")


def reuters_stories(limit: int | None = None) -> list[dict[str, str]]:
    """The 19,043 Reuters-21578 stories with a BODY, as {id, text} records, in file order."""
    stories = []
    for path in sorted((data_dir() / "neardup-reuters21578" / "sgm").glob("reut2-*.sgm.gz")):
        raw = gzip.decompress(path.read_bytes()).decode("latin-1")
        for match in _STORY.finditer(raw):
            body = _BODY.search(match.group(0))
            if not body:
                continue
            title = _TITLE.search(match.group(0))
            text = (title.group(1) + "\n\n" if title else "") + body.group(1)
            stories.append({"id": f"reuters-{match.group(1)}", "text": _NUMERIC_REF.sub("", text)})
            if limit and len(stories) == limit:
                return stories
    return stories


def write_jsonl_zst(records: list[dict[str, str]], path: Path) -> None:
    payload = b"".join(orjson.dumps(record) + b"\n" for record in records)
    path.write_bytes(zstandard.ZstdCompressor(level=3).compress(payload))


def baseline_loop(texts: list[str]) -> tuple[float, list[str]]:
    """What a user would write without corpus: ftfy.fix_text then seeded langdetect, per document."""
    DetectorFactory.seed = 0
    labels = []
    started = time.perf_counter()
    for text in texts:
        fixed = ftfy.fix_text(text)
        try:
            labels.append(detect_langs(fixed)[0].lang)
        except LangDetectException:
            labels.append("und")
    return time.perf_counter() - started, labels


def run_pipeline(source: Path, out: Path, workers: int) -> tuple[float, dict[str, float]]:
    config = load_config(None, stages=pipeline.STAGES, run_flags={"workers": workers})
    started = time.perf_counter()
    summary = pipeline.run([source], out, config, overwrite=True)
    return time.perf_counter() - started, dict(summary.cpu)


def _measure_in_fresh_process(*args: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.bench_pipeline", "--measure", *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


def _measure(kind: str, source: Path, out: Path, workers: int) -> None:
    """One measurement, printed as JSON (run by `_measure_in_fresh_process`)."""
    if kind == "baseline":
        records = [orjson.loads(line) for line in zstandard.decompress(source.read_bytes()).splitlines()]
        seconds, labels = baseline_loop([record["text"] for record in records])
        print(json.dumps({"seconds": seconds, "labels": labels}))
    else:
        seconds, cpu = run_pipeline(source, out, workers)
        print(json.dumps({"seconds": seconds, "cpu": cpu}))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000, help="stories to use (0 = all 19,043)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--measure", nargs=3, metavar=("KIND", "SOURCE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        kind, source, out = args.measure
        _measure(kind, Path(source), Path(out), args.workers)
        return

    records = reuters_stories(args.docs or None)
    texts = [record["text"] for record in records]
    megabytes = sum(len(text.encode()) for text in texts) / 1e6
    print(f"pipeline benchmark: {len(texts)} Reuters-21578 stories, {megabytes:.1f} MB of text")

    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / "reuters.jsonl.zst"
        write_jsonl_zst(records, source)
        base = _measure_in_fresh_process("baseline", str(source), tmp)
        base_seconds, base_labels = base["seconds"], base["labels"]
        rows = [("baseline loop: ftfy.fix_text + langdetect", 1, base_seconds, None)]
        outputs = {}
        for workers in sorted({1, args.workers}):
            out = Path(tmp) / f"out{workers}"
            run = _measure_in_fresh_process("pipeline", str(source), str(out), "--workers", str(workers))
            rows.append(
                (
                    f"corpus clean (all {len(pipeline.STAGES)} stages), {workers} worker(s)",
                    workers,
                    run["seconds"],
                    run["cpu"],
                )
            )
            outputs[workers] = out

        print(f"\n{'':<52} {'workers':>7} {'wall s':>8} {'docs/s':>8} {'MB/s':>6} {'vs loop':>8}")
        for label, workers, seconds, _ in rows:
            print(
                f"{label:<52} {workers:>7} {seconds:>8.2f} {len(texts) / seconds:>8.0f} "
                f"{megabytes / seconds:>6.2f} {base_seconds / seconds:>7.2f}x"
            )

        cpu = rows[-1][3]
        stage_cpu = {name: cpu.get(name, 0.0) for name in ("encoding", "language")}
        own = cpu.get("read", 0.0) + cpu.get("write", 0.0)
        print(f"\nCPU seconds by step ({args.workers} workers, summed over processes):")
        for name, seconds in sorted(cpu.items()):
            print(
                f"  {name:<10} {seconds:8.2f}   {len(texts) / max(seconds, 1e-9):>9.0f} docs/s"
                f"   {megabytes / max(seconds, 1e-9):>7.2f} MB/s"
            )
        print(f"  overhead (read + write) / stages: {own / sum(stage_cpu.values()):.1%}")

        frames = {w: pl.read_parquet(path / "documents.parquet") for w, path in outputs.items()}
        identical = all(
            (outputs[w] / name).read_bytes() == (outputs[1] / name).read_bytes()
            for w in outputs
            for name in ("documents.parquet", "edits.parquet", "dropped.parquet")
        )
        ours = frames[args.workers]["language"].to_list()
        answered = [(a, b) for a, b in zip(ours, base_labels) if a != "und"]
        agree = sum(a == b for a, b in answered) / max(len(answered), 1)
        print(
            f"\nlanguage labels agreeing with plain seeded langdetect where not und: {agree:.2%} "
            f"({len(answered)} of {len(ours)} answered)"
        )
        print(f"output byte-identical across worker counts: {identical}")


if __name__ == "__main__":
    main()

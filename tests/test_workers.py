"""The worker pool: results in order whatever the timing; a dead worker is replaced and its batch
run again; a document that kills every worker it meets is dropped as `worker_died`."""

from __future__ import annotations

from pathlib import Path

import orjson
import polars as pl

from corpus import pipeline
from corpus.config import load_config
from corpus.stages.encoding import EncodingStage
from tests.conftest import SEEDS
from tests.stages_for_tests import KillingStage, SlowStage

PARAGRAPHS = [p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text().split("\n\n") if len(p) > 80]


def lines_file(folder: Path, count: int, special: dict[int, str] | None = None) -> Path:
    """`count` real paragraphs as JSONL records; `special` puts a trigger word in some."""
    special = special or {}
    records = [{"id": f"p{n}", "text": PARAGRAPHS[n % len(PARAGRAPHS)] + special.get(n, "")} for n in range(count)]
    path = folder / "paragraphs.jsonl"
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    return path


def clean(source: Path, out: Path, stages: list, workers: int, **stage_flags: dict) -> pipeline.RunSummary:
    config = load_config(None, stages=stages, run_flags={"workers": workers}, stage_flags=stage_flags)
    return pipeline.run([source], out, config, stages=stages)


def tables(out: Path) -> list[bytes]:
    return [(out / name).read_bytes() for name in ("documents.parquet", "edits.parquet", "dropped.parquet")]


def test_results_come_back_in_input_order_when_batches_finish_out_of_order(tmp_path: Path) -> None:
    source = lines_file(tmp_path, 64 * 40)
    clean(source, tmp_path / "one", [EncodingStage, SlowStage], workers=1)
    clean(source, tmp_path / "three", [EncodingStage, SlowStage], workers=3)
    assert tables(tmp_path / "one") == tables(tmp_path / "three")


def test_a_killed_worker_is_replaced_and_its_batch_run_again(tmp_path: Path) -> None:
    source = lines_file(tmp_path, 64 * 6, {200: " ONCE"})
    stages = [EncodingStage, KillingStage]
    clean(source, tmp_path / "killed", stages, workers=2, killing={"marker": str(tmp_path / "killed-once")})
    assert (tmp_path / "killed-once").exists()  # a worker did die
    clean(source, tmp_path / "calm", stages, workers=1, killing={"marker": str(tmp_path / "killed-once")})
    assert tables(tmp_path / "killed") == tables(tmp_path / "calm")


def test_a_document_that_kills_every_worker_is_dropped_and_the_rest_of_its_batch_kept(tmp_path: Path) -> None:
    source = lines_file(tmp_path, 64 * 3, {70: " KILL"})
    summary = clean(source, tmp_path / "out", [EncodingStage, KillingStage], workers=2)
    dropped = pl.read_parquet(tmp_path / "out" / "dropped.parquet")
    assert dropped.select("id", "stage", "reason").rows() == [("p70", "run", "worker_died")]
    assert dropped["detail"].item().startswith("a worker process died on this document twice (killed by signal 9)")
    assert dropped["text"].item().endswith(" KILL")  # as it was when the worker took it
    kept = pl.read_parquet(tmp_path / "out" / "documents.parquet")["id"].to_list()
    assert kept == [f"p{n}" for n in range(64 * 3) if n != 70]
    assert summary.dropped == {("run", "worker_died"): 1}

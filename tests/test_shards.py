"""A large run's output in shards: the same rows as one file, readable with a glob, and every
audit command working on it."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import orjson
import polars as pl
import pytest

import corpus
from tests.conftest import run_cli
from tests.test_dedup import lightly_edited, resendable, stories  # noqa: F401  (a fixture)

CONFIG = '[run]\nshard_rows = 10\nskip = ["language", "typos"]\n'


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory, stories: dict[str, str]) -> Path:
    """45 Reuters stories (5 of them re-sent copies) cleaned in shards of 10 and in one file."""
    folder = tmp_path_factory.mktemp("shards")
    texts = [text for text in stories.values() if resendable(text)][:40]
    records = [{"id": f"r{n}", "text": text} for n, text in enumerate(texts)]
    records[10:10] = [{"id": f"copy{n}", "text": lightly_edited(texts[n])} for n in range(5)]
    (folder / "in.jsonl").write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    (folder / "sharded.toml").write_text(CONFIG)
    (folder / "single.toml").write_text(CONFIG.replace("shard_rows = 10", "shard_rows = 1000"))
    for name, workers in (("sharded", "2"), ("single", "1")):
        done = run_cli("clean", "in.jsonl", "-o", name, "--config", f"{name}.toml", "--workers", workers, cwd=folder)
        assert done.returncode == 0, done.stderr
    return folder


def test_shards_hold_the_rows_of_one_file_in_the_same_order(runs: Path) -> None:
    sharded, single = runs / "sharded", runs / "single"
    names = sorted(path.name for path in sharded.glob("*-0*.parquet"))
    assert names == [f"{table}-{n:05d}.parquet" for table in ("documents", "dropped", "edits") for n in range(4)]
    assert not (sharded / "documents.parquet").exists()
    assert [pl.read_parquet(sharded / f"documents-{n:05d}.parquet").height for n in range(4)] == [10, 10, 10, 10]
    for table in ("documents", "edits", "dropped"):
        assert pl.read_parquet(sharded / f"{table}-*.parquet").equals(pl.read_parquet(single / f"{table}.parquet"))
    # Shard n holds the input from its first kept document to the next shard's first: the drops
    # and edits of those documents too.
    line = pl.col("source").str.split(":").list.last().cast(pl.Int64)
    firsts = [pl.read_parquet(sharded / f"documents-{n:05d}.parquet").select(line.first()).item() for n in range(4)]
    for n, (first, end) in enumerate(zip([1, *firsts[1:]], [*firsts[1:], 10**6])):
        dropped = pl.read_parquet(sharded / f"dropped-{n:05d}.parquet")
        assert dropped.select(line.is_between(first, end, closed="left").all()).item()
        ids = set(pl.read_parquet(sharded / f"documents-{n:05d}.parquet")["id"]) | set(dropped["id"])
        assert set(pl.read_parquet(sharded / f"edits-{n:05d}.parquet")["id"]) <= ids
    assert pl.read_parquet(sharded / "dropped-*.parquet").height == 5
    manifest = json.loads((sharded / "manifest.json").read_text())
    assert manifest["files"]["documents"] == [f"documents-{n:05d}.parquet" for n in range(4)]
    assert json.loads((single / "manifest.json").read_text())["files"]["edits"] == ["edits.parquet"]


def test_duckdb_reads_the_shards_with_a_glob(runs: Path) -> None:
    found = duckdb.sql(f"SELECT count(*), count(DISTINCT id) FROM '{runs / 'sharded'}/documents-*.parquet'").fetchall()[
        0
    ]
    assert found == (40, 40)


def test_every_audit_command_works_on_a_sharded_run(runs: Path) -> None:
    sharded, single = runs / "sharded", runs / "single"
    run = corpus.open(sharded)
    assert run.documents.height == 40 and run.dropped.height == 5
    assert run.original("r33") == corpus.open(single).original("r33")
    for command in (
        ["show", sharded, "r33"],
        ["show", sharded, "copy3", "--original"],
        ["stats", sharded],
        ["diff", sharded, "r33", "--no-color"],
    ):
        assert run_cli(*command).stdout == run_cli(*[single if part == sharded else part for part in command]).stdout
    compared = run_cli("compare", sharded, single)
    assert compared.returncode == 0 and compared.stdout.count("(none)") == 2
    assert run_cli("report", sharded, "-o", runs / "report.html").returncode == 0
    again = run_cli("rerun", sharded / "manifest.json", "-o", runs / "again", cwd=runs)
    assert again.returncode == 0, again.stderr
    for path in sharded.glob("*-0*.parquet"):
        assert (runs / "again" / path.name).read_bytes() == path.read_bytes()

"""Parquet out: shards while the run goes, one file per table at the end, published atomically.

Every table is written with fixed settings and in a fixed row order (input order), so the same
input and config give byte-identical files whatever the number of workers.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl

from corpus.document import Document, Edit, metadata_json
from corpus.errors import RunError, UsageError
from corpus.stages.quality.signals import FAMILIES, SIGNALS

ORDINAL = "_ordinal"  # input position; orders every table, never written to the output

EDIT_STRUCT = pl.Struct(
    {
        "seq": pl.Int32, "stage": pl.String, "rule": pl.String, "start": pl.Int64, "end": pl.Int64,
        "before": pl.String, "after": pl.String, "detail": pl.String,
    }
)
# The quality stage's signals: {family: {signal: value}}, queried as quality.gopher.word_count.
QUALITY_STRUCT = pl.Struct({
    family: pl.Struct({s.name: pl.Int64 if s.kind == "int" else pl.Float64 for s in SIGNALS if s.family == family})
    for family in FAMILIES
})
DOCUMENT_SCHEMA = {
    "id": pl.String, "source": pl.String, "url": pl.String, "text": pl.String,
    "language": pl.String, "language_score": pl.Float64, "published": pl.String, "author": pl.String,
    "encoding": pl.String, "original_sha256": pl.String, "n_edits": pl.Int32, "metadata": pl.String,
    "quality": QUALITY_STRUCT,
}
EDIT_SCHEMA = {"id": pl.String, **EDIT_STRUCT.to_schema()}
DROPPED_SCHEMA = {
    "id": pl.String, "source": pl.String, "stage": pl.String, "reason": pl.String,
    "detail": pl.String, "text": pl.String,
    # duplicates only (dedup stage): the id it duplicates, their Jaccard, and the earlier run holding that id
    "duplicate_of": pl.String, "similarity": pl.Float64, "duplicate_in": pl.String,
}
# Between passes documents wait on disk with their edits so far.
SPILL_SCHEMA = {ORDINAL: pl.Int64, **DOCUMENT_SCHEMA, "edits": pl.List(EDIT_STRUCT)}

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3, "statistics": True}
SHARD_ROWS = 4096  # rows buffered before a shard is written: bounded memory, few files


def document_row(ordinal: int, doc: Document) -> dict[str, Any]:
    return {
        ORDINAL: ordinal, "id": doc.id, "source": doc.source, "url": doc.url, "text": doc.text,
        "language": doc.language, "language_score": doc.language_score, "published": doc.published,
        "author": doc.author, "encoding": doc.encoding,
        "original_sha256": doc.original_sha256, "n_edits": len(doc.edits),
        "metadata": metadata_json(doc.metadata), "quality": doc.quality,
    }


def edit_rows(ordinal: int, doc_id: str, edits: Sequence[Edit]) -> list[dict[str, Any]]:
    return [
        {
            ORDINAL: ordinal, "id": doc_id, "seq": e.seq, "stage": e.stage, "rule": e.rule,
            "start": e.start, "end": e.end, "before": e.before, "after": e.after, "detail": e.detail,
        }
        for e in edits
    ]


def spill_row(ordinal: int, doc: Document) -> dict[str, Any]:
    row = document_row(ordinal, doc)
    row["edits"] = [
        {"seq": e.seq, "stage": e.stage, "rule": e.rule, "start": e.start, "end": e.end,
         "before": e.before, "after": e.after, "detail": e.detail}
        for e in doc.edits
    ]
    return row


def read_spill(path: Path) -> Iterator[tuple[int, Document]]:
    for row in pl.read_parquet(path).iter_rows(named=True):
        doc = Document(
            id=row["id"], source=row["source"], text=row["text"], url=row["url"],
            # stdlib json: orjson would turn integers beyond 64 bits into floats
            encoding=row["encoding"], metadata=json.loads(row["metadata"]),
            original_sha256=row["original_sha256"], language=row["language"],
            language_score=row["language_score"], published=row["published"], author=row["author"],
            quality=row["quality"], edits=[Edit(**edit) for edit in row["edits"]],
        )
        yield row[ORDINAL], doc


class ShardWriter:
    """Buffers rows of one table and writes them as numbered Parquet shards in a folder."""

    def __init__(self, folder: Path, schema: dict[str, Any]) -> None:
        self.folder = folder
        self.schema = {ORDINAL: pl.Int64, **schema} if ORDINAL not in schema else schema
        self.rows: list[dict[str, Any]] = []
        self.paths: list[Path] = []
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= SHARD_ROWS:
            self.flush()

    def extend(self, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.add(row)

    def flush(self) -> None:
        if not self.rows:
            return
        path = self.folder / f"{len(self.paths):06d}.parquet"
        pl.DataFrame(self.rows, schema=self.schema, orient="row").write_parquet(path, **PARQUET_OPTIONS)
        self.paths.append(path)
        self.rows = []


def assemble(shards: Sequence[Path], schema: dict[str, Any], target: Path, *, sort: Sequence[str]) -> int:
    """Concatenate shards into one Parquet file ordered by `sort`, without the ordinal column."""
    if shards:
        frame = pl.scan_parquet(list(shards)).sort(list(sort), maintain_order=True).select(list(schema))
    else:
        frame = pl.DataFrame(schema=schema).lazy()
    frame.sink_parquet(target, **PARQUET_OPTIONS, row_group_size=65536)
    return pl.scan_parquet(target).select(pl.len()).collect().item()


def write_table(frame: pl.DataFrame, target: Path) -> None:
    """A stage's own table (e.g. line_stats.parquet), with the same fixed settings as the others."""
    frame.write_parquet(target, **PARQUET_OPTIONS, row_group_size=65536)


def check_output_folder(out: Path, *, overwrite: bool) -> None:
    """Refuse to clobber a non-empty OUT; dotfiles such as .gitkeep do not count."""
    if out.exists() and not out.is_dir():
        raise UsageError(str(out), "exists and is not a folder", "choose another -o")
    if out.is_dir() and not overwrite and any(not p.name.startswith(".") for p in out.iterdir()):
        raise UsageError(str(out), "output folder exists and is not empty", "use --overwrite or another -o")


@contextmanager
def staging_folder(out: Path) -> Iterator[Path]:
    """A temporary folder beside OUT that replaces it only when the block finishes."""
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = out.parent / f".{out.name}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir()
    try:
        yield staging
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    _publish(staging, out)


def _publish(staging: Path, out: Path) -> None:
    retired = out.parent / f".{out.name}.old-{os.getpid()}"
    try:
        if out.exists():
            for keep in out.iterdir():  # .gitkeep and friends stay with the folder
                if keep.name.startswith(".") and keep.is_file():
                    shutil.copy2(keep, staging / keep.name)
            out.rename(retired)
        staging.rename(out)
    except OSError as error:
        raise RunError(str(out), f"cannot move the finished output into place: {error.strerror}") from error
    shutil.rmtree(retired, ignore_errors=True)

"""Parquet out: files per chunk of the input while the run goes, then the output tables, one file
each or in shards, in input order.

Every table is written with fixed settings and in a fixed row order (input order), so the same
input and config give byte-identical files whatever the number of workers. While a run goes,
each pass writes what it kept, dropped and edited in files named by chunk (a fixed range of
input positions, `[run] chunk_documents`), so a resumed run knows what is done and the tables can
be put together a chunk at a time, in bounded memory.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from pathlib import Path
from typing import Any

import polars as pl

from corpus.document import Document, Edit, metadata_json
from corpus.stages.quality.signals import FAMILIES, SIGNALS

ORDINAL = "_ordinal"  # input position; orders every table, never written to the output
BATCH_DOCS = 64  # documents per batch sent to a worker; fixed, so nothing depends on --workers

EDIT_STRUCT = pl.Struct(
    {
        "seq": pl.Int32,
        "stage": pl.String,
        "rule": pl.String,
        "start": pl.Int64,
        "end": pl.Int64,
        "before": pl.String,
        "after": pl.String,
        "detail": pl.String,
    }
)
# The quality stage's signals: {family: {signal: value}}, queried as quality.gopher.word_count.
QUALITY_STRUCT = pl.Struct(
    {
        family: pl.Struct({s.name: pl.Int64 if s.kind == "int" else pl.Float64 for s in SIGNALS if s.family == family})
        for family in FAMILIES
    }
)
# documents.parquet's columns, in order: the one place they are declared. Each holds the Document field
# of its name but those `_WRITTEN` makes otherwise (`document_row`); the spill adds the edits, and is
# read back into Documents (`read_spill`).
DOCUMENT_SCHEMA = {
    "id": pl.String,
    "source": pl.String,
    "url": pl.String,
    "text": pl.String,
    "language": pl.String,
    "language_score": pl.Float64,
    "published": pl.String,
    "author": pl.String,
    "encoding": pl.String,
    "original_sha256": pl.String,
    "n_edits": pl.Int32,
    "metadata": pl.String,
    "quality": QUALITY_STRUCT,
}
EDIT_SCHEMA = {"id": pl.String, **EDIT_STRUCT.to_schema()}
DROPPED_SCHEMA = {
    "id": pl.String,
    "source": pl.String,
    "stage": pl.String,
    "reason": pl.String,
    "detail": pl.String,
    "text": pl.String,
    # duplicates only (dedup stage): the id it duplicates, their Jaccard, and the earlier run holding that id
    "duplicate_of": pl.String,
    "similarity": pl.Float64,
    "duplicate_in": pl.String,
}
# Between passes documents wait on disk with their edits so far.
SPILL_SCHEMA = {ORDINAL: pl.Int64, **DOCUMENT_SCHEMA, "edits": pl.List(EDIT_STRUCT)}
TABLES: dict[str, dict[str, Any]] = {"documents": DOCUMENT_SCHEMA, "edits": EDIT_SCHEMA, "dropped": DROPPED_SCHEMA}

PARQUET_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 3, "statistics": True}
ROW_GROUP_ROWS = 65536  # rows per row group of an output table...
ROW_GROUP_BYTES = 128 << 20  # ...fewer when its documents are long, so a row group stays in memory
PART_ROWS = 4096  # rows of one table buffered before they are written (a chunk may take several files)...
PART_BYTES = 32 << 20  # ...or fewer, when their text is this long


# The columns that are not a Document field as it stands: how each is made from the document.
_WRITTEN: dict[str, Callable[[Document], Any]] = {
    "n_edits": lambda doc: len(doc.edits),  # the edits themselves go to edits.parquet (and the spill)
    "metadata": lambda doc: metadata_json(doc.metadata),
}
_COLUMNS = tuple((column, _WRITTEN.get(column) or attrgetter(column)) for column in DOCUMENT_SCHEMA)
_FIELDS = tuple(field.name for field in dataclasses.fields(Document))


def document_row(ordinal: int, doc: Document) -> dict[str, Any]:
    return {ORDINAL: ordinal, **{column: value(doc) for column, value in _COLUMNS}}


def edit_rows(ordinal: int, doc_id: str, edits: Sequence[Edit]) -> list[dict[str, Any]]:
    return [{ORDINAL: ordinal, "id": doc_id, **_edit_fields(e)} for e in edits]


def spill_row(ordinal: int, doc: Document) -> dict[str, Any]:
    row = document_row(ordinal, doc)
    row["edits"] = [_edit_fields(e) for e in doc.edits]
    return row


def _edit_fields(e: Edit) -> dict[str, Any]:
    """An edit's fields, in the column order of edits.parquet and of the spill's edits."""
    return {
        "seq": e.seq,
        "stage": e.stage,
        "rule": e.rule,
        "start": e.start,
        "end": e.end,
        "before": e.before,
        "after": e.after,
        "detail": e.detail,
    }


def read_spill(path: Path) -> Iterator[tuple[int, Document]]:
    for row in pl.read_parquet(path).iter_rows(named=True):
        fields = {name: row[name] for name in _FIELDS}  # a Document field without a column fails here
        # stdlib json: orjson would turn integers beyond 64 bits into floats
        fields["metadata"] = json.loads(fields["metadata"])
        fields["edits"] = [Edit(**edit) for edit in fields["edits"]]
        yield row[ORDINAL], Document(**fields)


def fsync_file(path: Path) -> None:
    """Make a written file durable: a resumed run trusts every file its journal lists."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class ChunkWriter:
    """Rows of one table, written as Parquet files named by chunk (`0000012.parquet`, then
    `0000012-1.parquet`... when a chunk's rows do not fit one buffer)."""

    def __init__(self, folder: Path, schema: dict[str, Any]) -> None:
        self.folder = folder
        self.schema = {ORDINAL: pl.Int64, **schema} if ORDINAL not in schema else schema
        self.rows: list[dict[str, Any]] = []
        self.size = 0  # characters of text in `rows`
        self.parts = 0
        folder.mkdir(parents=True, exist_ok=True)

    def add(self, chunk: int, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self.size += len(row.get("text") or "") + len(row.get("before") or "") + len(row.get("after") or "")
        if len(self.rows) >= PART_ROWS or self.size >= PART_BYTES:
            self.flush(chunk)

    def extend(self, chunk: int, rows: Sequence[dict[str, Any]]) -> None:
        for row in rows:
            self.add(chunk, row)

    def flush(self, chunk: int) -> None:
        if not self.rows:
            return
        name = f"{chunk:07d}" + (f"-{self.parts}" if self.parts else "")
        path = self.folder / f"{name}.parquet"
        pl.DataFrame(self.rows, schema=self.schema, orient="row").write_parquet(path, **PARQUET_OPTIONS)
        fsync_file(path)
        self.parts += 1
        self.rows = []
        self.size = 0

    def end_chunk(self, chunk: int) -> None:
        self.flush(chunk)
        self.parts = 0


def chunk_files(folder: Path, chunk: int) -> list[Path]:
    return sorted(folder.glob(f"{chunk:07d}*.parquet"), key=lambda path: (len(path.name), path.name))


def remove_chunks_from(folder: Path, chunk: int, last: int | None = None) -> None:
    """Delete the files of chunks `chunk` and later (before `last`, if given): work done again."""
    for path in folder.iterdir():
        if path.name[:7].isdigit() and chunk <= int(path.name[:7]) and (last is None or int(path.name[:7]) < last):
            path.unlink()


@dataclass(frozen=True)
class Shard:
    """One output shard: the documents at input positions [first, last)."""

    number: int
    first: int
    last: int


def plan_shards(kept_folder: Path, *, max_rows: int, max_bytes: int) -> tuple[list[Shard], int, int]:
    """Split the kept documents into shards of at most `max_rows` documents and about `max_bytes`
    of text; also the run's kept documents and their text bytes. Only the positions and text
    lengths are read, a file at a time."""
    shards: list[Shard] = []
    first, rows, size, total_rows, total_bytes = 0, 0, 0, 0, 0
    for path in sorted(kept_folder.glob("*.parquet"), key=lambda p: (p.name[:7], len(p.name), p.name)):
        frame = pl.read_parquet(path, columns=[ORDINAL, "text"]).select(ORDINAL, pl.col("text").str.len_bytes())
        for ordinal, length in frame.iter_rows():
            if rows and (rows >= max_rows or size + length > max_bytes):
                shards.append(Shard(len(shards), first, ordinal))
                first, rows, size = ordinal, 0, 0
            rows += 1
            size += length
            total_rows += 1
            total_bytes += length
    shards.append(Shard(len(shards), first, 1 << 62))
    return shards, total_rows, total_bytes


def row_group_rows(documents: int, text_bytes: int) -> int:
    """Rows per row group: 65,536, or fewer for long documents (decided once per run, from the
    run's own average, so it does not depend on the number of workers)."""
    if not documents or not text_bytes:
        return ROW_GROUP_ROWS
    return max(1024, min(ROW_GROUP_ROWS, ROW_GROUP_BYTES * documents // text_bytes))


def shard_name(table: str, shard: Shard, shards: int) -> str:
    return f"{table}.parquet" if shards == 1 else f"{table}-{shard.number:05d}.parquet"


def write_shard(files: Sequence[Path], schema: dict[str, Any], target: Path, shard: Shard, *, rows: int) -> int:
    """The rows of `files` (in input order already) at positions [shard.first, shard.last), without
    the ordinal column; the rows written."""
    if files:
        frame = pl.scan_parquet(list(files)).filter(pl.col(ORDINAL).is_between(shard.first, shard.last, closed="left"))
        frame = frame.select(list(schema))
    else:
        frame = pl.DataFrame(schema=schema).lazy()
    temporary = target.with_name(target.name + ".tmp")
    frame.sink_parquet(temporary, **PARQUET_OPTIONS, row_group_size=rows)
    fsync_file(temporary)
    os.replace(temporary, target)
    return pl.scan_parquet(target).select(pl.len()).collect().item()


def sort_chunk(files: Sequence[Path], target: Path, by: Sequence[str]) -> None:
    """One chunk's rows from every pass, in input order, as one file (bounded: one chunk)."""
    frame = pl.read_parquet(list(files)).sort(list(by), maintain_order=True)
    temporary = target.with_name(target.name + ".tmp")
    frame.write_parquet(temporary, **PARQUET_OPTIONS)
    fsync_file(temporary)
    os.replace(temporary, target)


def write_table(frame: pl.DataFrame | pl.LazyFrame, target: Path) -> None:
    """A stage's own table (e.g. line_stats.parquet), with the same fixed settings as the others."""
    lazy = frame.lazy() if isinstance(frame, pl.DataFrame) else frame
    lazy.sink_parquet(target, **PARQUET_OPTIONS, row_group_size=ROW_GROUP_ROWS)

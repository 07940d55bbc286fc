"""A first pass kept on disk: the rows each batch's `fit` returns, aggregated out of core by
DuckDB within a memory limit, and read back one batch at a time for the next pass.

A stage with `fit_tables` returns from `fit(docs)` a few columns per table; the runner writes
them as Parquet beside the run, with `_ordinal` (the document's input position, from the `doc`
column: an index into the batch) and `_batch` (the batch's number). After the pass, the stage's
`aggregate(store)` turns them into:

- lookups: rows with a `_batch` column, which the runner hands to each batch of the next pass
  (`Stage.batch_state(lookups)` builds what `apply` needs from them), so no worker ever holds
  the corpus-wide state, only its own batch's share of it;
- tables for OUT (line_stats.parquet...), written in a fixed order.

DuckDB spills to the run's work folder past its memory limit, so the corpus-wide state (every
line of every page, every document's fingerprints) never has to fit in memory. It runs in the
main process only, between passes, while the workers wait (a forked worker must not call it).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from corpus.writer import BATCH_DOCS, ORDINAL, PARQUET_OPTIONS, fsync_file

LOOKUP_ROWS = 65_536  # rows of lookups read at a time


class FirstPassStore:
    """The fit tables of one stage's first pass, and the results of its aggregation."""

    def __init__(
        self, folder: Path, tables: Mapping[str, Mapping[str, Any]], *, memory_bytes: int, threads: int
    ) -> None:
        import duckdb  # only the main process, only between passes

        self.folder = folder
        self.schemas = tables
        (folder / "duckdb").mkdir(parents=True, exist_ok=True)
        self.connection = duckdb.connect(
            config={
                "memory_limit": f"{max(memory_bytes, 128 << 20) >> 20}MB",
                "temp_directory": str(folder / "duckdb"),
                "threads": max(1, threads),
                "preserve_insertion_order": False,  # every query whose order matters says ORDER BY
            }
        )
        for name in tables:
            files = sorted((folder / name).glob("*.parquet"))
            if files:
                listing = ", ".join(_quote(str(path)) for path in files)
                self.connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet([{listing}])")
            else:  # an empty pass: a table with the columns and no rows
                columns = ", ".join(
                    f"NULL::{_duck_type(dtype)} AS {column}"
                    for column, dtype in {"_ordinal": pl.Int64, "_batch": pl.Int64, **dict(tables[name])}.items()
                    if column != "doc"
                )
                self.connection.execute(f"CREATE VIEW {name} AS SELECT {columns} LIMIT 0")
        self.outputs: dict[str, Path] = {}

    def close(self) -> None:
        self.connection.close()

    def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        try:
            return self.connection.execute(sql, list(parameters))
        except RuntimeError as error:
            # DuckDB answers Ctrl-C or SIGTERM during a query with "Query interrupted": an
            # interruption, after which the run can be resumed, not a failure.
            if "interrupted" in str(error).lower():
                raise KeyboardInterrupt from None
            raise

    def fetch(self, sql: str, parameters: Sequence[Any] = ()) -> dict[str, Any]:
        """A (small) query's result as numpy columns."""
        return self.execute(sql, parameters).fetchnumpy()

    def scratch(self, name: str) -> Path:
        """A file of the stage's own in the work folder (a flat array to read at random, say)."""
        return self.folder / name

    def save(self, name: str, sql: str) -> Path:
        """The query's rows, in its order, as a Parquet file of the work folder."""
        target = self.folder / f"{name}.parquet"
        self.execute(f"COPY ({sql}) TO {_quote(str(target))} (FORMAT parquet, COMPRESSION zstd)")
        return target

    def stream(self, sql: str, *, rows: int = LOOKUP_ROWS, name: str = "stream") -> Iterator[pl.DataFrame]:
        """The query's rows in its order, a frame of at most `rows` rows at a time."""
        path = self.save(name, sql)
        yield from read_slices(path, rows)
        path.unlink(missing_ok=True)

    def lookup(self, sql: str) -> None:
        """The rows handed to the next pass's batches: the query must have a `_batch` column (from
        the fit rows) or an `_ordinal` one (a document's input position), which gives the batch."""
        columns = {row[0] for row in self.execute(f"DESCRIBE ({sql})").fetchall()}
        batch = "_batch" if "_batch" in columns else f"_ordinal // {BATCH_DOCS} AS _batch"
        drop = "" if "_ordinal" not in columns or "_batch" in columns else " EXCLUDE (_ordinal)"
        self.outputs["_lookup"] = self.save("lookup", f"SELECT *{drop}, {batch} FROM ({sql}) ORDER BY _batch")

    def table(self, name: str, sql: str) -> None:
        """A table for OUT (e.g. "line_stats.parquet"), in the query's order."""
        self.outputs[name] = self.save(f"table-{len(self.outputs)}", sql)

    def scan(self, name: str) -> pl.LazyFrame:
        """A fit table as polars reads it: its chunk files in input order (each in order within)."""
        files = sorted((self.folder / name).glob("*.parquet"))
        if not files:
            schema = {
                "_ordinal": pl.Int64,
                "_batch": pl.Int64,
                **{column: dtype for column, dtype in self.schemas[name].items() if column != "doc"},
            }
            return pl.DataFrame(schema=schema).lazy()
        return pl.scan_parquet(files)

    def table_frame(self, name: str, frame: pl.LazyFrame) -> None:
        """A table for OUT made by polars (streamed, in the frame's order)."""
        target = self.folder / f"table-{len(self.outputs)}.parquet"
        frame.sink_parquet(target, **PARQUET_OPTIONS)
        self.outputs[name] = target


def read_slices(path: Path, rows: int) -> Iterator[pl.DataFrame]:
    """A Parquet file a slice at a time (polars reads only the row groups a slice needs)."""
    total = pl.scan_parquet(path).select(pl.len()).collect().item()
    for offset in range(0, total, rows):
        yield pl.scan_parquet(path).slice(offset, rows).collect()


class Lookups:
    """The lookup rows of a pass, handed out one batch at a time in batch order."""

    def __init__(self, path: Path | None, batches: tuple[int, int] | None = None) -> None:
        """`batches`: only the rows of batches [first, last), read at once (one chunk's: a unit of
        work run on its own), instead of the whole file a slice at a time."""
        if path is None:
            self._slices: Iterator[pl.DataFrame] = iter(())
        elif batches is None:
            self._slices = read_slices(path, LOOKUP_ROWS)
        else:
            rows = pl.scan_parquet(path).filter(pl.col("_batch").is_between(*batches, closed="left")).collect()
            self._slices = iter([rows] if len(rows) else [])
        self._pending: pl.DataFrame | None = None

    def take(self, batch: int) -> dict[str, list[Any]]:
        """The rows of `batch` as columns (plain Python lists: the workers must not need polars)."""
        found: list[pl.DataFrame] = []
        while True:
            if self._pending is None or self._pending.is_empty():
                self._pending = next(self._slices, None)
                if self._pending is None:
                    break
            frame = self._pending
            first = frame["_batch"][0]
            if first > batch:
                break
            ahead = frame["_batch"].search_sorted(batch + 1, side="left")
            found.append(frame[frame["_batch"].search_sorted(batch, side="left") : ahead])
            self._pending = frame[ahead:]
        if not found:
            return {}
        return pl.concat(found).drop("_batch").to_dict(as_series=False)


def fit_frames(
    stage: Any, ordinals: Sequence[int], partial: dict[str, dict[str, Any]], batch: int
) -> dict[str, pl.DataFrame]:
    """A batch's fit rows as frames, the `doc` index turned into `_ordinal`, with `_batch`."""
    positions = np.asarray(ordinals, dtype=np.int64)
    frames = {}
    for name, schema in stage.fit_tables.items():
        columns = partial.get(name)
        if not columns or not len(columns.get("doc", ())):
            continue
        frame = pl.DataFrame({column: columns[column] for column in schema}, schema=dict(schema))
        frames[name] = frame.drop("doc").with_columns(
            pl.Series(ORDINAL, positions[frame["doc"].to_numpy()]), pl.lit(batch, dtype=pl.Int64).alias("_batch")
        )
    return frames


def apply_in_process(stage: Any, docs: Sequence[Any], folder: Path, *, memory_bytes: int = 256 << 20) -> list[Any]:
    """`stage` (with a first pass on disk) over `docs` in this process, batch by batch as a run
    does it: for tests and benchmarks that look at one stage alone."""
    batches = [list(range(first, min(first + BATCH_DOCS, len(docs)))) for first in range(0, len(docs), BATCH_DOCS)]
    for number, batch in enumerate(batches):
        for name, frame in fit_frames(stage, batch, stage.fit([docs[i] for i in batch]), number).items():
            write_fit_rows(folder, name, f"{number:07d}", frame)
    store = FirstPassStore(folder, stage.fit_tables, memory_bytes=memory_bytes, threads=1)
    try:
        stage.aggregate(store)
    finally:
        store.close()
    lookups = Lookups(store.outputs.get("_lookup"))
    outcomes = []
    for number, batch in enumerate(batches):
        outcomes += stage.apply_many([docs[i] for i in batch], stage.batch_state(lookups.take(number)))
    return outcomes


def write_fit_rows(folder: Path, name: str, part: str, frame: pl.DataFrame) -> None:
    """One chunk's rows of a fit table, durably (a resumed run trusts what the journal lists)."""
    target = folder / name / f"{part}.parquet"
    target.parent.mkdir(parents=True, exist_ok=True)
    frame.write_parquet(target, **PARQUET_OPTIONS)
    fsync_file(target)


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


_DUCK_TYPES: dict[Any, str] = {
    pl.Int64: "BIGINT",
    pl.Int32: "INTEGER",
    pl.UInt64: "UBIGINT",
    pl.UInt32: "UINTEGER",
    pl.String: "VARCHAR",
    pl.Binary: "BLOB",
    pl.Float64: "DOUBLE",
    pl.Boolean: "BOOLEAN",
}


def _duck_type(dtype: Any) -> str:
    if isinstance(dtype, pl.List):
        return f"{_duck_type(dtype.inner)}[]"
    return _DUCK_TYPES[dtype if not isinstance(dtype, type) else dtype]


def folder_bytes(folder: Path) -> int:
    return sum(entry.stat().st_size for entry in folder.rglob("*") if entry.is_file()) if folder.exists() else 0

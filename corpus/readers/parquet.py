"""Parquet, read in batches with polars: one document per row, source `<file>#<row>`."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import polars as pl

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.compression import FormatMismatch, TooLarge
from corpus.readers.files import open_regular
from corpus.readers.records import record_to_document

BATCH_ROWS = 2048  # bounded memory however large the file


class CorruptParquet(Exception):
    """polars could not read the file: out of the Parquet specification (a damaged footer, page,
    column or schema); on some such files polars panics (a BaseException), and prints the panic."""


def _batches(path: Path) -> Iterator[pl.DataFrame]:
    batches = None
    while True:
        try:
            batches = batches or iter(pl.scan_parquet(path).collect_batches(chunk_size=BATCH_ROWS))
            batch = next(batches, None)
        except (pl.exceptions.PolarsError, pl.exceptions.PanicException) as error:  # found by fuzzing
            raise CorruptParquet(f"{type(error).__name__}: {str(error).strip().splitlines()[0]}") from None
        if batch is None:
            return
        yield batch


PARQUET_MAGIC = b"PAR1"


def read_parquet(path: Path, source: str, config: ReadConfig) -> Iterator[Document | ReadFailure]:
    with open_regular(path) as handle:
        if handle.read(4) != PARQUET_MAGIC:
            raise FormatMismatch("named .parquet but is not Parquet data")
    row = 0
    limit = config.max_document_bytes
    for batch in _batches(path):
        for record in batch.iter_rows(named=True):
            document = record_to_document(record, source=f"{source}#{row}", config=config, encoding="utf-8")
            # polars holds the batch anyway; what matters is that the workers never get it
            if (
                isinstance(document, Document)
                and len(document.text) * 4 > limit
                and (size := len(document.text.encode("utf-8", "surrogatepass"))) > limit
            ):
                document = ReadFailure(document.source, reasons.TOO_LARGE, str(TooLarge(size, limit)), id=document.id)
            yield document
            row += 1

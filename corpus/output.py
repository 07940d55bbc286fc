"""A finished run read back: its tables, and any document's text or original rebuilt by replay."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from corpus.document import Edit
from corpus.edits import replay
from corpus.errors import RunError, UsageError

TABLE_FILES = ("documents.parquet", "edits.parquet", "dropped.parquet", "manifest.json")


@dataclass(frozen=True)
class RunOutput:
    path: Path

    @classmethod
    def open(cls, path: Path) -> RunOutput:
        missing = [name for name in TABLE_FILES if not (path / name).is_file()]
        if missing:
            raise UsageError(str(path), f"not a corpus output folder (missing {', '.join(missing)})",
                             "give the -o folder of a finished `corpus clean`")
        return cls(path)

    def documents(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / "documents.parquet")

    def edits(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / "edits.parquet")

    def dropped(self) -> pl.LazyFrame:
        return pl.scan_parquet(self.path / "dropped.parquet")

    def text(self, doc_id: str) -> str:
        """The cleaned text, or for a dropped document its text when it was dropped."""
        for frame in (self.documents(), self.dropped()):
            rows = self._collect(frame.filter(pl.col("id") == doc_id).select("text"))
            if rows.height:
                text = rows.item()
                if text is None:
                    raise UsageError(doc_id, "this record could not be read, so it has no text")
                return text
        raise UsageError(str(self.path), f"no document with id {doc_id!r}", "ids are in documents.parquet")

    def document_edits(self, doc_id: str) -> list[Edit]:
        rows = self._collect(self.edits().filter(pl.col("id") == doc_id).drop("id").sort("seq"))
        return [Edit(**row) for row in rows.iter_rows(named=True)]

    def _collect(self, frame: pl.LazyFrame) -> pl.DataFrame:
        try:
            return frame.collect()
        except (pl.exceptions.PolarsError, OSError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise RunError(str(self.path), f"cannot read the output: {first_line}",
                           "rerun corpus clean to rebuild it") from None

    def original(self, doc_id: str) -> str:
        """The text before any stage, rebuilt by undoing the document's edits."""
        return replay(self.text(doc_id), self.document_edits(doc_id), reverse=True)

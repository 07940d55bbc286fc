"""A finished run read back: its tables, and any document's text, original or diff rebuilt by replay.

`corpus.open(OUT)` returns a RunOutput: the notebook API.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import polars as pl

from corpus.audit.diff import DocumentDiff, document_diff
from corpus.document import Edit
from corpus.edits import replay
from corpus.errors import RunError, UsageError

EDIT_FIELDS = ("seq", "stage", "rule", "start", "end", "before", "after", "detail")  # Edit's, in order

SHARDED = ("documents", "edits", "dropped")  # one file each, or shards: documents-00000.parquet...


@dataclass(frozen=True)
class RunOutput:
    path: Path

    @classmethod
    def open(cls, path: Path) -> RunOutput:
        run = cls(path)
        missing = [] if (path / "manifest.json").is_file() else ["manifest.json"]
        missing += [f"{table}.parquet" for table in SHARDED if not run.files(table, checked=False)]
        if missing:
            raise UsageError(
                str(path),
                f"not a corpus output folder (missing {', '.join(missing)})",
                "give the -o folder of a finished `corpus clean`",
            )
        return run

    def files(self, table: str, *, checked: bool = True) -> list[Path]:
        """The files of a table: `documents.parquet`, or its shards in order."""
        single = self.path / f"{table}.parquet"
        if single.is_file() or table not in SHARDED:
            return [single]
        shards = sorted(self.path.glob(f"{table}-[0-9][0-9][0-9][0-9][0-9].parquet"))
        if checked and not shards:
            raise UsageError(
                str(self.path),
                f"not a corpus output folder (missing {table}.parquet)",
                "give the -o folder of a finished `corpus clean`",
            )
        return shards

    def scan(self, table: str) -> pl.LazyFrame:
        """A table of the run, read lazily: "documents", "edits", "dropped", "line_stats"..."""
        return pl.scan_parquet(self.files(table))

    @cached_property
    def documents(self) -> pl.DataFrame:
        return self._collect(self.scan("documents"))

    @cached_property
    def edits(self) -> pl.DataFrame:
        return self._collect(self.scan("edits"))

    @cached_property
    def dropped(self) -> pl.DataFrame:
        return self._collect(self.scan("dropped"))

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))

    def text(self, doc_id: str) -> str:
        """The cleaned text, or for a dropped document its text when it was dropped."""
        for frame in (self.scan("documents"), self.scan("dropped")):
            rows = self._collect(frame.filter(pl.col("id") == doc_id).select("text"))
            if rows.height:
                text = rows.item()
                if text is None:
                    raise UsageError(doc_id, "this record could not be read, so it has no text")
                return text
        raise UsageError(str(self.path), f"no document with id {doc_id!r}", "ids are in documents.parquet")

    def document_edits(self, doc_id: str) -> list[Edit]:
        rows = self._collect(self.scan("edits").filter(pl.col("id") == doc_id).drop("id").sort("seq"))
        # column by column: iter_rows(named=True) took 4 of the 6 s a document of 242,444 edits needed
        return list(map(Edit, *(rows[name].to_list() for name in EDIT_FIELDS)))

    def _collect(self, frame: pl.LazyFrame) -> pl.DataFrame:
        try:
            return frame.collect()
        except (pl.exceptions.PolarsError, OSError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise RunError(
                str(self.path), f"cannot read the output: {first_line}", "rerun corpus clean to rebuild it"
            ) from None

    def original(self, doc_id: str) -> str:
        """The text before any stage, rebuilt by undoing the document's edits."""
        return replay(self.text(doc_id), self.document_edits(doc_id), reverse=True)

    def diff(self, doc_id: str) -> DocumentDiff:
        """The document's changes, word by word, each with the stage/rule that made it."""
        edits = self.document_edits(doc_id)
        return document_diff(doc_id, replay(self.text(doc_id), edits, reverse=True), edits)

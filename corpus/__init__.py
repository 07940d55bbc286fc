"""corpus: raw scraped text to a clean, deduplicated, auditable corpus."""

from os import PathLike
from pathlib import Path

from corpus.document import Document, Drop, Edit
from corpus.edits import replay
from corpus.output import RunOutput

__all__ = ["Document", "Drop", "Edit", "RunOutput", "open", "replay"]


def open(out: str | PathLike[str]) -> RunOutput:  # noqa: A001 (corpus.open, as in the README)
    """A finished run for a notebook: `.documents`, `.edits`, `.dropped` (polars), `.diff(id)`, `.original(id)`."""
    return RunOutput.open(Path(out))

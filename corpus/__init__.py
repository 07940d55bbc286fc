"""corpus: raw scraped text to a clean, deduplicated, auditable corpus."""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.document import Document, Drop, Edit
    from corpus.edits import replay
    from corpus.output import RunOutput

__all__ = ["Document", "Drop", "Edit", "RunOutput", "open", "replay"]

# Imported on first use: the command line imports this package, and polars (behind RunOutput)
# takes most of a second that `corpus --help` does not need.
_LAZY = {
    "Document": "corpus.document",
    "Drop": "corpus.document",
    "Edit": "corpus.document",
    "replay": "corpus.edits",
    "RunOutput": "corpus.output",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")


def open(out: str | PathLike[str]) -> RunOutput:  # noqa: A001 (corpus.open, as in the README)
    """A finished run for a notebook: `.documents`, `.edits`, `.dropped` (polars), `.diff(id)`, `.original(id)`."""
    from corpus.output import RunOutput

    return RunOutput.open(Path(out))

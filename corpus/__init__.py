"""corpus: raw scraped text to a clean, deduplicated, auditable corpus.

The public API is `__all__` (pinned by tests/test_api.py): a finished run read back
(`open`, `RunOutput`), the data a run records (`Document`, `Edit`, `Drop`, `replay`) and the base
class of a stage of one's own (`Stage`). Everything else is internal and may change.
"""

from __future__ import annotations

from os import PathLike
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from corpus.document import Document, Drop, Edit
    from corpus.edits import replay
    from corpus.output import RunOutput
    from corpus.stages.base import Stage

__all__ = ["Document", "Drop", "Edit", "RunOutput", "Stage", "open", "replay"]

# Imported on first use: the command line imports this package, and polars (behind RunOutput and
# Stage) takes most of a second that `corpus --help` does not need.
_LAZY = {
    "Document": "corpus.document",
    "Drop": "corpus.document",
    "Edit": "corpus.document",
    "replay": "corpus.edits",
    "RunOutput": "corpus.output",
    "Stage": "corpus.stages.base",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'corpus' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


def open(out: str | PathLike[str]) -> RunOutput:  # noqa: A001 - deliberately named like gzip.open, tarfile.open
    """A finished run for a notebook: `.documents`, `.edits`, `.dropped` (polars), `.diff(id)`, `.original(id)`.

    Named on purpose: `corpus.open(OUT)` plays the builtin's role for runs, as `gzip.open` and
    `tarfile.open` do for their files, and is meant to be called qualified (like them, it is in
    `__all__`, so `from corpus import *` shadows the builtin; import the names you use instead)."""
    from corpus.output import RunOutput

    return RunOutput.open(Path(out))

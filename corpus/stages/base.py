"""What a stage is: a config, a per-document `apply`, and an optional corpus-wide first pass.

A stage that needs corpus-wide knowledge declares `needs_fit = True` and implements:

- `fit(docs) -> partial`: called on each batch of documents as they reach the stage (in the
  worker processes); returns a small picklable summary of that batch.
- `merge(partials) -> fitted`: combines every batch's partial. The partials arrive in no
  particular order, so the merge must not depend on it (add counts, sort arrays).

The runner spills the documents to Parquet shards between the passes, merges the partials
and then calls `apply(doc, fitted)` for each document. Stages never iterate the corpus,
do no I/O and keep no global state; they change text only through `corpus.edits`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from corpus.document import Document, Drop


class Stage:
    """Base class for pipeline stages; the module name is the stage's name everywhere."""

    name: ClassVar[str]
    config_class: ClassVar[type]
    needs_fit: ClassVar[bool] = False

    def __init__(self, config: Any) -> None:
        self.config = config

    def fit(self, docs: Sequence[Document]) -> Any:
        raise NotImplementedError(f"stage {self.name} declares no first pass")

    def merge(self, partials: Sequence[Any]) -> Any:
        raise NotImplementedError(f"stage {self.name} declares no first pass")

    def apply(self, doc: Document, fitted: Any = None) -> Document | Drop:
        raise NotImplementedError

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        """Versions of the third-party libraries that touch the text in this stage."""
        return {}

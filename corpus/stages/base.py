"""What a stage is: a config, a per-document `apply`, and an optional corpus-wide first pass.

A stage that needs corpus-wide knowledge declares `needs_fit = True` and implements:

- `fit(docs) -> partial`: called on each batch of documents as they reach the stage (in the
  worker processes); returns a small picklable summary of that batch.
- `merge(partials) -> fitted`: combines every batch's partial (an iterable, read from disk a
  chunk at a time). The partials arrive in input order (the batches' order, whatever the number
  of workers), so a merge may rely on it. The merged result is sent whole to every worker, so
  this form suits a small state; a state that grows with the corpus is kept on disk instead
  (`fit_tables`, `aggregate`, `batch_state`: see corpus/firstpass.py).

A stage's first pass may also leave a table in OUT for users (`tables(fitted)`), such as the
line counts behind the boilerplate stage's repetition signal.

Every stage's constructor gets the rule files in effect as `rules` (see corpus/rules/), checked
and compiled once in the main process before any input is read; the workers get them pickled
and never check them again.

The runner spills the documents to Parquet shards between the passes, merges the partials
and then calls `apply(doc, fitted)` for each document. Stages never iterate the corpus,
do no I/O and keep no global state; they change text only through `corpus.edits`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any, ClassVar

import polars as pl

from corpus.document import Document, Drop
from corpus.rules import NO_RULES, RuleSet

# The drop reason of a document that makes a stage raise (`apply_many`): any stage may give it.
STAGE_ERROR = "stage_error"


class Stage:
    """Base class for pipeline stages; the module's (or package's) name is the stage's name everywhere."""

    name: ClassVar[str]
    config_class: ClassVar[type]
    needs_fit: ClassVar[bool] = False
    # What the stage can write: its drop reasons (dropped.parquet `reason`, besides STAGE_ERROR)
    # and the rule ids of its edits (edits.parquet `rule`). `<...>` stands for a family named by
    # data, e.g. "ftfy.<fix>" or "quality.<preset>.<rule>" (see `declares`). A test runs the
    # pipeline on varied real input and fails on anything undeclared.
    drop_reasons: ClassVar[tuple[str, ...]] = ()
    rule_ids: ClassVar[tuple[str, ...]] = ()
    # A first pass kept on disk (see corpus/firstpass.py): table -> {column: polars type}. `fit`
    # returns these columns per table, one of them "doc" (the document's index in the batch);
    # `aggregate` and `batch_state` replace `merge`. Empty: `fit`/`merge` in memory.
    fit_tables: ClassVar[dict[str, dict[str, Any]]] = {}

    def __init__(self, config: Any, rules: RuleSet = NO_RULES) -> None:
        self.config = config
        self.rules = rules

    def check(self) -> None:
        """Checks of the files a config names (an earlier run's output, say): called once, in the
        main process, before any work. Workers build their stages without it: they are forked
        from the main process and must never call polars (see corpus/workers.py)."""

    def fit(self, docs: Sequence[Document]) -> Any:
        raise NotImplementedError(f"stage {self.name} declares no first pass")

    def merge(self, partials: Iterable[Any]) -> Any:
        raise NotImplementedError(f"stage {self.name} declares no first pass")

    def aggregate(self, store: Any) -> None:
        """A first pass kept on disk: from the fit tables (views of `store`), the lookups each
        batch of the next pass gets (`store.lookup`) and the tables for OUT (`store.table`)."""
        raise NotImplementedError(f"stage {self.name} declares no first pass on disk")

    def batch_state(self, lookups: dict[str, list[Any]]) -> Any:
        """What `apply` gets as `fitted` for one batch, from that batch's lookup rows (columns)."""
        raise NotImplementedError(f"stage {self.name} declares no first pass on disk")

    def tables(self, fitted: Any) -> dict[str, pl.DataFrame]:
        """Extra Parquet files (name -> frame) the first pass leaves in OUT; none by default."""
        return {}

    def apply(self, doc: Document, fitted: Any = None) -> Document | Drop:
        raise NotImplementedError

    def apply_many(self, docs: Sequence[Document], fitted: Any = None) -> list[Document | Drop]:
        """`apply` to each of a batch of documents, for stages that work faster on many at once.

        One document that makes the stage fail becomes a `stage_error` drop, not a failed run (or
        the drop reason the error names, as a user's regex over its time budget does)."""
        outcomes: list[Document | Drop] = []
        for doc in docs:
            try:
                outcomes.append(self.apply(doc, fitted))
            except Exception as error:
                outcomes.append(Drop(getattr(error, "drop_reason", STAGE_ERROR), f"{type(error).__name__}: {error}"))
        return outcomes

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        """Versions of the third-party libraries that touch the text in this stage."""
        return {}


def declares(declared: Iterable[str], value: str) -> bool:
    """Whether `value` is one of the `declared` reasons or rule ids, where `<...>` in a
    declaration stands for any non-empty text ("ftfy.<fix>" declares "ftfy.unescape_html")."""
    return any(_declaration(entry).fullmatch(value) for entry in declared)


@cache
def _declaration(entry: str) -> re.Pattern[str]:
    return re.compile(".+".join(re.escape(part) for part in re.split(r"<[^<>]*>", entry)))

"""A stage with a corpus-wide first pass, used only to test the runner's passes and spill."""

from __future__ import annotations

import os
import signal
import time
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from corpus import edits
from corpus.document import Document, Drop
from corpus.stages.base import Stage


@dataclass(frozen=True)
class RepeatedLinesConfig:
    min_documents: int = 3  # a line in this many documents is chrome, not content


class RepeatedLinesStage(Stage):
    """Removes lines that occur in at least `min_documents` documents (a toy boilerplate stage)."""

    name = "repeated_lines"
    config_class = RepeatedLinesConfig
    needs_fit = True

    def fit(self, docs: Sequence[Document]) -> Counter[str]:
        return Counter(line for doc in docs for line in set(doc.text.split("\n")) if line)

    def merge(self, partials: Sequence[Counter[str]]) -> frozenset[str]:
        total: Counter[str] = sum(partials, Counter())
        return frozenset(line for line, n in total.items() if n >= self.config.min_documents)

    def apply(self, doc: Document, fitted: frozenset[str] | None = None) -> Document | Drop:
        assert fitted is not None, "the runner must pass the merged first-pass result"
        spans, offset = [], 0
        for line in doc.text.split("\n"):
            end = offset + len(line)
            if line in fitted:
                spans.append((offset, min(end + 1, len(doc.text)), ""))
            offset = end + 1
        edits.apply_spans(doc, spans, stage=self.name, rule="repeated_lines.line", detail=None)
        if not doc.text.strip():
            return Drop("empty_after_repeated_lines", "every line was repeated elsewhere")
        return doc


class ExplodingStage(Stage):
    """Raises on documents that mention a trigger word, to show a bad document cannot stop a run."""

    name = "exploding"
    config_class = RepeatedLinesConfig

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        if "EXPLODE" in doc.text:
            raise RuntimeError("cannot handle this document")
        return doc


class FailingMergeStage(RepeatedLinesStage):
    name = "failing_merge"

    def merge(self, partials: Sequence[Counter[str]]) -> frozenset[str]:
        raise RuntimeError("merge failed half-way through the run")


@dataclass(frozen=True)
class KillingConfig:
    marker: str = ""  # a file: the first document seen with "ONCE" kills its worker only while it is absent


class KillingStage(Stage):
    """Kills its own worker process (as the out-of-memory killer would): always on a document
    holding "KILL", once (the first time, marked by a file) on one holding "ONCE"."""

    name = "killing"
    config_class = KillingConfig

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        once = "ONCE" in doc.text and self.config.marker and not os.path.exists(self.config.marker)
        if once:
            with open(self.config.marker, "w"):
                pass
        if "KILL" in doc.text or once:
            os.kill(os.getpid(), signal.SIGKILL)
        return doc


class SlowStage(Stage):
    """Sleeps a little, more on some documents than others, so batches finish out of order."""

    name = "slow"
    config_class = RepeatedLinesConfig

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        time.sleep((zlib.crc32(doc.text.encode()) % 7) / 2000)
        return doc

"""The dedup stage: one copy of each story, repeated passages removed.

The first pass (in the workers) fingerprints each document: a hash of its words, MinHash band
keys of its word n-gram shingles, its shingle hashes and its paragraphs' hashes. The merge
decides every drop and removal (corpus/stages/dedup/decide.py), and `apply` carries them out.
Every dropped duplicate names the document it duplicates; every removed passage names the
document where it first occurs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any, Literal

from corpus import edits
from corpus.document import Document, Drop
from corpus.rules import NO_RULES, RuleSet
from corpus.stages.base import Stage
from corpus.stages.dedup.decide import EXACT, NEAR, SHORT, Decisions, Settings, batch_decisions, decide
from corpus.stages.dedup.fingerprints import FIT_TABLES, fingerprint, fingerprint_rows
from corpus.stages.dedup.minhash import MinHasher
from corpus.stages.dedup.previous import INDEX_SETTINGS, check_previous
from corpus.stages.dedup.shingles import Shingler
from corpus.stages.dedup.text import paragraphs, removal_spans

STAGE = "dedup"
RULE = "dedup.repeated_passage"
STEPS = ("exact", "near", "passages")


@dataclass(frozen=True)
class DedupConfig:
    shingle_words: int = 5  # words per shingle (word n-grams)
    num_perm: int = 128  # MinHash permutations
    # LSH: `bands` bands of `rows` values each. Looser than datasketch's optimum for 0.8 (9 x 13),
    # because every candidate pair is then checked by its exact Jaccard: 25 x 5 makes a pair at
    # Jaccard 0.8 a candidate with probability 0.99995 (at 0.5: 0.55), where 9 x 13 does with 0.40
    # (at 0.9: 0.93). 25 keys of 8 bytes: 200 bytes of index per document.
    bands: int = 25
    rows: int = 5  # values per band (see bands)
    threshold: float = 0.8  # Jaccard similarity of the shingle sets at which two documents are copies
    keep: Literal["first", "longest"] = "first"  # which copy stays; ties go to input order
    min_passage_words: int = 20  # shorter paragraphs (datelines, sign-offs) may repeat freely
    min_words: int = 20  # a document left shorter than this by passage removal is dropped
    disable: tuple[str, ...] = ()  # steps to turn off: "exact", "near", "passages"
    against: str | None = None  # an earlier run's output folder to dedup against (--dedup-against)

    def __post_init__(self) -> None:
        for name in ("shingle_words", "num_perm", "bands", "rows", "min_passage_words"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, not {getattr(self, name)}")
        if self.num_perm > 1024:
            raise ValueError(f"num_perm must be at most 1024, not {self.num_perm}")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) must not exceed num_perm ({self.num_perm})")
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold must be above 0 and at most 1, not {self.threshold}")
        if self.min_words < 0:
            raise ValueError(f"min_words must be 0 or more, not {self.min_words}")
        unknown = [step for step in self.disable if step not in STEPS]
        if unknown:
            raise ValueError(f"disable: unknown step {unknown[0]!r} (valid: {', '.join(STEPS)})")
        if self.against is not None and not self.against.strip():
            raise ValueError("against must name an output folder")


class DedupStage(Stage):
    name = STAGE
    config_class = DedupConfig
    needs_fit = True
    fit_tables = FIT_TABLES
    drop_reasons = (EXACT, NEAR, SHORT)
    rule_ids = (RULE,)

    def __init__(self, config: DedupConfig, rules: RuleSet = NO_RULES) -> None:
        super().__init__(config, rules)
        self.shingler = Shingler(config.shingle_words)
        self.hasher = MinHasher(config.num_perm)
        self.previous_name: str | None = None  # duplicate_in for documents of the earlier run

    def check(self) -> None:
        config = self.config
        if config.against is not None:  # a bad folder stops the run before any work
            settings = {key: getattr(config, key) for key in INDEX_SETTINGS}
            self.previous_name = check_previous(Path(config.against), settings)

    def fit(self, docs: Sequence[Document]) -> dict[str, dict[str, Any]]:
        config = self.config
        return fingerprint_rows(
            fingerprint(docs, self.shingler, self.hasher, config.bands, config.rows), config.min_passage_words
        )

    def aggregate(self, store: Any) -> None:
        config = self.config
        settings = Settings(
            config.threshold,
            config.keep,
            "exact" not in config.disable,
            "near" not in config.disable,
            "passages" not in config.disable,
            config.min_passage_words,
            config.min_words,
        )
        previous = Path(config.against) if config.against is not None and self.previous_name is not None else None
        decide(store, settings, previous, self.previous_name)

    def batch_state(self, lookups: dict[str, list[Any]]) -> Decisions:
        return batch_decisions(lookups)

    def apply(self, doc: Document, fitted: Decisions | None = None) -> Document | Drop:
        assert fitted is not None, "the runner passes the batch's decisions"
        drop = fitted.drops.get(doc.id)
        if drop is not None:
            return drop
        removals = fitted.removals.get(doc.id)
        if removals:
            found = paragraphs(doc.text)
            spans = removal_spans(found, [number for number, _ in removals], len(doc.text))
            edits.apply_labelled_spans(
                doc, [(start, end, "", RULE, detail) for (start, end), (_, detail) in zip(spans, removals)], stage=STAGE
            )
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"datasketch": version("datasketch"), "numpy": version("numpy")}

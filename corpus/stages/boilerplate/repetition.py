"""The first pass: in how many documents each line occurs, over the whole input and per site.

Lines are counted in `exact_line`'s normal form, so a line found here pastes straight into a
rule file. Exact copies of a page count once: a page crawled twice must not strip itself.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from corpus.document import Document
from corpus.rules import site_of
from corpus.stages.boilerplate.site_rules import normalise_line

CorpusKey = str
SiteKey = tuple[str, str]  # (site, line)


@dataclass
class LineCounts:
    """Documents per normalised line; only lines in two or more documents are kept after merging."""

    corpus: Counter[CorpusKey] = field(default_factory=Counter)
    by_site: Counter[SiteKey] = field(default_factory=Counter)
    # Only in partials: (fingerprint of the page's lines, site) -> its distinct lines, so copies count once.
    pages: dict[tuple[bytes, str | None], frozenset[str]] = field(default_factory=dict)

    def corpus_documents(self, line: str) -> int:
        return self.corpus.get(line, 1)

    def site_documents(self, site: str | None, line: str) -> int:
        return self.by_site.get((site, line), 1) if site is not None else 0

    def table(self) -> pl.DataFrame:
        """line_stats.parquet: line, site (null for the whole input), documents; most frequent first."""
        rows = [(line, None, n) for line, n in self.corpus.items()]
        rows += [(line, site, n) for (site, line), n in self.by_site.items()]
        frame = pl.DataFrame(rows, schema={"line": pl.String, "site": pl.String, "documents": pl.Int64}, orient="row")
        return frame.sort(["site", "documents", "line"], descending=[False, True, False], nulls_last=False)


def count_lines(docs: Sequence[Document], max_chars: int) -> LineCounts:
    partial = LineCounts()
    for doc in docs:
        lines = frozenset(
            key for line in doc.text.split("\n") if (key := normalise_line(line)) and len(key) <= max_chars
        )
        fingerprint = hashlib.blake2b("\n".join(sorted(lines)).encode("utf-8", "surrogatepass"), digest_size=16)
        partial.pages[fingerprint.digest(), site_of(doc)] = lines
    return partial


def merge_counts(partials: Sequence[LineCounts]) -> LineCounts:
    """Count each distinct page once (per site, and over the input), then keep the lines seen in
    two documents or more. Copies carry the same lines, so which copy is counted cannot matter."""
    pages: dict[tuple[bytes, str | None], frozenset[str]] = {}
    for partial in partials:
        pages.update(partial.pages)
    corpus: Counter[CorpusKey] = Counter()
    by_site: Counter[SiteKey] = Counter()
    counted: set[bytes] = set()
    for (fingerprint, site), lines in pages.items():
        if fingerprint not in counted:
            counted.add(fingerprint)
            corpus.update(lines)
        if site is not None:
            by_site.update((site, line) for line in lines)
    return LineCounts(
        corpus=Counter({line: n for line, n in corpus.items() if n >= 2}),
        by_site=Counter({key: n for key, n in by_site.items() if n >= 2}),
    )

"""The first pass: in how many documents each line occurs, over the whole input and per site.

Lines are counted in `exact_line`'s normal form, so a line found here pastes straight into a
rule file. Exact copies of a page count once: a page crawled twice must not strip itself.

The counts are kept on disk (corpus/firstpass.py): each batch's `fit` gives a row per distinct
line of each page (its site, a fingerprint of the page's lines, the line), DuckDB counts the
distinct fingerprints per line and per (site, line), and each batch of the next pass gets the
counts of its own lines only: no process holds every line of the input.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from corpus.document import Document
from corpus.rules import site_of
from corpus.stages.boilerplate.site_rules import normalise_line

FIT_TABLES: dict[str, dict[str, Any]] = {
    "lines": {"doc": pl.Int32, "site": pl.String, "page": pl.Binary, "line": pl.String},
}


@dataclass
class LineCounts:
    """Documents per normalised line, for the lines of one batch seen in two or more documents."""

    corpus: dict[str, int] = field(default_factory=dict)
    by_site: dict[tuple[str, str], int] = field(default_factory=dict)  # (site, line) ->

    def corpus_documents(self, line: str) -> int:
        return self.corpus.get(line, 1)

    def site_documents(self, site: str | None, line: str) -> int:
        return self.by_site.get((site, line), 1) if site is not None else 0


def line_rows(docs: Sequence[Document], max_chars: int) -> dict[str, dict[str, list[Any]]]:
    """The `lines` rows of a batch: each page's distinct normalised lines, with its site and the
    fingerprint of its whole set of lines (copies of a page have the same)."""
    columns: dict[str, list[Any]] = {"doc": [], "site": [], "page": [], "line": []}
    for index, doc in enumerate(docs):
        lines = sorted({key for line in doc.text.split("\n") if (key := normalise_line(line)) and len(key) <= max_chars})
        page = hashlib.blake2b("\n".join(lines).encode("utf-8", "surrogatepass"), digest_size=16).digest()
        site = site_of(doc)
        columns["doc"] += [index] * len(lines)
        columns["site"] += [site] * len(lines)
        columns["page"] += [page] * len(lines)
        columns["line"] += lines
    return {"lines": columns}


def count_lines(store: Any) -> None:
    """Count each distinct page once (per site, and over the input), keep the lines seen in two
    documents or more, and hand each batch its lines' counts. Copies carry the same lines, so
    which copy is counted cannot matter."""
    store.execute("""CREATE TEMP TABLE corpus_counts AS
        SELECT line, count(DISTINCT page) AS documents FROM lines GROUP BY line HAVING documents >= 2""")
    store.execute("""CREATE TEMP TABLE site_counts AS
        SELECT site, line, count(DISTINCT page) AS documents FROM lines WHERE site IS NOT NULL
        GROUP BY site, line HAVING documents >= 2""")
    store.lookup("""SELECT l._batch, l.site, l.line, c.documents AS corpus, s.documents AS on_site
        FROM lines l LEFT JOIN corpus_counts c ON c.line = l.line
        LEFT JOIN site_counts s ON s.site = l.site AND s.line = l.line
        WHERE c.documents IS NOT NULL OR s.documents IS NOT NULL""")
    # line_stats.parquet: line, site (null for the whole input), documents; most frequent first.
    store.table("line_stats.parquet", """
        SELECT line, site, documents FROM (
            SELECT line, NULL::VARCHAR AS site, documents FROM corpus_counts
            UNION ALL SELECT line, site, documents FROM site_counts)
        ORDER BY site NULLS FIRST, documents DESC, line""")


def batch_counts(lookups: dict[str, list[Any]]) -> LineCounts:
    counts = LineCounts()
    for site, line, corpus, on_site in zip(lookups.get("site", ()), lookups.get("line", ()),
                                           lookups.get("corpus", ()), lookups.get("on_site", ())):
        if corpus is not None:
            counts.corpus[line] = corpus
        if on_site is not None:
            counts.by_site[site, line] = on_site
    return counts

"""The first pass: on how many distinct pages each line occurs, over the whole input and per site.

Lines are counted in `exact_line`'s normal form, so a line found here pastes straight into a
rule file. A page is counted by its identity, not once per copy: a page crawled twice, a wire
story sent again with a new headline, or one article on two URLs of a site must not make its
own lines look like chrome (the headline and the results table of a duplicated story were
removed as repeated).

The counts are kept on disk (corpus/firstpass.py): each batch's `fit` gives a row per distinct
line of each page (its site, its identity, the line), DuckDB counts the distinct identities per
line and per (site, line), and each batch of the next pass gets the counts of its own lines
only: no process holds every line of the input. A line of any copy counts for the identity, so
the order of the batches cannot change the counts.

The identity comes from the page alone (`page_identity`): a hash of the three paragraphs of 20
words or more whose own hashes are the smallest, a bottom-3 sketch of the page's prose. Near
copies that share most of their paragraphs get the same one, while two articles of one site,
which share menus, teasers and perhaps a long disclaimer but not three paragraphs, do not.
Measured on every page of the shared sets: among the 19,043 Reuters stories 342 copies and
revised re-sends join another story's identity; no two of the 1,191 web pages (Zyte, CleanEval,
CleanPortalEval, trafilatura's set) share one. A page with fewer than three such paragraphs (a
short note, a table, a menu) is identified by all its lines, so only its exact copies count once.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from corpus.document import Document
from corpus.rules import normalise_line, site_of
from corpus.stages.boilerplate.lines import units

FIT_TABLES: dict[str, dict[str, Any]] = {
    "lines": {"doc": pl.Int32, "site": pl.String, "page": pl.Binary, "line": pl.String},
}
IDENTITY_PARAGRAPHS = 3  # paragraphs in the sketch: two articles of a site rarely share three
IDENTITY_MIN_WORDS = 20.0  # a paragraph this long is the article's, rarely a teaser or a label


@dataclass
class LineCounts:
    """Documents per normalised line, for the lines of one batch seen in two or more documents."""

    corpus: dict[str, int] = field(default_factory=dict)
    by_site: dict[tuple[str, str], int] = field(default_factory=dict)  # (site, line) ->

    def corpus_documents(self, line: str) -> int:
        return self.corpus.get(line, 1)

    def site_documents(self, site: str | None, line: str) -> int:
        return self.by_site.get((site, line), 1) if site is not None else 0


def page_identity(lines: list[str], keys: Iterable[str]) -> bytes:
    """The page's identity: the sketch of its paragraphs, or all its line keys when it has too few."""
    paragraphs = {normalise_line(unit.text) for unit in units(lines) if unit.prose and unit.words >= IDENTITY_MIN_WORDS}
    if len(paragraphs) >= IDENTITY_PARAGRAPHS:
        basis = sorted(_digest(paragraph) for paragraph in paragraphs)[:IDENTITY_PARAGRAPHS]
    else:
        basis = sorted(_digest(key) for key in keys)
    return hashlib.blake2b(b"".join(basis), digest_size=16).digest()


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).digest()


def line_rows(docs: Sequence[Document], max_chars: int) -> dict[str, dict[str, list[Any]]]:
    """The `lines` rows of a batch: each page's distinct normalised lines, with its site and its
    identity (copies of a page, exact or near, have the same)."""
    columns: dict[str, list[Any]] = {"doc": [], "site": [], "page": [], "line": []}
    for index, doc in enumerate(docs):
        text_lines = doc.text.split("\n")
        lines = sorted({key for line in text_lines if (key := normalise_line(line)) and len(key) <= max_chars})
        page = page_identity(text_lines, lines)
        site = site_of(doc)
        columns["doc"] += [index] * len(lines)
        columns["site"] += [site] * len(lines)
        columns["page"] += [page] * len(lines)
        columns["line"] += lines
    return {"lines": columns}


def count_lines(store: Any) -> None:
    """Count each distinct page identity once (per site, and over the input), keep the lines seen
    on two pages or more, and hand each batch its lines' counts."""
    # The distinct (line, page) pairs are a table of their own before they are counted: a grouped
    # count(DISTINCT ...), or the two GROUP BYs in one query, ran out of DuckDB's memory limit on 2
    # million documents (30 million lines), where each step alone spills to disk.
    store.execute("CREATE TEMP TABLE line_pages AS SELECT line, page FROM lines GROUP BY line, page")
    store.execute("""CREATE TEMP TABLE corpus_counts AS
        SELECT line, count(*) AS documents FROM line_pages GROUP BY line HAVING documents >= 2""")
    store.execute("DROP TABLE line_pages")
    store.execute("""CREATE TEMP TABLE site_line_pages AS
        SELECT site, line, page FROM lines WHERE site IS NOT NULL GROUP BY site, line, page""")
    store.execute("""CREATE TEMP TABLE site_counts AS
        SELECT site, line, count(*) AS documents FROM site_line_pages GROUP BY site, line HAVING documents >= 2""")
    store.execute("DROP TABLE site_line_pages")
    store.lookup("""SELECT l._batch, l.site, l.line, c.documents AS corpus, s.documents AS on_site
        FROM lines l LEFT JOIN corpus_counts c ON c.line = l.line
        LEFT JOIN site_counts s ON s.site = l.site AND s.line = l.line
        WHERE c.documents IS NOT NULL OR s.documents IS NOT NULL""")
    # line_stats.parquet: line, site (null for the whole input), documents; most frequent first.
    store.table(
        "line_stats.parquet",
        """
        SELECT line, site, documents FROM (
            SELECT line, NULL::VARCHAR AS site, documents FROM corpus_counts
            UNION ALL SELECT line, site, documents FROM site_counts)
        ORDER BY site NULLS FIRST, documents DESC, line""",
    )


def batch_counts(lookups: dict[str, list[Any]]) -> LineCounts:
    counts = LineCounts()
    for site, line, corpus, on_site in zip(
        lookups.get("site", ()), lookups.get("line", ()), lookups.get("corpus", ()), lookups.get("on_site", ())
    ):
        if corpus is not None:
            counts.corpus[line] = corpus
        if on_site is not None:
            counts.by_site[site, line] = on_site
    return counts

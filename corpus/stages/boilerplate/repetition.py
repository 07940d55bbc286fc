"""The first pass: on how many distinct pages each line occurs, over the whole input and per site.

Lines are counted in `exact_line`'s normal form, so a line found here pastes straight into a
rule file. A page is counted by its identity, not once per copy: a page crawled twice, a wire
story sent again with a new headline, or one article on two URLs of a site must not make its
own lines look like chrome (the headline and the results table of a duplicated story were
removed as repeated). The identity comes from the page alone, so the pass can be aggregated out
of core in any order:

- per page, `count_lines` gives (site, identity, the page's distinct line keys);
- merged, `merge_counts` gives the number of distinct identities per (site, line) and per line.

The identity is a hash of the three paragraphs of 20 words or more whose own hashes are the
smallest (a bottom-3 sketch of the page's prose): near copies that share most of their
paragraphs get the same one, while two articles of one site, which share menus, teasers and
perhaps a long disclaimer but not three paragraphs, do not. Measured on every page of the
shared sets: the 19,043 Reuters stories merge 342 copies and revised re-sends, no two of the
1,191 web pages (Zyte, CleanEval, CleanPortalEval, trafilatura's set) merge. A page with fewer
than three such paragraphs (a short note, a table, a menu) is identified by all its lines, so
only its exact copies count once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import polars as pl

from corpus.document import Document
from corpus.rules import site_of
from corpus.stages.boilerplate.lines import units
from corpus.stages.boilerplate.site_rules import normalise_line

CorpusKey = str
SiteKey = tuple[str, str]  # (site, line)
IDENTITY_PARAGRAPHS = 3  # paragraphs in the sketch: two articles of a site rarely share three
IDENTITY_MIN_WORDS = 20.0  # a paragraph this long is the article's, rarely a teaser or a label


@dataclass(frozen=True, slots=True)
class PageLines:
    """One page as the first pass sees it."""

    site: str | None
    identity: bytes
    lines: frozenset[str]  # its distinct normalised lines


@dataclass
class LineCounts:
    """Distinct pages per normalised line; only lines on two pages or more are kept after merging."""

    corpus: Counter[CorpusKey] = field(default_factory=Counter)
    by_site: Counter[SiteKey] = field(default_factory=Counter)
    pages: list[PageLines] = field(default_factory=list)  # only in partials

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


def page_identity(lines: Sequence[str], keys: frozenset[str]) -> bytes:
    """The page's identity: its prose sketch, or all its line keys when it has too little prose."""
    paragraphs = {normalise_line(unit.text) for unit in units(list(lines))
                  if unit.prose and unit.words >= IDENTITY_MIN_WORDS}
    if len(paragraphs) >= IDENTITY_PARAGRAPHS:
        basis = sorted(_digest(paragraph, 8) for paragraph in paragraphs)[:IDENTITY_PARAGRAPHS]
    else:
        basis = sorted(_digest(key, 8) for key in keys)
    return hashlib.blake2b(b"".join(basis), digest_size=16).digest()


def _digest(text: str, size: int) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=size).digest()


def count_lines(docs: Sequence[Document], max_chars: int) -> LineCounts:
    partial = LineCounts()
    for doc in docs:
        lines = doc.text.split("\n")
        keys = frozenset(key for line in lines if (key := normalise_line(line)) and len(key) <= max_chars)
        partial.pages.append(PageLines(site_of(doc), page_identity(lines, keys), keys))
    return partial


def merge_counts(partials: Sequence[LineCounts]) -> LineCounts:
    """Count each page identity once per line (per site, and over the input), then keep the lines
    on two pages or more. A line of any copy counts for the identity, so the order of the
    partials and of the pages in them cannot change the counts."""
    pages: dict[bytes, frozenset[str]] = {}
    site_pages: dict[tuple[str, bytes], frozenset[str]] = {}
    for partial in partials:
        for page in partial.pages:
            pages[page.identity] = pages.get(page.identity, frozenset()) | page.lines
            if page.site is not None:
                key = (page.site, page.identity)
                site_pages[key] = site_pages.get(key, frozenset()) | page.lines
    corpus: Counter[CorpusKey] = Counter()
    for lines in pages.values():
        corpus.update(lines)
    by_site: Counter[SiteKey] = Counter()
    for (site, _), lines in site_pages.items():
        by_site.update((site, line) for line in lines)
    return LineCounts(
        corpus=Counter({line: n for line, n in corpus.items() if n >= 2}),
        by_site=Counter({key: n for key, n in by_site.items() if n >= 2}),
    )

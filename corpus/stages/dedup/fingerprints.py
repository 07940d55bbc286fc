"""What the first pass keeps of each document: computed as flat arrays for a batch at once, and
written as rows of two tables (documents, and their paragraphs long enough to be passages)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Any

import numpy as np
import polars as pl

from corpus.document import Document
from corpus.stages.dedup.lsh import band_keys
from corpus.stages.dedup.minhash import MinHasher
from corpus.stages.dedup.shingles import Shingler, sequence_hashes
from corpus.stages.dedup.text import paragraph_tokens

FIT_TABLES: dict[str, dict[str, Any]] = {
    "docs": {
        "doc": pl.Int32,
        "id": pl.String,
        "text_hash": pl.UInt64,
        "words": pl.Int64,
        "band_keys": pl.List(pl.UInt64),
        "shingles": pl.List(pl.UInt32),
    },
    "paragraphs": {"doc": pl.Int32, "number": pl.Int32, "hash": pl.UInt64, "words": pl.Int64},
}


@dataclass
class Fingerprints:
    ids: list[str]
    text_hashes: np.ndarray  # uint64 (n,): the whole text's word sequence
    band_keys: np.ndarray  # uint64 (n, bands): the LSH index
    shingles: np.ndarray  # uint32: every document's sorted shingle hashes, one after another
    shingle_offsets: np.ndarray  # int64 (n + 1,): document i's shingles are [offsets[i], offsets[i + 1])
    words: np.ndarray  # int64 (n,)
    paragraph_hashes: np.ndarray  # uint64: every paragraph of every document, in order
    paragraph_words: np.ndarray  # int64, beside paragraph_hashes
    paragraph_offsets: np.ndarray  # int64 (n + 1,)

    def __len__(self) -> int:
        return len(self.ids)

    def shingles_of(self, index: int) -> np.ndarray:
        return self.shingles[self.shingle_offsets[index] : self.shingle_offsets[index + 1]]

    def paragraphs_of(self, index: int) -> tuple[np.ndarray, np.ndarray]:
        span = slice(self.paragraph_offsets[index], self.paragraph_offsets[index + 1])
        return self.paragraph_hashes[span], self.paragraph_words[span]

    @classmethod
    def concat(cls, parts: Sequence[Fingerprints], bands: int) -> Fingerprints:
        if not parts:
            return cls(
                [],
                _u64([]),
                np.empty((0, bands), np.uint64),
                np.empty(0, np.uint32),
                offsets([]),
                np.empty(0, np.int64),
                _u64([]),
                np.empty(0, np.int64),
                offsets([]),
            )
        return cls(
            ids=[doc_id for part in parts for doc_id in part.ids],
            text_hashes=np.concatenate([part.text_hashes for part in parts]),
            band_keys=np.concatenate([part.band_keys for part in parts]),
            shingles=np.concatenate([part.shingles for part in parts]),
            shingle_offsets=_chain([part.shingle_offsets for part in parts]),
            words=np.concatenate([part.words for part in parts]),
            paragraph_hashes=np.concatenate([part.paragraph_hashes for part in parts]),
            paragraph_words=np.concatenate([part.paragraph_words for part in parts]),
            paragraph_offsets=_chain([part.paragraph_offsets for part in parts]),
        )

    def index_bytes(self) -> int:
        """The in-memory index proper: band keys and text hashes."""
        return self.band_keys.nbytes + self.text_hashes.nbytes


def _u64(values: Sequence[int]) -> np.ndarray:
    return np.array(values, dtype=np.uint64)


def offsets(lengths: Sequence[int] | np.ndarray) -> np.ndarray:
    return np.concatenate(([0], np.cumsum(lengths, dtype=np.int64))).astype(np.int64)


def _chain(parts: Sequence[np.ndarray]) -> np.ndarray:
    """Offset arrays of consecutive parts as one."""
    pieces = [np.zeros(1, dtype=np.int64)]
    base = 0
    for part in parts:
        pieces.append(part[1:] + base)
        base += int(part[-1])
    return np.concatenate(pieces)


def fingerprint(docs: Sequence[Document], shingler: Shingler, hasher: MinHasher, bands: int, rows: int) -> Fingerprints:
    """A batch's fingerprints (band keys even when near-duplicates are off: a later run may want them)."""
    found = [paragraph_tokens(doc.text) for doc in docs]
    tokens = [list(chain.from_iterable(doc_paragraphs)) for doc_paragraphs in found]  # paragraphs hold every word
    words = shingler.word_hashes(tokens)
    shingle_sets = shingler.shingle_sets(tokens, words)
    paragraph_words = [len(paragraph) for doc_paragraphs in found for paragraph in doc_paragraphs]
    return Fingerprints(
        ids=[doc.id for doc in docs],
        text_hashes=sequence_hashes(words, offsets([len(doc_tokens) for doc_tokens in tokens])),
        band_keys=band_keys(hasher.signatures(shingle_sets), bands, rows),
        shingles=np.concatenate([np.empty(0, np.uint32), *shingle_sets]),
        shingle_offsets=offsets([len(s) for s in shingle_sets]),
        words=np.array([len(doc_tokens) for doc_tokens in tokens], dtype=np.int64),
        paragraph_hashes=sequence_hashes(words, offsets(paragraph_words)),
        paragraph_words=np.array(paragraph_words, dtype=np.int64),
        paragraph_offsets=offsets([len(doc_paragraphs) for doc_paragraphs in found]),
    )


def fingerprint_rows(found: Fingerprints, min_passage_words: int) -> dict[str, dict[str, Any]]:
    """The fit tables' rows of a batch: a row per document, and one per paragraph of
    `min_passage_words` or more words (shorter ones may repeat freely, so they are never compared)."""
    count = len(found)
    paragraphs = np.diff(found.paragraph_offsets)
    owner = np.repeat(np.arange(count), paragraphs)
    number = np.arange(len(owner)) - np.repeat(found.paragraph_offsets[:-1], paragraphs)
    long = found.paragraph_words >= min_passage_words
    return {
        "docs": {
            "doc": list(range(count)),
            "id": found.ids,
            "text_hash": found.text_hashes,
            "words": found.words,
            "band_keys": list(found.band_keys),
            "shingles": [found.shingles_of(i) for i in range(count)],
        },
        "paragraphs": {
            "doc": owner[long],
            "number": number[long],
            "hash": found.paragraph_hashes[long],
            "words": found.paragraph_words[long],
        },
    }

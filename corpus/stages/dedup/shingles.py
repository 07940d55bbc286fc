"""Word n-gram shingle hashes for a batch of documents at once.

Hashing each shingle's text (datasketch's default, `sha1_hash32` of `" ".join(ngram)`) cost
half of the stage's time on Reuters-21578 (1.2 us a shingle in Python: 8 of 17 s profiled). Here
each distinct word is hashed once (blake2b, remembered), and a shingle's hash is a fixed mix of
its words' hashes, computed for a whole batch in numpy. `shingle_hash32` is the same function for
one shingle, so `datasketch.MinHash(hashfunc=shingle_hash32)` fed `" ".join(ngram).encode()`
gives the stage's signatures exactly (tests/test_dedup.py checks it).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from itertools import chain

import numpy as np

_MIX = 0x9E3779B97F4A7C15  # an odd 64-bit constant (the golden ratio's bits)
_MASK64 = (1 << 64) - 1
_WORD_MEMO_LIMIT = 1 << 18  # distinct words remembered per process before the memo starts over (~40 MB)


def word_hash(word: str) -> int:
    return int.from_bytes(hashlib.blake2b(word.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


def shingle_hash32(shingle: bytes) -> int:
    """The hash of one shingle (its words joined by single spaces), as `Shingler` computes it."""
    value = 0
    for number, word in enumerate(shingle.decode("utf-8", "surrogatepass").split(" ")):
        value = word_hash(word) if number == 0 else ((value * _MIX) & _MASK64) ^ word_hash(word)
    return _fmix64_int(value) & 0xFFFFFFFF


class Shingler:
    """Hashes of words, shingles and word sequences for a batch of documents.

    Keeps a memo of word hashes (a cache, not corpus knowledge: the results do not depend on it).
    """

    def __init__(self, n: int) -> None:
        self.n = n
        self.memo = _WordHashes()

    def word_hashes(self, token_lists: Sequence[list[str]]) -> np.ndarray:
        """uint64 word_hash of every token of every list, one after another."""
        if len(self.memo) > _WORD_MEMO_LIMIT:
            self.memo.clear()
        return np.fromiter(
            map(self.memo.__getitem__, chain.from_iterable(token_lists)),
            dtype=np.uint64,
            count=sum(map(len, token_lists)),
        )

    def shingle_sets(self, token_lists: Sequence[list[str]], words: np.ndarray) -> list[np.ndarray]:
        """Sorted distinct uint32 shingle hashes of each document (`words`: their word_hashes); a
        text shorter than n words is one shingle of all its words, one without words has none."""
        n = self.n
        lengths = np.array([len(tokens) for tokens in token_lists], dtype=np.int64)
        count = len(words) - n + 1
        starts = np.concatenate(([0], np.cumsum(lengths)[:-1])).astype(np.int64)
        keys = [np.empty(0, dtype=np.uint64)]
        if count > 0:
            mixed = words[:count].copy()
            for offset in range(1, n):
                mixed = (mixed * np.uint64(_MIX)) ^ words[offset : offset + count]
            owner = np.repeat(np.arange(len(token_lists), dtype=np.int64), lengths)[:count]
            whole = np.flatnonzero(np.arange(count) - starts[owner] <= lengths[owner] - n)  # windows inside one doc
            keys.append(
                (owner[whole].astype(np.uint64) << np.uint64(32)) | (_fmix64(mixed[whole]) & np.uint64(0xFFFFFFFF))
            )
        short = [doc for doc, length in enumerate(lengths.tolist()) if 0 < length < n]
        if short:
            keys.append(
                np.array(
                    [
                        (doc << 32) | shingle_hash32(" ".join(token_lists[doc]).encode("utf-8", "surrogatepass"))
                        for doc in short
                    ],
                    dtype=np.uint64,
                )
            )
        ordered = np.unique(np.concatenate(keys))  # by document, then hash: each document's set, sorted
        bounds = np.searchsorted(ordered >> np.uint64(32), np.arange(len(token_lists) + 1, dtype=np.uint64))
        values = (ordered & np.uint64(0xFFFFFFFF)).astype(np.uint32)
        return [values[bounds[doc] : bounds[doc + 1]] for doc in range(len(token_lists))]


def sequence_hashes(words: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """A uint64 hash of each word sequence words[offsets[i]:offsets[i + 1]] (documents, paragraphs):
    a polynomial in the word hashes, so equal sequences, and in practice only those, hash alike."""
    lengths = np.diff(offsets)
    sums = np.zeros(len(lengths), dtype=np.uint64)
    filled = np.flatnonzero(lengths > 0)
    if len(filled):
        segment = np.repeat(np.arange(len(lengths)), lengths)
        powers = np.ones(int(lengths.max()), dtype=np.uint64)  # _MIX ** position in the sequence, mod 2^64
        powers[1:] = np.multiply.accumulate(np.full(len(powers) - 1, _MIX, dtype=np.uint64))
        terms = words * powers[np.arange(len(words)) - offsets[segment]]
        sums[filled] = np.add.reduceat(terms, offsets[filled])  # wraps mod 2^64
    return _fmix64(sums ^ (lengths.astype(np.uint64) * np.uint64(_MIX)))


class _WordHashes(dict[str, int]):
    """word -> word_hash(word), computed on first use: lookups stay in C (a Python loop over
    `dict.get` took 1.7 of the stage's 6.3 s profiled on Reuters-21578)."""

    def __missing__(self, word: str) -> int:
        value = self[word] = word_hash(word)
        return value


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: every input bit reaches the low 32 bits kept."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


def _fmix64_int(value: int) -> int:
    value ^= value >> 33
    value = (value * 0xFF51AFD7ED558CCD) & _MASK64
    value ^= value >> 33
    value = (value * 0xC4CEB9FE1A85EC53) & _MASK64
    return value ^ (value >> 33)

"""LSH banding over arrays: one 64-bit key per band and document, candidates from sorted keys.

datasketch's MinHashLSH keeps a dict of per-document byte strings per band: 63 MB for the
21,578 Reuters-21578 articles (2.9 KB per document, `python -m benchmarks dedup`), and 2-4k
inserts+queries per second (issue 6), slower than the hashing once that is batched. Here a band is a
column of a uint64 array (8 bytes per band and document), and the documents sharing a key are found
by sorting the column.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

_FNV_OFFSET = np.uint64(0xCBF29CE484222325)
_FNV_PRIME = np.uint64(0x100000001B3)
# A bucket larger than this (hundreds of documents sharing a band) is linked as a chain, not as all
# its pairs: a cluster forms either way, but only neighbours in input order are compared.
MAX_BUCKET_PAIRS = 64


def band_keys(signatures: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """(documents, bands) uint64: FNV-1a over each band's `rows` values. Keys that collide
    without equal bands only add candidates, which the Jaccard check then rejects."""
    count = signatures.shape[0]
    values = signatures[:, : bands * rows].astype(np.uint64).reshape(count, bands, rows)
    keys = np.full((count, bands), _FNV_OFFSET, dtype=np.uint64)
    for row in range(rows):
        keys = (keys ^ values[:, :, row]) * _FNV_PRIME
    return keys


def candidate_pairs(keys: np.ndarray) -> np.ndarray:
    """(pairs, 2) int64, each row (i, j) with i < j sharing at least one band key; sorted, unique."""
    found: list[tuple[int, int]] = []
    for band in range(keys.shape[1]):
        column = keys[:, band]
        order = np.argsort(column, kind="stable")
        ordered = column[order]
        same = ordered[1:] == ordered[:-1]
        if not same.any():
            continue
        edges = np.flatnonzero(np.diff(np.concatenate(([0], same.astype(np.int8), [0]))))
        for first, last in zip(edges[::2], edges[1::2] + 1):
            members = np.sort(order[first:last])
            if len(members) <= MAX_BUCKET_PAIRS:
                found.extend(combinations(members.tolist(), 2))
            else:
                found.extend(zip(members[:-1].tolist(), members[1:].tolist()))
    if not found:
        return np.empty((0, 2), dtype=np.int64)
    return np.unique(np.array(found, dtype=np.int64), axis=0)


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Exact Jaccard similarity of two sorted sets of shingle hashes (0 for two empty sets)."""
    if not len(first) or not len(second):
        return 0.0
    shared = len(np.intersect1d(first, second, assume_unique=True))
    return shared / (len(first) + len(second) - shared)

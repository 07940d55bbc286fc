"""MinHash signatures for a batch of documents at once, equal to datasketch's.

datasketch's MinHash (2.x, default scheme "affine32") mixes each shingle's 32-bit hash with the
MurmurHash3 finalizer and applies `num_perm` affine maps mod 2^32, one Python call per shingle
(`update`), or per document (`update_batch`). Here the same arithmetic runs over every shingle
of a batch of documents as one numpy matrix, with datasketch's own permutation parameters, so
each signature equals `datasketch.MinHash(num_perm, seed=1, hashfunc=shingle_hash32)` fed the
same shingles (tests/test_dedup.py checks it, and that LeanMinHash objects built from either
compare equal). On Reuters-21578 (`python -m benchmarks dedup`, one core) datasketch used as
its README shows (`update` per shingle, then MinHashLSH) runs at about 550 documents/s; the
whole stage, with this and the hashing and banding of shingles.py and lsh.py, at about 7,300.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

SEED = 1  # datasketch's default seed: signatures stay comparable with its MinHash objects
MAX_HASH = np.uint32(0xFFFFFFFF)  # an empty set's value, as in datasketch
CHUNK_SHINGLES = 1 << 15  # shingles hashed per matrix: 128 permutations x 32k x 4 bytes = 16 MB


class MinHasher:
    def __init__(self, num_perm: int) -> None:
        self.num_perm = num_perm
        self.a, self.b = permutations(num_perm)

    def signatures(self, shingle_sets: Sequence[np.ndarray]) -> np.ndarray:
        """One row of `num_perm` uint32 values per set of 32-bit shingle hashes."""
        result = np.full((len(shingle_sets), self.num_perm), MAX_HASH, dtype=np.uint32)
        group: list[int] = []
        size = 0
        for row, shingles in enumerate(shingle_sets):
            if len(shingles) > CHUNK_SHINGLES:  # a very long document, in slices of its own
                for first in range(0, len(shingles), CHUNK_SHINGLES):
                    piece = self._permuted(shingles[first : first + CHUNK_SHINGLES]).min(axis=1)
                    np.minimum(result[row], piece, out=result[row])
                continue
            if len(shingles) and size + len(shingles) > CHUNK_SHINGLES:
                self._fill(result, group, shingle_sets)
                group, size = [], 0
            if len(shingles):
                group.append(row)
                size += len(shingles)
        self._fill(result, group, shingle_sets)
        return result

    def _fill(self, result: np.ndarray, rows: list[int], shingle_sets: Sequence[np.ndarray]) -> None:
        if not rows:
            return
        permuted = self._permuted(np.concatenate([shingle_sets[row] for row in rows]))
        starts = np.cumsum([0] + [len(shingle_sets[row]) for row in rows[:-1]])
        result[rows] = np.minimum.reduceat(permuted, starts, axis=1).T

    def _permuted(self, shingles: np.ndarray) -> np.ndarray:
        """(num_perm, shingles): permutations by rows, so the minimum per document runs along
        contiguous memory (1.8x faster than the transposed layout for 8,000 shingles here)."""
        mixed = _fmix32(shingles.astype(np.uint32))
        return self.a[:, None] * mixed[None, :] + self.b[:, None]  # wraps mod 2^32, as datasketch's does


def permutations(num_perm: int, seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (`MinHash._init_permutations`), drawn the same
    way from the same generator; written out here because importing datasketch (and scipy with
    it) took 1.4 s of every start-up for these three lines. tests/test_dedup.py checks they agree."""
    generator = np.random.RandomState(seed)
    a = generator.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = generator.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, datasketch's pre-mix (datasketch.minhash._fmix, private there)."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))

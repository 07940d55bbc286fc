"""Unique document ids, in input order, in memory that does not grow with the text: 16 bytes an id.

A repeated id gets `~2`, `~3`... The ids seen are kept as 128-bit hashes (blake2b), so the set of
ten million ids takes 160 MB instead of a few GB of Python strings; two different ids sharing a
128-bit hash is a chance of about one in 10^22 for ten billion ids. Recent hashes sit in a Python
set; every million of them are sorted into a numpy run, and runs are merged as they pile up (an
LSM tree), so a lookup is a set probe and a binary search per run.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np

_BUFFER = 1 << 17  # hashes held in the set before they are sorted into a run (about 9 MB)
_RUNS = 16  # runs kept before they are merged into one


def id_hash(doc_id: str) -> int:
    return int.from_bytes(hashlib.blake2b(doc_id.encode("utf-8", "surrogatepass"), digest_size=16).digest(), "little")


class IdRegistry:
    """The ids handed out so far (as hashes), and each repeated id's count."""

    def __init__(self) -> None:
        self._recent: set[int] = set()
        self._runs: list[np.ndarray] = []  # sorted structured arrays of (high, low) uint64
        self._repeats: dict[int, int] = {}  # hash of an id seen more than once -> times seen
        self.added: list[int] = []  # hashes added since the last `take_added`, for the journal

    def unique_many(self, originals: list[str]) -> list[str]:
        """Each of `originals` (in order), or `original~N` for its Nth occurrence, skipping names
        already taken. The runs are searched for the whole list at once: one id at a time, the
        binary searches cost more than the rest of reading."""
        keys = [id_hash(original) for original in originals]
        in_runs = self._in_runs(keys)
        unique: list[str] = []
        for original, key, earlier in zip(originals, keys, in_runs):
            if not earlier and key not in self._recent:
                self._add(key)
                unique.append(original)
                continue
            count = self._repeats.get(key, 1) + 1
            name = f"{original}~{count}"
            while self._seen(id_hash(name)):  # an input id may itself look like "x~2"
                count += 1
                name = f"{original}~{count}"
            self._repeats[key] = count
            self._add(id_hash(name))
            unique.append(name)
        if len(self._recent) >= _BUFFER:
            self._runs.append(_sorted_run(self._recent))
            self._recent = set()
            if len(self._runs) >= _RUNS:
                self._runs = [_merged(self._runs)]
        return unique

    def _seen(self, key: int) -> bool:
        return key in self._recent or bool(self._in_runs([key])[0])

    def _in_runs(self, keys: list[int]) -> list[bool]:
        found = np.zeros(len(keys), dtype=bool)
        if not self._runs or not keys:
            return found.tolist()
        highs = np.array([key >> 64 for key in keys], dtype=np.uint64)
        lows = np.array([key & _LOW for key in keys], dtype=np.uint64)
        for run in self._runs:
            at = np.searchsorted(run["high"], highs)
            hit = at < len(run)
            hit[hit] &= run["high"][at[hit]] == highs[hit]
            for index in np.flatnonzero(hit & ~found).tolist():
                position = int(at[index])
                while position < len(run) and run["high"][position] == highs[index]:
                    if run["low"][position] == lows[index]:
                        found[index] = True
                        break
                    position += 1
        return found.tolist()

    def _add(self, key: int) -> None:
        self._recent.add(key)
        self.added.append(key)

    def take_added(self) -> list[int]:
        added, self.added = self.added, []
        return added

    def state(self) -> dict[str, int]:
        """The counts of repeated ids (small: only ids seen twice or more), for the journal."""
        return {str(key): count for key, count in self._repeats.items()}

    @classmethod
    def restored(cls, saved: list[np.ndarray], repeats: dict[str, int]) -> IdRegistry:
        """The registry as it was, from the arrays of `as_array(take_added())` saved along the way."""
        registry = cls()
        if saved:
            registry._runs = [_merged(saved)]
        registry._repeats = {int(key): count for key, count in repeats.items()}
        return registry


_LOW = 0xFFFFFFFFFFFFFFFF
_DTYPE = np.dtype([("high", np.uint64), ("low", np.uint64)])


def _sorted_run(keys: Iterable[int]) -> np.ndarray:
    values = sorted(keys)
    run = np.empty(len(values), dtype=_DTYPE)
    run["high"] = [key >> 64 for key in values]
    run["low"] = [key & _LOW for key in values]
    return run


def _merged(runs: list[np.ndarray]) -> np.ndarray:
    merged = np.concatenate(runs)
    return merged[np.argsort(merged, order=("high", "low"), kind="stable")]


def as_array(hashes: list[int]) -> np.ndarray:
    """Hashes as a structured array (high, low), to save beside the journal."""
    return _sorted_run(hashes)

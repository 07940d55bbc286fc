"""The merge of the first pass: which documents go (and which they duplicate), which passages go.

Input order decides "first": the runner hands the partials over in input order, so the
fingerprints are in input order, and an earlier run's documents (`--dedup-against`) come
before all of them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import orjson

from corpus.document import Drop
from corpus.stages.dedup.fingerprints import Fingerprints
from corpus.stages.dedup.lsh import candidate_pairs, jaccard
from corpus.stages.dedup.previous import Previous

EXACT = "exact_duplicate"
NEAR = "near_duplicate"
SHORT = "short_after_dedup"


@dataclass
class Decisions:
    drops: dict[str, Drop] = field(default_factory=dict)
    removals: dict[str, list[tuple[int, str]]] = field(default_factory=dict)  # id -> (paragraph, detail)
    passages: dict[int, str] = field(default_factory=dict)  # passage hash -> first kept id, this run's
    candidates: int = 0  # pairs sharing a band, before the Jaccard check


@dataclass(frozen=True)
class Settings:
    threshold: float
    keep: str  # "first" | "longest"
    exact: bool
    near: bool
    passages: bool
    min_passage_words: int
    min_words: int


def decide(found: Fingerprints, settings: Settings, previous: Previous | None) -> Decisions:
    decisions = Decisions()
    # document index -> (index it duplicates: negative = -1 - index in `previous`, similarity)
    duplicate: dict[int, tuple[int, float]] = {}
    representatives = np.arange(len(found))
    if settings.exact:
        representatives = _exact(found, previous, duplicate)
    copies = set(duplicate)
    if settings.near:
        decisions.candidates = _near(found, representatives, settings, previous, duplicate)
    for index, (target, similarity) in sorted(duplicate.items()):
        reason = EXACT if index in copies else NEAR
        if target in duplicate:  # the first copy of this text is itself a near duplicate: follow it
            target, similarity = duplicate[target]
            reason = NEAR
        duplicate_of, duplicate_in = _named(found, previous, target)
        decisions.drops[found.ids[index]] = Drop(reason, None, duplicate_of, similarity, duplicate_in)
    if settings.passages:
        _passages(found, settings, previous, set(duplicate), decisions)
    return decisions


def _named(found: Fingerprints, previous: Previous | None, target: int) -> tuple[str, str | None]:
    """A target's id, and the earlier run holding it (None: this run)."""
    if target < 0:
        assert previous is not None
        return previous.ids[-1 - target], previous.name
    return found.ids[target], None


def _exact(found: Fingerprints, previous: Previous | None, duplicate: dict[int, tuple[int, float]]) -> np.ndarray:
    """Mark every later copy of a text; the documents left to compare (first copies).

    A text without words (only symbols or emoji) copies nothing: there is nothing to compare.
    """
    _, first, inverse = np.unique(found.text_hashes, return_index=True, return_inverse=True)
    worded = found.words > 0
    owner = np.where(worded, first[inverse], np.arange(len(found)))
    if previous is not None and len(previous):
        order = np.argsort(previous.text_hashes, kind="stable")
        ranked = previous.text_hashes[order]
        at = np.minimum(np.searchsorted(ranked, found.text_hashes), len(ranked) - 1)
        earlier = (ranked[at] == found.text_hashes) & worded
        owner = np.where(earlier, -1 - order[at], owner)
    for index in np.flatnonzero(owner != np.arange(len(found))).tolist():
        duplicate[index] = (int(owner[index]), 1.0)
    return np.flatnonzero(owner == np.arange(len(found)))


def _near(found: Fingerprints, members: np.ndarray, settings: Settings, previous: Previous | None,
          duplicate: dict[int, tuple[int, float]]) -> int:
    """Cluster the first copies by confirmed candidate pairs; mark all but the kept one of each cluster.

    Positions 0..m-1 of the combined index are the earlier run's documents, then `members`.
    """
    earlier = len(previous) if previous is not None else 0
    keys = found.band_keys[members]
    if earlier:
        keys = np.concatenate([previous.band_keys, keys])

    def shingles(position: int) -> np.ndarray:
        return previous.shingles_of(position) if position < earlier else found.shingles_of(members[position - earlier])

    pairs = candidate_pairs(keys)
    pairs = pairs[pairs[:, 1] >= earlier]  # two earlier documents: already settled in their own run
    parent = list(range(len(keys)))
    for first, second in pairs.tolist():
        if jaccard(shingles(first), shingles(second)) >= settings.threshold:
            _union(parent, first, second)
    clusters: dict[int, list[int]] = {}
    for position in range(earlier, len(keys)):
        clusters.setdefault(_root(parent, position), []).append(position)
    for root, positions in clusters.items():
        if len(positions) == 1 and root >= earlier:
            continue
        kept = root if root < earlier else _kept(positions, settings.keep, lambda p: int(found.words[members[p - earlier]]))
        for position in positions:
            if position != kept:
                target = -1 - kept if kept < earlier else int(members[kept - earlier])
                similarity = round(jaccard(shingles(position), shingles(kept)), 4)
                duplicate[int(members[position - earlier])] = (target, similarity)
    return len(pairs)


def _kept(positions: list[int], keep: str, words: Callable[[int], int]) -> int:
    if keep == "longest":
        return min(positions, key=lambda p: (-words(p), p))
    return min(positions)


def _root(parent: list[int], node: int) -> int:
    while parent[node] != node:
        parent[node] = parent[parent[node]]
        node = parent[node]
    return node


def _union(parent: list[int], first: int, second: int) -> None:
    """The smaller root wins, so a cluster's root is its earliest document (an earlier run's first)."""
    a, b = _root(parent, first), _root(parent, second)
    if a != b:
        parent[max(a, b)] = min(a, b)


def _passages(found: Fingerprints, settings: Settings, previous: Previous | None, dropped: set[int],
              decisions: Decisions) -> None:
    """In input order over the documents kept: paragraphs seen in an earlier kept document go."""
    earlier = previous.passages if previous is not None else {}
    seen = decisions.passages
    for index in range(len(found)):
        if index in dropped:
            continue
        doc_id = found.ids[index]
        hashes, counts = found.paragraphs_of(index)
        removed = []
        for number, (passage, count) in enumerate(zip(hashes.tolist(), counts.tolist())):
            if count < settings.min_passage_words:
                continue
            if passage in earlier:
                removed.append((number, count, {"first_in": earlier[passage], "duplicate_in": previous.name}))
            elif seen.get(passage, doc_id) != doc_id:
                removed.append((number, count, {"first_in": seen[passage]}))
        if removed:
            left = int(found.words[index]) - sum(count for _, count, _ in removed)
            if left < settings.min_words:
                decisions.drops[doc_id] = Drop(SHORT, f"{left} words left after removing "
                                                      f"{len(removed)} repeated passage(s)")
                continue
            decisions.removals[doc_id] = [(number, orjson.dumps(detail).decode()) for number, _, detail in removed]
        for passage, count in zip(hashes.tolist(), counts.tolist()):
            if count >= settings.min_passage_words and passage not in earlier:
                seen.setdefault(passage, doc_id)

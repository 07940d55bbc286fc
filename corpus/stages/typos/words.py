"""Which words are real, and which real words a misspelling is near: pyspellchecker's word list.

Candidate search is hand-written: pyspellchecker's own distance-2 search builds every edit of
every edit (13 s for "accomadate" here), and symspellpy's index over the same ~160k words takes
4.3 s to build and 3.2 s to load from its pickle in each worker. Intended words are common, so
we index only the 37,679 words pyspellchecker counts at least MIN_CANDIDATE_COUNT times, by their
single deletions; a query's deletions up to two then find every such word within
Damerau-Levenshtein distance 2 but for two letters missing from the typo. Built in 0.8 s, once
per process, on the first word that needs it.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from importlib.metadata import version

from spellchecker import SpellChecker

MIN_CANDIDATE_COUNT = 200  # pyspellchecker's frequency of the rarest word offered as a correction

# British spellings pyspellchecker (American) lacks, by the regular correspondences: a word is real
# when its American form is ("defence" -> "defense", "apologised" -> "apologized").
_BRITISH = [
    (re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"our(?=[a-z]*$)"), "or"),  # labour, favourably, neighbours
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
]


class Dictionary:
    """pyspellchecker's words and frequencies for one language, and a candidate index over them."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.frequency: dict[str, int] = dict(SpellChecker(language=language, distance=1).word_frequency.dictionary)
        self._index: dict[str, tuple[str, ...]] | None = None

    def knows(self, word: str) -> bool:
        """A real word: in the list, a regular plural of one ("fermentations"), or (English) the
        British form of a word in it."""
        if word in self.frequency:
            return True
        if word.endswith("s") and (word[:-1] in self.frequency or (word.endswith("es") and word[:-2] in self.frequency)):
            return True
        if self.language == "en":
            return any(self.frequency.get(pattern.sub(replacement, word), 0) for pattern, replacement in _BRITISH
                       if pattern.search(word))
        return False

    def candidates(self, word: str) -> list[tuple[str, int, int]]:
        """(word, distance, frequency) of the common words within distance 2, nearest then most frequent."""
        index = self._build_index()
        found: set[str] = set()
        for variant in _deletions(word, 2):
            found.update(index.get(variant, ()))
        scored = [(candidate, distance(word, candidate), self.frequency[candidate]) for candidate in found]
        return sorted((c for c in scored if c[1] <= 2), key=lambda c: (c[1], -c[2], c[0]))

    def _build_index(self) -> dict[str, tuple[str, ...]]:
        if self._index is None:
            index: dict[str, list[str]] = {}
            for word, count in self.frequency.items():
                if count >= MIN_CANDIDATE_COUNT and word.isalpha():
                    for variant in _deletions(word, 1):
                        index.setdefault(variant, []).append(word)
            self._index = {key: tuple(words) for key, words in index.items()}
        return self._index


@functools.cache
def dictionary(language: str) -> Dictionary:
    """One per process and language: the workers each load it once, on their first document."""
    return Dictionary(language)


def languages() -> frozenset[str]:
    return frozenset(SpellChecker.languages())


def pyspellchecker_version() -> str:
    return version("pyspellchecker")


def _deletions(word: str, depth: int) -> set[str]:
    found = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        found |= frontier
    return found


def distance(a: str, b: str) -> int:
    """Damerau-Levenshtein (optimal string alignment): a swap of two letters is one edit."""
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return previous[len(b)]


def near(word: str, forms: Iterable[str], limit: int = 1) -> list[str]:
    """The forms within `limit` edits of `word` (forms of about the same length only)."""
    return [form for form in forms if abs(len(form) - len(word)) <= limit and form != word
            and distance(word, form) <= limit]

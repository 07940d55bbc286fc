"""How likely a misspelling is to come from a word: edit costs that follow how people mistype.

Swapping two letters ("imporved"), doubling one ("prressure"), dropping a doubled one, and
hitting a neighbouring key cost less than an arbitrary edit, so "imporved" is nearer "improved"
(a swap) than "imported" (v for t, far apart) although both are one edit away.
"""

from __future__ import annotations

import functools
import re

SWAP = 0.6
DOUBLING = 0.5  # a letter typed twice, or a double letter typed once
NEIGHBOUR_KEY = 0.7
VOWEL = 0.8  # one vowel for another: "seperate", "definate"
EDIT = 1.0
OMISSION = 0.5

_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_POSITION = {key: (row, column) for row, keys in enumerate(_ROWS) for column, key in enumerate(keys)}
_VOWELS = frozenset("aeiouy")


def _substitution(a: str, b: str) -> float:
    if a == b:
        return 0.0
    if a in _VOWELS and b in _VOWELS:
        return VOWEL
    pa, pb = _POSITION.get(a), _POSITION.get(b)
    if pa and pb and abs(pa[0] - pb[0]) <= 1 and abs(pa[1] - pb[1]) <= 1:
        return NEIGHBOUR_KEY
    return EDIT


def _indel(word: str, index: int, plain: float = 1.0) -> float:
    """Cost of inserting or deleting word[index]: cheap when it doubles a neighbour."""
    letter = word[index]
    if (index > 0 and word[index - 1] == letter) or (index + 1 < len(word) and word[index + 1] == letter):
        return DOUBLING
    return plain


@functools.lru_cache(maxsize=1 << 16)
def typo_cost(typo: str, word: str) -> float:
    """Weighted optimal-string-alignment distance from the intended `word` to the `typo`; in a long
    typo, two or three letters typed twice over cost one slip ("determinining", "telelevision")."""
    cost = _aligned(typo, word)
    if len(typo) >= STUTTER_LENGTH and _REPEATED.search(typo):
        for size in (2, 3):
            for at in range(size, len(typo) - size + 1):
                if typo[at : at + size] == typo[at - size : at]:
                    cost = min(cost, STUTTER + _aligned(typo[:at] + typo[at + size :], word))
    return round(cost, 3)


STUTTER = 0.6
_REPEATED = re.compile(r"([a-z]{2,3})\1")
STUTTER_LENGTH = 8  # shorter words repeat syllables of their own ("haha", "tutu")


def _aligned(typo: str, word: str) -> float:
    """The weighted optimal string alignment. The table is filled with the costs looked up
    beforehand, not called per cell: 3x faster, and the typos stage spends most of its time here
    on a new corpus."""
    left_out = [_indel(word, i, OMISSION) for i in range(len(word))]  # a letter of the word left out
    added = [_indel(typo, j) for j in range(len(typo))]  # a letter added
    before: list[float] = []
    previous = [0.0]
    for cost in added:
        previous.append(previous[-1] + cost)
    for i, letter in enumerate(word):
        current = [previous[0] + left_out[i]]
        for j, typed in enumerate(typo):
            best = previous[j + 1] + left_out[i]
            candidate = current[j] + added[j]
            if candidate < best:
                best = candidate
            candidate = previous[j] + (0.0 if letter == typed else _SUBSTITUTION.get((letter, typed), EDIT))
            if candidate < best:
                best = candidate
            if i and j and letter == typo[j - 1] and word[i - 1] == typed and before[j - 1] + SWAP < best:
                best = before[j - 1] + SWAP
            current.append(best)
        before, previous = previous, current
    return previous[-1]


def motor_slip(typo: str, word: str) -> bool:
    """One key hit for its neighbour ("temporao" for "temporal"): a slip of the finger, which
    unlike a spelling people believe in ("seperate", "goverment") does not repeat itself."""
    if len(typo) != len(word):
        return False
    differ = [(a, b) for a, b in zip(typo, word) if a != b]
    return len(differ) == 1 and _substitution(*differ[0]) == NEIGHBOUR_KEY


_SUBSTITUTION = {
    (a, b): _substitution(a, b) for a in "abcdefghijklmnopqrstuvwxyz" for b in "abcdefghijklmnopqrstuvwxyz"
}

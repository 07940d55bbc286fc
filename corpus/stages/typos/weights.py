"""How likely a misspelling is to come from a word: edit costs that follow how people mistype.

Swapping two letters ("imporved"), doubling one ("prressure"), dropping a doubled one, and
hitting a neighbouring key cost less than an arbitrary edit, so "imporved" is nearer "improved"
(a swap) than "imported" (v for t, far apart) although both are one edit away.
"""

from __future__ import annotations

import functools

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
    """Weighted optimal-string-alignment distance from the intended `word` to the `typo`."""
    rows, columns = len(word) + 1, len(typo) + 1
    table = [[0.0] * columns for _ in range(rows)]
    for i in range(1, rows):
        table[i][0] = table[i - 1][0] + _indel(word, i - 1, OMISSION)
    for j in range(1, columns):
        table[0][j] = table[0][j - 1] + _indel(typo, j - 1)
    for i in range(1, rows):
        for j in range(1, columns):
            best = min(
                table[i - 1][j] + _indel(word, i - 1, OMISSION),  # a letter of the word left out
                table[i][j - 1] + _indel(typo, j - 1),  # a letter added
                table[i - 1][j - 1] + _substitution(word[i - 1], typo[j - 1]),
            )
            if i > 1 and j > 1 and word[i - 1] == typo[j - 2] and word[i - 2] == typo[j - 1]:
                best = min(best, table[i - 2][j - 2] + SWAP)
            table[i][j] = best
    return round(table[-1][-1], 3)

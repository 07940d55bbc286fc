"""Gopher's repetition signals (Rae et al. 2021, table A1): how much of a text is lines,
paragraphs and word n-grams it already said, as datatrove 0.10.1's `GopherRepetitionFilter`
measures it (fractions of the text's characters, whitespace included).

The n-grams are compared as integer ids (numpy), not as joined strings: datatrove joins the
words of a duplicated n-gram without spaces, so ("ab", "c") and ("a", "bc") count as one; here
they do not.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from corpus.stages.quality.words import Words

TOP_NGRAMS = (2, 3, 4)  # "top n-gram character fraction"
DUPLICATE_NGRAMS = (5, 6, 7, 8, 9, 10)  # "duplicate n-gram character fraction"
_PARAGRAPH_BREAK = re.compile(r"\n{2,}")
_LINE_BREAK = re.compile(r"\n+")


def find_duplicates(items: Sequence[str]) -> tuple[int, int]:
    """How many items repeat an earlier one, and their characters."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def repetition_signals(text: str, words: Words) -> dict[str, float | None]:
    """Every fraction is None for an empty text."""
    size = len(text)
    paragraphs = _PARAGRAPH_BREAK.split(text.strip())
    lines = _LINE_BREAK.split(text)
    para_count, para_chars = find_duplicates(paragraphs)
    line_count, line_chars = find_duplicates(lines)
    signals: dict[str, float | None] = {
        "dup_line_frac": line_count / len(lines) if size else None,
        "dup_para_frac": para_count / len(paragraphs) if size else None,
        "dup_line_char_frac": line_chars / size if size else None,
        "dup_para_char_frac": para_chars / size if size else None,
    }
    top, duplicated = ngram_characters(words)
    for n in TOP_NGRAMS:
        signals[f"top_{n}_gram_char_frac"] = top[n] / size if size else None
    for n in DUPLICATE_NGRAMS:
        signals[f"dup_{n}_gram_char_frac"] = duplicated[n] / size if size else None
    return signals


def ngram_characters(words: Words) -> tuple[dict[int, int], dict[int, int]]:
    """Characters in the most frequent n-gram (its length with spaces, times its count; among
    equally frequent ones, the first in the text) for each of TOP_NGRAMS, and characters in
    n-grams that repeat an earlier one for each of DUPLICATE_NGRAMS (a repeat is skipped over
    whole, so overlapping repeats count once).

    An n-gram can repeat only where its first n-1 words repeat, so each length looks only at the
    positions where the shorter one did: in prose they run out after three or four words."""
    top = dict.fromkeys(TOP_NGRAMS, 0)
    duplicated = dict.fromkeys(DUPLICATE_NGRAMS, 0)
    size = len(words.tokens)
    if size < 2:
        return top, duplicated
    ids = np.array(words.ids, dtype=np.int64)
    vocabulary = int(ids.max()) + 1
    ends = np.zeros(size + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, words.tokens), dtype=np.int64, count=size), out=ends[1:])
    _, level, counts = np.unique(ids, return_inverse=True, return_counts=True)
    positions = np.flatnonzero(counts[level] > 1)  # where the (n-1)-gram repeats
    level = level[positions]  # its ids there
    for n in range(2, max(DUPLICATE_NGRAMS) + 1):
        if size < n:
            break
        inside = positions <= size - n
        positions, level = positions[inside], level[inside]
        most = 1
        if positions.size:
            _, level, counts = np.unique(
                level * vocabulary + ids[positions + n - 1], return_inverse=True, return_counts=True
            )
            per_position = counts[level]
            most = int(counts.max())
        if n in top:
            first = int(positions[np.argmax(per_position == most)]) if most > 1 else 0
            top[n] = (int(ends[first + n] - ends[first]) + n - 1) * most
        if most == 1:  # no n-gram repeats, so no longer one does; top counts the first n-gram once
            for longer in range(n + 1, max(TOP_NGRAMS) + 1):
                if size >= longer:
                    top[longer] = int(ends[longer]) + longer - 1
            break
        repeated = per_position > 1
        positions, level = positions[repeated], level[repeated]
        if n in duplicated:
            duplicated[n] = _skipping_repeats(positions, level, ends, n)
    return top, duplicated


def _skipping_repeats(positions: np.ndarray, ngram_ids: np.ndarray, ends: np.ndarray, n: int) -> int:
    """datatrove's `find_all_duplicate` walk, over the positions whose n-gram occurs twice or
    more (the others can neither repeat nor be repeated): a repeat adds its characters and the
    walk resumes after it, without remembering the n-grams it skipped."""
    seen: set[int] = set()
    resume = chars = 0
    for position, ngram in zip(positions.tolist(), ngram_ids.tolist()):
        if position < resume:
            continue
        if ngram in seen:
            chars += int(ends[position + n] - ends[position])
            resume = position + n
        else:
            seen.add(ngram)
    return chars

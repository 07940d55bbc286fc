"""Gopher's quality signals (Rae et al. 2021, "Scaling Language Models", appendix A, table A1),
defined as datatrove 0.10.1's `GopherQualityFilter` computes them.

Words are `words.Words`, punctuation included: the symbol-to-word and letter ratios divide by
all of them, the word count and mean word length leave out words made only of punctuation (a
comma is not a word, but it is a piece of the text).
"""

from __future__ import annotations

from collections.abc import Sequence

from corpus.stages.quality.words import Words

STOP_WORDS = frozenset(("the", "be", "to", "of", "and", "that", "have", "with"))  # table A1, as written


def gopher_signals(text: str, words: Words, lines: Sequence[str]) -> dict[str, int | float | None]:
    """`lines`: `text.splitlines()`. Ratios are None when there is nothing to divide by."""
    n_words = len(words.tokens)
    n_lines = len(lines)
    return {
        "word_count": words.counted,
        "mean_word_length": words.counted_chars / words.counted if words.counted else None,
        "hash_word_ratio": text.count("#") / n_words if n_words else None,
        "ellipsis_word_ratio": (text.count("...") + text.count("…")) / n_words if n_words else None,
        "bullet_line_ratio": sum(1 for line in lines if line.lstrip().startswith(("•", "-"))) / n_lines
        if n_lines
        else None,
        "ellipsis_line_ratio": sum(1 for line in lines if line.rstrip().endswith(("...", "…"))) / n_lines
        if n_lines
        else None,
        "alpha_word_ratio": words.with_letter / n_words if n_words else None,
        "stop_word_count": len(STOP_WORDS.intersection(words.tokens)),
    }

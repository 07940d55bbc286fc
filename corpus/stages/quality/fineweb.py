"""FineWeb's own signals (Penedo et al. 2024, section 3.6), as datatrove 0.10.1's
`FineWebQualityFilter` computes them over the text's non-blank lines.
"""

from __future__ import annotations

import regex

from corpus.stages.quality.repetition import find_duplicates
from corpus.stages.quality.words import Words

SHORT_LINE_CHARS = 30  # "lines shorter than 30 characters" (at most 30, as datatrove counts)
_ENDS_SENTENCE = regex.compile(r"\p{Sentence_Terminal}\Z")


def fineweb_signals(text: str, words: Words) -> dict[str, float | None]:
    """Ratios are None when the text has no non-blank line."""
    lines = [line for line in text.split("\n") if line.strip()]
    if not lines:
        return dict.fromkeys(("line_punct_ratio", "short_line_ratio", "char_dup_ratio", "list_ratio"))
    n_lines = len(lines)
    return {
        "line_punct_ratio": sum(1 for line in lines if _ENDS_SENTENCE.search(line)) / n_lines,
        "short_line_ratio": sum(1 for line in lines if len(line) <= SHORT_LINE_CHARS) / n_lines,
        "char_dup_ratio": find_duplicates(lines)[1] / (len(text) - text.count("\n")),
        "list_ratio": text.count("\n") / len(words.tokens),
    }

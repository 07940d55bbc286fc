"""C4's document-level signals (Raffel et al. 2020, section 2.2), as datatrove 0.10.1's
`C4QualityFilter` decides them: the lines C4 keeps (ending in terminal punctuation, not in an
ellipsis, of three words or more, without "javascript" or a cookie/terms notice), how many
sentences they hold, and whether one holds "lorem ipsum" or a curly bracket (code).

C4 also deletes the lines it does not keep; this stage never edits text, so only its
document-level decisions are here (line removal is the boilerplate stage's work).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.stages.quality.words import WordCutter

_CITATION = re.compile(r"\[\d*]|\[edit]|\[citation needed]")  # Wikipedia's, removed before the end check
_END_PUNCTUATION = (".", "?", "!", '"', "'")
_POLICY = ("terms of use", "privacy policy", "cookie policy", "uses cookies", "use of cookies", "use cookies")
_MAX_WORD_CHARS = 1000  # a line with a longer "word" is not text
_MIN_LINE_WORDS = 3
_PIECES = re.compile(r"\S+|\s+")
_SENTENCE_BREAK = re.compile(r"E[EP]*S")  # a terminal, maybe more punctuation, then a word


def c4_signals(lines: Sequence[str], cutter: WordCutter) -> dict[str, int | float | None]:
    """`lines`: `text.splitlines()`."""
    sentences = lorem = curly = 0
    for line in lines:
        line = line.strip()
        words = line.split()
        if len(line) > _MAX_WORD_CHARS and any(len(word) > _MAX_WORD_CHARS for word in words):
            continue
        line = _CITATION.sub("", line)
        if not line.endswith(_END_PUNCTUATION) or line.endswith("...") or len(words) < _MIN_LINE_WORDS:
            continue
        lowered = line.lower()
        if "lorem ipsum" in lowered:
            lorem += 1
            continue
        if "javascript" in lowered:
            continue
        if "{" in line:
            curly += 1
            continue
        if any(phrase in lowered for phrase in _POLICY):
            continue
        sentences += count_sentences(line, cutter)
    return {"sentences": sentences, "lorem_ipsum_lines": lorem, "curly_bracket_lines": curly}


def count_sentences(line: str, cutter: WordCutter) -> int:
    """spaCy's rule-based sentencizer: a sentence ends after a word that is one sentence
    terminal (".", "?", "!"...) once a word follows that is neither punctuation nor a terminal.
    Whitespace beyond one space between words is a word of its own, as in spaCy."""
    classes = []
    for piece in _PIECES.findall(line):
        if not piece[0].isspace():
            classes.append(cutter.classes(piece))
        elif piece != " ":  # one space belongs to the word before it; more are a word
            classes.append("S")
    return 1 + len(_SENTENCE_BREAK.findall("".join(classes)))

"""What dedup compares: the lowercased words of a text, and its paragraphs.

Case, punctuation and whitespace never make two texts differ: everything is compared as the
sequence of its lowercased words (`\\w+`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_BREAK = r"\n(?:[ \t]*\n)+|\n(?=[ \t]+\S)"
# A paragraph ends at a blank line, or where the next line is indented (wire copy, plain-text mail).
_PARAGRAPH_BREAK = re.compile(_BREAK)
_WORD_OR_BREAK = re.compile(rf"\w+|{_BREAK}")  # breaks hold no \w, so this finds the same words and breaks


def words(text: str) -> list[str]:
    """The lowercased words: what dedup compares."""
    return [token for token in _WORD_OR_BREAK.findall(text.lower()) if token[0] != "\n"]


def paragraph_tokens(text: str) -> list[list[str]]:
    """Each paragraph's words, in order (as many paragraphs as `paragraphs` finds); one regex
    pass over the text, where one per paragraph took a third of the first pass."""
    found: list[list[str]] = [[]]
    for token in _WORD_OR_BREAK.findall(text.lower()):
        if token[0] == "\n":
            found.append([])
        else:
            found[-1].append(token)
    return found


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int  # code-point offsets of the paragraph's text, without the break that follows it
    end: int


def paragraphs(text: str) -> list[Paragraph]:
    """Where the text's paragraphs are, in order."""
    found = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        found.append(Paragraph(start, match.start()))
        start = match.end()
    found.append(Paragraph(start, len(text)))
    return found


def removal_spans(found: list[Paragraph], removed: list[int], text_length: int) -> list[tuple[int, int]]:
    """Spans that take out the given paragraphs (sorted indices) with one break each.

    A paragraph goes with the break after it; the last paragraphs of a text go with the break
    before them, so no dangling break is left at the end.
    """
    chosen = set(removed)
    last = len(found) - 1
    tail = last + 1  # the first paragraph of the removed run that ends the text
    while tail > 0 and tail - 1 in chosen:
        tail -= 1
    if tail == 0:  # every paragraph goes: each takes the break after it, the last the rest of the text
        tail = last + 1
    spans = []
    for index in removed:
        if index >= tail:
            spans.append((found[index - 1].end, found[index].end))
        elif index < last:
            spans.append((found[index].start, found[index + 1].start))
        else:
            spans.append((found[index].start, text_length))
    return spans

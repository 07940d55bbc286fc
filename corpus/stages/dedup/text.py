"""What dedup compares: normalised words, paragraphs, and their hashes (shingles: shingles.py).

Case, punctuation and whitespace never make two texts differ: everything is compared as the
sequence of its lowercased words (`\\w+`).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# A paragraph ends at a blank line, or where the next line is indented (wire copy, plain-text mail).
_PARAGRAPH_BREAK = re.compile(r"\n(?:[ \t]*\n)+|\n(?=[ \t]+\S)")


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def text_hash(tokens: list[str]) -> int:
    """A 64-bit hash of the word sequence: the same for texts differing only in case, spaces, punctuation."""
    return int.from_bytes(hashlib.blake2b(" ".join(tokens).encode("utf-8", "surrogatepass"), digest_size=8).digest(), "little")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int  # code-point offsets of the paragraph's text, without the break that follows it
    end: int
    tokens: list[str]  # its words, as `words` gives them

    @property
    def hash(self) -> int:
        return text_hash(self.tokens)


def paragraphs(text: str) -> list[Paragraph]:
    """The text's paragraphs in order; the breaks between them hold no words, so the paragraphs'
    tokens, one after another, are the text's."""
    found = []
    start = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        found.append(Paragraph(start, match.start(), words(text[start : match.start()])))
        start = match.end()
    found.append(Paragraph(start, len(text), words(text[start:])))
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

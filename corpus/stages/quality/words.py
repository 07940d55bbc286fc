"""A text's words, cut once, with what every signal needs to know of each word.

Each distinct whitespace-free piece ("(U.S.-based),") is cut once per process and remembered
with its words' ids and counts, so a document costs one dictionary lookup per piece.
"""

from __future__ import annotations

from dataclasses import dataclass

import regex

from corpus.stages.quality.tokenizer import split_piece

# Characters a word must have something besides to count as a word: datatrove's PUNCTUATION (its
# `utils/text.py`, including "$", "+", "━", "►" and the fullwidth digit "１"), its
# TERMINAL_PUNCTUATION (Unicode's sentence terminals) and the control characters.
_SYMBOL_CHARS = "!/—”:％１〈&(、━\\【#%「」，】；+^]~“《„';’{|∶´[=-`*．（–？！：$～«〉,><》)?）。…@_.\"}►»" + "".join(
    map(chr, [*range(0, 9), 11, 12, *range(13, 32), *range(127, 160)])
)
_COUNTED = regex.compile(r"[^" + regex.escape(_SYMBOL_CHARS) + r"\p{Sentence_Terminal}]")
_LETTER = regex.compile(r"\p{L}")  # str.isalpha's letters
_SENTENCE_END = regex.compile(r"\p{Sentence_Terminal}")
CACHE_LIMIT = 500_000  # distinct pieces remembered; the memory is forgotten whole between documents


@dataclass(slots=True)
class Words:
    """The words of one text, punctuation included, and counts over them."""

    tokens: list[str]
    ids: list[int]  # one id per distinct word (valid within this text only)
    counted: int  # words with a character other than punctuation: Gopher's word count
    counted_chars: int  # their characters
    with_letter: int  # words with a letter


# What one piece contributes: its words, their ids, counted, counted characters, with a letter,
# and its words' classes for the sentence counter ("E" a sentence terminal, "P" punctuation, "S" other).
_Piece = tuple[tuple[str, ...], tuple[int, ...], int, int, int, str]


class WordCutter:
    """Cuts texts into words; one per stage instance (it remembers the pieces it has cut)."""

    def __init__(self) -> None:
        self._pieces: dict[str, _Piece] = {}
        self._ids: dict[str, int] = {}

    def words(self, text: str) -> Words:
        if len(self._pieces) > CACHE_LIMIT:  # between documents, so ids stay consistent within one
            self._pieces.clear()
            self._ids.clear()
        pieces = self._pieces
        tokens: list[str] = []
        ids: list[int] = []
        counted = counted_chars = with_letter = 0
        for text_piece in text.split():
            piece = pieces.get(text_piece) or self._piece(text_piece)
            tokens += piece[0]
            ids += piece[1]
            counted += piece[2]
            counted_chars += piece[3]
            with_letter += piece[4]
        return Words(tokens, ids, counted, counted_chars, with_letter)

    def classes(self, text_piece: str) -> str:
        """The sentence classes of one piece's words ("Hello." -> "SE")."""
        piece = self._pieces.get(text_piece) or self._piece(text_piece)
        return piece[5]

    def _piece(self, text_piece: str) -> _Piece:
        tokens = split_piece(text_piece)
        counted = [token for token in tokens if _COUNTED.search(token)]
        piece = (
            tokens,
            tuple(self._ids.setdefault(token, len(self._ids)) for token in tokens),
            len(counted),
            sum(map(len, counted)),
            sum(1 for token in tokens if _LETTER.search(token)),
            "".join(_sentence_class(token) for token in tokens),
        )
        self._pieces[text_piece] = piece
        return piece


def _sentence_class(token: str) -> str:
    if len(token) == 1 and _SENTENCE_END.match(token):
        return "E"
    return "P" if all(regex.match(r"\p{P}", char) for char in token) else "S"

"""Every signal the quality stage measures, by family, named as in the paper that defined it.

A document's signals are a nested mapping `{family: {signal: value}}`; a rule names one as
"family.signal" ("gopher.word_count"), and documents.parquet holds them as the struct column
`quality` with the same path (`quality.gopher.word_count` in DuckDB).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from corpus.stages.quality.c4 import c4_signals
from corpus.stages.quality.fineweb import fineweb_signals
from corpus.stages.quality.gopher import gopher_signals
from corpus.stages.quality.repetition import DUPLICATE_NGRAMS, TOP_NGRAMS, repetition_signals
from corpus.stages.quality.words import WordCutter

Signals = dict[str, dict[str, int | float | None]]


@dataclass(frozen=True)
class Signal:
    family: str
    name: str
    kind: Literal["int", "float"]
    meaning: str

    @property
    def path(self) -> str:
        return f"{self.family}.{self.name}"


_WORDS = "words (spaCy's English tokens, punctuation included)"
SIGNALS: tuple[Signal, ...] = (
    Signal("gopher", "word_count", "int", "words with a character other than punctuation"),
    Signal("gopher", "mean_word_length", "float", "their mean length in characters (null: no word)"),
    Signal("gopher", "hash_word_ratio", "float", f'"#" per {_WORDS}'),
    Signal("gopher", "ellipsis_word_ratio", "float", f'"..." and "…" per {_WORDS}'),
    Signal("gopher", "bullet_line_ratio", "float", 'share of lines starting with "•" or "-"'),
    Signal("gopher", "ellipsis_line_ratio", "float", 'share of lines ending in "..." or "…"'),
    Signal("gopher", "alpha_word_ratio", "float", f"share of {_WORDS} with a letter"),
    Signal("gopher", "stop_word_count", "int", "how many of the, be, to, of, and, that, have, with occur"),
    Signal("gopher_repetition", "dup_line_frac", "float", "share of lines that repeat an earlier line"),
    Signal("gopher_repetition", "dup_para_frac", "float", "share of paragraphs that repeat an earlier one"),
    Signal("gopher_repetition", "dup_line_char_frac", "float", "share of characters in repeated lines"),
    Signal("gopher_repetition", "dup_para_char_frac", "float", "share of characters in repeated paragraphs"),
    *(
        Signal(
            "gopher_repetition",
            f"top_{n}_gram_char_frac",
            "float",
            f"share of characters in the most frequent word {n}-gram",
        )
        for n in TOP_NGRAMS
    ),
    *(
        Signal(
            "gopher_repetition",
            f"dup_{n}_gram_char_frac",
            "float",
            f"share of characters in word {n}-grams that repeat an earlier one",
        )
        for n in DUPLICATE_NGRAMS
    ),
    Signal("c4", "sentences", "int", "sentences in the lines C4 keeps"),
    Signal("c4", "lorem_ipsum_lines", "int", 'lines C4 would keep holding "lorem ipsum"'),
    Signal("c4", "curly_bracket_lines", "int", 'lines C4 would keep holding "{" (code)'),
    Signal("fineweb", "line_punct_ratio", "float", "share of non-blank lines ending in terminal punctuation"),
    Signal("fineweb", "short_line_ratio", "float", "share of non-blank lines of at most 30 characters"),
    Signal(
        "fineweb", "char_dup_ratio", "float", "characters in repeated non-blank lines per character (newlines aside)"
    ),
    Signal("fineweb", "list_ratio", "float", f"newlines per {_WORDS}"),
)
BY_PATH = {signal.path: signal for signal in SIGNALS}
FAMILIES = tuple(dict.fromkeys(signal.family for signal in SIGNALS))


def measure(text: str, cutter: WordCutter) -> Signals:
    """All signals of one text (the words are cut once and shared)."""
    words = cutter.words(text)
    lines = text.splitlines()
    return {
        "gopher": gopher_signals(text, words, lines),
        "gopher_repetition": repetition_signals(text, words),
        "c4": c4_signals(lines, cutter),
        "fineweb": fineweb_signals(text, words),
    }

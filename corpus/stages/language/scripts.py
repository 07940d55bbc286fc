"""The scripts of text and of languages: which script a text's letters are mostly in, and which
scripts each langdetect language is written in (the language stage abstains when they disagree)."""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter

# Scripts (first word of the Unicode character name, "CJK" read as "HAN") that each langdetect
# language is written in.
_LATIN = "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
SCRIPTS: dict[str, frozenset[str]] = {
    **{lang: frozenset({"LATIN"}) for lang in _LATIN.split()},
    **{lang: frozenset({"CYRILLIC"}) for lang in ("bg", "mk", "ru", "uk")},
    **{lang: frozenset({"ARABIC"}) for lang in ("ar", "fa", "ur")},
    **{lang: frozenset({"DEVANAGARI"}) for lang in ("hi", "mr", "ne")},
    "he": frozenset({"HEBREW"}),
    "el": frozenset({"GREEK"}),
    "bn": frozenset({"BENGALI"}),
    "pa": frozenset({"GURMUKHI"}),
    "gu": frozenset({"GUJARATI"}),
    "kn": frozenset({"KANNADA"}),
    "ml": frozenset({"MALAYALAM"}),
    "ta": frozenset({"TAMIL"}),
    "te": frozenset({"TELUGU"}),
    "th": frozenset({"THAI"}),
    "ja": frozenset({"HAN", "HIRAGANA", "KATAKANA"}),
    "ko": frozenset({"HANGUL"}),  # Hanja never dominates modern Korean; Chinese labelled "ko" does
    "zh-cn": frozenset({"HAN"}),
    "zh-tw": frozenset({"HAN"}),
}
# Scripts where n-gram coverage is checked: alphabets shared by many languages langdetect lacks.
# Elsewhere coverage is low even for known languages (median 0.0 for zh, 0.33 for ko, 0.48 for gu).
COVERAGE_SCRIPTS = frozenset({"LATIN", "CYRILLIC"})


def dominant_script(text: str) -> tuple[str | None, int]:
    """The most frequent script among the letters of `text`, and the number of letters."""
    counts: dict[str, int] = {}
    for ch, times in Counter(text).items():
        if ch.isalpha() or not ch.isascii():
            s = _script(ch)
            if s is not None:
                counts[s] = counts.get(s, 0) + times
    if not counts:
        return None, 0
    return max(sorted(counts), key=counts.__getitem__), sum(counts.values())


@functools.lru_cache(maxsize=4096)
def _script(ch: str) -> str | None:
    """The script of a letter or of a script-specific vowel sign (first word of its Unicode name).

    Indic and Thai vowel signs are marks, not letters, yet half the characters of such text: not
    counting them let the Latin of "(University of Zurich)" outvote a Gujarati sentence.
    """
    if "A" <= ch <= "Z" or "a" <= ch <= "z":
        return "LATIN"
    if not ch.isalpha() and unicodedata.category(ch) not in ("Mn", "Mc"):
        return None
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    if first == "COMBINING":  # generic diacritics (decomposed Latin, Greek, Cyrillic): no script
        return None
    return "HAN" if first == "CJK" else first

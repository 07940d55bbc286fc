"""Which words are real, and which real words a misspelling is near: pyspellchecker's word list,
wordfreq's frequencies (its English list goes down to words seen once in a hundred million), and
symspellpy's English words and word pairs (from Google Books).

Candidates come from rapidfuzz, not pyspellchecker's own search: that builds every edit of every
edit (13 s for "accomadate" here), while rapidfuzz's optimal string alignment in C++ compares a
word with the few thousand common words of its initials and length in about 0.3 ms, and needs no
index (a hand-written deletion index took 0.8 s to build per process and could not reach three
edits). Intended words are common, so only the 37,679 words pyspellchecker counts at least
MIN_CANDIDATE_COUNT times are offered, and to a long typo the long words wordfreq sees often enough
to be meant (a long word has few neighbours to be confused with).
"""

from __future__ import annotations

import functools
import math
import re
from pathlib import Path

import symspellpy
from rapidfuzz import process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker
from wordfreq import available_languages, freq_to_zipf, get_frequency_dict, zipf_frequency, zipf_to_freq

LONG_WORD = 7  # words this long or longer get candidates up to LONG_WORD_DISTANCE edits away
LONG_WORD_DISTANCE = 3  # "gaurentee" -> "guarantee"
MIN_CANDIDATE_COUNT = 200  # pyspellchecker's frequency of the rarest word offered as a correction...
CANDIDATE_ZIPF = 3.5  # ...unless wordfreq sees it this often (more would be near more typos: "thge", "the" or "thug")
LONG_CANDIDATE = 8  # a long word has few neighbours: one this long is offered to a long typo...
LONG_CANDIDATE_ZIPF = 2.5  # ...when wordfreq sees it this often ("plebicite": plebiscite, 2.8)
BRITISH_CANDIDATE_ZIPF = 2.0  # a British form offered as a correction must be this common ("organise" 3.3)
CHOICE_LISTS = 4096  # candidate lists kept per process (by initials, length, distance and pool)

# British spellings pyspellchecker (American) lacks, by the regular correspondences: a word is real
# when its American form is ("defence" -> "defense", "apologised" -> "apologized").
_BRITISH = [
    (re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)$"), r"yz\1"),
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
    (re.compile(r"ogue(s)?$"), r"og\1"),
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
]
# The same correspondences the other way, to write a word in a document's variety.
TO_BRITISH = (
    (re.compile(r"iz(e|ed|es|ing|ation|ations|er|ers)$"), r"is\1"),
    (re.compile(r"or(s|ed|ing|ite|ites|able)?$"), r"our\1"),
    (re.compile(r"ter(s)?$"), r"tre\1"),
)
TO_AMERICAN = (
    (re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"),
    (re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"),
    (re.compile(r"tre(s)?$"), r"ter\1"),
)
# Correspondences that misspellings also make ("vigourous", "detailled"): only with wordfreq's word.
_BRITISH_IF_SEEN = [
    (re.compile(r"our(?=[a-z]*$)"), "or"),  # labour, favourably, neighbours
    (re.compile(r"(?<=[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),  # travelled
]


# A regular plural: "s" after most endings, "es" after a hiss ("addresses", not "consideres").
_PLURAL = re.compile(r"(.+(?:[sxz]|ch|sh))es$|(.+[^s])s$")
SEEN_ZIPF = 1.0  # wordfreq's frequency of a derived form that has really been seen written


class Dictionary:
    """pyspellchecker's words and frequencies for one language, and a candidate index over them."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.frequency: dict[str, int] = dict(SpellChecker(language=language, distance=1).word_frequency.dictionary)
        self._by_initial: dict[tuple[str, int], list[str]] | None = None  # (first letter, length) -> words
        self._long_by_initial: dict[tuple[str, int], list[str]] = {}  # the rarer long words, offered to long typos
        self._counts: dict[str, int] = {}  # candidate -> pyspellchecker's count (a British form: its American one's)
        self._choice_lists: dict[tuple[str, int, int, bool], list[str]] = {}

    def knows(self, word: str) -> bool:
        """A real word: in the list; or (English) in symspellpy's list of words Google Books prints
        ("fete", "gaol", "workflow"), or the British form of a listed one ("defence",
        "securitise"); or a regular plural of one ("fermentations") or a British "-our"/"-ll-"
        form, when wordfreq has seen it too: those patterns alone would also pass "monts",
        "agains", "vigourous" and "detailled"."""
        if word in self.frequency or (
            self.language == "en" and (word in book_words() or self._has_american_form(word, _BRITISH))
        ):
            return True
        plural = _PLURAL.match(word)
        derived = plural is not None and (plural.group(1) or plural.group(2)) in self.frequency
        derived = derived or (self.language == "en" and self._has_american_form(word, _BRITISH_IF_SEEN))
        return derived and zipf(word, self.language) >= SEEN_ZIPF

    def _has_american_form(self, word: str, patterns: list[tuple[re.Pattern[str], str]]) -> bool:
        return any(
            self.frequency.get(pattern.sub(replacement, word), 0)
            for pattern, replacement in patterns
            if pattern.search(word)
        )

    def candidates(self, word: str) -> list[tuple[str, int, int]]:
        """(word, distance, frequency) of the common words within LONG_WORD_DISTANCE edits (2 for
        shorter words) that begin with the typo's first or second letter: a typo rarely hits the
        first letter, and then mostly by a swap ("hwihc"). (Adding the keys beside the first letter,
        for "wupport", restored fewer typos on the benchmark: more near words compete.)
        rapidfuzz's optimal string alignment in C++ over those words takes about 0.3 ms a word.
        A long typo with no common word one edit away is also offered the rarer long words that end
        as it does: a slip inside the word, where a different ending makes another word or form."""
        limit = LONG_WORD_DISTANCE if len(word) >= LONG_WORD else 2
        found = process.extract(
            word, self._choices(word[:2], len(word), limit, False), scorer=OSA.distance, score_cutoff=limit, limit=None
        )
        if len(word) >= LONG_CANDIDATE and not any(distance <= 1 for _, distance, _ in found):
            rare = process.extract(
                word,
                self._choices(word[:2], len(word), limit, True),
                scorer=OSA.distance,
                score_cutoff=limit,
                limit=None,
            )
            found += [entry for entry in rare if entry[0][-2:] == word[-2:]]  # "dysplasic" is not "dysplasia"
        return sorted(
            ((candidate, int(distance), self._counts[candidate]) for candidate, distance, _ in found),
            key=lambda c: (c[1], -c[2], c[0]),
        )

    def _build_index(self) -> None:
        """The common words by first letter and length, with (English) the British form of each
        American one in -ize or -or wordfreq knows ("organise" beside "organize"), so that a British
        misspelling ("organsie") finds its word: pyspellchecker's list is American. (Not -ter/-tre:
        "entre" beside "enter" turned "entree" into "enter".)"""
        self._by_initial = {}
        for word, count in self.frequency.items():
            if not word.isalpha():
                continue
            if not (count >= MIN_CANDIDATE_COUNT or zipf(word, self.language) >= CANDIDATE_ZIPF):
                if len(word) >= LONG_CANDIDATE and zipf(word, self.language) >= LONG_CANDIDATE_ZIPF:
                    self._counts.setdefault(word, count)
                    self._long_by_initial.setdefault((word[0], len(word)), []).append(word)
                continue
            forms = [word]
            if self.language == "en":
                forms += [
                    twin
                    for pattern, replacement in TO_BRITISH[:2]
                    if pattern.search(word)
                    and (twin := pattern.sub(replacement, word)) not in self.frequency
                    and zipf(twin, self.language) >= BRITISH_CANDIDATE_ZIPF
                ]
            for form in forms:
                self._counts.setdefault(form, count)
                self._by_initial.setdefault((form[0], len(form)), []).append(form)

    def _choices(self, initials: str, length: int, limit: int, rare: bool) -> list[str]:
        key = (initials, length, limit, rare)
        if key not in self._choice_lists:
            if len(self._choice_lists) >= CHOICE_LISTS:  # bounded: forget the oldest
                del self._choice_lists[next(iter(self._choice_lists))]
            if self._by_initial is None:
                self._build_index()
            assert self._by_initial is not None
            index = self._long_by_initial if rare else self._by_initial
            self._choice_lists[key] = [
                word
                for initial in dict.fromkeys(initials)
                for size in range(length - limit, length + limit + 1)
                for word in index.get((initial, size), ())
            ]
        return self._choice_lists[key]


@functools.cache
def dictionary(language: str) -> Dictionary:
    """One per process and language: the workers each load it once, on their first document."""
    return Dictionary(language)


@functools.cache
def book_words() -> frozenset[str]:
    """The 82,765 English words symspellpy ships with their Google Books counts: words printed in
    books, so real ("fete", "gaol", "workflow", "colour"), where wordfreq's web sources also count
    the commonest misspellings ("recieve" 2.75). 2,289 of them are not in pyspellchecker's list."""
    path = Path(symspellpy.__file__).with_name("frequency_dictionary_en_82_765.txt")
    with path.open(encoding="utf-8") as lines:
        return frozenset(word for line in lines if (word := line.split()[0]).isalpha())


@functools.cache
def bigrams() -> dict[str, int]:
    """English word pairs and their counts ("the year" 1.9e9), to choose between equally near
    candidates by their neighbours. The 242k most frequent pairs of Google Books' n-grams, as
    symspellpy ships them; 0.3 s to load, once per process."""
    path = Path(symspellpy.__file__).with_name("frequency_bigramdictionary_en_243_342.txt")
    counts: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            first, second, count = line.split()
            counts[f"{first} {second}"] = int(count)
    return counts


@functools.lru_cache(maxsize=1 << 18)
def zipf(word: str, language: str) -> float:
    """wordfreq's frequency on its log10 scale (a word per billion is 0; "the" is 7.7; its English
    list stops at 1.0, a word per hundred million): the one place the stage asks wordfreq."""
    return plain_zipf(word, language) if _PLAIN.fullmatch(word) else zipf_frequency(word, language)


_PLAIN = re.compile(r"[a-z]+")


def plain_zipf(word: str, language: str) -> float:
    """`zipf_frequency` of a word of plain lowercase letters, ten times faster: wordfreq's own
    arithmetic on its own list, without its tokenizer and text normalisation, which leave such a
    word as it is (tests/test_typos.py checks every frequency band of every language used)."""
    frequency = get_frequency_dict(language, "best").get(word)  # the positional call wordfreq caches
    if frequency is None:
        return 0.0
    frequency = max(1.0 / (1.0 / frequency), zipf_to_freq(0.0))
    frequency = round(frequency, math.floor(-math.log(frequency, 10)) + 3)
    return round(freq_to_zipf(frequency), 2)


# Languages whose words English text borrows or quotes, or that web pages mislabelled English are
# written in: a word common in one of them and unknown to English is not an English typo. (Not
# Romanian, Catalan, Polish or the Scandinavian languages: their common words include too many
# English misspellings, "includ", "diferent", "palce", "processer".)
OTHER_LANGUAGES = ("fr", "es", "pt", "it", "de", "nl", "id")


@functools.lru_cache(maxsize=1 << 16)
def foreign_zipf(word: str, language: str) -> float:
    """The highest frequency the word has in another language wordfreq knows."""
    others = [other for other in OTHER_LANGUAGES if other != language and other in _AVAILABLE]
    return max((zipf(word, other) for other in others), default=0.0)


_AVAILABLE = frozenset(available_languages())


def languages() -> frozenset[str]:
    return frozenset(SpellChecker.languages())

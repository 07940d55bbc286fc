"""Out of context: is a word real, and what is a misspelling likely a slip for (a noisy channel)?

Both answers hold whatever the corpus, so they are cached per process (bounded LRU caches).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from corpus.stages.typos import morphology
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.weights import typo_cost
from corpus.stages.typos.words import zipf

if TYPE_CHECKING:
    from corpus.stages.typos import TyposConfig

MAX_SCORED = 12  # candidates per unknown word given the weighted cost


@dataclass(frozen=True)
class Fix:
    """What a lowercase word may be a typo of: the nearest candidates, best first, and whether the
    best wins alone or only its neighbours can tell them apart."""

    close: tuple[tuple[str, float], ...]  # (candidate, noisy-channel score) within `margin` of the best
    cost: float  # the best candidate's weighted edits
    detail: dict
    seen: float = 0.0  # the word's own wordfreq zipf (0: wordfreq never saw it)

    @property
    def word(self) -> str | None:
        return self.close[0][0] if len(self.close) == 1 else None


@functools.lru_cache(maxsize=1 << 17)
def known(word: str, language: str, config: TyposConfig) -> bool:
    """In the dictionary, or common in wordfreq."""
    return wordlist.dictionary(language).knows(word) or zipf(word, language) >= config.common_zipf


@functools.lru_cache(maxsize=1 << 16)
def derived(word: str, language: str, config: TyposConfig) -> str | None:
    """How English makes this unlisted lowercase word from known ones ("un+cited", "back+glass")."""
    if language != "en":
        return None
    return morphology.derived(word, lambda part: known(part, language, config), lambda part: zipf(part, language))


@functools.lru_cache(maxsize=1 << 16)
def run_together(word: str, language: str, config: TyposConfig) -> morphology.Split | None:
    """The two words a lowercase word ran together from ("eitherin" -> "either in"), if clear."""
    if language != "en":
        return None
    return morphology.split(word, lambda part: known(part, language, config), lambda part: zipf(part, language),
                            wordlist.bigrams(), zipf(word, language))


@functools.lru_cache(maxsize=1 << 16)
def two_words(word: str, language: str, config: TyposConfig) -> bool:
    """Two known words run together, never corrected to one ("studyin" is not "studying")."""
    return language == "en" and morphology.two_words(word, lambda part: known(part, language, config),
                                                      lambda part: zipf(part, language))


@functools.lru_cache(maxsize=1 << 17)
def nearest(word: str, language: str, config: TyposConfig) -> Fix | None:
    """The dictionary word a lowercase unknown word is a typo of, when one wins clearly; else the
    few that come close, for its neighbours to decide.

    Candidates are ranked as a noisy channel: how common the word is (wordfreq's zipf, a log10
    scale) less `cost_weight` per weighted edit, so "frome" is "from" (one plain edit, very common)
    rather than "forme" (a cheap swap, rare). A word wordfreq has seen (`seen_zipf` or more) is
    real unless its correction is one cheap slip away (`seen_max_cost`) and `rare_gap` more
    frequent ("recieve" 2.75 -> "receive" 5.0, a swap); "umami" and "frunk" stay."""
    # The weighted cost of d edits is at least d / 2, so this bounds each score from above: only the
    # most promising candidates get the (slow, pure Python) weighted cost.
    promising = sorted(wordlist.dictionary(language).candidates(word),
                       key=lambda c: -(zipf(c[0], language) - config.cost_weight * c[1] / 2))[:MAX_SCORED]
    scored = sorted(
        (zipf(candidate, language) - config.cost_weight * cost, cost, candidate)
        for candidate, _, _ in promising
        if (cost := typo_cost(word, candidate)) <= config.max_cost
    )[::-1]
    if not scored:
        return None
    score, cost, best = scored[0]
    seen = zipf(word, language)
    if seen >= config.seen_zipf and not _undoubled(word, best) and (
            cost > config.seen_max_cost or zipf(best, language) - seen < config.rare_gap):
        return None  # a rare real word ("subsea", "statins", "frunk"), not a misspelling of a common one
    candidates = [[candidate, round(cost_, 2), round(zipf_, 2)] for zipf_, cost_, candidate in
                  ((score_ + config.cost_weight * cost_, cost_, candidate) for score_, cost_, candidate in scored[:4])]
    # Of a seen word, only the candidates that pass the same test may win in context ("toing": not "thing").
    close = tuple((candidate, score_) for score_, cost_, candidate in scored[:6] if score - score_ < config.margin
                  and not (seen >= config.seen_zipf and not _undoubled(word, candidate) and (
                      cost_ > config.seen_max_cost or zipf(candidate, language) - seen < config.rare_gap)))
    if len(close) == 1 and _ending_ambiguous(word, best, scored, language, config.margin * 2):
        # "stronge": strong or stronger? "facilitie": facilities or facilitate? Only the context can say.
        stem = _stem(word, best)
        close += tuple((candidate, score_) for score_, _, candidate in scored[1:6] if candidate.startswith(stem)
                       and zipf(candidate, language) >= ENDING_ZIPF and score - score_ <= config.margin * 2)
    return Fix(close, cost, {"candidates": candidates}, seen)


def _undoubled(typo: str, word: str) -> bool:
    """The typo is the word with one doubled letter typed once ("prefered") or one letter doubled
    ("untill"): the commonest slip, which a rare real word rarely mimics."""
    shorter, longer = sorted((typo, word), key=len)
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[i] == longer[i + 1] and longer[:i] + longer[i + 1:] == shorter for i in range(len(longer) - 1))


ENDING = 2  # a slip in a word's last letters...
ENDING_ZIPF = 3.0  # ...where another common word shares its stem ("stronge") is left to the context


def _stem(word: str, best: str) -> str:
    size = 0
    while size < min(len(word), len(best)) and word[size] == best[size]:
        size += 1
    return word[:size]


def _ending_ambiguous(word: str, best: str, scored: list[tuple[float, float, str]], language: str,
                      within: float) -> bool:
    """The typo and its best candidate differ only in the typo's last letters, and another common
    word with that stem is a candidate too: which ending was meant is a guess ("volatily":
    volatile or volatility)."""
    stem = _stem(word, best)
    if len(stem) < len(word) - ENDING:
        return False
    return any(candidate != best and candidate.startswith(stem) and zipf(candidate, language) >= ENDING_ZIPF
               and scored[0][0] - score <= within for score, _, candidate in scored)


# The document's spelling variety, from the words that differ between British and American English.
# (Three letters at least before "-our"/"-or": "four" and "for", "your" are no marks.)
_BRITISH_MARK = re.compile(r"\b(?:[a-z]+is(?:e|ed|es|ing|ation|ations)|[a-z]{3,}our(?:s|ed|ing|ite|ites|able)?|[a-z]+tres?)\b")
_AMERICAN_MARK = re.compile(r"\b(?:[a-z]+iz(?:e|ed|es|ing|ation|ations)|[a-z]{3,}or(?:s|ed|ing|ite|ites|able)?|[a-z]+ters?)\b")
_TO_BRITISH = ((re.compile(r"iz(e|ed|es|ing|ation|ations|er|ers)$"), r"is\1"), (re.compile(r"or(s|ed|ing|ite|ites|able)?$"), r"our\1"),
               (re.compile(r"ter(s)?$"), r"tre\1"))
_TO_AMERICAN = ((re.compile(r"is(e|ed|es|ing|ation|ations|er|ers)$"), r"iz\1"), (re.compile(r"our(s|ed|ing|ite|ites|able)?$"), r"or\1"),
                (re.compile(r"tre(s)?$"), r"ter\1"))


def variety(text: str, language: str) -> str | None:
    """"british" or "american" when the document's words that differ between them lean one way
    ("organised", "colour", "centre" against "organized", "color", "center"); else None."""
    if language != "en":
        return None
    british = sum(1 for word in _BRITISH_MARK.findall(text) if _twin(word, _TO_AMERICAN, language))
    american = sum(1 for word in _AMERICAN_MARK.findall(text) if _twin(word, _TO_BRITISH, language))
    if british > american:
        return "british"
    return "american" if american > british else None


def in_variety(word: str, kind: str | None, language: str) -> str:
    """`word` as the document's variety writes it: "organize" in a document that writes "-ise" is
    "organise", when wordfreq knows that form."""
    if kind is None:
        return word
    twin = _twin(word, _TO_BRITISH if kind == "british" else _TO_AMERICAN, language)
    return twin or word


@functools.lru_cache(maxsize=1 << 14)
def _twin(word: str, patterns: tuple[tuple[re.Pattern[str], str], ...], language: str) -> str | None:
    for pattern, replacement in patterns:
        if pattern.search(word):
            other = pattern.sub(replacement, word)
            if other != word and wordlist.dictionary(language).knows(other) and zipf(other, language) >= VARIETY_ZIPF:
                return other
    return None


VARIETY_ZIPF = 2.0  # the other variety's form must be a word wordfreq sees ("colour" 4.5; not "actour")

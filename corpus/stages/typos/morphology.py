"""Words no list has but English makes: prefixes on known words, compounds, and words run together.

A careful editor leaves `understaffing`, `unexecuted` and `backglass` alone (a prefix or a second
word on words they know), and splits `eitherin`, `evolutionof` and `comeon` (a space lost between
two words). The difference this module draws: two content words make a compound, while a run-together
word holds a function word (`in`, `of`, `the`, `we`), or its two words are a frequent English pair
(symspellpy's counts of Google Books' word pairs).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

# Prefixes English puts on any word ("un" + "cited"); the rest must be a known word of MIN_BASE
# letters or more, so the classic misspellings that split this way stay typos ("untill").
PREFIXES = ("anti", "auto", "bio", "co", "counter", "cross", "cyber", "de", "dis", "eco", "geo", "hyper", "inter",
            "intra", "macro", "mega", "micro", "mid", "mini", "mis", "multi", "nano", "neo", "non", "out", "over",
            "post", "pre", "proto", "pseudo", "re", "self", "semi", "sub", "super", "tele", "trans", "ultra",
            "un", "under")
MIN_BASE = 5
MIN_PART = 4  # a compound's parts, common words: "back" + "glass", not "con" + "troll" ("controll")
PART_ZIPF = 3.0
# Closed-class words: determiners, pronouns, prepositions, conjunctions, auxiliaries. A word run
# together with one of them is two words ("thisone", "inour"); two content words make a compound.
FUNCTION_WORDS = frozenset("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each either even ever every few for from further had has have having
he her here hers him his how i if in into is it its just may me might more most much must my neither no nor not now
of off on once one only onto or other our ours out over own same shall she should since so some such than that the
their them then there these they this those though through thus till to too under until up upon us very was we were
what when where whether which while who whom whose why will with within without would yet you your
""".split())
# Function words that stand apart from the word beside them: a split on one of them needs no
# other evidence ("doctorfor", "thegroundwater"). Not the particles and auxiliaries that make
# compounds ("upsample", "teardown", "nimblewill", "ashcan").
STANDALONE = frozenset("""
a all an and any are as at be been but by each every for from had has have he her his if is it its my not of or
our she some than that the their them these they this those to was we were what when where which while who whose
with you your
""".split())
# The single letters that are words.
SINGLE_LETTERS = frozenset({"a", "i"})
# A word wordfreq has seen is split only when its pair, on wordfreq's scale, is this many powers of
# ten more frequent ("in the" 8.4 against "inthe" 2.6; not "tear down" 4.6 against "teardown" 2.2).
SEEN_SPLIT_GAP = 4.0
PAIR_SCALE = math.log10(4.3e11) - 9  # Google Books' counts per billion words: "the" is 2.3e10, zipf 7.73


@dataclass(frozen=True)
class Split:
    """A run-together word's two words, and the evidence: the pair's count, or a function word."""

    first: str
    second: str
    pair_count: int
    pair_zipf: float

    @property
    def text(self) -> str:
        return f"{self.first} {self.second}"


def derived(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> str | None:
    """How English makes this lowercase word from known ones, if it does: "un+cited",
    "back+glass". `solid` says whether a word is known for sure."""
    for prefix in PREFIXES:
        base = word[len(prefix):]
        if word.startswith(prefix) and len(base) >= MIN_BASE and solid(base):
            return f"{prefix}+{base}"
    sibilant = word.endswith(("ses", "xes", "zes", "ches", "shes"))  # "launches", not "launchs"
    agent = word[:-2] if word.endswith("rs") else word[:-1]  # "profilers", "awardees": who does it
    for suffix, base in (("s", word[:-1]), ("es", word[:-2]) if sibilant else ("s", ""), ("ily", word[:-3] + "y"),
                         ("r", agent) if agent.endswith("e") else ("s", ""), ("ees", word[:-3])):
        if (word.endswith(suffix) and len(base) >= MIN_BASE and base not in FUNCTION_WORDS and solid(base)
                and not (suffix == "s" and not sibilant and base.endswith(("s", "x", "z", "ch", "sh")))):
            return f"{base}+{suffix}"  # "repartees", "independences", "cheesily"
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        first, second = word[:cut], word[cut:]
        if (first not in FUNCTION_WORDS and second not in FUNCTION_WORDS
                and _content_word(first, solid, zipf) and _content_word(second, solid, zipf)):
            return f"{first}+{second}"
    return None


def _content_word(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> bool:
    return solid(word) and zipf(word) >= PART_ZIPF and not (word.endswith("s") and word[:-1] in FUNCTION_WORDS)


def split(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float], pairs: dict[str, int],
          seen: float) -> Split | None:
    """The two words a lowercase word ran together from, when one split clearly wins: both parts
    known, and either their pair frequent in English or a standalone function word among them (then
    both common, and no single letter: "alows" is not "a lows"). When the joined form is itself seen in wordfreq (`seen`, its zipf: "inthe" 2.6),
    only a frequent pair far more common than it. Of two readings the pair counts must prefer one by
    a power of ten ("not in" over "no tin"), or there is no split."""
    found = []
    for cut in range(1, len(word)):
        first, second = word[:cut], word[cut:]
        if not (_part(first, solid) and _part(second, solid)):
            continue
        count = pairs.get(f"{first} {second}", 0)
        pair_zipf = round(math.log10(count) - PAIR_SCALE, 2) if count else 0.0
        standalone = first in STANDALONE or second in STANDALONE
        if count and (pair_zipf - seen >= SEEN_SPLIT_GAP or not seen):
            found.append(Split(first, second, count, pair_zipf))
        elif standalone and not seen and min(len(first), len(second)) > 1 and min(zipf(first), zipf(second)) >= COMMON_PART:
            found.append(Split(first, second, 0, 0.0))
    found.sort(key=lambda s: -s.pair_zipf)
    if not found or (len(found) > 1 and found[0].pair_zipf - found[1].pair_zipf < 1.0):
        return None
    return found[0]


def two_words(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> bool:
    """The word is a function word and a common word run together ("studyin", "nodeal",
    "alaundromat"): correcting it to one word ("studying", "ordeal") would lose one of them."""
    for cut in range(1, len(word)):
        first, second = word[:cut], word[cut:]
        if (first in FUNCTION_WORDS and _part(second, solid) and zipf(second) >= COMMON_PART) or (
                second in FUNCTION_WORDS and _part(first, solid) and zipf(first) >= COMMON_PART):
            return True
    return False


def _part(word: str, solid: Callable[[str], bool]) -> bool:
    if len(word) == 1:
        return word in SINGLE_LETTERS
    if len(word) == 2:
        return word in FUNCTION_WORDS or word in _TWO_LETTER_WORDS
    return solid(word)


_TWO_LETTER_WORDS = frozenset("ad ah ax ex go hi ok oh ow ox pa tv uh".split())


COMMON_PART = 2.5  # without the pair in the counts, both words must be common ("a" + "laundromat" 2.7)

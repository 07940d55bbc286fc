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
PREFIXES = (
    "aero",
    "agro",
    "anti",
    "astro",
    "auto",
    "bio",
    "co",
    "contra",
    "counter",
    "cross",
    "crypto",
    "cyber",
    "de",
    "dis",
    "eco",
    "electro",
    "extra",
    "geo",
    "hydro",
    "hyper",
    "infra",
    "inter",
    "intra",
    "macro",
    "mega",
    "meta",
    "micro",
    "mid",
    "mini",
    "mis",
    "mono",
    "multi",
    "nano",
    "neo",
    "neuro",
    "non",
    "omni",
    "out",
    "over",
    "para",
    "photo",
    "poly",
    "post",
    "pre",
    "proto",
    "pseudo",
    "psycho",
    "quasi",
    "radio",
    "re",
    "retro",
    "self",
    "semi",
    "socio",
    "sub",
    "super",
    "techno",
    "tele",
    "thermo",
    "trans",
    "ultra",
    "un",
    "under",
)
# Suffixes English puts on any word ("somethingness", "leadership"), with MIN_BASE letters before them.
SUFFIXES = ("ability", "dom", "hood", "ism", "ist", "less", "like", "ness", "ship", "wise")
MIN_BASE = 5
MIN_PART = 4  # a compound's parts, common words: "back" + "glass", not "con" + "troll" ("controll")
PART_ZIPF = 3.0
# Closed-class words: determiners, pronouns, prepositions, conjunctions, auxiliaries. A word run
# together with one of them is two words ("thisone", "inour"); two content words make a compound.
FUNCTION_WORDS = frozenset(
    """
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down during each either even ever every few for from further had has have having
he her here hers him his how i if in into is it its just may me might more most much must my neither no nor not now
of off on once one only onto or other our ours out over own same shall she should since so some such than that the
their them then there these they this those though through thus till to too under until up upon us very was we were
what when where whether which while who whom whose why will with within without would yet you your
""".split()
)
# Function words that stand apart from the word beside them: a split on one of them needs no
# other evidence ("doctorfor", "thegroundwater"). Not the particles and auxiliaries that make
# compounds ("upsample", "teardown", "nimblewill", "ashcan").
STANDALONE = frozenset(
    """
a all an and any are as at be been but by each every for from had has have he her his if is it its my not of or
our she some than that the their them these they this those to was we were what when where which while who whose
with you your
""".split()
)
# Function words of three letters or more that end no name ("Marsh+all", "Tiff+any", "Ash+er" do),
# so a capitalised word that ends in one is a word and a function word run together.
CLAUSE_WORDS = frozenset(
    """
and been could for from had has have into should than that the their these they this those was were when where
which while with would
""".split()
)
# Function words that are also nouns, verbs or particles English compounds with ("ashcan",
# "nimblewill", "upsample", "login"): beside a word, no evidence of two words without the pair's count.
COMPOUNDING = frozenset("am be can did do does down have in may might must off on out over up will".split())
# Pronouns go before a verb, so before a word they are two words only where the pair's count says
# so: "we blogger" is "weblogger", "i chin" a slip of "itching" (after a word they may begin a
# clause: "the idea he had").
PRONOUNS = frozenset("i me we us he him she they them".split())
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

    @property
    def detail(self) -> dict[str, object]:
        return {"pair": self.text, "pair_count": self.pair_count}


def plainly_two(split: Split) -> bool:
    """Two words even in a word the corpus repeats or English could make a compound of: a frequent
    pair with a standalone function word ("inthe", written again and again) or of two content
    words of MIN_PART letters or more ("shortterm", "localnewspapers"; not "videocam")."""
    return bool(split.pair_count) and (
        bool(STANDALONE & {split.first, split.second}) or min(len(split.first), len(split.second)) >= MIN_PART
    )


def splits_capitalised(split: Split, seen: bool, at_start: bool, solid: Callable[[str], bool]) -> bool:
    """A capitalised word, a name as often as not, is split only when wordfreq has never seen it
    (it sees most names: "Juston", "Hasan", "Benton") into a word and a function word no name ends
    with ("Trumphas") or a past tense ("Mongoliahunted"); at a sentence's start, also into a frequent
    pair with a function word or of two content words ("Theman", "Accordingto", "Mondaynight"; not
    "the Twoof Movement")."""
    if at_start and split.pair_count and FUNCTION_WORDS & {split.first, split.second}:
        return True  # "Theman", "Accordingto", "Inthe": seen or not, the pair is far more common
    if seen:
        return False
    if split.second in CLAUSE_WORDS or _inflected(split.second, ("ed",), solid):
        return True
    return at_start and bool(split.pair_count) and min(len(split.first), len(split.second)) >= MIN_PART


def derived(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> str | None:
    """How English makes this lowercase word from known ones, if it does: "un+cited",
    "back+glass". `solid` says whether a word is known for sure."""
    for prefix in PREFIXES:
        base = word[len(prefix) :]
        if word.startswith(prefix) and len(base) >= MIN_BASE and solid(base):
            return f"{prefix}+{base}"
    for suffix in SUFFIXES:
        base = word[: -len(suffix)]
        if not word.endswith(suffix):
            continue
        # "bugginess": buggy + ness; "misogynism": misogyny + ism
        for stem in (base, base[:-1] + "y" if base.endswith("i") else base + "y"):
            if len(stem) >= MIN_BASE and solid(stem):
                return f"{stem}+{suffix}"
    sibilant = word.endswith(("ses", "xes", "zes", "ches", "shes"))  # "launches", not "launchs"
    agent = word[:-2] if word.endswith("rs") else word[:-1]  # "profilers", "awardees": who does it
    for suffix, base in (
        ("s", word[:-1]),
        ("es", word[:-2]) if sibilant else ("s", ""),
        ("ily", word[:-3] + "y"),
        ("r", agent) if agent.endswith("e") else ("s", ""),
        ("ees", word[:-3]),
        ("ees", word[:-2]),  # "dictatees": who is dictated to, the e of "dictate" merged
        ("bly", word[:-1] + "e"),  # "scalably": the adverb of "scalable"
        ("ic", word + "al"),  # "topologic", "geologic": the other form of "topological"
    ):
        if (
            word.endswith(suffix)
            and len(base) >= MIN_BASE
            and base not in FUNCTION_WORDS
            and solid(base)
            and not (suffix == "s" and not sibilant and base.endswith(("s", "x", "z", "ch", "sh")))
        ):
            return f"{base}+{suffix}"  # "repartees", "independences", "cheesily", "scalably"
    for cut in range(MIN_PART, len(word) - MIN_PART + 1):
        first, second = word[:cut], word[cut:]
        if (
            first not in FUNCTION_WORDS
            and second not in FUNCTION_WORDS
            and not clause_pair(first, second, solid)
            and not long_pair(first, second)
            and _content_word(first, solid, zipf)
            and _content_word(second, solid, zipf)
        ):
            return f"{first}+{second}"
    return None


def _content_word(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> bool:
    return solid(word) and zipf(word) >= PART_ZIPF and not (word.endswith("s") and word[:-1] in FUNCTION_WORDS)


def split(
    word: str, solid: Callable[[str], bool], zipf: Callable[[str], float], pairs: dict[str, int], seen: float
) -> Split | None:
    """The two words a lowercase word ran together from, when one split clearly wins: both parts
    known, and either their pair frequent in English, or (a joined form wordfreq has never seen)
    a function word and a common word ("intopowerful", "acrunchy"), or two common words no
    compound is made of ("convictedpedophile", `clause_pair`). When the joined form is itself seen
    in wordfreq (`seen`, its zipf: "inthe" 2.6), only a frequent pair far more common than it. Of
    two readings the pair counts must prefer one by a power of ten ("not in" over "no tin"), or
    there is no split."""
    found = []
    weak = 0  # readings with a function word that also makes compounds ("producers can" beside "producer scan")
    for cut in range(1, len(word)):
        first, second = word[:cut], word[cut:]
        if not (_part(first, solid) and _part(second, solid)):
            continue
        count = pairs.get(f"{first} {second}", 0)
        pair_zipf = round(math.log10(count) - PAIR_SCALE, 2) if count else 0.0
        function = first in FUNCTION_WORDS or second in FUNCTION_WORDS
        if (
            count
            and (pair_zipf - seen >= SEEN_SPLIT_GAP or not seen)
            and (
                function
                or min(len(first), len(second)) >= MIN_PART
                or zipf(min(first, second, key=len)) >= SHORT_PART_ZIPF
            )
        ):
            found.append(Split(first, second, count, pair_zipf))
        elif (
            not seen
            and not _stutter(first, second)
            and first not in PREFIXES  # "under|ams": a prefix on a word, or a slip of one ("underarms")
            and (
                (function and _with_function_word(first, second, zipf))
                or (
                    (clause_pair(first, second, solid) or long_pair(first, second))
                    and min(zipf(first), zipf(second)) >= PART_ZIPF
                    and (
                        min(len(first), len(second)) >= MIN_PART or zipf(min(first, second, key=len)) >= SHORT_PART_ZIPF
                    )
                )
            )
        ):
            found.append(Split(first, second, 0, 0.0))
        elif not seen and function and _with_function_word(first, second, zipf, weak=True):
            weak += 1
    found.sort(key=lambda s: -s.pair_zipf)
    if not found or (len(found) > 1 and found[0].pair_zipf - found[1].pair_zipf < 1.0):
        return None
    if weak and not found[0].pair_count:
        return None  # another reading, as likely without counts
    return found[0]


def _stutter(first: str, second: str) -> bool:
    """The same letters typed twice at the join ("announce|cement" for "announcement"): a slip, not two words."""
    return any(first.endswith(second[:size]) for size in (2, 3) if len(second) > size)


def _with_function_word(first: str, second: str, zipf: Callable[[str], float], weak: bool = False) -> bool:
    """A function word beside a common word of three letters or more ("a" only beside a word, not
    a letter: "alows" is not "a lows"); `weak`: with a function word that also makes compounds."""
    function, other = (first, second) if first in FUNCTION_WORDS else (second, first)
    return (
        (function in COMPOUNDING) == weak
        and not (function == first and function in PRONOUNS)
        and other not in FUNCTION_WORDS  # "any|when": two function words make a phrase only as a counted pair
        and len(other) >= 3
        and zipf(other) >= COMMON_PART
        and (len(function) > 1 or len(other) >= MIN_PART)
    )


def clause_pair(first: str, second: str, solid: Callable[[str], bool]) -> bool:
    """Two words English makes no compound of: the first an adverb, a participle or a gerund
    ("knowinglytook", "convictedpedophile", "leakinginformation"), or the second a past tense or an
    adverb ("agencyselected", "soldnearly"). Closed compounds join uninflected words or plurals
    ("backglass", "eartips", "tradespersons")."""
    return (
        len(first) >= 3
        and len(second) >= 3
        and (_inflected(first, ("ly", "ed", "ing"), solid) or _inflected(second, ("ed", "ly"), solid))
    )


LONG_PAIR = 12  # letters: two words this long together make no closed compound ("safetyslogan")


def long_pair(first: str, second: str) -> bool:
    """Two content words too long together for a closed compound, which joins short words
    ("backglass", "eartips", "videocam"), unless the first ends in a linking s ("tradespersons",
    "newswriters") or the second is an agent noun ("wheatgrowers")."""
    return (
        len(first) + len(second) >= LONG_PAIR
        and min(len(first), len(second)) >= MIN_PART
        and not first.endswith("s")
        and not second.endswith(AGENT_ENDINGS)
    )


AGENT_ENDINGS = ("er", "ers", "or", "ors")  # "wheatgrowers", "steelworkers": a noun and who works it


def inflects(word: str, seen: Callable[[str], bool]) -> bool:
    """A past tense or gerund of a word English writes ("forklifted", "airlifting")."""
    return _inflected(word, ("ed", "ing"), seen)


def inflected(word: str, solid: Callable[[str], bool]) -> bool:
    """A known word with an ending English adds to any noun or verb ("stockers", "lagering",
    "signees")."""
    return _inflected(word, ("s", "ed", "ing", "ings", "er", "ers", "ee", "ees"), solid)


def _inflected(word: str, suffixes: tuple[str, ...], solid: Callable[[str], bool]) -> bool:
    """The word is a known word with one of these endings ("convicted", "charging", "stopped",
    "partiers")."""
    for suffix in suffixes:
        stem = word[: -len(suffix)]
        if not word.endswith(suffix):
            continue
        if len(stem) < 3:
            continue
        stems = (
            [stem]
            if suffix == "ly"
            else [
                stem,
                stem + "e",
                stem[:-1] if stem[-1] == stem[-2] else "",
                stem[:-1] + "y" if stem[-1] == "i" and suffix != "er" else "",  # "partiers"; "simplier" is a slip
            ]
        )
        if any(len(base) >= 3 and solid(base) for base in stems):  # "convicted", "charging", "stopped"
            return True
    return False


def two_words(word: str, solid: Callable[[str], bool], zipf: Callable[[str], float]) -> bool:
    """The word is a function word and a common word run together ("studyin", "nodeal",
    "alaundromat"): correcting it to one word ("studying", "ordeal") would lose one of them."""
    for cut in range(1, len(word)):
        first, second = word[:cut], word[cut:]
        if (first in FUNCTION_WORDS and _part(second, solid) and zipf(second) >= COMMON_PART) or (
            second in FUNCTION_WORDS and _part(first, solid) and zipf(first) >= COMMON_PART
        ):
            return True
    return False


def _part(word: str, solid: Callable[[str], bool]) -> bool:
    if len(word) == 1:
        return word in SINGLE_LETTERS
    if len(word) == 2:
        return word in FUNCTION_WORDS or word in _TWO_LETTER_WORDS
    return solid(word)


_TWO_LETTER_WORDS = frozenset("ad ah ax ex go hi ok oh ow ox pa tv uh".split())


SHORT_PART_ZIPF = 5.0  # a part of two or three letters that is no function word must be among the
# commonest words ("two", "get", "ago"): a short noun makes compounds ("videocam", "webapp")
COMMON_PART = 2.5  # without the pair in the counts, both words must be common ("a" + "laundromat" 2.7)


# Suffixes that begin with a vowel: before them English drops a stem's silent e ("desire" ->
# "desirable") and doubles the last consonant after one short vowel ("program" -> "programmable").
VOWEL_SUFFIXES = ("able", "ible", "er", "or", "ance", "ence", "ation", "ous", "ity", "ing", "ed", "al", "ive")
SPELLED_SUFFIXES = (*VOWEL_SUFFIXES, "hood", "ness", "ment", "ly", "ful", "less")
_SUFFIX_TWINS = {"able": "ible", "ible": "able", "er": "or", "or": "er"}  # "accessable", "contributer"
TWIN_SUFFIX_STEM = 5  # "govern" + "or"; shorter stems are other words ("suppor" is not "supper")


def spelling_rule_forms(word: str, solid: Callable[[str], bool]) -> list[tuple[str, str]]:
    """The forms English spells for a word a writer made by putting a suffix on a known stem as
    it stands: (form, "stem+suffix"). A silent e dropped ("desireable": desirable), a y made i
    ("likelyhood": likelihood), a consonant doubled ("programable": programmable), or the suffix's
    twin ("accessable": accessible, "contributer": contributor). The caller says which form, if
    any, English writes so much more often that the word is its misspelling."""
    forms: list[tuple[str, str]] = []
    for suffix in SPELLED_SUFFIXES:
        if not word.endswith(suffix):
            continue
        base = word[: -len(suffix)]
        for stem in (base, base + "e") if suffix == "er" else (base,):
            if len(stem) < MIN_PART or not solid(stem):
                continue
            twin = _SUFFIX_TWINS.get(suffix)
            for ending in (suffix, twin) if twin and len(stem) >= TWIN_SUFFIX_STEM else (suffix,):
                vowel = ending in VOWEL_SUFFIXES
                if stem.endswith("e") and vowel:
                    forms.append((stem[:-1] + ending, f"{stem}+{suffix}"))
                if stem.endswith("y") and stem[-2] not in "aeiou" and not ending.startswith("i"):
                    forms.append((stem[:-1] + "i" + ending, f"{stem}+{suffix}"))
                if vowel and stem[-1] not in "aeiouywx" and stem[-2] in "aeiou":
                    forms.append((stem + stem[-1] + ending, f"{stem}+{suffix}"))
                if ending != suffix:
                    forms.append((stem + ending, f"{stem}+{suffix}"))
    return [(form, parts) for form, parts in forms if form != word]

"""Out of context: is a word real, and what is a misspelling likely a slip for (a noisy channel)?

Both answers hold whatever the corpus, so they are cached per process (bounded LRU caches).
"""

from __future__ import annotations

import functools
import re
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rapidfuzz.distance import OSA

from corpus.stages.typos import morphology
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.weights import NEIGHBOUR_KEY, typo_cost
from corpus.stages.typos.words import zipf

if TYPE_CHECKING:
    from corpus.stages.typos.stage import TyposConfig

MAX_SCORED = 12  # candidates per unknown word given the weighted cost


@dataclass(frozen=True)
class Fix:
    """What a lowercase word may be a typo of: the nearest candidates, best first, and whether the
    best wins alone or only its neighbours can tell them apart."""

    close: tuple[tuple[str, float], ...]  # (candidate, noisy-channel score) within `margin` of the best
    cost: float  # the best candidate's weighted edits
    detail: dict
    seen: float = 0.0  # the word's own wordfreq zipf (0: wordfreq never saw it)
    costs: dict[str, float] = field(default_factory=dict)  # candidate -> weighted edits
    doubtful: bool = False  # a seen word a cheap slip from a word not far more common: its neighbours decide

    @property
    def word(self) -> str | None:
        return self.close[0][0] if len(self.close) == 1 and not self.doubtful else None


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


def made_by_english(word: str, language: str, config: TyposConfig) -> bool:
    """English makes this word from known ones (`derived`: "understaffing"), and it is no slip of a
    common word: not a cheap one ("successfull": success+full), nor one as cheap as a vowel in a
    word wordfreq has never seen ("magasine": maga+sine, "colateral": co+lateral). A word it has
    seen is English's however near a common word ("defunding", "repotted", "soilless")."""
    if derived(word, language, config) is None or common_word_by_a_slip(word, language):
        return False
    if zipf(word, language):
        return True
    fix = nearest(word, language, config)
    return fix is None or fix.word is None or fix.cost > config.seen_max_cost or zipf(fix.word, language) < SLIP_ZIPF


@functools.lru_cache(maxsize=1 << 16)
def spelled_by_rule(word: str, language: str, config: TyposConfig) -> tuple[str, str] | None:
    """The one form English's spelling rules give a suffixed word that the writer joined as it
    stands ("desireable": desirable, "likelyhood": likelihood), when that form is common and 100
    times as frequent: (form, "stem+suffix"). Accepted variants are words of their own and are
    never asked about (`likeable`, `sizeable`); a rarer form is no sure correction (`tradeable`)."""
    if language != "en" or known(word, language, config):
        return None
    seen = zipf(word, language)
    found = {
        (form, parts)
        for form, parts in morphology.spelling_rule_forms(word, lambda part: known(part, language, config))
        if known(form, language, config)
        and zipf(form, language) >= SPELLED_ZIPF
        and zipf(form, language) - seen >= SPELLED_GAP
    }
    return min(found) if len({form for form, _ in found}) == 1 else None


SPELLED_ZIPF, SPELLED_GAP = 3.0, 2.0


@functools.lru_cache(maxsize=1 << 16)
def run_together(word: str, language: str, config: TyposConfig) -> morphology.Split | None:
    """The two words a lowercase word ran together from ("eitherin" -> "either in"), if clear."""
    if language != "en" or morphology.inflects(word, lambda stem: zipf(stem, language) >= INFLECTED_STEM_ZIPF):
        return None  # "forklifted": a word English writes ("forklift"), inflected
    return morphology.split(
        word,
        lambda part: known(part, language, config),
        lambda part: zipf(part, language),
        wordlist.bigrams(),
        zipf(word, language),
    )


@functools.lru_cache(maxsize=1 << 16)
def two_words(word: str, language: str, config: TyposConfig) -> bool:
    """Two known words run together, never corrected to one ("studyin" is not "studying")."""
    return language == "en" and morphology.two_words(
        word, lambda part: known(part, language, config), lambda part: zipf(part, language)
    )


_HELD_DOWN = re.compile(r"(.)\1{3}")  # four of a letter: no typist's slip ("reallly" is one)
_THREE_VOWELS = re.compile(r"([aeiou])\1\1")
_E_KEPT = re.compile(r"[^eoy]eing$")  # "useing": English drops the e ("using"), but in "seeing", "hoeing", "dyeing"


@functools.lru_cache(maxsize=1 << 17)
def nearest(word: str, language: str, config: TyposConfig) -> Fix | None:
    """The dictionary word a lowercase unknown word is a typo of, when one wins clearly; else the
    few that come close, for its neighbours to decide.

    Candidates are ranked as a noisy channel: how common the word is (wordfreq's zipf, a log10
    scale) less `cost_weight` per weighted edit, so "frome" is "from" (one plain edit, very common)
    rather than "forme" (a cheap swap, rare). A word wordfreq has seen (`seen_zipf` or more) is
    real unless its correction is one cheap slip away (`seen_max_cost`) and `rare_gap` more
    frequent ("jewerly" 1.3 -> "jewelry" 4.1); only `doubt_gap` more frequent, the Fix is
    `doubtful` and the word's neighbours decide ("it recieved funding": 2.75 -> 5.16); "umami" and
    "frunk" stay."""
    if _HELD_DOWN.search(word):
        return None  # "gooood", "oooops": a letter held down for emphasis, as the writer meant it
    # The weighted cost of d edits is at least d / 2, so this bounds each score from above: only the
    # most promising candidates get the (slow, pure Python) weighted cost.
    promising = sorted(
        wordlist.dictionary(language).candidates(word),
        key=lambda c: -(zipf(c[0], language) - config.cost_weight * c[1] / 2),
    )[:MAX_SCORED]
    scored = sorted(
        (zipf(candidate, language) - config.cost_weight * cost, cost, candidate)
        for candidate, _, _ in promising
        if (cost := typo_cost(word, candidate)) <= config.max_cost
        or _far_sound_spelling(word, candidate, cost, language)
    )[::-1]
    if not scored:
        return None
    score, cost, best = scored[0]
    held = _THREE_VOWELS.search(word)
    if held and held.group(1) * 2 not in best:
        return None  # "waaay", "looong": a vowel drawn out; "threee", "agreeement" are a double typed thrice
    seen = zipf(word, language)
    candidates = [
        [candidate, round(cost_, 2), round(zipf_, 2)]
        for zipf_, cost_, candidate in (
            (score_ + config.cost_weight * cost_, cost_, candidate) for score_, cost_, candidate in scored[:4]
        )
    ]
    if (
        seen >= config.seen_zipf
        and cost > config.seen_max_cost
        and morphology.inflected(word, lambda stem: known(stem, language, config))
        and not _E_KEPT.search(word)
    ):
        return None  # "modder" (mod + er) is no "modern": beyond a cheap slip, a seen word is a known word's form
    if _real(word, best, cost, seen, language, config):
        if cost <= config.seen_max_cost and zipf(best, language) - seen >= config.doubt_gap:
            # "recieved" (2.75) and "received" (5.16): the word's neighbours must prefer the correction
            return Fix(((best, score),), cost, {"candidates": candidates}, seen, {best: cost}, doubtful=True)
        return None  # a rare real word ("subsea", "statins", "frunk"), not a misspelling of a common one
    # Of a seen word, only the candidates that pass the same test may win in context ("toing": not "thing").
    close = tuple(
        (candidate, score_)
        for score_, cost_, candidate in scored[:6]
        if score - score_ < config.margin and not _real(word, candidate, cost_, seen, language, config)
    )
    # "stronge": strong or stronger? "facilitie": facilities or facilitate? Only the context can say.
    head = len(word) - ENDING
    endings = tuple(
        (candidate, score_)
        for score_, _, candidate in scored[1:6]
        if _common_prefix(word, candidate) >= head
        and zipf(candidate, language) >= ENDING_ZIPF
        and score - score_ <= config.margin * 2
    )
    if len(close) == 1 and endings and _common_prefix(word, best) >= head and not _spelt_ending(word, best):
        close += tuple(entry for entry in endings if entry not in close)
    # "foor": for, or floor as near? "cald": cold, or the nearer clad and calf? A common word no
    # farther than the winner is as good a reading: only the neighbours can say.
    close += tuple(
        (candidate, score_)
        for score_, cost_, candidate in scored[1:6]
        if cost_ <= cost
        and score - score_ < RIVAL_MARGIN
        and zipf(candidate, language) >= RIVAL_ZIPF
        and (candidate, score_) not in close
        and not _real(word, candidate, cost_, seen, language, config)
    )
    costs = {candidate: cost_ for _, cost_, candidate in scored}
    # "equire": the candidates keep the first letter, but a word that lost its own is as likely
    # when it is ten times as common ("require", not "enquire"), unless the best is a doubled
    # letter, the commonest slip ("ommitted" is "omitted", not "committed"): the neighbours decide,
    # and keep the word if they read the one that lost its letter.
    for lost_first in () if doubled_letter_apart(word, best) else _first_letter_lost(word, language):
        if zipf(lost_first, language) - zipf(best, language) >= LOST_FIRST_GAP and lost_first not in costs:
            close += ((lost_first, zipf(lost_first, language) - config.cost_weight * FIRST_LETTER_COST),)
            costs[lost_first] = FIRST_LETTER_COST
    return Fix(close, cost, {"candidates": candidates}, seen, costs)


FIRST_LETTER_COST = 1.0  # a letter left out at the start: one plain edit
LOST_FIRST_GAP = 1.0  # ...from a word ten times as common as the best candidate


def _first_letter_lost(word: str, language: str) -> list[str]:
    """pyspellchecker's words that are the word with a letter put before it ("equire": "require")."""
    listed = wordlist.dictionary(language).frequency
    return [letter + word for letter in string.ascii_lowercase if letter + word in listed]


def _real(word: str, candidate: str, cost: float, seen: float, language: str, config: TyposConfig) -> bool:
    """A word wordfreq has seen is real, not a slip of `candidate`, unless the slip is cheap and the
    candidate far more common (`seen_max_cost`, `rare_gap`: "recieve"), or one slip and the candidate
    far more common still (`seen_far_gap`: "whith", "throught", "reccomend"), any one slip from a
    candidate `FAR_SLIP_GAP` more common ("convertion"), or a doubled letter and the candidate
    `DOUBLED_GAP` more common ("occured")."""
    if seen < config.seen_zipf:
        return False
    gap = zipf(candidate, language) - seen
    if doubled_letter_apart(word, candidate):
        return gap < DOUBLED_GAP  # "occured" (2.8, "occurred" 4.6), not "punny" (2.1, "puny" 2.8)
    return not (
        (cost <= config.seen_max_cost and gap >= config.rare_gap)
        or (cost <= FAR_COST and gap >= FAR_SLIP_GAP and OSA.distance(word, candidate, score_cutoff=1) == 1)
        or (cost <= FAR_COST and gap >= SOUNDED_GAP and spelt_as_sounded(word, candidate))
        or (
            (
                (cost <= FAR_COST and gap >= config.seen_far_gap and _added_or_doubled(word, candidate))
                or (cost <= config.seen_max_cost and gap >= config.doubt_gap and _inside_long_word(word, candidate))
            )
            and not morphology.inflected(word, lambda stem: known(stem, language, config))
        )
    )


def spelt_as_sounded(typo: str, word: str) -> bool:
    """The typo writes the word as it sounds: only vowels after the first one and doubled letters
    differ, the last letter as the word's ("collosal", "equivelant", "relitavely", "competiveness").
    People misspell unstressed vowels and doubled consonants; another first vowel ("solvation",
    "spired", "merch"), another consonant ("cron", "sesshins") or another last letter ("truthy",
    "volatily") makes another word or another form of it."""
    return (
        typo[-1] == word[-1]
        and _first_vowel(typo) == _first_vowel(word)
        and _RUNS.sub(r"\1", VOWELS.sub("", typo)) == _RUNS.sub(r"\1", VOWELS.sub("", word))
    )


def _first_vowel(word: str) -> str:
    found = VOWELS.search(word)
    return found.group() if found else ""


VOWELS = re.compile("[aeiouy]")  # y too: "anylisis", "truely"; a word without one is an abbreviation
SOUNDED_GAP = 2.0  # a seen word spelt as a word 100 times as frequent sounds is that word ("collosal")
SOUNDED_COST, SOUNDED_LENGTH = 2.0, 8  # how far a long word nobody has written may be from it


def _far_sound_spelling(typo: str, word: str, cost: float, language: str) -> bool:
    """A long word no language has written ("relitavely"), beyond `max_cost` from a word it spells
    as it sounds: a writer's guess at the spelling, not a slip, so more letters differ. A word
    another language writes is a loanword ("anti-transpirant", "pingouin")."""
    return (
        cost <= SOUNDED_COST
        and len(typo) >= SOUNDED_LENGTH
        and spelt_as_sounded(typo, word)
        and not wordlist.foreign_zipf(typo, language)
    )


def _inside_long_word(typo: str, word: str) -> bool:
    """A slip inside a long word, its first and last two letters as the word writes them: how
    people misspell a word they believe they know ("seperately", "existant", "recieved"). A rare
    real word near a common one more often differs at its start or in its ending ("solvation",
    "brigaded"), or is a known word's inflection ("stockers", "lagering": `morphology.inflected`)."""
    return len(typo) >= LONG_SLIP_LENGTH and typo[:2] == word[:2] and typo[-2:] == word[-2:]


LONG_SLIP_LENGTH = 8


INFLECTED_STEM_ZIPF = 1.0  # "forklift" (2.9), "sideload" (1.4) + "ed" is one word, not "side loaded"
RIVAL_ZIPF = 2.5  # a rival as near as the winner: a word a writer may well mean ("foor": floor)
RIVAL_MARGIN = 1.5  # ...and not far rarer ("wich" is "which", not "witch")
FAR_SLIP_GAP = 3.0  # any one slip from a word 1,000 times as frequent ("convertion", "negociations")
DOUBLED_GAP = 1.5  # a doubled letter typed once or a letter doubled: the candidate 30 times as frequent


def _added_or_doubled(typo: str, word: str) -> bool:
    """The typo is the word with a letter added ("whith", "throught") or with letters doubled and
    undoubled ("reccomend", "beggining"): what people write believing it right, where another
    letter in place of one ("boops" for "books") is as often a word of its own."""
    if len(typo) == len(word) + 1 and any(typo[:i] + typo[i + 1 :] == word for i in range(len(typo))):
        return True
    return _RUNS.sub(r"\1", typo) == _RUNS.sub(r"\1", word)


_RUNS = re.compile(r"(.)\1+")


def doubled_letter_apart(a: str, b: str) -> bool:
    """The two differ by one doubled letter: a doubled letter typed once ("prefered") or one letter
    doubled ("untill"), the commonest slip, which a rare real word rarely mimics; between two names,
    or a listed word and its rival, one name's or word's other spelling ("Zelenskyy", "focusses")."""
    shorter, longer = sorted((a, b), key=len)
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[i] == longer[i + 1] and longer[:i] + longer[i + 1 :] == shorter for i in range(len(longer) - 1))


ENDING = 2  # a slip in a word's last letters, where another common word differs from it only there
ENDING_ZIPF = 3.0  # ("stronge": stronger or strong), is left to the context


def _spelt_ending(word: str, best: str) -> bool:
    """The writer spelt an ending, with one l too few or too many, and the best candidate is that
    ending spelt right: an adverb's "generaly" is "generally" (the word less its y, "general", is
    no rival reading for the context to weigh), an adjective's "powerfull" is "powerful" (not
    "powerfully")."""
    return (word.endswith("aly") and best == word[:-2] + "lly") or (word.endswith("full") and best == word[:-1])


def _common_prefix(a: str, b: str) -> int:
    size = 0
    while size < min(len(a), len(b)) and a[size] == b[size]:
        size += 1
    return size


GUESS_ZIPF = 2.5  # a correction rarer than this is a guess ("bandie" -> "bandied", "bipedally" -> "bipedal")
FAR_COST = 1.0  # beyond one slip, a correction must be common and the word long ("accomadate"), or very common ("hvea")
FAR_LENGTH, FAR_ZIPF, FAR_VERY_COMMON = 9, 3.5, 5.0


def plausible(typo: str, word: str, cost: float, language: str) -> bool:
    """Whether a careful editor would put `word` for `typo` without being told: a word common
    enough to be what was meant, and near enough for the rest of the word to say so ("wereng" is
    no more "wearing" than anything else; "milleniums" is not "millennium")."""
    frequency = zipf(word, language)
    if frequency < GUESS_ZIPF or not (word[0] == typo[0] or word[:2] == typo[1::-1]):
        return False  # rare, or another first letter: a typo rarely hits it but by a swap ("hte")
    if cost <= FAR_COST or frequency >= FAR_VERY_COMMON or (len(typo) >= FAR_LENGTH and frequency >= FAR_ZIPF):
        return True
    # "equivelant": a guess at how the word is spelt (asked last: the test reads the whole word)
    return len(typo) >= SOUNDED_LENGTH and frequency >= FAR_ZIPF and spelt_as_sounded(typo, word)


def short_guess(typo: str, word: str, cost: float, language: str) -> bool:
    """A short word a plain edit (not a swap, a doubled, dropped or neighbouring letter, a vowel)
    from anything but the commonest words: many words, names and loanwords are as near ("frere":
    free, "coden": code, "pyaza": plaza; "tghe": the, "anbd": and are fixed); or a letter for
    another, however near, from a word not among the common ones: dialect, Latin and jargon are
    spelt so ("bamp": bump, "habet": habit, "stown": shown, "dists": diets; "halp" is fixed)."""
    if len(typo) > SHORT_TYPO:
        return False
    target = zipf(word, language)
    return (cost >= FAR_COST and target < SHORT_TYPO_ZIPF) or (cost >= SHORT_CHANGE and target < SHORT_CHANGE_ZIPF)


SHORT_TYPO, SHORT_TYPO_ZIPF = 5, 6.0
SHORT_CHANGE, SHORT_CHANGE_ZIPF = NEIGHBOUR_KEY, 5.0  # a letter changed, towards a word rarer than "human"


def editor_would_put(typo: str, word: str, cost: float, language: str) -> bool:
    """`word` is a correction an editor would make for `typo` unasked: `plausible`, and no
    `short_guess`. Asked last wherever a word is corrected towards one of its candidates."""
    return plausible(typo, word, cost, language) and not short_guess(typo, word, cost, language)


def doubtful_split(word: str, split: morphology.Split, language: str, config: TyposConfig) -> bool:
    """Two words run together, or one misspelt? Either the word is a cheap slip of a common word
    ("afair": "a fair" or "affair"), or the split has no pair count behind it and the word is one
    slip of a word ("consentrated": "consent rated" or "concentrated")."""
    if common_word_by_a_slip(word, language):
        return True
    letter_first = len(split.first) == 1
    if split.pair_count and not letter_first:
        return False  # "a" pairs with almost any word: "agreen" is as likely "agreed", "amound" "amount"
    fix = nearest(word, language, config)
    return (
        fix is not None
        and not fix.doubtful
        and any(
            fix.costs[candidate] <= FAR_COST and plausible(word, candidate, fix.costs[candidate], language)
            for candidate, _ in fix.close
            if not (letter_first and candidate == split.second)  # "ahacker" is "a hacker" either way
        )
    )


def slip_not_two(word: str, split: morphology.Split | None, language: str, config: TyposConfig) -> bool:
    """One misspelt word rather than two run together: a cheap slip (a swap, a doubled or dropped
    letter) of a common word, or one slip of the only common word near a word wordfreq has never
    seen and splits nowhere, where no English word pair backs the two-word reading ("thsi": this,
    not "ths i"; "ammount": amount, not "am mount"; "addopted": adopted, not "add opted";
    "bedore": before, not "bed ore"). With a pair count ("afair": "a fair" or "affair") both
    readings stand, and the word is left alone; a split that is one slip of a word ("playher":
    "play her" or "player") too."""
    if language != "en" or (split is None and not two_words(word, language, config)):
        return False
    if common_word_by_a_slip(word, language) is None:
        if split is not None or zipf(word, language):
            return False
        fix = nearest(word, language, config)
        if fix is None or fix.word is None or fix.cost > FAR_COST or zipf(fix.word, language) < SLIP_ZIPF:
            return False
    if split is not None:
        return not split.pair_count
    pairs = wordlist.bigrams()
    return not any(f"{word[:cut]} {word[cut:]}" in pairs for cut in range(1, len(word)))


CHEAP_SLIP = 0.6  # a swap, or a letter doubled or left out
SLIP_ZIPF = 3.5


@functools.lru_cache(maxsize=1 << 16)
def common_word_by_a_slip(word: str, language: str) -> str | None:
    """A common word this one is a swap, a doubled or a dropped letter away from ("afair":
    affair; "diea": idea): then two words run together ("a fair", "die a") are only one reading."""
    for candidate, _, _ in wordlist.dictionary(language).candidates(word):
        if zipf(candidate, language) >= SLIP_ZIPF and typo_cost(word, candidate) <= CHEAP_SLIP:
            return candidate
    return None


# The document's spelling variety, from the words that differ between British and American English.
# (Three letters at least before "-our"/"-or": "four" and "for", "your" are no marks.)
_BRITISH_MARK = re.compile(
    r"\b(?:[a-z]+is(?:e|ed|es|ing|ation|ations)|[a-z]{3,}our(?:s|ed|ing|ite|ites|able)?|[a-z]+tres?)\b"
)
_AMERICAN_MARK = re.compile(
    r"\b(?:[a-z]+iz(?:e|ed|es|ing|ation|ations)|[a-z]{3,}or(?:s|ed|ing|ite|ites|able)?|[a-z]+ters?)\b"
)
_TO_BRITISH, _TO_AMERICAN = wordlist.TO_BRITISH, wordlist.TO_AMERICAN


def variety(text: str, language: str) -> str | None:
    """ "british" or "american" when the document's words that differ between them lean one way
    ("organised", "colour", "centre" against "organized", "color", "center"); else None."""
    if language != "en":
        return None
    british = sum(1 for word in _BRITISH_MARK.findall(text) if _twin(word, _TO_AMERICAN, language))
    american = sum(1 for word in _AMERICAN_MARK.findall(text) if _twin(word, _TO_BRITISH, language))
    if british > american:
        return "british"
    return "american" if american > british else None


def variety_of(typo: str, word: str, language: str) -> str | None:
    """The variety the misspelling itself is written in, when the word has a form in the other one
    and the misspelling is nearer it ("crticised": criticised, not criticized; "behavour": behaviour)."""
    if language != "en":
        return None
    for kind, patterns in (("british", _TO_BRITISH), ("american", _TO_AMERICAN)):
        twin = _twin(word, patterns, language)
        if twin and typo_cost(typo, twin) < typo_cost(typo, word):
            return kind
    return None


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

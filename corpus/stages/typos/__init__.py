"""Fix real misspellings ("imporved", "Soth Korea") and leave names, acronyms, jargon and British spellings alone.

A word is corrected only on evidence: a word no dictionary knows and the corpus does not
repeat, whose likeliest real word (how common it is, less how unlikely the slip) wins clearly, or
wins once the words around it are weighed ("the food processer reported" -> "processor"); a
word the lists barely know that both its neighbours reject ("are beng sold"); or a capitalised
word whose near twin is frequent in the corpus beside the same neighbour ("Soth Korea" ->
"South Korea"). Every correction is an edit whose detail holds the candidates and the evidence.
"""

from __future__ import annotations

import bisect
import functools
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from importlib.metadata import version

import orjson
import polars as pl
from wordfreq import zipf_frequency

from corpus import edits
from corpus.document import Document, Drop
from corpus.errors import ConfigError
from corpus.rules import RuleFile, check_rule_file, site_of
from corpus.stages.base import Stage
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.weights import typo_cost

STAGE = "typos"
SPELLING = "spelling"
IN_CONTEXT = "spelling_in_context"
FORCED = "forced"
SHORT_WORD, SHORT_WORD_COST, SHORT_WORD_ZIPF = 3, 0.6, 6.0  # "teh" -> "the": a swap from a word as common as "you"
SHORT_WORD_SEEN = 3.1  # ...unless English writes it often itself ("au jus": 3.15; "teh" is 3.04)
COMPOUND_PART_ZIPF = 2.0  # "opto" (2.1) is a prefix; "threee" (1.1), in "threee-for-two", a slip
MAX_SCORED = 12  # candidates per unknown word given the weighted cost

# A correctable token: letters only, lower case after the first letter (so no acronyms, no
# "iPhone"), not touching digits, @, #, /, dots inside (URLs, e-mail), hyphens or apostrophes
# but a possessive's ("the goverment's policies").
_TOKEN = re.compile(r"(?<![\w@#/\\.'’-])([A-Za-z][a-z]+)(?![\w@/\\-]|['’](?!s\b)|\.[A-Za-z0-9])")
# A lowercase compound's parts are words too ("a twpo-for-one split"); a capitalised one is a name
# ("Suk-yeol").
_COMPOUND = re.compile(r"(?<![\w@#/\\.'’-])[a-z]+(?:-[a-z]+)+(?![\w@/\\'’-]|\.[A-Za-z0-9])")
_PART = re.compile(r"[a-z]+")
_CODE_HINT = re.compile(r"[<=(\x1b]")
# Markup and code, never corrected: a tag, an attribute or assignment, a call, an escape sequence.
_CODE = re.compile(r"<[A-Za-z/!][^<>\n]*>|(?<!\w)\w+(?:\s*=\s*(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)|\([^()\n]*\))|\x1b[^\x07\n]*\x07?")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_NEIGHBOUR_BEFORE = re.compile(r"([A-Za-z]+)[ \t]+$")
_NEIGHBOUR_AFTER = re.compile(r"[ \t]+([A-Za-z]+)")
_VOWEL = re.compile(r"[aeiouy]")
_SPEECH_VERB_AFTER = re.compile(r",? (?:said|says|told|added|adds|stated|noted|wrote|asked)\b")
_INITIAL_BEFORE = re.compile(r"(?<![\w.])[A-Z]$")
_CLOSERS = "'\"”’)]"


@dataclass(frozen=True)
class TyposConfig:
    languages: tuple[str, ...] = ("en",)  # documents in these languages (pyspellchecker has a dozen)
    min_length: int = 4  # shorter words are left alone: "mln", "pct", "dlr" are jargon, not typos
    corpus_protects: int = 3  # a word form seen this many times in the input is a name or jargon
    cost_weight: float = 5.0  # a weighted edit costs as much as this many powers of ten of word frequency
    margin: float = 1.0  # out of context, the best candidate's score must lead the next one's by this
    max_cost: float = 2.0  # candidates farther than this (weighted edits) are never taken
    pair_min: int = 1  # "Soth Korea": the twin "South Korea" must occur at least this often
    common_zipf: float = 3.3  # wordfreq's frequency above which a word is real though pyspellchecker lacks it
    # ("tech" 4.7, "startup" 3.8); common misspellings stay below ("teh" 3.0, "thier" 3.0)
    context_margin: float = 1.0  # tied candidates: the winner's neighbour pairs must be this many
    # powers of ten more frequent than the runner-up's
    rare_zipf: float = 1.0  # a word wordfreq sees this often is real...
    rare_gap: float = 2.0  # ...unless its correction is this much more frequent ("recieve" 2.75, "receive" 5.0)
    # or a doubled letter away ("prefered")
    suspect_zipf: float = 2.5  # a listed word rarer than this in wordfreq...
    suspect_count: int = 50  # ...and in pyspellchecker's counts may be a typo, if its neighbours say so
    suspect_cost: float = 0.8  # ...of a word at most this far
    suspect_margin: float = 2.0  # ...that its neighbours prefer by this much (log10)
    sentence_start_cost: float = 0.6  # a capitalised word opening a sentence may be a name: beyond one
    # cheap slip (a swap, a doubled or dropped letter), its correction must also pair with the next word

    def __post_init__(self) -> None:
        unknown = sorted(set(self.languages) - wordlist.languages())
        if unknown:
            raise ValueError(f"languages {unknown} have no dictionary; use some of {sorted(wordlist.languages())}")


@dataclass
class Vocabulary:
    """The first pass: word forms, the pairs capitalised words make with their neighbours, and what
    each unknown word would be corrected to out of context (worked out in the workers, for
    `unknown_words.parquet`, and kept in their caches for the next pass)."""

    forms: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    corrections: dict[tuple[str, str], str | None] = field(default_factory=dict)  # (form, language) ->


class TyposStage(Stage):
    name = STAGE
    config_class = TyposConfig
    needs_fit = True

    def __init__(self, config: TyposConfig, rules: Sequence[RuleFile] = ()) -> None:
        super().__init__(config, rules)
        self._word_rules = []  # (site table or None for everywhere, protect set, corrections)
        for file in rules:
            checked = check_rule_file(file)
            if checked.typos is None:
                continue
            for wrong, right in checked.typos.correct:
                if not right.strip():
                    raise ConfigError(str(file.path), f"[typos] correct: {wrong!r} has an empty correction")
            protect = frozenset(word.casefold() for word in checked.typos.protect)
            self._word_rules.append((checked.site, protect, dict(checked.typos.correct)))
        self._protected_everywhere = frozenset().union(*(p for table, p, _ in self._word_rules if table is None))

    def _caches(self, fitted: Vocabulary) -> dict[str, dict]:
        """Per merged vocabulary: frequent capitalised forms by first letter, and per language the
        tokens known whatever their context."""
        if getattr(self, "_cached_for", None) is not fitted:
            by_letter: dict[str, list[str]] = {}
            for form, count in fitted.forms.items():
                if count >= self.config.corpus_protects and form[:1].isupper() and form[1:].islower():
                    by_letter.setdefault(form[0], []).append(form)
            self._cached_for = fitted
            self._cache: dict[str, dict] = {"capitalised": by_letter, "plain": {}}
        return self._cache

    def fit(self, docs: Sequence[Document]) -> Vocabulary:
        vocabulary = Vocabulary()
        for doc in docs:
            if doc.language not in self.config.languages:
                continue
            tokens = _WORD.findall(doc.text)
            vocabulary.forms.update(tokens)
            vocabulary.pairs.update(
                (first, second) for first, second in zip(tokens, tokens[1:]) if first[0].isupper() or second[0].isupper()
            )
            for form in set(tokens):
                lower = form.lower()
                if ((form, doc.language) not in vocabulary.corrections and len(form) >= self.config.min_length
                        and _TOKEN.fullmatch(form) and lower not in self._protected_everywhere
                        and not _known(lower, doc.language, self.config)):
                    # A capitalised word is corrected only in context (a corpus twin, a sentence's start).
                    fix = _nearest(lower, doc.language, self.config) if form.islower() else None
                    vocabulary.corrections[form, doc.language] = fix.word if fix else None
        return vocabulary

    def merge(self, partials: Sequence[Vocabulary]) -> Vocabulary:
        merged = Vocabulary()
        for partial in partials:
            merged.forms.update(partial.forms)
            merged.pairs.update(partial.pairs)
            merged.corrections.update(partial.corrections)
        return merged

    def tables(self, fitted: Vocabulary) -> dict[str, pl.DataFrame]:
        """unknown_words.parquet: words no dictionary knows, how often the input has them, and the
        correction the stage would make out of context (null: left alone, protect or correct it)."""
        rows = [(form, language, fitted.forms[form], None if _recurs(form.lower(), fitted, self.config) else fix)
                for (form, language), fix in fitted.corrections.items()]
        frame = pl.DataFrame(rows, schema={"word": pl.String, "language": pl.String, "count": pl.Int64,
                                           "correction": pl.String}, orient="row")
        return {"unknown_words.parquet": frame.sort(["count", "word"], descending=[True, False])}

    def apply(self, doc: Document, fitted: Vocabulary | None = None) -> Document | Drop:
        assert fitted is not None, "the runner passes the corpus vocabulary"
        if doc.language not in self.config.languages:
            return doc
        checker = Checker(self, fitted, doc.language, site_of(doc), doc.text)
        spans = []
        # Most words are known whatever their context, and were settled on an earlier document.
        for start, end, in_compound in _tokens(doc.text, checker.plain, checker.forced):
            token = doc.text[start:end]
            if in_compound and zipf_frequency(token, doc.language) >= COMPOUND_PART_ZIPF:
                continue  # a part of a compound that English knows ("opto-electronic")
            if end - start < self.config.min_length:
                decision = checker.decide_short(token, doc.text, start, end)
            else:
                decision = checker.decide(token, doc.text, start, end,
                                          token[0].isupper() and _at_sentence_start(doc.text, start))
            if decision:
                after, rule, detail = decision
                spans.append((start, end, after, rule, orjson.dumps(detail).decode()))
        edits.apply_labelled_spans(doc, spans, stage=STAGE)
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {name: version(name) for name in ("pyspellchecker", "wordfreq", "rapidfuzz", "symspellpy")}


class Checker:
    """The decisions for one document (its site's protected words and forced corrections)."""

    def __init__(self, stage: TyposStage, vocabulary: Vocabulary, language: str,
                 site: str | None = None, text: str = "") -> None:
        self.config = stage.config
        self.vocabulary = vocabulary
        self.dictionary = wordlist.dictionary(language)
        self.language = language
        self.cache = stage._caches(vocabulary)
        self.plain: set[str] = self.cache["plain"].setdefault(language, set())  # tokens known whatever their context
        self.protect: set[str] = set()
        self.forced: dict[str, str] = {}
        for table, protect, corrections in stage._word_rules:
            if table is None or table.matches(site, text):
                self.protect |= protect
                self.forced.update(corrections)

    def known(self, word: str) -> bool:
        return word in self.protect or _known(word, self.language, self.config)

    def decide(self, token: str, text: str, start: int, end: int, at_start: bool) -> tuple[str, str, dict] | None:
        if token in self.forced:
            return self.forced[token], FORCED, {"rule_file": True}
        lower = token.lower()
        if token.casefold() in self.protect or not _VOWEL.search(lower):
            return None  # protected, or an abbreviation ("mths", "cwts")
        if self.known(lower):
            if token.islower() and self.dictionary.frequency.get(lower, 0) <= self.config.suspect_count:
                return self.rare_word_in_context(lower, text, start, end)
            if lower not in self.protect:  # known for every site, not by a site's protect list
                self.plain.add(token)
            return None
        if token[0].isupper():
            twin = self.in_context(token, text, start, end)
            if twin or not at_start or _SPEECH_VERB_AFTER.match(text, end):
                return twin  # "Stepp said": a name
        fix = self.lowercase_fix(lower)
        if fix is None or (fix.rare_word and token[0].isupper()):
            return None  # "Banque" opening a sentence is not "Banquet"
        word, rule, detail = fix.word, SPELLING, fix.detail
        # A capitalised word opening a sentence may be a name ("Nacco Industries"): beyond one cheap
        # slip (a swap, a doubled or dropped letter), its correction must also fit the next word.
        name_like = token[0].isupper() and fix.cost > self.config.sentence_start_cost
        if word is None or name_like:
            word, evidence = self.by_neighbours(fix.close, text, start, end)
            rule, detail = IN_CONTEXT, {**fix.detail, **evidence}
        if word is None:
            return None
        return (word.capitalize() if token[0].isupper() else word), rule, detail

    def decide_short(self, token: str, text: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A lowercase word shorter than `min_length` is jargon ("mln", "pct") unless it is one cheap
        slip from one of the commonest words ("teh", "adn", "nto")."""
        if (len(token) < SHORT_WORD or not token.islower() or token in self.protect or self.known(token)
                or zipf_frequency(token, self.language) >= SHORT_WORD_SEEN):
            return None
        fix = self.lowercase_fix(token)
        if not fix or not fix.word or fix.cost > SHORT_WORD_COST or zipf_frequency(fix.word, self.language) < SHORT_WORD_ZIPF:
            return None
        return fix.word, SPELLING, fix.detail

    def rare_word_in_context(self, word: str, text: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A word the lists know but barely ("beng", "withing", "soem") is a typo only when a far
        more common word one slip away fits both its neighbours and it does not."""
        config = self.config
        seen = zipf_frequency(word, self.language)
        if seen >= config.suspect_zipf or self.vocabulary.forms[word] >= config.corpus_protects:
            return None
        fix = self.lowercase_fix(word)
        if fix is None or fix.cost > config.suspect_cost:
            return None
        chosen, evidence = self.by_neighbours(((word, seen), *fix.close), text, start, end, config.suspect_margin)
        if chosen is None or chosen == word or len(evidence["neighbours"]) < 2 or not all(evidence["pair_counts"][chosen]):
            return None  # both neighbours must pair with the twin: "are beng sold", not "Malaysian refiner and"
        return chosen, IN_CONTEXT, {**fix.detail, **evidence, "known_word": True}

    def lowercase_fix(self, word: str) -> Fix | None:
        """What a lowercase word is a typo of, unless it recurs in the corpus: a name or jargon ("dlrs")."""
        return None if _recurs(word, self.vocabulary, self.config) else _nearest(word, self.language, self.config)

    def by_neighbours(self, close: Sequence[tuple[str, float]], text: str, start: int, end: int,
                      margin: float | None = None) -> tuple[str | None, dict]:
        """Close candidates told apart by the words around them ("farmers have sould a" -> "sold"):
        each one's score plus how often, in powers of ten, it follows the word before and precedes
        the word after in English (symspellpy's counts of frequent pairs).

        (Measured on the benchmark: scoring a pair missing from that list as its rarest entry, in a
        textbook bigram channel, restored 2 points fewer typos than counting it as never seen.)"""
        if self.language != "en":
            return None, {}
        left = _NEIGHBOUR_BEFORE.search(text, max(0, start - 30), start)
        right = _NEIGHBOUR_AFTER.match(text, end)
        keys = [(lambda c, w=left.group(1).lower(): f"{w} {c}")] if left else []
        keys += [(lambda c, w=right.group(1).lower(): f"{c} {w}")] if right else []
        pairs = wordlist.bigrams()
        counts = {candidate: [pairs.get(key(candidate), 0) for key in keys] for candidate, _ in close}
        scores = sorted(((score + sum(math.log10(1 + n) for n in counts[candidate]), candidate) for candidate, score in close),
                        key=lambda entry: (-entry[0], entry[1]))
        best, second = scores[0], scores[1][0] if len(scores) > 1 else -math.inf
        evidence = {"neighbours": [key("_") for key in keys], "pair_counts": counts}
        if best[0] - second >= (self.config.context_margin if margin is None else margin) and any(counts[best[1]]):
            return best[1], evidence
        return None, evidence

    def in_context(self, token: str, text: str, start: int, end: int) -> tuple[str, str, dict] | None:
        """A capitalised word is changed only to a frequent twin seen with the same neighbour."""
        if self.vocabulary.forms[token] >= self.config.corpus_protects:
            return None
        before = _WORD.findall(text[max(0, start - 40) : start])
        after = _WORD.findall(text[end : end + 40])
        # Only a capitalised neighbour is evidence: "Soth Korea", "U.S. Preident"; "Pont said" is not.
        neighbours = [(before[-1], None)] if before and before[-1][0].isupper() else []
        neighbours += [(None, after[0])] if after and after[0][0].isupper() else []
        best: tuple[int, str, str] | None = None
        for twin in wordlist.near(token, self._capitalised_forms(token)):
            for left, right in neighbours:
                pair = (left, twin) if left else (twin, right)
                count = self.vocabulary.pairs[pair]
                if count >= self.config.pair_min and (best is None or count > best[0]):
                    best = (count, twin, " ".join(pair))
        if best is None:
            return None
        count, twin, pair = best
        return twin, IN_CONTEXT, {"pair": pair, "pair_count": count, "twin_count": self.vocabulary.forms[twin]}

    def _capitalised_forms(self, token: str) -> list[str]:
        """Frequent capitalised forms of about the same length (a typo rarely hits the first letter)."""
        return [form for form in self.cache["capitalised"].get(token[0], ()) if abs(len(form) - len(token)) <= 1]


@dataclass(frozen=True)
class Fix:
    """What a lowercase word may be a typo of: the nearest candidates, best first, and whether the
    best wins alone or only its neighbours can tell them apart."""

    close: tuple[tuple[str, float], ...]  # (candidate, noisy-channel score) within `margin` of the best
    cost: float  # the best candidate's weighted edits
    detail: dict
    rare_word: bool = False  # wordfreq has seen the word: only its lowercase form is taken as a slip ("prefered")

    @property
    def word(self) -> str | None:
        return self.close[0][0] if len(self.close) == 1 else None


def _recurs(word: str, vocabulary: Vocabulary, config: TyposConfig) -> bool:
    return vocabulary.forms[word] + vocabulary.forms[word.capitalize()] >= config.corpus_protects


@functools.lru_cache(maxsize=1 << 17)
def _known(word: str, language: str, config: TyposConfig) -> bool:
    """In the dictionary, or common in wordfreq; per process, whatever the corpus."""
    return wordlist.dictionary(language).knows(word) or zipf_frequency(word, language) >= config.common_zipf


@functools.lru_cache(maxsize=1 << 17)
def _nearest(word: str, language: str, config: TyposConfig) -> Fix | None:
    """The dictionary word a lowercase unknown word is a typo of, when one wins clearly; else the
    few that come close, for its neighbours to decide. Whatever the corpus, so cached per process:
    the first pass works it out for `unknown_words.parquet`, and the next pass finds it cached.

    Candidates are ranked as a noisy channel: how common the word is (wordfreq's zipf, a log10
    scale; it restored more typos than pyspellchecker's counts) less `cost_weight` per weighted
    edit, so "frome" is "from" (one plain edit, very common) rather than "forme" (a cheap swap, rare)."""
    # The weighted cost of d edits is at least d / 2, so this bounds each score from above: only the
    # most promising candidates get the (slow, pure Python) weighted cost.
    promising = sorted(wordlist.dictionary(language).candidates(word),
                       key=lambda c: -(zipf_frequency(c[0], language) - config.cost_weight * c[1] / 2))[:MAX_SCORED]
    scored = sorted(
        (zipf_frequency(candidate, language) - config.cost_weight * cost, cost, candidate)
        for candidate, _, _ in promising
        if (cost := typo_cost(word, candidate)) <= config.max_cost
    )[::-1]
    if not scored:
        return None
    score, cost, best = scored[0]
    seen = zipf_frequency(word, language)
    rare = seen >= config.rare_zipf and zipf_frequency(best, language) - seen < config.rare_gap
    if rare and not _one_letter_undoubled(word, best):
        return None  # a rare real word ("subsea", "statins", "sulphate"), not a misspelling of a common one
    candidates = [[candidate, round(cost_, 2), round(zipf, 2)] for zipf, cost_, candidate in
                  ((score_ + config.cost_weight * cost_, cost_, candidate) for score_, cost_, candidate in scored[:4])]
    close = tuple((candidate, score_) for score_, _, candidate in scored[:6] if score - score_ < config.margin)
    return Fix(close, cost, {"candidates": candidates}, rare)


def _one_letter_undoubled(typo: str, word: str) -> bool:
    """The typo is the word with one doubled letter typed once ("prefered") or one letter doubled
    ("untill"): the commonest slip, which a rare real word rarely mimics."""
    shorter, longer = sorted((typo, word), key=len)
    if len(longer) != len(shorter) + 1:
        return False
    return any(longer[i] == longer[i + 1] and longer[:i] + longer[i + 1:] == shorter for i in range(len(longer) - 1))


def _tokens(text: str, settled: set[str], forced: dict[str, str]) -> list[tuple[int, int, bool]]:
    """(start, end, part of a compound) of every word to decide, in text order: plain words and the
    parts of lowercase compounds, but those already `settled` (unless `forced`) and those inside
    markup or code (`<img onerror=...>`, `alert("pwned")`)."""
    found = [(*match.span(1), False) for match in _TOKEN.finditer(text)
             if match.group(1) not in settled or match.group(1) in forced]
    if "-" in text:
        found += [(match.start() + part.start(), match.start() + part.end(), True)
                  for match in _COMPOUND.finditer(text) for part in _PART.finditer(match.group())
                  if part.group() not in settled or part.group() in forced]
        found.sort()
    if not _CODE_HINT.search(text):
        return found
    code = [match.span() for match in _CODE.finditer(text)]
    starts = [first for first, _ in code]
    return [(start, end, part) for start, end, part in found
            if (at := bisect.bisect_right(starts, start) - 1) < 0 or start >= code[at][1]]


def _at_sentence_start(text: str, start: int) -> bool:
    """Only spaces (or a line break) between the word and the start, or the end of a sentence."""
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    if index < 0 or text[index] == "\n":
        return True
    while index >= 0 and text[index] in _CLOSERS:
        index -= 1
    if index >= 0 and text[index] == "." and _INITIAL_BEFORE.search(text, max(0, index - 3), index):
        return False  # "Charles F. Barbar": an initial, not a sentence's end
    return index >= 0 and text[index] in ".!?" and index < start - 1

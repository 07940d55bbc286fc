"""Fix real misspellings ("imporved", "Soth Korea") and leave names, acronyms, jargon and British spellings alone.

A word is corrected only on evidence: a lowercase word that no dictionary knows and the corpus
does not repeat, whose nearest real word wins clearly; or a capitalised word whose near twin is
frequent in the corpus beside the same neighbour ("Soth Korea" -> "South Korea"). Every
correction is an edit whose detail holds the candidates and the evidence.
"""

from __future__ import annotations

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

# A correctable token: letters only, lower case after the first letter (so no acronyms, no
# "iPhone"), not touching digits, @, #, /, dots inside (URLs, e-mail), hyphens or apostrophes.
_TOKEN = re.compile(r"(?<![\w@#/\\.'’-])([A-Za-z][a-z]+)(?![\w@/\\'’-]|\.[A-Za-z0-9])")
_WORD = re.compile(r"[A-Za-z][\w'’.-]*")
_CLOSERS = "'\"”’)]"


@dataclass(frozen=True)
class TyposConfig:
    languages: tuple[str, ...] = ("en",)  # documents in these languages (pyspellchecker has a dozen)
    min_length: int = 4  # shorter words are left alone: "mln", "pct", "dlr" are jargon, not typos
    corpus_protects: int = 3  # a word form seen this many times in the input is a name or jargon
    margin: float = 0.35  # the best candidate must be this much cheaper than the next one...
    frequency_ratio: float = 10.0  # ...or, as cheap, this many times more frequent
    max_cost: float = 1.6  # candidates farther than this (weighted edits) are never taken
    pair_min: int = 1  # "Soth Korea": the twin "South Korea" must occur at least this often
    common_zipf: float = 3.3  # wordfreq's frequency above which a word is real though pyspellchecker lacks it
    # ("tech" 4.7, "startup" 3.8); common misspellings stay below ("teh" 3.0, "thier" 3.0)
    sentence_start_cost: float = 0.6  # a capitalised word opening a sentence may be a name: only a swap or
    # a doubled letter corrects it ("Rahm" is not "Ram")

    def __post_init__(self) -> None:
        unknown = sorted(set(self.languages) - wordlist.languages())
        if unknown:
            raise ValueError(f"languages {unknown} have no dictionary; use some of {sorted(wordlist.languages())}")


@dataclass
class Vocabulary:
    """The first pass: word forms and the pairs capitalised words make with their neighbours."""

    forms: Counter[str] = field(default_factory=Counter)
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)


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

    def _caches(self, fitted: Vocabulary) -> dict[str, dict]:
        """Per merged vocabulary: decisions per word, and frequent capitalised forms by first letter."""
        if getattr(self, "_cached_for", None) is not fitted:
            by_letter: dict[str, list[str]] = {}
            for form, count in fitted.forms.items():
                if count >= self.config.corpus_protects and form[:1].isupper() and form[1:].islower():
                    by_letter.setdefault(form[0], []).append(form)
            self._cached_for = fitted
            self._cache: dict[str, dict] = {"capitalised": by_letter, "known": {}, "fix": {}}
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
        return vocabulary

    def merge(self, partials: Sequence[Vocabulary]) -> Vocabulary:
        merged = Vocabulary()
        for partial in partials:
            merged.forms.update(partial.forms)
            merged.pairs.update(partial.pairs)
        return merged

    def tables(self, fitted: Vocabulary) -> dict[str, pl.DataFrame]:
        """unknown_words.parquet: words no dictionary knows, how often the input has them, and the
        correction the stage would make out of context (null: left alone, protect or correct it)."""
        rows = []
        for language in self.config.languages:
            checker = Checker(self, fitted, language)
            for form, count in fitted.forms.items():
                if _TOKEN.fullmatch(form) and len(form) >= self.config.min_length and not checker.known(form.lower()):
                    fix = checker.lowercase_fix(form.lower())
                    rows.append((form, language, count, fix[0] if fix else None))
        frame = pl.DataFrame(rows, schema={"word": pl.String, "language": pl.String, "count": pl.Int64,
                                           "correction": pl.String}, orient="row")
        return {"unknown_words.parquet": frame.sort(["count", "word"], descending=[True, False])}

    def apply(self, doc: Document, fitted: Vocabulary | None = None) -> Document | Drop:
        assert fitted is not None, "the runner passes the corpus vocabulary"
        if doc.language not in self.config.languages:
            return doc
        checker = Checker(self, fitted, doc.language, site_of(doc), doc.text)
        spans = []
        for match in _TOKEN.finditer(doc.text):
            token = match.group(1)
            if len(token) < self.config.min_length:
                continue
            at_start = _at_sentence_start(doc.text, match.start())
            decision = checker.decide(token, doc.text, match.start(), match.end(), at_start)
            if decision:
                after, rule, detail = decision
                spans.append((match.start(), match.end(), after, rule, orjson.dumps(detail).decode()))
        edits.apply_labelled_spans(doc, spans, stage=STAGE)
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"pyspellchecker": wordlist.pyspellchecker_version(), "wordfreq": version("wordfreq")}


class Checker:
    """The decisions for one document (its site's protected words and forced corrections)."""

    def __init__(self, stage: TyposStage, vocabulary: Vocabulary, language: str,
                 site: str | None = None, text: str = "") -> None:
        self.config = stage.config
        self.vocabulary = vocabulary
        self.dictionary = wordlist.dictionary(language)
        self.language = language
        self.cache = stage._caches(vocabulary)
        self.protect: set[str] = set()
        self.forced: dict[str, str] = {}
        for table, protect, corrections in stage._word_rules:
            if table is None or table.matches(site, text):
                self.protect |= protect
                self.forced.update(corrections)

    def known(self, word: str) -> bool:
        if word in self.protect:
            return True
        known = self.cache["known"].get((word, self.language))
        if known is None:
            known = self.dictionary.knows(word) or zipf_frequency(word, self.language) >= self.config.common_zipf
            self.cache["known"][word, self.language] = known
        return known

    def decide(self, token: str, text: str, start: int, end: int, at_start: bool) -> tuple[str, str, dict] | None:
        if token in self.forced:
            return self.forced[token], FORCED, {"rule_file": True}
        lower = token.lower()
        if self.known(lower) or token.casefold() in self.protect:
            return None
        if token[0].islower() or at_start:
            fix = self.lowercase_fix(lower)
            if fix and token[0].isupper() and fix[1]["candidates"][0][1] > self.config.sentence_start_cost:
                fix = None
            if fix:
                word, detail = fix
                return (word.capitalize() if token[0].isupper() else word), SPELLING, detail
        if token[0].isupper():
            return self.in_context(token, text, start, end)
        return None

    def lowercase_fix(self, word: str) -> tuple[str, dict] | None:
        key = (word, self.language)
        if key not in self.cache["fix"]:
            self.cache["fix"][key] = _lowercase_fix(self, word)
        return self.cache["fix"][key]

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


def _lowercase_fix(checker: Checker, word: str) -> tuple[str, dict] | None:
    """The dictionary word a lowercase unknown word is a typo of, when one wins clearly."""
    config = checker.config
    forms = checker.vocabulary.forms
    if forms[word] + forms[word.capitalize()] >= config.corpus_protects:
        return None  # recurring in the corpus: a name or jargon ("dlrs")
    scored = sorted(
        ((typo_cost(word, candidate), -frequency, candidate) for candidate, _, frequency in checker.dictionary.candidates(word)),
    )
    scored = [entry for entry in scored if entry[0] <= config.max_cost]
    if not scored:
        return None
    cost, negative_frequency, best = scored[0]
    if len(scored) > 1:
        next_cost, next_negative_frequency, _ = scored[1]
        more_frequent = -negative_frequency >= config.frequency_ratio * -next_negative_frequency
        if next_cost - cost < config.margin and not more_frequent:
            return None
    candidates = [[candidate, round(cost_, 2), -frequency] for cost_, frequency, candidate in scored[:3]]
    return best, {"candidates": candidates}


def _at_sentence_start(text: str, start: int) -> bool:
    """Only spaces (or a line break) between the word and the start, or the end of a sentence."""
    index = start - 1
    while index >= 0 and text[index] in " \t":
        index -= 1
    if index < 0 or text[index] == "\n":
        return True
    while index >= 0 and text[index] in _CLOSERS:
        index -= 1
    return index >= 0 and text[index] in ".!?" and index < start - 1

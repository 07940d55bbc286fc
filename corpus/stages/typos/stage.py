"""Fix real misspellings ("imporved", "Soth Korea") and split words run together ("eitherin");
leave names, acronyms, jargon, loanwords, British spellings and text in other languages alone.

Precision comes first: a word is changed only where a careful editor would change it, and is
otherwise listed in `unknown_words.parquet`. A word is real when a dictionary lists it, wordfreq
has seen it (unless it is one cheap slip from a word far more common: "recieve"), English makes it
from known words ("understaffing", "backglass"), or the corpus repeats it. A misspelling is
corrected when its likeliest real word (how common it is, less how unlikely the slip) wins
clearly, or wins once the words around it are weighed ("the food processer reported" ->
"processor"), in the document's spelling variety ("organise" where the document writes "-ise");
a word the lists barely know only when both its neighbours reject it ("are beng sold"); a
capitalised word only towards a common word the corpus writes beside the same neighbour ("Soth
Korea" -> "South Korea"). Nothing is corrected in a document whose language is uncertain, in a
span that is not English, or in a word quoted as a word. Every change is an edit whose detail
holds the candidates and the evidence.
"""

from __future__ import annotations

import dataclasses
from collections import Counter, OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version
from typing import Any

import orjson

from corpus import edits
from corpus.document import Document, Drop
from corpus.rules import NO_RULES, RuleSet, site_of
from corpus.stages.base import Stage
from corpus.stages.typos import forms, morphology, spelling, vocabulary
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.checker import (
    FORCED,
    IN_CONTEXT,
    SPELLING,
    SPLIT,
    Checker,
    at_sentence_start,
    capitalised_neighbours,
)
from corpus.stages.typos.tokens import LETTERS, TOKEN, WORD, occurrences, to_decide
from corpus.stages.typos.vocabulary import Counts, Rows

STAGE = "typos"
SETTLED_MAX = 200_000  # tokens remembered as known per process and language (then forgotten, oldest first)
FORMS_MAX = 200_000  # word forms whose first-pass rows are remembered per process (then all forgotten)


@dataclass(frozen=True)
class TyposConfig:
    languages: tuple[str, ...] = ("en",)  # documents in these languages (pyspellchecker has a dozen)
    min_language_score: float = 0.9  # below this language_score the document may not be in its language: left alone
    min_length: int = 4  # shorter words are left alone: "mln", "pct", "dlr" are jargon, not typos
    corpus_protects: int = 3  # a word form seen this many times in the input is a name or jargon
    cost_weight: float = 5.0  # a weighted edit costs as much as this many powers of ten of word frequency
    margin: float = 1.0  # out of context, the best candidate's score must lead the next one's by this
    max_cost: float = 1.5  # candidates farther than this (weighted edits) are never taken
    pair_min: int = 1  # "Soth Korea": the twin "South Korea" must occur at least this often
    common_zipf: float = 3.3  # wordfreq's frequency above which a word is real though pyspellchecker lacks it
    # ("tech" 4.7, "startup" 3.8); common misspellings stay below ("teh" 3.0, "thier" 3.0)
    context_margin: float = 1.0  # tied candidates: the winner's neighbour pairs must be this many
    # powers of ten more frequent than the runner-up's
    seen_zipf: float = 1.0  # a word wordfreq sees this often is real ("frunk" 1.1, "umami" 2.4)...
    seen_max_cost: float = 0.8  # ...unless its correction is one cheap slip away (a swap, a doubled,
    # dropped or neighbouring letter, one vowel for another: "recieve", "jewerly")...
    rare_gap: float = 2.5  # ...and this much more frequent ("jewerly" 1.3, "jewelry" 4.1)...
    doubt_gap: float = 1.5  # ...or this much, when both its neighbours pair with the correction and not
    # with it ("it recieved funding": 2.75 and 5.16; "a guage of"); "an rsync cron job" stays (2.5, 4.6)...
    seen_far_gap: float = 2.5  # ...or one slip away and this much more frequent ("whith" 1.9, "with" 7.4)
    foreign_zipf: float = 3.5  # a word this frequent in another language and rare in English is foreign ("etapas")
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
        if self.pair_min < 1:
            raise ValueError(
                "pair_min must be at least 1 (a twin never written beside the word is no evidence), "
                f"not {self.pair_min}"
            )

    def __hash__(self) -> int:
        """Hashed once: the per-word caches key on the config, a million times a run."""
        cached = self.__dict__.get("_hash")
        if cached is None:
            cached = hash(tuple(getattr(self, field.name) for field in dataclasses.fields(self)))
            object.__setattr__(self, "_hash", cached)
        return cached

    def __getstate__(self) -> dict[str, Any]:
        return {name: value for name, value in self.__dict__.items() if name != "_hash"}  # per process


class TyposStage(Stage):
    name = STAGE
    config_class = TyposConfig
    rule_ids = (SPELLING, IN_CONTEXT, SPLIT, FORCED)
    needs_fit = True
    fit_tables = vocabulary.FIT_TABLES

    def __init__(self, config: TyposConfig, rules: RuleSet = NO_RULES) -> None:
        super().__init__(config, rules)
        self.word_rules = []  # (site table or None for everywhere, protect set, corrections)
        for file in rules.files:
            if file.typos is not None:  # corrections are never empty: the rule files' schema says so
                protect = frozenset(word.casefold() for word in file.typos.protect)
                self.word_rules.append((file.site, protect, dict(file.typos.correct)))
        self._protected_everywhere = frozenset().union(*(p for table, p, _ in self.word_rules if table is None))
        self._settled: dict[str, _BoundedSet] = {}
        self._forms: dict[tuple[str, str], Any] = {}  # (form, language) -> what the first pass records

    def settled(self, language: str) -> _BoundedSet:
        """Tokens known whatever their context, remembered per process so the next document skips them."""
        return self._settled.setdefault(language, _BoundedSet(SETTLED_MAX))

    def fit(self, docs: Sequence[Document]) -> dict[str, dict[str, list[Any]]]:
        """The batch's rows of the first pass (see corpus/stages/typos/vocabulary.py)."""
        rows = Rows()
        for index, doc in enumerate(docs):
            if not self._checks(doc):
                continue
            assert doc.language is not None  # _checks: one of config.languages
            tokens = WORD.findall(doc.text)
            capitals: set[str] = set()
            twins: set[str] = set()
            names: list[str] = []  # capitalised words that ask for counts: their neighbours are wanted too
            asked_before = self._forms  # looked up here first: a call per token is a tenth of the pass
            for form, count in Counter(tokens).items():
                if form[0].isupper():
                    capitals.add(form)
                form_key = (form, doc.language)
                asked = asked_before[form_key] if form_key in asked_before else self._asked(form, doc.language)
                if asked is None:
                    continue
                counted, twin, wanted, capitalised, unknown = asked
                if counted:
                    rows.count(rows.forms, form, index, count)
                if twin:
                    twins.add(form)
                for key in wanted:
                    rows.wanted.setdefault(key, index)
                names += capitalised
                if unknown and (form, doc.language) not in rows.unknown:
                    rows.unknown[form, doc.language] = (index, self._out_of_context(form, doc.language))
            if twins:
                for first, second in zip(tokens, tokens[1:]):
                    if first in capitals and second in capitals and (first in twins or second in twins):
                        rows.count(rows.pairs, (first, second), index)
            for name in names:
                for start in occurrences(doc.text, name):
                    for before, after in capitalised_neighbours(doc.text, start, start + len(name)):
                        rows.beside.setdefault((name, before, after), index)
        return rows.columns()

    def _asked(self, form: str, language: str) -> tuple[bool, bool, tuple[str, ...], tuple[str, ...], bool] | None:
        """What the first pass records of a word form, whatever its document (cached per process):
        whether it is counted, whether it is a possible twin, the forms whose counts its runs of
        letters want, those runs that are capitalised words, and whether it is an unknown word;
        None when nothing."""
        key = (form, language)
        if key in self._forms:
            return self._forms[key]
        config = self.config
        wanted: list[str] = []
        capitalised: list[str] = []
        for run in (form,) if form.isalpha() else LETTERS.findall(form):
            if forms.wanted(run, language, config):
                lower = run.lower()
                wanted += (run, lower, lower.capitalize())
                if not run.islower() and len(run) >= config.min_length:
                    capitalised.append(run)
        lower = form.lower()
        unknown = (
            len(form) >= config.min_length
            and TOKEN.fullmatch(form) is not None
            and lower not in self._protected_everywhere
            and not spelling.known(lower, language, config)
        )
        found = (forms.counted(form, config), forms.twin_like(form, config), tuple(wanted), tuple(capitalised), unknown)
        if len(self._forms) >= FORMS_MAX:
            self._forms.clear()
        self._forms[key] = found if any(found) else None
        return self._forms[key]

    def _out_of_context(self, form: str, language: str) -> str | None:
        """What a lowercase unknown word becomes out of context (a capitalised one is corrected only in
        context: a corpus twin, a sentence's start); None for a word English makes ("understaffing")."""
        lower = form.lower()
        if not form.islower():
            return None
        split = spelling.run_together(lower, language, self.config)
        slip = spelling.slip_not_two(lower, split, language, self.config)
        split = None if slip else split
        if split is not None and spelling.doubtful_split(lower, split, language, self.config):
            return None  # "afair": "a fair" or "affair"
        derived = spelling.made_by_english(lower, language, self.config)
        if split is not None and (morphology.plainly_two(split) or not derived):
            return split.text
        if derived or (not slip and spelling.two_words(lower, language, self.config)):
            return None
        fix = spelling.nearest(lower, language, self.config)
        if fix is None or fix.word is None or not spelling.editor_would_put(lower, fix.word, fix.cost, language):
            return None
        return fix.word

    def aggregate(self, store: Any) -> None:
        vocabulary.aggregate(store, corpus_protects=self.config.corpus_protects, pair_min=self.config.pair_min)

    def batch_state(self, lookups: dict[str, list[Any]]) -> Counts:
        return vocabulary.batch_counts(lookups)

    def _checks(self, doc: Document) -> bool:
        """In a language the stage corrects, and surely so."""
        return doc.language in self.config.languages and (
            doc.language_score is None or doc.language_score >= self.config.min_language_score
        )

    def apply(self, doc: Document, fitted: Counts | None = None) -> Document | Drop:
        assert fitted is not None, "the runner passes the batch's counts"
        if not self._checks(doc):
            return doc
        assert doc.language is not None  # _checks: one of config.languages
        checker = Checker(self, fitted, doc.language, site_of(doc), doc.text)
        spans = []
        # Most words are known whatever their context, and were settled on an earlier document.
        for start, end, in_compound in to_decide(doc.text, checker.plain, checker.forced):
            token = doc.text[start:end]
            if in_compound:
                decision = checker.decide_compound_part(token, start, end)
            elif end - start < self.config.min_length:
                decision = checker.decide_short(token, start, end)
            else:
                decision = checker.decide(token, start, end, token[0].isupper() and at_sentence_start(doc.text, start))
            if decision and decision[1] != FORCED and checker.among_unknown_words(start, end):
                decision = None  # "solvi non potest, sicut conscientia": a language the lists do not hold
            if decision and decision[1] == SPLIT and checker.beside_code(start, end):
                decision = None  # "session.cache_limiter is set to nocache": a value, not two words
            if decision and (decision[1] == FORCED or _letters(decision[0]) != _letters(token)):
                after, rule, detail = decision
                spans.append((start, end, after, rule, orjson.dumps(detail).decode()))
        edits.apply_labelled_spans(doc, spans, stage=STAGE)
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {name: version(name) for name in ("pyspellchecker", "wordfreq", "rapidfuzz", "symspellpy")}


def _letters(text: str) -> str:
    """What an edit must change: a change of the letters, never only of punctuation or spacing
    ("Siever" -> "Siever." is no correction). A split changes the spacing of the same letters, so
    it is compared with its space."""
    return text if " " in text else "".join(c for c in text if c.isalpha())


class _BoundedSet:
    """A set that forgets its oldest members past `limit`, so a worker's memory does not grow with the corpus."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._items: OrderedDict[str, None] = OrderedDict()

    def __contains__(self, item: object) -> bool:
        return item in self._items

    def add(self, item: str) -> None:
        if item not in self._items:
            self._items[item] = None
            if len(self._items) > self.limit:
                self._items.popitem(last=False)

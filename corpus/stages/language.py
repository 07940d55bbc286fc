"""Label each document's language with seeded langdetect, answering `und` rather than guessing.

langdetect (55 languages) is accurate on the languages it knows but has no way to say "none of
these": on the Lingua/Leipzig test sentences of 75 languages, seeded langdetect gets 98% of the
sentences in its own languages right but only 66% overall, and only 79% of its answers with
probability >= 0.9 are right. This stage keeps langdetect's label and only ever *abstains*
(`und`) when the evidence says the label cannot be trusted:

- too little text (fewer than `min_chars` letters) or no letters at all;
- langdetect's top probability below `min_score`;
- the text's dominant Unicode script is not one the predicted language is written in
  (Armenian, Georgian or Thaana text comes out as "et"/"ar" with probability 1.0);
- for languages written in Latin or Cyrillic, too few of the text's character trigrams are in the
  predicted language's langdetect profile (Zulu labelled "sw", Kazakh labelled "ru": real text
  in the predicted language has most of its trigrams in that profile, an unknown language does not).

It never relabels, so wherever it does not answer `und` it agrees with plain seeded langdetect on
the same sample of text. The figures behind each default were measured on the data of
`benchmarks/bench_language.py` (the thresholds were chosen on that same data: there is no
held-out set, so treat them as coarse, two-digit choices, not fitted values).
"""

from __future__ import annotations

import functools
import json
import os
import unicodedata
from dataclasses import dataclass
from importlib.metadata import version

import numpy as np
from langdetect.detector import Detector
from langdetect.detector_factory import PROFILES_DIRECTORY, DetectorFactory
from langdetect.utils.lang_profile import LangProfile
from langdetect.utils.ngram import NGram

from corpus.document import Document, Drop
from corpus.stages.base import Stage

STAGE = "language"
UND = "und"


@dataclass(frozen=True)
class LanguageConfig:
    # Only a prefix of the text is read, cut at a word boundary: langdetect is the pipeline's
    # slowest stage (~150-250 sentences per CPU-second). Issue: the first 1,000 chars are 2.5x
    # faster than whole documents for one changed label in 62 documents. Bench (UDHR, first 5,000
    # chars): 1.8x faster, all 60 known-language labels unchanged; only unknown-language documents
    # (wrong either way) changed label, 18 of 192.
    max_chars: int = 1000
    # Letters (not chars) below which the answer is `und`: seeded langdetect is right on 86% of
    # sentences with < 10 letters vs 98% overall, and such fragments are not documents anyway.
    min_chars: int = 10
    # Top langdetect probability below which the answer is `und`: measured on Leipzig sentences,
    # 0.5 costs 0.1 pt of accuracy on known languages and sends 3 pts more unknown items to `und`;
    # 0.8 would cost 1 pt of known accuracy for 11 pts more unknown `und`.
    min_score: float = 0.5
    # Least share of the text's character trigrams that the predicted language's profile must
    # contain (checked only for Latin/Cyrillic predictions, the scripts shared by many languages
    # langdetect does not know). Known-language sentences have a median coverage of 0.75-0.99,
    # unknown Latin/Cyrillic languages 0.3-0.7. Leipzig sentences, with min_score 0.5 and the
    # script check: 0.6 moves unknown-language items labelled `und` from 0% to 55% for a 0.8 pt
    # loss of accuracy on known languages (98.1% -> 97.3%); 0.65 gives 66% for 1.7 pts, 0.7
    # about 71% for 2.4 pts. Known-language documents outnumber unknown ones in a web corpus.
    min_coverage: float = 0.6
    # Abstain when the dominant script of the letters is not one the predicted language uses.
    check_script: bool = True
    # langdetect samples n-grams at random; a fixed seed per detector makes a text's label and
    # score the same in every process and call order (unseeded, 3.4% of labels change per run).
    seed: int = 0
    # langdetect's own default number of random restarts. Measured on Leipzig sentences: 3 trials
    # are 2.3x faster with the same accuracy but change 3.4% of labels vs plain langdetect, which
    # the stage promises to agree with wherever it answers.
    n_trials: int = 7
    # Empty keeps every document; otherwise documents whose label (including "und") is not listed
    # are dropped with reason "language_not_kept".
    keep_languages: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.max_chars < 1 or self.min_chars < 0 or self.n_trials < 1:
            raise ValueError("max_chars and n_trials must be 1 or more, min_chars 0 or more")
        if not (0.0 <= self.min_score <= 1.0 and 0.0 <= self.min_coverage <= 1.0):
            raise ValueError("min_score and min_coverage must be between 0 and 1")


# Scripts (first word of the Unicode character name, "CJK" read as "HAN") that each langdetect
# language is written in.
_LATIN = "af ca cs cy da de en es et fi fr hr hu id it lt lv nl no pl pt ro sk sl so sq sv sw tl tr vi"
_SCRIPTS: dict[str, frozenset[str]] = {
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
_COVERAGE_SCRIPTS = frozenset({"LATIN", "CYRILLIC"})


@functools.cache
def _factory() -> DetectorFactory:
    """langdetect's profiles, loaded once per process in sorted order.

    langdetect's own loader follows os.listdir order, which differs between file systems and
    changes the order in which per-language probabilities are summed; sorted order makes the
    floating-point results identical everywhere.
    """
    names = sorted(n for n in os.listdir(PROFILES_DIRECTORY) if not n.startswith("."))
    factory = DetectorFactory()
    for index, name in enumerate(names):
        with open(os.path.join(PROFILES_DIRECTORY, name), encoding="utf-8") as f:
            factory.add_profile(LangProfile(**json.load(f)), index, len(names))
    return factory


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


def _sample(text: str, max_chars: int) -> str:
    """At most `max_chars` of the text, cut at the last whitespace if there is one near the end."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", max_chars // 2, max_chars + 1)
    cut = max(cut, text.rfind("\n", max_chars // 2, max_chars + 1))
    return text[: cut if cut > 0 else max_chars]


def _dominant_script(text: str) -> tuple[str | None, int]:
    """The most frequent script among the letters of `text`, and the number of letters."""
    counts: dict[str, int] = {}
    for ch in text:
        if ch.isalpha() or not ch.isascii():
            s = _script(ch)
            if s is not None:
                counts[s] = counts.get(s, 0) + 1
    if not counts:
        return None, 0
    return max(sorted(counts), key=counts.__getitem__), sum(counts.values())


def _extract(detector: Detector) -> tuple[list[str], list[str]]:
    """langdetect's n-grams, exactly as `Detector._extract_ngrams` gives them, and every trigram
    of the text (known to langdetect or not, for the coverage check), in one walk of the text.

    `NGram.add_char` inlined, with its per-character normalization cached: langdetect's own
    walk was 45% of the stage's time on Reuters stories.
    """
    table = detector.word_lang_prob_map
    normalized = _normalized_chars()
    ngrams: list[str] = []
    trigrams: list[str] = []
    grams, capital_word = " ", False
    for ch in detector.text:  # the text as langdetect cleaned it for detection
        norm = normalized.get(ch)
        if norm is None:
            norm = normalized[ch] = NGram.normalize(ch)
        last = grams[-1]
        if last == " ":
            grams, capital_word = " ", False
            if norm == " ":
                continue
        elif len(grams) >= 3:
            grams = grams[1:]
        grams += norm
        if norm.isupper():
            if last.isupper():
                capital_word = True
        else:
            capital_word = False
        if capital_word:  # langdetect skips all-caps words
            continue
        for n in (1, 2, 3):
            if len(grams) < n:
                break
            gram = grams[-n:]
            if gram != " " and gram in table:
                ngrams.append(gram)
        if len(grams) >= 3:
            trigrams.append(grams)  # word-initial/final trigrams carry a space, as in the profiles
    return ngrams, trigrams


@functools.cache
def _normalized_chars() -> dict[str, str]:
    return {}


def _trigram_coverage(detector: Detector, trigrams: list[str], lang_index: int) -> float:
    """Share of the text's trigrams in one language's profile."""
    table = detector.word_lang_prob_map
    known = sum(1 for gram in trigrams if (probs := table.get(gram)) is not None and probs[lang_index] > 0.0)
    return known / len(trigrams) if trigrams else 0.0


@functools.cache
def _rows() -> dict[str, np.ndarray]:
    """Per-process cache of langdetect's per-n-gram language probabilities as arrays."""
    return {}


def _probabilities(detector: Detector, ngrams: list[str]) -> list[tuple[str, float]]:
    """`Detector._detect_block` + `_sort_probability` with the per-language loops in numpy.

    Same random draws in the same order and the same IEEE operations per language (the sum
    that normalizes is Python's own, in the same order), so the result is identical to plain
    langdetect's (checked by tests/test_language.py on Reuters and UDHR text). langdetect's
    55-element Python loops were 55% of the stage's time on Reuters stories; with this and
    `_extract` the stage went from 6.9 to 3.3 ms per story.
    """
    table, rows = detector.word_lang_prob_map, _rows()
    size = len(detector.langlist)
    langprob = np.zeros(size)
    rnd = detector.random
    rnd.seed(detector.seed)
    for _ in range(detector.n_trial):
        prob = np.full(size, 1.0 / size)
        alpha = detector.alpha + rnd.gauss(0.0, 1.0) * detector.ALPHA_WIDTH
        weight = alpha / detector.BASE_FREQ
        i = 0
        while True:
            gram = rnd.choice(ngrams)
            row = rows.get(gram)
            if row is None:
                row = rows[gram] = np.array(table[gram], dtype=np.float64)
            prob *= weight + row
            if i % 5 == 0:
                prob /= sum(prob.tolist())
                if prob.max() > detector.CONV_THRESHOLD or i >= detector.ITERATION_LIMIT:
                    break
            i += 1
        langprob += prob / detector.n_trial
    ranked = [(lang, p) for lang, p in zip(detector.langlist, langprob.tolist()) if p > detector.PROB_THRESHOLD]
    ranked.sort(key=lambda item: item[1], reverse=True)
    return ranked


class LanguageStage(Stage):
    name = STAGE
    config_class = LanguageConfig

    def detect(self, text: str) -> tuple[str, float, str]:
        """(label, score, why): the label is a langdetect code or "und" (then score 0.0)."""
        config: LanguageConfig = self.config
        sample = _sample(text, config.max_chars)
        script, letters = _dominant_script(sample)
        if letters < config.min_chars:
            return UND, 0.0, f"letters={letters}"
        factory = _factory()
        detector = factory.create()
        detector.seed = config.seed  # per detector: reseeded on every detection, so per-call deterministic
        detector.n_trial = config.n_trials
        detector.append(sample)
        detector.cleaning_text()
        ngrams, trigrams = _extract(detector)
        if not ngrams:  # no n-gram langdetect knows (e.g. Ethiopic script)
            return UND, 0.0, "no_features"
        ranked = _probabilities(detector, ngrams)
        if not ranked:
            return UND, 0.0, "no_language"
        lang, prob = ranked[0]
        if prob < config.min_score:
            return UND, 0.0, f"{lang}:score={prob:.4f}"
        scripts = _SCRIPTS.get(lang, frozenset())
        if config.check_script and script not in scripts:
            return UND, 0.0, f"{lang}:script={script}"
        if config.min_coverage > 0 and scripts & _COVERAGE_SCRIPTS:
            coverage = _trigram_coverage(detector, trigrams, factory.langlist.index(lang))
            if coverage < config.min_coverage:
                return UND, 0.0, f"{lang}:coverage={coverage:.4f}"
        return lang, round(prob, 4), ""

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        lang, score, _why = self.detect(doc.text)
        doc.language, doc.language_score = lang, score
        keep = self.config.keep_languages
        if keep and lang not in keep:
            return Drop("language_not_kept", detail=f"language={lang} score={score} keep={','.join(keep)}")
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"langdetect": version("langdetect"), "numpy": version("numpy")}

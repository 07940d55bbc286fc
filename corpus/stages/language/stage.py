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

from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import version

from corpus.document import Document, Drop
from corpus.stages.base import Stage
from corpus.stages.language import exact_langdetect
from corpus.stages.language.scripts import COVERAGE_SCRIPTS, SCRIPTS, dominant_script

STAGE = "language"
NOT_KEPT = "language_not_kept"  # detected in a language outside keep_languages
UND = "und"


@dataclass(frozen=True)
class LanguageConfig:
    # Only a prefix of the text is read, cut at a word boundary: langdetect's time grows with the
    # length of the text it reads. Issue: the first 1,000 chars are 2.5x
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


def _sample(text: str, max_chars: int) -> str:
    """At most `max_chars` of the text, cut at the last whitespace if there is one near the end."""
    if len(text) <= max_chars:
        return text
    cut = text.rfind(" ", max_chars // 2, max_chars + 1)
    cut = max(cut, text.rfind("\n", max_chars // 2, max_chars + 1))
    return text[: cut if cut > 0 else max_chars]


class LanguageStage(Stage):
    name = STAGE
    config_class = LanguageConfig
    drop_reasons = (NOT_KEPT,)

    def detect(self, text: str) -> tuple[str, float, str]:
        """(label, score, why): the label is a langdetect code or "und" (then score 0.0)."""
        return self.detect_many([text])[0]

    def detect_many(self, texts: Sequence[str]) -> list[tuple[str, float, str]]:
        """`detect` for each text; langdetect's random walks of all of them advance together."""
        config: LanguageConfig = self.config
        answers: list[tuple[str, float, str] | None] = []
        found: dict[int, tuple[str | None, exact_langdetect.Features]] = {}
        for index, text in enumerate(texts):
            sample = _sample(text, config.max_chars)
            script, letters = dominant_script(sample)
            if letters < config.min_chars:
                answers.append((UND, 0.0, f"letters={letters}"))
                continue
            features = exact_langdetect.features(sample)
            if not len(features.grams):  # no n-gram langdetect knows (e.g. Ethiopic script)
                answers.append((UND, 0.0, "no_features"))
                continue
            answers.append(None)
            found[index] = (script, features)
        ranked = exact_langdetect.probabilities(
            [features for _, features in found.values()], n_trial=config.n_trials, seed=config.seed
        )
        for (index, (script, features)), languages in zip(found.items(), ranked):
            answers[index] = self._judge(script, features, languages)
        return answers  # type: ignore[return-value]  # every None was replaced

    def _judge(
        self, script: str | None, features: exact_langdetect.Features, ranked: list[tuple[str, float]]
    ) -> tuple[str, float, str]:
        """langdetect's top language, or `und` where the checks of the module docstring fail."""
        config: LanguageConfig = self.config
        if not ranked:
            return UND, 0.0, "no_language"
        lang, prob = ranked[0]
        if prob < config.min_score:
            return UND, 0.0, f"{lang}:score={prob:.4f}"
        scripts = SCRIPTS.get(lang, frozenset())
        if config.check_script and script not in scripts:
            return UND, 0.0, f"{lang}:script={script}"
        if config.min_coverage > 0 and scripts & COVERAGE_SCRIPTS:
            coverage = exact_langdetect.coverage(features, lang)
            if coverage < config.min_coverage:
                return UND, 0.0, f"{lang}:coverage={coverage:.4f}"
        return lang, round(prob, 4), ""

    def apply(self, doc: Document, fitted: None = None) -> Document | Drop:
        lang, score, _why = self.detect(doc.text)
        return self._label(doc, lang, score)

    def apply_many(self, docs: Sequence[Document], fitted: None = None) -> list[Document | Drop]:
        try:
            answers = self.detect_many([doc.text for doc in docs])
        except Exception:  # find the document at fault: one by one, each failure its own drop
            return super().apply_many(docs, fitted)
        return [self._label(doc, lang, score) for doc, (lang, score, _why) in zip(docs, answers)]

    def _label(self, doc: Document, lang: str, score: float) -> Document | Drop:
        doc.language, doc.language_score = lang, score
        keep = self.config.keep_languages
        if keep and lang not in keep:
            return Drop(NOT_KEPT, detail=f"language={lang} score={score} keep={','.join(keep)}")
        return doc

    @classmethod
    def library_versions(cls) -> dict[str, str]:
        return {"langdetect": version("langdetect"), "numpy": version("numpy")}

"""The typos stage beside the stage as it was before its precision rework and pyspellchecker as-is.

    python -m benchmarks typos [--workers 2] [--only precision,recall,splits,isolated,speed]
                               [--speed-stories N] [--speed-repeats 3]

All three correctors get the same text: the text just before the typos stage in a `corpus clean`
run (`corpus.pipeline.run`, default config, shipped rule files, stages after `typos` skipped),
rebuilt by undoing the stage's edits; each document keeps the language and score the language
stage gave it. "now" is this stage as the pipeline ran it; "before" is the stage of commit
`benchmarks.typos_before.COMMIT`, loaded from git and fitted and applied the same way, in this
process; the baseline is pyspellchecker's `SpellChecker(distance=1)` as-is, with a per-word
cache: every run of ASCII letters it reports unknown is replaced by its `.correction()` (ties
broken alphabetically, so that its figures do not change run to run), in the original's case
(distance 2, the library's default, takes seconds per unknown word).

precision  Every change each corrector makes (a token diff of its output against its input) on
           four kinds of real text, classified against a hand-labelled file of the real
           misspellings and run-together words of that text (`benchmarks/typos_labels/`): a fix
           (a listed word became what was meant), a wrong fix, or damage (any other change).
           Clean Reuters: 2,737 Reuters-21578 sentences (the recall sentences without their
           injection); Zyte: the gold article bodies of its 181 pages; CleanEval: 2,000 gold
           paragraphs (seed 14); Dolma CC: its 30 Common Crawl documents. A fifth set, web
           pages (the main text of trafilatura's 258 evaluation pages), was read after the stage
           was built and is labelled from the two stages' changes only (see its labels file), so
           pyspellchecker's damage there is an upper bound. Also counted: changes
           that only add or remove punctuation, and, on the five seeds, changes to their names,
           acronyms and British spellings.
recall     Injected misspellings restored in context: Reuters sentences (each with one word
           replaced by one of its Wikipedia misspellings, each misspelling once, seed 5) and the
           CleanEval paragraphs (one misspelling each where a word of the list's is found).
           The list's word as the other spelling variety writes it is restored too
           ("critisized" -> "criticized" where the list has "criticised"); counted and named.
splits     1,000 paragraphs (Zyte bodies and CleanEval, half each) with the space between two
           neighbouring words removed at random (seed 7; not where the joined form is a word):
           split right, collapsed to one word, changed otherwise, or missed.
isolated   Norvig's two test sets and the Wikipedia list, each misspelling alone in a neutral
           sentence (apply after a first pass over those sentences).
holbrook   Held out, never used for tuning: Mitton's tagged Holbrook corpus (children's free
           writing, 2,600 misspellings tagged in place), a passage per writer, in process as
           English: every change is a fix, a wrong fix (a tagged word made something else) or
           damage (an untagged word changed); recall is fixes over tagged misspellings.
speed      The stage alone in this process over the Reuters stories (all 19,043 by default):
           first pass and apply, word lists loaded in the measured time, CPU seconds; repeated
           (--speed-repeats) to show the spread, since the machine is shared.

Tokens (what "per 1,000 tokens" counts) are words and numbers with inner apostrophes, dots and
hyphens (`benchmarks.typos_sets.TOKEN`); a change is counted in tokens.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from types import ModuleType

import orjson
import polars as pl

from benchmarks import typos_before
from benchmarks.bench_pipeline import reuters_stories
from benchmarks.data import REPO
from benchmarks.typos_sets import (
    SEED,
    Change,
    Sentence,
    changes,
    classify,
    cleaneval_documents,
    cleaneval_paragraphs,
    context,
    count_tokens,
    dolma_cc,
    holbrook,
    inject,
    injected_sentences,
    misspellings,
    norvig,
    punctuation_only,
    read_labels,
    run_together_set,
    web_pages,
    with_case,
    zyte_bodies,
)
from corpus import Document, Drop, Edit, pipeline, replay
from corpus.config import load_config
from corpus.firstpass import apply_in_process
from corpus.stages.base import Stage

STAGE = "typos"
SECTIONS = ("precision", "recall", "splits", "isolated", "holbrook", "speed")
LABELS = Path(__file__).with_name("typos_labels")
SEEDS = REPO / "seeds"
# The seeds' names, acronyms and British spellings: the stage must change none of them.
PROTECTED = (
    "Kishida",
    "Yoon",
    "Fumio",
    "Shinzo",
    "GSOMIA",
    "CNN",
    "defence",
    "apologised",
    "normalise",
    "normalisation",
    "labour",
    "neighbours",
    "Suk-yeol",
    "Geun-hye",
)
TARGET_PRECISION = 0.95  # of the changes on each kind of real text
TARGET_ZYTE_DAMAGE = 0.05  # damaging changes per 1,000 tokens of Zyte's bodies
TARGET_RECALL = {"Reuters": 0.80, "CleanEval": 0.70}
TARGET_SPLITS = 0.80
TARGET_SPEED = 100_000  # tokens per CPU-second (per core), the stage on Reuters
TEMPLATE = "I saw the word {} in the letter."  # neutral context for the isolated sets
NOW, BEFORE, BASELINE = "corpus typos stage, now", "corpus typos stage, before", "pyspellchecker d=1, as-is"


# ------------------------------------------------------------------ the three correctors


@dataclass(slots=True)
class Texts:
    """One text set as the typos stage got it, and each corrector's output."""

    before: dict[str, str]
    documents: list[Document]  # the same texts with their language and score, for the stages run in process
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)  # corrector -> id -> text
    wall: float = 0.0

    def tokens(self) -> int:
        return count_tokens(list(self.before.values()))


def pipeline_stages() -> list[type[Stage]]:
    return list(pipeline.STAGES)


def run_texts(
    records: Sequence[dict[str, str]], folder: Path, workers: int, baseline: Baseline, before_stage: Corrector
) -> Texts:
    """`records` through `corpus clean` up to the typos stage; then the old stage and the baseline
    on the text the stage got."""
    folder.mkdir(parents=True)
    source = folder / "docs.jsonl"
    source.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    all_stages = pipeline_stages()
    names = [stage.name for stage in all_stages]
    toml = folder / "corpus.toml"
    toml.write_text(f"[run]\nworkers = {workers}\nskip = {json.dumps(names[names.index(STAGE) + 1 :])}\n")
    (folder / "rules").mkdir()  # the shipped rule files only, whatever ./rules holds
    out = folder / "out"
    started = time.perf_counter()
    pipeline.run(
        [source],
        out,
        load_config(toml, stages=all_stages),
        rules_dir=folder / "rules",
        stages=all_stages,
        overwrite=True,
    )
    wall = time.perf_counter() - started
    docs = pl.read_parquet(out / "documents.parquet", columns=["id", "text", "language", "language_score"])
    stage_edits = pl.read_parquet(out / "edits.parquet").filter(pl.col("stage") == STAGE)
    by_doc: dict[str, list[Edit]] = defaultdict(list)
    for row in stage_edits.iter_rows(named=True):
        by_doc[row["id"]].append(Edit(**{name: row[name] for name in Edit.__slots__}))
    texts = Texts({}, [], wall=wall)
    now: dict[str, str] = {}
    for row in docs.iter_rows(named=True):
        now[row["id"]] = row["text"]
        texts.before[row["id"]] = replay(row["text"], by_doc.get(row["id"], []), reverse=True)
        texts.documents.append(
            Document(
                id=row["id"],
                source="benchmark",
                text=texts.before[row["id"]],
                language=row["language"],
                language_score=row["language_score"],
            )
        )
    texts.outputs[NOW] = now
    texts.outputs[BEFORE] = before_stage.correct(texts.documents)
    base = baseline.fresh()
    texts.outputs[BASELINE] = {key: base.correct(text) for key, text in texts.before.items()}
    return texts


class Corrector:
    """A typos stage module (this one, or the old one from git) built with its default config and
    no rule files, fitted on the documents in batches as the pipeline does, then applied."""

    def __init__(self, module: ModuleType | str) -> None:
        self.missing = module if isinstance(module, str) else None
        self.stage = None if isinstance(module, str) else module.TyposStage(module.TyposConfig())

    def correct(self, documents: Sequence[Document]) -> dict[str, str]:
        if self.stage is None:
            return {}
        copies = [
            Document(id=d.id, source=d.source, text=d.text, language=d.language, language_score=d.language_score)
            for d in documents
        ]
        if getattr(self.stage, "fit_tables", None):  # a first pass on disk, as a run keeps it
            with tempfile.TemporaryDirectory() as folder:
                outcomes = apply_in_process(self.stage, copies, Path(folder))
        else:  # the stage before its first pass went to disk
            batches = [copies[i : i + pipeline.BATCH_DOCS] for i in range(0, len(copies), pipeline.BATCH_DOCS)]
            fitted = self.stage.merge([self.stage.fit(batch) for batch in batches])
            outcomes = [self.stage.apply(doc, fitted) for doc in copies]
        return {doc.id: _text(outcome) for doc, outcome in zip(copies, outcomes, strict=True)}


def _text(result: Document | Drop) -> str:
    return "" if isinstance(result, Drop) else result.text


def stage_module() -> ModuleType:
    import corpus.stages.typos as module

    return module


class Baseline:
    """pyspellchecker as-is: distance 1, a per-word cache, every unknown word replaced by its `.correction()`."""

    WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)*")

    def __init__(self) -> None:
        from spellchecker import SpellChecker

        self.spell = SpellChecker(distance=1)
        self.cache: dict[str, str | None] = {}
        self.seconds = 0.0

    def fresh(self) -> Baseline:
        """The same dictionary with an empty cache and clock, so each text set is timed alike."""
        other = Baseline.__new__(Baseline)
        other.spell, other.cache, other.seconds = self.spell, {}, 0.0
        return other

    def _fix(self, match: re.Match[str]) -> str:
        word = match.group(0)
        lower = word.lower()
        if lower not in self.cache:
            self.cache[lower] = self._correction(lower) if self.spell.unknown([lower]) else None
        fixed = self.cache[lower]
        return word if fixed is None or fixed == lower else with_case(fixed, word)

    def _correction(self, word: str) -> str | None:
        """`SpellChecker.correction`, its ties broken alphabetically: its max() over a set picks by
        string hashing, which Python seeds anew in every process, so its figures changed run to run."""
        candidates = self.spell.candidates(word)
        return max(sorted(candidates), key=self.spell.__getitem__) if candidates else None

    def correct(self, text: str) -> str:
        started = time.process_time()
        fixed = self.WORD.sub(self._fix, text)
        self.seconds += time.process_time() - started
        return fixed


# ------------------------------------------------------------------ scoring


@dataclass(slots=True)
class Recall:
    restored: int = 0
    wrong: int = 0
    missed: int = 0
    lost: int = 0  # sentences not found in the text before the stage (removed or changed upstream)
    other_tokens: int = 0  # tokens changed elsewhere in the sentences (damage in the same run)
    wrong_examples: list[str] = field(default_factory=list)
    other_variety: list[str] = field(default_factory=list)  # restored as the other variety spells the word

    @property
    def scored(self) -> int:
        return self.restored + self.wrong + self.missed


def score_recall(sentences: Sequence[Sentence], before: dict[str, str], after: dict[str, str]) -> Recall:
    by_story: dict[str, list[Sentence]] = defaultdict(list)
    for sentence in sentences:
        by_story[sentence.story].append(sentence)
    result = Recall()
    for story, group in by_story.items():
        text = before.get(story)
        if text is None:
            result.lost += len(group)
            continue
        found = changes(text, after[story])
        cursor = 0
        for sentence in group:
            at = text.find(sentence.injected, cursor)
            if at < 0:
                result.lost += 1
                continue
            cursor = at + len(sentence.injected)
            start, end = at + sentence.start, at + sentence.start + len(sentence.typo)
            hits = [c for c in found if c.start < end and start < c.end or c.start == c.end == start]
            result.other_tokens += sum(c.tokens for c in found if at <= c.start < cursor and c not in hits)
            if not hits:
                result.missed += 1
            elif len(hits) == 1 and (put := _restores(hits[0], start, sentence)):
                result.restored += 1
                if put != sentence.word:
                    result.other_variety.append(f"{sentence.typo} -> {put} (list: {sentence.word})")
            else:
                result.wrong += 1
                if len(result.wrong_examples) < 5:
                    result.wrong_examples.append(
                        f"{sentence.typo} -> {' '.join(c.after for c in hits)} (was {sentence.word})"
                    )
    return result


_LETTERS = re.compile(r"[A-Za-z]+")


def _restores(change: Change, start: int, sentence: Sentence) -> str | None:
    """The word the change puts back where the typo was, if it is the list's word or that word as
    the other spelling variety writes it (the list has "critisized": "criticised"; a corrector
    following the writer's "-ize" puts "criticized", as right). A change can span more than the
    typo: the whole of a compound ("twpo-for-one" -> "two-for-one", one token) or a real typo of
    Reuters' own fixed beside it ("avearge, almsot" -> "average, almost"); word by word, the
    typo's place must hold the word."""
    before = list(_LETTERS.finditer(change.before))
    after = _LETTERS.findall(change.after)
    if len(before) != len(after):
        return None
    for word, replacement in zip(before, after, strict=True):
        if change.start + word.start() == start:
            right = word.group() == sentence.typo and _one_spelling(replacement) == _one_spelling(sentence.word)
            return replacement if right else None
    return None


# British and American spellings of one word, written one way to compare them (this benchmark's own
# list, not the stage's): colour/color, criticise/criticize, analyse/analyze, centre/center,
# labelled/labeled, manoeuvre/maneuver, licence/license, catalogue/catalog.
_VARIETY = [
    (re.compile(r"oeuvre(s?)$"), r"euver\1"),
    (re.compile(r"(?<=[a-z]{2})our(?=s?$|[a-z])"), "or"),  # not "four", "your", "hour"
    (re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations)$"), r"iz\1"),  # not "prise", "prize"
    (re.compile(r"yse(s|d)?$"), r"yze\1"),
    (re.compile(r"tre(s?)$"), r"ter\1"),
    (re.compile(r"(?<=[a-z]{3}[aeiou])ll(ed|ing|er|ers)$"), r"l\1"),  # "travelled", not "filled"
    (re.compile(r"ence$"), "ense"),
    (re.compile(r"ogue(s?)$"), r"og\1"),
]


def _one_spelling(word: str) -> str:
    for pattern, american in _VARIETY:
        word = pattern.sub(american, word)
    return word


@dataclass(slots=True)
class Precision:
    """A corrector's changes on one text set, each classified against the set's labels."""

    tokens: int
    kinds: Counter[str] = field(default_factory=Counter)  # fix / wrong fix / damage -> changes
    damage_tokens: int = 0
    punctuation: int = 0
    examples: list[tuple[str, str]] = field(default_factory=list)  # (kind, line) of every change but fixes

    @property
    def changes(self) -> int:
        return sum(self.kinds.values())

    @property
    def precision(self) -> float:
        return self.kinds["fix"] / self.changes if self.changes else 1.0

    def per_1000(self) -> float:
        return 1000 * self.damage_tokens / max(self.tokens, 1)


def score_precision(before: dict[str, str], after: dict[str, str], labels: dict[str, str]) -> Precision:
    result = Precision(count_tokens(list(before.values())))
    for key in sorted(before):
        for change in changes(before[key], after[key]):
            kind = classify(change, labels)
            result.kinds[kind] += 1
            if kind == "damage":
                result.damage_tokens += change.tokens
            if kind != "fix":
                result.examples.append((kind, f"{key[:24]:<24} {context(before[key], change)}"))
        result.punctuation += punctuation_only(before[key], after[key])
    return result


def protected_hits(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """Changes that touch one of the seeds' names, acronyms or British spellings."""
    hits = []
    for key in sorted(before):
        for change in changes(before[key], after[key]):
            if set(re.findall(r"\w+(?:-\w+)*", change.before)) & set(PROTECTED):
                hits.append(context(before[key], change))
    return hits


@dataclass(slots=True)
class Splits:
    right: int = 0
    collapsed: int = 0
    other: int = 0
    missed: int = 0
    lost: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def scored(self) -> int:
        return self.right + self.collapsed + self.other + self.missed


def score_splits(items: Sequence, before: dict[str, str], after: dict[str, str]) -> Splits:
    """Each run-together word is found in the text the stage got by its left context."""
    result = Splits()
    for number, item in enumerate(items):
        text = before.get(str(number))
        probe = item.text[max(0, item.start - 30) : item.start + len(item.joined)]
        at = text.find(probe) if text is not None else -1
        if at < 0:
            result.lost += 1
            continue
        start = at + len(probe) - len(item.joined)
        hits = [c for c in changes(text, after[str(number)]) if c.start < start + len(item.joined) and start < c.end]
        if not hits:
            result.missed += 1
        elif len(hits) == 1 and hits[0].before == item.joined and hits[0].after == f"{item.first} {item.second}":
            result.right += 1
        elif len(hits) == 1 and hits[0].before == item.joined and " " not in hits[0].after:
            result.collapsed += 1
            result.examples.append(f"collapsed {item.joined} -> {hits[0].after}")
        else:
            result.other += 1
            result.examples.append(
                f"other {item.joined} -> {' | '.join(c.after for c in hits)} (was {item.first} {item.second})"
            )
    return result


def pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:5.1f}%" if whole else "   n/a"


def mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def correctors(texts: Texts) -> list[str]:
    return [name for name in (NOW, BEFORE, BASELINE) if texts.outputs.get(name)]


# ------------------------------------------------------------------ sections


def _reuters_documents(sentences: Sequence[Sentence], *, injected: bool) -> list[dict[str, str]]:
    """One document per story: its chosen sentences, in order, as one paragraph."""
    by_story: dict[str, list[str]] = defaultdict(list)
    for sentence in sentences:
        by_story[sentence.story].append(sentence.injected if injected else sentence.text)
    return [{"id": story, "text": " ".join(texts) + "\n"} for story, texts in by_story.items()]


def section_precision(run: Callable[[Sequence[dict[str, str]], str], Texts], reuters: Sequence[Sentence]) -> None:
    sets = [
        ("clean Reuters", _reuters_documents(reuters, injected=False), "reuters"),
        ("Zyte article bodies", zyte_bodies(), "zyte"),
        ("CleanEval paragraphs", cleaneval_documents(), "cleaneval"),
        ("Dolma Common Crawl", dolma_cc(), "dolma-cc"),
        ("trafilatura's pages", web_pages(), "web-pages"),
    ]
    print("\n1. Precision on real text: every change, classified against the hand-labelled misspellings of the text")
    print(
        f"  {'':<22} {'':<28} {'changes':>7} {'fixes':>6} {'wrong':>6} {'damage':>6} {'precision':>9} "
        f"{'damage/1k':>9} {'punct':>5}  target"
    )
    shown: list[tuple[str, list[tuple[str, str]]]] = []
    for title, records, labels_name in sets:
        texts = run(records, labels_name)
        labels = read_labels(LABELS / f"{labels_name}.tsv")
        for name in correctors(texts):
            score = score_precision(texts.before, texts.outputs[name], labels)
            target = f"precision >= {TARGET_PRECISION:.0%}: {mark(score.precision >= TARGET_PRECISION)}"
            if labels_name == "zyte":
                target += f", damage <= {TARGET_ZYTE_DAMAGE}/1k: {mark(score.per_1000() <= TARGET_ZYTE_DAMAGE)}"
            target += f", punct 0: {mark(score.punctuation == 0)}"
            print(
                f"  {title if name == NOW else '':<22} {name:<28} {score.changes:7d} {score.kinds['fix']:6d} "
                f"{score.kinds['wrong fix']:6d} {score.kinds['damage']:6d} {pct(score.kinds['fix'], score.changes):>9} "
                f"{score.per_1000():9.3f} {score.punctuation:5d}  {target if name == NOW else ''}"
            )
            if name == NOW:
                shown.append((f"{title} ({texts.tokens():,} tokens)", score.examples))
    print(
        "  fixes = listed misspellings made what was meant; wrong = listed, made something else; damage = any other "
        "change (damage/1k: its tokens per 1,000); punct = changes that only add or remove punctuation"
    )
    print("\n  Every change of the stage now that is not a fix:")
    for title, examples in shown:
        print(f"    {title}: {len(examples)}")
        for kind, line in examples:
            print(f"      {kind:<9} {line}")


def section_seeds(run: Callable[[Sequence[dict[str, str]], str], Texts]) -> None:
    records = [{"id": path.name, "text": path.read_text("utf-8")} for path in sorted(SEEDS.glob("*.txt"))]
    texts = run(records, "seeds")
    print(
        f"\n   The five seeds ({texts.tokens():,} tokens): changes, and changes to their names, acronyms and British "
        f"spellings ({', '.join(PROTECTED)})"
    )
    for name in correctors(texts):
        found = [
            context(texts.before[key], change)
            for key in sorted(texts.before)
            for change in changes(texts.before[key], texts.outputs[name][key])
        ]
        hits = protected_hits(texts.before, texts.outputs[name])
        print(
            f"    {name:<28} {len(found):3d} changes, {len(hits):3d} to protected words"
            + (": " + "; ".join(f.split("[", 1)[1].split("]", 1)[0] for f in found) if name == NOW else "")
        )


def section_recall(run: Callable[[Sequence[dict[str, str]], str], Texts], reuters: Sequence[Sentence]) -> None:
    cleaneval = inject(cleaneval_paragraphs(), SEED)
    sets = [
        ("Reuters", reuters, _reuters_documents(reuters, injected=True)),
        ("CleanEval", [s for s in cleaneval if s.typo], cleaneval_documents([s.injected for s in cleaneval])),
    ]
    print("\n2. Recall in context: one Wikipedia misspelling injected per Reuters sentence / CleanEval paragraph")
    print(f"  {'':<10} {'':<28} {'injected':>8} {'restored':>9} {'wrong fix':>9} {'missed':>8} {'lost':>5}  target")
    for title, sentences, records in sets:
        texts = run(records, f"recall-{title}")
        for name in correctors(texts):
            score = score_recall(sentences, texts.before, texts.outputs[name])
            target = (
                f"recall >= {TARGET_RECALL[title]:.0%}: {mark(score.restored >= TARGET_RECALL[title] * score.scored)}"
            )
            print(
                f"  {title if name == NOW else '':<10} {name:<28} {len(sentences):8d} "
                f"{pct(score.restored, score.scored):>9} "
                f"{pct(score.wrong, score.scored):>9} {pct(score.missed, score.scored):>8} {score.lost:5d}  "
                f"{target if name == NOW else ''}"
            )
            if name == NOW and score.wrong_examples:
                print(f"  {'':<10} wrong fixes: " + "; ".join(score.wrong_examples))
            if name == NOW and score.other_variety:
                print(
                    f"  {'':<10} restored as the other spelling variety writes the word ({len(score.other_variety)}): "
                    + "; ".join(score.other_variety)
                )


def section_splits(run: Callable[[Sequence[dict[str, str]], str], Texts], known: Callable[[str], bool]) -> None:
    items = run_together_set(known)
    texts = run([{"id": str(number), "text": item.text} for number, item in enumerate(items)], "splits")
    print(f"\n3. Run-together words: {len(items):,} paragraphs, each with the space between two words removed")
    print(f"  {'':<28} {'split right':>11} {'collapsed':>9} {'other':>6} {'missed':>7} {'lost':>5}  target")
    for name in correctors(texts):
        score = score_splits(items, texts.before, texts.outputs[name])
        target = (
            f"right >= {TARGET_SPLITS:.0%}: {mark(score.right >= TARGET_SPLITS * score.scored)}, "
            f"collapsed 0: {mark(score.collapsed == 0)}"
        )
        print(
            f"  {name:<28} {pct(score.right, score.scored):>11} {score.collapsed:9d} {score.other:6d} "
            f"{score.missed:7d} {score.lost:5d}  {target if name == NOW else ''}"
        )
        if name == NOW and score.examples:
            print("    " + "\n    ".join(score.examples))


def section_isolated(now: Corrector, before: Corrector, baseline: Baseline) -> None:
    sets = {
        "Norvig spell-testset1": norvig("spell-testset1.txt"),
        "Norvig spell-testset2": norvig("spell-testset2.txt"),
        "Wikipedia list": misspellings(),
    }
    print(
        f"\n4. Isolated accuracy: each misspelling alone in {TEMPLATE.format('...')!r}; a hit is any listed correction"
    )
    print(f"  {'':<24} {'':<28} {'pairs':>6} {'correct':>8} {'wrong fix':>9} {'unchanged':>9}")
    for set_name, pairs in sets.items():
        words = sorted(pairs)
        texts = [TEMPLATE.format(word) for word in words]
        docs = [
            Document(id=str(i), source="isolated", text=text, language="en", language_score=1.0)
            for i, text in enumerate(texts)
        ]
        base = baseline.fresh()
        outputs = {
            NOW: now.correct(docs),
            BEFORE: before.correct(docs),
            BASELINE: {str(i): base.correct(text) for i, text in enumerate(texts)},
        }
        for name, out in outputs.items():
            if not out:
                continue
            right = sum(out[str(i)] in {TEMPLATE.format(c) for c in pairs[w]} for i, w in enumerate(words))
            same = sum(out[str(i)] == text for i, text in enumerate(texts))
            print(
                f"  {set_name if name == NOW else '':<24} {name:<28} {len(words):6d} {pct(right, len(words)):>8} "
                f"{pct(len(words) - right - same, len(words)):>9} {pct(same, len(words)):>9}"
            )


def section_holbrook(now: Corrector, before: Corrector, baseline: Baseline) -> None:
    """Held out (never used to tune the stage): children's writing with every misspelling tagged
    by hand in place. A change is a fix when it gives what was meant, a wrong fix when it changes a
    tagged misspelling into anything else, and damage elsewhere."""
    passages = holbrook()
    docs = [Document(id=p.key, source="holbrook", text=p.text, language="en", language_score=1.0) for p in passages]
    base = baseline.fresh()
    outputs = {
        NOW: now.correct(docs),
        BEFORE: before.correct(docs),
        BASELINE: {p.key: base.correct(p.text) for p in passages},
    }
    tokens = count_tokens([p.text for p in passages])
    tagged = sum(1 for p in passages for _, _, meant in p.errors if meant != "?")
    print(
        f"\n5. Held out: Holbrook's tagged children's writing ({len(passages)} passages, {tokens:,} tokens, "
        f"{tagged:,} tagged misspellings), in process, each passage English"
    )
    print(
        f"  {'':<28} {'changes':>7} {'fixes':>6} {'wrong':>6} {'damage':>6} {'precision':>9} "
        f"{'damage/1k':>9} {'recall':>7}"
    )
    for name, out in outputs.items():
        if not out:
            continue
        counts: Counter[str] = Counter()
        examples: list[str] = []
        for passage in passages:
            for change in changes(passage.text, out[passage.key]):
                meant = [m for start, end, m in passage.errors if start < change.end and change.start < end]
                kind = "damage" if not meant else "fix" if _plain(change.after) in map(_plain, meant) else "wrong"
                counts[kind] += 1
                if kind != "fix" and len(examples) < 8:
                    examples.append(f"{kind} {change.before} -> {change.after}" + (f" ({meant[0]})" if meant else ""))
        made = sum(counts.values())
        print(
            f"  {name:<28} {made:7d} {counts['fix']:6d} {counts['wrong']:6d} {counts['damage']:6d} "
            f"{pct(counts['fix'], made):>9} {1000 * counts['damage'] / tokens:9.3f} {pct(counts['fix'], tagged):>7}"
        )
        if name == NOW and examples:
            print(f"  {'':<28} not fixes: " + "; ".join(examples))


def _plain(text: str) -> str:
    return " ".join(re.findall(r"[a-z']+", text.lower()))


def _clear_caches(prefix: str) -> None:
    """Empty every per-process cache of a stage's modules (word lists, pair counts, per-word
    decisions, edit costs), so the measured time includes filling them, as in a fresh worker."""
    for name, module in list(sys.modules.items()):
        if name == prefix or name.startswith(prefix + "."):
            for value in vars(module).values():
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()


def section_speed(stories: int | None, repeats: int, now: Corrector, before: Corrector, baseline: Baseline) -> None:
    texts = [story["text"] for story in reuters_stories(stories)]
    tokens = count_tokens(texts)
    print(
        f"\n6. Speed: {len(texts):,} Reuters stories ({tokens:,} tokens), one process, CPU seconds, "
        f"{repeats} runs each (the machine is shared: the spread shows how much)"
    )
    print(f"  {'':<28} {'tokens/s min':>12} {'median':>10} {'max':>10}  target")
    docs = [
        Document(id=str(i), source="speed", text=text, language="en", language_score=1.0)
        for i, text in enumerate(texts)
    ]
    rates: dict[str, list[float]] = defaultdict(list)
    for _ in range(repeats):
        for name, corrector, prefix in ((NOW, now, "corpus.stages.typos"), (BEFORE, before, typos_before.PACKAGE)):
            if corrector.stage is None:
                continue
            _clear_caches(prefix)
            if hasattr(corrector.stage, "_settled"):
                corrector.stage._settled.clear()
            started = time.process_time()
            corrector.correct(docs)
            rates[name].append(tokens / (time.process_time() - started))
        base = baseline.fresh()
        for text in texts:
            base.correct(text)
        rates[BASELINE].append(tokens / base.seconds)
    for name, values in rates.items():
        target = f">= {TARGET_SPEED:,}: {mark(statistics.median(values) >= TARGET_SPEED)}" if name == NOW else ""
        print(f"  {name:<28} {min(values):12,.0f} {statistics.median(values):10,.0f} {max(values):10,.0f}  {target}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--speed-stories", type=int, default=None, help="Reuters stories for the speed section (all)")
    parser.add_argument("--speed-repeats", type=int, default=3)
    parser.add_argument("--only", default=",".join(SECTIONS), help=f"comma-separated: {','.join(SECTIONS)}")
    args = parser.parse_args(argv)
    only = [name.strip() for name in args.only.split(",") if name.strip()]
    for name in only:
        if name not in SECTIONS:
            parser.error(f"unknown section {name!r}; choose from {', '.join(SECTIONS)}")
    started = time.perf_counter()
    old = typos_before.load()
    now, before = Corrector(stage_module()), Corrector(old)
    print(
        f"typos benchmark: the stage now; before = commit {typos_before.COMMIT[:7]}"
        f"{'' if before.stage else ' ' + str(old)}; baseline pyspellchecker {version('pyspellchecker')}"
    )
    baseline = Baseline()
    reuters, seen = injected_sentences(3000)
    print(
        f"{len(reuters):,} Reuters sentences with an injected misspelling (every usable one of the list), "
        f"from {seen:,} usable sentences of {len({s.story for s in reuters}):,} stories"
    )
    with tempfile.TemporaryDirectory() as tmp:

        def run(records: Sequence[dict[str, str]], name: str) -> Texts:
            return run_texts(records, Path(tmp) / name, args.workers, baseline, before)

        if "precision" in only:
            section_precision(run, reuters)
            section_seeds(run)
        if "recall" in only:
            section_recall(run, reuters)
        if "splits" in only:
            from corpus.stages.typos import spelling

            section_splits(run, lambda word: spelling.known(word, "en", now.stage.config))
    if "isolated" in only:
        section_isolated(now, before, baseline)
    if "holbrook" in only:
        section_holbrook(now, before, baseline)
    if "speed" in only:
        section_speed(args.speed_stories, args.speed_repeats, now, before, baseline)
    print(
        f"\ntargets: precision >= {TARGET_PRECISION:.0%} of changes on each kind of text, damage <= "
        f"{TARGET_ZYTE_DAMAGE} per 1,000 tokens on Zyte's bodies, no punctuation-only change; recall in context >= "
        f"{TARGET_RECALL['Reuters']:.0%} on Reuters, >= {TARGET_RECALL['CleanEval']:.0%} on CleanEval; >= "
        f"{TARGET_SPLITS:.0%} of run-together words split right, none collapsed; >= {TARGET_SPEED:,} tokens/s per core"
    )
    print(f"total {time.perf_counter() - started:.0f} s")


if __name__ == "__main__":
    main()

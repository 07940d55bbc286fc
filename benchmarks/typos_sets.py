"""The typos benchmark's data: Reuters sentences, injected misspellings, the test-set pairs, and token diffs.

Read from the shared data (never copied into the repo). See `benchmarks.bench_typos` for what is
measured and why.
"""

from __future__ import annotations

import difflib
import html
import random
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from benchmarks.bench_pipeline import reuters_stories
from benchmarks.data import data_dir

WIKIPEDIA = "typos-wikipedia-common-misspellings"
NORVIG = "typos-norvig-spell-testsets"
SEED = 5  # issue 5; any fixed value: the same sentences, words and misspellings on every run

# What is counted per 1,000 tokens: words and numbers, with internal apostrophes, dots and hyphens
# ("don't", "U.S", "Suk-yeol", "1,750" is two tokens); punctuation is not a token.
TOKEN = re.compile(r"\w+(?:['’.\-]\w+)*")
_WORD = re.compile(r"[A-Za-z]+")  # a candidate for injection: plain ASCII letters, as the list is
_PARAGRAPH = re.compile(r"\n(?=[ \t]+\S)|\n\s*\n")  # Reuters paragraphs start with an indented line
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"']?\s+(?=[\"']?[A-Z])")
# Never a sentence end: titles and the abbreviations frequent in Reuters.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st jr sr co corp inc ltd plc bros no nos vs jan feb mar apr jun jul aug sep sept oct nov dec"
    " gen gov sen rep lt col sgt prof dept est approx fig".split()
)
_TABLE_LINE = re.compile(r"\S {3,}\S|\.{3,}|\t")  # columns or dot leaders


@dataclass(frozen=True, slots=True)
class Sentence:
    """One clean sentence of a story; with `injected`, one word replaced by a listed misspelling."""

    story: str
    text: str  # clean
    start: int = 0  # the replaced word's offset in `text` (and in `injected`)
    word: str = ""  # the word as written in the clean text
    typo: str = ""  # its misspelling, case of `word` kept

    @property
    def injected(self) -> str:
        return self.text[: self.start] + self.typo + self.text[self.start + len(self.word) :]


def split_sentences(text: str) -> list[str]:
    """A Reuters story's body as sentences: title, tables and ALL-CAPS lines skipped, lines re-joined."""
    body = text.split("\n\n", 1)[1] if "\n\n" in text else text  # the first block is the headline
    sentences = []
    for paragraph in _PARAGRAPH.split(body):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        if not lines or any(_TABLE_LINE.search(line.strip()) for line in lines):
            continue
        joined = " ".join(html.unescape(" ".join(lines)).split())
        start = 0
        for match in _SENTENCE_END.finditer(joined):
            before = joined[start : match.start()].rsplit(None, 1)[-1].rstrip(".!?\"'").lower()
            if before in _ABBREVIATIONS or len(before) == 1 or re.fullmatch(r"(?:\w\.)+\w", before):
                continue  # "Mr. Baker", "U.S. officials", "J.P. Morgan"
            sentences.append(joined[start : match.end()].strip())
            start = match.end()
        sentences.append(joined[start:].strip())
    return [s for s in sentences if _usable(s)]


def _usable(sentence: str) -> bool:
    words = sentence.split()
    letters = [c for c in sentence if c.isalpha()]
    return (
        8 <= len(words) <= 40
        and sentence[0].isupper()
        and sentence[-1] in ".!?\"'"
        and "<" not in sentence and ">" not in sentence  # tickers: <SRD>
        and sum(c.isupper() for c in letters) < 0.5 * len(letters)  # ALL-CAPS headlines in the body
    )


def misspellings(name: str = "wikipedia-common-misspellings.tsv") -> dict[str, set[str]]:
    """misspelling -> its listed corrections (193 of the Wikipedia list's have several)."""
    pairs: dict[str, set[str]] = defaultdict(set)
    for line in (data_dir() / WIKIPEDIA / name).read_text("ascii").splitlines():
        if "\t" in line:
            wrong, right = line.split("\t", 1)
            pairs[wrong.strip()].add(right.strip())
    return dict(pairs)


def norvig(name: str) -> dict[str, set[str]]:
    """misspelling -> corrections, from `spell-testset1.txt` or `spell-testset2.txt`."""
    pairs: dict[str, set[str]] = defaultdict(set)
    for line in (data_dir() / NORVIG / name).read_text("ascii").splitlines():
        if ":" in line:
            right, wrongs = line.split(":", 1)
            for wrong in wrongs.split():
                pairs[wrong].add(right.strip())
    return dict(pairs)


def with_case(word: str, like: str) -> str:
    """`word` in the case of `like`: "Imporved" for ("imporved", "Improved")."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def injected_sentences(count: int, *, seed: int = SEED) -> tuple[list[Sentence], int]:
    """`count` Reuters sentences, each with one word replaced by one of its Wikipedia misspellings.

    Only misspellings listed for a plain lowercase word, each used at most once (an ambiguous one,
    `thier` for their or there, is put only in place of one of its corrections, and counts as
    restored only as that word). Stories are read in file order and their usable sentences in order; a sentence joins
    when one of its words (lowercase, or capitalised at the start) is a listed correction with a
    misspelling still unused, then a seeded choice picks the word and the misspelling. Returns the
    sentences and how many usable sentences were looked at.
    """
    by_word: dict[str, list[str]] = defaultdict(list)
    for wrong, rights in sorted(misspellings().items()):
        for right in sorted(rights):
            if _WORD.fullmatch(right) and _WORD.fullmatch(wrong) and right.islower():
                by_word[right].append(wrong)
    used: set[str] = set()
    rng = random.Random(seed)
    chosen: list[Sentence] = []
    seen = 0
    for story in reuters_stories():
        for text in split_sentences(story["text"]):
            seen += 1
            options = []
            for match in _WORD.finditer(text):
                word = match.group(0)
                lower = word.lower()
                if word != lower and not (match.start() == 0 and word == lower.capitalize()):
                    continue  # names and acronyms are not what the list misspells
                if any(w not in used for w in by_word.get(lower, ())):
                    options.append((match.start(), word))
            if not options:
                continue
            start, word = rng.choice(options)
            typo = rng.choice([w for w in by_word[word.lower()] if w not in used])
            used.add(typo)
            chosen.append(Sentence(story["id"], text, start, word, with_case(typo, word)))
            if len(chosen) == count:
                return chosen, seen
    return chosen, seen


@dataclass(frozen=True, slots=True)
class Change:
    """Tokens a corrector replaced: offsets in the text it was given, and what it wrote instead."""

    start: int
    end: int
    before: str
    after: str
    tokens: int  # changed tokens (the longer side), what "changes per 1,000 tokens" counts


def changes(before: str, after: str) -> list[Change]:
    """The token-level differences between a text and its corrected version."""
    if before == after:
        return []
    a = [(m.group(0), m.start(), m.end()) for m in TOKEN.finditer(before)]
    b = [m.group(0) for m in TOKEN.finditer(after)]
    b_spans = [(m.start(), m.end()) for m in TOKEN.finditer(after)]
    matcher = difflib.SequenceMatcher(None, [t for t, _, _ in a], b, autojunk=False)
    found = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        start = a[i1][1] if i1 < len(a) else len(before)
        end = a[i2 - 1][2] if i2 > i1 else start
        after_text = after[b_spans[j1][0] : b_spans[j2 - 1][1]] if j2 > j1 else ""
        found.append(Change(start, end, before[start:end], after_text, max(i2 - i1, j2 - j1)))
    return found


def context(text: str, change: Change, width: int = 40) -> str:
    """`...left [before -> after] right...` on one line."""
    left = text[max(0, change.start - width) : change.start].split("\n")[-1]
    right = text[change.end : change.end + width].split("\n")[0]
    return f"...{left}[{change.before} -> {change.after}]{right}..."


def count_tokens(texts: Sequence[str]) -> int:
    return sum(len(TOKEN.findall(text)) for text in texts)

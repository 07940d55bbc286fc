"""The typos benchmark's data: Reuters sentences, injected misspellings, the test-set pairs, and token diffs.

Read from the shared data (never copied into the repo). See `benchmarks.bench_typos` for what is
measured and why.
"""

from __future__ import annotations

import difflib
import functools
import gzip
import html
import json
import random
import re
import tarfile
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from benchmarks.bench_pipeline import reuters_stories
from benchmarks.data import data_dir

WIKIPEDIA = "typos-wikipedia-common-misspellings"
NORVIG = "typos-norvig-spell-testsets"
HOLBROOK = "typos-birkbeck-holbrook"
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
        and "<" not in sentence
        and ">" not in sentence  # tickers: <SRD>
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


@dataclass(frozen=True, slots=True)
class Tagged:
    """One writer's passage of Holbrook's corpus as written, with each tagged error: (start, end,
    what was meant) in `text`."""

    key: str
    text: str
    errors: tuple[tuple[int, int, str], ...]


_ERROR_TAG = re.compile(r"<ERR targ=(.*?)> (.*?) </ERR>")
_WRITER = re.compile(r"^[A-Z][A-Z .'-]+ page \d+\s*$", re.MULTILINE)  # "NIGEL THRUSH page 48"


def holbrook() -> list[Tagged]:
    """Mitton's tagged Holbrook corpus (children's free writing, 1964), a passage per writer: a
    held-out set, never used to tune the stage, with every misspelling tagged in place."""
    raw = (data_dir() / HOLBROOK / "holbrook-tagged.dat").read_text("ascii", errors="replace")
    starts = [m.start() for m in _WRITER.finditer(raw)] + [len(raw)]
    passages = []
    for number, (start, end) in enumerate(zip(starts, starts[1:])):
        text, errors, last = "", [], 0
        chunk = raw[start:end]
        for tag in _ERROR_TAG.finditer(chunk):
            text += chunk[last : tag.start()]
            errors.append((len(text), len(text) + len(tag.group(2)), tag.group(1)))
            text += tag.group(2)
            last = tag.end()
        passages.append(Tagged(f"holbrook-{number}", text + chunk[last:], tuple(errors)))
    return passages


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


# ------------------------------------------------------------------ labelled truth

_LABEL_WORD = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*")


def read_labels(path: Path) -> dict[str, str]:
    """misspelling -> what was meant, from a `benchmarks/typos_labels/*.tsv` file."""
    rows = (line.split("\t") for line in path.read_text("utf-8").splitlines() if line and not line.startswith("#"))
    return {wrong: right for wrong, right in rows}


def classify(change: Change, labels: dict[str, str]) -> str:
    """ "fix" (every changed word is a listed misspelling and became what was meant), "wrong fix"
    (listed, but became something else) or "damage" (a change to a word not listed). Words are
    compared one by one, so one change may hold two neighbouring fixes, and a split ("eitherin" ->
    "either in") is one word becoming two."""
    before, after = _LABEL_WORD.findall(change.before), _LABEL_WORD.findall(change.after)
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    kinds = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            continue
        if i2 - i1 != 1:  # words removed, added, or two joined into one: nothing listed does that
            return "damage"
        word, became = before[i1], " ".join(after[j1:j2])
        meant = _meant(word, labels)
        if meant is None:
            return "damage"
        kinds.append("fix" if became == meant else "wrong fix")
    return "fix" if kinds and all(kind == "fix" for kind in kinds) else ("wrong fix" if kinds else "damage")


_WITH_PUNCTUATION = re.compile(r"\w+(?:['’.\-]\w+)*|[^\w\s]")


def _meant(word: str, labels: dict[str, str]) -> str | None:
    """What a listed word meant, in its case; a possessive's word too ("govvernment's")."""
    if word in labels:
        return labels[word]
    if word.lower() in labels:
        return with_case(labels[word.lower()], word)
    for ending in ("'s", "’s"):
        if word.endswith(ending) and (meant := _meant(word[: -len(ending)], labels)):
            return meant + ending
    return None


def punctuation_only(before: str, after: str) -> int:
    """How many changes between two texts add or remove only punctuation ("Siever" -> "Siever.",
    "dont" -> "don't"): a diff of word and punctuation tokens, whose changed runs hold the same
    letters and digits."""
    if before == after:
        return 0
    a, b = _WITH_PUNCTUATION.findall(before), _WITH_PUNCTUATION.findall(after)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return sum(
        1
        for op, i1, i2, j1, j2 in matcher.get_opcodes()
        if op != "equal" and _alnum(a[i1:i2]) == _alnum(b[j1:j2]) and _words(a[i1:i2]) == _words(b[j1:j2])
    )


def _words(tokens: Sequence[str]) -> int:
    return sum(1 for token in tokens if token[0].isalnum())


def _alnum(tokens: Sequence[str]) -> str:
    return "".join(c for token in tokens for c in token if c.isalnum())


# ------------------------------------------------------------------ web text

ZYTE = "boilerplate-zyte-article-extraction-benchmark"
CLEANEVAL = "boilerplate-cleaneval"
DOLMA = "webtext-commoncrawl-samples/dolma-cc"
WEB_PAGES = "boilerplate-trafilatura-eval/html"
CLEANEVAL_SEED, CLEANEVAL_PARAGRAPHS, CLEANEVAL_MIN_TOKENS = 14, 2000, 15
_CLEANEVAL_MARK = re.compile(r"<([phl])>", re.IGNORECASE)
_CLEANEVAL_URL = re.compile(r"\A\ufeff?\s*URL:[^\n]*\n")


def zyte_bodies() -> list[dict[str, str]]:
    """The gold article bodies of Zyte's 181 pages (professional web journalism, a few not English)."""
    gold = json.loads((data_dir() / ZYTE / "ground-truth.json").read_text("utf-8"))
    return [{"id": key, "text": page["articleBody"]} for key, page in sorted(gold.items())]


def dolma_cc() -> list[dict[str, str]]:
    """The 30 Common Crawl documents of Dolma's test data (news, forums, shops, comment threads)."""
    records = []
    for path in sorted((data_dir() / DOLMA).glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            for number, line in enumerate(lines):
                records.append({"id": f"{path.name.split('.')[0]}-{number}", "text": json.loads(line)["text"]})
    return records


def web_pages() -> list[dict[str, str]]:
    """The main text of trafilatura's 258 evaluation pages (blogs, news, shops, forums, recipes,
    software docs, several languages), as `corpus clean` reads an HTML page by default."""
    from corpus.readers.html import html_page

    pages = []
    for path in sorted((data_dir() / WEB_PAGES).glob("*.html.gz")):
        text = html_page(gzip.decompress(path.read_bytes()), mode="main").text
        if text.strip():
            pages.append({"id": path.name.removesuffix(".html.gz"), "text": text})
    return pages


@functools.cache
def cleaneval_paragraphs() -> list[tuple[str, str]]:
    """(page, paragraph) of CleanEval's gold texts: 2,000 `<p>` paragraphs of 15 tokens or more, drawn
    with a fixed seed from its 739 pages (web pages of 2006-2007 of every kind), in page order."""
    paragraphs = []
    with tarfile.open(data_dir() / CLEANEVAL / "cleaneval.tar.xz") as tar:
        for member in tar.getmembers():
            if "/gold/" not in member.name or not member.name.endswith(".txt"):
                continue
            raw = tar.extractfile(member).read()  # type: ignore[union-attr]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError:  # 48 gold files are Latin-1/cp1252
                text = raw.decode("cp1252", "replace")
            parts = _CLEANEVAL_MARK.split(_CLEANEVAL_URL.sub("", text))
            page = member.name.split("/", 1)[1]
            for kind, body in zip(parts[1::2], parts[2::2], strict=True):
                paragraph = " ".join(html.unescape(body).split())
                if kind.lower() == "p" and len(TOKEN.findall(paragraph)) >= CLEANEVAL_MIN_TOKENS:
                    paragraphs.append((page, paragraph))
    paragraphs.sort(key=lambda item: item[0])
    chosen = random.Random(CLEANEVAL_SEED).sample(range(len(paragraphs)), CLEANEVAL_PARAGRAPHS)
    return [paragraphs[index] for index in sorted(chosen)]


def cleaneval_documents(paragraphs: Sequence[str] | None = None) -> list[dict[str, str]]:
    """One document per page: its chosen paragraphs (or these replacements of them), a blank line apart."""
    by_page: dict[str, list[str]] = defaultdict(list)
    for (page, _original), text in zip(
        cleaneval_paragraphs(), paragraphs or [p for _, p in cleaneval_paragraphs()], strict=True
    ):
        by_page[page].append(text)
    return [{"id": page, "text": "\n\n".join(texts) + "\n"} for page, texts in by_page.items()]


def inject(paragraphs: Sequence[tuple[str, str]], seed: int, skip: frozenset[str] = frozenset()) -> list[Sentence]:
    """Each paragraph with one word replaced by one of its Wikipedia misspellings, as for Reuters
    (lowercase words, or capitalised at the start; each misspelling once; seeded), but misspellings
    in `skip` (those used on Reuters) are not used again. A paragraph with no such word is kept as is
    (its Sentence has no typo). `paragraphs` are (page, text)."""
    by_word: dict[str, list[str]] = defaultdict(list)
    for wrong, rights in sorted(misspellings().items()):
        for right in sorted(rights):
            if _WORD.fullmatch(right) and _WORD.fullmatch(wrong) and right.islower() and wrong not in skip:
                by_word[right].append(wrong)
    used: set[str] = set()
    rng = random.Random(seed)
    result = []
    for page, text in paragraphs:
        options = [
            (m.start(), m.group())
            for m in _WORD.finditer(text)
            if (m.group().islower() or (m.start() == 0 and m.group() == m.group().lower().capitalize()))
            and any(w not in used for w in by_word.get(m.group().lower(), ()))
            and (m.start() == 0 or not text[m.start() - 1].isalnum())
            and not text[m.end() : m.end() + 1].isalnum()
        ]
        if not options:
            result.append(Sentence(page, text))
            continue
        start, word = rng.choice(options)
        typo = rng.choice([w for w in by_word[word.lower()] if w not in used])
        used.add(typo)
        result.append(Sentence(page, text, start, word, with_case(typo, word)))
    return result


# ------------------------------------------------------------------ run-together words

RUN_TOGETHER_SEED, RUN_TOGETHER_PAIRS = 7, 1000


@dataclass(frozen=True, slots=True)
class RunTogether:
    """A paragraph with the space between two words removed: `text[start:start+len(joined)]` is the
    joined word, and `first + " " + second` what it was."""

    text: str
    start: int
    first: str
    second: str

    @property
    def joined(self) -> str:
        return self.first + self.second


def run_together_set(known: Callable[[str], bool]) -> list[RunTogether]:
    """1,000 paragraphs of Zyte's bodies and CleanEval's gold (half each), each with the space between
    two neighbouring words removed, at random (seeded): two words of letters, the second in lower
    case, at least one of three letters or more, whose joined form is not itself a word (`known`:
    "any way" -> "anyway" is no error)."""
    rng = random.Random(RUN_TOGETHER_SEED)
    zyte = [
        p
        for record in zyte_bodies()
        for p in record["text"].split("\n\n")
        if len(TOKEN.findall(p)) >= CLEANEVAL_MIN_TOKENS and p.isascii()
    ]
    cleaneval = [p for _, p in cleaneval_paragraphs()]
    sources = [rng.sample(zyte, RUN_TOGETHER_PAIRS // 2), rng.sample(cleaneval, RUN_TOGETHER_PAIRS // 2)]
    found = []
    for paragraphs in sources:
        for text in paragraphs:
            pairs = [
                (a, b)
                for a, b in zip(_WORD.finditer(text), list(_WORD.finditer(text))[1:])
                if text[a.end() : b.start()] == " "
                and b.group().islower()
                and (a.group().islower() or a.group().istitle())
                and max(len(a.group()), len(b.group())) >= 3
                and not known(a.group().lower() + b.group())
                and (a.start() == 0 or text[a.start() - 1] not in "-'’")
                and text[b.end() : b.end() + 1] not in "-'’"
            ]
            if not pairs:
                continue
            a, b = rng.choice(pairs)
            found.append(RunTogether(text[: a.end()] + text[b.start() :], a.start(), a.group(), b.group()))
    return found

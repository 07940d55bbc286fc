"""The boilerplate benchmark's datasets (read from the shared data, never copied into the repo) and metrics.

See `benchmarks.bench_boilerplate` for what is measured and why.
"""

from __future__ import annotations

import functools
import gzip
import html
import json
import re
import statistics
import tarfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.data import data_dir

ZYTE = "boilerplate-zyte-article-extraction-benchmark"
CPE = "boilerplate-cleanportaleval"
CLEANEVAL = "boilerplate-cleaneval"
TRAF = "boilerplate-trafilatura-eval"

TOKEN = re.compile(r"\w+", re.UNICODE | re.MULTILINE | re.IGNORECASE | re.DOTALL)  # as evaluate.py
_WRAPPER_OPEN = re.compile(rb'\A\s*<text(?:\s+[\w-]+\s*=\s*"[^"]*")*\s*>')
_WRAPPER_CLOSE = re.compile(rb"</text>\s*\Z")
_GOLD_URL = re.compile(r"\A\ufeff?\s*URL:[^\n]*\n")
_GOLD_MARKER = re.compile(r"<[phl]>", re.IGNORECASE)
_WS = re.compile(r"\s+")


# ------------------------------------------------------------------ data


@dataclass(slots=True)
class Case:
    """One page or story: its input (text or HTML bytes) and its ground truth."""

    key: str
    text: str | None = None
    raw: bytes | None = None
    gold: str | None = None  # the main text (Zyte metric)
    snippets: dict[str, Any] | None = None  # trafilatura eval: {"with": [...], "without": [...]}
    url: str | None = None  # for the dump only; never written to the pipeline's input


def zyte_gold() -> dict[str, dict[str, str]]:
    gold: dict[str, dict[str, str]] = json.loads((data_dir() / ZYTE / "ground-truth.json").read_text("utf-8"))
    return gold


def zyte_text() -> list[Case]:
    visible = json.loads(gzip.decompress((data_dir() / ZYTE / "baseline-outputs" / "html-text.json.gz").read_bytes()))
    return [
        Case(key, text=visible["output"][key]["articleBody"], gold=g["articleBody"], url=g["url"])
        for key, g in sorted(zyte_gold().items())
    ]


def zyte_html() -> list[Case]:
    folder = data_dir() / ZYTE / "html"
    return [
        Case(key, raw=gzip.decompress((folder / f"{key}.html.gz").read_bytes()), gold=g["articleBody"], url=g["url"])
        for key, g in sorted(zyte_gold().items())
    ]


def cleaneval_format(archive: Path, prefix: str, tmp: Path) -> list[Case]:
    """CleanEval-format pairs from a tar.xz, unpacked into `tmp` (the data stays out of the repo)."""
    with tarfile.open(archive) as tar:
        tar.extractall(tmp, filter="data")
    cases = []
    for page in sorted((tmp / prefix / "input").glob("*.html"), key=lambda p: (len(p.stem), p.stem)):
        raw = page.read_bytes()
        wrapper = _WRAPPER_OPEN.match(raw)
        url = re.search(rb'id="([^"]*)"', wrapper.group(0)) if wrapper else None
        raw = _WRAPPER_CLOSE.sub(b"", raw[wrapper.end() :] if wrapper else raw)
        gold = cleaneval_gold((tmp / prefix / "gold" / f"{page.stem}.txt").read_bytes())
        cases.append(Case(page.stem, raw=raw, gold=gold, url=url.group(1).decode("utf-8", "replace") if url else None))
    return cases


def cleaneval_gold(data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:  # 48 CleanEval gold files are Latin-1/cp1252
        text = data.decode("cp1252", "replace")
    return html.unescape(_GOLD_MARKER.sub("", _GOLD_URL.sub("", text)))


def trafilatura_eval() -> list[Case]:
    base = data_dir() / TRAF
    items = json.loads((base / "evaldata-subset.json").read_text("utf-8"))
    return [
        Case(key, raw=gzip.decompress((base / "html" / f"{item['file']}.gz").read_bytes()), snippets=item, url=key)
        for key, item in sorted(items.items())
    ]


# ------------------------------------------------------------------ metrics


def shingles(text: str) -> Counter[tuple[str, ...]]:
    """evaluate.py's _ngrams: every token 4-gram; a text of 1-3 tokens is one shorter shingle."""
    tokens = TOKEN.findall(text or "")
    if len(tokens) < 4:
        return Counter([tuple(tokens)] if tokens else [])
    return Counter(zip(tokens, tokens[1:], tokens[2:], tokens[3:], strict=False))


@functools.cache
def _gold_shingles(gold: str) -> Counter[tuple[str, ...]]:
    return shingles(gold)


def tp_fp_fn(gold: str, pred: str) -> tuple[float, float, float]:
    """evaluate.py's string_shingle_matching: counts normalised to sum to 1 (all 0 if both empty)."""
    true, got = _gold_shingles(gold), shingles(pred)
    tp, fp, fn = float(sum((true & got).values())), float(sum((got - true).values())), float(sum((true - got).values()))
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def prf(counts: Sequence[tuple[float, float, float]]) -> tuple[float, float, float]:
    """evaluate.py's metrics_from_tp_fp_fns: P and R averaged over documents, F1 of the averages."""

    def precision(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fp == 0 else tp / (tp + fp)

    def recall(tp: float, fp: float, fn: float) -> float:
        return 1.0 if fp == fn == 0 else 0.0 if tp == fn == 0 else tp / (tp + fn)

    p = statistics.mean([precision(*c) for c in counts if c[0] + c[1] > 0] or [0.0])
    r = statistics.mean([recall(*c) for c in counts if c[0] + c[2] > 0] or [0.0])
    return p, r, 2 * p * r / (p + r) if p + r else 0.0


def page_f1(counts: tuple[float, float, float]) -> float:
    tp, fp, fn = counts
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def norm(text: str) -> str:
    return _WS.sub(" ", text).strip()


def snippet_counts(item: dict[str, Any], text: str) -> tuple[int, int, int, int]:
    """trafilatura's eval_common.count_item: whitespace-normalised substring matching."""
    found = norm(text)
    tp = sum(norm(s) in found for s in item["with"])
    fp = sum(norm(s) in found for s in item["without"])
    return tp, fp, len(item["with"]) - tp, len(item["without"]) - fp


def snippet_scores(counts: Sequence[tuple[int, int, int, int]]) -> tuple[float, float, float, float]:
    tp, fp, fn, tn = (sum(c[i] for c in counts) for i in range(4))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    accuracy = (tp + tn) / (tp + fp + fn + tn) if tp + fp + fn + tn else 0.0
    return precision, recall, accuracy, 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def words(text: str) -> int:
    return len(text.split())


# ------------------------------------------------------------------ article text lost

_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"'”’»)\]]*\s+")
MIN_SENTENCE_TOKENS = 5  # shorter gold pieces are labels and headings ("Related", "By Jane Doe")


def _token_line(text: str) -> str:
    return " " + " ".join(TOKEN.findall(text.lower())) + " "


def gold_sentences(gold: str) -> list[str]:
    """The gold's sentences (a line split after . ! ? …), as lowercased token strings, of 5 tokens or more."""
    found = []
    for line in gold.split("\n"):
        for piece in _SENTENCE_END.split(line):
            tokens = TOKEN.findall(piece.lower())
            if len(tokens) >= MIN_SENTENCE_TOKENS:
                found.append(" ".join(tokens))
    return found


def words_lost(gold: str, output: str) -> int:
    """Gold words (tokens, as a multiset) missing from the output."""
    return sum((Counter(TOKEN.findall(gold)) - Counter(TOKEN.findall(output))).values())


def sentences_lost(sentences: Sequence[str], before: str, output: str) -> list[str]:
    """The sentences (token strings) found in `before` (the page's text as a reader gives it) and not in
    `output`, whose words are not there either run together: readers space inline elements their own
    way ("tre<em>k</em>" is "tre k" in the visible text and the gold, "trek" in trafilatura's)."""
    had, kept = _token_line(before), _token_line(output)
    solid = kept.replace(" ", "")
    return [s for s in sentences if f" {s} " in had and f" {s} " not in kept and s.replace(" ", "") not in solid]

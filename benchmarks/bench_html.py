"""Side-by-side benchmark of HTML -> visible-text candidates for `corpus.readers.html`.

What the boilerplate stage needs from this step (and so what is measured):

* nothing of the article may be lost: token recall of the Zyte gold `articleBody`
  (multiset of `\\w+` tokens, per page, averaged; also the worst page and the number of
  pages below 99 %), plus the upstream 4-gram-shingle recall for comparison with the
  published Zyte numbers;
* one block per line: share of gold blocks (non-empty lines of `articleBody`) that come
  out as a whole output line ("exact"), and share that sit inside a longer line, glued to
  something else ("glued"); blocks are compared as `\\w+` token sequences so that
  punctuation-spacing guesses do not count as errors;
* chrome kept, on its own lines: on the trafilatura eval set, the share of `without`
  snippets (menus, footers, teasers) that are still present ("chrome kept", we want
  ~100 %: this is NOT extraction), the share of `with` snippets present, and the share of
  present chrome snippets that share a line with a main-text snippet ("chrome glued");
  on Zyte, output lines per page with no gold 4-gram (pure chrome lines);
* speed: pages/s and MB/s of raw HTML (best of 3 passes over the Zyte pages), extraction only (files are read
  and gunzipped beforehand). Candidates other than `ours` are given the already-decoded str; `ours`
  is `html_page(bytes)`, so its time includes charset sniffing and decoding.

Run: `python -m benchmarks.bench_html` from the repo root. Data:
`$CORPUS_BENCH_DATA` or `<repo>/../shared/benchmarks/data`.
"""

from __future__ import annotations

import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks.data import data_dir
from corpus.readers.decoding import decode
from corpus.readers.html import html_page, sniff_charset

ZYTE = "boilerplate-zyte-article-extraction-benchmark"
TRAF = "boilerplate-trafilatura-eval"
_TOKEN = re.compile(r"\w+")
REPEAT = 3  # timing passes per candidate; the best one counts


@dataclass(frozen=True, slots=True)
class Page:
    key: str
    raw: bytes
    text: str  # decoded once, handed to the str-based candidates


def _load(paths: list[tuple[str, Path]]) -> list[Page]:
    pages = []
    for key, path in paths:
        raw = gzip.decompress(path.read_bytes())
        pages.append(Page(key, raw, decode(raw, declared=sniff_charset(raw)).text))
    return pages


# ---------------------------------------------------------------- candidates


def _ours(page: Page) -> str:
    return html_page(page.raw).text


def _html_text(page: Page) -> str:
    import html_text

    return html_text.extract_text(page.text, guess_layout=True)


def _html2txt(page: Page) -> str:
    import trafilatura

    return trafilatura.html2txt(page.text)


def _html2txt_noclean(page: Page) -> str:
    import trafilatura

    return trafilatura.html2txt(page.text, clean=False)


def _baseline(page: Page) -> str:
    import trafilatura

    return trafilatura.baseline(page.text)[1]


def _lxml_floor(page: Page) -> str:
    """The floor: lxml's text_content() of <body> without scripts/styles, source newlines."""
    import lxml.html
    from lxml import etree

    try:
        root = lxml.html.document_fromstring(page.text.encode("utf-8"), parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, ValueError):
        return ""
    etree.strip_elements(root, "script", "style", "noscript", "template", etree.Comment, with_tail=False)
    body = root.find("body")
    return str((body if body is not None else root).text_content())


def _available() -> list[tuple[str, Callable[[Page], str]]]:
    out: list[tuple[str, Callable[[Page], str]]] = [("ours (html_page)", _ours)]
    try:
        import html_text  # noqa: F401

        out.append(("html-text extract_text", _html_text))
    except ImportError:
        print("html-text not installed: skipped", file=sys.stderr)
    try:
        import trafilatura  # noqa: F401

        out += [
            ("trafilatura html2txt", _html2txt),
            ("trafilatura html2txt clean=F", _html2txt_noclean),
            ("trafilatura baseline", _baseline),
        ]
    except ImportError:
        print("trafilatura not installed: skipped", file=sys.stderr)
    out.append(("lxml text_content (floor)", _lxml_floor))
    return out


# ---------------------------------------------------------------- metrics


def _tokens(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _tokseq(text: str) -> str:
    return " ".join(_tokens(text))


def _lines(text: str) -> list[str]:
    return [line for line in (raw.strip() for raw in text.splitlines()) if line]


def _shingles(tokens: list[str], n: int = 4) -> Counter[tuple[str, ...]]:
    return Counter(tuple(tokens[i : i + n]) for i in range(max(len(tokens) - n + 1, 1)))


def _recall(gold: Counter[Any], got: Counter[Any]) -> float:
    total = sum(gold.values())
    return 1.0 if total == 0 else sum((gold & got).values()) / total


@dataclass(slots=True)
class Row:
    name: str
    pages_s: float = 0.0
    mb_s: float = 0.0
    tok_recall: float = 0.0
    min_recall: float = 0.0
    below99: int = 0
    shingle_recall: float = 0.0
    exact: float = 0.0
    glued: float = 0.0
    lines_page: float = 0.0
    chrome_lines_page: float = 0.0
    with_found: float = 0.0
    chrome_kept: float = 0.0
    chrome_glued: float = 0.0
    errors: int = 0


def _run(fn: Callable[[Page], str], pages: list[Page], row: Row, repeat: int = 1) -> tuple[list[str], float]:
    """Outputs of one pass, and the best time of `repeat` passes (the machine is shared)."""
    best = float("inf")
    outs: list[str] = []
    for _ in range(repeat):
        outs, errors = [], 0
        start = time.perf_counter()
        for page in pages:
            try:
                outs.append(fn(page))
            except Exception:  # noqa: BLE001 - a crash is a measured result, not a stop
                errors += 1
                outs.append("")
        best = min(best, time.perf_counter() - start)
    row.errors += errors
    return outs, best


def _zyte(row: Row, fn: Callable[[Page], str], pages: list[Page], gold: dict[str, Any]) -> None:
    outs, secs = _run(fn, pages, row, repeat=REPEAT)
    row.pages_s = len(pages) / secs
    row.mb_s = sum(len(p.raw) for p in pages) / secs / 1e6
    recalls, shingle_recalls, lines_n, chrome_n = [], [], [], []
    blocks = exact = glued = 0
    for page, out in zip(pages, outs, strict=True):
        body = gold[page.key]["articleBody"]
        out_tokens = _tokens(out)
        recalls.append(_recall(Counter(_tokens(body)), Counter(out_tokens)))
        shingle_recalls.append(_recall(_shingles(_tokens(body)), _shingles(out_tokens)))
        lines = [_tokseq(line) for line in _lines(out)]
        line_set = set(lines)
        padded = [f" {line} " for line in lines]
        for block in _lines(body):
            seq = _tokseq(block)
            if not seq:
                continue
            blocks += 1
            if seq in line_set:
                exact += 1
            elif any(f" {seq} " in line for line in padded):
                glued += 1
        gold_sh = _shingles(_tokens(body))
        lines_n.append(len(lines))
        chrome_n.append(sum(1 for line in lines if not any(s in gold_sh for s in _shingles(line.split()))))
    row.tok_recall = statistics.mean(recalls)
    row.min_recall = min(recalls)
    row.below99 = sum(r < 0.99 for r in recalls)
    row.shingle_recall = statistics.mean(shingle_recalls)
    row.exact = exact / blocks
    row.glued = glued / blocks
    row.lines_page = statistics.mean(lines_n)
    row.chrome_lines_page = statistics.mean(chrome_n)


def _traf(row: Row, fn: Callable[[Page], str], pages: list[Page], gold: dict[str, Any]) -> None:
    outs, _ = _run(fn, pages, row)
    with_n = with_hit = wo_n = wo_hit = wo_glued = 0
    for page, out in zip(pages, outs, strict=True):
        whole = f" {_tokseq(out)} "
        lines = [f" {_tokseq(line)} " for line in _lines(out)]
        withs = [f" {s} " for s in map(_tokseq, gold[page.key]["with"]) if s]
        for snip in withs:
            with_n += 1
            with_hit += snip in whole
        for snip in (f" {s} " for s in map(_tokseq, gold[page.key]["without"]) if s):
            wo_n += 1
            if snip in whole:
                wo_hit += 1
                wo_glued += any(snip in line and any(w in line for w in withs) for line in lines)
    row.with_found = with_hit / with_n
    row.chrome_kept = wo_hit / wo_n
    row.chrome_glued = wo_glued / wo_hit if wo_hit else 0.0


def _table(rows: list[Row], n_zyte: int, n_traf: int) -> str:
    cols = [
        ("candidate", "name", "{}"),
        ("pages/s", "pages_s", "{:.0f}"),
        ("MB/s", "mb_s", "{:.1f}"),
        ("tokR", "tok_recall", "{:.4f}"),
        ("minR", "min_recall", "{:.3f}"),
        ("<.99", "below99", "{}"),
        ("4gR", "shingle_recall", "{:.4f}"),
        ("blk=line", "exact", "{:.3f}"),
        ("glued", "glued", "{:.3f}"),
        ("lines/pg", "lines_page", "{:.0f}"),
        ("chromeL/pg", "chrome_lines_page", "{:.0f}"),
        ("with", "with_found", "{:.3f}"),
        ("chromeKept", "chrome_kept", "{:.3f}"),
        ("chromeGlued", "chrome_glued", "{:.3f}"),
        ("err", "errors", "{}"),
    ]
    cells = [[h for h, _, _ in cols]] + [[fmt.format(getattr(row, attr)) for _, attr, fmt in cols] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(cols))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) for r in cells]
    lines.insert(1, "-" * len(lines[0]))
    legend = (
        f"\nZyte ({n_zyte} pages): speed, tokR = mean token recall of gold articleBody, minR = worst"
        " page, <.99 = pages under 99 %, 4gR = upstream 4-gram recall, blk=line = gold blocks"
        " that are a whole output line, glued = gold blocks inside a longer line, lines/pg,"
        " chromeL/pg = lines sharing no 4-gram with the gold body.\n"
        f"trafilatura eval ({n_traf} pages): with = main-text snippets present, chromeKept ="
        " boilerplate ('without') snippets present (want high), chromeGlued = present chrome"
        " snippets on a line that also holds a main-text snippet (want low).\n"
        "err = exceptions (counted as empty output)."
    )
    return "\n".join(lines) + legend


def main() -> None:
    base = data_dir()
    if not (base / ZYTE).is_dir():
        sys.exit(f"benchmark data not found under {base} (set CORPUS_BENCH_DATA)")
    zgold = json.loads((base / ZYTE / "ground-truth.json").read_text("utf-8"))
    zpages = _load([(k, base / ZYTE / "html" / f"{k}.html.gz") for k in sorted(zgold)])
    tgold = json.loads((base / TRAF / "evaldata-subset.json").read_text("utf-8"))
    tpages = _load([(k, base / TRAF / "html" / f"{v['file']}.gz") for k, v in sorted(tgold.items())])
    for _, fn in _available():  # warm up imports and lazy initialisation
        fn(zpages[0])
    rows = []
    for name, fn in _available():
        row = Row(name)
        _zyte(row, fn, zpages, zgold)
        _traf(row, fn, tpages, tgold)
        rows.append(row)
        print(f"done: {name}", file=sys.stderr)
    print(_table(rows, len(zpages), len(tpages)))
    print(f"versions: {_versions()}")


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for dist in ("html-text", "trafilatura", "lxml"):
        try:
            out.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            out.append(f"{dist} absent")
    return ", ".join(out) + f", python {sys.version.split()[0]}"


if __name__ == "__main__":
    main()

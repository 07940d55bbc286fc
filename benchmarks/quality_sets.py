"""The quality benchmark's data sets, read from the shared data (never copied into the repo).

Each is a list of (key, text); empty texts are left out (corpus drops them at read as
`empty_document`; datatrove's repetition filter drops them as `empty`: the same decision).
"""

from __future__ import annotations

import gzip
import html
import json
import tempfile
from pathlib import Path

from benchmarks.boilerplate_sets import CLEANEVAL, cleaneval_format, zyte_text
from benchmarks.data import data_dir

Texts = list[tuple[str, str]]
CC = "webtext-commoncrawl-samples"


def common_crawl() -> Texts:
    """Dolma's 30 cc_net documents (Common Crawl WET text after line dedup) and Common Crawl's own
    WET record of one Wikipedia page, read by corpus's WET reader."""
    from corpus.config import ReadConfig
    from corpus.readers import InputFile, read_input

    texts = []
    for path in sorted((data_dir() / CC / "dolma-cc").glob("*.jsonl.gz")):
        for line in gzip.decompress(path.read_bytes()).decode("utf-8").splitlines():
            record = json.loads(line)
            texts.append((f"dolma-cc:{record['id']}", record["text"]))
    wet = data_dir() / CC / "whirlwind" / "whirlwind.warc.wet.gz"
    for record in read_input(InputFile(wet, wet.name), ReadConfig()):
        texts.append((f"whirlwind:{record.source}", record.text))
    return _non_empty(texts)


def reuters() -> Texts:
    """Reuters-21578's 19,043 full stories (title and body; the briefs have no body), entities unescaped."""
    from benchmarks.bench_pipeline import reuters_stories

    return _non_empty([(story["id"], html.unescape(story["text"])) for story in reuters_stories()])


def zyte() -> tuple[Texts, Texts]:
    """Zyte's 181 news pages as html-text's visible text, and their gold article bodies."""
    cases = zyte_text()
    return (
        _non_empty([(f"zyte:{case.key}", case.text or "") for case in cases]),
        _non_empty([(f"zyte-gold:{case.key}", case.gold or "") for case in cases]),
    )


def cleaneval() -> tuple[Texts, Texts]:
    """CleanEval's 739 pages (dev and final) as corpus's HTML reader shows them, and their gold
    texts with the block markers stripped."""
    from corpus.readers.html import html_page

    archive = data_dir() / CLEANEVAL / "cleaneval.tar.xz"
    with tempfile.TemporaryDirectory() as tmp:
        cases = [
            (f"{part}:{case.key}", case)
            for part in ("final", "dev")
            for case in cleaneval_format(archive, f"cleaneval/{part}", Path(tmp))
        ]
    pages = [(f"cleaneval:{key}", html_page(case.raw or b"").text) for key, case in cases]
    gold = [(f"cleaneval-gold:{key}", case.gold or "") for key, case in cases]
    return _non_empty(pages), _non_empty(gold)


def all_sets() -> dict[str, Texts]:
    zyte_pages, zyte_gold = zyte()
    cleaneval_pages, cleaneval_gold = cleaneval()
    return {
        "Common Crawl": common_crawl(),
        "CleanEval pages": cleaneval_pages,
        "Zyte pages": zyte_pages,
        "CleanEval gold": cleaneval_gold,
        "Zyte gold": zyte_gold,
        "Reuters": reuters(),
    }


GOLD = ("CleanEval gold", "Zyte gold", "Reuters")  # edited text the default preset must keep


def _non_empty(texts: Texts) -> Texts:
    return [(key, text) for key, text in texts if text.strip()]

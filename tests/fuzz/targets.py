"""What each fuzzer feeds, and what must hold: a reader never raises, yields only documents and
drops with a known reason, and stays within the size limits; text and edits replay both ways,
and the word diff agrees with the one-edit-at-a-time model."""

from __future__ import annotations

import atexit
import gzip
import io
import random
import re
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import orjson
import polars as pl
import zstandard

from benchmarks.bench_replay import previous_document_diff
from corpus import edits
from corpus.audit.diff import document_diff
from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.edits import replay
from corpus.readers import InputFile, read_input
from corpus.readers.decoding import decode, looks_binary
from corpus.readers.webpage import UnparsedHtml
from corpus.stages.encoding import EncodingConfig, EncodingStage
from tests.conftest import DATA, SEEDS

# Every reason a read can give (docs/output.md's reasons table, stage `read`).
READ_REASONS = {
    "invalid_json",
    "not_an_object",
    "missing_text_field",
    "invalid_text_field",
    "invalid_metadata",
    "corrupt_file",
    "truncated_record",
    "format_mismatch",
    "binary_content",
    "empty_document",
    "unsupported_format",
    "unreadable_file",
    "no_main_text",
    "not_a_file",
    "broken_link",
    "unreadable_folder",
    "too_large",
}
# Small limits, so that a mutated length field cannot make a fuzzer hold gigabytes.
CONFIG = ReadConfig(max_document_bytes=1 << 20, max_expansion_ratio=100.0)
ENCODING = EncodingStage(EncodingConfig())
# Exceptions that mean a library tripped on a damaged input (warcio on a record without a URI
# raised AttributeError, polars on a cut footer ComputeError or a panic): the reader must report
# the file as corrupt, not leave it to the catch-all.
_BUGS = (
    "TypeError",
    "AttributeError",
    "KeyError",
    "IndexError",
    "AssertionError",
    "UnboundLocalError",
    "NameError",
    "ComputeError",
    "PanicException",
    "InvalidOperationError",
)


class Finding(Exception):
    """An input that breaks a promise: saved as a crash."""


@dataclass(frozen=True)
class Target:
    name: str
    check: Callable[[bytes], list[str]]  # raises on a crash; returns notes worth a look (soft findings)
    seeds: Callable[[], list[bytes]]
    compression: str | None = None  # mutate the text inside, then compress it this way (half the time)


FOLDER = Path(tempfile.mkdtemp(prefix="corpus-fuzz-"))  # where inputs are written to be read
atexit.register(shutil.rmtree, FOLDER, ignore_errors=True)


def read_file(name: str, data: bytes) -> list[str]:
    """Read `data` as a file called `name`, as a run does; check every record."""
    path = FOLDER / name
    path.write_bytes(data)
    notes = []
    for record in read_input(InputFile(path, name), CONFIG):
        if isinstance(record, UnparsedHtml):
            if len(record.data) > CONFIG.max_document_bytes:
                raise Finding(f"an HTML page of {len(record.data)} bytes passed the size limit")
            record = record.parse()
        if isinstance(record, ReadFailure):
            if record.reason not in READ_REASONS:
                raise Finding(f"unknown drop reason {record.reason!r}")
            if not isinstance(record.detail, str) or not record.detail:
                raise Finding(f"drop without detail: {record!r}")
            if record.reason == "unreadable_file":  # a reader library raised: worth a look
                note = re.sub(r"after \S+: ", "", record.detail)
                if note.startswith(_BUGS):  # a library's bug on a corrupt file, caught by the catch-all
                    raise Finding(f"a corrupt file read as unreadable_file: {note[:200]}")
                notes.append(note[:120])
            continue
        if not isinstance(record, Document) or not isinstance(record.text, str):
            raise Finding(f"not a document: {type(record).__name__}")
        if len(record.text.encode("utf-8", "surrogatepass")) > 4 * CONFIG.max_document_bytes:
            raise Finding(f"a document of {len(record.text)} characters passed the size limit")
        check_encoding_stage(record)
    return notes


def check_encoding_stage(doc: Document) -> None:
    """The stage that sees every document first: its edits replay both ways, exactly."""
    original, earlier = doc.text, len(doc.edits)
    ENCODING.apply(doc)
    made = doc.edits[earlier:]
    if replay(original, made) != doc.text or replay(doc.text, made, reverse=True) != original:
        raise Finding("the encoding stage's edits do not replay")


def check_decode(data: bytes) -> list[str]:
    for declared in (None, "utf-8", "shift_jis", "utf-16", "x-unknown", "latin-1"):
        decoded = decode(data, declared=declared)
        if not isinstance(decoded.text, str):
            raise Finding("decode gave no text")
    looks_binary(data)
    return []


def check_edits(data: bytes) -> list[str]:
    """The bytes drive a sequence of recorded changes on a text made from them; the result must
    replay both ways and give the same word diff as applying one edit at a time."""
    rng = random.Random(data)
    text = data.decode("utf-8", "replace")[:400]
    doc = Document(id="d", source="d", text=text)
    for _ in range(rng.randrange(1, 8)):
        action = rng.randrange(4)
        if action == 0:
            pattern = re.compile(rng.choice([r"\s+", r"\w", r"[aeiou]+", r".", r"\b", r"$", "\ufffd+", r"(?m)^"]))
            edits.substitute(doc, pattern, rng.choice(["", " ", "x", "\n", "«»"]), stage="fuzz", rule="sub")
        elif action == 1:
            chars = list(doc.text)
            for _ in range(rng.randrange(0, 6)):
                at = rng.randrange(len(chars) + 1)
                chars[at : at + rng.randrange(0, 4)] = rng.choice(["", "y", "zz", " \n"])
            edits.rewrite(doc, "".join(chars), stage="fuzz", rule="rewrite")
        elif action == 2 and doc.text:
            start = rng.randrange(len(doc.text) + 1)
            edits.replace(
                doc,
                start,
                min(len(doc.text), start + rng.randrange(5)),
                rng.choice(["", "q"]),
                stage="fuzz",
                rule="replace",
            )
        else:
            check_encoding_stage(doc)
    if replay(text, doc.edits) != doc.text or replay(doc.text, doc.edits, reverse=True) != text:
        raise Finding("edits do not replay")
    ours = document_diff("d", text, doc.edits)
    model = previous_document_diff("d", text, doc.edits)
    if ours.segments != model.segments or ours.original != text or ours.text != doc.text:
        raise Finding("the word diff differs from applying one edit at a time")
    return []


# ---- seeds: real files of each format ------------------------------------------------------


@cache
def seed_texts() -> list[bytes]:
    return [path.read_bytes() for path in sorted(SEEDS.glob("*.txt"))]


@cache
def seed_html() -> list[bytes]:
    pages = sorted((DATA / "boilerplate-zyte-article-extraction-benchmark" / "html").glob("*.html.gz"))[:6]
    return [gzip.decompress(page.read_bytes()) for page in pages]


@cache
def seed_jsonl() -> list[bytes]:
    records = [
        orjson.dumps(
            {
                "id": f"seed-{i}",
                "text": text.decode(),
                "url": f"https://example.com/{i}",
                "metadata": {"n": i, "tags": ["a", "b"]},
            }
        )
        + b"\n"
        for i, text in enumerate(seed_texts())
    ]
    dolma = sorted((DATA / "webtext-commoncrawl-samples" / "dolma-cc").glob("*.jsonl.gz"))
    return [b"".join(records), *(gzip.decompress(path.read_bytes())[:20_000] for path in dolma[:1])]


@cache
def seed_parquet() -> list[bytes]:
    buffer = io.BytesIO()
    texts = [text.decode() for text in seed_texts()]
    pl.DataFrame(
        {
            "id": [f"p{i}" for i in range(len(texts))],
            "text": texts,
            "meta": [{"url": f"https://example.com/{i}"} for i in range(len(texts))],
        }
    ).write_parquet(buffer)
    return [buffer.getvalue()]


def _whirlwind(name: str) -> bytes:
    return (DATA / "webtext-commoncrawl-samples" / "whirlwind" / name).read_bytes()


@cache
def seed_warc_gz() -> list[bytes]:
    return [_whirlwind("whirlwind.warc.gz"), _whirlwind("whirlwind.warc.wet.gz")]


@cache
def seed_warc() -> list[bytes]:
    return [gzip.decompress(data) for data in seed_warc_gz()]


def compress(kind: str | None, data: bytes) -> bytes:
    if kind == "gzip":
        return gzip.compress(data)
    if kind == "zstd":
        return zstandard.ZstdCompressor().compress(data)
    return data


def _gz(seeds: Callable[[], list[bytes]]) -> Callable[[], list[bytes]]:
    return lambda: [gzip.compress(data) for data in seeds()]


def _zst(seeds: Callable[[], list[bytes]]) -> Callable[[], list[bytes]]:
    return lambda: [zstandard.ZstdCompressor().compress(data) for data in seeds()]


TARGETS: dict[str, Target] = {
    target.name: target
    for target in [
        Target("txt", lambda data: read_file("doc.txt", data), seed_texts),
        Target("txt.gz", lambda data: read_file("doc.txt.gz", data), _gz(seed_texts), "gzip"),
        Target("txt.zst", lambda data: read_file("doc.txt.zst", data), _zst(seed_texts), "zstd"),
        Target("html", lambda data: read_file("page.html", data), seed_html),
        Target("html.gz", lambda data: read_file("page.html.gz", data), _gz(seed_html), "gzip"),
        Target("jsonl", lambda data: read_file("docs.jsonl", data), seed_jsonl),
        Target("jsonl.gz", lambda data: read_file("docs.jsonl.gz", data), _gz(seed_jsonl), "gzip"),
        Target("jsonl.zst", lambda data: read_file("docs.jsonl.zst", data), _zst(seed_jsonl), "zstd"),
        Target("parquet", lambda data: read_file("docs.parquet", data), seed_parquet),
        Target("warc", lambda data: read_file("crawl.warc", data), seed_warc),
        Target("warc.gz", lambda data: read_file("crawl.warc.gz", data), seed_warc_gz),
        Target("wet.gz", lambda data: read_file("crawl.wet.gz", data), lambda: seed_warc_gz()[1:]),
        Target("decode", check_decode, lambda: seed_texts() + seed_html()[:2]),
        Target("edits", check_edits, lambda: seed_texts() + [text[:300] for text in seed_html()[:2]]),
    ]
}

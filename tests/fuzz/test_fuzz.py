"""The fuzzers, briefly (seconds): every saved crash replayed, a short mutation run over every
target, and the hypothesis fuzzers with few examples (`python -m tests.fuzz` runs them long)."""

from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import polars as pl
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from benchmarks.bench_replay import previous_document_diff, previous_replay
from corpus.audit.diff import document_diff
from corpus.document import Document, Edit, ReadFailure
from corpus.edits import replay
from corpus.readers import READERS, InputFile, read_input, reader_for
from corpus.readers.decoding import decode
from tests.conftest import shared_data
from tests.fuzz.mutate import Report, fuzz, run_one, saved_crashes
from tests.fuzz.targets import CONFIG, FOLDER, READ_REASONS, TARGETS, read_file, seed_texts

settings.register_profile("brief", max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("long", max_examples=3000, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("CORPUS_FUZZ_PROFILE", "brief"))  # python -m tests.fuzz: "long"


def test_every_saved_crash_is_handled_now() -> None:
    """Inputs that once crashed a target (tests/fuzz/crashes/<target>/): regression cases."""
    report = Report()
    for name, path in saved_crashes():
        run_one(TARGETS[name], path.read_bytes(), report)
    assert report.crashes == []


def test_a_short_mutation_run_over_every_target_finds_nothing() -> None:
    for data in ("boilerplate-zyte-article-extraction-benchmark", "webtext-commoncrawl-samples"):
        shared_data(data)  # the seeds of the HTML, JSONL and WARC targets
    report = fuzz(list(TARGETS.values()), seconds=len(TARGETS) * 0.6, seed=20261203)
    assert set(report.runs) == set(TARGETS) and min(report.runs.values()) >= 3
    assert report.crashes == [], "\n".join(f"{name}: {path}\n{error}" for name, path, error in report.crashes)


def read(name: str, data: bytes) -> list[Document | ReadFailure]:
    """Every record of `data` read as a file called `name`, through the fuzz target's checks."""
    read_file(name, data)  # the target's promises first
    records = []
    for record in read_input(InputFile(FOLDER / name, name), CONFIG):
        records.append(record.parse() if hasattr(record, "parse") else record)
    return records


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=12,
)
records = st.one_of(
    st.fixed_dictionaries(
        {"text": st.text(max_size=60)}, optional={"id": json_values, "url": json_values, "meta": json_values}
    ),
    json_values,
)


@given(
    st.lists(st.tuples(records, st.sampled_from(["json", "cut", "blank", "latin-1"])), min_size=1, max_size=12),
    st.sampled_from(["docs.jsonl", "docs.jsonl.gz", "docs.jsonl.zst"]),
)
def test_hypothesis_jsonl_lines_each_give_one_record_with_its_line_number(lines: list, name: str) -> None:
    encoded, expected = [], []
    for number, (record, how) in enumerate(lines, start=1):
        line = json.dumps(record, ensure_ascii=False).encode()
        if how == "cut" and len(line) > 2:
            line = line[: len(line) // 2]
        elif how == "blank":
            line = b"   "
        elif how == "latin-1":
            line = json.dumps(record, ensure_ascii=False).encode("latin-1", "replace")
        encoded.append(line)
        if how != "blank":
            expected.append(f"{name}:{number}")
    data = b"\n".join(encoded) + b"\n"
    data = (
        gzip.compress(data)
        if name.endswith(".gz")
        else zstandard.ZstdCompressor().compress(data)
        if name.endswith(".zst")
        else data
    )
    got = read(name, data)
    assert [record.source for record in got] == expected


@given(
    st.lists(st.sampled_from(seed_texts()), min_size=1, max_size=3),
    st.sampled_from(["gzip", "zstd"]),
    st.integers(min_value=1, max_value=4),
    st.one_of(st.none(), st.integers(min_value=0, max_value=20_000)),
    st.sampled_from([b"", b"junk", b"\x00" * 8]),
)
def test_hypothesis_compressed_frames_give_the_whole_text_or_a_corrupt_file(
    texts: list[bytes],
    kind: str,
    frames: int,
    cut: int | None,
    trailer: bytes,
) -> None:
    """A text split into several gzip members or zstd frames, maybe cut, maybe with a trailer:
    either the exact text or a failure naming the file, never part of it in silence."""
    text = b"\n\n".join(texts)
    step = len(text) // frames + 1
    pieces = [text[i : i + step] for i in range(0, len(text), step)]
    compress = gzip.compress if kind == "gzip" else zstandard.ZstdCompressor().compress
    data = b"".join(compress(piece) for piece in pieces)
    intact = cut is None or cut >= len(data)
    data = (data if intact else data[:cut]) + trailer
    [record] = read("doc.txt.gz" if kind == "gzip" else "doc.txt.zst", data) or [None]
    if isinstance(record, Document):
        assert record.text == decode(text).text  # only the whole text, never a part
    else:
        assert record is not None and record.reason in {
            "corrupt_file",
            "format_mismatch",
            "empty_document",
            "binary_content",
        }
        assert not (intact and not trailer), record


payloads = st.one_of(
    st.sampled_from([text[:2000] for text in seed_texts()]),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda text: f"<html><body><p>{text}</p></body></html>".encode()),
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["response", "conversion", "request", "metadata", "resource"]),
            payloads,
            st.sampled_from(
                ["text/html; charset=utf-8", "text/plain", "application/octet-stream", "", "text/html; charset=x-bogus"]
            ),
        ),
        min_size=1,
        max_size=5,
    ),
    st.booleans(),
    st.one_of(st.none(), st.integers(min_value=0, max_value=3000)),
)
def test_hypothesis_warc_records_are_read_or_dropped_with_a_reason(
    records: list, compressed: bool, cut: int | None
) -> None:
    buffer = io.BytesIO()
    writer = WARCWriter(buffer, gzip=compressed)
    for kind, payload, content_type in records:
        http = (
            StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            if kind == "response"
            else StatusAndHeaders("GET / HTTP/1.1", [], is_http_request=True)
            if kind == "request"
            else None
        )
        writer.write_record(
            writer.create_warc_record("https://example.com/page", kind, payload=io.BytesIO(payload), http_headers=http)
        )
    data = buffer.getvalue()
    if cut is not None:
        data = data[:cut]
    got = read("crawl.warc.gz" if compressed else "crawl.warc", data)
    for record in got:
        assert isinstance(record, Document) or record.reason in READ_REASONS
    if cut is None:
        assert len(got) == sum(
            kind == "conversion" or (kind == "response" and content_type.startswith("text/html"))
            for kind, _, content_type in records
        )


@given(
    st.lists(st.one_of(st.none(), st.text(max_size=40)), min_size=1, max_size=20),
    st.lists(st.one_of(st.none(), st.integers(), st.text(max_size=5)), min_size=20, max_size=20),
)
def test_hypothesis_parquet_rows_each_give_one_record(texts: list, ids: list) -> None:
    buffer = io.BytesIO()
    pl.DataFrame(
        {
            "text": texts,
            "id": [str(i) if i is not None else None for i in ids[: len(texts)]],
            "extra": [{"a": i, "b": [str(i)]} for i in range(len(texts))],
        }
    ).write_parquet(buffer)
    got = read("docs.parquet", buffer.getvalue())
    assert [record.source for record in got] == [f"docs.parquet#{row}" for row in range(len(texts))]
    for text, record in zip(texts, got):
        assert isinstance(record, Document) == (text is not None and bool(text.strip()))


@given(
    st.lists(
        st.one_of(
            st.sampled_from(
                [
                    "<p>",
                    "</p>",
                    "<div>",
                    "</div>",
                    "<script>",
                    "</script>",
                    "<br>",
                    "<!--",
                    "-->",
                    "<title>",
                    "</title>",
                    "<table><tr><td>",
                    "&amp;",
                    "&#0;",
                    "<noscript>",
                    '<meta charset="shift_jis">',
                    "<![CDATA[",
                    "\x00",
                    "<svg><style>",
                ]
            ),
            st.text(max_size=20),
        ),
        max_size=30,
    )
)
def test_hypothesis_html_is_parsed_or_dropped(parts: list[str]) -> None:
    for record in read("page.html", "".join(parts).encode("utf-8", "surrogatepass")):
        assert isinstance(record, Document) or record.reason in READ_REASONS


@given(st.binary(max_size=400))
def test_hypothesis_any_bytes_decode(data: bytes) -> None:
    TARGETS["decode"].check(data)


edit_steps = st.lists(
    st.tuples(
        st.integers(min_value=0, max_value=400),
        st.integers(min_value=0, max_value=6),
        st.text(alphabet="xy é\n", max_size=3),
        st.booleans(),
    ),
    max_size=40,
)


@given(st.text(alphabet="ab c\né😀", max_size=200), edit_steps)
def test_hypothesis_edits_replay_and_diff_as_applied_one_at_a_time(text: str, steps: list) -> None:
    """Edit sequences (in runs forward, or jumping back) against the one-edit-at-a-time model."""
    current, made = text, []
    for seq, (at, length, after, jump) in enumerate(steps):
        previous_end = made[-1].start + len(made[-1].after) if made and not jump else 0
        start = min(max(at, previous_end), len(current))
        end = min(start + length, len(current))
        made.append(Edit(seq, "fuzz", "r" if jump else "q", start, end, current[start:end], after))
        current = current[:start] + after + current[end:]
    assert replay(text, made) == previous_replay(text, made) == current
    assert replay(current, made, reverse=True) == previous_replay(current, made, reverse=True) == text
    assert document_diff("d", text, made).segments == previous_document_diff("d", text, made).segments


def test_the_fuzz_targets_reach_every_reader_and_compression() -> None:
    readers = {reader_for(Path(f"x.{name}")) for name in TARGETS} - {None}
    assert readers == set(READERS.values())
    assert {TARGETS[name].compression for name in TARGETS} >= {"gzip", "zstd"}

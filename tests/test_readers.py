"""Readers: every format to Documents with provenance; bad input becomes a ReadFailure, never a crash."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import polars as pl
import pytest
import zstandard

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.errors import UsageError
from corpus.readers import InputFile, find_inputs, read_input
from corpus.readers.webpage import UnparsedHtml
from tests.conftest import SEEDS, shared_data


def read(path: Path, config: ReadConfig = ReadConfig(), source: str | None = None) -> list[Document | ReadFailure]:
    """A file's records, with HTML parsed as the workers parse it."""
    records = read_input(InputFile(path, source or path.name), config)
    return [r.parse() if isinstance(r, UnparsedHtml) else r for r in records]


def test_folders_are_walked_recursively_in_sorted_order_with_relative_sources(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "z.txt").write_text("zed")
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / ".hidden.txt").write_text("hidden")
    found = find_inputs([tmp_path, SEEDS / "000_9c357a5e9c026ce2.txt"])
    assert [f.source for f in found] == ["a.txt", "b/z.txt", "000_9c357a5e9c026ce2.txt"]
    with pytest.raises(UsageError, match="no such file or folder"):
        find_inputs([tmp_path / "missing"])


def test_a_seed_text_file_is_one_document_with_its_encoding() -> None:
    [doc] = read(SEEDS / "001_95e79b1fb524aad6.txt")
    assert isinstance(doc, Document)
    assert doc.id == doc.source == "001_95e79b1fb524aad6.txt"
    assert doc.encoding == "utf-8"
    assert doc.text == (SEEDS / "001_95e79b1fb524aad6.txt").read_text()


def test_a_legacy_encoded_text_file_is_decoded(tmp_path: Path) -> None:
    text = (SEEDS / "000_9c357a5e9c026ce2.txt").read_text().replace("’", "'").replace("“", '"').replace("”", '"')
    path = tmp_path / "latin.txt"
    path.write_bytes((text + " Café São Paulo, Zürich, naïve.").encode("cp1252"))
    [doc] = read(path)
    assert doc.text.endswith("Café São Paulo, Zürich, naïve.")
    assert doc.encoding in {"cp1252", "windows-1252", "iso8859-1", "latin-1", "iso-8859-1"}


def test_dolma_jsonl_keeps_nested_url_and_every_other_field_as_metadata() -> None:
    path = shared_data("webtext-commoncrawl-samples", "dolma-cc", "cc_en_head-0091.jsonl.gz")
    docs = read(path)
    assert len(docs) == 10 and all(isinstance(d, Document) for d in docs)
    first = docs[0]
    record = orjson.loads(gzip.decompress(path.read_bytes()).splitlines()[0])
    assert first.id == record["id"]
    assert first.source == "cc_en_head-0091.jsonl.gz:1"
    assert first.url == record["metadata"]["url"]
    assert first.metadata["metadata"]["url"] == record["metadata"]["url"]
    assert first.metadata["source"] == "common-crawl"  # an input field named like a contract column stays in metadata
    assert "text" not in first.metadata and "id" not in first.metadata


def test_jsonl_field_options_and_bad_lines(tmp_path: Path) -> None:
    lines = [
        orjson.dumps({"doc_id": 7, "body": "First good record.", "link": "https://example.com/a"}),
        b'{"doc_id": 8, "body": "broken',
        orjson.dumps(["not", "an", "object"]),
        orjson.dumps({"doc_id": 9, "title": "no body"}),
        orjson.dumps({"doc_id": 10, "body": 42}),
        '{"doc_id": 11, "body": "Caf\u00e9 in Latin-1"}'.encode("latin-1"),
        b"",
        b'{"doc_id": 12, "body": "Last good record.", "n": 123456789012345678901234567890}',
    ]
    path = tmp_path / "docs.jsonl.zst"
    path.write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(lines) + b"\n"))
    config = ReadConfig(text_field="body", id_field="doc_id", url_field=("link",))
    records = read(path, config)
    summary = [(r.source, r.reason if isinstance(r, ReadFailure) else r.id) for r in records]
    assert summary == [
        ("docs.jsonl.zst:1", "7"),
        ("docs.jsonl.zst:2", "invalid_json"),
        ("docs.jsonl.zst:3", "not_an_object"),
        ("docs.jsonl.zst:4", "missing_text_field"),
        ("docs.jsonl.zst:5", "invalid_text_field"),
        ("docs.jsonl.zst:6", "11"),
        ("docs.jsonl.zst:8", "12"),
    ]
    assert records[0].url == "https://example.com/a"
    assert records[5].text == "Café in Latin-1"
    assert records[6].metadata == {"n": 123456789012345678901234567890}  # exact, not a float
    assert "line 2" in records[1].detail


def test_parquet_is_read_in_batches_with_row_sources(tmp_path: Path) -> None:
    n = 5000  # more than one batch
    frame = pl.DataFrame(
        {
            "id": [f"doc-{i}" for i in range(n)],
            "text": [f"Document number {i}." for i in range(n)],
            "meta": [{"url": f"https://example.org/{i}", "site": "example.org"} for i in range(n)],
        }
    )
    path = tmp_path / "docs.parquet"
    frame.write_parquet(path, row_group_size=1000)
    docs = read(path, ReadConfig(url_field=("meta.url",)))
    assert len(docs) == n
    assert (docs[4321].id, docs[4321].source, docs[4321].url) == (
        "doc-4321",
        "docs.parquet#4321",
        "https://example.org/4321",
    )
    assert docs[4321].metadata == {"meta": {"url": "https://example.org/4321", "site": "example.org"}}


def test_wet_conversion_records_become_documents_with_warc_provenance() -> None:
    path = shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.wet.gz")
    [doc] = read(path)
    assert doc.url == "https://an.wikipedia.org/wiki/Escopete"
    assert doc.source == "whirlwind.warc.wet.gz#<urn:uuid:ba729a40-ff84-4085-8d48-0a5b2ee0c42d>"
    assert doc.metadata["warc_date"] == "2024-05-18T01:58:10Z"
    assert doc.metadata["warc_identified_content_language"] == "spa"
    assert "Escopete" in doc.text


def test_warc_html_responses_go_through_the_html_path() -> None:
    path = shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.gz")
    [doc] = read(path, ReadConfig(html_mode="visible"))  # request, metadata and warcinfo records are not documents
    wet = read(shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.wet.gz"))[0]
    assert doc.url == wet.url
    assert doc.metadata["warc_record_id"] == "<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>"
    assert "<div" not in doc.text and "Escopete" in doc.text
    # Common Crawl's own text extraction and our visible text agree on the words of the page.
    wet_words, our_words = set(wet.text.split()), set(doc.text.split())
    assert len(wet_words & our_words) >= 0.9 * len(wet_words)
    # By default the record gives the article's main text: the words of the page, without its menus.
    [main] = read(path)
    assert main.url == wet.url and "Escopete" in main.text
    assert len(main.text) < 0.8 * len(doc.text)
    assert "Menú principal" in doc.text and "Menú principal" not in main.text


def test_a_truncated_warc_record_is_a_failure_not_half_a_page(tmp_path: Path) -> None:
    whole = shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.gz").read_bytes()
    (tmp_path / "cut.warc.gz").write_bytes(whole[:10_000])  # inside the response record
    [failure] = read(tmp_path / "cut.warc.gz")
    assert isinstance(failure, ReadFailure)
    assert failure.reason == "truncated_record"
    assert failure.source == "cut.warc.gz#<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>"
    assert "bytes are missing" in failure.detail


def broken_inputs(folder: Path) -> dict[str, str]:
    """A folder of broken inputs among good ones; returns each bad file's expected reason."""
    good = (SEEDS / "001_95e79b1fb524aad6.txt").read_bytes()
    (folder / "good.txt").write_bytes(good)
    jsonl = b"".join(orjson.dumps({"id": f"j{i}", "text": f"Good line {i}."}) + b"\n" for i in range(50))
    (folder / "truncated.jsonl.gz").write_bytes(gzip.compress(jsonl)[:-30])
    zst = zstandard.ZstdCompressor().compress(jsonl * 20)
    (folder / "truncated.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    (folder / "mixed.jsonl").write_bytes(
        orjson.dumps({"id": "m1", "text": "Fine."})
        + b"\n{not json\n"
        + orjson.dumps({"id": "m2", "text": "Also fine."})
        + b"\n"
    )
    (folder / "invalid-utf8.txt").write_bytes("Ein gr\u00fc\u00dfer Text über Köln.".encode("latin-1"))
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.txt").write_bytes(b"")
    (folder / "fake.jsonl.gz").write_bytes(b"this is not gzip at all\n")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (folder / "not.parquet").write_bytes(b"id,text\n1,hello\n")
    (folder / "packed.jsonl").write_bytes(gzip.compress(jsonl))
    (folder / "notes.warc").write_text("this is not a warc file at all\n" * 10)
    (folder / "deep.jsonl").write_text(
        '{"id": "deep", "text": "Nested.", "d": ' + '{"x": ' * 3000 + "1" + "}" * 3000 + "}\n"
    )
    return {
        "not.parquet": "format_mismatch",
        "packed.jsonl": "format_mismatch",
        "notes.warc": "format_mismatch",
        "deep.jsonl:1": "invalid_json",
        "truncated.jsonl.gz": "corrupt_file",
        "truncated.jsonl.zst": "corrupt_file",
        "mixed.jsonl:2": "invalid_json",
        "binary.txt": "binary_content",
        "empty.txt": "empty_document",
        "fake.jsonl.gz": "format_mismatch",
        "image.png": "unsupported_format",
    }


def test_broken_inputs_become_failures_and_good_records_survive(tmp_path: Path) -> None:
    expected = broken_inputs(tmp_path)
    records = [r for f in find_inputs([tmp_path]) for r in read(f.path, source=f.source)]
    failures = {r.source: r.reason for r in records if isinstance(r, ReadFailure)}
    assert failures == expected
    docs = {r.source: r for r in records if isinstance(r, Document)}
    assert docs["invalid-utf8.txt"].text == "Ein grüßer Text über Köln."
    assert {"good.txt", "mixed.jsonl:1", "mixed.jsonl:3", "truncated.jsonl.gz:1"} <= set(docs)
    assert all(isinstance(r.detail, str) and r.detail for r in records if isinstance(r, ReadFailure))


def test_html_mode_noscript_keeps_what_a_browser_without_javascript_shows(tmp_path: Path) -> None:
    page = tmp_path / "blog.html"
    page.write_text(
        "<html><head><title>Blog</title><script>render()</script></head><body><div id=app></div>"
        "<noscript><p>The whole article, for readers without JavaScript.</p></noscript></body></html>"
    )
    visible = read(page, ReadConfig(html_mode="visible"))
    assert visible == [ReadFailure("blog.html", "empty_document", "no visible text in the HTML", id=None)]
    for mode in ("noscript", "main"):  # trafilatura's main text reads <noscript> too
        [doc] = read(page, ReadConfig(html_mode=mode))
        assert doc.text == "The whole article, for readers without JavaScript."
        assert doc.metadata == ({"title": "Blog", "html_mode": "main"} if mode == "main" else {"title": "Blog"})


def seed_text(index: int = 2) -> str:
    return sorted(SEEDS.glob("*.txt"))[index].read_text()


def test_documents_over_the_size_limit_are_dropped_with_their_size_in_every_format(tmp_path: Path) -> None:
    """A real article 20 times over is 197,080 bytes: over a limit of 100,000 bytes in every
    format, with its size in the detail; the documents beside it are read as usual."""
    small, big = seed_text(0), seed_text(2) * 20
    size = len(big.encode())
    config = ReadConfig(max_document_bytes=100_000)
    (tmp_path / "big.txt").write_text(big)
    (tmp_path / "big.txt.gz").write_bytes(gzip.compress(big.encode()))
    (tmp_path / "big.html.gz").write_bytes(gzip.compress(f"<html><body><p>{big}</p></body></html>".encode()))
    lines = [orjson.dumps({"id": name, "text": text}) for name, text in (("a", small), ("b", big), ("c", small[::-1]))]
    (tmp_path / "docs.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(b"\n".join(lines) + b"\n"))
    pl.DataFrame({"id": ["a", "b"], "text": [small, big]}).write_parquet(tmp_path / "docs.parquet")

    records = {r.source: r for f in find_inputs([tmp_path]) for r in read(f.path, config, source=f.source)}

    too_large = {source: r.detail for source, r in records.items() if isinstance(r, ReadFailure)}
    assert set(too_large) == {"big.txt", "big.txt.gz", "big.html.gz", "docs.jsonl.zst:2", "docs.parquet#1"}
    assert {r.reason for r in records.values() if isinstance(r, ReadFailure)} == {"too_large"}
    assert (
        too_large["big.txt"]
        == too_large["big.txt.gz"]
        == f"{size:,} bytes, over the limit of 100,000 ([read] max_document_bytes)"
    )
    assert (
        too_large["docs.jsonl.zst:2"]
        == f"line 2: {len(lines[1]):,} bytes, over the limit of 100,000 ([read] max_document_bytes)"
    )
    assert records["docs.jsonl.zst:3"].text == small[::-1] and records["docs.parquet#0"].text == small
    assert all(r.text is None for r in records.values() if isinstance(r, ReadFailure))


def test_a_compression_bomb_is_stopped_as_a_corrupt_file_keeping_what_came_before(tmp_path: Path) -> None:
    good = orjson.dumps({"id": "good", "text": seed_text(1)}) + b"\n"
    bomb = b'{"id": "bomb", "text": "' + b"a" * 50_000_000 + b'"}\n'
    (tmp_path / "bomb.jsonl.gz").write_bytes(gzip.compress(good + bomb + good, compresslevel=9))
    (tmp_path / "bomb.txt.zst").write_bytes(zstandard.ZstdCompressor().compress(b"A" * 50_000_000))
    seeds = b"".join(orjson.dumps({"id": "good", "text": seed_text(n)}) + b"\n" for n in range(5))
    (tmp_path / "fine.jsonl.gz").write_bytes(gzip.compress(seeds))  # about 3 times smaller: fine
    config = ReadConfig(max_document_bytes=100_000, max_expansion_ratio=20)

    records = [r for f in find_inputs([tmp_path]) for r in read(f.path, config, source=f.source)]

    summary = [(r.source, r.reason if isinstance(r, ReadFailure) else r.id) for r in records]
    assert summary == [
        ("bomb.jsonl.gz:1", "good"),
        ("bomb.jsonl.gz", "corrupt_file"),
        ("bomb.txt.zst", "corrupt_file"),
        *[(f"fine.jsonl.gz:{n}", "good") for n in range(1, 6)],
    ]
    assert "CompressionBomb" in records[1].detail and "20 times its size" in records[1].detail


def test_a_warc_record_over_the_limit_is_skipped_unread(tmp_path: Path) -> None:
    path = shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.gz")
    [failure] = read(path, ReadConfig(max_document_bytes=10_000))
    assert (failure.reason, failure.source) == (
        "too_large",
        "whirlwind.warc.gz#<urn:uuid:2aabeff2-67f5-4608-8466-e87c6296e2b6>",
    )
    assert failure.detail.endswith("bytes, over the limit of 10,000 ([read] max_document_bytes)")
    [doc] = read(path)
    assert isinstance(doc, Document)


def test_a_damaged_gzip_member_inside_a_warc_is_a_corrupt_file_and_prints_nothing(tmp_path: Path, capfd) -> None:  # noqa: ANN001
    """warcio writes a decompression error to stderr itself and goes on with the block cut
    short; the reader stops the file as corrupt instead, and stderr stays empty."""
    damaged = bytearray(shared_data("webtext-commoncrawl-samples", "whirlwind", "whirlwind.warc.gz").read_bytes())
    damaged[3000] ^= 0xFF  # inside the response record's gzip member
    (tmp_path / "damaged.warc.gz").write_bytes(damaged)
    records = read(tmp_path / "damaged.warc.gz")
    assert [r.reason for r in records] == ["truncated_record", "corrupt_file"]
    assert "Error -3 while decompressing data: incorrect data check" in records[-1].detail
    assert capfd.readouterr().err == ""

"""Whole-file formats: .txt and .html (optionally compressed), one document per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.compression import read_all
from corpus.readers.decoding import decode, looks_binary
from corpus.readers.webpage import UnparsedHtml


def read_text(path: Path, source: str, config: ReadConfig) -> Iterator[Document | ReadFailure]:
    data = read_all(path, limit=config.max_document_bytes, max_expansion_ratio=config.max_expansion_ratio)
    if looks_binary(data):
        yield _binary(source, data, "text")
        return
    decoded = decode(data)
    yield Document(id=source, source=source, text=decoded.text, encoding=decoded.encoding)


def read_html(path: Path, source: str, config: ReadConfig) -> Iterator[UnparsedHtml | ReadFailure]:
    data = read_all(path, limit=config.max_document_bytes, max_expansion_ratio=config.max_expansion_ratio)
    if looks_binary(data):
        yield _binary(source, data, "HTML")
        return
    yield UnparsedHtml(source, data, mode=config.html_mode)


def _binary(source: str, data: bytes, expected: str) -> ReadFailure:
    return ReadFailure(source, reasons.BINARY_CONTENT, f"{len(data)} bytes that are not {expected} in any encoding")

"""Whole-file formats: .txt and .html (optionally compressed), one document per file."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers.compression import read_all
from corpus.readers.decoding import decode, looks_binary
from corpus.readers.html import html_page


def read_text(path: Path, source: str, config: ReadConfig) -> Iterator[Document | ReadFailure]:
    data = read_all(path)
    if looks_binary(data):
        yield ReadFailure(source, "binary_content", f"{len(data)} bytes that are not text in any encoding")
        return
    decoded = decode(data)
    yield Document(id=source, source=source, text=decoded.text, encoding=decoded.encoding)


def read_html(path: Path, source: str, config: ReadConfig) -> Iterator[Document | ReadFailure]:
    data = read_all(path)
    if looks_binary(data):
        yield ReadFailure(source, "binary_content", f"{len(data)} bytes that are not HTML in any encoding")
        return
    page = html_page(data)
    metadata = {"title": page.title} if page.title else {}
    yield Document(
        id=source, source=source, text=page.text, url=page.url, encoding=page.encoding, metadata=metadata
    )

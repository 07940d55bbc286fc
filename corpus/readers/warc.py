"""WARC and WET archives (warcio): WET `conversion` records as text, WARC HTML `response` records
through the HTML path. Source `<file>#<WARC-Record-ID>`; URL, record id and date kept as provenance."""

from __future__ import annotations

import gzip
import io
import logging
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import warcio.archiveiterator
import warcio.bufferedreaders
from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.compression import GZIP_MAGIC, CompressionBomb, FormatMismatch, TooLarge
from corpus.readers.decoding import decode
from corpus.readers.files import open_regular
from corpus.readers.webpage import UnparsedHtml

_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.IGNORECASE)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


class ArchiveError(Exception):
    """The archive is corrupt or truncated at a known offset."""


def _check_is_warc(path: Path) -> None:
    """warcio reads any other file as an empty archive (with a warning per line): refuse it."""
    with open_regular(path) as raw:
        head = raw.read(2)
        raw.seek(0)
        start = gzip.GzipFile(fileobj=raw).read(5) if head == GZIP_MAGIC else raw.read(5)
    if start != b"WARC/":
        raise FormatMismatch("not a WARC/WET archive (it does not start with a WARC/ record)")


class TruncatedRecord(Exception):
    """A record whose block ends before its Content-Length: warcio returns the part it has, silently."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


class OversizeRecord(Exception):
    """A record whose payload is over [read] max_document_bytes; it is skipped unread."""

    def __init__(self, source: str, message: str) -> None:
        super().__init__(message)
        self.source = source


def _payload(record, source: str, limit: int) -> bytes:  # noqa: ANN001 (warcio type)
    if (record.length or 0) > limit:  # the declared size: nothing read, warcio skips the block
        raise OversizeRecord(source, str(TooLarge(record.length, limit)))
    data = record.content_stream().read(limit + 1)  # more than declared once a Content-Encoding is undone
    if len(data) > limit:
        raise OversizeRecord(
            source, f"more than {limit:,} bytes once its Content-Encoding is undone ([read] max_document_bytes)"
        )
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise TruncatedRecord(source, f"{missing} of the record's {record.length} bytes are missing")
    return data


def read_warc(path: Path, source: str, config: ReadConfig) -> Iterator[Document | UnparsedHtml | ReadFailure]:
    _check_is_warc(path)
    # The records' declared sizes may add up to this much: beyond it, a compressed WARC is a
    # compression bomb, stopped before warcio decompresses it (skipping a record still does).
    budget = max(config.max_document_bytes, int(config.max_expansion_ratio * path.stat().st_size))
    declared = 0
    with open_regular(path) as stream:
        records = ArchiveIterator(stream)
        while True:
            try:
                record = next(records, None)
            except Exception as error:  # warcio's parser on a malformed archive (found by fuzzing:
                # ArchiveLoadFailed, ValueError, and AttributeError on a record without a URI)
                raise ArchiveError(f"byte offset {_offset(records)}: {type(error).__name__}: {error}") from error
            _check_warcio_messages(records)
            if record is None:
                return
            declared += record.length or 0
            if declared > budget:
                raise CompressionBomb(
                    f"its records declare more than {budget:,} bytes, past "
                    f"{config.max_expansion_ratio:g} times its size "
                    "([read] max_expansion_ratio): a compression bomb?"
                )
            try:
                document = _record_to_document(record, source, config)
            except TruncatedRecord as truncated:
                yield ReadFailure(truncated.source, reasons.TRUNCATED_RECORD, str(truncated))
                continue
            except OversizeRecord as oversize:
                yield ReadFailure(oversize.source, reasons.TOO_LARGE, str(oversize))
                continue
            except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:  # reading the record's block
                raise ArchiveError(f"byte offset {_offset(records)}: {type(error).__name__}: {error}") from error
            _check_warcio_messages(records)
            if document is not None:
                yield document


def _offset(records: ArchiveIterator) -> str:
    try:
        return str(records.get_record_offset())
    except Exception:  # noqa: BLE001 - warcio has none before its first record
        return "unknown"


class _WarcioErrors:
    """Stands in for `sys` in warcio's modules, which write their warnings to sys.stderr
    themselves: a run's stderr has room for one line per error, and a decompression error
    (warcio writes it and goes on with the block cut short) must stop the file as corrupt.
    Read from warcio 1.7.4 (archiveiterator.py, bufferedreaders.py); tests/test_readers.py
    checks that a corrupt gzip member inside a WARC is reported, not printed."""

    def __init__(self) -> None:
        self.stderr = io.StringIO()

    def __getattr__(self, name: str) -> object:
        return getattr(sys, name)

    def take(self) -> str:
        text = self.stderr.getvalue()
        self.stderr.seek(0)
        self.stderr.truncate()
        return text


_WARCIO_ERRORS = _WarcioErrors()
# and its record loader logs a warning ("Replacing spaces in invalid WARC-Target-URI") that,
# with no logging set up, Python prints to stderr
logging.getLogger("warcio").addHandler(logging.NullHandler())
warcio.archiveiterator.sys = _WARCIO_ERRORS
warcio.bufferedreaders.sys = _WARCIO_ERRORS


def _check_warcio_messages(records: ArchiveIterator) -> None:
    """A decompression error warcio only printed stops the file; its warnings of a record not
    followed by a blank line (a Content-Length off by a little, which it reads past) are dropped."""
    messages = _WARCIO_ERRORS.take()
    for line in messages.splitlines():
        if line.startswith(("Error", "error")) or "decompress" in line:
            raise ArchiveError(f"byte offset {_offset(records)}: {line.strip()}")


def _record_to_document(record, source: str, config: ReadConfig) -> Document | UnparsedHtml | None:  # noqa: ANN001
    headers = record.rec_headers
    record_id = headers.get_header("WARC-Record-ID") or ""
    record_source = f"{source}#{record_id}"
    metadata = {
        "warc_record_id": record_id,
        "warc_date": headers.get_header("WARC-Date"),
        "warc_type": record.rec_type,
    }
    url = headers.get_header("WARC-Target-URI")
    if record.rec_type == "conversion":
        content_language = headers.get_header("WARC-Identified-Content-Language")
        if content_language:
            metadata["warc_identified_content_language"] = content_language
        decoded = decode(_payload(record, record_source, config.max_document_bytes))
        return Document(
            id=record_source,
            source=record_source,
            text=decoded.text,
            url=url,
            encoding=decoded.encoding,
            metadata=metadata,
        )
    if record.rec_type != "response" or record.http_headers is None:
        return None  # requests, metadata, warcinfo: not documents
    content_type = record.http_headers.get_header("Content-Type") or ""
    if not content_type.lower().startswith(_HTML_TYPES):
        return None
    charset = _CHARSET.search(content_type)
    return UnparsedHtml(
        record_source,
        _payload(record, record_source, config.max_document_bytes),
        url=url,
        declared_charset=charset.group(1) if charset else None,
        metadata=metadata,
        mode=config.html_mode,
    )

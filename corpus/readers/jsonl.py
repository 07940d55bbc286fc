"""JSONL / NDJSON (plain, .gz, .zst): one document per line, source `<file>:<line>`."""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from pathlib import Path

import orjson

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.compression import TooLarge, bounded_lines, open_stream
from corpus.readers.decoding import decode
from corpus.readers.records import record_to_document

_LONG_NUMBER = re.compile(rb"\d{20}")


def read_jsonl(path: Path, source: str, config: ReadConfig) -> Iterator[Document | ReadFailure]:
    limit = config.max_document_bytes
    with open_stream(path, max_expansion_ratio=config.max_expansion_ratio, floor=limit) as stream:
        for number, line in enumerate(bounded_lines(stream, limit), start=1):
            line_source = f"{source}:{number}"
            if isinstance(line, int):
                yield ReadFailure(line_source, reasons.TOO_LARGE, f"line {number}: {TooLarge(line, limit)}")
                continue
            if not line.strip():
                continue
            encoding = "utf-8"
            raw: bytes | str = line
            try:
                record = orjson.loads(raw)
            except orjson.JSONDecodeError as error:
                # orjson insists on UTF-8; a line in a legacy encoding is still a good record.
                decoded = decode(line)
                try:
                    raw, encoding = decoded.text, decoded.encoding
                    record = orjson.loads(raw)
                except orjson.JSONDecodeError:
                    yield ReadFailure(line_source, reasons.INVALID_JSON, f"line {number}: {error}")
                    continue
            if _LONG_NUMBER.search(line):
                # orjson reads integers beyond 64 bits as floats; the standard library keeps them exact.
                with contextlib.suppress(ValueError, RecursionError):
                    record = json.loads(raw)
            yield record_to_document(record, source=line_source, config=config, encoding=encoding)

"""Input files to Documents: formats detected from the name, checked against the content.

Reading never raises for a bad file or record: it yields a ReadFailure instead, which the
pipeline records in dropped.parquet with stage `read`. HTML comes out as UnparsedHtml, which
the workers parse (`UnparsedHtml.parse`).
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path

import zstandard

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.readers import reasons
from corpus.readers.compression import CompressionBomb, FormatMismatch, TooLarge
from corpus.readers.files import InputFile, InputProblem, check_file, find_inputs, printable
from corpus.readers.jsonl import read_jsonl
from corpus.readers.parquet import CorruptParquet, read_parquet
from corpus.readers.text import read_html, read_text
from corpus.readers.warc import ArchiveError, read_warc
from corpus.readers.webpage import UnparsedHtml

__all__ = ["READERS", "InputFile", "Record", "find_inputs", "printable", "read_input", "reader_for"]

Record = Document | UnparsedHtml | ReadFailure
Reader = Callable[[Path, str, ReadConfig], Iterator[Record]]

# Longest suffix first wins. Compressed variants go through corpus.readers.compression.
READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".txt.gz": read_text,
    ".txt.zst": read_text,
    ".jsonl": read_jsonl,
    ".jsonl.gz": read_jsonl,
    ".jsonl.zst": read_jsonl,
    ".ndjson": read_jsonl,
    ".ndjson.gz": read_jsonl,
    ".ndjson.zst": read_jsonl,
    ".json.gz": read_jsonl,
    ".json.zst": read_jsonl,  # Dolma names its JSONL files so
    ".parquet": read_parquet,
    ".html": read_html,
    ".htm": read_html,
    ".html.gz": read_html,
    ".htm.gz": read_html,
    ".warc": read_warc,
    ".warc.gz": read_warc,
    ".wet": read_warc,
    ".wet.gz": read_warc,
}


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return READERS[suffix]
    return None


def read_input(input_file: InputFile, config: ReadConfig) -> Iterator[Record]:
    """The documents of one file; whatever goes wrong becomes a ReadFailure naming where."""
    source = input_file.source
    try:
        info = check_file(input_file.path)
    except InputProblem as problem:
        yield ReadFailure(source, problem.reason, problem.detail)
        return
    reader = reader_for(input_file.path)
    if reader is None:
        supported = ", ".join(sorted({suffix.split(".")[1] for suffix in READERS}))
        yield ReadFailure(source, reasons.UNSUPPORTED_FORMAT, f"no reader for this file name (supported: {supported})")
        return
    if info.st_size == 0:
        yield ReadFailure(source, reasons.EMPTY_DOCUMENT, "the file is empty (0 bytes)")
        return
    last = source
    try:
        for item in reader(input_file.path, source, config):
            last = item.source
            if isinstance(item, Document) and not item.text.strip():
                yield ReadFailure(item.source, reasons.EMPTY_DOCUMENT, "no text", id=item.id, text=item.text)
            else:
                yield item
    except InputProblem as problem:
        yield ReadFailure(source, problem.reason, f"after {last}: {problem.detail}")
    except FormatMismatch as error:
        yield ReadFailure(source, reasons.FORMAT_MISMATCH, str(error))
    except TooLarge as error:
        yield ReadFailure(source, reasons.TOO_LARGE, str(error))
    except (
        EOFError,
        zlib.error,
        gzip.BadGzipFile,
        zstandard.ZstdError,
        ArchiveError,
        CompressionBomb,
        CorruptParquet,
    ) as error:
        yield ReadFailure(source, reasons.CORRUPT_FILE, f"after {last}: {type(error).__name__}: {error}")
    except OSError as error:  # an I/O error, or the file removed while it was read
        yield ReadFailure(
            source, reasons.UNREADABLE_FILE, f"after {last}: {type(error).__name__}: {error.strerror or error}"
        )
    except Exception as error:  # a reader library's own error must not stop the run
        yield ReadFailure(source, reasons.UNREADABLE_FILE, f"after {last}: {type(error).__name__}: {error}")

"""Input files to Documents: formats detected from the name, checked against the content.

Reading never raises for a bad file or record: it yields a ReadFailure instead, which the
pipeline records in dropped.parquet with stage `read`. HTML comes out as UnparsedHtml, which
the workers parse (`UnparsedHtml.parse`).
"""

from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import zstandard

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.errors import UsageError
from corpus.readers.compression import FormatMismatch
from corpus.readers.jsonl import read_jsonl
from corpus.readers.parquet import read_parquet
from corpus.readers.text import read_html, read_text
from corpus.readers.warc import ArchiveError, read_warc
from corpus.readers.webpage import UnparsedHtml

Record = Document | UnparsedHtml | ReadFailure
Reader = Callable[[Path, str, ReadConfig], Iterator[Record]]

# Longest suffix first wins. Compressed variants go through corpus.readers.compression.
READERS: dict[str, Reader] = {
    ".txt": read_text, ".txt.gz": read_text, ".txt.zst": read_text,
    ".jsonl": read_jsonl, ".jsonl.gz": read_jsonl, ".jsonl.zst": read_jsonl,
    ".ndjson": read_jsonl, ".ndjson.gz": read_jsonl, ".ndjson.zst": read_jsonl,
    ".json.gz": read_jsonl, ".json.zst": read_jsonl,  # Dolma names its JSONL files so
    ".parquet": read_parquet,
    ".html": read_html, ".htm": read_html, ".html.gz": read_html, ".htm.gz": read_html,
    ".warc": read_warc, ".warc.gz": read_warc, ".wet": read_warc, ".wet.gz": read_warc,
}


@dataclass(frozen=True, slots=True)
class InputFile:
    path: Path
    source: str  # the path relative to the argument it was found under


def find_inputs(arguments: Sequence[Path], *, exclude: Path | None = None) -> list[InputFile]:
    """Every file under the arguments, folders walked recursively in sorted order.

    `exclude` (the output folder, when it sits inside an input folder) is not walked, so a
    rerun does not read its own output back as input.
    """
    inputs: list[InputFile] = []
    excluded = Path(os.path.realpath(exclude)) if exclude is not None else None  # realpath: no error on a loop
    for argument in arguments:
        if argument.is_dir():
            # Resolve each file only where the excluded folder lies under this argument.
            skip = excluded if excluded is not None and excluded.is_relative_to(argument.resolve()) else None
            files = sorted(
                path for path in argument.rglob("*")
                if path.is_file()
                and not any(part.startswith(".") for part in path.relative_to(argument).parts)
                and not (skip is not None and path.resolve().is_relative_to(skip))
            )
            inputs.extend(InputFile(path, printable(path.relative_to(argument).as_posix())) for path in files)
        elif argument.is_file():
            inputs.append(InputFile(argument, printable(argument.name)))
        else:
            raise UsageError(str(argument), "no such file or folder", "check the input path")
    return inputs


def printable(name: str) -> str:
    """A file name that is not valid UTF-8 (bytes Python keeps as surrogates) with those bytes as \\xNN."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def reader_for(path: Path) -> Reader | None:
    name = path.name.lower()
    for suffix in sorted(READERS, key=len, reverse=True):
        if name.endswith(suffix):
            return READERS[suffix]
    return None


def read_input(input_file: InputFile, config: ReadConfig) -> Iterator[Record]:
    """The documents of one file; whatever goes wrong becomes a ReadFailure naming where."""
    source = input_file.source
    reader = reader_for(input_file.path)
    if reader is None:
        supported = ", ".join(sorted({suffix.split(".")[1] for suffix in READERS}))
        yield ReadFailure(source, "unsupported_format", f"no reader for this file name (supported: {supported})")
        return
    if input_file.path.stat().st_size == 0:
        yield ReadFailure(source, "empty_document", "the file is empty (0 bytes)")
        return
    last = source
    try:
        for item in reader(input_file.path, source, config):
            last = item.source
            if isinstance(item, Document) and not item.text.strip():
                yield ReadFailure(item.source, "empty_document", "no text", id=item.id, text=item.text)
            else:
                yield item
    except FormatMismatch as error:
        yield ReadFailure(source, "format_mismatch", str(error))
    except (EOFError, zlib.error, gzip.BadGzipFile, zstandard.ZstdError, ArchiveError) as error:
        yield ReadFailure(source, "corrupt_file", f"after {last}: {type(error).__name__}: {error}")
    except Exception as error:  # a reader library's own error must not stop the run
        yield ReadFailure(source, "unreadable_file", f"after {last}: {type(error).__name__}: {error}")

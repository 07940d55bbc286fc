"""Open plain, gzip or zstandard files as byte streams, checking the content matches the name."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

import zstandard

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"


class FormatMismatch(Exception):
    """The file's bytes are not what its name says."""


def compression_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".gz": "gzip", ".zst": "zstd"}.get(suffix)


def open_stream(path: Path) -> BinaryIO:
    """A decompressing binary stream; raises FormatMismatch if the magic bytes disagree with the name."""
    kind = compression_of(path)
    raw = path.open("rb")
    head = raw.read(4)
    raw.seek(0)
    if kind == "gzip":
        if not head.startswith(GZIP_MAGIC):
            raw.close()
            raise FormatMismatch("named .gz but is not gzip data")
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    if kind == "zstd":
        if head != ZSTD_MAGIC:
            raw.close()
            raise FormatMismatch("named .zst but is not zstandard data")
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True, closefd=True)
        return io.BufferedReader(reader)  # type: ignore[arg-type,return-value]
    if head.startswith(GZIP_MAGIC) or head == ZSTD_MAGIC:
        raw.close()
        raise FormatMismatch("compressed data in a file not named .gz or .zst")
    return raw


def read_all(path: Path) -> bytes:
    with open_stream(path) as stream:
        return stream.read()

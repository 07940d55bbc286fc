"""Open plain, gzip or zstandard files as byte streams, checking the content matches the name."""

from __future__ import annotations

import gzip
import io
from pathlib import Path
from typing import BinaryIO

import zstandard

from corpus.readers.files import open_regular

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
    raw = open_regular(path)
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
        return io.BufferedReader(_ZstdReader(raw))  # type: ignore[return-value]
    if head.startswith(GZIP_MAGIC) or head == ZSTD_MAGIC:
        raw.close()
        raise FormatMismatch("compressed data in a file not named .gz or .zst")
    return raw


def read_all(path: Path) -> bytes:
    with open_stream(path) as stream:
        return stream.read()


class _ZstdReader(io.RawIOBase):
    """Decompresses zstandard frames one after another; a stream that ends inside a frame raises.

    Written by hand because zstandard's own `stream_reader` returns no data and no error for a
    truncated file (measured on a JSONL.zst cut in half), which would lose its documents silently.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while not self._buffer:
            chunk = self._raw.read(1 << 16)
            if not chunk:
                if self._in_frame:
                    raise EOFError("zstandard data ends in the middle of a frame")
                return 0
            self._buffer = self._feed(chunk)
        size = min(len(target), len(self._buffer))
        target[:size] = self._buffer[:size]
        self._buffer = self._buffer[size:]
        return size

    def _feed(self, data: bytes) -> bytes:
        out = []
        while data:
            if self._frame.eof:
                self._frame = zstandard.ZstdDecompressor().decompressobj()
            out.append(self._frame.decompress(data))
            data = self._frame.unused_data if self._frame.eof else b""
        self._in_frame = not self._frame.eof
        return b"".join(out)

    def close(self) -> None:
        self._raw.close()
        super().close()

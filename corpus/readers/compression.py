"""Open plain, gzip or zstandard files as byte streams, checking the content matches the name,
and read them within the size limits of `[read]`.

A compressed file may expand to `max_expansion_ratio` times its size (and always to one
document's limit): past that it is a compression bomb, and reading stops with CompressionBomb.
A document over `max_document_bytes` is never held whole: reading stops at the limit and the
rest is only counted (TooLarge carries the size).
"""

from __future__ import annotations

import gzip
import io
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

import zstandard

from corpus.readers.files import open_regular

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
_BUFFER = 1 << 20  # bytes a decompressing stream hands on at once
# Compressed bytes given to zstandard per call. Its decompressobj has no output limit, and an
# RLE block turns 4 bytes into 128 KB: 2 KB of input can make 64 MB, 64 KB could make 2 GB.
_ZSTD_FEED = 2048


class FormatMismatch(Exception):
    """The file's bytes are not what its name says."""


class CompressionBomb(Exception):
    """A compressed file expanding past the ratio limit."""


class TooLarge(Exception):
    """A document over the size limit; `size` is its size in bytes."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"{size:,} bytes, over the limit of {limit:,} ([read] max_document_bytes)")
        self.size = size


def compression_of(path: Path) -> str | None:
    suffix = path.suffix.lower()
    return {".gz": "gzip", ".zst": "zstd"}.get(suffix)


def open_stream(path: Path, *, max_expansion_ratio: float = 0.0, floor: int = 0) -> BinaryIO:
    """A decompressing binary stream; raises FormatMismatch if the magic bytes disagree with the
    name. With `max_expansion_ratio`, reading more than that many times the compressed size
    (or `floor` bytes, if more) raises CompressionBomb."""
    kind = compression_of(path)
    raw = open_regular(path)
    head = raw.read(4)
    raw.seek(0)
    if kind is None:
        if head.startswith(GZIP_MAGIC) or head == ZSTD_MAGIC:
            raw.close()
            raise FormatMismatch("compressed data in a file not named .gz or .zst")
        return raw
    if kind == "gzip" and not head.startswith(GZIP_MAGIC):
        raw.close()
        raise FormatMismatch("named .gz but is not gzip data")
    if kind == "zstd" and head != ZSTD_MAGIC:
        raw.close()
        raise FormatMismatch("named .zst but is not zstandard data")
    compressed = path.stat().st_size
    budget = max(floor, int(max_expansion_ratio * compressed)) if max_expansion_ratio else None
    inner: BinaryIO = gzip.GzipFile(fileobj=raw, mode="rb") if kind == "gzip" else _ZstdReader(raw)  # type: ignore[assignment]
    return io.BufferedReader(_Expanding(inner, budget, compressed, max_expansion_ratio), _BUFFER)


def read_all(path: Path, *, limit: int, max_expansion_ratio: float) -> bytes:
    """The whole (decompressed) file, or TooLarge once it passes `limit` bytes."""
    if compression_of(path) is None and (size := path.stat().st_size) > limit:
        raise TooLarge(size, limit)  # known without reading
    with open_stream(path, max_expansion_ratio=max_expansion_ratio, floor=limit) as stream:
        data = stream.read(limit + 1)
        if len(data) > limit:
            raise TooLarge(len(data) + _skip(stream), limit)
    return data


def bounded_lines(stream: BinaryIO, limit: int) -> Iterator[bytes | int]:
    """The stream's lines, each as bytes (newline included); a line longer than `limit` bytes
    (without its newline) as its length instead, counted without holding it."""
    while line := stream.readline(limit + 1):
        if len(line) <= limit or line.endswith(b"\n"):
            yield line
            continue
        size = len(line)
        while not line.endswith(b"\n"):
            line = stream.readline(_BUFFER)
            if not line:
                break
            size += len(line)
        yield size - line.endswith(b"\n")


def _skip(stream: BinaryIO) -> int:
    """Read to the end without keeping anything: how many bytes were left."""
    skipped = 0
    while chunk := stream.read(_BUFFER):
        skipped += len(chunk)
    return skipped


class _Expanding(io.RawIOBase):
    """A decompressed stream that counts what it hands on and stops at the budget."""

    def __init__(self, inner: BinaryIO, budget: int | None, compressed: int, ratio: float) -> None:
        self._inner, self._budget, self._compressed, self._ratio = inner, budget, compressed, ratio
        self._count = 0

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._budget is not None:
            if self._count >= self._budget and self._inner.read(1):
                raise CompressionBomb(
                    f"decompresses to more than {self._budget:,} bytes from {self._compressed:,}, past "
                    f"{self._ratio:g} times its size ([read] max_expansion_ratio): a compression bomb?"
                )
            target = memoryview(target)[: max(self._budget - self._count, 0)]  # what came before is read
        if isinstance(self._inner, gzip.GzipFile):
            # read1: what one read of the file gives, so the lines before a truncation are not
            # lost with the rest of a large read (as GzipFile.readinto would lose them)
            data = self._inner.read1(len(target))
            size = len(data)
            target[:size] = data
        else:
            size = self._inner.readinto(target)  # type: ignore[attr-defined]
        self._count += size
        return size

    def close(self) -> None:
        self._inner.close()
        super().close()


class _ZstdReader(io.RawIOBase):
    """Decompresses zstandard frames one after another; a stream that ends inside a frame raises.

    Written by hand because zstandard's own `stream_reader` and `read_to_iter` return no data
    and no error for a truncated file (measured on a JSONL.zst cut in half, zstandard 0.25),
    which would lose its documents silently.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._frame = zstandard.ZstdDecompressor().decompressobj()
        self._in_frame = False
        self._input = memoryview(b"")
        self._output = b""
        self._offset = 0  # of the next byte of _output to hand on

    def readable(self) -> bool:
        return True

    def readinto(self, target: bytearray | memoryview) -> int:  # type: ignore[override]
        while self._offset >= len(self._output):
            if not self._input:
                self._input = memoryview(self._raw.read(1 << 16))
                if not self._input:
                    if self._in_frame:
                        raise EOFError("zstandard data ends in the middle of a frame")
                    return 0
            piece, self._input = self._input[:_ZSTD_FEED], self._input[_ZSTD_FEED:]
            self._output, self._offset = self._feed(bytes(piece)), 0
        size = min(len(target), len(self._output) - self._offset)
        target[:size] = self._output[self._offset : self._offset + size]
        self._offset += size
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

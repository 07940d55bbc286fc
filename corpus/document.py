"""The data that flows through the pipeline: Document, Edit, Drop."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import orjson


@dataclass(slots=True)
class Edit:
    """One change to a document's text.

    `start`/`end` are code-point offsets into the text as it was just before this edit,
    so `text[start:end] == before`; replaying edits in `seq` order rebuilds the output.
    """

    seq: int
    stage: str
    rule: str
    start: int
    end: int
    before: str
    after: str
    detail: str | None = None


@dataclass(slots=True)
class Document:
    """A document with its provenance and the record of every edit made to it."""

    id: str
    source: str
    text: str
    url: str | None = None
    encoding: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    original_sha256: str = ""
    language: str | None = None
    language_score: float | None = None
    published: str | None = None  # a date line the boilerplate stage removed, as written
    author: str | None = None  # an author line the boilerplate stage removed, without "By"/"Author:"
    quality: dict[str, dict[str, Any]] | None = None  # the quality stage's signals, {family: {signal: value}}
    edits: list[Edit] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.original_sha256:
            self.original_sha256 = sha256_text(self.text)


@dataclass(slots=True, frozen=True)
class Drop:
    """A stage's decision to drop a document: a snake_case reason and its evidence.

    A duplicate also names the document it duplicates (`duplicate_of`, its id), their
    Jaccard similarity, and, when that document is in an earlier run's output, that run
    (`duplicate_in`); other drops leave these None.
    """

    reason: str
    detail: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    duplicate_in: str | None = None


@dataclass(slots=True)
class ReadFailure:
    """An input record that could not be read into a Document; it goes to dropped.parquet."""

    source: str
    reason: str
    detail: str
    id: str | None = None
    text: str | None = None


def metadata_json(metadata: Any) -> str:
    """Metadata as a JSON text. orjson first (fast); the standard library where orjson refuses
    (integers beyond 64 bits, nesting deeper than 254); ValueError where neither can."""
    try:
        return orjson.dumps(metadata, default=_as_text).decode()
    except TypeError:
        pass
    try:
        return json.dumps(metadata, default=_as_text, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError) as error:
        raise ValueError(f"metadata cannot be written as JSON: {type(error).__name__}: {error}") from None


def _as_text(value: Any) -> str:
    """Values JSON has no type for (bytes, decimals, dates in the stdlib path) as text."""
    if isinstance(value, (bytes, bytearray)):
        return value.decode("utf-8", "backslashreplace")
    return str(value)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

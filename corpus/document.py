"""The data that flows through the pipeline: Document, Edit, Drop."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


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
    edits: list[Edit] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.original_sha256:
            self.original_sha256 = sha256_text(self.text)


@dataclass(slots=True, frozen=True)
class Drop:
    """A stage's decision to drop a document: a snake_case reason and its evidence."""

    reason: str
    detail: str | None = None


@dataclass(slots=True)
class ReadFailure:
    """An input record that could not be read into a Document; it goes to dropped.parquet."""

    source: str
    reason: str
    detail: str
    id: str | None = None
    text: str | None = None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

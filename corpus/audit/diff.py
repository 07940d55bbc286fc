"""A document's edits as a word-level diff: unchanged text and changes, each change labelled
with the stage/rule of the edits that made it."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from corpus.document import Edit

_WORD_END = re.compile(r"\w+\Z")
_WORD_START = re.compile(r"^\w+")


@dataclass(frozen=True)
class Change:
    before: str  # original text removed
    after: str  # text put in its place
    labels: tuple[str, ...]  # "stage/rule" of every edit that made this change, in order

    def matches(self, stage: str | None, rule: str | None) -> bool:
        return any((stage is None or label.split("/", 1)[0] == stage)
                   and (rule is None or label.split("/", 1)[1] == rule) for label in self.labels)


Segment = str | Change  # a str is text both versions share


@dataclass(frozen=True, repr=False)
class DocumentDiff:
    doc_id: str
    segments: tuple[Segment, ...]

    @property
    def changes(self) -> list[Change]:
        return [segment for segment in self.segments if isinstance(segment, Change)]

    @property
    def original(self) -> str:
        return "".join(s if isinstance(s, str) else s.before for s in self.segments)

    @property
    def text(self) -> str:
        return "".join(s if isinstance(s, str) else s.after for s in self.segments)

    def __repr__(self) -> str:  # a notebook shows this; print() shows the diff
        return f"<DocumentDiff {self.doc_id!r}: {len(self.changes)} changes; print() it to see them>"

    def __str__(self) -> str:  # git's --word-diff=plain, each change followed by its labels
        return "".join(s if isinstance(s, str) else f"[-{s.before}-]{{+{s.after}+}}<{', '.join(s.labels)}>"
                       for s in self.segments)


def document_diff(doc_id: str, original: str, edits: Iterable[Edit]) -> DocumentDiff:
    """Replay `edits` over `original`, keeping what each one removed, then group and widen to words."""
    chunks: list[tuple[str, str, str]] = [("same", original, "")] if original else []
    for edit in sorted(edits, key=lambda e: e.seq):
        chunks = _apply(chunks, edit)
    return DocumentDiff(doc_id, tuple(_to_words(_group(chunks))))


def _apply(chunks: list[tuple[str, str, str]], edit: Edit) -> list[tuple[str, str, str]]:
    """One edit on the chunk list: visible text in [start, end) becomes a deletion (original
    text) or disappears (text an earlier edit inserted); `after` is inserted at `start`."""
    label = f"{edit.stage}/{edit.rule}"
    out: list[tuple[str, str, str]] = []
    position = 0
    inserted = False
    for kind, text, chunk_label in chunks:
        if kind == "del":
            out.append((kind, text, chunk_label))
            continue
        low = min(max(edit.start - position, 0), len(text))
        high = min(max(edit.end - position, 0), len(text))
        position += len(text)
        head, middle, tail = text[:low], text[low:high], text[high:]
        if head:
            out.append((kind, head, chunk_label))
        if middle and kind == "same":
            out.append(("del", middle, label))
        if tail:
            if not inserted:
                out.append(("ins", edit.after, label))
                inserted = True
            out.append((kind, tail, chunk_label))
    if not inserted:
        out.append(("ins", edit.after, label))
    return [chunk for chunk in out if chunk[1]]


def _group(chunks: list[tuple[str, str, str]]) -> list[Segment]:
    segments: list[Segment] = []
    before: list[str] = []
    after: list[str] = []
    labels: dict[str, None] = {}

    def add_same(text: str) -> None:
        if segments and isinstance(segments[-1], str):
            segments[-1] += text
        else:
            segments.append(text)

    def close_change() -> None:
        removed, added = "".join(before), "".join(after)
        if removed == added:  # edits that undo each other ("x" out, "x" back in) change nothing
            add_same(removed)
        else:
            segments.append(Change(removed, added, tuple(labels)))

    for kind, text, label in chunks:
        if kind == "same":
            if labels:
                close_change()
                before, after, labels = [], [], {}
            add_same(text)
        else:
            (before if kind == "del" else after).append(text)
            labels[label] = None
    if labels:
        close_change()
    return segments


def _to_words(segments: list[Segment]) -> list[Segment]:
    """A change inside a word covers the whole word, as in `git diff --word-diff`."""
    out = list(segments)
    for index, segment in enumerate(out):
        if not isinstance(segment, Change):
            continue
        changed = segment.before + segment.after
        if not changed or changed.isspace():
            continue
        before, after = segment.before, segment.after
        previous = out[index - 1] if index else None
        if isinstance(previous, str) and (_WORD_START.match(before) or _WORD_START.match(after)):
            found = _WORD_END.search(previous)
            if found:
                out[index - 1] = previous[: found.start()]
                before, after = found.group() + before, found.group() + after
        following = out[index + 1] if index + 1 < len(out) else None
        if isinstance(following, str) and (_WORD_END.search(before) or _WORD_END.search(after)):
            found = _WORD_START.match(following)
            if found:
                out[index + 1] = following[found.end() :]
                before, after = before + found.group(), after + found.group()
        out[index] = Change(before, after, segment.labels)
    return [segment for segment in out if segment != ""]


# Control characters of a scraped text as \xNN: an escape sequence could retitle or clear a terminal.
_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\n\t"}


def without_controls(text: str) -> str:
    return text.translate(_CONTROLS)


def visible(text: str) -> str:
    """Text as shown in a diff: whitespace-only or invisible characters made visible."""
    if text.isspace():
        return "".join({"\n": "⏎", " ": "·", "\t": "→"}.get(char, _escape(char)) for char in text)
    return "".join(char if char in "\n\t" or char.isprintable() and unicodedata.category(char) != "Zs"
                   or char == " " else _escape(char) for char in text)


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"

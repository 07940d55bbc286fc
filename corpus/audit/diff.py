"""A document's edits as a word-level diff: unchanged text and changes, each change labelled
with the stage/rule of the edits that made it."""

from __future__ import annotations

import re
import unicodedata
from collections import deque
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
        return any(
            (stage is None or label.split("/", 1)[0] == stage) and (rule is None or label.split("/", 1)[1] == rule)
            for label in self.labels
        )


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
        return "".join(
            s if isinstance(s, str) else f"[-{s.before}-]{{+{s.after}+}}<{', '.join(s.labels)}>" for s in self.segments
        )


Chunk = tuple[str, str, str]  # ("same" | "del" | "ins", text, label)
Ahead = tuple[str, str, str, int]  # a chunk not yet passed, and where its visible text starts in `text`


def document_diff(doc_id: str, original: str, edits: Iterable[Edit]) -> DocumentDiff:
    """Replay `edits` over `original`, keeping what each one removed, then group and widen to words.

    The chunk list is walked once per run of edits moving forward through the text (each
    stage's are such runs), not once per edit, and a long chunk is never copied to split it:
    linear in the edits and the text, where a document of 276,755 edits took hours.
    """
    done: list[Chunk] = []  # chunks before the run's current position: no later edit of the run changes them
    done_length = 0  # their visible length
    ahead: deque[Ahead] = deque([("same", original, "", 0)] if original else [])
    for edit in sorted(edits, key=lambda e: e.seq):
        if edit.start < done_length:  # the edit goes back: a new run, from the start
            ahead.extendleft((kind, text, label, 0) for kind, text, label in reversed(done))
            done, done_length = [], 0
        done_length += _apply(ahead, done, edit, edit.start - done_length, edit.end - done_length)
    chunks = done + [(kind, text[offset:], label) for kind, text, label, offset in ahead]
    return DocumentDiff(doc_id, tuple(_to_words(_group(chunks))))


def _apply(ahead: deque[Ahead], out: list[Chunk], edit: Edit, start: int, end: int) -> int:
    """One edit on the chunks ahead (`start`, `end` counted from the first of them): visible
    text in [start, end) becomes a deletion (original text) or disappears (text an earlier edit
    inserted); `after` is inserted at `start`, before the first chunk that goes on past `end`.
    The chunks up to the insertion move to `out`; returns the visible length they add."""
    label = f"{edit.stage}/{edit.rule}"
    position = added = 0
    while ahead:
        kind, text, chunk_label, offset = ahead.popleft()
        if kind == "del":
            out.append((kind, text, chunk_label))
            continue
        size = len(text) - offset
        low = min(max(start - position, 0), size)
        high = min(max(end - position, 0), size)
        position += size
        if low:
            out.append((kind, text[offset : offset + low], chunk_label))
            added += low
        if high > low and kind == "same":
            out.append(("del", text[offset + low : offset + high], label))
        if high < size:
            ahead.appendleft((kind, text, chunk_label, offset + high))
            break
    if edit.after:
        out.append(("ins", edit.after, label))
        added += len(edit.after)
    return added


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
            found = _trailing_word(previous)
            if found:
                out[index - 1] = previous[: found.start()]
                before, after = found.group() + before, found.group() + after
        following = out[index + 1] if index + 1 < len(out) else None
        if isinstance(following, str) and (_trailing_word(before) or _trailing_word(after)):
            found = _WORD_START.match(following)
            if found:
                out[index + 1] = following[found.end() :]
                before, after = before + found.group(), after + found.group()
        out[index] = Change(before, after, segment.labels)
    return [segment for segment in out if segment != ""]


def _trailing_word(text: str) -> re.Match[str] | None:
    """`_WORD_END.search(text)`, looking only near the end: from the start, the search tries
    every word of a text that can be megabytes long."""
    window = 64
    while True:
        start = max(len(text) - window, 0)
        found = _WORD_END.search(text, start)
        if found is None or found.start() > start or start == 0:
            return found
        window *= 8


# Control characters of a scraped text as \xNN: an escape sequence could retitle or clear a terminal.
_CONTROLS = {code: f"\\x{code:02x}" for code in [*range(0x20), *range(0x7F, 0xA0)] if chr(code) not in "\n\t"}


def without_controls(text: str) -> str:
    return text.translate(_CONTROLS)


def visible(text: str) -> str:
    """Text as shown in a diff: whitespace-only or invisible characters made visible."""
    if text.isspace():
        return "".join({"\n": "⏎", " ": "·", "\t": "→"}.get(char, _escape(char)) for char in text)
    return "".join(
        char
        if char in "\n\t" or char.isprintable() and unicodedata.category(char) != "Zs" or char == " "
        else _escape(char)
        for char in text
    )


def _escape(char: str) -> str:
    return f"\\u{ord(char):04x}" if ord(char) <= 0xFFFF else f"\\U{ord(char):08x}"

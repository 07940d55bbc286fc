"""The one way text changes: every change is recorded as an Edit and can be replayed both ways."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher

from corpus.document import Document, Edit

# Above this many code points (old + new) a changed region is diffed line by line first:
# character-level SequenceMatcher is quadratic, and a line diff keeps a whole-document
# rewrite (ftfy on a 100 kB page) fast while still giving small spans inside each line.
CHAR_DIFF_LIMIT = 4000

Span = tuple[int, int, str]  # start, end (in the old text), replacement


def replace(
    doc: Document, start: int, end: int, after: str, *, stage: str, rule: str, detail: str | None = None
) -> None:
    """Replace doc.text[start:end] with `after`, recording the edit."""
    apply_spans(doc, [(start, end, after)], stage=stage, rule=rule, detail=detail)


def rewrite(doc: Document, new_text: str, *, stage: str, rule: str, detail: str | None = None) -> int:
    """Replace the whole text with `new_text`, recorded as the smallest spans that changed."""
    spans = diff_spans(doc.text, new_text)
    apply_spans(doc, spans, stage=stage, rule=rule, detail=detail)
    return len(spans)


def substitute(
    doc: Document,
    pattern: re.Pattern[str],
    replacement: str | Callable[[re.Match[str]], str],
    *,
    stage: str,
    rule: str,
    detail: str | None = None,
) -> int:
    """Like `pattern.sub`, but every match that changes the text is recorded as its own edit."""
    spans: list[Span] = []
    for match in pattern.finditer(doc.text):
        after = replacement(match) if callable(replacement) else match.expand(replacement)
        if after != match.group(0):
            spans.append((match.start(), match.end(), after))
    apply_spans(doc, spans, stage=stage, rule=rule, detail=detail)
    return len(spans)


def apply_spans(doc: Document, spans: Sequence[Span], *, stage: str, rule: str, detail: str | None) -> None:
    """Apply non-overlapping spans (sorted, in old-text offsets) and record one edit per span.

    Offsets of each recorded edit are shifted by what the earlier spans changed, so each
    edit is exact against the text as it was just before it.
    """
    if not spans:
        return
    old = doc.text
    pieces: list[str] = []
    cursor = 0
    shift = 0
    seq = len(doc.edits)
    for start, end, after in spans:
        if start < cursor or end < start or end > len(old):
            raise ValueError(f"spans overlap or fall outside the text: {(start, end)}")
        pieces.append(old[cursor:start])
        pieces.append(after)
        before = old[start:end]
        doc.edits.append(Edit(seq, stage, rule, start + shift, end + shift, before, after, detail))
        seq += 1
        shift += len(after) - len(before)
        cursor = end
    pieces.append(old[cursor:])
    doc.text = "".join(pieces)


def diff_spans(old: str, new: str) -> list[Span]:
    """The spans that turn `old` into `new`, each as small as a diff finds."""
    prefix = _common_prefix(old, new)
    suffix = _common_suffix(old[prefix:], new[prefix:])
    old_mid = old[prefix : len(old) - suffix]
    new_mid = new[prefix : len(new) - suffix]
    if not old_mid and not new_mid:
        return []
    return _diff_region(old_mid, new_mid, prefix)


def replay(text: str, edits: Iterable[Edit], *, reverse: bool = False) -> str:
    """Apply edits (in `seq` order) to an original text, or undo them from an output text.

    `replay(original, edits) == output` and `replay(output, edits, reverse=True) == original`.
    """
    ordered = sorted(edits, key=lambda e: e.seq)
    if reverse:
        for edit in reversed(ordered):
            text = text[: edit.start] + edit.before + text[edit.start + len(edit.after) :]
    else:
        for edit in ordered:
            text = text[: edit.start] + edit.after + text[edit.end :]
    return text


def _diff_region(old: str, new: str, base: int) -> list[Span]:
    if len(old) + len(new) <= CHAR_DIFF_LIMIT:
        return _opcode_spans(old, new, base)
    old_lines = old.splitlines(keepends=True)
    new_lines = new.splitlines(keepends=True)
    spans: list[Span] = []
    old_offsets = _line_offsets(old_lines)
    new_offsets = _line_offsets(new_lines)
    matcher = SequenceMatcher(None, old_lines, new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_part = old[old_offsets[i1] : old_offsets[i2]]
        new_part = new[new_offsets[j1] : new_offsets[j2]]
        start = base + old_offsets[i1]
        if len(old_part) + len(new_part) <= CHAR_DIFF_LIMIT:
            spans.extend(_opcode_spans(old_part, new_part, start))
        else:
            spans.append((start, start + len(old_part), new_part))
    return spans


def _opcode_spans(old: str, new: str, base: int) -> list[Span]:
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return [
        (base + i1, base + i2, new[j1:j2])
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    ]


def _line_offsets(lines: list[str]) -> list[int]:
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    return offsets


def _common_prefix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    if a[:n] == b[:n]:
        return n
    lo, hi = 0, n  # binary search on slice equality: C-speed compares instead of a Python loop
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[:mid] == b[:mid]:
            lo = mid
        else:
            hi = mid - 1
    return lo


def _common_suffix(a: str, b: str) -> int:
    n = min(len(a), len(b))
    lo, hi = 0, n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if a[len(a) - mid :] == b[len(b) - mid :]:
            lo = mid
        else:
            hi = mid - 1
    return lo

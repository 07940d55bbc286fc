"""Shapes of a pattern that make `re` backtrack catastrophically, for `corpus rules check`."""

from __future__ import annotations

import re
from typing import Any

from corpus.patterns.charsets import Ranges, Untranslatable, complement, intersect, naive_set, union

try:
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: no warnings
    _sre_parse = None


def risky(source: str) -> str | None:
    """How the pattern can make `re` backtrack catastrophically, or None. Two shapes:
    a repeat whose body can match one stretch of text in many ways (`(a+)+`, `(\\w+\\s?)*`,
    `(.*,){9}`: exponential in the line's length), and two unbounded repeats in a row over
    the same characters (`\\s*\\s*$`, `.*.*=`: polynomial)."""
    if _sre_parse is None:
        return None
    try:
        tree = _sre_parse.parse(source, 0)
    except re.error:
        return None
    return _risky(list(tree), tree.state.flags)


def _risky(items: list[tuple[Any, Any]], flags: int) -> str | None:
    previous: Ranges | None = None  # the characters of an unbounded repeat just before
    for index, (op, value) in enumerate(items):
        chars = None
        if _is_repeat(op):
            low, high, inner = value
            body = _unwrap(list(inner))
            many = high == _sre.MAXREPEAT or high >= _MANY  # a few rounds cost a small power at most
            if many and op is not getattr(_sre, "POSSESSIVE_REPEAT", None) and _ambiguous(body, flags):
                return "a repeat whose body can match the same text in several ways, like (a+)+ or (\\w+\\s?)*"
            if high == _sre.MAXREPEAT:
                chars = _single_chars(body, flags)
            if (
                chars is not None
                and previous is not None
                and intersect(chars, previous)
                and not (
                    intersect(complement(chars), complement(((10, 10),))) == ()
                    and all(later is _sre.AT for later, _ in items[index + 1 :])
                )
            ):  # `.*` to the end cannot fail
                return "two unbounded repeats in a row over the same characters, like \\s*\\s*$"
            inner_items = body
        elif op is _sre.SUBPATTERN:
            inner_items = list(value[3])
            flags_inside = (flags | value[1]) & ~value[2]
            if found := _risky(inner_items, flags_inside):
                return found
            inner_items = []
        elif op is _sre.BRANCH:
            if found := next((f for branch in value[1] if (f := _risky(list(branch), flags))), None):
                return found
            inner_items = []
        else:
            inner_items = []
        if inner_items and (found := _risky(inner_items, flags)):
            return found
        if op is not _sre.AT:
            previous = chars
    return None


_MANY = 10  # rounds of a repeat from which an ambiguous body counts as catastrophic: (.*,){10}


def _is_repeat(op: Any) -> bool:
    return any(op is getattr(_sre, name, None) for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"))


def _unwrap(items: list[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """A sequence that is one group, as the group's items: `((?:a+))` -> [a+]."""
    while len(items) == 1 and items[0][0] is _sre.SUBPATTERN:
        items = list(items[0][1][3])
    return items


def _ambiguous(body: list[tuple[Any, Any]], flags: int) -> bool:
    """Whether some unbounded repeat in a repeated body can hand characters to what follows it
    (later in the body, or, when the rest may match nothing, the body's next round)."""
    parts = [(op, value) for op, value in body if op is not _sre.AT]
    if parts and all(_is_repeat(op) and value[0] == 0 for op, value in parts):
        return True  # (a*)*, (a?b*)+: a body that can match nothing, round after round
    for index, (op, value) in enumerate(parts):
        if not (_is_repeat(op) and value[1] == _sre.MAXREPEAT):
            continue
        chars = _single_chars(_unwrap(list(value[2])), flags)
        if chars is None:
            continue
        following = _next_chars(parts[index + 1 :] + parts, flags)  # this round, then the next
        if following is None or intersect(chars, following):
            return True
    return False


def _next_chars(items: list[tuple[Any, Any]], flags: int) -> Ranges | None:
    """The characters the sequence can start with, optional items included; None if unknown."""
    found: list[Ranges] = []
    for op, value in items:
        if _is_repeat(op):
            first = _first_chars(_unwrap(list(value[2])), flags)
            if first is None:
                return None
            found.append(first)
            if value[0] > 0:
                return union(found)
            continue
        first = _first_chars([(op, value)], flags)
        if first is None:
            return None
        found.append(first)
        return union(found)
    return union(found)


def _single_chars(items: list[tuple[Any, Any]], flags: int) -> Ranges | None:
    if len(items) == 1 and items[0][0] in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
        try:
            return naive_set(items[0][0], items[0][1], flags)
        except Untranslatable:
            return None
    return None


def _first_chars(items: list[tuple[Any, Any]], flags: int) -> Ranges | None:
    """Characters a sequence's first required item can start with; None when unknown."""
    for op, value in items:
        if op is _sre.AT:
            continue
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            return _single_chars([(op, value)], flags)
        if op is _sre.SUBPATTERN:
            return _first_chars(list(value[3]), flags)
        if op is _sre.BRANCH:
            firsts = [_first_chars(list(branch), flags) for branch in value[1]]
            return None if any(first is None for first in firsts) else union(firsts)  # type: ignore[arg-type]
        return None
    return ()

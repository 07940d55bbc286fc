"""Sets of code points, as `re` matches them: what one character of a pattern (a literal, a
class, `.`) matches under its flags, found by asking `re` itself where Unicode is involved.

RE2 defines `\\w`, `\\s`, `\\d` and case folding differently from `re` (other Unicode versions,
ASCII-only `\\s`, simple case orbits), so corpus.patterns.translate spells every class out with
the code points computed here.
"""

from __future__ import annotations

import array
import functools
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

try:  # CPython's, as corpus.patterns reads patterns
    from re import _constants as _sre  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: translate.py translates nothing, so this is unused
    _sre = None

MAX_CODE_POINT = 0x10FFFF
SURROGATES = (0xD800, 0xDFFF)

Ranges = tuple[tuple[int, int], ...]  # sorted, disjoint, inclusive code point ranges


class Untranslatable(Exception):
    """The pattern uses something RE2 cannot do exactly as `re` does."""


def char_set(op: Any, value: Any, flags: int) -> Ranges:
    """The code points (surrogates aside) that one single-character item of a parse matches
    under `flags`, exactly as `re` decides."""
    flags &= re.IGNORECASE | re.ASCII | re.DOTALL  # the flags that change what one character matches
    return _cached_char_set(op, repr(value), flags, value)


_char_sets: dict[tuple[Any, str, int], Ranges] = {}


def _cached_char_set(op: Any, key: str, flags: int, value: Any) -> Ranges:
    if (op, key, flags) in _char_sets:
        return _char_sets[op, key, flags]
    naive = naive_set(op, value, flags)
    if flags & re.IGNORECASE:
        # Case folding changes the answer only for characters that have a case or are one's
        # lower case: for those, `re` itself is asked, one by one.
        relevant = _case_relevant()
        prefix = "(?i" + ("a" if flags & re.ASCII else "") + ("s" if flags & re.DOTALL else "") + ")"
        found = re.finditer(prefix + _python_source(op, value), _case_relevant_text())
        folded = from_codes({relevant[m.start()] for m in found})
        naive = union([intersect(naive, _caseless()), folded])
    _char_sets[op, key, flags] = naive
    return naive


def naive_set(op: Any, value: Any, flags: int) -> Ranges:
    if op is _sre.LITERAL:
        return ((value, value),)
    if op is _sre.NOT_LITERAL:
        return complement(((value, value),))
    if op is _sre.ANY:
        return complement(((10, 10),)) if not flags & re.DOTALL else ((0, MAX_CODE_POINT),)
    negate = False
    parts: list[Ranges] = []
    for item_op, item in value:
        if item_op is _sre.NEGATE:
            negate = True
        elif item_op is _sre.LITERAL:
            parts.append(((item, item),))
        elif item_op is _sre.RANGE:
            parts.append((item,))
        elif item_op is _sre.CATEGORY:
            parts.append(_category(str(item), bool(flags & re.ASCII)))
        else:
            raise Untranslatable(f"{item_op} in a character class")
    members = union(parts)
    return complement(members) if negate else members


def _python_source(op: Any, value: Any) -> str:
    """The item written back as `re` syntax, every character escaped."""

    def char(code: int) -> str:
        return f"\\U{code:08x}"

    if op is _sre.LITERAL:
        return char(value)
    if op is _sre.NOT_LITERAL:
        return f"[^{char(value)}]"
    if op is _sre.ANY:
        return "."
    out = []
    for item_op, item in value:
        if item_op is _sre.NEGATE:
            out.append("^")
        elif item_op is _sre.LITERAL:
            out.append(char(item))
        elif item_op is _sre.RANGE:
            out.append(f"{char(item[0])}-{char(item[1])}")
        elif item_op is _sre.CATEGORY:
            out.append(_CATEGORY_SOURCE[str(item)])
    return "[" + "".join(out) + "]"


_CATEGORY_SOURCE = {
    "CATEGORY_DIGIT": r"\d",
    "CATEGORY_NOT_DIGIT": r"\D",
    "CATEGORY_SPACE": r"\s",
    "CATEGORY_NOT_SPACE": r"\S",
    "CATEGORY_WORD": r"\w",
    "CATEGORY_NOT_WORD": r"\W",
}


@functools.cache
def every_character() -> str:
    """Every code point but the surrogates, in order."""
    codes = array.array("I", range(SURROGATES[0]))
    codes.extend(range(SURROGATES[1] + 1, MAX_CODE_POINT + 1))
    return codes.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


def _code(index: int) -> int:
    return index if index < SURROGATES[0] else index + SURROGATES[1] - SURROGATES[0] + 1


@functools.cache
def _category(name: str, ascii_only: bool) -> Ranges:
    """What `re` matches with \\d, \\s, \\w (and their negations), found by asking it."""
    found = re.finditer(("(?a)" if ascii_only else "") + _CATEGORY_SOURCE[name] + "+", every_character())
    return tuple((_code(m.start()), _code(m.end() - 1)) for m in found)


@functools.cache
def _case_relevant() -> tuple[int, ...]:
    """Every code point with a case, or that another's case mapping gives: where IGNORECASE
    can change what a character class matches."""
    text = every_character()
    codes: set[int] = set()
    for mapping in (str.lower, str.upper):
        for index in _changed(text, 0, len(text), mapping):
            char = text[index]
            codes.add(ord(char))
            codes.update(map(ord, mapping(char)))
    return tuple(sorted(code for code in codes if not SURROGATES[0] <= code <= SURROGATES[1]))


def _changed(text: str, start: int, end: int, mapping: Callable[[str], str]) -> Iterator[int]:
    """Indexes in text[start:end] of the characters `mapping` changes, found by halving: most
    of Unicode has no case, and a stretch without any is passed over in one C call."""
    if mapping(text[start:end]) == text[start:end]:
        return
    if end - start == 1:
        yield start
        return
    middle = (start + end) // 2
    yield from _changed(text, start, middle, mapping)
    yield from _changed(text, middle, end, mapping)


@functools.cache
def _case_relevant_text() -> str:
    return "".join(map(chr, _case_relevant()))


@functools.cache
def _caseless() -> Ranges:
    return complement(from_codes(set(_case_relevant())))


def union(parts: Sequence[Ranges]) -> Ranges:
    merged: list[list[int]] = []
    for low, high in sorted(r for part in parts for r in part):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def complement(ranges: Ranges) -> Ranges:
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= MAX_CODE_POINT:
        out.append((start, MAX_CODE_POINT))
    return tuple(out)


def intersect(a: Ranges, b: Ranges) -> Ranges:
    return complement(union([complement(a), complement(b)]))


def from_codes(codes: set[int]) -> Ranges:
    out: list[tuple[int, int]] = []
    for code in sorted(codes):
        if out and code == out[-1][1] + 1:
            out[-1] = (out[-1][0], code)
        else:
            out.append((code, code))
    return tuple(out)

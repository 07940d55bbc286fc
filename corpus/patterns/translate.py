"""A pattern rewritten for RE2 from `re`'s own parse of it, to match exactly where `re` does."""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from typing import Any

from corpus.patterns.charsets import SURROGATES, Ranges, Untranslatable, char_set, complement, intersect

try:  # CPython's regex parser: the only exact account of what a pattern means to `re`
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: every pattern on re, under the budget
    _sre_parse = None

_RE2_MAX_REPEAT = 1000  # RE2 refuses counted repetitions beyond this


def to_re2(source: str) -> tuple[str, bool]:
    """RE2 syntax matching exactly where `re` matches `source`, on text without "\\n" (and only
    on ASCII text when the second value is true); Untranslatable otherwise."""
    if _sre_parse is None:
        raise Untranslatable("this Python's regex parser is unknown")
    try:
        tree = _sre_parse.parse(source, 0)
        flags = tree.state.flags
        if flags & re.LOCALE:
            raise Untranslatable("LOCALE flag")
        translator = _Translator()
        return translator.sequence(list(tree), flags), translator.ascii_only
    except Untranslatable:
        raise
    except Exception as error:  # noqa: BLE001 - a private parser that changed: the pattern runs on re
        raise Untranslatable(f"this Python's regex parser is not the one known here ({error!r})") from None


class _Translator:
    def __init__(self) -> None:
        self.ascii_only = False

    def sequence(self, items: Sequence[tuple[Any, Any]], flags: int) -> str:
        return "".join(self.item(op, value, flags) for op, value in items)

    def item(self, op: Any, value: Any, flags: int) -> str:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            return re2_class(char_set(op, value, flags))
        if op is _sre.BRANCH:
            return "(?:" + "|".join(self.sequence(list(branch), flags) for branch in value[1]) + ")"
        if op is _sre.SUBPATTERN:
            _group, add, remove, inner = value
            if (add | remove) & re.ASCII:
                # re's search and match disagree on it (3.11: re.search(r"(?a:\W)", "ª") finds
                # nothing, re.match finds "ª"): there is no one answer to give
                raise Untranslatable("a scoped ASCII flag, (?a:...)")
            return "(?:" + self.sequence(list(inner), (flags | add) & ~remove) + ")"
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, high, inner = value
            if low > _RE2_MAX_REPEAT or (high != _sre.MAXREPEAT and high > _RE2_MAX_REPEAT):
                raise Untranslatable(f"a repetition count over {_RE2_MAX_REPEAT}")
            count = {(0, _sre.MAXREPEAT): "*", (1, _sre.MAXREPEAT): "+", (0, 1): "?"}.get(
                (low, high), f"{{{low},}}" if high == _sre.MAXREPEAT else f"{{{low},{high}}}"
            )
            lazy = "?" if op is _sre.MIN_REPEAT else ""
            return "(?:" + self.sequence(list(inner), flags) + ")" + count + lazy
        if op is _sre.AT:
            if value in (_sre.AT_BEGINNING, _sre.AT_BEGINNING_STRING, getattr(_sre, "AT_BEGINNING_LINE", None)):
                return r"\A"  # text without "\n": the start of a line is the start of the text
            if value in (_sre.AT_END, _sre.AT_END_STRING, getattr(_sre, "AT_END_LINE", None)):
                return r"\z"  # and `$` ("at the end, or before a final newline") is its end
            if value in (_sre.AT_BOUNDARY, _sre.AT_NON_BOUNDARY):
                if not flags & re.ASCII:
                    self.ascii_only = True  # RE2's \b is ASCII's; the same as re's on ASCII text
                return r"\b" if value is _sre.AT_BOUNDARY else r"\B"
        names = {
            _sre.GROUPREF: "a backreference",
            _sre.GROUPREF_EXISTS: "a conditional group",
            _sre.ASSERT: "a lookaround",
            _sre.ASSERT_NOT: "a lookaround",
        }
        names.update(
            {
                getattr(_sre, name): what
                for name, what in (("POSSESSIVE_REPEAT", "a possessive repeat"), ("ATOMIC_GROUP", "an atomic group"))
                if hasattr(_sre, name)
            }
        )
        raise Untranslatable(names.get(op, f"{op}"))


@functools.cache
def re2_class(ranges: Ranges) -> str:
    """An RE2 character class for the ranges (surrogates dropped: RE2 reads UTF-8, which has none)."""
    ranges = intersect(ranges, complement((SURROGATES,)))
    if not ranges:
        return r"[^\x00-\x{10FFFF}]"  # matches nothing
    others = intersect(complement(ranges), complement((SURROGATES,)))
    if len(others) < len(ranges):  # the shorter spelling
        if not others:
            return r"(?s:.)"
        return "[^" + "".join(_range(r) for r in others) + "]"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    return "[" + "".join(_range(r) for r in ranges) + "]"


def _range(r: tuple[int, int]) -> str:
    return _char(r[0]) if r[0] == r[1] else f"{_char(r[0])}-{_char(r[1])}"


def _char(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else f"\\x{{{code:x}}}"

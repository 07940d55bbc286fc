"""The regular expressions of a user's rule files, made unable to hang a run.

Python's `re` backtracks: `(a+)+$` against a long line of "a" takes longer than the universe's
age. A rule file is the one input users write themselves, so each of its patterns runs on RE2
(google-re2, linear in the text) wherever RE2 gives exactly the answer `re` would: the pattern
is rewritten from `re`'s own parse of it, each character class spelled out with the code points
`re` itself matches (its Unicode `\\w`, `\\s`, `\\d` and case folding, which RE2 defines
differently). Where RE2 cannot (backreferences, lookarounds, possessive repeats; `\\b` on a
line that is not ASCII, since RE2's word boundary is ASCII-only), the pattern runs on `re`
under a time budget per document (`time_budget`): an overrun raises RegexTimeout, which drops
the document as `regex_timeout` naming the rule. Shipped rule files go the same way: hostile
text can make a pattern of ours backtrack too (generic.byline took 17 s on a 164-character
line "By Anne andAnne andAnne...", doubling with each "andAnne").

`risky` names the shapes that backtrack catastrophically, for `corpus rules check`.
"""

from __future__ import annotations

import array
import functools
import re
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

try:  # CPython's regex parser: the only exact account of what a pattern means to `re`
    from re import _constants as _sre, _parser as _sre_parse
except ImportError:  # pragma: no cover - another Python: every user pattern on re, under the budget
    _sre_parse = None

try:
    import re2
except ImportError:  # pragma: no cover - google-re2 is a dependency; without it, the budget still holds
    re2 = None

# Seconds a document's rule matching may take, per rule file, before `re` matching is cut short
# and the document dropped: the shipped rules take about 2 ms for a whole web page (8
# microseconds a line), so only a runaway pattern comes near.
BUDGET_SECONDS = 1.0
PER_LINE_SECONDS = 0.0001

P = ParamSpec("P")
R = TypeVar("R")
_MAX_CODE_POINT = 0x10FFFF
_SURROGATES = (0xD800, 0xDFFF)
_RE2_MAX_REPEAT = 1000  # RE2 refuses counted repetitions beyond this

Ranges = tuple[tuple[int, int], ...]  # sorted, disjoint, inclusive code point ranges


class RegexTimeout(Exception):
    """A user pattern ran past the document's time budget; the document is dropped."""

    drop_reason = "regex_timeout"  # how Stage.apply_many records it


class _Untranslatable(Exception):
    """The pattern uses something RE2 cannot do exactly as `re` does."""


@functools.lru_cache(maxsize=4096)
def compile_pattern(source: str, *, label: str = "") -> UserPattern:
    """A rule file's pattern, which searches like a compiled `re` pattern but cannot hang;
    `label` (the rule's id) names it in a timeout. Raises re.error for a bad pattern.

    Cached: a run builds its stages in the main process, then again in each worker for each
    pass; forked workers then find the patterns compiled (RE2 takes about 0.6 s for the shipped
    rules, with their Unicode classes spelled out)."""
    return UserPattern(source, label)


class UserPattern:
    """A rule file's pattern: `search` and `match` give a true value or None, as `re` would
    decide, on RE2 where that is exact and otherwise on `re` under the time budget."""

    def __init__(self, source: str, label: str = "") -> None:
        self.pattern, self.label = source, label
        self._re = re.compile(source)
        self.flags = self._re.flags
        self._search = self._match = None  # RE2's Match for each, or None
        self.ascii_only = False  # RE2 decides only on ASCII text (the pattern has \b or \B)
        self.fallback = ""  # why `re` runs it, on some lines or all; "" when RE2 runs it on every line
        try:
            translated, self.ascii_only = _to_re2(source)
            self._search = _re2_matcher(translated, anchored=False)
            self._match = _re2_matcher(translated, anchored=True)
            if self.ascii_only:
                self.fallback = "\\b on a line that is not ASCII"
        except _Untranslatable as reason:
            self.fallback = str(reason)

    def __reduce__(self) -> tuple[Any, ...]:  # RE2 objects do not pickle: compile again
        return (UserPattern, (self.pattern, self.label))

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r})"

    def search(self, text: str) -> bool | None:
        linear = self._search
        # RE2 reads UTF-8, which cannot hold a lone surrogate; `^` and `$` became \A and \z,
        # which is what they mean in text without "\n"; re's \B (before Python 3.14) does not
        # match the empty text where RE2's does, and re cannot stall on nothing
        if linear is not None and text and (not self.ascii_only or text.isascii()) and "\n" not in text:
            try:
                return True if linear(text.encode()) else None
            except UnicodeEncodeError:
                pass
        return self._fall_back(self._re.search, text)

    def match(self, text: str) -> bool | None:
        linear = self._match
        if linear is not None and text and (not self.ascii_only or text.isascii()) and "\n" not in text:
            try:
                return True if linear(text.encode()) else None
            except UnicodeEncodeError:
                pass
        return self._fall_back(self._re.match, text)

    def _fall_back(self, method: Any, text: str) -> bool | None:
        try:
            return True if _budgeted(method, text) is not None else None
        except RegexTimeout:
            raise RegexTimeout(f"rule {self.label or repr(self.pattern)}: its regular expression ran past the "
                               f"document's time budget ({self.fallback or 'text RE2 cannot read'}: it runs on "
                               "Python's re)") from None


class CombinedPattern(UserPattern):
    """One pattern made of alternatives (`members`, each compiled on its own): where RE2 cannot
    run the whole, it asks each member instead, so one member RE2 cannot run (a lookaround, or
    \\b on a line that is not ASCII) does not put the others on `re`."""

    def __init__(self, source: str, members: tuple[UserPattern, ...]) -> None:
        super().__init__(source, ", ".join(member.label for member in members))
        self.members = members

    def __reduce__(self) -> tuple[Any, ...]:
        return (CombinedPattern, (self.pattern, self.members))

    def _fall_back(self, method: Any, text: str) -> bool | None:
        anchored = method == self._re.match
        return True if any(member.match(text) if anchored else member.search(text) for member in self.members) else None


def combine(source: str, members: Sequence[Pattern]) -> Pattern:
    """The alternation `source` of `members` (rule patterns), as compile_pattern gives them."""
    users = tuple(member for member in members if isinstance(member, UserPattern))
    if len(users) != len(members):
        return re.compile(source)
    return _combined(source, users)


@functools.lru_cache(maxsize=256)
def _combined(source: str, members: tuple[UserPattern, ...]) -> CombinedPattern:
    return CombinedPattern(source, members)


Pattern = re.Pattern[str] | UserPattern  # what compile_pattern gives; both have search, match, pattern, flags


def _re2_matcher(source: str, *, anchored: bool) -> Callable[[bytes], Any]:
    """A function telling whether RE2 finds the pattern in UTF-8 bytes (anchored: at the start):
    a non-empty list, or None.

    An RE2 Set of one pattern, because it answers only whether it matches, with one DFA pass:
    on Zyte's lines it takes 1.2 s where `re` takes 1.4 and RE2's `search` (which also finds
    where) 1.9. A Set's DFA never gives up on a match once `Compile` has succeeded (RE2's
    dfa.cc lets only a single-pattern search bail out to the NFA), so no failure reads as "no match".
    """
    if re2 is None:
        raise _Untranslatable("google-re2 is not installed")
    options = re2.Options()
    options.log_errors = False  # a refusal is handled here, not printed by the C++ library
    options.max_mem = 64 << 20  # large spelled-out Unicode classes
    matcher = re2.Set.MatchSet(options) if anchored else re2.Set.SearchSet(options)
    try:
        matcher.Add(source.encode("utf-8"))
        matcher.Compile()
    except re2.error as error:
        raise _Untranslatable(f"RE2 refuses it: {error}") from None
    return matcher.Match


# ---- the time budget ------------------------------------------------------------------------

_deadline_armed = False  # a budget's timer is running in this process
_expired = False  # and has run out
_in_fallback = False  # `re` is matching a user pattern right now


class _Alarm(RegexTimeout):
    pass


@contextmanager
def time_budget(seconds: float = BUDGET_SECONDS) -> Iterator[None]:
    """`re` matching inside the block (UserPattern's fallback) is interrupted with RegexTimeout
    once the block has run `seconds`; RE2 and other code are never interrupted. A timer signal
    does it (`re` checks for signals as it backtracks): one per block, not per match, so the
    cost is a few system calls per document. Nested blocks share the outer budget; off the main
    thread, where signals cannot be used, there is no budget."""
    global _deadline_armed, _expired
    if _deadline_armed or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _on_alarm)
    _deadline_armed, _expired = True, False
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        _deadline_armed = False


def within_time_budget(function: Callable[P, R]) -> Callable[P, R]:
    """`function(rules, lines, ...)` with each call in a `time_budget` of BUDGET_SECONDS plus
    PER_LINE_SECONDS for each of the document's lines, so a long document is not cut short."""
    @functools.wraps(function)
    def budgeted(*args: P.args, **kwargs: P.kwargs) -> R:
        lines = args[1] if len(args) > 1 else kwargs["lines"]
        with time_budget(BUDGET_SECONDS + PER_LINE_SECONDS * len(lines)):  # type: ignore[arg-type]
            return function(*args, **kwargs)
    return budgeted


def _budgeted(method: Any, text: str) -> Any:
    global _in_fallback
    if _expired:
        raise RegexTimeout
    _in_fallback = True
    try:
        return method(text)
    finally:
        _in_fallback = False


def _on_alarm(signum: int, frame: object) -> None:
    global _expired
    _expired = True
    if _in_fallback:
        raise _Alarm


# ---- translation to RE2 ---------------------------------------------------------------------


def _to_re2(source: str) -> tuple[str, bool]:
    """RE2 syntax matching exactly where `re` matches `source`, on text without "\\n" (and only
    on ASCII text when the second value is true); _Untranslatable otherwise."""
    if _sre_parse is None:
        raise _Untranslatable("this Python's regex parser is unknown")
    tree = _sre_parse.parse(source, 0)
    flags = tree.state.flags
    if flags & re.LOCALE:
        raise _Untranslatable("LOCALE flag")
    translator = _Translator()
    return translator.sequence(list(tree), flags), translator.ascii_only


class _Translator:
    def __init__(self) -> None:
        self.ascii_only = False

    def sequence(self, items: Sequence[tuple[Any, Any]], flags: int) -> str:
        return "".join(self.item(op, value, flags) for op, value in items)

    def item(self, op: Any, value: Any, flags: int) -> str:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            return _class(_char_set(op, value, flags))
        if op is _sre.BRANCH:
            return "(?:" + "|".join(self.sequence(list(branch), flags) for branch in value[1]) + ")"
        if op is _sre.SUBPATTERN:
            _group, add, remove, inner = value
            if (add | remove) & re.ASCII:
                # re's search and match disagree on it (3.11: re.search(r"(?a:\W)", "ª") finds
                # nothing, re.match finds "ª"): there is no one answer to give
                raise _Untranslatable("a scoped ASCII flag, (?a:...)")
            return "(?:" + self.sequence(list(inner), (flags | add) & ~remove) + ")"
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT):
            low, high, inner = value
            if low > _RE2_MAX_REPEAT or (high != _sre.MAXREPEAT and high > _RE2_MAX_REPEAT):
                raise _Untranslatable(f"a repetition count over {_RE2_MAX_REPEAT}")
            count = {(0, _sre.MAXREPEAT): "*", (1, _sre.MAXREPEAT): "+", (0, 1): "?"}.get(
                (low, high), f"{{{low},}}" if high == _sre.MAXREPEAT else f"{{{low},{high}}}")
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
        names = {_sre.GROUPREF: "a backreference", _sre.GROUPREF_EXISTS: "a conditional group",
                 _sre.ASSERT: "a lookaround", _sre.ASSERT_NOT: "a lookaround"}
        names.update({getattr(_sre, name): what for name, what in
                      (("POSSESSIVE_REPEAT", "a possessive repeat"), ("ATOMIC_GROUP", "an atomic group"))
                      if hasattr(_sre, name)})
        raise _Untranslatable(names.get(op, f"{op}"))


def _char_set(op: Any, value: Any, flags: int) -> Ranges:
    """The code points (surrogates aside) that one single-character item of a parse matches
    under `flags`, exactly as `re` decides."""
    flags &= re.IGNORECASE | re.ASCII | re.DOTALL  # the flags that change what one character matches
    return _cached_char_set(op, repr(value), flags, value)


_char_sets: dict[tuple[Any, str, int], Ranges] = {}


def _cached_char_set(op: Any, key: str, flags: int, value: Any) -> Ranges:
    if (op, key, flags) in _char_sets:
        return _char_sets[op, key, flags]
    naive = _naive_set(op, value, flags)
    if flags & re.IGNORECASE:
        # Case folding changes the answer only for characters that have a case or are one's
        # lower case: for those, `re` itself is asked, one by one.
        relevant = _case_relevant()
        prefix = "(?i" + ("a" if flags & re.ASCII else "") + ("s" if flags & re.DOTALL else "") + ")"
        found = re.finditer(prefix + _python_source(op, value), _case_relevant_text())
        folded = _from_codes({relevant[m.start()] for m in found})
        naive = _union([_intersect(naive, _caseless()), folded])
    _char_sets[op, key, flags] = naive
    return naive


def _naive_set(op: Any, value: Any, flags: int) -> Ranges:
    if op is _sre.LITERAL:
        return ((value, value),)
    if op is _sre.NOT_LITERAL:
        return _complement(((value, value),))
    if op is _sre.ANY:
        return _complement(((10, 10),)) if not flags & re.DOTALL else ((0, _MAX_CODE_POINT),)
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
            raise _Untranslatable(f"{item_op} in a character class")
    union = _union(parts)
    return _complement(union) if negate else union


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


_CATEGORY_SOURCE = {"CATEGORY_DIGIT": r"\d", "CATEGORY_NOT_DIGIT": r"\D", "CATEGORY_SPACE": r"\s",
                    "CATEGORY_NOT_SPACE": r"\S", "CATEGORY_WORD": r"\w", "CATEGORY_NOT_WORD": r"\W"}


@functools.cache
def _every_character() -> str:
    """Every code point but the surrogates, in order."""
    codes = array.array("I", range(_SURROGATES[0]))
    codes.extend(range(_SURROGATES[1] + 1, _MAX_CODE_POINT + 1))
    return codes.tobytes().decode("utf-32-le" if sys.byteorder == "little" else "utf-32-be")


def _code(index: int) -> int:
    return index if index < _SURROGATES[0] else index + _SURROGATES[1] - _SURROGATES[0] + 1


@functools.cache
def _category(name: str, ascii_only: bool) -> Ranges:
    """What `re` matches with \\d, \\s, \\w (and their negations), found by asking it."""
    found = re.finditer(("(?a)" if ascii_only else "") + _CATEGORY_SOURCE[name] + "+", _every_character())
    return tuple((_code(m.start()), _code(m.end() - 1)) for m in found)


@functools.cache
def _case_relevant() -> tuple[int, ...]:
    """Every code point with a case, or that another's case mapping gives: where IGNORECASE
    can change what a character class matches."""
    text = _every_character()
    codes: set[int] = set()
    for mapping in (str.lower, str.upper):
        for index in _changed(text, 0, len(text), mapping):
            char = text[index]
            codes.add(ord(char))
            codes.update(map(ord, mapping(char)))
    return tuple(sorted(code for code in codes if not _SURROGATES[0] <= code <= _SURROGATES[1]))


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
    return _complement(_from_codes(set(_case_relevant())))


def _union(parts: Sequence[Ranges]) -> Ranges:
    merged: list[list[int]] = []
    for low, high in sorted(r for part in parts for r in part):
        if merged and low <= merged[-1][1] + 1:
            merged[-1][1] = max(merged[-1][1], high)
        else:
            merged.append([low, high])
    return tuple((low, high) for low, high in merged)


def _complement(ranges: Ranges) -> Ranges:
    out, start = [], 0
    for low, high in ranges:
        if low > start:
            out.append((start, low - 1))
        start = max(start, high + 1)
    if start <= _MAX_CODE_POINT:
        out.append((start, _MAX_CODE_POINT))
    return tuple(out)


def _intersect(a: Ranges, b: Ranges) -> Ranges:
    return _complement(_union([_complement(a), _complement(b)]))


def _from_codes(codes: set[int]) -> Ranges:
    out: list[tuple[int, int]] = []
    for code in sorted(codes):
        if out and code == out[-1][1] + 1:
            out[-1] = (out[-1][0], code)
        else:
            out.append((code, code))
    return tuple(out)


@functools.cache
def _class(ranges: Ranges) -> str:
    """An RE2 character class for the ranges (surrogates dropped: RE2 reads UTF-8, which has none)."""
    ranges = _intersect(ranges, _complement((_SURROGATES,)))
    if not ranges:
        return r"[^\x00-\x{10FFFF}]"  # matches nothing
    complement = _intersect(_complement(ranges), _complement((_SURROGATES,)))
    if len(complement) < len(ranges):
        if not complement:
            return r"(?s:.)"
        return "[^" + "".join(_range(r) for r in complement) + "]"
    if len(ranges) == 1 and ranges[0][0] == ranges[0][1]:
        return _char(ranges[0][0])
    return "[" + "".join(_range(r) for r in ranges) + "]"


def _range(r: tuple[int, int]) -> str:
    return _char(r[0]) if r[0] == r[1] else f"{_char(r[0])}-{_char(r[1])}"


def _char(code: int) -> str:
    return chr(code) if chr(code).isascii() and chr(code).isalnum() else f"\\x{{{code:x}}}"


def backtracking_warning(pattern: Pattern) -> str | None:
    """What `corpus rules check` says of a pattern that runs on `re` (on some lines or all) and
    has a shape that can backtrack catastrophically; None for the others."""
    if not isinstance(pattern, UserPattern) or not pattern.fallback:
        return None
    shape = risky(pattern.pattern)
    if shape is None:
        return None
    return (f"can backtrack catastrophically ({shape}) where Python's re runs it ({pattern.fallback}): "
            "a document that takes it past the time budget is dropped as regex_timeout; rewrite it for RE2 if you can")


# ---- catastrophic shapes ----------------------------------------------------------------------


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
            if chars is not None and previous is not None and _intersect(chars, previous) \
                    and not (_intersect(_complement(chars), _complement(((10, 10),))) == ()
                             and all(later is _sre.AT for later, _ in items[index + 1:])):  # `.*` to the end cannot fail
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
        following = _next_chars(parts[index + 1:] + parts, flags)  # this round, then the next
        if following is None or _intersect(chars, following):
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
                return _union(found)
            continue
        first = _first_chars([(op, value)], flags)
        if first is None:
            return None
        found.append(first)
        return _union(found)
    return _union(found)


def _single_chars(items: list[tuple[Any, Any]], flags: int) -> Ranges | None:
    if len(items) == 1 and items[0][0] in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
        try:
            return _naive_set(items[0][0], items[0][1], flags)
        except _Untranslatable:
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
            return None if any(first is None for first in firsts) else _union(firsts)  # type: ignore[arg-type]
        return None
    return ()

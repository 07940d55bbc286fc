"""The regular expressions of rule files, made unable to hang a run.

Python's `re` backtracks: `(a+)+$` against a long line of "a" takes longer than the universe's
age, and a rule file is the one input users write themselves. So each pattern runs on RE2
(google-re2, linear in the text) wherever RE2 gives exactly the answer `re` would: the pattern
is rewritten from `re`'s own parse of it (translate.py), each character class spelled out with
the code points `re` itself matches (charsets.py: its Unicode `\\w`, `\\s`, `\\d` and case
folding, which RE2 defines differently). Where RE2 cannot (backreferences, lookarounds,
possessive repeats; `\\b` on a line that is not ASCII, since RE2's word boundary is ASCII's),
the pattern runs on `re` under a time budget per document (budget.py): an overrun raises
RegexTimeout, which drops the document as `regex_timeout` naming the rule. Shipped rule files go
the same way: hostile text can make a pattern of ours backtrack too (generic.byline took 17 s on
a 164-character line "By Anne andAnne andAnne...", doubling with each "andAnne").
shapes.py names the shapes that backtrack catastrophically, for `corpus rules check`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from typing import Any

from corpus.patterns.budget import BUDGET_SECONDS, RegexTimeout, budgeted, time_budget, within_time_budget
from corpus.patterns.charsets import Untranslatable
from corpus.patterns.shapes import risky
from corpus.patterns.translate import to_re2

try:
    import re2
except ImportError:  # pragma: no cover - google-re2 is a dependency; without it, the budget still holds
    re2 = None

__all__ = [
    "BUDGET_SECONDS",
    "CombinedPattern",
    "Pattern",
    "RegexTimeout",
    "UserPattern",
    "backtracking_warning",
    "combine",
    "compile_pattern",
    "risky",
    "time_budget",
    "within_time_budget",
]


@functools.lru_cache(maxsize=4096)
def compile_pattern(source: str, *, label: str = "") -> UserPattern:
    """A rule file's pattern, which searches like a compiled `re` pattern but cannot hang;
    `label` (the rule's id) names it in a timeout. Raises re.error for a bad pattern.

    Cached: the rule files are read once, in the main process; the workers get the rules
    pickled, and a forked worker finds their patterns compiled here (RE2 takes about 0.6 s for the
    shipped rules, with their Unicode classes spelled out)."""
    return UserPattern(source, label)


def _restore(source: str, label: str) -> UserPattern:
    return compile_pattern(source, label=label)


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
            translated, self.ascii_only = to_re2(source)
            self._search = _re2_matcher(translated, anchored=False)
            self._match = _re2_matcher(translated, anchored=True)
            if self.ascii_only:
                self.fallback = "\\b on a line that is not ASCII"
        except Untranslatable as reason:
            self.fallback = str(reason)

    def __reduce__(self) -> tuple[Any, ...]:
        # RE2 objects do not pickle: compile again, through the cache, so that a forked worker
        # finds the patterns its parent compiled and a spawned one compiles each once.
        return (_restore, (self.pattern, self.label))

    def __repr__(self) -> str:
        return f"UserPattern({self.pattern!r})"

    def search(self, text: str) -> bool | None:
        return self._run(self._search, text, anchored=False)

    def match(self, text: str) -> bool | None:
        return self._run(self._match, text, anchored=True)

    def _run(self, linear: Any, text: str, *, anchored: bool) -> bool | None:
        # RE2 reads UTF-8, which cannot hold a lone surrogate; `^` and `$` became \A and \z,
        # which is what they mean in text without "\n"; re's \B (before Python 3.14) does not
        # match the empty text where RE2's does, and re cannot stall on nothing
        if linear is not None and text and (not self.ascii_only or text.isascii()) and "\n" not in text:
            try:
                return True if linear(text.encode()) else None
            except UnicodeEncodeError:
                pass
        return self._fall_back(text, anchored=anchored)

    def _fall_back(self, text: str, *, anchored: bool) -> bool | None:
        try:
            return True if budgeted(self._re.match if anchored else self._re.search, text) is not None else None
        except RegexTimeout:
            raise RegexTimeout(
                f"rule {self.label or repr(self.pattern)}: its regular expression ran past the "
                f"document's time budget ({self.fallback or 'text RE2 cannot read'}: it runs on "
                "Python's re)"
            ) from None


class CombinedPattern(UserPattern):
    """One pattern made of alternatives (`members`, each compiled on its own): where RE2 cannot
    run the whole, it asks each member instead, so one member RE2 cannot run (a lookaround, or
    \\b on a line that is not ASCII) does not put the others on `re`."""

    def __init__(self, source: str, members: tuple[UserPattern, ...]) -> None:
        super().__init__(source, ", ".join(member.label for member in members))
        self.members = members

    def __reduce__(self) -> tuple[Any, ...]:
        return (_combined, (self.pattern, self.members))

    def _fall_back(self, text: str, *, anchored: bool) -> bool | None:
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
        raise Untranslatable("google-re2 is not installed")
    options = re2.Options()
    options.log_errors = False  # a refusal is handled here, not printed by the C++ library
    options.max_mem = 64 << 20  # large spelled-out Unicode classes
    matcher = re2.Set.MatchSet(options) if anchored else re2.Set.SearchSet(options)
    try:
        matcher.Add(source.encode("utf-8"))
        matcher.Compile()
    except re2.error as error:
        raise Untranslatable(f"RE2 refuses it: {error}") from None
    return matcher.Match


def backtracking_warning(pattern: Pattern | None) -> str | None:
    """What `corpus rules check` says of a pattern that runs on `re` (on some lines or all) and
    has a shape that can backtrack catastrophically; None for the others."""
    if not isinstance(pattern, UserPattern) or not pattern.fallback:
        return None
    shape = risky(pattern.pattern)
    if shape is None:
        return None
    return (
        f"can backtrack catastrophically ({shape}) where Python's re runs it ({pattern.fallback}): "
        "a document that takes it past the time budget is dropped as regex_timeout; rewrite it for RE2 if you can"
    )

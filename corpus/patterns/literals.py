"""What a pattern's source tells without running it: whether every match starts at the start of
the line, and literal strings one of which every match contains ("reserved" for
'(?i)all rights reserved'), so that a line without any of them need not be searched.

Read from the source with a small parser of our own and `re`'s public API only (CPython's
`re._parser` is private and changes between versions). It is conservative: a construct it does
not follow (a conditional, verbose mode) gives "not anchored" and "no literals", which only
costs speed; tests/test_rules.py checks on generated text that no match is ever ruled out.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from corpus.patterns.charsets import every_character

_REPEAT = re.compile(r"\{(\d*)(?:(,)(\d*))?\}")
_FLAGS = re.compile(r"\(\?([aiLmsux]*)(?:-([imsx]+))?([:)])")
_ESCAPED_CHARS = {"x": 2, "u": 4, "U": 8}
_MIN_LENGTH = 3  # an ASCII literal shorter than this is in most lines: checking it costs more than it saves


class _InDoubt(Exception):
    pass


# The parsed pattern: a literal character (with whether case is ignored there), any other
# character, a zero-width assertion ("^", "\A" or another), a group of alternatives, a repeat.
@dataclass(frozen=True)
class _Literal:
    char: str
    fold: bool


@dataclass(frozen=True)
class _Any:
    pass


@dataclass(frozen=True)
class _Assert:
    kind: str  # "^", "A" (\A), "" (any other)
    multiline: bool = False


@dataclass(frozen=True)
class _Group:
    branches: tuple[tuple[_Node, ...], ...]


@dataclass(frozen=True)
class _Repeat:
    item: _Node
    minimum: int


_Node = _Literal | _Any | _Assert | _Group | _Repeat


class _Parser:
    def __init__(self, source: str) -> None:
        self.source, self.at = source, 0

    def branches(self, fold: bool, multiline: bool) -> tuple[tuple[_Node, ...], ...]:
        found = [self.sequence(fold, multiline)]
        while self.peek() == "|":
            self.at += 1
            found.append(self.sequence(fold, multiline))
        return tuple(found)

    def sequence(self, fold: bool, multiline: bool) -> tuple[_Node, ...]:
        items: list[_Node] = []
        while self.at < len(self.source) and self.peek() not in "|)":
            item = self.atom(fold, multiline)
            minimum = self.repeat()
            items.append(item if minimum is None else _Repeat(item, minimum))
        return tuple(items)

    def peek(self) -> str:
        return self.source[self.at] if self.at < len(self.source) else ""

    def atom(self, fold: bool, multiline: bool) -> _Node:
        char = self.source[self.at]
        self.at += 1
        if char == "(":
            return self.group(fold, multiline)
        if char == "[":
            self.skip_class()
            return _Any()
        if char == ".":
            return _Any()
        if char in "^$":
            return _Assert("^" if char == "^" else "", multiline)
        if char == "\\":
            return self.escape(fold)
        if char in "*+?":
            raise _InDoubt  # a repeat of nothing: not a pattern `re` accepts
        return _Literal(char, fold)

    def escape(self, fold: bool) -> _Node:
        char = self.peek()
        if not char:
            raise _InDoubt
        self.at += 1
        if char in "AZbB":
            return _Assert("A" if char == "A" else "")
        if char.isdigit():  # a backreference or an octal escape: whatever it matches, not a known literal
            while self.peek().isdigit():
                self.at += 1
            return _Any()
        if char in _ESCAPED_CHARS:
            self.at += _ESCAPED_CHARS[char]
            return _Any()
        if char == "N":
            self.at = self.source.index("}", self.at) + 1
            return _Any()
        if char.isascii() and char.isalnum():
            return _Any()  # \d \w \s \n \t ... : a class or a control character
        return _Literal(char, fold)

    def skip_class(self) -> None:
        at = self.at + (self.source.startswith("^", self.at))
        at += self.source.startswith("]", at)
        while at < len(self.source) and self.source[at] != "]":
            at += 2 if self.source[at] == "\\" else 1
        if at >= len(self.source):
            raise _InDoubt
        self.at = at + 1

    def repeat(self) -> int | None:
        """The minimum count of a repeat after an atom (None: none follows)."""
        char = self.peek()
        if char in ("*", "?", "+"):
            self.at += 1
            minimum = 1 if char == "+" else 0
        elif char == "{" and (match := _REPEAT.match(self.source, self.at)) and (match[1] or match[2]):
            self.at = match.end()
            minimum = int(match[1] or 0)
        else:
            return None
        if self.peek() in ("?", "+"):  # lazy or possessive: the same minimum
            self.at += 1
        return minimum

    def group(self, fold: bool, multiline: bool) -> _Node:
        source, at = self.source, self.at
        zero_width = False
        if source.startswith("?", at):
            if source.startswith(("?:", "?>"), at):
                self.at += 2
            elif source.startswith(("?=", "?!"), at) or source.startswith(("?<=", "?<!"), at):
                self.at += 2 if source[at + 1] in "=!" else 3
                zero_width = True
            elif source.startswith("?P<", at):
                self.at = source.index(">", at) + 1
            elif source.startswith(("?P=", "?#"), at):
                self.at = source.index(")", at) + 1
                return _Assert("") if source[at + 1] == "#" else _Any()
            elif match := _FLAGS.match(source, at - 1):
                added, removed = match[1], match[2] or ""
                self.at = match.end()
                if match[3] == ")":
                    return _Assert("")  # the global flags at the start: `flags` has them
                fold = (fold or "i" in added) and "i" not in removed
                multiline = (multiline or "m" in added) and "m" not in removed
                if "x" in added:
                    raise _InDoubt
            else:
                raise _InDoubt  # (?(1)...|...) and anything newer
        branches = self.branches(fold, multiline)
        if self.peek() != ")":
            raise _InDoubt
        self.at += 1
        return _Assert("") if zero_width else _Group(branches)


@functools.lru_cache(maxsize=1024)
def _parse(source: str, flags: int) -> _Group | None:
    if flags & (re.VERBOSE | re.LOCALE):
        return None  # verbose mode's spaces and comments, the locale's case: not followed here
    parser = _Parser(source)
    try:
        tree = _Group(parser.branches(bool(flags & re.IGNORECASE), bool(flags & re.MULTILINE)))
    except (_InDoubt, ValueError, IndexError):
        return None
    return tree if parser.at == len(source) else None


def anchored_at_start(source: str, flags: int) -> bool:
    """True if every match starts at the start of the line: each top-level alternative begins
    with ^ (not in MULTILINE mode) or \\A. When in doubt, False.

    >>> anchored_at_start(r"(?i)^skip to content|^jump to (?:navigation|content)", re.I), \\
    ...     anchored_at_start(r"^\\s*©|all rights reserved", 0)
    (True, False)
    """
    tree = _parse(source, flags)
    return tree is not None and _anchored(tree)


def _anchored(node: _Node) -> bool:
    if isinstance(node, _Group):
        return all(_anchored_sequence(branch) for branch in node.branches)
    return isinstance(node, _Assert) and (node.kind == "A" or (node.kind == "^" and not node.multiline))


def _anchored_sequence(items: tuple[_Node, ...]) -> bool:
    for item in items:
        if isinstance(item, _Assert) and not item.kind:
            continue  # the global flags' group, a lookahead: zero-width, the next item decides
        return _anchored(item)
    return False


def needs(source: str, flags: int) -> tuple[tuple[str, bool], ...] | None:
    """Literal strings of which every match of the pattern contains one, each with whether its
    case is ignored there (then compare it and the line as `Folding` gives them); None if none
    are known, or only strings too short to be worth looking for.

    >>> needs(r"(?i)\\ball\\s+rights?\\s+reserved|copyright", re.I)
    (('reserved', True), ('copyright', True))
    """
    tree = _parse(source, flags)
    found = _needs((tree,)) if tree is not None else None
    if not found or any(len(text) < _MIN_LENGTH and text.isascii() for text, _ in found):
        return None
    return tuple(found)


def _needs(items: tuple[_Node, ...]) -> list[tuple[str, bool]] | None:
    """For a sequence: the best set of (literal, case ignored) alternatives one of which every
    match contains: a run of literal characters, or what a required part needs."""
    options: list[list[tuple[str, bool]]] = []
    run: list[_Literal] = []
    for item in (*_flat(items), None):
        if run and not (isinstance(item, _Literal) and item.fold == run[0].fold):
            options.append([("".join(literal.char for literal in run), run[0].fold)])
            run = []
        if isinstance(item, _Literal):
            run.append(item)
        elif isinstance(item, _Group):
            alternatives = [_needs(branch) for branch in item.branches]
            if all(alternatives):
                options.append([need for alternative in alternatives for need in alternative or ()])
        elif isinstance(item, _Repeat) and item.minimum >= 1 and (found := _needs((item.item,))):
            options.append(found)
    if not options:
        return None
    return max(options, key=lambda option: (min(len(text) for text, _ in option), -len(option)))


def _flat(items: tuple[_Node, ...]) -> list[_Node]:
    """The sequence with its groups of one alternative spliced in, and the first character that
    all alternatives of a group begin with taken out before it ("x(?:is|ik)" holds "xi")."""
    flat: list[_Node] = []
    for item in items:
        while isinstance(item, _Group) and len(item.branches) > 1:
            first = item.branches[0][0] if item.branches[0] else None
            if not isinstance(first, _Literal) or any(branch[:1] != (first,) for branch in item.branches):
                break
            flat.append(first)
            item = _Group(tuple(branch[1:] for branch in item.branches))
        if isinstance(item, _Group) and len(item.branches) == 1:
            flat.extend(_flat(item.branches[0]))
        else:
            flat.append(item)
    return flat


@dataclass(frozen=True)
class Folding:
    """Characters that `re`'s IGNORECASE takes as one (k, K and the Kelvin sign K; s, S and ſ),
    mapped to one of them (the ASCII lower-case letter where there is one), for the characters of
    some case-insensitive literals: a line folded so holds a literal folded so wherever `re` finds
    the literal in the line. Which characters are the same is asked of `re` itself."""

    table: dict[int, int]

    @staticmethod
    @functools.lru_cache(maxsize=256)
    def of(chars: str) -> Folding:
        wanted = sorted(set(chars))
        if not wanted:
            return Folding({})
        # Every character but the surrogates, which have no case.
        same = set(re.compile("(?i)[" + "".join(map(re.escape, wanted)) + "]").findall(every_character()))
        parent: dict[str, str] = {}

        def root(char: str) -> str:
            while parent.get(char, char) != char:
                char = parent[char]
            return char

        for literal in wanted:
            matcher = re.compile("(?i)" + re.escape(literal))
            for char in same:
                if matcher.fullmatch(char):
                    first, second = sorted((root(char), root(literal)), key=_preferred)
                    if first != second:
                        parent[second] = first
        return Folding({ord(char): ord(root(char)) for char in same | set(wanted) if root(char) != char})

    def fold(self, text: str) -> str:
        """`text` folded. An ASCII text is lower-cased, which gives the same where it matters: no
        ASCII character is the same as another but its other case."""
        if text.isascii():
            return text.lower()
        return text.translate(self.table) if self.table else text


def _preferred(char: str) -> tuple[bool, bool, int]:
    return (not char.isascii(), char.isupper(), ord(char))

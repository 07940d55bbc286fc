"""Which lines of a document the [[boilerplate]] rules of a rule file remove, found fast.

`removals` runs on every line of every document. So the rules of a file are indexed once per
process (`SiteRules`): each line is normalised once for one dict lookup against every
`exact_line` rule; the `line_pattern` rules anchored with ^ share one combined regex tried only
at the line's start; and a regex that can match anywhere is tried only on lines holding one of
the literal strings every match of it contains ("reserved" for '(?i)all rights reserved',
corpus/patterns/literals.py), found with one pass of an Aho-Corasick automaton over the line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, cast

import ahocorasick

from corpus.patterns import Pattern, combine, within_time_budget
from corpus.patterns.literals import Folding, anchored_at_start, needs
from corpus.rules import (
    Between,
    BoilerplateRule,
    CheckedFile,
    CutAfter,
    CutBefore,
    ExactLine,
    LinePattern,
    RuleSet,
    normalise_line,
)

Range = tuple[int, int, str]  # (first line, end line exclusive, full rule id)

# An anchored pattern joins the combined regex unless it refers to its own groups by number or
# name (the numbers shift in an alternation) or names a group (names must be unique in one regex).
_SELF_REFERENCE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?\(")
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_BULLET = re.compile(r"^[-•*·–]\s+(?=\S)")
_CELL_BORDER = re.compile(r"(?<!\\)\|")  # a table's cell border, not an escaped "\\|" inside a cell


class SiteRules:
    """The boilerplate rules of one rule file, indexed for `removals`: normalised line -> the
    `exact_line` rules listing it; the `line_pattern` rules; the combined regex of the anchored
    ones (None if none) and the patterns it does not cover, tried on every line; and the literal
    strings that let a line skip the patterns that can match anywhere."""

    def __init__(self, file: CheckedFile, folding: Folding) -> None:
        assert file.site is not None, "words.toml has no boilerplate rules"
        self.file, self.site, self.name, self.rules = file, file.site, file.stem, file.boilerplate
        exact: dict[str, list[int]] = {}
        patterns: list[int] = []
        anchored: list[int] = []
        for index, rule in enumerate(self.rules):
            if isinstance(rule, ExactLine):
                for line in rule.lines:
                    exact.setdefault(line, []).append(index)
            elif isinstance(rule, LinePattern):
                patterns.append(index)
                if _anchored(rule.pattern) and not _SELF_REFERENCE.search(rule.pattern.pattern):
                    anchored.append(index)
        self._exact = {line: tuple(indexes) for line, indexes in exact.items()}
        self._patterns = tuple(patterns)
        self._anchored = _combine([self.rules[index].pattern for index in anchored])  # type: ignore[attr-defined]
        limits = [self.rules[index].max_words for index in anchored]  # type: ignore[attr-defined]
        self._anchored_max_words = 0 if not limits or 0 in limits else max(limits)  # 0: some have no limit
        self._unanchored = tuple(i for i in patterns if self._anchored is None or i not in anchored)
        # A regex anchored at the line's start fails fast on its own (checking literals would cost
        # more on Zyte's pages); one that can match anywhere is worth a literal check first.
        wanted = {
            id(pattern): found
            for rule in self.rules
            for pattern in rule.patterns()
            if not _anchored(pattern) and (found := needs(pattern.pattern, pattern.flags)) is not None
        }
        self._literals = _Literals(wanted, folding) if wanted else None

    @property
    def applies_to_all(self) -> bool:
        return self.site.all

    def applies_to(self, site: str | None, text: str) -> bool:
        return self.site.matches(site, text)


def site_rules(rules: RuleSet | Iterable[CheckedFile]) -> list[SiteRules]:
    """Each file with a [site] table (words.toml has none), indexed, in the given order."""
    files = [file for file in (rules.files if isinstance(rules, RuleSet) else rules) if file.site is not None]
    folded = "".join(
        text
        for file in files
        for rule in file.boilerplate
        for pattern in rule.patterns()
        for text, fold in needs(pattern.pattern, pattern.flags) or ()
        if fold
    )
    folding = Folding.of(folded)  # one for all files: a line is folded once, however many apply
    return [SiteRules(file, folding) for file in files]


def _anchored(pattern: Pattern) -> bool:
    return anchored_at_start(pattern.pattern, pattern.flags)


class _Literals:
    """The literal strings the file's patterns need (see corpus/patterns/literals.py), in two
    Aho-Corasick automata, exact and case-folded: one pass over a line tells which of the
    patterns can match it."""

    def __init__(self, wanted: dict[int, tuple[tuple[str, bool], ...]], folding: Folding) -> None:
        self.folding = folding
        self.keys = frozenset(wanted)
        words: tuple[dict[str, set[int]], dict[str, set[int]]] = ({}, {})
        for key, found in wanted.items():
            for text, fold in found:
                words[fold].setdefault(folding.fold(text) if fold else text, set()).add(key)
        self.exact, self.folded = (_automaton(table) for table in words)

    def found(self, line: str) -> set[int]:
        """The keys (id of the pattern) of the patterns whose literals the line holds."""
        keys: set[int] = set()
        if self.exact is not None:
            for _end, matched in self.exact.iter(line):
                keys |= matched
        if self.folded is not None:
            for _end, matched in self.folded.iter(self.folding.fold(line)):
                keys |= matched
        return keys


def _automaton(words: dict[str, set[int]]) -> ahocorasick.Automaton | None:
    if not words:
        return None
    automaton = ahocorasick.Automaton()
    for word, keys in words.items():
        automaton.add_word(word, frozenset(keys))
    automaton.make_automaton()
    return automaton


@within_time_budget  # a regex running past it raises RegexTimeout: the document is dropped
def removals(
    rules: SiteRules,
    lines: Sequence[str],
    disabled: Collection[str] = (),
    *,
    guards: bool = True,
    unchecked: Collection[int] = (),
) -> list[Range]:
    """The ranges of `lines` that the file's rules remove, sorted; ranges of different rules may
    overlap. A line removed by several line rules is credited to the first in the file. `guards`
    off ignores min_position and max_position (as `corpus rules check` does for examples). Line
    rules skip the lines numbered in `unchecked`; block rules' markers are looked for everywhere."""
    document = _Lines(lines, rules._literals)
    found: list[Range] = []
    if rules._exact or rules._patterns:
        found.extend(_line_removals(rules, document, disabled, unchecked))
    for rule in rules.rules:
        if rule.block and rule.id not in disabled:
            found.extend(_block_removals(rule, document, guards))
    found.sort()
    return found


def _one_cell(line: str) -> str:
    """A row of a one-column table is its cell's text: "| ADVERTISEMENT |" is the line
    "ADVERTISEMENT" on a page laid out in tables ("\\|" is a "|" inside a cell). A row with more
    cells, empty ones too, is a table's ("| | 25 November 1947 |" in an infobox is a fact of it)."""
    if len(line) < 3 or line[0] != "|" or line[-1] != "|" or _CELL_BORDER.search(line, 1, len(line) - 1):
        return line
    return line[1:-1].strip()


class _Lines:
    """A document's lines, stripped of spaces and of a list bullet ("- Print Article" is the line
    "Print Article" in a list: main-text extractors write list items so); the literals each
    holds are looked for only when asked."""

    __slots__ = ("text", "_literals", "_found")

    def __init__(self, lines: Sequence[str], literals: _Literals | None) -> None:
        self.text = [_BULLET.sub("", _one_cell(line.strip()), count=1) for line in lines]
        self._literals = literals
        self._found: list[set[int] | None] = [None] * len(self.text)

    def search(self, number: int, pattern: Pattern) -> bool:
        line = self.text[number]
        if not line:
            return False  # blank lines are never removed by a rule, nor mark anything
        literals = self._literals
        if literals is not None and id(pattern) in literals.keys:
            found = self._found[number]
            if found is None:
                found = self._found[number] = literals.found(line)
            if id(pattern) not in found:
                return False
        return pattern.search(line) is not None


def _line_removals(
    rules: SiteRules, document: _Lines, disabled: Collection[str], unchecked: Collection[int]
) -> list[Range]:
    found = []
    exact, anchored, unanchored, patterns = rules._exact, rules._anchored, rules._unanchored, rules._patterns
    max_words = rules._anchored_max_words  # a longer line cannot be removed by an anchored pattern
    for number, line in enumerate(document.text):
        if not line or number in unchecked:
            continue
        best = len(rules.rules)  # index of the first rule (in file order) that removes the line
        for index in exact.get(normalise_line(line), ()) if exact else ():
            if rules.rules[index].id not in disabled:
                best = index
                break
        if patterns:
            words = len(line.split()) if max_words else 0
            hit = anchored is not None and (not max_words or words <= max_words) and anchored.match(line)
            candidates = patterns if hit else unanchored
            for index in candidates:
                if index >= best:
                    break
                rule = cast(LinePattern, rules.rules[index])
                if rule.id in disabled:
                    continue
                if rule.max_words:
                    words = words or len(line.split())
                    if words > rule.max_words:
                        continue
                if document.search(number, rule.pattern):
                    best = index
                    break
        if best < len(rules.rules):
            found.append((number, number + 1, rules.rules[best].id))
    return found


def _block_removals(rule: BoilerplateRule, document: _Lines, guards: bool) -> list[Range]:
    total = len(document.text)
    if isinstance(rule, CutAfter):
        # "at or after the fraction": line / total >= min_position (rounded, so 0.3 * 10 is 3)
        first = math.ceil(round(rule.min_position * total, 9)) if guards else 0
        for number in range(first, total):
            if document.search(number, rule.marker):
                start = number if rule.include_marker else number + 1
                return [(start, total, rule.id)] if start < total else []
        return []
    if isinstance(rule, CutBefore):
        last = math.floor(round(rule.max_position * total, 9)) if guards else total
        for number in range(min(last + 1, total)):
            if document.search(number, rule.marker):
                end = number + 1 if rule.include_marker else number
                return [(0, end, rule.id)] if end > 0 else []
        return []
    assert isinstance(rule, Between), rule
    found = []
    number = 0
    while number < total:
        if document.search(number, rule.start):
            limit = total if not rule.max_lines else min(total, number + rule.max_lines)
            closing = next((later for later in range(number + 1, limit) if document.search(later, rule.end)), None)
            if closing is None:
                if not rule.max_lines:
                    break  # no end anywhere after this start, so none after a later one either
                number += 1
                continue
            start, stop = (number, closing + 1) if rule.include_markers else (number + 1, closing)
            if start < stop:
                found.append((start, stop, rule.id))
            number = closing + 1
        else:
            number += 1
    return found


@dataclass(frozen=True)
class ExampleFailure:
    rule_id: str
    expected: Literal["remove", "keep"]
    number: int  # the example's position in its list, from 1
    example: str
    problem: str  # "removed nothing", "kept line 2: ...", "removed line 1: ..."


def check_examples(rules: SiteRules) -> tuple[int, list[ExampleFailure]]:
    """Run each rule alone on its examples, position guards off: how many ran, and the failures.

    A `remove` example must lose at least one line (exact_line and line_pattern: every line that
    is not blank); a `keep` example must lose none."""
    all_ids = {rule.id for rule in rules.rules}
    count = 0
    failures = []
    for rule in rules.rules:
        others = all_ids - {rule.id}
        for expected, examples in (("remove", rule.remove_examples), ("keep", rule.keep_examples)):
            for number, example in enumerate(examples, 1):
                count += 1
                lines = example.split("\n")
                removed = {
                    line
                    for start, end, rule_id in removals(rules, lines, others, guards=False)
                    if rule_id == rule.id
                    for line in range(start, end)
                }
                problem = _example_problem(rule, expected, lines, removed)
                if problem:
                    failures.append(ExampleFailure(rule.id, expected, number, example, problem))  # type: ignore[arg-type]
    return count, failures


def _example_problem(rule: BoilerplateRule, expected: str, lines: list[str], removed: set[int]) -> str:
    if expected == "keep":
        return f"removed line {min(removed) + 1}: {lines[min(removed)]!r}" if removed else ""
    if not removed:
        return "removed nothing"
    if not rule.block:
        kept = [number for number, line in enumerate(lines) if line.strip() and number not in removed]
        if kept:
            return f"kept line {kept[0] + 1}: {lines[kept[0]]!r}"
    return ""


def _split_flags(pattern: Pattern) -> tuple[str, str]:
    """'(?i)^foo' -> ('i', '^foo'): a pattern's leading global flags and the rest."""
    source, flags = pattern.pattern, ""
    while match := _LEADING_FLAGS.match(source):
        flags += match.group(1)
        source = source[match.end() :]
    return flags.replace("u", ""), source  # u is the default for str patterns, and not scopable


def _combine(patterns: Sequence[Pattern]) -> Pattern | None:
    """One regex matching where any of `patterns` does, each pattern's leading global flags
    (such as (?i)) scoped to its own branch; None for no patterns, or if they do not combine."""
    if not patterns:
        return None
    branches = []
    for pattern in patterns:
        flags, source = _split_flags(pattern)
        if "x" in flags:
            source += "\n"  # a trailing comment must not swallow the branch's closing parenthesis
        branches.append(f"(?{flags}:{source})" if flags else f"(?:{source})")
    try:
        return combine("|".join(branches), patterns)
    except re.error:
        return None

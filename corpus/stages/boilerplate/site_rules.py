"""Rule files compiled for speed, and which lines of a document their [[boilerplate]] rules remove.

Pure and picklable: the compiled rules travel to the worker processes, and `removals` is called
on every line of every document. So each line is normalised once for one dict lookup against
every `exact_line` rule of a file, and the `line_pattern` rules anchored with ^ share one
combined regex tried only at the line's start, which rules a line out before any of them is
tried alone (on Reuters lines, 7x faster than trying them one by one; an alternation of
unanchored patterns is slower than the patterns alone, so those are tried one by one).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Literal

from corpus.errors import ConfigError
from corpus.rules import BoilerplateRule, CheckedRuleFile, RuleFile, check_rule_file

Range = tuple[int, int, str]  # (first line, end line exclusive, full rule id)

# Stripped from the end of a normalised line, repeatedly: the arrows, bars and colons that
# themes put after a heading ("Leave a Reply:", "More posts »"). NFKC turns "…" into "...".
_TRAILING = " :»›|…"
# A pattern can join the combined prefilter unless it refers to its own groups by number or
# name (the numbers shift in an alternation) or names a group (names must be unique in one regex).
_SELF_REFERENCE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?\(")
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_TOP_LEVEL_TOKEN = re.compile(r"\\.|\[\^?\]?(?:\\.|[^\]\\])*\]|[()|]|[^\\\[()|]+", re.S)


def normalise_line(line: str) -> str:
    """How `exact_line` compares lines: NFKC, casefold, whitespace collapsed, trailing ": » › | …" dropped.

    >>> normalise_line("  More posts in  Asia »")
    'more posts in asia'
    """
    text = line.lower() if line.isascii() else unicodedata.normalize("NFKC", line).casefold()
    text = " ".join(text.split())
    while True:
        trimmed = text.rstrip(_TRAILING)
        if trimmed.endswith("..."):
            trimmed = trimmed[:-3]
        if trimmed == text:
            return text
        text = trimmed


@dataclass(frozen=True)
class Rule:
    """One compiled [[boilerplate]] rule."""

    id: str  # "<file stem>.<id>"
    kind: Literal["exact_line", "line_pattern", "cut_after", "cut_before", "between"]
    lines: frozenset[str] = frozenset()  # exact_line, normalised
    pattern: re.Pattern[str] | None = None  # line_pattern; cut_after/cut_before: the marker; between: start
    end: re.Pattern[str] | None = None  # between
    max_words: int = 0  # line_pattern; 0 = any length
    include: bool = True  # include_marker(s)
    min_position: float = 0.0  # cut_after
    max_position: float = 1.0  # cut_before
    max_lines: int = 0  # between; 0 = the end line may be anywhere after the start
    remove_examples: tuple[str, ...] = ()
    keep_examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class SiteRules:
    """The boilerplate rules of one rule file, and which documents they apply to."""

    name: str  # the file stem: "antiwar.com", "generic"
    hosts: tuple[str, ...]
    markers: tuple[str, ...]
    applies_to_all: bool
    rules: tuple[Rule, ...]
    # Derived for speed: normalised line -> indexes (in `rules`) of the exact_line rules listing it;
    # the line_pattern rules' indexes; the combined regex of the anchored ones (None if none),
    # and the patterns it does not cover, tried on every line.
    _exact: dict[str, tuple[int, ...]] = field(init=False, repr=False, compare=False)
    _patterns: tuple[int, ...] = field(init=False, repr=False, compare=False)
    _anchored: re.Pattern[str] | None = field(init=False, repr=False, compare=False)
    _unanchored: tuple[int, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        exact: dict[str, list[int]] = {}
        patterns: list[int] = []
        anchored: list[int] = []
        for index, rule in enumerate(self.rules):
            if rule.kind == "exact_line":
                for line in rule.lines:
                    exact.setdefault(line, []).append(index)
            elif rule.kind == "line_pattern" and rule.pattern is not None:
                patterns.append(index)
                if _anchored_at_start(rule.pattern):
                    anchored.append(index)
        combined = _combine([self.rules[index].pattern for index in anchored])  # type: ignore[misc]
        set_ = object.__setattr__
        set_(self, "_exact", {line: tuple(indexes) for line, indexes in exact.items()})
        set_(self, "_patterns", tuple(patterns))
        set_(self, "_anchored", combined)
        set_(self, "_unanchored", tuple(i for i in patterns if combined is None or i not in anchored))

    def applies_to(self, site: str | None, text: str) -> bool:
        """True for every document (all = true), for a site that is a host or its subdomain, and
        for a document without a site whose text contains a marker."""
        if self.applies_to_all:
            return True
        if site is not None:
            site = site.lower().rstrip(".")
            return any(site == host or site.endswith("." + host) for host in self.hosts)
        return any(marker in text for marker in self.markers)


def compile_rule_files(files: Sequence[RuleFile]) -> list[SiteRules]:
    """Check and compile each file with a [site] table (words.toml has none), in the given order."""
    return [_compile(checked) for checked in map(check_rule_file, files) if checked.site is not None]


def rule_ids(files: Sequence[RuleFile]) -> set[str]:
    """Every full rule id in the files ("generic.skip_link"), to check names given in `disable`."""
    return {rule.id for file in files for rule in check_rule_file(file).boilerplate}


def removals(
    rules: SiteRules, lines: Sequence[str], disabled: Collection[str] = (), *, guards: bool = True,
) -> list[Range]:
    """The ranges of `lines` that the file's rules remove, sorted; ranges of different rules may
    overlap. A line removed by several line rules is credited to the first in the file. `guards`
    off ignores min_position and max_position (as `corpus rules check` does for examples)."""
    stripped = [line.strip() for line in lines]
    found: list[Range] = []
    if rules._exact or rules._patterns:
        found.extend(_line_removals(rules, stripped, disabled))
    for rule in rules.rules:
        if rule.kind in ("exact_line", "line_pattern") or rule.id in disabled:
            continue
        found.extend(_block_removals(rule, stripped, guards))
    found.sort()
    return found


def _line_removals(rules: SiteRules, stripped: Sequence[str], disabled: Collection[str]) -> list[Range]:
    found = []
    exact, anchored, unanchored, patterns = rules._exact, rules._anchored, rules._unanchored, rules._patterns
    for number, line in enumerate(stripped):
        if not line:
            continue
        best = len(rules.rules)  # index of the first rule (in file order) that removes the line
        for index in exact.get(normalise_line(line), ()) if exact else ():
            if rules.rules[index].id not in disabled:
                best = index
                break
        if patterns:
            words = 0
            candidates = patterns if anchored is not None and anchored.match(line) else unanchored
            for index in candidates:
                if index >= best:
                    break
                rule = rules.rules[index]
                if rule.id in disabled:
                    continue
                if rule.max_words:
                    words = words or len(line.split())
                    if words > rule.max_words:
                        continue
                if rule.pattern.search(line):  # type: ignore[union-attr]
                    best = index
                    break
        if best < len(rules.rules):
            found.append((number, number + 1, rules.rules[best].id))
    return found


def _block_removals(rule: Rule, stripped: Sequence[str], guards: bool) -> list[Range]:
    total = len(stripped)
    marker = rule.pattern
    assert marker is not None
    if rule.kind == "cut_after":
        # "at or after the fraction": line / total >= min_position (rounded, so 0.3 * 10 is 3)
        first = math.ceil(round(rule.min_position * total, 9)) if guards else 0
        for number in range(first, total):
            if stripped[number] and marker.search(stripped[number]):
                start = number if rule.include else number + 1
                return [(start, total, rule.id)] if start < total else []
        return []
    if rule.kind == "cut_before":
        last = math.floor(round(rule.max_position * total, 9)) if guards else total
        for number in range(min(last + 1, total)):
            if stripped[number] and marker.search(stripped[number]):
                end = number + 1 if rule.include else number
                return [(0, end, rule.id)] if end > 0 else []
        return []
    found = []  # between
    end_marker = rule.end
    assert end_marker is not None
    number = 0
    while number < total:
        if stripped[number] and marker.search(stripped[number]):
            limit = total if not rule.max_lines else min(total, number + rule.max_lines)
            closing = next((later for later in range(number + 1, limit)
                            if stripped[later] and end_marker.search(stripped[later])), None)
            if closing is None:
                if not rule.max_lines:
                    break  # no end anywhere after this start, so none after a later one either
                number += 1
                continue
            start, stop = (number, closing + 1) if rule.include else (number + 1, closing)
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
                removed = {line for start, end, rule_id in removals(rules, lines, others, guards=False)
                           if rule_id == rule.id for line in range(start, end)}
                problem = _example_problem(rule, expected, lines, removed)
                if problem:
                    failures.append(ExampleFailure(rule.id, expected, number, example, problem))  # type: ignore[arg-type]
    return count, failures


def _example_problem(rule: Rule, expected: str, lines: list[str], removed: set[int]) -> str:
    if expected == "keep":
        return f"removed line {min(removed) + 1}: {lines[min(removed)]!r}" if removed else ""
    if not removed:
        return "removed nothing"
    if rule.kind in ("exact_line", "line_pattern"):
        kept = [number for number, line in enumerate(lines) if line.strip() and number not in removed]
        if kept:
            return f"kept line {kept[0] + 1}: {lines[kept[0]]!r}"
    return ""


def _compile(checked: CheckedRuleFile) -> SiteRules:
    site = checked.site
    assert site is not None
    rules = tuple(_compile_rule(rule, str(checked.file.path)) for rule in checked.boilerplate)
    return SiteRules(checked.file.stem, site.hosts, site.markers, site.all, rules)


def _compile_rule(rule: BoilerplateRule, where: str) -> Rule:
    common = {"id": rule.id, "remove_examples": rule.remove_examples, "keep_examples": rule.keep_examples}
    if rule.kind == "exact_line":
        lines = {}
        for line in rule.lines:
            normal = normalise_line(line)
            if not normal:
                raise ConfigError(where, f'rule "{rule.id.rpartition(".")[2]}": line {line!r} in "lines" '
                                  "is only punctuation that comparisons ignore", "remove it")
            lines[normal] = line
        return Rule(kind="exact_line", lines=frozenset(lines), **common)
    if rule.kind == "line_pattern":
        return Rule(kind="line_pattern", pattern=re.compile(rule.pattern), max_words=rule.max_words, **common)
    if rule.kind == "between":
        return Rule(kind="between", pattern=re.compile(rule.start), end=re.compile(rule.end),
                    include=rule.include_markers, max_lines=rule.max_lines, **common)
    return Rule(kind=rule.kind, pattern=re.compile(rule.marker), include=rule.include_marker,
                min_position=rule.min_position, max_position=rule.max_position, **common)


def _split_flags(pattern: re.Pattern[str]) -> tuple[str, str]:
    """'(?i)^foo' -> ('i', '^foo'): a pattern's leading global flags and the rest."""
    source, flags = pattern.pattern, ""
    while match := _LEADING_FLAGS.match(source):
        flags += match.group(1)
        source = source[match.end():]
    return flags.replace("u", ""), source  # u is the default for str patterns, and not scopable


def _anchored_at_start(pattern: re.Pattern[str]) -> bool:
    """True if the pattern can match only at the start of a line: it begins with ^ (not in
    MULTILINE mode) and has no | outside parentheses; it does not refer to its own groups, so it
    can share an alternation. When in doubt, False: the pattern is then tried on its own."""
    flags, source = _split_flags(pattern)
    if pattern.flags & (re.MULTILINE | re.VERBOSE) or not source.startswith("^") or _SELF_REFERENCE.search(source):
        return False
    depth = 0
    for token in _TOP_LEVEL_TOKEN.findall(source):
        if token == "(":
            depth += 1
        elif token == ")":
            depth -= 1
        elif token == "|" and depth == 0:
            return False
    return depth == 0


def _combine(patterns: Sequence[re.Pattern[str]]) -> re.Pattern[str] | None:
    """One regex matching where any of `patterns` does, each pattern's leading global flags
    (such as (?i)) scoped to its own branch; None for no patterns, or if they do not combine."""
    if not patterns:
        return None
    branches = []
    for pattern in patterns:
        flags, source = _split_flags(pattern)
        branches.append(f"(?{flags}:{source})" if flags else f"(?:{source})")
    try:
        return re.compile("|".join(branches))
    except re.error:
        return None

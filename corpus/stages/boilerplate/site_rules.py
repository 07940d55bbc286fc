"""Rule files compiled for speed, and which lines of a document their [[boilerplate]] rules remove.

Pure and picklable: the compiled rules travel to the worker processes, and `removals` runs on
every line of every document. So each line is normalised once for one dict lookup against every
`exact_line` rule of a file; the `line_pattern` rules anchored with ^ share one combined regex
tried only at the line's start; and a regex that can match anywhere is tried only on lines
holding one of the literal strings every match of it contains ("reserved" for
'(?i)all rights reserved'), found from the regex's parse tree. On the visible text of Zyte's 181
news pages, the packaged generic.toml runs about twice as fast as trying its rules one by one
on each line (0.33 s against 0.6-0.7 s, 7 microseconds a line).
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from corpus.errors import ConfigError
from corpus.patterns import Pattern, combine, compile_pattern, within_time_budget
from corpus.rules import BoilerplateRule, CheckedRuleFile, RuleFile, check_rule_file, site_matches

Range = tuple[int, int, str]  # (first line, end line exclusive, full rule id)

# Stripped from the end of a normalised line, repeatedly: the arrows, bars and colons that
# themes put after a heading ("Leave a Reply:", "More posts »"). NFKC turns "…" into "...".
_TRAILING = " :»›|…"
# An anchored pattern joins the combined regex unless it refers to its own groups by number or
# name (the numbers shift in an alternation) or names a group (names must be unique in one regex).
_SELF_REFERENCE = re.compile(r"\\[1-9]|\(\?P[=<]|\(\?\(")
_LEADING_FLAGS = re.compile(r"\(\?([aiLmsux]+)\)")
_BULLET = re.compile(r"^[-•*·–]\s+(?=\S)")

try:  # CPython's regex parser and its table of extra case-insensitive equivalences (ſ ~ s, ı ~ i)
    from re import _casefix  # type: ignore[attr-defined]
    from re import _constants as _sre  # type: ignore[attr-defined]
    from re import _parser as _sre_parse  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - another Python: no literal prefilter, same results
    _sre_parse = None

# (exact, folded): a regex matches a line only if the line holds one of the exact strings, or
# its folded form (`_fold`) holds one of the folded strings.
Needs = tuple[tuple[str, ...], tuple[str, ...]]


def _fold_table() -> dict[int, str]:
    """Each character sre's IGNORECASE treats as equal to another beyond lower case (ſ and s,
    ς and σ) -> the first of its class; the first of each class is left out."""
    if _sre_parse is None:
        return {}
    classes: dict[int, set[int]] = {}
    for low, extra in _casefix._EXTRA_CASES.items():
        members = {low, *extra}
        for member in list(members):
            members |= classes.get(member, set())
        for member in members:
            classes[member] = members
    return {member: chr(min(members)) for member, members in classes.items() if member != min(members)}


_FOLD = _fold_table()
_FOLDABLE = re.compile("[" + "".join(map(chr, sorted(_FOLD))) + "]") if _FOLD else None


def _fold(text: str) -> str:
    """A string in which each character stands for every one sre's IGNORECASE matches it with,
    character for character (sre lowers İ to i; str.lower would give two characters)."""
    if text.isascii():
        return text.lower()
    text = text.replace("\u0130", "i").lower()
    return text.translate(_FOLD) if _FOLDABLE is not None and _FOLDABLE.search(text) else text


def needs(pattern: Pattern) -> Needs | None:
    """Literal strings of which every match of `pattern` contains one, or None if none are known.

    >>> needs(re.compile(r"(?i)\\ball\\s+rights?\\s+reserved|copyright"))
    ((), ('copyright', 'reserved'))
    """
    if _sre_parse is None or pattern.flags & re.LOCALE:
        return None
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a private parser: any surprise just means no prefilter
        return None
    found = _sequence_needs(list(tree), bool(tree.state.flags & re.IGNORECASE))
    # Short strings are in most lines: checking for them would cost more than it saves.
    if not found or any(len(text) < 3 and text.isascii() for text, _ in found):
        return None
    return (
        tuple(sorted({text for text, folded in found if not folded})),
        tuple(sorted({text for text, folded in found if folded})),
    )


def _sequence_needs(items: list[tuple[Any, Any]], fold: bool) -> list[tuple[str, bool]] | None:
    """For a sequence of parsed regex items: the best set of (literal, folded) alternatives one
    of which every match contains: a run of literal characters, or what a required part needs."""
    options: list[list[tuple[str, bool]]] = []
    run: list[str] = []
    for op, value in [*items, (None, None)]:
        if op is _sre.LITERAL:
            run.append(chr(value))
            continue
        if run:
            text = "".join(run)
            options.append([(_fold(text) if fold else text, fold)])
            run = []
        found: list[tuple[str, bool]] | None = None
        if op is _sre.SUBPATTERN:
            _group, add, remove, inner = value
            inner_fold = (fold or bool(add & _sre.SRE_FLAG_IGNORECASE)) and not remove & _sre.SRE_FLAG_IGNORECASE
            found = _sequence_needs(list(inner), inner_fold)
        elif op is getattr(_sre, "ATOMIC_GROUP", object()):
            found = _sequence_needs(list(value), fold)
        elif op in _REPEATS:
            low, _high, inner = value
            found = _sequence_needs(list(inner), fold) if low >= 1 else None
        elif op is _sre.BRANCH:
            alternatives = [_sequence_needs(list(alternative), fold) for alternative in value[1]]
            if all(alternatives):
                found = [need for alternative in alternatives for need in alternative]  # type: ignore[union-attr]
        if found:
            options.append(found)
    if not options:
        return None
    return max(options, key=lambda option: (min(len(text) for text, _ in option), -len(option)))


_REPEATS = tuple(
    getattr(_sre, name)
    for name in ("MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT")
    if _sre_parse is not None and hasattr(_sre, name)
)


@functools.lru_cache(maxsize=1 << 16)  # each line is normalised by the rules and the repetition count; menus recur
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
    pattern: Pattern | None = None  # line_pattern; cut_after/cut_before: the marker; between: start
    end: Pattern | None = None  # between
    max_words: int = 0  # line_pattern; 0 = any length
    include: bool = True  # include_marker(s)
    min_position: float = 0.0  # cut_after
    until_prose: bool = False  # cut_after: the stage ends the cut where running prose resumes
    max_position: float = 1.0  # cut_before
    max_lines: int = 0  # between; 0 = the end line may be anywhere after the start
    remove_examples: tuple[str, ...] = ()
    keep_examples: tuple[str, ...] = ()
    # Literal prefilters (see `needs`) for `pattern` and `end`, used where the regex can match
    # anywhere in a line; None: try the regex on every line.
    pattern_needs: Needs | None = None
    end_needs: Needs | None = None


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
    _anchored: Pattern | None = field(init=False, repr=False, compare=False)
    _anchored_max_words: int = field(init=False, repr=False, compare=False)  # 0: some have no limit
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
                if anchored_at_start(rule.pattern) and not _SELF_REFERENCE.search(rule.pattern.pattern):
                    anchored.append(index)
        combined = _combine([self.rules[index].pattern for index in anchored])  # type: ignore[misc]
        set_ = object.__setattr__
        set_(self, "_exact", {line: tuple(indexes) for line, indexes in exact.items()})
        set_(self, "_patterns", tuple(patterns))
        set_(self, "_anchored", combined)
        limits = [self.rules[index].max_words for index in anchored]
        set_(self, "_anchored_max_words", 0 if not limits or 0 in limits else max(limits))
        set_(self, "_unanchored", tuple(i for i in patterns if combined is None or i not in anchored))

    def applies_to(self, site: str | None, text: str) -> bool:
        return site_matches(self.hosts, self.markers, self.applies_to_all, site, text)


def compile_rule_files(files: Sequence[RuleFile]) -> list[SiteRules]:
    """Check and compile each file with a [site] table (words.toml has none), in the given order."""
    return [_compile(checked) for checked in map(check_rule_file, files) if checked.site is not None]


def rule_ids(files: Sequence[RuleFile]) -> set[str]:
    """Every full rule id in the files ("generic.skip_link"), to check names given in `disable`."""
    return {rule.id for file in files for rule in check_rule_file(file).boilerplate}


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
    document = _Lines(lines)
    found: list[Range] = []
    if rules._exact or rules._patterns:
        found.extend(_line_removals(rules, document, disabled, unchecked))
    for rule in rules.rules:
        if rule.kind in ("exact_line", "line_pattern") or rule.id in disabled:
            continue
        found.extend(_block_removals(rule, document, guards))
    found.sort()
    return found


class _Lines:
    """A document's lines, stripped of spaces and of a list bullet ("- Print Article" is the line
    "Print Article" in a list: main-text extractors write list items so); each folded for the
    literal prefilter only when asked."""

    __slots__ = ("text", "_folded")

    def __init__(self, lines: Sequence[str]) -> None:
        self.text = [_BULLET.sub("", line.strip(), count=1) for line in lines]
        self._folded: list[str | None] = [None] * len(self.text)

    def search(self, number: int, pattern: Pattern, needs: Needs | None) -> bool:
        line = self.text[number]
        if not line:
            return False  # blank lines are never removed by a rule, nor mark anything
        if needs is not None and not self._holds(number, needs):
            return False
        return pattern.search(line) is not None

    def _holds(self, number: int, needs: Needs) -> bool:
        exact, folded = needs
        line = self.text[number]
        for text in exact:  # plain loops: any() over a generator costs more than the checks
            if text in line:
                return True
        if folded:
            low = self._folded[number]
            if low is None:
                low = self._folded[number] = _fold(line)
            for text in folded:
                if text in low:
                    return True
        return False


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
                rule = rules.rules[index]
                if rule.id in disabled:
                    continue
                if rule.max_words:
                    words = words or len(line.split())
                    if words > rule.max_words:
                        continue
                if document.search(number, rule.pattern, rule.pattern_needs):  # type: ignore[arg-type]
                    best = index
                    break
        if best < len(rules.rules):
            found.append((number, number + 1, rules.rules[best].id))
    return found


def _block_removals(rule: Rule, document: _Lines, guards: bool) -> list[Range]:
    total = len(document.text)
    marker, needs = rule.pattern, rule.pattern_needs
    assert marker is not None
    if rule.kind == "cut_after":
        # "at or after the fraction": line / total >= min_position (rounded, so 0.3 * 10 is 3)
        first = math.ceil(round(rule.min_position * total, 9)) if guards else 0
        for number in range(first, total):
            if document.search(number, marker, needs):
                start = number if rule.include else number + 1
                return [(start, total, rule.id)] if start < total else []
        return []
    if rule.kind == "cut_before":
        last = math.floor(round(rule.max_position * total, 9)) if guards else total
        for number in range(min(last + 1, total)):
            if document.search(number, marker, needs):
                end = number + 1 if rule.include else number
                return [(0, end, rule.id)] if end > 0 else []
        return []
    found = []  # between
    end_marker = rule.end
    assert end_marker is not None
    number = 0
    while number < total:
        if document.search(number, marker, needs):
            limit = total if not rule.max_lines else min(total, number + rule.max_lines)
            closing = next(
                (later for later in range(number + 1, limit) if document.search(later, end_marker, rule.end_needs)),
                None,
            )
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
    common: dict[str, Any] = {
        "id": rule.id,
        "remove_examples": rule.remove_examples,
        "keep_examples": rule.keep_examples,
    }
    if rule.kind == "exact_line":
        lines = {}
        for line in rule.lines:
            normal = normalise_line(line)
            if not normal:
                raise ConfigError(
                    where,
                    f'rule "{rule.id.rpartition(".")[2]}": line {line!r} in "lines" '
                    "is only punctuation that comparisons ignore",
                    "remove it",
                )
            lines[normal] = line
        return Rule(kind="exact_line", lines=frozenset(lines), **common)
    if rule.kind == "line_pattern":
        pattern = compile_pattern(rule.pattern, label=rule.id)
        return Rule(
            kind="line_pattern", pattern=pattern, max_words=rule.max_words, pattern_needs=_prefilter(pattern), **common
        )
    if rule.kind == "between":
        start, end = (compile_pattern(source, label=rule.id) for source in (rule.start, rule.end))
        return Rule(
            kind="between",
            pattern=start,
            end=end,
            include=rule.include_markers,
            max_lines=rule.max_lines,
            pattern_needs=_prefilter(start),
            end_needs=_prefilter(end),
            **common,
        )
    marker = compile_pattern(rule.marker, label=rule.id)
    return Rule(
        kind=rule.kind,
        pattern=marker,
        include=rule.include_marker,
        min_position=rule.min_position,
        until_prose=rule.until_prose,
        max_position=rule.max_position,
        pattern_needs=_prefilter(marker),
        **common,
    )


def _prefilter(pattern: Pattern) -> Needs | None:
    """A regex anchored at the line's start fails fast on its own (checking literals would cost
    more on Zyte's pages); one that can match anywhere is worth a literal check first."""
    return None if anchored_at_start(pattern) else needs(pattern)


def _split_flags(pattern: Pattern) -> tuple[str, str]:
    """'(?i)^foo' -> ('i', '^foo'): a pattern's leading global flags and the rest."""
    source, flags = pattern.pattern, ""
    while match := _LEADING_FLAGS.match(source):
        flags += match.group(1)
        source = source[match.end() :]
    return flags.replace("u", ""), source  # u is the default for str patterns, and not scopable


def anchored_at_start(pattern: Pattern) -> bool:
    """True if every match of the pattern starts at the start of the line: each of its top-level
    alternatives begins with ^ (or \\A), not in MULTILINE mode. When in doubt, False.

    >>> anchored_at_start(re.compile(r"(?i)^skip to content|^jump to (?:navigation|content)")), \\
    ...     anchored_at_start(re.compile(r"^\\s*©|all rights reserved"))
    (True, False)
    """
    if _sre_parse is None:
        return False
    try:
        tree = _sre_parse.parse(pattern.pattern, pattern.flags)
    except Exception:  # noqa: BLE001 - a private parser: any surprise just means no combining
        return False
    return _starts_anchored(list(tree), bool(tree.state.flags & re.MULTILINE))


def _starts_anchored(items: list[tuple[Any, Any]], multiline: bool) -> bool:
    if not items:
        return False
    op, value = items[0]
    if op is _sre.AT:
        return value is _sre.AT_BEGINNING_STRING or (value is _sre.AT_BEGINNING and not multiline)
    if op is _sre.BRANCH:
        return all(_starts_anchored(list(alternative), multiline) for alternative in value[1])
    if op is _sre.SUBPATTERN:
        _group, add, remove, inner = value
        inner_multiline = (multiline or bool(add & _sre.SRE_FLAG_MULTILINE)) and not remove & _sre.SRE_FLAG_MULTILINE
        return _starts_anchored(list(inner), inner_multiline)
    return False


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

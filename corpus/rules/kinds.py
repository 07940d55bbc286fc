"""The kinds of [[boilerplate]] rule, each declared once: a frozen class whose fields are its
TOML keys, each with the check that reads it (and compiles it: a regex becomes a pattern of
corpus.patterns, a list of lines their normalised forms) and its default (none: required).

A new kind is a class here, added to KINDS, and the code in the boilerplate stage that applies it.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from corpus.errors import ConfigError
from corpus.rules import schema
from corpus.rules.schema import q

if TYPE_CHECKING:
    from corpus.patterns import Pattern

_RULE_ID = re.compile(r"[a-z0-9_]+")
_COMMON_KEYS = ("id", "kind", "description", "examples")
# Stripped from the end of a normalised line, repeatedly: the arrows, bars and colons that
# themes put after a heading ("Leave a Reply:", "More posts »"). NFKC turns "…" into "...".
_TRAILING = " :»›|…"


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
class _Where:
    """Where a value is read, for the error messages: the file, the rule, its full id."""

    file: str
    section: str  # 'rule "newsletter": '
    rule_id: str  # "example.com.newsletter": names the rule's patterns in a timeout


# How a key's value is read: (table, key, default, where) -> the value the rule holds.
Check = Callable[[Mapping[str, Any], str, Any, _Where], Any]


def _key(check: Check, default: Any = dataclasses.MISSING) -> Any:
    """A kind's TOML key: `check` reads its value; a key without a default is required."""
    return dataclasses.field(default=default, metadata={"check": check})


def _lines(table: Mapping[str, Any], key: str, default: Any, where: _Where) -> frozenset[str]:
    normalised = set()
    for line in schema.strings(table, key, where.file, where.section, required=True):
        normal = normalise_line(line)
        if not normal:
            raise ConfigError(
                where.file,
                f"{where.section}line {line!r} in {q(key)} is only punctuation that comparisons ignore",
                "remove it",
            )
        normalised.add(normal)
    return frozenset(normalised)


def _pattern(table: Mapping[str, Any], key: str, default: Any, where: _Where) -> Pattern:
    from corpus.patterns import compile_pattern  # RE2 and the translation load when rules are read

    return compile_pattern(schema.regex(table, key, where.file, where.section), label=where.rule_id)


def _flag(table: Mapping[str, Any], key: str, default: Any, where: _Where) -> bool:
    return bool(schema.typed(table, key, bool, where.file, where.section, default=default))


def _fraction(table: Mapping[str, Any], key: str, default: Any, where: _Where) -> float:
    return schema.fraction(table, key, where.file, where.section, default=default)


def _count(minimum: int) -> Check:
    def check(table: Mapping[str, Any], key: str, default: Any, where: _Where) -> int:
        return schema.count(table, key, where.file, where.section, minimum=minimum)

    return check


@dataclass(frozen=True, kw_only=True)
class BoilerplateRule:
    """What every [[boilerplate]] rule holds besides its kind's keys."""

    kind: ClassVar[str]
    block: ClassVar[bool] = False  # removes a range of lines from a marker on, not single lines
    id: str  # the full id, "<file stem>.<id>", as it appears in edits and in `disable`
    remove_examples: tuple[str, ...]
    keep_examples: tuple[str, ...] = ()
    description: str = ""

    def patterns(self) -> tuple[Pattern, ...]:
        """The rule's compiled regexes, in the order of its keys."""
        return tuple(getattr(self, key.name) for key in _keys(type(self)) if key.metadata["check"] is _pattern)


@dataclass(frozen=True, kw_only=True)
class ExactLine(BoilerplateRule):
    """Removes each line equal to one of `lines`, compared as `normalise_line` gives them."""

    kind = "exact_line"
    lines: frozenset[str] = _key(_lines)  # normalised


@dataclass(frozen=True, kw_only=True)
class LinePattern(BoilerplateRule):
    """Removes each line the regex finds a match in."""

    kind = "line_pattern"
    pattern: Pattern = _key(_pattern)
    max_words: int = _key(_count(1), 0)  # only lines of at most this many words; 0 = any


@dataclass(frozen=True, kw_only=True)
class CutAfter(BoilerplateRule):
    """Removes the first line `marker` matches at or after `min_position`, and every line below."""

    kind = "cut_after"
    block = True
    marker: Pattern = _key(_pattern)
    include_marker: bool = _key(_flag, True)
    min_position: float = _key(_fraction, 0.0)
    until_prose: bool = _key(_flag, False)  # stop where running prose resumes below the list (the stage decides)


@dataclass(frozen=True, kw_only=True)
class CutBefore(BoilerplateRule):
    """Removes every line above the first line `marker` matches at or before `max_position`."""

    kind = "cut_before"
    block = True
    marker: Pattern = _key(_pattern)
    include_marker: bool = _key(_flag, False)
    max_position: float = _key(_fraction, 1.0)


@dataclass(frozen=True, kw_only=True)
class Between(BoilerplateRule):
    """Removes each line `start` matches through the next line `end` matches."""

    kind = "between"
    block = True
    start: Pattern = _key(_pattern)
    end: Pattern = _key(_pattern)
    include_markers: bool = _key(_flag, True)
    max_lines: int = _key(_count(2), 0)  # the end line within this many lines of the start; 0 = anywhere


KINDS: dict[str, type[BoilerplateRule]] = {
    kind.kind: kind for kind in (ExactLine, LinePattern, CutAfter, CutBefore, Between)
}


def _keys(kind: type[BoilerplateRule]) -> tuple[dataclasses.Field[Any], ...]:
    """A kind's own TOML keys, in the order they are checked."""
    return tuple(key for key in dataclasses.fields(kind) if "check" in key.metadata)


def check_rule(table: dict[str, Any], number: int, stem: str, where: str) -> BoilerplateRule:
    """The `number`th [[boilerplate]] table of a file, checked and compiled."""
    rule_id = table.get("id")
    if rule_id is None:
        raise ConfigError(
            where,
            f'rule #{number}: missing key "id"',
            'give every [[boilerplate]] rule an id like "newsletter", unique in the file',
        )
    if not isinstance(rule_id, str) or not _RULE_ID.fullmatch(rule_id):
        raise ConfigError(
            where,
            f"rule #{number}: id {q(rule_id)} is not a valid id",
            'use lower-case letters, digits and _, like "newsletter"',
        )
    section = f"rule {q(rule_id)}: "
    name = table.get("kind")
    if name is None:
        raise ConfigError(where, f'{section}missing key "kind"', f"valid: {', '.join(KINDS)}")
    if name not in KINDS:
        raise ConfigError(where, f"{section}unknown kind {q(name)}", schema.suggest(str(name), tuple(KINDS)))
    kind = KINDS[name]
    own = [key.name for key in _keys(kind)]
    for key in table:
        owners = [other for other, cls in KINDS.items() if other != name and key in {k.name for k in _keys(cls)}]
        if owners and key not in own:
            raise ConfigError(
                where,
                f"{section}key {q(key)} does not apply to kind {name}",
                f"it belongs to {' and '.join(owners)}; {name} takes {', '.join(sorted((*_COMMON_KEYS, *own)))}",
            )
    schema.known_keys(table, (*_COMMON_KEYS, *own), where, section, f"for {name}")
    required = [key.name for key in _keys(kind) if key.default is dataclasses.MISSING]
    for key_name in required:
        if key_name not in table:
            raise ConfigError(
                where, f"{section}missing key {q(key_name)}", f"{name} needs {' and '.join(map(q, required))}"
            )
    context = _Where(where, section, f"{stem}.{rule_id}")
    values = {key.name: key.metadata["check"](table, key.name, key.default, context) for key in _keys(kind)}
    remove, keep = _examples(table, where, section)
    description = schema.typed(table, "description", str, where, section, default="")
    return kind(id=context.rule_id, remove_examples=remove, keep_examples=keep, description=description, **values)


def _examples(table: dict[str, Any], where: str, section: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    how = 'add examples = { remove = ["a line it removes"], keep = ["a line it must keep"] }'
    examples = table.get("examples")
    if examples is None:
        raise ConfigError(where, f'{section}missing key "examples"', how)
    if not isinstance(examples, dict):
        raise ConfigError(where, f'{section}"examples" must be a table', how)
    inner = f"{section}examples: "
    schema.known_keys(examples, ("remove", "keep"), where, inner)
    if "remove" not in examples:
        raise ConfigError(where, f'{inner}missing key "remove"', "give at least one text the rule must remove")
    return (
        schema.strings(examples, "remove", where, inner, required=True),
        schema.strings(examples, "keep", where, inner, required=False),
    )

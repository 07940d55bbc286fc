"""The checks of a rule file's values: each mistake raises ConfigError as one line naming the
file, the table or rule, and the key (`rule "newsletter": unknown key "patern" (did you mean ...)`)."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping, Sequence
from typing import Any

from corpus.errors import ConfigError


def known_keys(
    table: Mapping[str, Any],
    valid: Sequence[str],
    where: str,
    section: str,
    scope: str = "",
    *,
    note: str = "",
) -> None:
    """Every key of `table` is one of `valid`; `section` "" is the top of the file, whose keys are tables."""
    for key, value in table.items():
        if key not in valid:
            what = "table" if not section and isinstance(value, (dict, list)) else "key"
            raise ConfigError(where, f"{section}unknown {what} {q(key)}", note or suggest(key, valid, scope))


def suggest(word: str, valid: Sequence[str], scope: str = "") -> str:
    close = difflib.get_close_matches(word, sorted(valid), n=1)
    hint = f"did you mean {q(close[0])}? " if close else ""
    return f"{hint}valid{' ' + scope if scope else ''}: {', '.join(sorted(valid))}"


def typed(table: Mapping[str, Any], key: str, kind: type, where: str, section: str, *, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind):
        raise ConfigError(where, f"{section}{q(key)} must be {_type_name(kind)}, not {_describe(value)}")
    return value


def strings(table: Mapping[str, Any], key: str, where: str, section: str, *, required: bool) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(
            where, f"{section}{q(key)} must be a list of strings, not {_describe(value)}", f'like {key} = ["..."]'
        )
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(where, f"{section}{q(key)} must hold only strings, not {_describe(item)}", "quote it")
    if required and not value:
        raise ConfigError(where, f"{section}{q(key)} is empty", "give at least one")
    for item in value:
        if not item.strip():
            raise ConfigError(where, f"{section}{q(key)} holds an empty string", "remove it")
    return tuple(value)


def regex(table: Mapping[str, Any], key: str, where: str, section: str) -> str:
    """The source of a valid regular expression that needs some text to match."""
    source = typed(table, key, str, where, section, default="")
    try:
        compiled = re.compile(source)
    except re.error as error:
        raise ConfigError(
            where,
            f"{section}bad regex in {q(key)}: {error}",
            "fix the regular expression; in TOML, '...' keeps backslashes as written",
        ) from None
    if compiled.search("") is not None:
        raise ConfigError(
            where,
            f"{section}regex {q(key)} matches an empty string, so it would match any line",
            "make it require some text",
        )
    return source


def fraction(table: Mapping[str, Any], key: str, where: str, section: str, *, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(
            where,
            f"{section}{q(key)} must be a fraction from 0 to 1, not {_describe(value)}",
            "0.5 is the middle of the document",
        )
    return float(value)


def count(table: Mapping[str, Any], key: str, where: str, section: str, *, minimum: int) -> int:
    """A whole number of at least `minimum`, or 0 (no limit) when the key is left out."""
    value = table.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or (key in table and value < minimum):
        raise ConfigError(
            where, f"{section}{q(key)} must be a whole number of at least {minimum}, not {_describe(value)}"
        )
    return value


def _type_name(kind: type) -> str:
    return {bool: "true or false", str: "a string"}.get(kind, kind.__name__)


def _describe(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "a table" if isinstance(value, dict) else "a list"
    names = {str: "the string", bool: "", int: "the number", float: "the number"}
    return f"{names.get(type(value), type(value).__name__)} {q(value)}".strip()


def q(value: Any) -> str:
    """A value quoted as in the file (strings in double quotes)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (str, bool, int, float)) else repr(value)

"""Rule files: TOML shipped inside this package, a user's folder merged over them by file name,
each checked against the schema and compiled once (`load_rules`) into frozen rules that the
stages receive, in the main process and, pickled, in every worker.

files.py finds and reads the files; schema.py checks values; sites.py reads [site] tables and
matches documents to them; kinds.py declares the [[boilerplate]] rule kinds. The rule files
are described for users in docs/rules.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from corpus.errors import ConfigError
from corpus.rules import schema
from corpus.rules.files import RuleFile, load_rule_files
from corpus.rules.kinds import (
    KINDS,
    Between,
    BoilerplateRule,
    CutAfter,
    CutBefore,
    ExactLine,
    LinePattern,
    check_rule,
    normalise_line,
)
from corpus.rules.sites import Site, check_site, site_of

__all__ = [
    "KINDS",
    "Between",
    "BoilerplateRule",
    "CheckedFile",
    "CutAfter",
    "CutBefore",
    "ExactLine",
    "LinePattern",
    "NO_RULES",
    "RuleFile",
    "RuleSet",
    "Site",
    "Typos",
    "check_rule_file",
    "load_rule_files",
    "load_rules",
    "normalise_line",
    "site_of",
]

WORDS_FILE = "words.toml"  # holds only a [typos] table and applies to every document


@dataclass(frozen=True)
class Typos:
    protect: tuple[str, ...] = ()  # words never corrected
    correct: tuple[tuple[str, str], ...] = ()  # (wrong, right) forced corrections, in file order


@dataclass(frozen=True)
class CheckedFile:
    """A rule file's tables, checked and compiled."""

    name: str  # the file name, as RuleFile's
    origin: str
    path: Path
    sha256: str
    site: Site | None  # None only for words.toml
    boilerplate: tuple[BoilerplateRule, ...]
    typos: Typos | None

    @property
    def stem(self) -> str:
        """The prefix of the file's rule ids: "antiwar.com" for antiwar.com.toml."""
        return self.name.removesuffix(".toml")


@dataclass(frozen=True)
class RuleSet:
    """Every rule file in effect, checked, sorted by name: what a stage's constructor gets."""

    files: tuple[CheckedFile, ...] = ()

    def rule_ids(self) -> set[str]:
        """Every full rule id ("generic.skip_link"), to check the names given in `disable`."""
        return {rule.id for file in self.files for rule in file.boilerplate}


NO_RULES = RuleSet()


def load_rules(user_dir: Path | None = None) -> RuleSet:
    """The rule files in effect (`user_dir=None`: ./rules when it exists), each checked; the
    first mistake raises ConfigError."""
    return RuleSet(tuple(map(check_rule_file, load_rule_files(user_dir))))


def check_rule_file(file: RuleFile) -> CheckedFile:
    """The file's tables, checked against the schema; the first mistake raises ConfigError."""
    where = str(file.path)
    data = file.data
    words_only = file.name == WORDS_FILE
    for key in data:
        if key in ("hosts", "markers", "all"):
            raise ConfigError(where, f"unknown key {schema.q(key)} at the top of the file", "put it under [site]")
    if words_only:
        schema.known_keys(data, ("typos",), where, "", note="words.toml holds only a [typos] table")
    else:
        schema.known_keys(data, ("site", "boilerplate", "typos"), where, "")
    site = None if words_only else check_site(data.get("site"), where)
    typos = _typos(data["typos"], where) if "typos" in data else None
    tables = data.get("boilerplate", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise ConfigError(where, "boilerplate must be an array of tables", "write each rule as [[boilerplate]]")
    rules: list[BoilerplateRule] = []
    first_seen: dict[str, int] = {}
    for number, table in enumerate(tables, 1):
        rule = check_rule(table, number, file.stem, where)
        short_id = table["id"]
        if short_id in first_seen:
            raise ConfigError(
                where,
                f"rule {schema.q(short_id)}: duplicate id",
                f"ids must be unique in a file; rule #{first_seen[short_id]} already uses it",
            )
        first_seen[short_id] = number
        rules.append(rule)
    return CheckedFile(file.name, file.origin, file.path, file.sha256, site, tuple(rules), typos)


def _typos(table: Any, where: str) -> Typos:
    section = "[typos]: "
    if not isinstance(table, dict):
        raise ConfigError(where, "typos must be a table", "write [typos] with protect = [...] and correct = { ... }")
    schema.known_keys(table, ("protect", "correct"), where, section)
    protect = schema.strings(table, "protect", where, section, required=False)
    correct = table.get("correct", {})
    if not isinstance(correct, dict) or not all(isinstance(v, str) and v.strip() for v in correct.values()):
        raise ConfigError(
            where, f"{section}correct must map words to their corrections", 'like correct = { imporved = "improved" }'
        )
    for wrong, right in correct.items():
        if not wrong.strip() or wrong == right:
            raise ConfigError(where, f"{section}correct {schema.q(wrong)} = {schema.q(right)} corrects nothing")
    return Typos(protect, tuple(correct.items()))

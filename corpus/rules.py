"""Rule files: TOML shipped inside the package, a user's folder merged over them by file name,
each checked against the schema (rules/README.md) before anything uses it."""

from __future__ import annotations

import difflib
import hashlib
import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args
from urllib.parse import urlsplit

from corpus.document import Document
from corpus.errors import ConfigError, RunError, UsageError

PACKAGED_RULES = Path(__file__).parent / "rules"
USER_RULES = Path("rules")
WORDS_FILE = "words.toml"  # holds only a [typos] table and applies to every document

Kind = Literal["exact_line", "line_pattern", "cut_after", "cut_before", "between"]
KINDS: tuple[str, ...] = get_args(Kind)
_RULE_ID = re.compile(r"[a-z0-9_]+")
_COMMON_KEYS = ("id", "kind", "description", "examples")
# Each kind's own keys and their defaults (None: required).
_KIND_KEYS: dict[str, dict[str, Any]] = {
    "exact_line": {"lines": None},
    "line_pattern": {"pattern": None, "max_words": 0},
    "cut_after": {"marker": None, "include_marker": True, "min_position": 0.0, "until_prose": False},
    "cut_before": {"marker": None, "include_marker": False, "max_position": 1.0},
    "between": {"start": None, "end": None, "include_markers": True, "max_lines": 0},
}
_REGEX_KEYS = ("pattern", "marker", "start", "end")


@dataclass(frozen=True)
class RuleFile:
    name: str  # the file name; a user's file of the same name replaces the packaged one
    origin: str  # "package", or the user's rules folder as given
    path: Path
    sha256: str
    data: dict[str, Any]

    @property
    def stem(self) -> str:
        """The prefix of the file's rule ids: "antiwar.com" for antiwar.com.toml."""
        return self.name.removesuffix(".toml")


@dataclass(frozen=True)
class SiteTable:
    """Which documents a file applies to."""

    hosts: tuple[str, ...] = ()  # lower case, no "www."; a document's site matches a host or its subdomains
    markers: tuple[str, ...] = ()  # for documents without a site: a plain, case-sensitive substring
    all: bool = False  # every document
    description: str = ""

    def matches(self, site: str | None, text: str) -> bool:
        return site_matches(self.hosts, self.markers, self.all, site, text)


@dataclass(frozen=True)
class BoilerplateRule:
    """One checked [[boilerplate]] table; regexes are kept as their (valid) source strings."""

    id: str  # the full id, "<file stem>.<id>", as it appears in edits and in `disable`
    kind: Kind
    remove_examples: tuple[str, ...]
    keep_examples: tuple[str, ...] = ()
    description: str = ""
    lines: tuple[str, ...] = ()  # exact_line
    pattern: str = ""  # line_pattern
    max_words: int = 0  # line_pattern: only lines of at most this many words; 0 = any
    marker: str = ""  # cut_after, cut_before
    include_marker: bool = True  # cut_after (default true), cut_before (default false)
    min_position: float = 0.0  # cut_after
    until_prose: bool = False  # cut_after: stop where running prose resumes below the list (the stage decides)
    max_position: float = 1.0  # cut_before
    start: str = ""  # between
    end: str = ""  # between
    include_markers: bool = True  # between
    max_lines: int = 0  # between: the end line within this many lines of the start; 0 = anywhere


@dataclass(frozen=True)
class Typos:
    protect: tuple[str, ...] = ()  # words never corrected
    correct: tuple[tuple[str, str], ...] = ()  # (wrong, right) forced corrections, in file order


@dataclass(frozen=True)
class CheckedRuleFile:
    file: RuleFile
    site: SiteTable | None  # None only for words.toml
    boilerplate: tuple[BoilerplateRule, ...]
    typos: Typos | None


def load_rule_files(user_dir: Path | None = None) -> list[RuleFile]:
    """All rule files in effect, sorted by name. `user_dir=None` uses ./rules when it exists."""
    if user_dir is not None and not user_dir.is_dir():
        raise ConfigError(str(user_dir), "rules folder not found", "check the --rules path")
    folders = [PACKAGED_RULES, user_dir if user_dir is not None else USER_RULES]
    by_name: dict[str, tuple[str, Path]] = {}
    for origin, folder in zip(("package", str(folders[1])), folders):
        if folder.is_dir():
            by_name.update({path.name: (origin, path) for path in sorted(folder.glob("*.toml"))})
    return [_load(name, *by_name[name]) for name in sorted(by_name)]


def _load(name: str, origin: str, path: Path) -> RuleFile:
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(str(path), f"invalid rule file: {error}", "fix the TOML syntax") from None
    return RuleFile(name, origin, path, hashlib.sha256(raw).hexdigest(), data)


def check_rule_file(file: RuleFile) -> CheckedRuleFile:
    """The file's tables, checked against the schema; the first mistake raises ConfigError."""
    where = str(file.path)
    data = file.data
    words_only = file.name == WORDS_FILE
    for key in data:
        if key in ("hosts", "markers", "all"):
            raise ConfigError(where, f"unknown key {_q(key)} at the top of the file", "put it under [site]")
    if words_only:
        _known_keys(data, ("typos",), where, "", note="words.toml holds only a [typos] table")
    else:
        _known_keys(data, ("site", "boilerplate", "typos"), where, "")
    site = None if words_only else _site(data.get("site"), where)
    typos = _typos(data["typos"], where) if "typos" in data else None
    tables = data.get("boilerplate", [])
    if not isinstance(tables, list) or not all(isinstance(table, dict) for table in tables):
        raise ConfigError(where, "boilerplate must be an array of tables", "write each rule as [[boilerplate]]")
    rules: list[BoilerplateRule] = []
    first_seen: dict[str, int] = {}
    for number, table in enumerate(tables, 1):
        rule = _rule(table, number, file.stem, where)
        short_id = table["id"]
        if short_id in first_seen:
            raise ConfigError(
                where,
                f"rule {_q(short_id)}: duplicate id",
                f"ids must be unique in a file; rule #{first_seen[short_id]} already uses it",
            )
        first_seen[short_id] = number
        rules.append(rule)
    return CheckedRuleFile(file, site, tuple(rules), typos)


def _site(table: Any, where: str) -> SiteTable:
    how = 'add [site] with hosts = ["example.com"] or markers = ["text only its pages contain"]'
    if table is None:
        raise ConfigError(where, "missing [site] table", how)
    section = "[site]: "
    if not isinstance(table, dict):
        raise ConfigError(where, "site must be a table", how)
    _known_keys(table, ("hosts", "markers", "all", "description"), where, section)
    # Sites are compared without "www." (a document's site is its URL's host without it).
    hosts = tuple(
        host.lower().removeprefix("www.") for host in _strings(table, "hosts", where, section, required=False)
    )
    for host in hosts:
        if "/" in host or ":" in host or host.startswith(".") or " " in host:
            raise ConfigError(
                where,
                f"{section}host {_q(host)} is not a host name",
                'write the bare host, like "antiwar.com"; it also matches its subdomains',
            )
    markers = _strings(table, "markers", where, section, required=False)
    every = _typed(table, "all", bool, where, section, default=False)
    description = _typed(table, "description", str, where, section, default="")
    if every and (hosts or markers):
        raise ConfigError(
            where, f"{section}all = true applies to every document", "drop hosts and markers, or drop all"
        )
    if not (every or hosts or markers):
        raise ConfigError(
            where,
            f"{section}applies to no document",
            f"{how.removeprefix('add [site] with ')} (or all = true for every document)",
        )
    return SiteTable(hosts, markers, every, description)


def _typos(table: Any, where: str) -> Typos:
    section = "[typos]: "
    if not isinstance(table, dict):
        raise ConfigError(where, "typos must be a table", "write [typos] with protect = [...] and correct = { ... }")
    _known_keys(table, ("protect", "correct"), where, section)
    protect = _strings(table, "protect", where, section, required=False)
    correct = table.get("correct", {})
    if not isinstance(correct, dict) or not all(isinstance(v, str) and v.strip() for v in correct.values()):
        raise ConfigError(
            where, f"{section}correct must map words to their corrections", 'like correct = { imporved = "improved" }'
        )
    for wrong, right in correct.items():
        if not wrong.strip() or wrong == right:
            raise ConfigError(where, f"{section}correct {_q(wrong)} = {_q(right)} corrects nothing")
    return Typos(protect, tuple(correct.items()))


def _rule(table: dict[str, Any], number: int, stem: str, where: str) -> BoilerplateRule:
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
            f"rule #{number}: id {_q(rule_id)} is not a valid id",
            'use lower-case letters, digits and _, like "newsletter"',
        )
    section = f"rule {_q(rule_id)}: "
    kind = table.get("kind")
    if kind is None:
        raise ConfigError(where, f'{section}missing key "kind"', f"valid: {', '.join(KINDS)}")
    if kind not in KINDS:
        raise ConfigError(where, f"{section}unknown kind {_q(kind)}", _suggest(str(kind), KINDS))
    own = _KIND_KEYS[kind]
    for key in table:
        owners = [other for other, keys in _KIND_KEYS.items() if key in keys and other != kind]
        if owners and key not in own:
            raise ConfigError(
                where,
                f"{section}key {_q(key)} does not apply to kind {kind}",
                f"it belongs to {' and '.join(owners)}; {kind} takes {', '.join(sorted((*_COMMON_KEYS, *own)))}",
            )
    _known_keys(table, (*_COMMON_KEYS, *own), where, section, f"for {kind}")
    for key, default in own.items():
        if default is None and key not in table:
            raise ConfigError(where, f"{section}missing key {_q(key)}", f"{kind} needs {' and '.join(_required(kind))}")
    values: dict[str, Any] = {}
    for key, default in own.items():
        if key == "lines":
            values[key] = _strings(table, key, where, section, required=True)
        elif key in _REGEX_KEYS:
            values[key] = _regex(table, key, where, section)
        elif key in ("min_position", "max_position"):
            values[key] = _fraction(table, key, where, section, default)
        elif key in ("max_words", "max_lines"):
            values[key] = _count(table, key, where, section, minimum=2 if key == "max_lines" else 1)
        else:
            values[key] = _typed(table, key, bool, where, section, default=default)
    remove, keep = _examples(table, where, section)
    description = _typed(table, "description", str, where, section, default="")
    return BoilerplateRule(f"{stem}.{rule_id}", kind, remove, keep, description, **values)


def _required(kind: str) -> list[str]:
    return [_q(key) for key, default in _KIND_KEYS[kind].items() if default is None]


def _examples(table: dict[str, Any], where: str, section: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    how = 'add examples = { remove = ["a line it removes"], keep = ["a line it must keep"] }'
    examples = table.get("examples")
    if examples is None:
        raise ConfigError(where, f'{section}missing key "examples"', how)
    if not isinstance(examples, dict):
        raise ConfigError(where, f'{section}"examples" must be a table', how)
    inner = f"{section}examples: "
    _known_keys(examples, ("remove", "keep"), where, inner)
    if "remove" not in examples:
        raise ConfigError(where, f'{inner}missing key "remove"', "give at least one text the rule must remove")
    return (
        _strings(examples, "remove", where, inner, required=True),
        _strings(examples, "keep", where, inner, required=False),
    )


def _known_keys(
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
            raise ConfigError(where, f"{section}unknown {what} {_q(key)}", note or _suggest(key, valid, scope))


def _suggest(word: str, valid: Sequence[str], scope: str = "") -> str:
    close = difflib.get_close_matches(word, sorted(valid), n=1)
    hint = f"did you mean {_q(close[0])}? " if close else ""
    return f"{hint}valid{' ' + scope if scope else ''}: {', '.join(sorted(valid))}"


def _typed(table: Mapping[str, Any], key: str, kind: type, where: str, section: str, *, default: Any) -> Any:
    value = table.get(key, default)
    if not isinstance(value, kind):
        raise ConfigError(where, f"{section}{_q(key)} must be {_type_name(kind)}, not {_describe(value)}")
    return value


def _strings(table: Mapping[str, Any], key: str, where: str, section: str, *, required: bool) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list):
        raise ConfigError(
            where, f"{section}{_q(key)} must be a list of strings, not {_describe(value)}", f'like {key} = ["..."]'
        )
    for item in value:
        if not isinstance(item, str):
            raise ConfigError(where, f"{section}{_q(key)} must hold only strings, not {_describe(item)}", "quote it")
    if required and not value:
        raise ConfigError(where, f"{section}{_q(key)} is empty", "give at least one")
    for item in value:
        if not item.strip():
            raise ConfigError(where, f"{section}{_q(key)} holds an empty string", "remove it")
    return tuple(value)


def _regex(table: Mapping[str, Any], key: str, where: str, section: str) -> str:
    source = _typed(table, key, str, where, section, default="")
    try:
        compiled = re.compile(source)
    except re.error as error:
        raise ConfigError(
            where,
            f"{section}bad regex in {_q(key)}: {error}",
            "fix the regular expression; in TOML, '...' keeps backslashes as written",
        ) from None
    if compiled.search("") is not None:
        raise ConfigError(
            where,
            f"{section}regex {_q(key)} matches an empty string, so it would match any line",
            "make it require some text",
        )
    return source


def _fraction(table: Mapping[str, Any], key: str, where: str, section: str, default: float) -> float:
    value = table.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 <= value <= 1:
        raise ConfigError(
            where,
            f"{section}{_q(key)} must be a fraction from 0 to 1, not {_describe(value)}",
            "0.5 is the middle of the document",
        )
    return float(value)


def _count(table: Mapping[str, Any], key: str, where: str, section: str, *, minimum: int) -> int:
    value = table.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or (key in table and value < minimum):
        raise ConfigError(
            where, f"{section}{_q(key)} must be a whole number of at least {minimum}, not {_describe(value)}"
        )
    return value


def _type_name(kind: type) -> str:
    return {bool: "true or false", str: "a string"}.get(kind, kind.__name__)


def _describe(value: Any) -> str:
    if isinstance(value, (list, dict)):
        return "a table" if isinstance(value, dict) else "a list"
    names = {str: "the string", bool: "", int: "the number", float: "the number"}
    return f"{names.get(type(value), type(value).__name__)} {_q(value)}".strip()


def _q(value: Any) -> str:
    """A value quoted as in the file (strings in double quotes)."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (str, bool, int, float)) else repr(value)


def frequent_lines(stats: Path, site: str | None, *, min_documents: int, limit: int) -> list[tuple[str, int]]:
    """(line, documents) from a run's line_stats.parquet: the site's lines (site=None: the counts
    over the whole input) found in at least `min_documents` documents, most frequent first."""
    import polars as pl  # only `corpus rules suggest` reads a run's tables here

    if not stats.is_file():
        raise UsageError(
            str(stats),
            "no line statistics here",
            "give the -o folder of a finished `corpus clean` that ran the boilerplate stage",
        )
    try:
        table = pl.read_parquet(stats, columns=["line", "site", "documents"])
    except (pl.exceptions.PolarsError, OSError) as error:
        raise RunError(
            str(stats),
            f"cannot read line statistics: {str(error).strip().splitlines()[0]}",
            "rerun corpus clean to rebuild it",
        ) from None
    rows = table.filter(pl.col("site").is_null() if site is None else pl.col("site") == site)
    if site is not None and rows.height == 0:
        sites = table["site"].drop_nulls().unique().sort().to_list()
        close = difflib.get_close_matches(site, sites, n=3)
        hint = (
            f"did you mean {' or '.join(map(_q, close))}? " if close else ""
        ) + f"the run has lines of {len(sites)} sites"
        raise UsageError(
            "--site",
            f"no lines of {_q(site)} in {stats}",
            hint if sites else "this run saw no document with a URL; omit --site and give --marker",
        )
    rows = rows.filter(pl.col("documents") >= min_documents).sort(["documents", "line"], descending=[True, False])
    return [(line, count) for line, count in rows.select("line", "documents").iter_rows() if line.strip()][
        : limit or None
    ]


def suggest_site_file(
    lines: Sequence[tuple[str, int]],
    *,
    site: str | None,
    markers: Sequence[str],
    min_documents: int,
    command: str,
    already_removed: int = 0,
) -> str:
    """A rule file for review: a [site] table and one exact_line rule holding `lines`, each with
    its document count; its first three lines are the rule's remove examples."""
    name = site or "the documents without a URL"
    out = [
        f"# Suggested by `{command}`: the lines found in at least {min_documents} documents",
        f"# of {name}, most frequent first."
        + (
            f" Left out: {already_removed} line{'s' * (already_removed != 1)} that the rule files in effect"
            " already remove."
            if already_removed
            else ""
        ),
        "# Review every line before use: a line repeated across a site can still be article text",
        f"# (a recurring section title, a disclaimer you want to keep). Save as rules/{site or '<name>'}.toml",
        "# and test it with `corpus rules check`.",
        "[site]",
    ]
    if site:
        out.append(f"hosts = [{_toml_string(site)}]")
    if markers:
        out.append(f"markers = [{', '.join(map(_toml_string, markers))}]")
    out += [
        "",
        "[[boilerplate]]",
        'id = "repeated_lines"',
        'kind = "exact_line"',
        f"description = {_toml_string(f'Lines repeated in at least {min_documents} documents of {name}')}",
        "lines = [",
        *(f"  {_toml_string(line)},  # {count} documents" for line, count in lines),
        "]",
        f"examples = {{ remove = [{', '.join(_toml_string(line) for line, _ in lines[:3])}] }}",
    ]
    return "\n".join(out) + "\n"


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def site_matches(
    hosts: tuple[str, ...], markers: tuple[str, ...], everywhere: bool, site: str | None, text: str
) -> bool:
    """True for every document (all = true), for a site that is a host or its subdomain, and for
    a document without a site whose text contains a marker."""
    if everywhere:
        return True
    if site is not None:
        site = site.lower().rstrip(".").removeprefix("www.")
        return any(site == host or site.endswith("." + host) for host in hosts)
    return any(marker in text for marker in markers)


def site_of(doc: Document) -> str | None:
    """A document's site: its URL's host, lowercased, without "www."; else a `site` field in its
    metadata; else None."""
    if doc.url:
        try:
            host = urlsplit(doc.url).hostname
        except ValueError:
            host = None
        if host:
            return host.removeprefix("www.")
    site = doc.metadata.get("site") if isinstance(doc.metadata, dict) else None
    return site.lower().removeprefix("www.") if isinstance(site, str) and site.strip() else None

"""Rule files: the schema's errors, what each kind removes from real text, the examples check,
and `corpus rules check` / `corpus rules suggest` as a user runs them."""

from __future__ import annotations

import pickle
import re
import shutil
import tomllib
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.errors import ConfigError
from corpus.patterns.literals import Folding, anchored_at_start, needs
from corpus.rules import RuleFile, RuleSet, check_rule_file, load_rule_files, load_rules, normalise_line
from corpus.stages.boilerplate.site_rules import SiteRules, check_examples, removals, site_rules
from tests.conftest import REPO, SEEDS, run_cli

SHIPPED_SITE_FILES = ("antiwar.com.toml", "northkoreatimes.com.toml", "weather-bar-theme.toml")


def seed_lines(number: str) -> list[str]:
    [path] = SEEDS.glob(f"{number}_*.txt")
    return path.read_text(encoding="utf-8").split("\n")


def write_rules(folder: Path, name: str, text: str) -> RuleFile:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    [file] = [file for file in load_rule_files(folder) if file.name == name]
    return file


def compiled(tmp_path: Path, text: str, name: str = "site.example.toml") -> SiteRules:
    [rules] = site_rules([check_rule_file(write_rules(tmp_path / "rules", name, text))])
    return rules


def removed_lines(rules: SiteRules, lines: list[str], **kwargs: object) -> list[str]:
    found = {index for first, end, _ in removals(rules, lines, **kwargs) for index in range(first, end)}  # type: ignore[arg-type]
    return [lines[index] for index in sorted(found)]


def schema_error(tmp_path: Path, text: str, name: str = "site.example.toml") -> str:
    file = write_rules(tmp_path / "rules", name, text)
    with pytest.raises(ConfigError) as caught:
        check_rule_file(file)
    line = caught.value.line()
    assert "\n" not in line
    assert line.startswith(f"{tmp_path / 'rules' / name}: "), line
    return line


SITE = '[site]\nhosts = ["example.com"]\n'
RULE = """
[[boilerplate]]
id = "newsletter"
kind = "line_pattern"
pattern = '^Get a daily dose of .{1,60} news'
examples = { remove = ["Get a daily dose of North Korea Times news through our daily email"] }
"""


# --- the schema -------------------------------------------------------------------------------


def test_a_valid_file_is_checked_into_its_tables(tmp_path: Path) -> None:
    file = write_rules(
        tmp_path / "rules",
        "example.com.toml",
        SITE + RULE + '[typos]\nprotect = ["GSOMIA"]\ncorrect = { imporved = "improved" }\n',
    )
    checked = check_rule_file(file)
    assert checked.site is not None and checked.site.hosts == ("example.com",)
    [rule] = checked.boilerplate
    assert (rule.id, rule.kind, rule.max_words) == ("example.com.newsletter", "line_pattern", 0)
    assert checked.typos is not None and checked.typos.correct == (("imporved", "improved"),)
    assert RuleSet((checked,)).rule_ids() == {"example.com.newsletter"}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            SITE + '[[boilerplate]]\nkind = "exact_line"\nlines = ["Share"]\nexamples = { remove = ["Share"] }\n',
            'rule #1: missing key "id" (give every [[boilerplate]] rule an id',
        ),
        (
            SITE + RULE.replace('"line_pattern"', '"line_patern"'),
            'rule "newsletter": unknown kind "line_patern" (did you mean "line_pattern"? valid: between, cut_after,',
        ),
        (
            SITE + RULE.replace("pattern =", "patern ="),
            'rule "newsletter": unknown key "patern" (did you mean "pattern"? valid for line_pattern: description,',
        ),
        (
            SITE + RULE.replace("pattern =", "marker = '^x'\npattern ="),
            'rule "newsletter": key "marker" does not apply to kind line_pattern '
            "(it belongs to cut_after and cut_before;",
        ),
        (
            SITE + RULE.replace(".{1,60}", "[a-z"),
            'rule "newsletter": bad regex in "pattern": unterminated character set at position 21 '
            "(fix the regular expression;",
        ),
        (
            SITE + RULE.replace("'^Get", "'(Get"),
            'rule "newsletter": bad regex in "pattern": missing ), unterminated subpattern at position 0',
        ),
        (SITE + RULE + RULE, 'rule "newsletter": duplicate id (ids must be unique in a file; rule #1 already uses it)'),
        (SITE + RULE.split("examples")[0], 'rule "newsletter": missing key "examples" (add examples = { remove ='),
        (SITE + RULE.replace("remove =", "keep ="), 'rule "newsletter": examples: missing key "remove"'),
        (
            SITE + RULE.replace("remove =", "remvoe ="),
            'rule "newsletter": examples: unknown key "remvoe" (did you mean "remove"?',
        ),
        (SITE + RULE.replace('"newsletter"', '"News-letter"'), 'rule #1: id "News-letter" is not a valid id'),
        (
            SITE + RULE.replace("'^Get a daily dose of .{1,60} news'", "'(?i)(newsletter)?'"),
            'rule "newsletter": regex "pattern" matches an empty string, so it would match any line',
        ),
        (
            SITE + RULE.replace('id = "newsletter"', 'id = "newsletter"\nmax_words = 0'),
            'rule "newsletter": "max_words" must be a whole number of at least 1, not the number 0',
        ),
        (
            SITE
            + RULE.replace('kind = "line_pattern"', 'kind = "cut_after"\nmin_position = 1.5').replace(
                "pattern =", "marker ="
            ),
            'rule "newsletter": "min_position" must be a fraction from 0 to 1, not the number 1.5',
        ),
        (
            SITE
            + '[[boilerplate]]\nid = "x"\nkind = "exact_line"\nlines = "Share"\nexamples = { remove = ["Share"] }\n',
            'rule "x": "lines" must be a list of strings, not the string "Share"',
        ),
        (
            SITE + '[[boilerplate]]\nid = "x"\nkind = "exact_line"\nlines = ["»"]\nexamples = { remove = ["»"] }\n',
            'rule "x": line \'»\' in "lines" is only punctuation that comparisons ignore',
        ),
        (
            SITE + '[[boilerplate]]\nid = "x"\nkind = "between"\nstart = "a"\nexamples = { remove = ["a"] }\n',
            'rule "x": missing key "end" (between needs "start" and "end")',
        ),
        (RULE, 'missing [site] table (add [site] with hosts = ["example.com"] or markers'),
        ('[site]\nhost = ["example.com"]\n', '[site]: unknown key "host" (did you mean "hosts"?'),
        ('[site]\ndescription = "x"\n', "[site]: applies to no document"),
        (
            '[site]\nhosts = ["https://example.com/news"]\n',
            '[site]: host "https://example.com/news" is not a host name',
        ),
        ('[site]\nall = true\nhosts = ["example.com"]\n', "[site]: all = true applies to every document"),
        ('hosts = ["example.com"]\n' + RULE, 'unknown key "hosts" at the top of the file (put it under [site])'),
        (
            SITE + "[boilerplat]\n",
            'unknown table "boilerplat" (did you mean "boilerplate"? valid: boilerplate, site, typos)',
        ),
        (SITE + "[typos]\nprotect = [1]\n", '[typos]: "protect" must hold only strings, not the number 1'),
        (SITE + '[typos]\ncorrect = { teh = "teh" }\n', '[typos]: correct "teh" = "teh" corrects nothing'),
    ],
)
def test_schema_errors_are_one_line_naming_the_file_the_rule_and_the_key(
    tmp_path: Path,
    text: str,
    message: str,
) -> None:
    line = schema_error(tmp_path, text)
    assert message in line, line


def test_words_toml_holds_only_a_typos_table(tmp_path: Path) -> None:
    file = write_rules(tmp_path / "rules", "words.toml", '[typos]\nprotect = ["Kishida"]\n')
    assert site_rules([check_rule_file(file)]) == []  # applies to every document, has no boilerplate rules
    assert check_rule_file(file).typos is not None
    line = schema_error(tmp_path, SITE, name="words.toml")
    assert 'unknown table "site" (words.toml holds only a [typos] table)' in line


def test_a_toml_syntax_error_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "bad.toml").write_text('[site\nhosts = ["x"]\n')
    with pytest.raises(ConfigError, match=r"bad\.toml: invalid rule file: .*\(fix the TOML syntax\)"):
        load_rule_files(tmp_path / "rules")


# --- each kind on real text ---------------------------------------------------------------------


def test_exact_line_compares_normalised_lines(tmp_path: Path) -> None:
    rules = compiled(
        tmp_path,
        SITE
        + """
[[boilerplate]]
id = "comments"
kind = "exact_line"
lines = ["LEAVE A REPLY", "be first to comment:", "More from Asia More posts in Asia"]
examples = { remove = ["Leave a Reply"] }
""",
    )
    lines = seed_lines("004")
    assert removed_lines(rules, lines) == ["Be First to Comment", "Leave a Reply"]
    assert removed_lines(
        rules, ["  Leave   a\u00a0Reply »", "ＬＥＡＶＥ Ａ ＲＥＰＬＹ…", "Leave a Reply Cancel reply", ""]
    ) == ["  Leave   a\u00a0Reply »", "ＬＥＡＶＥ Ａ ＲＥＰＬＹ…"]
    assert normalise_line("  More posts in  Asia » ") == "more posts in asia"
    assert normalise_line("Straße…") == normalise_line("STRASSE...") == "strasse"


def test_line_pattern_searches_the_stripped_line_within_max_words(tmp_path: Path) -> None:
    rules = compiled(
        tmp_path,
        SITE
        + r"""
[[boilerplate]]
id = "author_bio"
kind = "line_pattern"
pattern = '^[A-Z]\w+ [A-Z]\w+ is the .{0,40}\bAntiwar\.com\b'
max_words = 15
examples = { remove = ["Dave DeCamp is the news editor of Antiwar.com, follow him on Twitter @decampdave."] }
""",
    )
    lines = seed_lines("001")
    assert removed_lines(rules, lines) == [lines[24]] and lines[24].startswith("Dave DeCamp is the news editor")
    long_bio = lines[24] + " He has written for many outlets over the years and lives in Virginia."
    assert removed_lines(rules, ["  " + lines[24], long_bio]) == ["  " + lines[24]]


def test_cut_after_removes_from_the_first_marker_at_or_after_min_position(tmp_path: Path) -> None:
    text = (
        SITE
        + """
[[boilerplate]]
id = "teasers"
kind = "cut_after"
marker = '^More Information'
min_position = 0.5
examples = { remove = ["More Information"] }
"""
    )
    lines = seed_lines("003")
    start = next(i for i, line in enumerate(lines) if line.startswith("More Information"))
    assert removed_lines(compiled(tmp_path, text), lines) == lines[start:]
    without_marker = compiled(tmp_path, text.replace("min_position", "include_marker = false\nmin_position"))
    assert removed_lines(without_marker, lines) == lines[start + 1 :]
    early = ["More Information on the pact is expected soon.", *lines]  # line 0: before the middle
    assert removals(compiled(tmp_path, text), early)[0][0] == start + 1
    assert removals(compiled(tmp_path, text), early, guards=False)[0][0] == 0


def test_cut_before_removes_everything_above_the_first_marker(tmp_path: Path) -> None:
    text = (
        SITE
        + r"""
[[boilerplate]]
id = "header"
kind = "cut_before"
marker = '^\d{1,2} [A-Z][a-z]{2} \d{4}, \d{2}:\d{2} GMT[+-]\d{1,2}$'
max_position = 0.2
examples = { remove = ["RT.com\n13 Jun 2022, 03:58 GMT+10"] }
"""
    )
    lines = seed_lines("003")
    assert removed_lines(compiled(tmp_path, text), lines) == ["RT.com"]
    with_marker = compiled(tmp_path, text.replace("max_position", "include_marker = true\nmax_position"))
    assert removed_lines(with_marker, lines) == ["RT.com", "13 Jun 2022, 03:58 GMT+10"]
    late = [*lines[2:], *lines[:2]]  # the date line at the very end: past max_position
    assert removals(compiled(tmp_path, text), late) == []
    assert removed_lines(compiled(tmp_path, text), late, guards=False) == late[:-1]


def test_between_removes_each_start_through_the_next_end(tmp_path: Path) -> None:
    text = (
        SITE
        + r"""
[[boilerplate]]
id = "weather"
kind = "between"
start = '^\d{1,3}(?:\.\d)? ?°?[CF]$'
end = '^[A-Z][a-z]+(?: [A-Z][a-z]+)*$'
examples = { remove = ["15.7 C\nNew York"] }
"""
    )
    lines = seed_lines("002")
    assert removed_lines(compiled(tmp_path, text), lines) == ["15.7 C", "New York"]
    inner = compiled(tmp_path, text.replace("examples", "include_markers = false\nexamples"))
    assert removals(inner, lines) == []  # nothing between two adjacent markers
    assert removed_lines(inner, ["15.7 C", "x", "New York", "Body text.", "3 C", "y", "Paris"]) == ["x", "y"]
    assert removals(compiled(tmp_path, text), ["Body text.", "15.7 C", "body text, no end."]) == []
    # Without max_lines, the end may be far below; with it, only within that many lines.
    far = ["15.7 C", "", "the headline, in lower case so it is no end", "Rome"]
    assert removed_lines(compiled(tmp_path, text), far) == far
    near = compiled(tmp_path, text.replace("examples", "max_lines = 2\nexamples"))
    assert removals(near, far) == [] and removed_lines(near, ["15.7 C", "Rome", "Text."]) == ["15.7 C", "Rome"]


def test_the_first_rule_in_the_file_gets_a_line_and_disabled_rules_remove_nothing(tmp_path: Path) -> None:
    rules = compiled(
        tmp_path,
        SITE
        + """
[[boilerplate]]
id = "promo"
kind = "line_pattern"
pattern = '(?i)^read more:'
examples = { remove = ["READ MORE: x"] }

[[boilerplate]]
id = "comments"
kind = "exact_line"
lines = ["Leave a Reply", "READ MORE: Japan, South Korea pledge renewed ‘shuttle diplomacy’ after ties reset"]
examples = { remove = ["Leave a Reply"] }

[[boilerplate]]
id = "tail"
kind = "cut_after"
marker = '^Be First to Comment$'
examples = { remove = ["Be First to Comment"] }
""",
    )
    lines = [line.replace("\u00a0", " ") for line in seed_lines("004")]
    found = removals(rules, lines)
    assert found == sorted(found)
    by_rule = {
        rule_id: [lines[i] for first, end, r in found if r == rule_id for i in range(first, end)]
        for rule_id in {r for _, _, r in found}
    }
    assert by_rule["site.example.promo"] == [lines[16]] and lines[16].startswith("READ MORE:")
    assert by_rule["site.example.comments"] == ["Leave a Reply"]  # also in the tail's range: ranges overlap
    assert by_rule["site.example.tail"][0] == "Be First to Comment"
    without = removals(rules, lines, disabled={"site.example.promo", "site.example.tail"})
    assert [(lines[first], rule_id) for first, _, rule_id in without] == [
        (lines[16], "site.example.comments"),
        ("Leave a Reply", "site.example.comments"),
    ]


def test_applies_to_hosts_and_subdomains_markers_only_without_a_site(tmp_path: Path) -> None:
    rules = compiled(tmp_path, '[site]\nhosts = ["antiwar.com"]\nmarkers = ["Antiwar.com"]\n' + RULE)
    text = "\n".join(seed_lines("001"))
    assert rules.applies_to("antiwar.com", "") and rules.applies_to("WWW.Antiwar.com", "")
    assert rules.applies_to("original.antiwar.com", "") and not rules.applies_to("antiwar.co", "")
    www = compiled(tmp_path, '[site]\nhosts = ["www.antiwar.com"]\n' + RULE)
    assert www.site.hosts == ("antiwar.com",) and www.applies_to("antiwar.com", "")
    assert not rules.applies_to("notantiwar.com", text)  # a site's documents are matched by host only
    assert rules.applies_to(None, text) and not rules.applies_to(None, text.lower())
    every = compiled(tmp_path, "[site]\nall = true\n" + RULE, name="generic.toml")
    assert every.applies_to("example.org", "") and every.applies_to(None, "")


def test_checked_rules_survive_pickling_for_the_workers() -> None:
    rules = load_rules(REPO / "rules")
    copy = pickle.loads(pickle.dumps(rules))
    assert copy == rules
    for original, copied in zip(site_rules(rules), site_rules(copy), strict=True):
        for number in ("001", "002", "003", "004"):
            assert removals(copied, seed_lines(number)) == removals(original, seed_lines(number))


# --- the fast path gives what trying each rule on each line gives -----------------------------

TRICKY_RULES = (
    SITE
    + r"""
[[boilerplate]]
id = "anchored"
kind = "line_pattern"
pattern = '(?i)^(skip|jump) to (content|navigation)|^share (this|on)\b'
max_words = 6
examples = { remove = ["Skip to content"] }

[[boilerplate]]
id = "rights"
kind = "line_pattern"
pattern = '(?i)^\s*(©|ⓒ|\(c\)\s*\d{4}|copyright\b)|\ball\s+rights?\s+reserved\b|\bstraße\b'
examples = { remove = ["All Rights Reserved"] }

[[boilerplate]]
id = "scoped"
kind = "line_pattern"
pattern = 'Posted (?i:in news)|(?-i:KISHIDA) says'
examples = { remove = ["Posted IN NEWS"] }

[[boilerplate]]
id = "repeat"
kind = "line_pattern"
pattern = '^(\w+) \1$|(?P<w>ab)c(?P=w)'
examples = { remove = ["very very"] }

[[boilerplate]]
id = "verbose"
kind = "line_pattern"
pattern = '(?x) ^ leave \s+ a \s+ reply \b  # the comment form'
examples = { remove = ["leave a reply below"] }

[[boilerplate]]
id = "exact"
kind = "exact_line"
lines = ["Leave a Reply", "Σχόλια"]
examples = { remove = ["Leave a Reply"] }

[[boilerplate]]
id = "tail"
kind = "cut_after"
marker = '(?i)related (articles|stories)$'
min_position = 0.5
examples = { remove = ["Related articles"] }
"""
)
FRAGMENTS = [
    "Skip",
    "skip",
    "to",
    "content",
    "Share",
    "this",
    "on",
    "all",
    "ALL",
    "rights",
    "RIGHTS",
    "reserved",
    "reſerved",
    "rİghts",
    "rıghts",
    "ſhare",
    "copyright",
    "©",
    "ⓒ",
    "Ⓒ",
    "(c)",
    "2024",
    "straße",
    "STRASSE",
    "STRAẞE",
    "Posted",
    "in",
    "IN",
    "news",
    "kishida",
    "KISHIDA",
    "says",
    "very",
    "abcab",
    "Leave",
    "a",
    "Reply",
    "reply",
    "ΣΧΌΛΙΑ",
    "σχόλια",
    "Related",
    "articles",
    "ARTICLES",
    "\u212aeep",
    " ",
    "»",
    ":",
]


def reference(rules: SiteRules, lines: list[str]) -> list[tuple[int, int, str]]:
    """Each rule tried alone on each line, in file order: the meaning `removals` must keep."""
    found = []
    stripped = [line.strip() for line in lines]
    for number, line in enumerate(stripped):
        for rule in rules.rules if line else ():
            if (
                rule.kind == "exact_line"
                and normalise_line(line) in rule.lines
                or (
                    rule.kind == "line_pattern"
                    and (not rule.max_words or len(line.split()) <= rule.max_words)
                    and rule.pattern.search(line)
                )
            ):  # type: ignore[union-attr]
                found.append((number, number + 1, rule.id))
                break
    for rule in rules.rules:
        if rule.kind == "cut_after":
            hits = [
                n
                for n, line in enumerate(stripped)
                if line and n / len(lines) >= rule.min_position and rule.marker.search(line)
            ]  # type: ignore[union-attr]
            found += [(hits[0], len(lines), rule.id)] if hits else []
    return sorted(found)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.sampled_from(FRAGMENTS), max_size=8).map(" ".join), min_size=1, max_size=12))
def test_removals_equal_trying_every_rule_on_every_line(lines: list[str]) -> None:
    [rules] = site_rules(
        [
            check_rule_file(
                RuleFile("site.example.toml", "test", Path("site.example.toml"), "", tomllib.loads(TRICKY_RULES))
            )
        ]
    )
    assert removals(rules, lines) == reference(rules, lines)


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdefghiklmnorstuvwyzABCDEFGHIKLMNORSTUVWYZ ſİıK©ẞßΣσςµμ()."), max_size=40))
def test_the_literal_prefilter_never_rules_out_a_match(text: str) -> None:
    patterns = [
        r"(?i)\ball\s+rights?\s+reserved",
        r"(?i)copyright|straße",
        r"(?i:KISS)|ſtar",
        r"(?i)µ[a-z]+ς",
        r"(?i)(?:a|b)rt(?:is|ik)",
        r"Bar(?i:rIck)",
    ]
    for source in patterns:
        pattern = re.compile(source)
        found = needs(source, pattern.flags)
        assert found is not None, source
        if pattern.search(text):
            folding = Folding.of("".join(literal for literal, fold in found if fold))
            assert any(
                folding.fold(literal) in folding.fold(text) if fold else literal in text for literal, fold in found
            ), (source, text)


def test_anchored_patterns_are_recognised_from_their_source() -> None:
    def anchored(source: str) -> bool:
        return anchored_at_start(source, re.compile(source).flags)

    assert anchored(r"(?i)^(skip|jump) to|^share\b")
    assert anchored(r"(?:^a|\Ab)c")
    assert not anchored(r"^a|b")
    assert not anchored(r"(?m)^a")
    assert not anchored(r"a^")


# --- examples and the shipped files -----------------------------------------------------------


def test_examples_pass_and_fail_as_they_should(tmp_path: Path) -> None:
    rules = compiled(
        tmp_path,
        SITE
        + """
[[boilerplate]]
id = "comments"
kind = "exact_line"
lines = ["Leave a Reply"]
examples = { remove = ["Leave a Reply\\nBe First to Comment", "Nothing here"], keep = ["leave a reply", "He did not leave a reply."] }

[[boilerplate]]
id = "tail"
kind = "cut_after"
marker = '^Leave a Reply$'
min_position = 0.9
examples = { remove = ["Leave a Reply\\nYour email address will not be published."], keep = ["Leave no reply"] }
""",  # noqa: E501 (a TOML inline table is one line)
    )
    count, failures = check_examples(rules)
    assert count == 6
    assert [(f.rule_id, f.expected, f.number, f.problem) for f in failures] == [
        ("site.example.comments", "remove", 1, "kept line 2: 'Be First to Comment'"),
        ("site.example.comments", "remove", 2, "removed nothing"),
        ("site.example.comments", "keep", 1, "removed line 1: 'leave a reply'"),
    ]  # the cut passes although its marker is on line 1 of 2: examples run with guards off


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("001", ["Dave DeCamp is the news editor of Antiwar.com, follow him on Twitter @decampdave."]),
        ("002", ["15.7 C", "New York"]),
        (
            "003",
            [
                "RT.com",
                "Get a daily dose of North Korea Times news",
                "Publish news of your business",
                "More InformationANDONG, South Korea",
                "WASHINGTON, D.C.: Boeing",
                "RALEIGH/COLUMBIA",
                "GENEVA,",
                "RIYADH",
                "BRUSSELS",
                "NEW YORK, New York - U.S. stock",
                "NEW YORK CITY",
                "WASHINGTON, D.C.: U.S.",
                "LONDON/NEW YORK CITY",
                "NEW YORK, New York - Industrial",
                "BERLIN/DETROIT",
            ],
        ),
        ("000", []),
        ("004", []),
    ],
)
def test_the_shipped_site_files_remove_the_seeds_chrome_and_nothing_else(number: str, expected: list[str]) -> None:
    files = [file for file in load_rule_files(REPO / "rules") if file.name in SHIPPED_SITE_FILES]
    lines = seed_lines(number)
    text = "\n".join(lines)
    removed = [
        line
        for rules in site_rules(map(check_rule_file, files))
        if rules.applies_to(None, text)
        for line in removed_lines(rules, lines)
    ]
    assert len(removed) == len(expected)
    for line, start in zip(removed, expected):
        assert line.startswith(start), (line, start)


def test_the_shipped_files_pass_their_examples() -> None:
    for rules in site_rules(load_rules(REPO / "rules")):
        count, failures = check_examples(rules)
        assert count >= 2 * len(rules.rules) and failures == [], rules.name


# --- the CLI ----------------------------------------------------------------------------------


def test_rules_check_passes_on_the_shipped_files() -> None:
    result = run_cli("rules", "check", cwd=REPO)
    assert result.returncode == 0, result.stderr
    assert "antiwar.com.toml (rules): 1 rule, 4 examples: OK" in result.stdout
    assert "generic.toml (package):" in result.stdout
    assert all(line.endswith(": OK") for line in result.stdout.splitlines())


def test_rules_check_on_a_broken_file_is_one_clear_line(tmp_path: Path) -> None:
    shutil.copytree(REPO / "rules", tmp_path / "rules")
    path = tmp_path / "rules" / "antiwar.com.toml"
    path.write_text(path.read_text().replace("pattern =", "patern ="))
    result = run_cli("rules", "check", cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr == (
        'corpus: error: rules/antiwar.com.toml: rule "author_bio": unknown key "patern" (did you mean "pattern"? '
        "valid for line_pattern: description, examples, id, kind, max_words, pattern)\n"
    )


def test_rules_check_lists_each_failing_example_and_exits_1(tmp_path: Path) -> None:
    write_rules(
        tmp_path / "mine",
        "example.com.toml",
        SITE
        + RULE.replace('remove = ["Get', 'keep = ["Get a daily dose of Japan Herald news"], remove = ["Get').replace(
            "news through", "newz through"
        ),
    )
    result = run_cli("rules", "check", "--rules", tmp_path / "mine", cwd=tmp_path)
    assert result.returncode == 1
    assert "example.com.toml (" in result.stdout and ": 1 rule, 2 examples: 2 failed" in result.stdout
    assert (
        "  FAIL example.com.newsletter: remove example 1 removed nothing: "
        "'Get a daily dose of North Korea Times newz through our daily email'"
    ) in result.stdout
    assert (
        "  FAIL example.com.newsletter: keep example 1 removed line 1: 'Get a daily dose of Japan Herald news'"
    ) in result.stdout
    assert re.fullmatch(
        r"corpus: error: rules check: 2 of \d+ examples failed \(fix each rule or example listed above\)",
        result.stderr.splitlines()[-1],
    )


def line_stats(out: Path, rows: list[tuple[str, str | None, int]]) -> None:
    out.mkdir()
    pl.DataFrame(
        rows, schema={"line": pl.String, "site": pl.String, "documents": pl.Int64}, orient="row"
    ).write_parquet(out / "line_stats.parquet")


def test_suggest_prints_a_site_file_that_check_accepts(tmp_path: Path) -> None:
    line_stats(
        tmp_path / "out",
        [
            ("get a daily dose of north korea times news through our daily email", "northkoreatimes.com", 40),
            ("publish news of your business", "northkoreatimes.com", 40),
            ('more "information" \\ here', "northkoreatimes.com", 7),
            ("leave a reply", "northkoreatimes.com", 90),  # generic.toml removes it already
            ("seoul plans to normalize cooperation", "northkoreatimes.com", 2),
            ("get a daily dose of north korea times news through our daily email", None, 40),
            ("rt.com", "rt.com", 100),
        ],
    )
    result = run_cli("rules", "suggest", tmp_path / "out", "--site", "northkoreatimes.com", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert '  "get a daily dose of north korea times news through our daily email",  # 40 documents' in result.stdout
    assert '  "more \\"information\\" \\\\ here",  # 7 documents' in result.stdout
    assert "leave a reply" not in result.stdout.split("[site]")[1] and "seoul" not in result.stdout
    assert "Left out: 1 line that the rule files in effect already remove." in result.stdout
    lines = result.stdout.splitlines()
    assert lines[lines.index("[site]") + 1] == 'hosts = ["northkoreatimes.com"]'
    limited = run_cli(
        "rules",
        "suggest",
        tmp_path / "out",
        "--site",
        "northkoreatimes.com",
        "--limit",
        "1",
        "--min-documents",
        "2",
        cwd=tmp_path,
    )
    assert limited.returncode == 0 and len(re.findall(r",  # \d+ documents\n", limited.stdout)) == 1
    assert "# 40 documents" in limited.stdout

    write_rules(tmp_path / "rules", "northkoreatimes.com.toml", result.stdout)
    check = run_cli("rules", "check", cwd=tmp_path)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "northkoreatimes.com.toml (rules): 1 rule, 3 examples: OK" in check.stdout


def test_suggest_for_documents_without_a_url_needs_a_marker(tmp_path: Path) -> None:
    line_stats(tmp_path / "out", [("skip to content", None, 5), ("donate to antiwar.com", None, 5)])
    missing = run_cli("rules", "suggest", tmp_path / "out")
    assert missing.returncode == 2
    assert missing.stderr.startswith("corpus: error: --site: needed, or --marker for documents without a URL (")
    result = run_cli("rules", "suggest", tmp_path / "out", "--marker", "Antiwar.com", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert 'markers = ["Antiwar.com"]' in result.stdout and "hosts" not in result.stdout
    assert "skip to content" not in result.stdout  # generic.skip_link removes it already
    write_rules(tmp_path / "rules", "antiwar.com.toml", result.stdout)
    assert run_cli("rules", "check", cwd=tmp_path).returncode == 0


def test_suggest_errors_say_what_to_do(tmp_path: Path) -> None:
    no_stats = run_cli("rules", "suggest", tmp_path, "--site", "example.com")
    assert no_stats.returncode == 2
    assert no_stats.stderr == (
        f"corpus: error: {tmp_path / 'line_stats.parquet'}: no line statistics here (give the "
        "-o folder of a finished `corpus clean` that ran the boilerplate stage)\n"
    )
    line_stats(tmp_path / "out", [("subscribe to our podcast", "antiwar.com", 3)])
    unknown = run_cli("rules", "suggest", tmp_path / "out", "--site", "antiwar.co")
    assert unknown.returncode == 2 and 'did you mean "antiwar.com"? the run has lines of 1 sites' in unknown.stderr
    too_few = run_cli("rules", "suggest", tmp_path / "out", "--site", "antiwar.com", "--min-documents", "4")
    assert too_few.returncode == 2 and "no line of antiwar.com is found in 4 or more documents" in too_few.stderr
    url = run_cli("rules", "suggest", tmp_path / "out", "--site", "https://antiwar.com/")
    assert url.returncode == 2 and "is not a host name" in url.stderr

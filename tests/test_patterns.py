"""Rule patterns that cannot hang a run: RE2 gives exactly `re`'s answers, on real lines and on
generated patterns; what RE2 cannot run stops at the time budget; `rules check` warns."""

from __future__ import annotations

import gzip
import re
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from corpus.patterns import RegexTimeout, UserPattern, backtracking_warning, compile_pattern, risky, time_budget
from corpus.patterns.literals import Folding, anchored_at_start, needs
from corpus.readers.html import html_page
from corpus.rules import load_rules
from corpus.stages.boilerplate.site_rules import removals, site_rules
from tests.conftest import REPO, SEEDS, run_cli, shared_data


def real_lines() -> list[str]:
    """Lines of real text: half of Zyte's 181 news pages (visible text), the seeds, and UDHR
    translations in 40 languages and scripts (for Unicode classes and case folding)."""
    lines: list[str] = []
    for page in sorted(shared_data("boilerplate-zyte-article-extraction-benchmark", "html").glob("*.html.gz"))[::2]:
        lines += html_page(gzip.decompress(page.read_bytes())).text.split("\n")
    for seed in sorted(SEEDS.glob("*.txt")):
        lines += seed.read_text().split("\n")
    with zipfile.ZipFile(shared_data("langid-udhr", "udhr2.zip")) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith(".txt"))[::10][:40]:
            lines += archive.read(name).decode("utf-8").split("\n")[:60]
    return [line.strip() for line in lines if line.strip()]


def shipped_patterns() -> list[str]:
    return [
        pattern.pattern
        for file in load_rules(REPO / "rules").files
        for rule in file.boilerplate
        for pattern in rule.patterns()
    ]


def test_every_shipped_pattern_answers_as_re_does_on_real_lines() -> None:
    lines = real_lines()
    assert len(lines) > 15_000 and sum(not line.isascii() for line in lines) > 2_000
    sources = shipped_patterns()
    combined = [rules._anchored for rules in site_rules(load_rules(REPO / "rules")) if rules._anchored]
    checked = 0
    for pattern in [UserPattern(source) for source in sources] + combined:
        expected = re.compile(pattern.pattern)
        for line in lines:
            assert bool(pattern.search(line)) == bool(expected.search(line)), (pattern.pattern, line)
            assert bool(pattern.match(line)) == bool(expected.match(line)), (pattern.pattern, line)
            checked += 1
    assert checked > 400_000
    # RE2 runs nearly all of them on every line: only lookarounds and \b on non-ASCII lines fall back
    assert sum(not UserPattern(source).fallback for source in sources) >= len(sources) // 3
    assert all(
        UserPattern(source).fallback in ("", r"\b on a line that is not ASCII", "a lookaround") for source in sources
    )


# Characters where RE2's and re's notions differ: case pairs beyond ASCII (Kelvin sign, long s,
# dotted and dotless i, final sigma), Unicode spaces and digits, word characters of other scripts.
TRICKY = (
    "aAkKsSiIzZ_0 9\t-.:'\u212a\u017f\u0130\u0131\u03c3\u03c2\u03a3\u00df\u1e9e\u00e9\u00c9\u00a0\u2003"
    "\u3000\x1c\u0663\u0e51\u00b2\u4e00\u05d0\u0301\u00aa\U0001d400"
)


def char() -> st.SearchStrategy[str]:
    return st.sampled_from(list(TRICKY))


def escaped(text: str) -> str:
    return re.escape(text)


ATOM = st.one_of(
    char().map(escaped),
    st.sampled_from([r"\w", r"\W", r"\d", r"\D", r"\s", r"\S", ".", r"\b", r"\B", "^", "$", r"\A", r"\Z"]),
    st.lists(
        st.one_of(
            char().map(escaped), st.sampled_from([r"\w", r"\s", r"\d", r"\W", "a-z", "A-Z", "\u00e0-\u00ff", r"\S"])
        ),
        min_size=1,
        max_size=4,
    ).map(lambda items: "[" + "".join(items) + "]"),
    st.lists(st.one_of(char().map(escaped), st.sampled_from([r"\w", "a-z", r"\s"])), min_size=1, max_size=3).map(
        lambda items: "[^" + "".join(items) + "]"
    ),
)


def regex() -> st.SearchStrategy[str]:
    def extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
        return st.one_of(
            st.lists(inner, min_size=1, max_size=4).map("".join),
            st.tuples(inner, st.sampled_from(["*", "+", "?", "{2}", "{1,3}", "*?", "+?", "{0,2}?"])).map("".join),
            st.lists(inner, min_size=2, max_size=3).map(lambda parts: "(?:" + "|".join(parts) + ")"),
            inner.map(lambda part: f"({part})"),
            st.tuples(st.sampled_from(["i", "-i", "a", "s"]), inner).map(lambda pair: f"(?{pair[0]}:{pair[1]})"),
        )

    body = st.recursive(ATOM, extend, max_leaves=8)
    return st.tuples(st.sampled_from(["", "(?i)", "(?a)", "(?s)", "(?ia)", "(?m)"]), body).map("".join)


@settings(max_examples=400, deadline=None)
@given(regex(), st.lists(st.text(alphabet=TRICKY, max_size=12), min_size=1, max_size=8))
def test_generated_patterns_answer_as_re_does(source: str, texts: list[str]) -> None:
    try:
        expected = re.compile(source)
    except re.error:
        return
    pattern = UserPattern(source)
    for text in texts:
        assert bool(pattern.search(text)) == bool(expected.search(text)), (source, text, pattern.fallback)
        assert bool(pattern.match(text)) == bool(expected.match(text)), (source, text, pattern.fallback)


def test_a_catastrophic_pattern_runs_in_linear_time_on_re2() -> None:
    pattern = compile_pattern(r"(a+)+$")
    assert pattern.fallback == ""  # RE2 on every line
    assert pattern.search("a" * 100_000 + "!") is None  # re would take longer than the universe's age
    assert pattern.search("a" * 100_000)


def test_what_re2_cannot_run_stops_at_the_time_budget() -> None:
    pattern = compile_pattern(r"(a+)+(?=\d)", label="mine.lookahead")
    assert pattern.fallback == "a lookaround"
    assert pattern.search("aaaa1") and pattern.search("aaaa") is None
    with pytest.raises(RegexTimeout, match="rule mine.lookahead: .*time budget.*a lookaround"):
        with time_budget(0.2):
            pattern.search("a" * 60 + "!")


def test_hostile_text_cannot_stall_the_shipped_byline_rule() -> None:
    """generic.byline backtracks exponentially on `re` ("By Anne andAnne andAnne...": 17 s at
    22 repeats, doubling with each); on RE2 the 30-repeat line is instant, ASCII or not."""
    [generic] = [rules for rules in site_rules(load_rules()) if rules.name == "generic"]
    for line in ("By Anne" + "andAnne" * 30 + " 5!", "By Änne" + "andÄnne" * 30 + " 5’!"):
        assert removals(generic, [line, "The article begins here and runs on."]) == []
    assert removals(generic, ["By Anne Smith and John Doe", "The article."]) == [(0, 1, "generic.byline")]


def test_risky_shapes_are_named_and_the_shipped_rules_have_none_on_re() -> None:
    assert risky(r"(a+)+$") and risky(r"(\w+\s?)*:") and risky(r"(a*)*b") and risky(r"(.*,){12}x")
    assert risky(r"\s*\s*$") and risky(r".*.*=")
    assert risky(r"(\w+\s)+$") is None and risky(r"(ab+)+c") is None and risky(r"^\s*©") is None
    for rules in site_rules(load_rules(REPO / "rules")):
        for rule in rules.rules:
            assert all(backtracking_warning(pattern) is None for pattern in rule.patterns()), rule.id


def test_a_stalling_user_rule_drops_only_the_document_it_stalls_on(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "in")
    (tmp_path / "in" / "attack.txt").write_text("a" * 60 + "!\n")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "mine.toml").write_text(
        '[site]\nall = true\n\n[[boilerplate]]\nid = "stalls"\nkind = "line_pattern"\n'
        'pattern = \'(a+)+(?=\\d)\'\nexamples = { remove = ["aaa1"], keep = ["aaa"] }\n\n'
        '[[boilerplate]]\nid = "linear"\nkind = "line_pattern"\npattern = \'^(\\w+\\s?)+:\\s\'\n'
        'examples = { remove = ["Jane Doe: hello"] }\n'
    )

    check = run_cli("rules", "check", "--rules", tmp_path / "rules")
    result = run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--rules", tmp_path / "rules", "--workers", "2")

    assert check.returncode == 0, check.stdout + check.stderr
    assert "WARNING mine.stalls: can backtrack catastrophically" in check.stdout
    assert "mine.linear" not in check.stdout  # RE2 runs it: it cannot backtrack
    assert result.returncode == 0, result.stderr
    dropped = pl.read_parquet(tmp_path / "out" / "dropped.parquet")
    assert dropped.select("id", "stage", "reason").rows() == [("attack.txt", "boilerplate", "regex_timeout")]
    assert "rule mine.stalls" in dropped["detail"].item()
    assert pl.read_parquet(tmp_path / "out" / "documents.parquet").height == 5


def test_what_the_source_tells_holds_for_every_shipped_pattern_on_real_lines() -> None:
    """corpus/patterns/literals.py reads patterns without re's parser: on 18,000 real lines, every
    match of an anchored pattern starts the line, and every line a pattern matches holds one of the
    literals it needs (folded, where its case is ignored)."""
    lines = real_lines()
    prefiltered = anchored = 0
    for source in shipped_patterns():
        pattern = re.compile(source)
        starts_line = anchored_at_start(source, pattern.flags)
        found = needs(source, pattern.flags)
        folding = Folding.of("".join(text for text, fold in found or () if fold))
        prefiltered += found is not None
        anchored += starts_line
        for line in lines:
            match = pattern.search(line)
            if match is None:
                continue
            assert not starts_line or match.start() == 0, (source, line)
            assert found is None or any(
                folding.fold(text) in folding.fold(line) if fold else text in line for text, fold in found
            ), (source, line)
    assert prefiltered >= 7 and anchored >= 20

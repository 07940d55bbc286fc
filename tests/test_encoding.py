"""The encoding stage: ftfy's repairs on whole documents, each fix its own recorded rule."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import ftfy
import pytest

from corpus.config import ReadConfig
from corpus.document import Document, Drop
from corpus.edits import replay
from corpus.readers import InputFile, read_input
from corpus.stages.encoding import EncodingConfig, EncodingStage, needs_ftfy
from tests.conftest import SEEDS, cleaneval_file, shared_data

# Only ftfy's repairs, so the result can be compared with ftfy's own expected output.
FTFY_ONLY = EncodingConfig(normalize_spaces=False, remove_zero_width=False, remove_control_chars=False, nfc=False)


def cases(name: str) -> list[dict]:
    return json.loads((shared_data("mojibake-ftfy-test-cases") / name).read_text())


def clean(text: str, config: EncodingConfig = EncodingConfig()) -> Document:
    doc = Document(id="d", source="d", text=text)
    result = EncodingStage(config).apply(doc)
    assert not isinstance(result, Drop)
    assert replay(text, doc.edits) == doc.text
    assert replay(doc.text, doc.edits, reverse=True) == text
    return doc


@pytest.mark.parametrize("name", ["in-the-wild.json", "synthetic.json", "language-names.json", "negative.json"])
def test_ftfy_test_cases_give_ftfy_fix_encoding_output_and_replay(name: str) -> None:
    checked = 0
    for case in cases(name):
        if case["expect"] != "pass" or "&" in case["original"]:
            continue  # we also unescape HTML entities, which ftfy's expected output keeps
        expected = case.get("fixed-encoding", case["fixed"]).strip()
        doc = clean(case["original"], FTFY_ONLY)
        assert doc.text == expected, case["label"]
        assert bool(doc.edits) == (expected != case["original"]), case["label"]
        checked += 1
    assert checked >= 19


def test_a_mojibake_document_is_restored_whole_with_named_fixers() -> None:
    article = (SEEDS / "000_9c357a5e9c026ce2.txt").read_text()
    broken = article.encode("utf-8").decode("sloppy-windows-1252")  # codec registered by ftfy
    doc = clean(broken)
    assert doc.text == clean(article).text
    assert {e.rule for e in doc.edits if e.rule.startswith("ftfy.")} == {"ftfy.sloppy_windows_1252"}
    assert "“comfort women”" in doc.text  # curly quotes survive


def test_seed_text_with_curly_quotes_and_names_comes_through_untouched() -> None:
    for path in sorted(SEEDS.glob("*.txt")):
        original = path.read_text()
        doc = clean(original)
        changed = {e.rule for e in doc.edits}
        assert changed <= {"whitespace.blank_lines", "whitespace.odd_spaces", "whitespace.trailing", "whitespace.strip"}
        for word in ("’", "“", "Kishida", "GSOMIA", "Geun-hye", "defence"):
            assert original.count(word) == doc.text.count(word)


def test_whitespace_and_invisible_characters_are_normalized_as_separate_rules() -> None:
    doc = clean("Title\r\n\r\n\r\n\r\nFirst\u00a0line  with   gaps \t\nsoft\u00adhyphen and zero\u200bwidth\n")
    assert doc.text == "Title\n\nFirst line with gaps\nsofthyphen and zerowidth"
    rules = {e.rule for e in doc.edits}
    assert rules == {
        "whitespace.line_endings",
        "whitespace.blank_lines",
        "whitespace.odd_spaces",
        "whitespace.inner_runs",
        "whitespace.trailing",
        "unicode.soft_hyphen",
        "unicode.zero_width",
        "whitespace.strip",
    }


def test_nfc_composes_but_does_not_fold_typography() -> None:
    doc = clean("Cafe\u0301 ﬁnance ½ “quoted”")
    assert doc.text == "Café ﬁnance ½ “quoted”"
    assert [e.rule for e in doc.edits] == ["unicode.nfc"]


def test_html_entities_and_control_characters_are_fixed_by_named_rules() -> None:
    doc = clean("Profits &amp; losses\x1b[31m rose\x07 \u206aby \ufffc3%")
    assert doc.text == "Profits & losses rose by 3%"
    assert {"ftfy.unescape_html", "ftfy.remove_terminal_escapes", "control_chars", "ftfy.remove_control_chars"} <= {
        e.rule for e in doc.edits
    }


def test_stray_nul_and_control_bytes_in_a_real_text_file_are_removed_as_edits(tmp_path: Path) -> None:
    """A seed article with NULs and other C0 bytes between its words is kept: the reader decodes
    it as text, the encoding stage removes each run of strays as one `control_chars` edit, and the
    result is the clean article's result; replaying the edits backwards gives the dirty bytes' text."""
    seed = SEEDS / "002_d92830401b061d51.txt"
    words = seed.read_text().split(" ")
    strays = ["\x00", "\x00\x00", "\x01", "\x08", "\x1a", "\x7f", "\x00\x1f"]
    dirty = "".join(word + (strays[i % len(strays)] if i % 97 == 5 else "") + " " for i, word in enumerate(words))[:-1]
    path = tmp_path / "dirty.txt"
    path.write_bytes(dirty.encode("utf-8"))
    [doc] = read_input(InputFile(path, "dirty.txt"), ReadConfig())
    assert isinstance(doc, Document) and doc.text == dirty
    stage = EncodingStage(EncodingConfig())
    cleaned = stage.apply(doc)
    reference = stage.apply(Document(id="clean", source="clean", text=seed.read_text()))
    assert cleaned.text == reference.text
    removals = [e for e in cleaned.edits if e.rule == "control_chars"]
    assert len(removals) == sum(1 for i in range(len(words)) if i % 97 == 5)
    assert {e.after for e in removals} == {""} and {e.before for e in removals} <= set(strays)
    assert replay(cleaned.text, cleaned.edits, reverse=True) == dirty


def test_skipping_ftfy_where_the_precheck_says_so_changes_nothing() -> None:
    """The cheap pre-check must never skip a text that ftfy would change."""
    config = EncodingStage(EncodingConfig())._ftfy_config._replace(explain=False)
    reuters = shared_data("neardup-reuters21578", "sgm", "reut2-000.sgm.gz")
    raw = gzip.decompress(reuters.read_bytes()).decode("latin-1")
    samples = re.sub(r"&#\d+;", "", raw).split("</REUTERS>")
    samples += [p.read_text() for p in sorted(SEEDS.glob("*.txt"))]
    samples += ["Plain ASCII news, 5 pct up.", "tab\tand\x0cform feed", "A & B", "bell\x07", "esc\x1b[0m"]
    skipped = 0
    for text in samples:
        if not needs_ftfy(text):
            skipped += 1
            assert ftfy.fix_text(text, config) == text
    assert not needs_ftfy("Plain ASCII") and needs_ftfy("A & B") and needs_ftfy("bell\x07") and needs_ftfy("é")
    assert skipped >= 100


def test_a_document_of_only_whitespace_is_dropped_with_a_reason() -> None:
    result = EncodingStage(EncodingConfig()).apply(Document(id="d", source="d", text=" \u200b\n\t\x00 "))
    assert isinstance(result, Drop)
    assert result.reason == "empty_after_encoding"


def test_information_separators_between_words_become_spaces_on_real_text() -> None:
    """CleanEval's gold 237 puts a GS control (U+001D) where a tab stood: "I.\\x1dManagement",
    "(c)\\x1d To provide". Between two words it becomes a space; next to a space it goes."""
    text = cleaneval_file("cleaneval/final/gold/237.txt").decode("utf-8", "replace")
    assert text.count("\x1d") >= 60
    doc = clean(text)
    assert "\x1d" not in doc.text
    assert "I. Management" in doc.text and "(c) To provide" in doc.text
    assert {e.rule for e in doc.edits if "\x1d" in e.before} == {"control_chars"}
    assert {e.after for e in doc.edits if e.rule == "control_chars"} <= {"", " "}

"""Every change is an Edit that replays both ways, and covers only the span that changed."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from corpus import edits
from corpus.document import Document
from corpus.edits import diff_spans, replay
from tests.conftest import SEEDS

texts = st.text(alphabet=st.sampled_from("ab \n\u00e9\u00c3\u00a9\u201cxyz\t"), max_size=300)


@settings(max_examples=300, deadline=None)
@given(texts, texts)
def test_rewrite_replays_both_ways(old: str, new: str) -> None:
    doc = Document(id="d", source="d", text=old)
    edits.rewrite(doc, new, stage="test", rule="test.rewrite")
    assert doc.text == new
    assert replay(old, doc.edits) == new
    assert replay(new, doc.edits, reverse=True) == old


@settings(max_examples=200, deadline=None)
@given(texts, st.lists(st.tuples(st.sampled_from(["a+", r"\s+", "é", "xy?"]), st.text("qQ ", max_size=3)), max_size=4))
def test_chained_substitutions_replay_both_ways(original: str, steps: list[tuple[str, str]]) -> None:
    doc = Document(id="d", source="d", text=original)
    for pattern, replacement in steps:
        edits.substitute(doc, re.compile(pattern), replacement, stage="test", rule="test.sub")
    assert [e.seq for e in doc.edits] == list(range(len(doc.edits)))
    assert replay(original, doc.edits) == doc.text
    assert replay(doc.text, doc.edits, reverse=True) == original
    for edit in doc.edits:
        assert edit.before != edit.after


def test_a_long_rewrite_is_recorded_as_small_spans() -> None:
    """A library that returns a whole new 10 kB text yields edits only where it changed."""
    original = (SEEDS / "002_d92830401b061d51.txt").read_text()
    changed = original.replace("Kishida", "Kishida-san").replace("15.7 C", "16 C")
    spans = diff_spans(original, changed)
    assert sum(len(after) - (end - start) for start, end, after in spans) == len(changed) - len(original)
    assert all(end - start <= 6 and len(after) <= 6 for start, end, after in spans)
    doc = Document(id="d", source="d", text=original)
    edits.rewrite(doc, changed, stage="test", rule="test")
    assert replay(changed, doc.edits, reverse=True) == original


def test_edit_offsets_are_exact_against_the_text_before_each_edit() -> None:
    doc = Document(id="d", source="d", text="a  b  c\r\nd")
    edits.substitute(doc, re.compile(r" {2,}"), " ", stage="encoding", rule="whitespace.inner_runs")
    edits.substitute(doc, re.compile(r"\r\n"), "\n", stage="encoding", rule="whitespace.line_endings")
    text = "a  b  c\r\nd"
    for edit in doc.edits:
        assert text[edit.start : edit.end] == edit.before
        text = text[: edit.start] + edit.after + text[edit.end :]
    assert text == doc.text == "a b c\nd"

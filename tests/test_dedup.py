"""The dedup stage on real Reuters-21578 stories: copies dropped with the id they copy, passages, incremental runs."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import numpy as np
import orjson
import polars as pl
import pytest
from datasketch import LeanMinHash, MinHash
from datasketch.hashfunc import sha1_hash32

from corpus import pipeline
from corpus.config import load_config
from corpus.document import Document, Edit
from corpus.edits import replay
from corpus.errors import ConfigError
from corpus.firstpass import apply_in_process
from corpus.manifest import SCHEMA_VERSION, file_sha256
from corpus.stages.dedup import DedupConfig, DedupStage
from corpus.stages.dedup.minhash import MinHasher, permutations
from corpus.stages.dedup.shingles import Shingler, shingle_hash32
from corpus.stages.dedup.text import words
from tests.conftest import run_cli, shared_data

SKIP = ["language", "typos"]  # they do not change these stories; dedup is what is tested
_STORY = re.compile(r"<REUTERS[^>]*NEWID=\"(\d+)\".*?</REUTERS>", re.DOTALL)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("TITLE", "DATELINE", "BODY")}
_DATELINE = re.compile(r"(\w+), (\w{3}) (\d+) - ")
EDITED = "144"  # OPEC MAY HAVE TO MEET TO FIRM PRICES - ANALYSTS
SAME_TOPIC = "236"  # KUWAIT SAYS NO PLANS FOR EMERGENCY OPEC TALKS: another story on OPEC and crude
OTHERS = ("1", "28", "54", "180", "232")
ADDED_SENTENCE = "    Analysts said the meeting could also review the group's output quotas for the second quarter.\n"
# A paragraph of story 311, pasted under other stories (an "about the author" paragraph, a syndicated quote).
FOOTER_STORY = "311"


@pytest.fixture(scope="module")
def stories() -> dict[str, str]:
    """Stories of the first Reuters-21578 file with a body, by NEWID: title, dateline and body."""
    raw = gzip.decompress(shared_data("neardup-reuters21578", "sgm", "reut2-000.sgm.gz").read_bytes()).decode("latin-1")
    found = {}
    for match in _STORY.finditer(raw):
        fields = {name: pattern.search(match.group(0)) for name, pattern in _FIELD.items()}
        if fields["BODY"] and fields["TITLE"]:
            dateline = fields["DATELINE"].group(1).strip() + " " if fields["DATELINE"] else ""
            text = f"{fields['TITLE'].group(1)}\n\n    {dateline}{fields['BODY'].group(1)}"
            found[match.group(1)] = re.sub(r"&#\d+;", "", text).replace("&lt;", "<")
    return found


def resendable(text: str) -> bool:
    """A story with a dateline and a sign-off line, which `lightly_edited` changes."""
    return bool(_DATELINE.search(text)) and text.rstrip("\n").rsplit("\n", 1)[-1].strip().lower() == "reuter"


def lightly_edited(text: str) -> str:
    """The same wire story re-sent: a later dateline and one more sentence before the sign-off."""
    assert resendable(text)
    dated = _DATELINE.sub(lambda m: f"{m[1]}, {m[2]} {int(m[3]) + 1} - ", text, count=1)
    body, sign_off = dated.rstrip("\n").rsplit("\n", 1)
    return f"{body}\n{ADDED_SENTENCE}{sign_off}\n"


def a_paragraph(text: str, min_words: int = 30) -> str:
    """The first indented paragraph of a story with at least `min_words` words."""
    paragraphs = re.split(r"\n(?=[ \t]+\S)", text)
    return next(p for p in paragraphs if len(p.split()) >= min_words).strip("\n")


def with_paragraph(text: str, paragraph: str) -> str:
    """The story with a paragraph pasted in before its sign-off."""
    body, sign_off = text.rstrip("\n").rsplit("\n", 1)
    return f"{body}\n{paragraph}\n{sign_off}\n"


def write_jsonl(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(record) + b"\n" for record in records))
    return path


def clean(inputs: list[Path], out: Path, workers: int = 1, **dedup: object) -> pipeline.RunSummary:
    config = load_config(
        None, stages=pipeline.STAGES, run_flags={"workers": workers, "skip": SKIP}, stage_flags={"dedup": dedup}
    )
    return pipeline.run(inputs, out, config)


def dropped(out: Path) -> dict[str, dict[str, object]]:
    return {row["id"]: row for row in pl.read_parquet(out / "dropped.parquet").iter_rows(named=True)}


def kept_ids(out: Path) -> list[str]:
    return pl.read_parquet(out / "documents.parquet")["id"].to_list()


def exact_jaccard(first: str, second: str) -> float:
    def shingles(text: str) -> set[str]:
        tokens = words(text)
        return {" ".join(tokens[i : i + 5]) for i in range(len(tokens) - 4)}

    a, b = shingles(first), shingles(second)
    return len(a & b) / len(a | b)


@pytest.fixture(scope="module")
def corpus_out(tmp_path_factory: pytest.TempPathFactory, stories: dict[str, str]) -> tuple[Path, list[dict[str, str]]]:
    """One run over: the story, other stories, its lightly edited copy, an exact copy, a same-topic
    story, a story with a pasted paragraph, and a short note that is mostly that paragraph."""
    folder = tmp_path_factory.mktemp("dedup")
    pasted = a_paragraph(stories[FOOTER_STORY])
    records = [
        {"id": "opec", "text": stories[EDITED]},
        *({"id": f"story-{n}", "text": stories[n]} for n in OTHERS),
        {"id": "footer-source", "text": stories[FOOTER_STORY]},
        {"id": "opec-resent", "text": lightly_edited(stories[EDITED])},
        # the same text again with other spacing and punctuation: an exact duplicate after normalising
        {"id": "story-1-again", "text": stories["1"].replace(" ", "  ").replace(",", " ;")},
        {"id": "kuwait", "text": stories[SAME_TOPIC]},
        {"id": "with-footer", "text": with_paragraph(stories["178"], pasted)},
        {"id": "mostly-footer", "text": "TIN NOTE\n\n    Brief note for readers.\n" + pasted + "\n"},
    ]
    source = write_jsonl(folder / "news.jsonl", records)
    clean([source], folder / "out")
    return folder / "out", records


def test_signatures_equal_datasketch_minhash(stories: dict[str, str]) -> None:
    tokens = words(stories[EDITED])
    grams = [" ".join(tokens[i : i + 5]).encode("utf-8") for i in range(len(tokens) - 4)]
    reference = MinHash(num_perm=128, hashfunc=shingle_hash32)
    for gram in grams:
        reference.update(gram)
    shingler, token_lists = Shingler(5), [tokens, words(stories["1"])]
    ours = MinHasher(128).signatures(shingler.shingle_sets(token_lists, shingler.word_hashes(token_lists)))
    assert np.array_equal(ours[0], reference.hashvalues)
    assert LeanMinHash(seed=1, hashvalues=ours[0], scheme=reference.scheme) == LeanMinHash(reference)
    assert not np.array_equal(ours[1], reference.hashvalues)
    # the batch arithmetic is datasketch's for any 32-bit shingle hash, its default sha1 one too
    default = MinHash(num_perm=128)
    default.update_batch(grams)
    sha1_set = np.unique(np.array([sha1_hash32(gram) for gram in grams], dtype=np.uint32))
    assert np.array_equal(MinHasher(128).signatures([sha1_set])[0], default.hashvalues)
    for count in (1, 128, 1024):  # the permutations are datasketch's, drawn without importing it
        assert np.array_equal(np.array(permutations(count)), MinHash(num_perm=count, seed=1).permutations)


def test_a_story_and_its_lightly_edited_copy_collapse_to_the_first(corpus_out, stories) -> None:
    out, records = corpus_out
    row = dropped(out)["opec-resent"]
    assert (row["stage"], row["reason"], row["duplicate_of"], row["duplicate_in"]) == (
        "dedup",
        "near_duplicate",
        "opec",
        None,
    )
    assert ADDED_SENTENCE.strip() in row["text"]  # nothing is lost: the copy's text is in dropped.parquet
    kept = pl.read_parquet(out / "documents.parquet").filter(pl.col("id") == "opec")["text"].item()
    # the similarity of the texts as the stage saw them (after encoding and boilerplate)
    expected = exact_jaccard(kept, row["text"])
    assert 0.8 <= expected < 0.97
    assert row["similarity"] == pytest.approx(expected, abs=1e-4)


def test_two_different_stories_on_the_same_topic_are_both_kept(corpus_out, stories) -> None:
    out, _ = corpus_out
    assert {"opec", "kuwait"} <= set(kept_ids(out))
    assert "OPEC" in stories[EDITED] and "OPEC" in stories[SAME_TOPIC]
    assert exact_jaccard(stories[EDITED], stories[SAME_TOPIC]) < 0.1


def test_an_exact_copy_with_other_spacing_and_punctuation_is_an_exact_duplicate(corpus_out) -> None:
    row = dropped(corpus_out[0])["story-1-again"]
    assert (row["reason"], row["duplicate_of"], row["similarity"]) == ("exact_duplicate", "story-1", 1.0)


def test_a_repeated_passage_is_removed_from_the_later_document_and_replays(corpus_out, stories) -> None:
    out, records = corpus_out
    pasted = a_paragraph(stories[FOOTER_STORY])
    docs = {row["id"]: row for row in pl.read_parquet(out / "documents.parquet").iter_rows(named=True)}
    assert pasted in docs["footer-source"]["text"]  # the first occurrence stays
    assert pasted not in docs["with-footer"]["text"]
    assert stories["178"].split("\n")[3] in docs["with-footer"]["text"]  # the story itself is untouched
    edits = pl.read_parquet(out / "edits.parquet").filter(pl.col("id") == "with-footer")
    ours = edits.filter(pl.col("stage") == "dedup")
    assert ours["rule"].to_list() == ["dedup.repeated_passage"]
    assert json.loads(ours["detail"].item()) == {"first_in": "footer-source"}
    assert pasted.split() == ours["before"].item().split()
    original = next(r["text"] for r in records if r["id"] == "with-footer")
    doc_edits = [Edit(**row) for row in edits.drop("id").iter_rows(named=True)]  # every stage's, in order
    assert replay(original, doc_edits) == docs["with-footer"]["text"]
    assert replay(docs["with-footer"]["text"], doc_edits, reverse=True) == original


def test_a_repeated_passage_at_the_end_goes_with_the_break_before_it(tmp_path: Path, stories) -> None:
    pasted = a_paragraph(stories[FOOTER_STORY])
    original = stories["178"] + pasted + "\n"
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "footer-source", "text": stories[FOOTER_STORY]}, {"id": "footer-last", "text": original}],
    )
    clean([source], tmp_path / "out")
    text = pl.read_parquet(tmp_path / "out" / "documents.parquet").filter(pl.col("id") == "footer-last")["text"].item()
    assert " ".join(pasted.split()) not in " ".join(text.split())
    # the story's own ending is all there, and last (before its sign-off, if the boilerplate stage kept it)
    ending = stories["178"].split()[-13:-1]
    kept_words = text.split()
    assert (kept_words[:-1] if kept_words[-1].lower() == "reuter" else kept_words)[-len(ending) :] == ending
    assert text == text.rstrip()  # no break left dangling
    edits = pl.read_parquet(tmp_path / "out" / "edits.parquet").filter(pl.col("id") == "footer-last")
    doc_edits = [Edit(**row) for row in edits.drop("id").iter_rows(named=True)]
    assert [edit.rule for edit in doc_edits if edit.stage == "dedup"] == ["dedup.repeated_passage"]
    assert replay(original, doc_edits) == text
    assert replay(text, doc_edits, reverse=True) == original


def test_a_document_left_too_short_by_passage_removal_is_dropped(corpus_out) -> None:
    out, records = corpus_out
    row = dropped(out)["mostly-footer"]
    assert (row["reason"], row["duplicate_of"]) == ("short_after_dedup", None)
    assert row["detail"].startswith("6 words left after removing 1 repeated passage")
    # its whole text is kept in dropped.parquet (the encoding stage only took a trailing newline)
    assert row["text"].split() == next(r["text"] for r in records if r["id"] == "mostly-footer").split()


def test_every_document_is_kept_or_dropped_and_the_index_holds_the_kept(corpus_out) -> None:
    out, records = corpus_out
    kept, gone = kept_ids(out), dropped(out)
    assert sorted(kept + list(gone)) == sorted(r["id"] for r in records)
    assert set(gone) == {"opec-resent", "story-1-again", "mostly-footer"}
    index = pl.read_parquet(out / "dedup_index.parquet")
    assert index["id"].to_list() == kept
    assert index["band_keys"].list.len().unique().to_list() == [25]
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["counts"]["dropped"] == {
        "dedup.exact_duplicate": 1,
        "dedup.near_duplicate": 1,
        "dedup.short_after_dedup": 1,
    }


def test_documents_without_words_copy_nothing(tmp_path: Path, stories) -> None:
    """Symbols only ("★★★", "✓ ✓"): their normalised texts are equal (empty), but nothing is compared."""
    stage = DedupStage(DedupConfig())
    docs = [
        Document(id=doc_id, source=doc_id, text=text)
        for doc_id, text in (
            ("story", stories["1"]),
            ("stars", "★★★"),
            ("ticks", "✓ ✓"),
            ("copy", stories["1"].replace("\n", " \n ")),
        )
    ]
    outcomes = apply_in_process(stage, docs, tmp_path)
    assert [getattr(outcome, "reason", "kept") for outcome in outcomes] == ["kept", "kept", "kept", "exact_duplicate"]
    assert outcomes[3].duplicate_of == "story"


def test_keep_longest_keeps_the_copy_with_the_added_sentence(tmp_path: Path, stories) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [{"id": "opec", "text": stories[EDITED]}, {"id": "opec-resent", "text": lightly_edited(stories[EDITED])}],
    )
    clean([source], tmp_path / "out", keep="longest")
    assert kept_ids(tmp_path / "out") == ["opec-resent"]
    assert dropped(tmp_path / "out")["opec"]["duplicate_of"] == "opec-resent"


def test_output_is_byte_identical_for_any_number_of_workers(tmp_path: Path, stories) -> None:
    # 300 stories, so that the run has several batches and the copies fall in other batches
    records = [{"id": n, "text": text} for n, text in list(stories.items())[:300]]
    long_stories = [
        (n, text) for n, text in list(stories.items())[:300] if resendable(text) and len(text.split()) > 150
    ]
    records += [{"id": f"{n}-resent", "text": lightly_edited(text)} for n, text in long_stories[:20]]
    source = write_jsonl(tmp_path / "in.jsonl", records)
    clean([source], tmp_path / "one", workers=1)
    clean([source], tmp_path / "two", workers=2)
    names = ("documents.parquet", "edits.parquet", "dropped.parquet", "dedup_index.parquet", "dedup_passages.parquet")
    assert all((tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes() for name in names)
    gone = dropped(tmp_path / "one")
    resent = {doc_id: row for doc_id, row in gone.items() if doc_id.endswith("-resent")}
    assert len(resent) == 20 and {row["reason"] for row in resent.values()} == {"near_duplicate"}
    # each names its original, or, where Reuters itself re-sent the original (16 is 4 again), the kept one
    assert gone["16"]["duplicate_of"] == "4"
    for doc_id, row in resent.items():
        original = doc_id.removesuffix("-resent")
        assert row["duplicate_of"] == (gone[original]["duplicate_of"] if original in gone else original)


def test_dedup_against_an_earlier_run_removes_its_recrawled_documents(tmp_path: Path, stories) -> None:
    first = write_jsonl(
        tmp_path / "january.jsonl",
        [
            {"id": "opec", "text": stories[EDITED]},
            {"id": "footer-source", "text": stories[FOOTER_STORY]},
            {"id": "tower", "text": stories["28"]},
        ],
    )
    assert (
        run_cli("clean", first, "-o", tmp_path / "january", "--workers", "1", "--skip", "language,typos").returncode
        == 0
    )
    pasted = a_paragraph(stories[FOOTER_STORY])
    second = write_jsonl(
        tmp_path / "february.jsonl",
        [
            {"id": "opec-recrawled", "text": lightly_edited(stories[EDITED])},
            {"id": "tower-recrawled", "text": stories["28"]},
            {"id": "kuwait", "text": stories[SAME_TOPIC]},
            {"id": "with-footer", "text": with_paragraph(stories["178"], pasted)},
        ],
    )
    result = run_cli(
        "clean",
        second,
        "-o",
        tmp_path / "february",
        "--workers",
        "2",
        "--skip",
        "language,typos",
        "--dedup-against",
        tmp_path / "january",
    )
    assert result.returncode == 0, result.stderr
    name = f"{tmp_path / 'january'}@sha256:{file_sha256(tmp_path / 'january' / 'manifest.json')}"
    gone = dropped(tmp_path / "february")
    assert (
        gone["opec-recrawled"]["reason"],
        gone["opec-recrawled"]["duplicate_of"],
        gone["opec-recrawled"]["duplicate_in"],
    ) == ("near_duplicate", "opec", name)
    assert (
        gone["tower-recrawled"]["reason"],
        gone["tower-recrawled"]["duplicate_of"],
        gone["tower-recrawled"]["duplicate_in"],
    ) == ("exact_duplicate", "tower", name)
    assert kept_ids(tmp_path / "february") == ["kuwait", "with-footer"]
    edit = pl.read_parquet(tmp_path / "february" / "edits.parquet").filter(pl.col("rule") == "dedup.repeated_passage")
    assert json.loads(edit["detail"].item()) == {"first_in": "footer-source", "duplicate_in": name}
    # February's own index holds only its kept documents, for March to dedup against
    assert pl.read_parquet(tmp_path / "february" / "dedup_index.parquet")["id"].to_list() == ["kuwait", "with-footer"]


def test_a_bad_dedup_against_folder_is_a_one_line_error(tmp_path: Path, stories) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "opec", "text": stories[EDITED]}])
    missing = run_cli("clean", source, "-o", tmp_path / "out", "--dedup-against", tmp_path / "nowhere")
    assert missing.returncode == 2
    assert missing.stderr.strip() == (
        f"corpus: error: {tmp_path / 'nowhere'}: dedup-against: no such output folder "
        "(give the -o folder of a finished `corpus clean` run with the dedup stage)"
    )
    assert run_cli("clean", source, "-o", tmp_path / "old", "--skip", "language,typos,dedup").returncode == 0
    without = run_cli("clean", source, "-o", tmp_path / "out", "--dedup-against", tmp_path / "old")
    assert without.returncode == 2
    assert "dedup-against: dedup_index.parquet is missing" in without.stderr
    assert len(without.stderr.strip().splitlines()) == 1
    assert run_cli("clean", source, "-o", tmp_path / "old", "--skip", "language,typos", "--overwrite").returncode == 0
    (tmp_path / "corpus.toml").write_text("[stages.dedup]\nnum_perm = 64\nbands = 16\nrows = 4\n")
    other = run_cli("clean", source, "-o", tmp_path / "out", "--dedup-against", tmp_path / "old", cwd=tmp_path)
    assert other.returncode == 2
    assert (
        "its index was built differently (num_perm 128 there, 64 here; bands 25 there, 16 here; rows 5 there, 4 here)"
        in other.stderr
    )
    (tmp_path / "old" / "dedup_index.parquet").write_bytes(b"PAR1 not really")
    broken = run_cli("clean", source, "-o", tmp_path / "out", "--dedup-against", tmp_path / "old")
    assert broken.returncode == 2 and len(broken.stderr.strip().splitlines()) == 1
    assert f"{tmp_path / 'old'}: dedup-against: cannot read dedup_index.parquet: " in broken.stderr
    assert not (tmp_path / "out").exists()  # stopped before any work
    skipped = run_cli("clean", source, "-o", tmp_path / "out", "--dedup-against", tmp_path / "old", "--skip", "dedup")
    assert skipped.returncode == 2 and "needs the dedup stage" in skipped.stderr


@pytest.mark.parametrize(
    "table, message",
    [
        ("bands = 30\nrows = 5", "bands x rows (30 x 5) must not exceed num_perm (128)"),
        ("threshold = 0", "threshold must be above 0 and at most 1, not 0.0"),
        ("disable = ['near', 'fuzzy']", "disable: unknown step 'fuzzy' (valid: exact, near, passages)"),
        ("keep = 'last'", "keep must be one of 'first', 'longest', not 'last'"),
        ("min_words = -1", "min_words must be 0 or more, not -1"),
    ],
)
def test_config_is_range_checked(tmp_path: Path, table: str, message: str) -> None:
    path = tmp_path / "corpus.toml"
    path.write_text(f"[stages.dedup]\n{table}\n")
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path, stages=pipeline.STAGES)


def test_disabling_near_duplicates_keeps_the_edited_copy(tmp_path: Path, stories) -> None:
    source = write_jsonl(
        tmp_path / "in.jsonl",
        [
            {"id": "opec", "text": stories[EDITED]},
            {"id": "opec-resent", "text": lightly_edited(stories[EDITED])},
            {"id": "again", "text": stories[EDITED]},
        ],
    )
    clean([source], tmp_path / "out", disable=["near", "passages"])
    assert kept_ids(tmp_path / "out") == ["opec", "opec-resent"]
    assert dropped(tmp_path / "out")["again"]["reason"] == "exact_duplicate"

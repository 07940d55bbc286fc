"""The runner: passes with a first pass and spill, workers, ids, drops, atomic output."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import pipeline
from corpus.config import load_config
from corpus.document import Edit
from corpus.edits import replay
from corpus.errors import UsageError
from corpus.stages.encoding import EncodingStage
from corpus.stages.language import LanguageStage
from tests.conftest import SEEDS, shared_data
from tests.stages_for_tests import ExplodingStage, FailingMergeStage, RepeatedLinesStage
from tests.test_readers import broken_inputs

FOOTER = "Get a daily dose of North Korea Times news through our daily email."
STAGES = [EncodingStage, RepeatedLinesStage, LanguageStage]


def site_pages(folder: Path, n: int = 150) -> Path:
    """Real article paragraphs from the seeds, each page wrapped in the same site chrome."""
    paragraphs = [p for path in sorted(SEEDS.glob("*.txt")) for p in path.read_text().splitlines() if len(p) > 200]
    records = []
    for i in range(n):
        body = paragraphs[i % len(paragraphs)]
        # Trailing spaces on some copies: the encoding stage must normalise them before the first pass counts.
        chrome_end = FOOTER + ("   " if i % 2 else "")
        records.append({"id": f"page-{i % 140}", "text": f"Home | World | Asia\n{body} (Page {i}.)\n{chrome_end}"})
    path = folder / "pages.jsonl"
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def run(inputs: list[Path], out: Path, stages=STAGES, workers: int = 1, **config_flags) -> pipeline.RunSummary:
    config = load_config(None, stages=stages, run_flags={"workers": workers, **config_flags})
    return pipeline.run(inputs, out, config, stages=stages)


def read_tables(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in ("documents.parquet", "edits.parquet", "dropped.parquet")}


def test_a_first_pass_stage_sees_every_document_and_output_is_identical_for_any_workers(tmp_path: Path) -> None:
    source = site_pages(tmp_path)
    one = run([source, SEEDS], tmp_path / "one", workers=1)
    two = run([source, SEEDS], tmp_path / "two", workers=2)
    assert read_tables(tmp_path / "one") == read_tables(tmp_path / "two")
    assert "repeated_lines (fit)" in one.cpu and "repeated_lines (fit)" in two.cpu

    docs = pl.read_parquet(tmp_path / "one" / "documents.parquet")
    pages = docs.filter(pl.col("source").str.starts_with("pages.jsonl"))
    assert pages.height == 150
    assert not pages["text"].str.contains(FOOTER, literal=True).any()
    assert not pages["text"].str.contains("Home | World | Asia", literal=True).any()
    # Seeds are kept, in input order after the pages, untouched by the toy rule.
    assert docs["source"].to_list()[150:] == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert docs.filter(pl.col("source") == "003_3331d411a437cf58.txt")["text"].item().count("North Korea Times") == 2
    edits = pl.read_parquet(tmp_path / "one" / "edits.parquet")
    assert edits.filter(pl.col("rule") == "repeated_lines.line").height == 300
    assert not (tmp_path / "one" / "_work").exists()


def test_every_document_replays_to_its_original(tmp_path: Path) -> None:
    source = site_pages(tmp_path, n=40)
    run([source], tmp_path / "out")
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    edits = pl.read_parquet(tmp_path / "out" / "edits.parquet")
    originals = [orjson.loads(line)["text"] for line in source.read_bytes().splitlines()]
    for row, original in zip(docs.iter_rows(named=True), originals, strict=True):
        doc_edits = [Edit(**e) for e in edits.filter(pl.col("id") == row["id"]).drop("id").iter_rows(named=True)]
        assert replay(original, doc_edits) == row["text"]
        assert replay(row["text"], doc_edits, reverse=True) == original
        assert row["n_edits"] == len(doc_edits)


def test_repeated_ids_are_made_unique_and_listed_in_the_manifest(tmp_path: Path) -> None:
    run([site_pages(tmp_path)], tmp_path / "out")
    ids = pl.read_parquet(tmp_path / "out" / "documents.parquet")["id"].to_list()
    assert len(ids) == len(set(ids)) == 150
    assert ids[140:142] == ["page-0~2", "page-1~2"]
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["renamed_ids"][0] == {"id": "page-0", "renamed_to": "page-0~2", "source": "pages.jsonl:141"}
    assert len(manifest["renamed_ids"]) == 10


def test_every_input_is_either_kept_or_dropped_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    expected = broken_inputs(tmp_path / "in")
    (tmp_path / "in" / "bad-doc.txt").write_text("EXPLODE on this one, please.")
    summary = run([tmp_path / "in"], tmp_path / "out", stages=[EncodingStage, ExplodingStage])
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    dropped = pl.read_parquet(tmp_path / "out" / "dropped.parquet")
    reasons = dict(zip(dropped["source"], dropped["reason"]))
    assert reasons == {**expected, "bad-doc.txt": "stage_error"}
    assert (
        dropped.filter(pl.col("source") == "bad-doc.txt")["detail"].item()
        == "RuntimeError: cannot handle this document"
    )
    assert set(dropped.filter(pl.col("stage") == "read")["source"]) == set(expected)
    assert docs.height + dropped.height == summary.read
    assert len(set(docs["id"]) | set(dropped["id"])) == summary.read
    assert {"good.txt", "invalid-utf8.txt", "mixed.jsonl:1", "mixed.jsonl:3"} <= set(docs["source"])


def test_a_failed_run_leaves_no_output_and_keeps_the_previous_one(tmp_path: Path) -> None:
    out = tmp_path / "out"
    run([SEEDS], out)
    before = read_tables(out)
    config = load_config(None, stages=[EncodingStage, FailingMergeStage], run_flags={"workers": 1})
    with pytest.raises(RuntimeError, match="merge failed"):
        pipeline.run([SEEDS], out, config, stages=[EncodingStage, FailingMergeStage], overwrite=True)
    assert read_tables(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # no staging folder left behind


def test_an_existing_output_is_refused_without_overwrite(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / ".gitkeep").touch()
    run([SEEDS], tmp_path / "out")  # a folder holding only dotfiles counts as empty
    assert (tmp_path / "out" / ".gitkeep").exists()
    with pytest.raises(UsageError, match="not empty"):
        run([SEEDS], tmp_path / "out")


def test_keep_languages_drops_the_others_with_a_reason(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "fr.txt").write_text(
        "Tous les êtres humains naissent libres et égaux en dignité et en droits. Ils sont doués "
        "de raison et de conscience et doivent agir les uns envers les autres dans un esprit de fraternité."
    )
    config = load_config(None, stages=pipeline.STAGES, run_flags={"workers": 1})
    stages_config = dict(config.stages)
    stages_config["language"] = stages_config["language"].__class__(
        **{**stages_config["language"].__dict__, "keep_languages": ("en",)}
    )
    config = config.__class__(read=config.read, run=config.run, stages=stages_config)
    pipeline.run([tmp_path / "in", SEEDS], tmp_path / "out", config)
    dropped = pl.read_parquet(tmp_path / "out" / "dropped.parquet")
    assert dropped.select("source", "stage", "reason").rows() == [("fr.txt", "language", "language_not_kept")]
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs["language"].to_list() == ["en"] * 5


def test_html_pages_are_parsed_in_the_workers_with_title_and_url(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    pages = sorted(shared_data("boilerplate-zyte-article-extraction-benchmark", "html").glob("*.html.gz"))[:8]
    for page in pages:
        shutil.copy(page, tmp_path / "in" / page.name)
    (tmp_path / "in" / "blank.html").write_text("<html><head><script>var x = 1;</script></head><body> </body></html>")
    run([tmp_path / "in"], tmp_path / "one", workers=1)
    summary = run([tmp_path / "in"], tmp_path / "two", workers=2)
    assert read_tables(tmp_path / "one") == read_tables(tmp_path / "two")
    assert summary.cpu["read (html)"] > 0
    docs = pl.read_parquet(tmp_path / "two" / "documents.parquet")
    assert docs["source"].to_list() == sorted(page.name for page in pages)
    assert docs["url"].null_count() <= 1
    assert all(json.loads(meta)["title"] for meta in docs["metadata"])
    assert docs["language"].to_list().count("en") >= 6
    dropped = pl.read_parquet(tmp_path / "two" / "dropped.parquet")
    assert dropped.select("source", "stage", "reason").rows() == [("blank.html", "read", "empty_document")]

"""The installed `corpus` command, used as a person would."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import polars as pl

from tests.conftest import SEEDS, run_cli, run_installed
from tests.test_readers import broken_inputs

TABLES = ("documents.parquet", "edits.parquet", "dropped.parquet")


def test_clean_the_seeds_twice_gives_byte_identical_output_and_originals_replay(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    first = run_cli("clean", "seeds/", "-o", "out/", "--workers", "2", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "5 documents read, 5 written" in first.stderr
    second = run_cli("clean", "seeds/", "-o", "out2/", "--workers", "1", cwd=tmp_path)
    assert second.returncode == 0, second.stderr

    out, out2 = tmp_path / "out", tmp_path / "out2"
    dedup_tables = ["dedup_index.parquet", "dedup_passages.parquet"]
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [*TABLES, *dedup_tables, "line_stats.parquet", "unknown_words.parquet", "manifest.json"]
    )
    for name in [*TABLES, *dedup_tables]:
        assert (out / name).read_bytes() == (out2 / name).read_bytes(), name
    manifest, manifest2 = (json.loads((d / "manifest.json").read_text()) for d in (out, out2))
    assert manifest["timings"]["workers"] == 2 and manifest2["timings"]["workers"] == 1
    del manifest["timings"], manifest2["timings"]
    assert manifest == manifest2
    assert manifest["counts"]["documents_written"] == 5
    assert [entry["path"] for entry in manifest["inputs"]] == [f"seeds/{p.name}" for p in sorted(SEEDS.glob("*.txt"))]
    assert {"ftfy", "langdetect", "polars", "python"} <= set(manifest["libraries"])

    docs = pl.read_parquet(out / "documents.parquet")
    assert docs.columns == [
        "id",
        "source",
        "url",
        "text",
        "language",
        "language_score",
        "published",
        "author",
        "encoding",
        "original_sha256",
        "n_edits",
        "metadata",
        "quality",
    ]
    assert docs["language"].to_list() == ["en"] * 5
    for path in sorted(SEEDS.glob("*.txt")):
        shown = run_cli("show", "out", path.name, "--original", cwd=tmp_path)
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == path.read_text()
    text = docs.filter(pl.col("id") == "000_9c357a5e9c026ce2.txt")["text"].item()
    assert "“comfort women”" in text and "Park Geun-hye" in text and "GSOMIA" in text


def test_a_folder_of_broken_inputs_finishes_with_every_bad_file_recorded(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    expected = broken_inputs(tmp_path / "in")
    # the quality stage would drop the one-line documents that read fine (fewer than 10 words)
    result = run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--skip", "quality")
    assert result.returncode == 0, result.stderr
    dropped = pl.read_parquet(tmp_path / "out" / "dropped.parquet")
    assert dict(zip(dropped["source"], dropped["reason"])) == expected
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert {"good.txt", "invalid-utf8.txt", "mixed.jsonl:1", "mixed.jsonl:3"} <= set(docs["source"])


def test_errors_are_one_line_with_where_what_and_how(tmp_path: Path) -> None:
    missing = run_cli("clean", tmp_path / "nope", "-o", tmp_path / "out")
    assert missing.returncode == 2
    assert missing.stderr == f"corpus: error: {tmp_path / 'nope'}: no such file or folder (check the input path)\n"

    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "old.parquet").write_bytes(b"x")
    exists = run_cli("clean", SEEDS, "-o", tmp_path / "full")
    assert exists.returncode == 2
    assert "output folder exists and is not empty (use --overwrite" in exists.stderr
    assert len(exists.stderr.splitlines()) == 1

    config = tmp_path / "corpus.toml"
    config.write_text("[stages.encoding]\nmax_blank_line = 2\n")
    bad_key = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--config", config)
    assert bad_key.returncode == 2
    assert bad_key.stderr.startswith(
        f"corpus: error: {config}: unknown key 'max_blank_line' in [stages.encoding] (did you mean 'max_blank_lines'?"
    )
    assert not (tmp_path / "out").exists()

    bad_skip = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--skip", "typoes")
    assert bad_skip.returncode == 2 and "cannot skip unknown stage 'typoes'" in bad_skip.stderr

    usage = run_cli("clean", SEEDS)
    assert usage.returncode == 2 and usage.stderr.startswith("corpus: error:") and "--out" in usage.stderr


def test_the_installed_command_exits_with_the_status_and_the_line_the_tests_see_in_process(tmp_path: Path) -> None:
    """The other tests run the command in-process (run_cli); the entry point wraps the same code."""
    for run in (run_cli, run_installed):
        missing = run("clean", tmp_path / "nope", "-o", tmp_path / "out")
        assert missing.returncode == 2
        assert missing.stderr == f"corpus: error: {tmp_path / 'nope'}: no such file or folder (check the input path)\n"
        assert missing.stdout == ""


def test_config_file_and_flags_override_defaults(tmp_path: Path) -> None:
    (tmp_path / "corpus.toml").write_text('[run]\nskip = ["language"]\n[stages.encoding]\nmax_blank_lines = 0\n')
    shutil.copytree(SEEDS, tmp_path / "seeds")
    result = run_cli("clean", "seeds", "-o", "out", cwd=tmp_path)  # ./corpus.toml is picked up
    assert result.returncode == 0, result.stderr
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs["language"].null_count() == 5
    assert not docs["text"].str.contains("\n\n", literal=True).any()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert (
        manifest["stages"] == ["encoding", "boilerplate", "quality", "typos", "dedup"]
        and manifest["config"]["stages"]["encoding"]["max_blank_lines"] == 0
    )


def test_cleaning_the_output_again_changes_nothing(tmp_path: Path) -> None:
    assert run_cli("clean", SEEDS, "-o", tmp_path / "out").returncode == 0
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    docs.select("id", "text").write_ndjson(tmp_path / "again.jsonl")
    assert run_cli("clean", tmp_path / "again.jsonl", "-o", tmp_path / "out2").returncode == 0
    assert pl.read_parquet(tmp_path / "out2" / "edits.parquet").height == 0
    assert pl.read_parquet(tmp_path / "out2" / "documents.parquet")["text"].to_list() == docs["text"].to_list()


def test_an_output_folder_that_is_or_holds_an_input_is_refused_and_nothing_is_deleted(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "data" / "raw")
    for out in ("data/raw", "data"):
        result = run_cli("clean", "data/raw", "-o", out, "--overwrite", cwd=tmp_path)
        assert result.returncode == 2
        assert "the output folder is or contains the input data/raw" in result.stderr
    assert sorted(p.name for p in (tmp_path / "data" / "raw").iterdir()) == sorted(p.name for p in SEEDS.iterdir())


def test_an_output_folder_inside_the_input_is_not_read_back(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "data")
    for _ in range(2):
        result = run_cli("clean", "data", "-o", "data/out", "--overwrite", cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "5 documents read, 5 written" in result.stderr


def test_odd_records_and_file_names_are_kept_or_dropped_never_a_failed_run(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    deep = '{"id": "deep", "text": "Deeply nested metadata.", "d": ' + "[" * 300 + "]" * 300 + "}\n"
    (tmp_path / "in" / "deep.jsonl").write_text(deep + '{"id": {"a": 1}, "text": "An object as id."}\n')
    pl.DataFrame({"id": ["big"], "text": ["Huge integer."], "n": pl.Series([2**100], dtype=pl.Int128)}).write_parquet(
        tmp_path / "in" / "big.parquet"
    )
    (tmp_path / "in").joinpath(os.fsdecode(b"caf\xe9.txt")).write_bytes(b"A file name in Latin-1.")
    result = run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--skip", "quality")  # one-line documents
    assert result.returncode == 0, result.stderr
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs["source"].to_list() == ["big.parquet#0", "caf\\xe9.txt", "deep.jsonl:1", "deep.jsonl:2"]
    assert docs["id"].to_list() == ["big", "caf\\xe9.txt", "deep", '{"a":1}']
    assert json.loads(docs["metadata"][0]) == {"n": 2**100}
    assert docs["metadata"][2].count("[") == 300


def test_config_values_out_of_range_are_errors(tmp_path: Path) -> None:
    config = tmp_path / "corpus.toml"
    config.write_text("[stages.encoding]\nmax_blank_lines = -1\n")
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--config", config)
    assert result.returncode == 2
    assert result.stderr == f"corpus: error: {config}: [stages.encoding] max_blank_lines must be 0 or more, not -1\n"


def test_show_on_a_damaged_output_is_a_one_line_error(tmp_path: Path) -> None:
    assert run_cli("clean", SEEDS, "-o", tmp_path / "out").returncode == 0
    (tmp_path / "out" / "documents.parquet").write_text("x")
    result = run_cli("show", tmp_path / "out", "000_9c357a5e9c026ce2.txt")
    assert result.returncode == 1
    assert result.stderr.startswith(f"corpus: error: {tmp_path / 'out'}: cannot read the output:")
    assert len(result.stderr.splitlines()) == 1


def test_a_run_whose_first_stage_has_a_first_pass_fits_it_first(tmp_path: Path) -> None:
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--skip", "encoding")
    assert result.returncode == 0, result.stderr
    assert pl.read_parquet(tmp_path / "out" / "dropped.parquet").height == 0
    rules = set(pl.read_parquet(tmp_path / "out" / "edits.parquet")["rule"])
    assert {"generic.related_list", "typos.spelling"} <= rules

"""The audit commands (diff, stats, rerun, compare) and corpus.open, through the installed CLI on real runs."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import ftfy  # also registers the sloppy-windows-1252 codec the mojibake input is made with
import polars as pl
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import corpus
from corpus.audit.diff import Change, document_diff
from corpus.document import Document, Edit
from corpus.edits import rewrite
from tests.conftest import SEEDS, run_cli

TABLES = ("documents.parquet", "edits.parquet", "dropped.parquet", "line_stats.parquet", "unknown_words.parquet")
CAFE = (
    "The café’s owner said the new menu was “a great success” and that prices would stay the same this "
    "year, despite rising costs for coffee beans and milk across the region."
)


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`corpus clean seeds/ -o out/`, run in a folder of its own (returned)."""
    folder = tmp_path_factory.mktemp("seeds_run")
    shutil.copytree(SEEDS, folder / "seeds")
    result = run_cli("clean", "seeds/", "-o", "out/", cwd=folder)
    assert result.returncode == 0, result.stderr
    return folder


def write_mojibake_input(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    broken = CAFE.encode("utf-8").decode("sloppy-windows-1252")
    assert ftfy.fix_encoding(broken) == CAFE
    record = {"id": "cafe", "url": "https://example.com/cafe", "text": broken}
    (folder / "cafe.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    return folder


def test_diff_shows_the_typo_correction_with_its_stage_rule_and_the_documents_header(seeds_run: Path) -> None:
    result = run_cli("diff", "out", "--rule", "typos.spelling", cwd=seeds_run)
    assert result.returncode == 0, result.stderr
    assert "\x1b[" not in result.stdout  # piped: no colour
    assert result.stdout.count("── ") == 1
    assert "── 000_9c357a5e9c026ce2.txt\nsource: 000_9c357a5e9c026ce2.txt\nkept (en)\n" in result.stdout
    assert "South Korea Japan ties [-imporved-]{+improved+}‹typos/typos.spelling› as both nations" in result.stdout
    assert "Soth" not in result.stdout  # another rule's change, outside the filter and the context

    coloured = run_cli("diff", "out", "000_9c357a5e9c026ce2.txt", "--color", cwd=seeds_run)
    assert coloured.returncode == 0 and "\x1b[" in coloured.stdout
    plain = re.sub(r"\x1b\[[0-9;]*m", "", coloured.stdout)
    assert "imporvedimproved‹typos/typos.spelling›" in plain and "SothSouth‹typos/typos.spelling_in_context›" in plain


def test_diff_of_a_ftfy_fix_names_the_fixer(tmp_path: Path) -> None:
    write_mojibake_input(tmp_path / "in")
    assert run_cli("clean", tmp_path / "in", "-o", tmp_path / "out").returncode == 0
    result = run_cli("diff", tmp_path / "out", "--stage", "encoding")
    assert result.returncode == 0, result.stderr
    assert "source: cafe.jsonl:1   url: https://example.com/cafe" in result.stdout
    assert "The [-cafÃ©â€™-]{+café’+}‹encoding/ftfy.sloppy_windows_1252›s owner" in result.stdout
    assert "great [-successâ€\\u009d-]{+success”+}‹encoding/ftfy.sloppy_windows_1252›" in result.stdout


def test_a_rule_alone_shows_every_place_it_fired_and_nothing_else(seeds_run: Path) -> None:
    edits = pl.read_parquet(seeds_run / "out" / "edits.parquet")
    for rule in ("generic.related_list", "whitespace.odd_spaces"):
        fired = edits.filter(pl.col("rule") == rule)
        result = run_cli("diff", "out", "--rule", rule, cwd=seeds_run)
        assert result.returncode == 0, result.stderr
        headers = re.findall(r"^── (.+)$", result.stdout, flags=re.M)
        assert headers == fired["id"].unique(maintain_order=True).to_list()
        labels = re.findall(r"‹([^›]+)›", result.stdout)
        assert labels and all(rule in label.split(", ")[0] or f"/{rule}" in label for label in labels)
        for before in fired["before"]:
            if before.strip():
                assert before.strip().splitlines()[0] in result.stdout
    limited = run_cli("diff", "out", "--limit", "2", cwd=seeds_run)
    assert re.findall(r"^── (.+)$", limited.stdout, flags=re.M) == [
        "000_9c357a5e9c026ce2.txt",
        "001_95e79b1fb524aad6.txt",
    ]


def test_diff_errors_are_one_line(seeds_run: Path) -> None:
    unknown_rule = run_cli("diff", "out", "--rule", "generic.nope", cwd=seeds_run)
    assert unknown_rule.returncode == 2
    assert unknown_rule.stderr == (
        "corpus: error: --rule generic.nope: made no edit in this run "
        "(`corpus stats` lists the stages and rules that did)\n"
    )
    unknown_id = run_cli("diff", "out", "nope.txt", cwd=seeds_run)
    assert unknown_id.returncode == 2 and "no document with id 'nope.txt'" in unknown_id.stderr
    not_out = run_cli("diff", "seeds", cwd=seeds_run)
    assert not_out.returncode == 2 and "not a corpus output folder" in not_out.stderr


def test_stats_agree_with_the_parquet_files(seeds_run: Path) -> None:
    result = run_cli("stats", "out", cwd=seeds_run)
    assert result.returncode == 0, result.stderr
    out = seeds_run / "out"
    docs, edits = pl.read_parquet(out / "documents.parquet"), pl.read_parquet(out / "edits.parquet")
    assert result.stdout.startswith(f"{docs.height} documents read, {docs.height} kept, 0 dropped")
    by_rule = edits.group_by("stage", "rule").agg(
        n=pl.len(), docs=pl.col("id").n_unique(), removed=pl.col("before").str.len_chars().sum()
    )
    assert by_rule.height >= 10
    for row in by_rule.iter_rows(named=True):
        line = rf"^\s+{row['stage']}\s+{re.escape(row['rule'])}\s+{row['n']}\s+{row['docs']}\s+{row['removed']:,}\s"
        assert re.search(line, result.stdout, flags=re.M), line
    assert re.search(r"^\s+en\s+5\s*$", result.stdout, flags=re.M)
    assert re.search(r"^\s+imporved\s+improved\s+typos.spelling\s+1\s*$", result.stdout, flags=re.M)
    assert re.search(r"^\s+1\s+Be First to Comment\s*$", result.stdout, flags=re.M)


def test_rerun_from_the_manifest_is_byte_identical_and_a_changed_input_is_named(tmp_path: Path) -> None:
    shutil.copytree(SEEDS, tmp_path / "seeds")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "words.toml").write_text('[typos]\nprotect = ["Soth"]\n')
    assert run_cli("clean", "seeds/", "-o", "out/", cwd=tmp_path).returncode == 0
    rerun = run_cli("rerun", "out/manifest.json", "-o", "again/", "--workers", "1", cwd=tmp_path)
    assert rerun.returncode == 0, rerun.stderr
    assert "warning" not in rerun.stderr
    for name in TABLES:
        assert (tmp_path / "out" / name).read_bytes() == (tmp_path / "again" / name).read_bytes(), name
    first, second = (json.loads((tmp_path / d / "manifest.json").read_text()) for d in ("out", "again"))
    del first["timings"], second["timings"]
    assert first == second
    assert first["rule_files"][-1] == {
        "name": "words.toml",
        "origin": "rules",
        "sha256": first["rule_files"][-1]["sha256"],
    }
    assert "Soth" in pl.read_parquet(tmp_path / "again" / "documents.parquet")["text"][0]  # the user's rules were read

    (tmp_path / "rules" / "words.toml").write_text('[typos]\nprotect = ["Soth", "Korea"]\n')
    changed_rules = run_cli("rerun", "out/manifest.json", "-o", "again/", "--overwrite", cwd=tmp_path)
    assert changed_rules.returncode == 1
    assert changed_rules.stderr.startswith("corpus: error: rules/words.toml: rule file changed since the run (sha256 ")
    (tmp_path / "rules" / "words.toml").write_text('[typos]\nprotect = ["Soth"]\n')

    with (tmp_path / "seeds" / "003_3331d411a437cf58.txt").open("a") as handle:
        handle.write("one more line\n")
    changed = run_cli("rerun", "out/manifest.json", "-o", "again/", "--overwrite", cwd=tmp_path)
    assert changed.returncode == 1
    assert changed.stderr.startswith(
        "corpus: error: seeds/003_3331d411a437cf58.txt: input changed since the run (sha256 "
    )
    assert len(changed.stderr.splitlines()) == 1
    assert (tmp_path / "again" / "documents.parquet").read_bytes() == (
        tmp_path / "out" / "documents.parquet"
    ).read_bytes()

    elsewhere = run_cli("rerun", tmp_path / "out" / "manifest.json", "-o", tmp_path / "x", cwd=tmp_path / "rules")
    assert elsewhere.returncode == 1
    assert elsewhere.stderr.startswith(
        "corpus: error: seeds/000_9c357a5e9c026ce2.txt: input not found; 4 more inputs differ "
        "(run `corpus rerun` from the folder `corpus clean` ran in"
    )


def test_rerun_names_library_versions_that_differ_and_strict_refuses(seeds_run: Path, tmp_path: Path) -> None:
    manifest = json.loads((seeds_run / "out" / "manifest.json").read_text())
    manifest["libraries"]["polars"] = "0.20.0"
    shutil.copytree(seeds_run / "out", tmp_path / "old")
    (tmp_path / "old" / "manifest.json").write_text(json.dumps(manifest))
    strict = run_cli("rerun", tmp_path / "old" / "manifest.json", "-o", tmp_path / "x", "--strict", cwd=seeds_run)
    assert strict.returncode == 1 and not (tmp_path / "x").exists()
    assert f"polars 0.20.0 in the run, {pl.__version__} now" in strict.stderr
    loose = run_cli("rerun", tmp_path / "old", "-o", tmp_path / "x", cwd=seeds_run)
    assert loose.returncode == 0, loose.stderr
    assert "warning: library versions differ from the run's, so the output may differ: polars 0.20.0" in loose.stderr
    assert (tmp_path / "x" / "edits.parquet").read_bytes() == (seeds_run / "out" / "edits.parquet").read_bytes()


def test_compare_after_disabling_a_rule_shows_its_edits_gone(seeds_run: Path, tmp_path: Path) -> None:
    (tmp_path / "corpus.toml").write_text('[stages.boilerplate]\ndisable = ["generic.teaser"]\n')
    shutil.copytree(SEEDS, tmp_path / "seeds")
    assert run_cli("clean", "seeds/", "-o", "tuned/", cwd=tmp_path).returncode == 0
    result = run_cli("compare", seeds_run / "out", tmp_path / "tuned")
    assert result.returncode == 0, result.stderr
    teasers = pl.read_parquet(seeds_run / "out" / "edits.parquet").filter(pl.col("rule") == "generic.teaser").height
    assert teasers == 10
    assert f"boilerplate / generic.teaser: {teasers} gone in 2, 0 added in 2" in result.stdout
    assert "- 003_3331d411a437cf58.txt  [-WASHINGTON, D.C.: Boeing is now" in result.stdout
    assert "5 documents in both runs" in result.stdout
    # The teasers kept, the typos stage meets (and fixes) their typos ("Preident"); every other rule
    # made the same edits.
    rules = re.findall(r"^  (\S+ / \S+): (.+)$", result.stdout, flags=re.M)
    assert rules[0] == ("boilerplate / generic.teaser", "10 gone in 2, 0 added in 2")
    assert all(rule.startswith("typos / ") and counts.startswith("0 gone in 2, ") for rule, counts in rules[1:])
    tuned = pl.read_parquet(tmp_path / "tuned" / "edits.parquet").filter(pl.col("stage") == "typos")
    for before, after in tuned.filter(pl.col("id") == "003_3331d411a437cf58.txt").select("before", "after").rows()[:3]:
        assert f"+ 003_3331d411a437cf58.txt  [-{before}-]{{+{after}+}}" in result.stdout

    (tmp_path / "corpus.toml").write_text('[stages.language]\nkeep_languages = ["de"]\n')
    assert run_cli("clean", "seeds/", "-o", "german/", cwd=tmp_path).returncode == 0
    dropped = run_cli("compare", seeds_run / "out", tmp_path / "german")
    assert re.search(r"000_9c357a5e9c026ce2\.txt\s+kept\s+dropped at language: language_not_kept", dropped.stdout)
    assert "typos / typos.spelling: 1 gone in 2, 0 added in 2" in dropped.stdout
    stats = run_cli("stats", tmp_path / "german")
    assert stats.stdout.startswith("5 documents read, 0 kept, 5 dropped")
    assert re.search(r"^\s+language\s+language_not_kept\s+5\s*$", stats.stdout, flags=re.M)


def test_the_python_api_reads_a_run(seeds_run: Path) -> None:
    run = corpus.open(seeds_run / "out")
    assert run.documents.equals(pl.read_parquet(seeds_run / "out" / "documents.parquet"))
    assert run.edits.height == pl.read_parquet(seeds_run / "out" / "edits.parquet").height and run.dropped.height == 0
    for path in sorted(SEEDS.glob("*.txt")):
        diff = run.diff(path.name)
        assert run.original(path.name) == diff.original == path.read_text()
        assert diff.text == run.documents.filter(pl.col("id") == path.name)["text"].item()
    changes = run.diff("000_9c357a5e9c026ce2.txt").changes
    assert Change("imporved", "improved", ("typos/typos.spelling",)) in changes
    assert Change("Soth", "South", ("typos/typos.spelling_in_context",)) in changes
    assert "[-imporved-]{+improved+}<typos/typos.spelling>" in str(run.diff("000_9c357a5e9c026ce2.txt"))


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet="ab c\n.", max_size=30),
    st.lists(st.tuples(st.integers(0, 40), st.integers(0, 6), st.text(alphabet="xy \n", max_size=4)), max_size=5),
)
@example(original="aaa. ", changes=[(0, 1, ""), (3, 1, ""), (3, 0, " ")])  # a space out and back in
def test_a_diff_holds_the_original_and_the_output_whatever_the_edits(original: str, changes: list) -> None:
    doc = Document("d", "s", original)
    for number, (start, length, replacement) in enumerate(changes):
        start = min(start, len(doc.text))
        rewrite(doc, doc.text[:start] + replacement + doc.text[start + length :], stage="s", rule=f"r{number}")
    diff = document_diff("d", original, doc.edits)
    assert diff.original == original and diff.text == doc.text
    assert all(change.before != change.after for change in diff.changes)


def test_escape_sequences_in_a_document_never_reach_the_terminal(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    text = (
        "The council met on Tuesday \x1b]0;pwned\x07 and the relations imporved a lot \x1b[2J after the vote "
        "on the budget of the library and the parks of the town."
    )
    (tmp_path / "in" / "esc.jsonl").write_text(json.dumps({"id": "esc\x1b[31m", "text": text}) + "\n")
    assert run_cli("clean", tmp_path / "in", "-o", tmp_path / "out", "--skip", "encoding").returncode == 0
    result = run_cli("diff", tmp_path / "out")
    assert result.returncode == 0, result.stderr
    assert "── esc\\x1b[31m\n" in result.stdout
    assert "Tuesday \\x1b]0;" in result.stdout and "\\x07 and the relations [-imporved-]{+improved+}" in result.stdout
    assert "a lot \\x1b[2J after" in result.stdout and "\x1b" not in result.stdout


def test_edits_are_read_back_in_the_order_of_their_fields() -> None:
    """corpus.output builds Edits from columns by position: the two orders must agree."""
    import dataclasses  # noqa: PLC0415

    from corpus.output import EDIT_FIELDS  # noqa: PLC0415

    assert tuple(field.name for field in dataclasses.fields(Edit)) == EDIT_FIELDS

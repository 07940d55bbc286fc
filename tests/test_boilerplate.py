"""The boilerplate stage on real text, through the real pipeline: what it must remove, what it
must keep, and the evidence it records (rule ids, repetition counts, line_stats.parquet)."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import pipeline
from corpus.config import load_config
from corpus.rules import normalise_line
from tests.conftest import REPO, SEEDS, cleaneval_file, run_cli, shared_data

RULES = REPO / "rules"  # the seeds' site files
STAGE = "boilerplate"
TABLES = ("documents.parquet", "edits.parquet", "dropped.parquet", "line_stats.parquet")
# A stage rule ("repeat.site") or a rule file's "<file stem>.<id>" ("antiwar.com.author_bio").
RULE_ID = re.compile(r"[a-z0-9][a-z0-9_.-]*\.[a-z0-9_]+")

S000, S001, S002, S003, S004 = sorted(path.name for path in SEEDS.glob("*.txt"))

# Every line of site chrome in each seed. All the other lines are article: headline, standfirst,
# subheadings, paragraphs. Seed 003's "More Information" teaser list is added by `chrome`.
SEED_CHROME: dict[str, tuple[str, ...]] = {
    S000: (),  # a clean article
    S001: (
        "Author: Dave DeCamp",
        "Dave DeCamp is the news editor of Antiwar.com, follow him on Twitter @decampdave.",
    ),
    S002: ("15.7 C", "New York", "Related articles", "Recent articles"),
    S003: (
        "RT.com",
        "13 Jun 2022, 03:58 GMT+10",
        "Get a daily dose of North Korea Times news through our daily email, its complimentary and keeps you "
        "fully up to date with world and business news as well.",
        "Publish news of your business, community or sports group, personnel appointments, major event and "
        "more by submitting a news release to North Korea Times.",
    ),
    S004: (
        'Press "Enter" to skip to content',
        "READ MORE: Japan, South Korea pledge renewed ‘shuttle diplomacy’ after ties reset",
        "More from AsiaMore posts in Asia »",
        "Be First to Comment",
        "Leave a Reply",
        "Your email address will not be published. Required fields are marked *",
    ),
}
# Article lines named here so a failure points at them first; `article` holds every one.
NAMED_ARTICLE_LINES: dict[str, tuple[str, ...]] = {
    S000: ("South Korea Japan Ties Improve",),
    S001: (
        "Japan, South Korea Work to Rebuild Military Ties, With US Backing",
        "South Korean President Yoon met with Japanese PM Kishida, the first such meeting in 12 years",
    ),
    S002: ("South Korea and Japan Boost Ties Amid Regional Security Threats",),
    S003: (
        'Seoul plans to "normalize" cooperation with Japan to help deal with threats from North Korea',
        "The two Koreas remain technically at war, nearly seven decades after their devastating conflict ended "
        "in 1953, because the countries signed only an armistice, not a peace agreement. The Korean War left "
        "nearly 5 million people dead.",
    ),
    S004: ("South Korea to ‘normalise’ military pact with Japan after Tokyo summit", "Security challenge"),
}


def norm(line: str) -> str:
    """A line as compared here: the encoding stage turns no-break spaces into spaces."""
    return " ".join(line.split())


def text_lines(text: str) -> list[str]:
    return [norm(line) for line in text.splitlines() if line.strip()]


def seed_lines(name: str) -> list[str]:
    return text_lines((SEEDS / name).read_text())


def chrome(name: str) -> list[str]:
    lines = seed_lines(name)
    listed = [norm(line) for line in SEED_CHROME[name]]
    if name == S003:  # "More Information" glued to the first teaser, then a teaser per line to the end
        start = next(i for i, line in enumerate(lines) if line.startswith("More Information"))
        listed += lines[start:]
    return listed


def article(name: str) -> list[str]:
    """The seed's article lines, in order."""
    gone = set(chrome(name))
    return [line for line in seed_lines(name) if line not in gone]


def doc_text(out: Path, doc_id: str) -> str:
    return pl.read_parquet(out / "documents.parquet").filter(pl.col("id") == doc_id)["text"].item()


def stage_edits(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "edits.parquet").filter(pl.col("stage") == STAGE)


def removed_lines(edits: pl.DataFrame) -> list[tuple[str, str, str, str | None]]:
    """(document id, rule, line, detail) for each non-blank line the stage removed."""
    return [
        (doc_id, rule, norm(line), detail)
        for doc_id, rule, before, detail in edits.select("id", "rule", "before", "detail").iter_rows()
        for line in before.splitlines()
        if line.strip()
    ]


def run(inputs: list[Path], out: Path, workers: int = 1) -> pipeline.RunSummary:
    """The pipeline without the language stage, which does not touch the text and costs the most CPU,
    and without dedup, which would drop the second crawl of a page these tests look at."""
    config = load_config(None, stages=pipeline.STAGES, run_flags={"workers": workers, "skip": ["language", "dedup"]})
    return pipeline.run(inputs, out, config, rules_dir=RULES)


# --- 1. The seeds ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("seeds")
    result = run_cli("clean", SEEDS, "-o", "out", "--rules", RULES, "--workers", "1", "--skip", "typos", cwd=home)
    assert result.returncode == 0, result.stderr
    return home / "out"


@pytest.mark.parametrize("name", [S000, S001, S002, S003, S004])
def test_each_seed_loses_its_chrome_and_keeps_every_article_line(seeds_out: Path, name: str) -> None:
    kept = text_lines(doc_text(seeds_out, name))
    for line in NAMED_ARTICLE_LINES[name]:
        assert line in article(name), f"test data: {line!r} is listed as chrome"
        assert line in kept, f"article line removed: {line!r}"
    expected = article(name)
    wrongly_removed = [line for line in expected if line not in kept]
    wrongly_kept = [line for line in kept if line not in expected]
    assert (wrongly_removed, wrongly_kept) == ([], [])
    assert kept == expected  # and in their order


def test_a_clean_article_is_left_alone(seeds_out: Path) -> None:
    edits = stage_edits(seeds_out).filter(pl.col("id") == S000)
    assert all(not before.strip() for before in edits["before"]), edits.select("rule", "before").rows()


def test_every_removal_is_an_edit_with_a_rule_id_and_each_seed_replays(seeds_out: Path) -> None:
    edits = stage_edits(seeds_out)
    assert edits.height > 0
    assert all(RULE_ID.fullmatch(rule) for rule in edits["rule"]), edits["rule"].unique().to_list()
    assert all(after == "" for after in edits["after"])  # whole lines go; nothing is rewritten
    removed = {(doc_id, line) for doc_id, _, line, _ in removed_lines(edits)}
    assert removed == {(name, line) for name in (S000, S001, S002, S003, S004) for line in chrome(name)}
    for path in sorted(SEEDS.glob("*.txt")):
        shown = run_cli("show", seeds_out, path.name, "--original")
        assert shown.returncode == 0, shown.stderr
        assert shown.stdout == path.read_text(), path.name


def test_removed_date_and_author_lines_fill_published_and_author(seeds_out: Path) -> None:
    docs = pl.read_parquet(seeds_out / "documents.parquet")
    assert dict(zip(docs["id"], docs["published"])) == {
        S000: None,
        S001: None,
        S002: None,
        S003: "13 Jun 2022, 03:58 GMT+10",
        S004: None,
    }
    assert dict(zip(docs["id"], docs["author"])) == {
        S000: None,
        S001: "Dave DeCamp",
        S002: None,
        S003: None,
        S004: None,
    }


# --- 3, 4, 8. Repetition across a site, copies, syndication, documents without prose ------------

PITCH_A = (
    "Stay ahead of the news from Seoul: our editors send the day's most important stories to your inbox "
    "every weekday morning."
)
DISCLAIMER_A = (
    "The views expressed in this article are the author's own and do not necessarily reflect the editorial "
    "policy of East Asia Post."
)
PITCH_B = (
    "Our weekly digest brings the best of Pacific Ledger reporting on Asia to thousands of readers every "
    "Sunday, free of charge."
)
DISCLAIMER_B = "This article first appeared in our print edition and has been updated online with additional reporting."
SITE_A, SITE_B = "eastasia-post.example", "pacific-ledger.example"
CRAWL_URL = "https://www.northkoreatimes.com/news/272560741/seoul-plans-to-normalize-cooperation-with-japan"
SYNDICATED_URLS = (
    "https://news.antiwar.com/2023/03/16/japan-south-korea-work-to-rebuild-military-ties-with-us-backing/",
    "https://libertarianinstitute.org/news/japan-south-korea-work-to-rebuild-military-ties-with-us-backing/",
)
REPUBLISHED = "This article was originally published at Antiwar.com."
NOTE = "Reminder: the library closes at 5 pm on Friday.\nSee you next week!"
# A Reuters-21578 story (NEWID 14): an earnings table under its headline, nothing else.
TABLE = (
    "BROWN-FORMAN INC <BFD> 4TH QTR NET\n\nShr one dlr vs 73 cts\n    Net 12.6 mln vs 15.8 mln\n"
    "    Revs 337.3 mln vs 315.2 mln\n    Nine mths\n    Shr 3.07 dlrs vs 3.08 dlrs\n"
    "    Net 66 mln vs 66.2 mln\n    Revs 1.59 billion vs 997.1 mln"
)


def page(lines: list[str], pitch: str | None = None, disclaimer: str | None = None) -> str:
    """An article's lines as paragraphs, with a site's pitch after the first three (a headline and
    two paragraphs, where there is a headline) and its disclaimer at the end."""
    blocks = [*lines[:3], *([pitch] if pitch else []), *lines[3:], *([disclaimer] if disclaimer else [])]
    return "\n\n".join(blocks)


def site_documents() -> list[dict[str, str]]:
    """Real article text from the seeds on pages of made-up and real hosts."""
    story_002 = article(S002)
    pages_a = [article(S000), article(S004), story_002[:13]]
    pages_b = [story_002[13:25], story_002[25:]]
    records = [
        {"id": f"a-{n}", "url": f"https://www.{SITE_A}/asia/{n}", "text": page(lines, PITCH_A, DISCLAIMER_A)}
        for n, lines in enumerate(pages_a)
    ]
    records += [
        {"id": f"b-{n}", "url": f"https://{SITE_B}/world/{n}", "text": page(lines, PITCH_B, DISCLAIMER_B)}
        for n, lines in enumerate(pages_b)
    ]
    records += [{"id": f"crawl-{n}", "url": CRAWL_URL, "text": page(article(S003))} for n in (1, 2)]
    # The republished copy credits the original, so the two pages are not exact copies.
    records += [
        {"id": f"syndicated-{n}", "url": url, "text": page(article(S001)) + credit}
        for n, (url, credit) in enumerate(zip(SYNDICATED_URLS, ("", f"\n\n{REPUBLISHED}")))
    ]
    records += [{"id": "note", "text": NOTE}, {"id": "table", "text": TABLE}]
    return records


@pytest.fixture(scope="module")
def site_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("sites")
    (home / "in").mkdir()
    (home / "in" / "pages.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in site_documents()))
    run([home / "in"], home / "out")
    return home / "out"


def test_chrome_on_three_pages_of_a_site_is_removed_with_its_counts(site_out: Path) -> None:
    removals = [
        (doc_id, rule, line, detail)
        for doc_id, rule, line, detail in removed_lines(stage_edits(site_out))
        if line in (PITCH_A, DISCLAIMER_A)
    ]
    assert sorted((doc_id, line) for doc_id, _, line, _ in removals) == sorted(
        (f"a-{n}", line) for n in range(3) for line in (PITCH_A, DISCLAIMER_A)
    )
    for _, rule, _, detail in removals:
        assert rule == "repeat.site"
        assert json.loads(detail) == {"site": SITE_A, "site_documents": 3, "corpus_documents": 3}
    for n, record in enumerate(site_documents()[:3]):
        kept = text_lines(doc_text(site_out, f"a-{n}"))
        assert kept == [norm(line) for line in record["text"].split("\n\n") if line not in (PITCH_A, DISCLAIMER_A)]


def test_chrome_on_two_pages_of_a_site_is_not_a_repetition(site_out: Path) -> None:
    repeats = [
        (doc_id, rule, line)
        for doc_id, rule, line, _ in removed_lines(stage_edits(site_out))
        if doc_id.startswith("b-") and rule.startswith("repeat.")
    ]
    assert repeats == []
    for n, record in enumerate(site_documents()[3:5]):
        kept = text_lines(doc_text(site_out, f"b-{n}"))
        article_lines = [norm(line) for line in record["text"].split("\n\n") if line not in (PITCH_B, DISCLAIMER_B)]
        assert [line for line in article_lines if line not in kept] == []


def test_two_crawls_of_the_same_article_keep_all_their_text(site_out: Path) -> None:
    for doc_id in ("crawl-1", "crawl-2"):
        assert text_lines(doc_text(site_out, doc_id)) == article(S003), doc_id
    assert stage_edits(site_out).filter(pl.col("id").str.starts_with("crawl-")).height == 0


def test_a_story_syndicated_to_two_sites_keeps_its_paragraphs(site_out: Path) -> None:
    paragraphs = article(S001)[2:]
    for doc_id in ("syndicated-0", "syndicated-1"):
        kept = text_lines(doc_text(site_out, doc_id))
        assert [line for line in paragraphs if line not in kept] == [], doc_id


def test_a_story_syndicated_to_two_sites_keeps_its_headline_and_standfirst(site_out: Path) -> None:
    headline, standfirst = NAMED_ARTICLE_LINES[S001]
    assert article(S001)[:2] == [headline, standfirst]
    for doc_id in ("syndicated-0", "syndicated-1"):
        kept = text_lines(doc_text(site_out, doc_id))
        edits = stage_edits(site_out).filter(pl.col("id") == doc_id).select("rule", "before", "detail").rows()
        assert kept[:2] == [headline, standfirst], (doc_id, edits)


def test_line_stats_hold_the_repeated_lines_with_their_counts(site_out: Path) -> None:
    stats = pl.read_parquet(site_out / "line_stats.parquet")
    assert stats.columns == ["line", "site", "documents"]
    rows = set(stats.iter_rows())
    for line, site, documents in (
        (PITCH_A, SITE_A, 3),
        (DISCLAIMER_A, SITE_A, 3),
        (PITCH_B, SITE_B, 2),
        (DISCLAIMER_B, SITE_B, 2),
    ):
        assert (normalise_line(line), site, documents) in rows
        assert (normalise_line(line), None, documents) in rows  # over the whole input
    # Exact copies of a page count once, and so do near copies: the story syndicated to two sites
    # (the same paragraphs, one with a credit line more) is one page, so its lines repeat nowhere.
    for line in (article(S003)[0], *NAMED_ARTICLE_LINES[S001]):
        assert stats.filter(pl.col("line") == normalise_line(line)).height == 0, line


@pytest.mark.parametrize(("doc_id", "text"), [("note", NOTE), ("table", TABLE)])
def test_a_document_without_prose_is_not_emptied(site_out: Path, doc_id: str, text: str) -> None:
    dropped = pl.read_parquet(site_out / "dropped.parquet")
    assert doc_id not in dropped["id"].to_list()
    assert text_lines(doc_text(site_out, doc_id)) == text_lines(text)


# --- 5. Turning rules off ----------------------------------------------------------------------


def test_a_disabled_rule_keeps_its_line(tmp_path: Path) -> None:
    (tmp_path / "corpus.toml").write_text('[stages.boilerplate]\ndisable = ["generic.related_list"]\n')
    result = run_cli("clean", SEEDS, "-o", "out", "--rules", RULES, "--workers", "1", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    kept = text_lines(doc_text(tmp_path / "out", S002))
    edits = stage_edits(tmp_path / "out").filter(pl.col("id") == S002).select("rule", "before").rows()
    assert "Related articles" in kept, edits
    assert "15.7 C" not in kept  # the other rules still apply
    assert "generic.related_list" not in stage_edits(tmp_path / "out")["rule"].to_list()
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest["config"]["stages"]["boilerplate"]["disable"] == ["generic.related_list"]


def test_disabling_an_unknown_rule_is_a_one_line_error_with_a_suggestion(tmp_path: Path) -> None:
    (tmp_path / "corpus.toml").write_text('[stages.boilerplate]\ndisable = ["generic.related_lst"]\n')
    result = run_cli("clean", SEEDS, "-o", "out", "--rules", RULES, "--workers", "1", cwd=tmp_path)
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("corpus: error: ")
    assert "'generic.related_lst'" in result.stderr and "did you mean 'generic.related_list'?" in result.stderr
    assert not (tmp_path / "out").exists()


# --- 6. A new site rule file, no code change ---------------------------------------------------

VIDEO_CAPTION = "Is the threat of North Korea spurring Japan-South Korea rapprochement?"
NEW_RULE_FILE = f"""\
# A WordPress news theme (seed 004, saved without its URL): the caption of the video embedded
# under the article, which belongs to another programme.
[site]
markers = ["More posts in Asia"]
description = "A news theme whose article pages end with a captioned video and a 'More posts in' list"

[[boilerplate]]
id = "video_caption"
kind = "exact_line"
description = "The caption of the embedded video"
lines = ["{VIDEO_CAPTION}"]
examples = {{ remove = ["{VIDEO_CAPTION}"], keep = [
  "The increasing security challenge was thrown into sharp relief just before Yoon’s arrival in Tokyo.",
] }}
"""


def test_a_new_site_rule_file_takes_effect_on_the_next_run(tmp_path: Path, seeds_out: Path) -> None:
    assert VIDEO_CAPTION in text_lines(doc_text(seeds_out, S004))  # kept without the file
    rules = tmp_path / "my-rules"
    shutil.copytree(RULES, rules)
    (rules / "more-posts-theme.toml").write_text(NEW_RULE_FILE)
    check = run_cli("rules", "check", "--rules", rules)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "more-posts-theme.toml" in check.stdout

    result = run_cli("clean", SEEDS, "-o", "out", "--rules", rules, "--workers", "1", "--skip", "typos", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    out = tmp_path / "out"
    assert text_lines(doc_text(out, S004)) == [line for line in article(S004) if line != VIDEO_CAPTION]
    removals = [(doc_id, rule) for doc_id, rule, line, _ in removed_lines(stage_edits(out)) if line == VIDEO_CAPTION]
    assert removals == [(S004, "more-posts-theme.video_caption")]
    for name in (S000, S001, S002, S003):  # the marker is on no other page
        assert doc_text(out, name) == doc_text(seeds_out, name)
    manifest = json.loads((out / "manifest.json").read_text())
    assert {
        "name": "more-posts-theme.toml",
        "origin": str(rules),
        "sha256": hashlib.sha256(NEW_RULE_FILE.encode()).hexdigest(),
    } in manifest["rule_files"]


# --- 2, 7. Hard-wrapped Reuters stories; any number of workers ----------------------------------

SIGN_OFF = re.compile(r"(?i)reuters?")
MAX_WORDS_LOST = 0.02
_WORD = re.compile(r"\w+")


@pytest.fixture(scope="module")
def reuters_runs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    shared_data("neardup-reuters21578", "sgm")
    from benchmarks.bench_pipeline import reuters_stories  # reads the same data folder

    home = tmp_path_factory.mktemp("reuters")
    (home / "in").mkdir()
    stories = reuters_stories(200)
    assert len(stories) == 200
    (home / "in" / "reuters.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in stories))
    one, two = home / "one", home / "two"
    run([SEEDS, home / "in"], one, workers=1)
    run([SEEDS, home / "in"], two, workers=2)
    return one, two


def reuters_removals(out: Path) -> tuple[pl.DataFrame, list[tuple[str, str, str, str | None]]]:
    """The 200 stories as cleaned, and the lines the stage removed from them."""
    docs = pl.read_parquet(out / "documents.parquet").filter(pl.col("id").str.starts_with("reuters-"))
    assert docs.height == 200
    return docs, removed_lines(stage_edits(out).filter(pl.col("id").str.starts_with("reuters-")))


def test_hard_wrapped_stories_lose_at_most_two_percent_of_their_words(reuters_runs: tuple[Path, Path]) -> None:
    docs, removed = reuters_removals(reuters_runs[0])
    words_removed = sum(len(_WORD.findall(line)) for _, _, line, _ in removed)
    words_seen = words_removed + sum(len(_WORD.findall(text)) for text in docs["text"])
    by_rule = Counter()
    for _, rule, line, _ in removed:
        by_rule[rule] += len(_WORD.findall(line))
    assert words_removed <= MAX_WORDS_LOST * words_seen, (
        f"{words_removed} of {words_seen} words removed ({words_removed / words_seen:.1%}); by rule: {dict(by_rule)}"
    )


def test_hard_wrapped_stories_lose_no_line_but_their_sign_off(reuters_runs: tuple[Path, Path]) -> None:
    _, removed = reuters_removals(reuters_runs[0])
    other = [(doc_id, rule, line) for doc_id, rule, line, _ in removed if not SIGN_OFF.fullmatch(line)]
    stories = len({doc_id for doc_id, _, _ in other})
    assert other == [], (
        f"{len(other)} story lines removed from {stories} stories "
        f"({dict(Counter(rule for _, rule, _ in other))}), e.g. {other[:12]}"
    )


def test_the_sign_off_repeated_under_every_story_goes(reuters_runs: tuple[Path, Path]) -> None:
    docs, removed = reuters_removals(reuters_runs[0])
    signed = [
        doc_id
        for doc_id, text in docs.select("id", "text").iter_rows()
        if SIGN_OFF.fullmatch(norm(text.splitlines()[-1]))
    ]
    assert len(signed) <= 0.1 * docs.height, f"{len(signed)} of {docs.height} stories keep their sign-off"
    assert {rule for _, rule, line, _ in removed if SIGN_OFF.fullmatch(line)} == {"repeat.corpus"}


def test_output_is_byte_identical_for_one_and_two_workers(reuters_runs: tuple[Path, Path]) -> None:
    one, two = reuters_runs
    for name in TABLES:
        assert (one / name).read_bytes() == (two / name).read_bytes(), name
    manifests = [json.loads((out / "manifest.json").read_text()) for out in (one, two)]
    for manifest in manifests:
        del manifest["timings"]
    assert manifests[0] == manifests[1]
    assert stage_edits(one).height > 0


def test_output_does_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    """Sets and dicts of strings iterate in an order that changes with PYTHONHASHSEED; the output must not."""
    import gzip
    import os
    import subprocess
    import sys

    zyte = shared_data("boilerplate-zyte-article-extraction-benchmark", "baseline-outputs", "html-text.json.gz")
    pages = json.loads(gzip.decompress(zyte.read_bytes()))["output"]
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "zyte.jsonl").write_bytes(
        b"".join(orjson.dumps({"id": key, "text": pages[key]["articleBody"]}) + b"\n" for key in sorted(pages)[:60])
    )
    digests = []
    for seed in ("1", "2"):
        out = tmp_path / f"out{seed}"
        command = [
            str(Path(sys.executable).parent / "corpus"),
            "clean",
            str(inputs),
            str(SEEDS),
            "-o",
            str(out),
            "--workers",
            "1",
            "--skip",
            "language",
        ]
        subprocess.run(command, check=True, capture_output=True, env={**os.environ, "PYTHONHASHSEED": seed})
        digests.append(
            [
                hashlib.sha256((out / name).read_bytes()).hexdigest()
                for name in ("documents.parquet", "edits.parquet", "dropped.parquet", "line_stats.parquet")
            ]
        )
    assert digests[0] == digests[1]


def test_double_spaced_stories_keep_their_words_as_the_plain_ones_do(tmp_path: Path) -> None:
    """Text with a blank line after every line (some scrapes and mail): one blank line is a line
    break there, not a paragraph's end, so the wrapped paragraphs are still judged whole."""
    shared_data("neardup-reuters21578", "sgm")
    from benchmarks.bench_pipeline import reuters_stories

    stories = [{"id": s["id"], "text": s["text"].replace("\n", "\n\n")} for s in reuters_stories(200)]
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "double.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in stories))
    run([tmp_path / "in"], tmp_path / "out")
    removed = removed_lines(stage_edits(tmp_path / "out"))
    words_removed = sum(len(_WORD.findall(line)) for _, _, line, _ in removed if not SIGN_OFF.fullmatch(line))
    words = sum(len(_WORD.findall(story["text"])) for story in stories)
    assert words_removed <= MAX_WORDS_LOST * words, f"{words_removed} of {words} words removed"


# --- Zyte's news pages: chrome the generic signals find on real pages ---------------------------

ZYTE_PAGE = {  # the first characters of a page's key in Zyte's benchmark -> what it shows
    "express": "ba4dfe2d",  # photo captions ending in "(Image: GETTY)"
    "reuters_photo": "57d46c9d",  # "FILE PHOTO: ... REUTERS/Brendan McDermid"
    "gallery": "c50845a7",  # a gallery: "Image 2 of 5" over each caption
    "game_blog": "95301fb7",  # teasers of other posts ending in "[…]"
    "open_thread": "ac3c0355",  # a short post, then comments headed "<name> on <date> at <time> said:"
    "politifact": "b6906ca0",  # "By Louis Jacobson on Monday, November 18th, 2019 at 11:04 a.m."
    "examiner": "87bf6057",  # one of two pages of one site, with the same menus and teasers of other stories
    "russian_blog": "c4a3637c",  # WordPress's comment form in Russian
    "sun": "8b194530",  # a two-sentence lede, then a gallery ("6") with captions ending in "Credit: EPA"
    "comwrap": "57b4dafd",  # a German opening paragraph ending in "(ePA)"
    "rolling_stone": "ac1bfdd4",  # the story ends in a list of tour dates
    "billboard": "9cb8224b",  # the same tour, dates written "June 9 -- Coral Sky Amphitheatre, ..."
    "cbs_euro": "9a440270",  # a list of the teams that qualified, one per line
    "mensagens": "b3c19dd5",  # "Whatsapp Facebook Pint Baixar" under each of seven quotes
    "wccftech": "e100c961",  # "Share Tweet Submit"
    "catchitkansas": "3ce1c8fd",  # a weather widget: "55°F Clear", "67° 46°"
    "sfgate": "aec5deea",  # a gallery counter written "Image 1 of / 13"
    "linknaija": "358cc4a0",  # the story's two opening sentences typed without a full stop
    "jeongdong": "52111884",  # an opening sentence ending in an emoji, not a full stop
    "my6sense": "dfd43bc0",  # the press release's last sentence without its full stop
    "nj_com": "3f65af7b",  # the story ends in an embedded tweet, whose text ends in its link
    "national_review": "f5c90a6d",  # a photo's caption above the first paragraph, ending in its credit
    "guardian": "5fa3154e",  # a pull quote's caption ending in "Photograph: AFP via Getty"
    "venturebeat": "06e5123e",  # Reuters' credit "(Reporting by ..., with reporting by ..., editing by ....)"
    "remember8090": "b6fb53e9",  # "(Leggi anche su: I Cavalieri dello Zodiaco: ...)" under the article
    "ap_nba": "eecd2575",  # AP's "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports"
    "business_insider": "fde930b0",  # the page's share image and logo, each an address alone on a line
    "dealbreaker": "55bb6340",  # a newsletter's pitch of three sentences above the story
    "foxbusiness": "51374560",  # "GET FOX BUSINESS ON THE GO BY CLICKING HERE" between two paragraphs
    "9to5mac": "ad826691",  # the story ends in the site's own embedded tweet
    "vortex": "a860fb5e",  # a game's page: "Dare to Play 3:" above five features, each a phrase in sentence case
    "ctv": "b37be353",  # a "Related Links" box of one link above the story's last paragraph
    "indiewire": "3d8f3404",  # an editor's bookmark (a line of HTML tags) above the story's last sentence
    "top_22": "20b2b649",  # the story is a numbered list, "1) ..." to "22) ...", each item over its link
    "sky": "92101975",  # "More from UK" and six teasers inside the story, then a quote and an embedded tweet
}


@pytest.fixture(scope="module")
def zyte_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """All 181 pages as html-text's visible text, cleaned together (repetition counts over all of
    them, as in the benchmark); returns the output folder and each page's gold article body."""
    import gzip

    folder = shared_data("boilerplate-zyte-article-extraction-benchmark")
    pages = json.loads(gzip.decompress((folder / "baseline-outputs" / "html-text.json.gz").read_bytes()))["output"]
    gold = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    home = tmp_path_factory.mktemp("zyte")
    (home / "in").mkdir()
    (home / "in" / "zyte.jsonl").write_bytes(
        b"".join(orjson.dumps({"id": key, "text": pages[key]["articleBody"]}) + b"\n" for key in sorted(pages))
    )
    run([home / "in"], home / "out")
    return home / "out", {key: value["articleBody"] for key, value in gold.items()}


def zyte_page(zyte_out: tuple[Path, dict[str, str]], name: str) -> tuple[str, str, list[tuple[str, str]]]:
    """A page's key, its text after the stage, and its removed (rule, line) pairs."""
    out, gold = zyte_out
    (key,) = [key for key in gold if key.startswith(ZYTE_PAGE[name])]
    removed = [(rule, line) for doc_id, rule, line, _ in removed_lines(stage_edits(out)) if doc_id == key]
    return key, doc_text(out, key), removed


def gold_paragraphs(zyte_out: tuple[Path, dict[str, str]], key: str) -> list[str]:
    """The ends of the page's gold paragraphs (a drop cap splits a first word: "W hile")."""
    return [norm(line)[-60:] for line in zyte_out[1][key].splitlines() if len(line.split()) >= 8]


def test_photo_captions_credits_and_gallery_counters_go_and_the_story_stays(
    zyte_out: tuple[Path, dict[str, str]],
) -> None:
    key, text, removed = zyte_page(zyte_out, "express")
    assert ("generic.photo_credit", "Plague can be easily vaccinated (Image: GETTY)") in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))
    _, _, removed = zyte_page(zyte_out, "reuters_photo")
    assert any(rule == "generic.photo_credit" and line.endswith("REUTERS/Brendan McDermid") for rule, line in removed)
    key, text, removed = zyte_page(zyte_out, "gallery")
    assert ("generic.gallery_counter", "Image 2 of 5") in removed
    assert ("generic.photo_credit", "(Image credit: Blue Origin)") in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


def test_teasers_ending_in_a_bracketed_ellipsis_go(zyte_out: tuple[Path, dict[str, str]]) -> None:
    key, text, removed = zyte_page(zyte_out, "game_blog")
    assert ("generic.teaser", "Sometimes people ask me why this or that location become […]") in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


def test_an_excerpt_cut_off_mid_sentence_is_a_teaser_however_long(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """A hundred words of another post ending in "word …": cut by the page, not by its writer."""
    key, text, removed = zyte_page(zyte_out, "mensagens")
    assert any(
        rule == "generic.teaser"
        and line.startswith("Gratidão pela vida está nos detalhes")
        and line.endswith("mesmo …")
        for rule, line in removed
    )
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


@pytest.mark.parametrize(
    ("page", "rule", "start", "gold_lost"),
    [
        ("venturebeat", "generic.contributor_credit", "(Reporting by Greg Roumeliotis, Joshua Franklin", 0),
        ("remember8090", "generic.read_more_promo", "(Leggi anche su: I Cavalieri dello Zodiaco", 0),
        (
            "ap_nba",
            "generic.read_more_promo",
            "More AP NBA: https://apnews.com/NBA and https://twitter.com/AP_Sports",
            0,
        ),
        # The story stays; its one link line in the gold ("... It's Complicated [ Bloomberg ]") went before.
        ("dealbreaker", "generic.newsletter", "Start your day with the Opening Bell powered by The Water Coolest.", 1),
        ("foxbusiness", "generic.ui_message", "GET FOX BUSINESS ON THE GO BY CLICKING HERE", 0),
        # Its gold's last line ends in '..."...' and went before, as a teaser.
        ("business_insider", "generic.image_url", "https://static6.businessinsider.de/image/5dd3a081695b", 1),
    ],
)
def test_credits_promos_pitches_and_image_addresses_go_and_the_story_stays(
    zyte_out: tuple[Path, dict[str, str]], page: str, rule: str, start: str, gold_lost: int
) -> None:
    key, text, removed = zyte_page(zyte_out, page)
    lines = [line for each, line in removed if each == rule and line.startswith(start)]
    assert lines
    assert not any(line in text_lines(text) for line in lines)
    assert len([paragraph for paragraph in gold_paragraphs(zyte_out, key) if paragraph not in text]) <= gold_lost


def test_a_comment_thread_without_a_header_goes_under_its_post(zyte_out: tuple[Path, dict[str, str]]) -> None:
    key, text, removed = zyte_page(zyte_out, "open_thread")
    assert ("generic.comment_author", "Alex on September 17, 2018 at 6:34 am said:") in removed
    assert any(
        rule == "generic.comment_thread" and line.startswith("I skimmed your Zusha report") for rule, line in removed
    )
    assert "said:" not in text
    assert text_lines(text)[0].startswith("Our goal with hosting quarterly open threads")  # the post itself


def test_a_line_of_who_wrote_the_article_and_when_goes_to_published(zyte_out: tuple[Path, dict[str, str]]) -> None:
    key, text, removed = zyte_page(zyte_out, "politifact")
    assert ("generic.article_meta", "By Louis Jacobson on Monday, November 18th, 2019 at 11:04 a.m.") in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))
    published = pl.read_parquet(zyte_out[0] / "documents.parquet").filter(pl.col("id") == key)["published"].item()
    assert published.startswith("November 18th, 2019")


def test_a_page_sharing_its_menus_and_teasers_with_another_loses_them_and_keeps_its_story(
    zyte_out: tuple[Path, dict[str, str]],
) -> None:
    """The lines it shares with another page of its site make up most of its words (60%), but not
    of its prose (49%): it is not a copy of a story, so what it shares is chrome."""
    key, text, removed = zyte_page(zyte_out, "examiner")
    assert ("repeat.corpus", "Carlos Ghosn and the dark side of Japanese justice") in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


def test_a_comment_form_in_russian_goes(zyte_out: tuple[Path, dict[str, str]]) -> None:
    key, text, removed = zyte_page(zyte_out, "russian_blog")
    assert (
        "generic.comment_form",
        "Сохранить моё имя, email и адрес сайта в этом браузере для последующих моих комментариев.",
    ) in removed
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


def test_the_lede_above_a_gallery_stays_with_its_story(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """The Sun: two sentences, then photos with their counts and credits, then the rest of the story."""
    key, text, removed = zyte_page(zyte_out, "sun")
    assert text_lines(text)[:2] == [
        "A HUNTER who killed and ate a wild rabbit in China has been hit by the deadly bubonic plague.",
        "The 55-year-old is the third Beijing resident to contract the medieval disease dubbed the Black Death, "
        "say officials.",
    ]
    assert any(rule == "generic.photo_credit" and line.endswith("Credit: EPA") for rule, line in removed)
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


def test_an_opening_paragraph_ending_in_an_abbreviation_in_brackets_stays(
    zyte_out: tuple[Path, dict[str, str]],
) -> None:
    key, text, _ = zyte_page(zyte_out, "comwrap")
    assert (
        "Das Thema mit dem höchsten Potenzial aber auch mit den meisten Hindernissen wird seit Jahren intensiv "
        "diskutiert: Die elektronische Patientenakte (ePA)"
    ) in text_lines(text)
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


@pytest.mark.parametrize(
    ("name", "rows"),
    [
        (
            "rolling_stone",
            (
                "The Doobie Brothers Tour Dates",
                "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre",
                "October 10 – Houston, TX @ The Cynthia Woods Mitchell Pavilion",
            ),
        ),
        (
            "billboard",
            (
                "June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL",
                "Oct. 10 -- The Cynthia Woods Mitchell Pavilion, Houston, TX",
            ),
        ),
        ("cbs_euro", ("England (Group A): 10th appearance", "Wales (Group E): Second appearance")),
    ],
)
def test_a_list_of_figures_below_the_story_stays(
    zyte_out: tuple[Path, dict[str, str]], name: str, rows: tuple[str, ...]
) -> None:
    key, text, _ = zyte_page(zyte_out, name)
    kept = text_lines(text)
    assert [row for row in rows if row not in kept] == []
    gold_rows = [
        norm(line) for line in zyte_out[1][key].splitlines() if any(c.isdigit() for c in line) and len(line) < 100
    ]
    assert [row for row in gold_rows if row not in kept] == []


def test_a_list_of_dates_and_times_written_with_a_tilde_below_the_story_stays(
    zyte_out: tuple[Path, dict[str, str]],
) -> None:
    """A show's facts under the story: its run ("2018.04.05 ~ OPEN RUN": a range written with a tilde, as
    Korean, Japanese and Chinese pages write them), its days and hours, its age limit; they went as
    generic.short_line."""
    key, text, removed = zyte_page(zyte_out, "jeongdong")
    kept = text_lines(text)
    for line in ("2018.04.05 ~ OPEN RUN", "Tue – Sat 4PM (Closed on Sun & Mon)", "Viewing age of 48 months and above"):
        assert line in zyte_out[1][key], "not in the gold: the test shows nothing"
        assert line in kept
    assert ("generic.share_prompt", "Share on Facebook") in removed  # the share bar right below still goes


@pytest.mark.parametrize(
    ("name", "rule", "line"),
    [
        ("mensagens", "generic.share_bar", "Whatsapp Facebook Pint Baixar"),
        ("wccftech", "generic.share_bar", "Share Tweet Submit"),
        ("catchitkansas", "generic.weather_widget", "55°F Clear"),
        ("catchitkansas", "generic.weather_widget", "67° 46°"),
        ("sfgate", "generic.gallery_counter", "Image 1 of / 13"),
    ],
)
def test_share_bars_and_widgets_go(zyte_out: tuple[Path, dict[str, str]], name: str, rule: str, line: str) -> None:
    key, text, removed = zyte_page(zyte_out, name)
    assert (rule, line) in removed
    assert line not in text_lines(text)
    assert all(paragraph in text for paragraph in gold_paragraphs(zyte_out, key))


@pytest.mark.parametrize(
    ("name", "lines"),
    [
        (
            "linknaija",
            (
                "Chelsea have this morning paid the £71.6million fee to the Spanish league this morning to secure "
                "the world record signing of Athletic Bilbao keeper Kepa Arrizabalaga",
                "This has freed of the £38million move of Thibaut Courtois to Real Madrid",
            ),
        ),
        ("jeongdong", ("Visitors who booked their tickets through KLOOK came to Jeongdong Theater to watch",)),
        ("my6sense", ("my6sense’s Cross-Network Exchange offers out of the box scalability",)),
        ("nj_com", ("While we focus on South Dakota’s “Meth. We’re on it.” ad campaign",)),
    ],
)
def test_a_sentence_without_its_full_stop_at_the_edge_of_the_story_stays(
    zyte_out: tuple[Path, dict[str, str]], name: str, lines: tuple[str, ...]
) -> None:
    """A long sentence in sentence case that lacks its full stop, just above the story's first
    paragraph (a lede, a standfirst) or just below its last (an embedded post), is the story's:
    these went as generic.short_line."""
    key, text, _ = zyte_page(zyte_out, name)
    for line in lines:
        assert line in zyte_out[1][key], "not in the gold: the test shows nothing"
        assert any(kept.startswith(line) for kept in text_lines(text)), line


@pytest.mark.parametrize(
    ("name", "caption"),
    [
        ("national_review", "House Intelligence Committee chairman Rep. Adam Schiff speaks during a media briefing"),
        ("guardian", "‘Excessive force and police brutality have accelerated and magnified these protests"),
    ],
)
def test_a_caption_ending_in_its_credit_above_the_story_goes(
    zyte_out: tuple[Path, dict[str, str]], name: str, caption: str
) -> None:
    """Captions look like sentences without a full stop too, but end in a credit: "(Joshua Roberts/Reuters)",
    "Photograph: AFP via Getty"."""
    key, text, removed = zyte_page(zyte_out, name)
    assert any(line.startswith(caption) for _, line in removed)
    assert not any(line.startswith(caption) for line in text_lines(text))


def test_a_comments_button_above_the_last_paragraph_does_not_cut_it_off(
    zyte_out: tuple[Path, dict[str, str]],
) -> None:
    """National Review shows a "Comments" button above an article's last paragraph, and the comments'
    own "Comments" header below it: the cut starts at the header, the button alone goes."""
    key, text, removed = zyte_page(zyte_out, "national_review")
    last = "When Democratic inquisitors are reduced to lecturing the nation that"
    assert last in zyte_out[1][key], "not in the gold: the test shows nothing"
    kept = text_lines(text)
    assert any(line.startswith(last) for line in kept)
    assert "Comments" not in kept
    assert ("generic.comment_section", "Something to Consider") in removed  # the section below still goes


@pytest.mark.parametrize(
    ("name", "line"),
    [
        ("nj_com", "— Cooper Lund (@cooperlund) November 18, 2019"),
        ("9to5mac", "— 9to5Mac.com (@9to5mac) November 4, 2019"),
        ("top_22", "22) Hasbro Gaming – L’ALLEGRO CHIRURGO"),
        ("reuters_photo", "(Graphic: Global assets in 2019 - here)"),  # notes in brackets under the last paragraph
        ("reuters_photo", "(Graphic: Emerging markets in 2019 - here)"),
    ],
)
def test_the_line_finishing_the_story_s_last_lines_stays(
    zyte_out: tuple[Path, dict[str, str]], name: str, line: str
) -> None:
    """A story that ends in an embedded post, a numbered list or notes in brackets: the post's attribution
    (its author, handle and date), the list's short last item and Reuters' links to its graphics read as
    menu lines below the story, and went as generic.short_line; the menus below them still go."""
    key, text, removed = zyte_page(zyte_out, name)
    assert line in zyte_out[1][key], "not in the gold: the test shows nothing"
    assert line in text_lines(text)
    assert any(rule == "generic.short_line" for rule, _ in removed)


def test_a_list_the_article_introduces_with_a_colon_stays(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """A game's page ends its text with "Dare to Play 3:" over five features, each a phrase in sentence case
    without a full stop: they went as generic.short_line, as menu items would; the share buttons below go."""
    key, text, removed = zyte_page(zyte_out, "vortex")
    kept = text_lines(text)
    for line in (
        "Hundreds of cool erotic tasks that will make your sex life fuller and more interesting",
        "Additional quizzes, surprises and bonuses, so that each game was unique and unforgettable",
    ):
        assert line in zyte_out[1][key], "not in the gold: the test shows nothing"
        assert line in kept
    assert ("generic.share_button", "Pinterest") in removed


def test_the_story_s_paragraph_below_a_box_of_one_related_link_stays(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """CTV's story has a "Related Links" box (one link, "European Space Agency website") above its last
    paragraph, which went with the box as generic.related_list; the box and the lists below still go."""
    key, text, removed = zyte_page(zyte_out, "ctv")
    last = "Challenges include designing the spacecraft to operate largely autonomously while the crew"
    assert last in zyte_out[1][key], "not in the gold: the test shows nothing"
    assert any(line.startswith(last) for line in text_lines(text))
    for line in ("Related Links", "European Space Agency website", "Top Video"):
        assert ("generic.related_list", line) in removed


def test_the_story_s_last_sentence_below_a_line_of_leftover_markup_stays(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """IndieWire's story ends in "“Wild Rose” is now available on DVD and VOD." under an editor's bookmark left
    in the text (a line of HTML tags, no words of its own): the sentence went as generic.short_line, cut off the
    story's run by the markup; the lists below it still go."""
    key, text, _ = zyte_page(zyte_out, "indiewire")
    last = "“Wild Rose” is now available on DVD and VOD."
    assert last in zyte_out[1][key], "not in the gold: the test shows nothing"
    kept = text_lines(text)
    assert last in kept
    assert "Popular on IndieWire" not in kept


def test_a_post_embedded_below_a_list_of_teasers_inside_the_story_stays(zyte_out: tuple[Path, dict[str, str]]) -> None:
    """Sky's story holds "More from UK" and six teasers, then a quote and the club's tweet ("Club statement",
    "— Tottenham Hotspur (@SpursOfficial) November 20, 2019"), then the story's paragraphs: the list ends
    at the quote, as the tweet's two short lines belong to the story (all three went as generic.related_list)."""
    key, text, removed = zyte_page(zyte_out, "sky")
    kept = text_lines(text)
    for line in (
        '"He is renowned for his tactical prowess and has managed FC Porto, Inter Milan, Chelsea, Real Madrid and '
        "Manchester United.",
        "Club statement",
        "— Tottenham Hotspur (@SpursOfficial) November 20, 2019",
    ):
        assert line in zyte_out[1][key], "not in the gold: the test shows nothing"
        assert line in kept
    assert ("generic.related_list", "EuroMillions: UK ticket holder wins £105m jackpot prize") in removed


# --- Code listings and tables in the main text ---------------------------------------------------

LISTING_PAGES = (  # trafilatura's evaluation pages: two with code listings, three with tables
    "hackernoon.com.scrape",
    "mdavis.xyz.supermarket",
    "harrypotter.fandom.com.spell",
    "larepublica.pe-minedu",
    "parallels.com.desktop",
)
_LISTING = re.compile(r"[\s{}()\[\];,]+|\|(?:-+\|)+")


@pytest.fixture(scope="module")
def listings_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import gzip

    folder = shared_data("boilerplate-trafilatura-eval", "html")
    home = tmp_path_factory.mktemp("listings")
    (home / "in").mkdir()
    for name in LISTING_PAGES:
        (home / "in" / f"{name}.html").write_bytes(gzip.decompress((folder / f"{name}.html.gz").read_bytes()))
    run([home / "in"], home / "out")  # the default html_mode, "main"
    return home / "out"


def test_brackets_and_table_rules_repeated_across_pages_stay(listings_out: Path) -> None:
    """A code listing's "}" and a table's "|---|---|" repeat on every page that shows code or a table:
    as repeat.corpus they went, and left "function f() {" without its end and tables without their header rule."""
    removed = removed_lines(stage_edits(listings_out))
    assert [line for _, _, line, _ in removed if _LISTING.fullmatch(line)] == []
    for name, line in (("mdavis.xyz.supermarket", "}"), ("harrypotter.fandom.com.spell", "|---|---|---|")):
        assert line in text_lines(doc_text(listings_out, f"{name}.html"))


def _cleaneval_pages(folder: Path, names: dict[str, str]) -> None:
    """CleanEval's pages (archive member -> file name) as `<name>.html` files in `folder`."""
    folder.mkdir()
    for member, name in names.items():
        (folder / f"{name}.html").write_bytes(cleaneval_file(member))


def test_a_list_marker_above_its_item_stays(tmp_path: Path) -> None:
    """CleanEval's pages write some lists with the marker alone on a line and the item's text on the next
    ("-" above '"The C Programming Language, 2nd Edition"'); "-" repeats on both pages, and went as
    repeat.corpus, leaving the items run together with the text above them."""
    pages = {"cleaneval/dev/input/38.html": "books", "cleaneval/final/input/732.html": "film"}
    _cleaneval_pages(tmp_path / "in", pages)
    run([tmp_path / "in"], tmp_path / "out")
    assert [line for _, _, line, _ in removed_lines(stage_edits(tmp_path / "out")) if line.strip() == "-"] == []
    for name, item in (("books", '"The C Programming Language, 2nd Edition"'), ("film", '5/8" wood = .625 inches')):
        lines = text_lines(doc_text(tmp_path / "out", f"{name}.html"))
        below = [n for n, line in enumerate(lines) if line.startswith(item)]
        assert below and lines[below[0] - 1] == "-", (name, lines[below[0] - 2 : below[0] + 1])


def test_a_tables_empty_rows_go_and_its_rows_of_text_stay(tmp_path: Path) -> None:
    """A page laid out in tables comes out of the main-text extractor with its spacer rows as lines
    of empty cells ("| |": 1,300 of them on CleanEval's pages); they hold no text. One that followed a
    row of text was read as that row's wrapped second line, out of the rules' reach."""
    _cleaneval_pages(tmp_path / "in", {"cleaneval/dev/input/49.html": "earthtones"})
    run([tmp_path / "in"], tmp_path / "out")
    lines = text_lines(doc_text(tmp_path / "out", "earthtones.html"))
    assert [line for line in lines if not line.strip("| ")] == []
    assert any("Competitively priced, high quality service." in line for line in lines)
    rules = {rule for _, rule, _, _ in removed_lines(stage_edits(tmp_path / "out"))}
    assert "generic.empty_table_row" in rules


def test_the_bars_of_an_ascii_graph_are_no_empty_table_rows() -> None:
    """Mercurial's guide draws `hg log -G` in a listing: its "|" lines close no table row and stay."""
    from corpus.stages.boilerplate.structure import empty_table_rows

    graph = [
        "$ hg log -G -q -r 'head()' --template '{rev}:{node|short} ({author})\\n'",
        "o 5:540ba8f317e6 (bob)",
        "|",
        "| @ 4:cbdfbd5a5db2 (alice)",
        "| |",
        "|/",
    ]
    assert empty_table_rows(graph) == []
    assert empty_table_rows(["| Pay | April 15 |", "| |", "|---|---|", "| | |"]) == [1, 3]

"""The quality stage: spaCy's words, the literature's signals, rules as presets, drops that say
why in numbers, and signals kept in documents.parquet for a later, stricter filter."""

from __future__ import annotations

import gzip
import html
import json
import re
import zipfile
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import pipeline
from corpus.config import load_config
from corpus.document import Document, Drop
from corpus.errors import ConfigError
from corpus.stages.quality import QualityConfig, QualityStage
from corpus.stages.quality.presets import check_examples, load_preset, preset_names
from corpus.stages.quality.signals import SIGNALS, measure
from corpus.stages.quality.tokenizer import split_piece
from corpus.stages.quality.words import WordCutter
from tests.conftest import SEEDS, run_cli, shared_data

_STORY = re.compile(r'<REUTERS[^>]*NEWID="(\d+)".*?</REUTERS>', re.DOTALL)
_BODY = re.compile(r"<TITLE>(.*?)</TITLE>.*?<BODY>(.*?)</BODY>", re.DOTALL)


def reuters(file: str = "reut2-013.sgm.gz") -> dict[str, str]:
    """Full stories (title and body) of one Reuters-21578 file, by NEWID."""
    raw = gzip.decompress(shared_data("neardup-reuters21578", "sgm", file).read_bytes()).decode("latin-1")
    stories = {}
    for match in _STORY.finditer(raw):
        found = _BODY.search(match.group(0))
        if found:
            stories[match.group(1)] = html.unescape(re.sub(r"&#\d+;", "", f"{found.group(1)}\n\n{found.group(2)}"))
    return stories


def dolma_cc() -> list[dict[str, str]]:
    """Common Crawl pages after cc_net (Dolma's test data): real web text, menus and teasers included."""
    folder = shared_data("webtext-commoncrawl-samples", "dolma-cc")
    return [
        json.loads(line)
        for path in sorted(folder.glob("*.jsonl.gz"))
        for line in gzip.decompress(path.read_bytes()).decode().splitlines()
    ]


def decide(text: str, language: str | None = "en", **config: object) -> Document | Drop:
    stage = QualityStage(QualityConfig(**config))  # type: ignore[arg-type]
    return stage.apply(Document(id="d", source="d", text=text, language=language))


@pytest.mark.parametrize(
    ("piece", "words"),
    [
        ("don't", ("do", "n't")),
        ('"(U.S.-based),', ('"', "(", "U.S.-based", ")", ",")),
        ("well-known", ("well", "-", "known")),
        ("St.Gobain,", ("St.", "Gobain", ",")),  # a special case found again among the pieces
        ("(8)", ("(", "8)")),  # spaCy's emoticon "8)"
        ("10km.", ("10", "km", ".")),
        ("$5", ("$", "5")),
        ("reuters.com", ("reuters.com",)),
        ("dlrs,", ("dlrs", ",")),
        ("1.05", ("1.05",)),
        ("and/or", ("and/or",)),
        ("wasn't", ("was", "n't")),
    ],
)
def test_words_are_cut_as_spacy_cuts_english(piece: str, words: tuple[str, ...]) -> None:
    assert split_piece(piece) == words


def test_gopher_signals_of_a_reuters_earnings_story_are_what_the_paper_counts() -> None:
    story = reuters()["13006"]  # COPLEY PROPERTIES INC <COP> INCREASES DIVIDEND / Qtly div 42 cts vs 41.5 cts prior ...
    tokens = WordCutter().words(story).tokens
    assert tokens[:8] == ["COPLEY", "PROPERTIES", "INC", "<", "COP", ">", "INCREASES", "DIVIDEND"]
    signals = measure(story, WordCutter())["gopher"]
    words = [token for token in tokens if any(char.isalnum() for char in token)]  # ASCII text: no other symbols
    assert signals["word_count"] == len(words) == 21
    assert signals["mean_word_length"] == sum(map(len, words)) / 21
    assert signals["alpha_word_ratio"] == sum(any(c.isalpha() for c in t) for t in tokens) / len(tokens)
    assert signals["stop_word_count"] == 0 and signals["bullet_line_ratio"] == 0.0


def test_repetition_signals_count_repeated_lines_paragraphs_and_ngrams() -> None:
    text = "Add to basket\n\nFree delivery.\n\nAdd to basket\n\nAdd to basket\n\nA phone case."
    rep = measure(text, WordCutter())["gopher_repetition"]
    assert rep["dup_line_frac"] == 2 / 5 and rep["dup_para_frac"] == 2 / 5
    assert rep["dup_line_char_frac"] == 2 * len("Add to basket") / len(text)
    assert rep["top_2_gram_char_frac"] == len("Add to") * 3 / len(text)  # first of the most frequent pairs
    assert rep["dup_5_gram_char_frac"] == 0.0
    # words: the cat sat on the mat . (three times); the walk meets "the cat sat on the" again at
    # word 7 (14 characters without spaces), resumes at word 12, "mat . the cat sat" (13), and ends
    text = "the cat sat on the mat. " * 3
    rep = measure(text, WordCutter())["gopher_repetition"]
    assert rep["dup_5_gram_char_frac"] == (14 + 13) / len(text)


def test_a_document_whose_signals_are_undefined_is_not_dropped_by_a_ratio() -> None:
    signals = measure("   ", WordCutter())
    assert signals["gopher"]["word_count"] == 0 and signals["gopher"]["alpha_word_ratio"] is None
    assert signals["fineweb"]["line_punct_ratio"] is None


def test_the_default_keeps_reuters_stories_and_drops_price_tables_and_notices() -> None:
    stories = reuters()
    stage = QualityStage(QualityConfig())
    outcomes = {
        newid: stage.apply(Document(id=newid, source=newid, text=text, language="en"))
        for newid, text in stories.items()
    }
    dropped = {newid: outcome.reason for newid, outcome in outcomes.items() if isinstance(outcome, Drop)}
    # Of 637 stories (the file with most of Reuters' price tables), only tables of prices and
    # one-line notices go: LONDON GASOIL CALL COMPLETE (prices only), MARKET HOLIDAYS / INDIA (7 words)...
    tables = {"13346", "13394", "13413", "13553", "13758", "14319", "14335"}
    notices = {"13364", "13593", "13594"}
    assert dropped == {
        **dict.fromkeys(tables & set(stories), "quality.default.alpha_word_ratio"),
        **dict.fromkeys(notices & set(stories), "quality.default.min_words"),
    }
    assert dropped["13413"] == "quality.default.alpha_word_ratio" and dropped["13593"] == "quality.default.min_words"
    kept = (
        outcomes["13001"] if "13001" not in dropped else next(o for o in outcomes.values() if isinstance(o, Document))
    )
    assert isinstance(kept, Document) and kept.quality is not None
    assert [f"{family}.{name}" for family, values in kept.quality.items() for name in values] == [
        s.path for s in SIGNALS
    ]


def test_a_drop_names_its_rule_and_carries_every_signal() -> None:
    teaser_page = next(doc for doc in dolma_cc() if doc["text"].startswith("Aborigines in Australia"))
    outcome = decide(teaser_page["text"])
    assert isinstance(outcome, Drop) and outcome.reason == "quality.default.ellipsis_line_ratio"
    detail = orjson.loads(outcome.detail or "")
    assert detail["rule"] == outcome.reason and detail["signal"] == "gopher.ellipsis_line_ratio"
    assert detail["value"] > detail["threshold"] == 0.5 and detail["drop"] == "above"
    assert {f"{family}.{name}" for family, values in detail["signals"].items() for name in values} == {
        s.path for s in SIGNALS
    }


def test_presets_drop_what_their_papers_drop_and_rules_can_be_turned_off_or_moved() -> None:
    story = reuters()["13014"]  # <ITT CANADA LTD> YEAR NET / Shr 5.56 dlrs vs 3.88 dlrs ...: 40 words
    assert isinstance(decide(story), Document)
    gopher = decide(story, presets=("gopher",))
    assert isinstance(gopher, Drop) and gopher.reason == "quality.gopher.min_words"
    also = orjson.loads(gopher.detail or "")["also"]
    assert also == ["quality.gopher.alpha_word_ratio", "quality.gopher.stop_words"]  # 0.73 with a letter, one stop word
    c4 = decide(story, presets=("c4",))  # hard-wrapped lines: none ends a sentence
    assert isinstance(c4, Drop) and c4.reason == "quality.c4.min_sentences"
    assert isinstance(
        decide(story, presets=("gopher",), disable=tuple(rule.id for rule in load_preset("gopher").rules)), Document
    )
    notice = "MARKET HOLIDAYS\n\nINDIA, BOMBAY/DELHI (RAMANAVMI).\n Reuter\n"
    assert isinstance(decide(notice), Drop)
    assert isinstance(decide(notice, thresholds={"quality.default.min_words": 5}), Document)


def test_rules_limited_to_english_leave_other_languages_alone() -> None:
    gold = json.loads(shared_data("boilerplate-zyte-article-extraction-benchmark", "ground-truth.json").read_text())
    japanese = next(
        page["articleBody"] for page in gold.values() if page["articleBody"].startswith("先日、不正に改造した")
    )
    assert measure(japanese, WordCutter())["gopher"]["mean_word_length"] > 15  # no spaces: few, long "words"
    assert isinstance(decide(japanese, language="ja"), Document)
    dropped = decide(japanese, language="en")
    assert isinstance(dropped, Drop) and dropped.reason == "quality.default.max_mean_word_length"
    udhr = zipfile.ZipFile(shared_data("langid-udhr", "udhr2.zip"))
    dzongkha = udhr.read("udhr2/dzo.txt").decode("utf-8")  # langdetect does not know it: und
    assert measure(dzongkha, WordCutter())["gopher"]["word_count"] < 10 and isinstance(
        decide(dzongkha, language="und"), Document
    )


def test_config_mistakes_are_one_line_errors_before_any_work(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown preset 'gophr'"):
        QualityConfig(presets=("gophr",))
    with pytest.raises(
        ConfigError, match="no rule 'quality.default.min_word'.*did you mean 'quality.default.min_words'"
    ):
        QualityStage(QualityConfig(disable=("quality.default.min_word",)))
    config = tmp_path / "corpus.toml"
    config.write_text('[stages.quality]\nthresholds = { "quality.default.min_words" = "ten" }\n')
    result = run_cli("clean", SEEDS, "-o", tmp_path / "out", "--config", config)
    assert result.returncode == 2 and result.stderr.count("\n") == 1
    assert "thresholds.quality.default.min_words must be float" in result.stderr


def test_every_preset_rule_passes_its_own_examples() -> None:
    cutter = WordCutter()
    for name in preset_names():
        count, failures = check_examples(load_preset(name), lambda text: measure(text, cutter))
        assert count >= 2 * len(load_preset(name).rules) and failures == [], name
    result = run_cli("rules", "check")
    assert result.returncode == 0 and "quality preset default (default.toml): 14 rules" in result.stdout


def _run(folder: Path, out: Path, workers: int, **quality: object) -> None:
    # without dedup: a stricter rule drops a story whose copy a rerun would then keep, which no
    # filter on the first run's output can do
    config = load_config(None, stages=pipeline.STAGES, run_flags={"workers": workers, "skip": ["dedup"]})
    stages = dict(config.stages)
    stages["quality"] = QualityConfig(**quality)  # type: ignore[arg-type]
    pipeline.run([folder], out, type(config)(read=config.read, run=config.run, stages=stages))


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """300 Reuters stories and Dolma's 30 Common Crawl pages, cleaned with the default preset
    (1 and 2 workers) and with a stricter min_words."""
    folder = tmp_path_factory.mktemp("runs")
    (folder / "in").mkdir()
    records = [{"id": newid, "text": text} for newid, text in list(reuters().items())[:300]]
    records += [{"id": doc["id"], "text": doc["text"]} for doc in dolma_cc()]
    (folder / "in" / "mixed.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    _run(folder / "in", folder / "default", workers=1)
    _run(folder / "in", folder / "default-2", workers=2)
    _run(folder / "in", folder / "strict", workers=1, thresholds={"quality.default.min_words": 80})
    return folder


def test_signals_and_drops_are_the_same_whatever_the_workers(runs: Path) -> None:
    for table in ("documents", "dropped", "edits"):
        assert (runs / "default" / f"{table}.parquet").read_bytes() == (
            runs / "default-2" / f"{table}.parquet"
        ).read_bytes()
    dropped = pl.read_parquet(runs / "default" / "dropped.parquet").filter(pl.col("stage") == "quality")
    assert dropped.height >= 2 and dropped["reason"].str.starts_with("quality.default.").all()
    manifest = json.loads((runs / "default" / "manifest.json").read_text())
    assert manifest["schema_version"] == 5 and "quality" in manifest["stages"]
    assert manifest["stages"].index("quality") == manifest["stages"].index("language") + 1


def test_a_stricter_threshold_later_is_a_filter_on_the_kept_signals_not_a_rerun(runs: Path) -> None:
    kept = pl.read_parquet(runs / "default" / "documents.parquet")
    raised = kept.filter(
        (pl.col("quality").struct.field("gopher").struct.field("word_count") >= 80) | (pl.col("language") != "en")
    )  # the rule's languages
    strict = pl.read_parquet(runs / "strict" / "documents.parquet")
    assert 0 < strict.height < kept.height
    assert raised["id"].to_list() == strict["id"].to_list()


def test_stats_and_the_report_show_each_rule_and_each_signal(runs: Path) -> None:
    from corpus.audit.stats import run_stats
    from corpus.output import RunOutput

    out = runs / "strict"
    stats = run_stats(RunOutput.open(out))
    dropped = pl.read_parquet(out / "dropped.parquet").filter(pl.col("stage") == "quality")
    assert {row["rule"]: row["dropped"] for row in stats.quality_rules if row["dropped"]} == dict(
        dropped["reason"].value_counts().rows()
    )
    also = [rule for detail in dropped["detail"] for rule in orjson.loads(detail)["also"]]
    assert {row["rule"]: row["also"] for row in stats.quality_rules if row["also"]} == {r: also.count(r) for r in also}
    kept = pl.read_parquet(out / "documents.parquet").height
    word_count = next(row for row in stats.quality_signals if row["signal"] == "gopher.word_count")
    assert word_count["documents"] == kept + dropped.height and sum(word_count["histogram"]) == word_count["documents"]
    assert [row["signal"] for row in stats.quality_signals] == [s.path for s in SIGNALS]
    printed = run_cli("stats", out)
    assert printed.returncode == 0 and "quality.default.min_words" in printed.stdout
    assert re.search(r"^\s+gopher\.word_count\s+[\d,]+\s+[\d,]+", printed.stdout, flags=re.M)

"""The typos stage on real text: the seeds' typos fixed, their names, acronyms and British spellings kept."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import orjson
import polars as pl
import pytest

from corpus import pipeline, replay
from corpus.config import load_config
from corpus.document import Document, Edit
from corpus.firstpass import apply_in_process
from corpus.stages.typos import IN_CONTEXT, TyposConfig, TyposStage, vocabulary
from corpus.stages.typos.vocabulary import Counts
from corpus.writer import BATCH_DOCS
from tests.conftest import SEEDS, run_cli, shared_data

PROTECTED = [
    "Kishida",
    "Yoon",
    "Fumio",
    "Shinzo",
    "GSOMIA",
    "CNN",
    "defence",
    "apologised",
    "normalise",
    "normalisation",
    "labour",
    "neighbours",
    "Suk-yeol",
    "Geun-hye",
    "Pyongyang",
    "Nakatani",
]


def typo_edits(out: Path) -> pl.DataFrame:
    return pl.read_parquet(out / "edits.parquet").filter(pl.col("stage") == "typos")


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("seeds")
    result = run_cli("clean", SEEDS, "-o", "out", "--workers", "1", cwd=home)
    assert result.returncode == 0, result.stderr
    return home / "out"


def test_the_seeds_typos_are_fixed_with_their_evidence(seeds_out: Path) -> None:
    changes = {(row["before"], row["after"], row["rule"]) for row in typo_edits(seeds_out).iter_rows(named=True)}
    assert ("imporved", "improved", "typos.spelling") in changes
    assert ("Soth", "South", "typos.spelling_in_context") in changes
    for row in typo_edits(seeds_out).iter_rows(named=True):
        detail = json.loads(row["detail"])
        assert (
            "candidates" in detail or detail["pair"].split()[0] == row["after"] or detail["pair"].endswith(row["after"])
        )
    text = (
        pl.read_parquet(seeds_out / "documents.parquet")
        .filter(pl.col("id") == "000_9c357a5e9c026ce2.txt")["text"]
        .item()
    )
    assert "South Korea Japan ties improved as both nations" in text and "Soth" not in text


def test_no_name_acronym_or_british_spelling_of_the_seeds_changes(seeds_out: Path) -> None:
    befores = " ".join(typo_edits(seeds_out)["before"].to_list())
    for word in PROTECTED:
        assert word not in befores, word
    docs = pl.read_parquet(seeds_out / "documents.parquet")
    originals = {path.name: path.read_text(encoding="utf-8") for path in SEEDS.glob("*.txt")}
    for word in PROTECTED:
        before = sum(len(re.findall(rf"\b{re.escape(word)}\b", text)) for text in originals.values())
        after = sum(len(re.findall(rf"\b{re.escape(word)}\b", text)) for text in docs["text"])
        assert after <= before and (before == 0 or after > 0), word  # only boilerplate may remove a line


def test_each_seed_replays_to_its_original(seeds_out: Path) -> None:
    docs = pl.read_parquet(seeds_out / "documents.parquet")
    edits = pl.read_parquet(seeds_out / "edits.parquet")
    for row in docs.iter_rows(named=True):
        own = [
            Edit(**{k: v for k, v in e.items() if k != "id"})
            for e in edits.filter(pl.col("id") == row["id"]).iter_rows(named=True)
        ]
        assert replay(row["text"], own, reverse=True) == (SEEDS / row["id"]).read_text(encoding="utf-8")


def test_unknown_words_are_listed_with_what_the_stage_would_do(seeds_out: Path) -> None:
    unknown = pl.read_parquet(seeds_out / "unknown_words.parquet")
    assert unknown.columns == ["word", "language", "count", "correction"]
    rows = {row["word"]: row for row in unknown.iter_rows(named=True)}
    assert rows["Kishida"]["correction"] is None and rows["Kishida"]["count"] >= 3
    assert rows["imporved"]["correction"] == "improved"
    assert unknown["count"].to_list() == sorted(unknown["count"].to_list(), reverse=True)


def run_texts(tmp_path: Path, texts: list[str], *, language: bool = True, rules: Path | None = None) -> list[str]:
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(orjson.dumps({"id": f"d{i}", "text": text}) + b"\n" for i, text in enumerate(texts)))
    config = load_config(
        None, stages=pipeline.STAGES, run_flags={"workers": 1, "skip": [] if language else ["language"]}
    )
    out = tmp_path / "out"
    pipeline.run([source], out, config, rules_dir=rules)
    docs = pl.read_parquet(out / "documents.parquet")
    return [docs.filter(pl.col("id") == f"d{i}")["text"].item() for i in range(len(texts))]


STORY = (
    "The company said its board approved the plan on Tuesday, and that it expects the deal to close "
    "in the second quarter after the regulators have reviewed it. "
)


def test_case_is_kept_and_british_spellings_and_corpus_jargon_are_left(tmp_path: Path) -> None:
    texts = [
        STORY + "Analysts said the results had imporved since the defence contract was signed.",
        STORY + "Imporved margins were favourably received by neighbours of the labour movement.",
        STORY + "Net profit rose to 12 mln dlrs from 9 mln dlrs, the plc said of its normalisation plan.",
        STORY + "Turnover was 40 mln dlrs, and the plc said the dlrs figure was audited.",
    ]
    cleaned = run_texts(tmp_path, texts)
    assert "results had improved since the defence contract" in cleaned[0]
    assert cleaned[1].endswith("Improved margins were favourably received by neighbours of the labour movement.")
    assert cleaned[2] == texts[2] and cleaned[3] == texts[3]  # "dlrs", "plc" recur: jargon


def test_urls_handles_acronyms_and_hyphenated_names_are_never_touched(tmp_path: Path) -> None:
    text = (
        STORY + "Write to imporved@example.com or see www.imporved.com/imporved, follow @imporved and "
        "#imporved; NATO and GSOMIA met Park Geun-hye and the McKinsey team. The page held "
        '<img src=x onerror="alert(1)"> and <a href="javascript:alert(\'pwned\')">a lnk</a>, '
        "and $ setx imporved=1 ran eval(imporved)."
    )
    [cleaned] = run_texts(tmp_path, [text])
    assert cleaned == text


def test_documents_in_other_languages_are_left_alone(tmp_path: Path) -> None:
    german = (
        "Die Regierung hat am Dienstag einen neuen Plan vorgestellt, der die Wirtschaft stärken soll. "
        "Die Opposition kritisierte den Vorschlag als unzureichend und forderte mehr Investitionen."
    )
    [cleaned] = run_texts(tmp_path, [german])
    assert cleaned == german


def test_words_toml_protects_and_forces(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "words.toml").write_text('[typos]\nprotect = ["imporved"]\ncorrect = { recieved = "received" }\n')
    check = run_cli("rules", "check", "--rules", rules)
    assert check.returncode == 0, check.stdout + check.stderr
    [cleaned] = run_texts(tmp_path, [STORY + "It imporved after it recieved the money."], rules=rules)
    assert cleaned.endswith("It imporved after it received the money.")


def test_the_corpus_evidence_crosses_batches_but_a_batch_gets_only_its_own_counts(tmp_path: Path) -> None:
    """ "Soth Korea" in the second batch is fixed by the "South Korea" of the seeds in the first;
    the second batch's lookups hold the counts of its own unknown words only, not the first's."""
    shared_data("neardup-reuters21578", "sgm")
    from benchmarks.bench_pipeline import reuters_stories

    seeds = sorted(SEEDS.glob("*.txt"))
    soth = next(line for line in seeds[0].read_text("utf-8").splitlines() if line.startswith("Soth Korea"))
    texts = [path.read_text("utf-8") for path in seeds[1:]] + [story["text"] for story in reuters_stories(BATCH_DOCS)]
    texts = texts[:BATCH_DOCS] + [STORY + soth]
    docs = [
        Document(id=str(i), source="test", text=text, language="en", language_score=1.0) for i, text in enumerate(texts)
    ]
    stage = TyposStage(TyposConfig())
    states: list[Counts] = []
    stage.batch_state = lambda lookups: states.append(vocabulary.batch_counts(lookups)) or states[-1]  # type: ignore[method-assign]
    outcomes = apply_in_process(stage, docs, tmp_path)
    assert outcomes[-1].text == STORY + soth.replace("Soth", "South", 1)
    [edit] = outcomes[-1].edits
    assert edit.rule == IN_CONTEXT and json.loads(edit.detail)["pair"] == "South Korea"
    first, second = states
    assert first.count("Kishida") >= 3 and "Kishida" not in second.forms  # a seed's name, in the first batch only
    assert "Soth" in second.forms and all(
        re.search(rf"\b{form}\b", STORY + soth, re.IGNORECASE) for form in second.forms
    )
    assert [twin for _, _, twin, _, _ in second.twins_of("Soth")] == ["South"]


def test_the_fast_word_frequency_is_wordfreqs_own_on_every_band_of_every_language_used() -> None:
    from wordfreq import get_frequency_list, zipf_frequency

    from corpus.stages.typos.words import OTHER_LANGUAGES, plain_zipf

    for language in ("en", *OTHER_LANGUAGES):
        for band in get_frequency_list(language, "best"):
            for word in [word for word in band if re.fullmatch("[a-z]+", word)][:2]:
                assert plain_zipf(word, language) == zipf_frequency(word, language), (language, word)
        for unlisted in ("qzxv", "imporvedly", "soth"):
            assert plain_zipf(unlisted, language) == zipf_frequency(unlisted, language), (language, unlisted)


# Sentences of Reuters-21578 stories as written (real words that no dictionary lists, abbreviations,
# a sentence-opening name), and the same kind of sentences with a misspelling put in.
REUTERS_KEPT = [
    "The loans will carry interest of 3.64 pct and 3.39 pct per annum, respectively.",
    "Potato yield is estimated at 234 cwts per acre, vs 229 cwts, and six mths vs 2,285,000.",
    "IBM demonstrated an experimental computer chip called an opto-electronic receiver.",
    "Stepp said there is such deep hostility between the two sides that a deal is unlikely.",
    "The charges were levied on an ad valorem basis on subsea equipment and sulphate imports.",
]
REUTERS_FIXED = [
    ("Champion Products Inc said its board of directors approved a twpo-for-one stock split.", "two-for-one"),
    ("The company said it will gaurentee the notes issued by its unit.", "guarantee"),
    ("In the fiscal 1986 fourth quarter the food processer reported earnings of 40 cts a share.", "food processor"),
    ("Alhtough there was inflation, at least the economy grew.", "Although there"),
]


def test_real_misspellings_are_fixed_and_real_rare_words_kept(tmp_path: Path) -> None:
    texts = [STORY + sentence for sentence in REUTERS_KEPT] + [STORY + typo for typo, _ in REUTERS_FIXED]
    cleaned = run_texts(tmp_path, texts)
    for text, out in zip(texts[: len(REUTERS_KEPT)], cleaned, strict=False):
        assert out == text
    for (typo, fixed), out in zip(REUTERS_FIXED, cleaned[len(REUTERS_KEPT) :], strict=True):
        assert fixed in out and out != STORY + typo, typo


def test_a_tie_is_settled_by_the_neighbouring_words_and_says_so(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    tie = "No reduction has been proposed in personel income taxes, which will discourage savings, economists said."
    source.write_bytes(orjson.dumps({"id": "d", "text": STORY + tie}) + b"\n")
    assert run_cli("clean", source, "-o", tmp_path / "out", "--workers", "1").returncode == 0
    [row] = typo_edits(tmp_path / "out").iter_rows(named=True)
    detail = json.loads(row["detail"])
    assert (row["before"], row["after"], row["rule"]) == ("personel", "personal", "typos.spelling_in_context")
    assert [c[0] for c in detail["candidates"][:2]] == ["personnel", "personal"]  # as near, the first more likely
    assert detail["neighbours"] == ["in _", "_ income"]
    assert all(detail["pair_counts"]["personal"]) and detail["pair_counts"]["personnel"][1] == 0


CASES = Path(__file__).parent / "cases" / "typos"


def _case_files() -> list[Path]:
    return sorted(CASES.glob("*.toml"))


@pytest.fixture(scope="module")
def cases_cleaned(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Every case text of tests/cases/typos/, each after a neutral English story (so the language
    stage is sure of it), through one pipeline run: text -> cleaned text."""
    texts = []
    for path in _case_files():
        cases = tomllib.loads(path.read_text("utf-8"))
        texts += [case["text"] for kind in ("keep", "fix") for case in cases.get(kind, [])]
    inputs = [STORY + text if text.isascii() else text for text in texts]
    cleaned = run_texts(tmp_path_factory.mktemp("cases"), inputs)
    return dict(zip(texts, cleaned, strict=True))


@pytest.mark.parametrize("path", _case_files(), ids=lambda path: path.stem)
def test_each_kind_of_damage_is_not_done_and_real_typos_are_fixed(path: Path, cases_cleaned: dict[str, str]) -> None:
    cases = tomllib.loads(path.read_text("utf-8"))
    for case in cases.get("keep", []):
        assert cases_cleaned[case["text"]].endswith(case["text"]), case["text"]
    for case in cases.get("fix", []):
        assert case["expect"] in cases_cleaned[case["text"]], case["text"]


@pytest.mark.parametrize(
    ("text", "control", "fixed"),
    [
        # A contraction whose apostrophe was lost to a replacement character is not "should".
        (
            "Google should\ufffdt change the PageRank of the linked page.",
            "Google shouldd change the PageRank",
            "should",
        ),
        # A Slovene place name in an address: "nad" is no "and" where no word around reads "and".
        (
            "Jarmila Fiedlerová\n\n009 Slovenčeva 51\n Suite 632\n Črni Vrh nad Idrijo\n Slovenia 15755",
            "Prices of cats nad dogs rose.",
            "cats and dogs",
        ),
        # Romanised Japanese in a table of Japanese words.
        ("| 呼ぶ | yobu | call |\n| 警察 | keisatsu | police |", "They said it was a graet day.", "great"),
    ],
)
def test_words_in_broken_or_foreign_text_are_left_alone(text: str, control: str, fixed: str) -> None:
    stage = TyposStage(TyposConfig())

    def apply(body: str) -> str:
        doc = Document(id="1", source="test", text=body, language="en", language_score=1.0)
        return stage.apply(doc, Counts()).text

    assert apply(text) == text
    assert fixed in apply(control)  # the stage does correct the word where English surrounds it


def test_a_word_touching_an_html_entity_left_in_the_text_is_not_corrected() -> None:
    """ "hasn&#8217;t" is "hasn't", not a typo of "has" (which it is with a space after it)."""
    stage = TyposStage(TyposConfig())
    story = "Ryan co-sponsored a bill that declared that an egg that {} even been fertilised is a person."
    for word, expected in (("hasn&#8217;t", "hasn&#8217;t"), ("hasn", "has")):
        doc = Document(id="1", source="test", text=story.format(word), language="en", language_score=1.0)
        assert stage.apply(doc, Counts()).text == story.format(expected)


ENDINGS_WITH_AN_L_TOO_FEW_OR_MANY = {  # Reuters sentences with an injected misspelling (bench_typos.py), each alone
    "A reading above 50 pct generaly indicates that the economy is in an expanding phase.": "pct generally indicates",
    "He said the government and the consultative group would meet annualy to gauge financing needs for each year.": (
        "meet annually to"
    ),
    "Unilever said it plans to change its depreciation policy to the more conventional practice of depreciating "
    "assets individualy rather than depreciating fixed assets at average rates.": "assets individually rather",
    "The five-year accord signed in July 1986 aims to protect the U.S. Market from dumping of low-price Japanese "
    "microchips, officialy known as semiconductors.": "microchips, officially known",
    "The first was caused by a fuel leak and the second by powerfull crosswinds.": "by powerful crosswinds",
}


def test_an_ending_spelt_with_an_l_too_few_or_many_is_that_ending(tmp_path: Path) -> None:
    """ "generaly" is "generally" and "powerfull" is "powerful": the writer spelt the adverb's or the
    adjective's ending, so "general" and "powerfully" were no choice for the neighbours, who (in a
    one-sentence document) had no pair to weigh them by."""
    cleaned = run_texts(tmp_path, list(ENDINGS_WITH_AN_L_TOO_FEW_OR_MANY))
    for text, expect in zip(cleaned, ENDINGS_WITH_AN_L_TOO_FEW_OR_MANY.values()):
        assert expect in text, text

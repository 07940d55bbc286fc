"""Article text the boilerplate stage used to remove, on the real stories and pages that showed it:
wire stories (repeated lines that are part of the story), clean news with a duplicated story,
and every generic rule run over the gold article lines of the shared data sets and all of Reuters."""

from __future__ import annotations

import gzip
import json
import re
import tarfile
from pathlib import Path

import orjson
import polars as pl
import pytest

from benchmarks.boilerplate_sets import cleaneval_gold
from corpus import Edit, replay
from corpus.document import Document
from corpus.readers.html import html_page
from corpus.rules import load_rules, normalise_line
from corpus.stages.boilerplate import BoilerplateConfig, BoilerplateStage
from corpus.stages.boilerplate.lines import make_unit
from corpus.stages.boilerplate.repetition import LineCounts
from corpus.stages.boilerplate.site_rules import SiteRules, removals, site_rules
from tests.conftest import shared_data
from tests.test_boilerplate import SIGN_OFF, run, stage_edits, text_lines

# Reuters-21578 stories (NEWID) and the lines of each that repetition across the collection removed.
REUTERS_KEEP = {
    "reuters-8269": ("Qtly div 10 cts vs 10 cts prior", "Pay April 30", "Record April 15"),  # all a dividend story says
    "reuters-1811": ("U.S. Trade Representative Clayton",),  # above "Yeutter said he hoped the U.S. dollar..."
    "reuters-18387": ("International",),  # above "Phoenix Energy Corp said it launched a gold recovery venture..."
    "reuters-2572": ("HOG AND CATTLE SLAUGHTER GUESSTIMATES",),  # a headline the wire sends every day
}


def _reuters_with_the_same_lines() -> list[dict[str, str]]:
    """The stories above and every story sharing one of their lines, so each line repeats as it did."""
    shared_data("neardup-reuters21578", "sgm")
    from benchmarks.bench_pipeline import reuters_stories

    wanted = {normalise_line(line) for lines in REUTERS_KEEP.values() for line in lines}
    return [
        story
        for story in reuters_stories()
        if story["id"] in REUTERS_KEEP or wanted & {normalise_line(line) for line in story["text"].split("\n")}
    ]


@pytest.fixture(scope="module")
def reuters_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("reuters-lines")
    (home / "in").mkdir()
    stories = _reuters_with_the_same_lines()
    (home / "in" / "reuters.jsonl").write_bytes(b"".join(orjson.dumps(s) + b"\n" for s in stories))
    run([home / "in"], home / "out")
    return home / "out"


def _story(out: Path, doc_id: str) -> list[str]:
    return text_lines(pl.read_parquet(out / "documents.parquet").filter(pl.col("id") == doc_id)["text"].item())


@pytest.mark.parametrize("doc_id", sorted(REUTERS_KEEP))
def test_a_line_repeated_across_the_wire_stays_where_it_is_part_of_the_story(reuters_out: Path, doc_id: str) -> None:
    stats = pl.read_parquet(reuters_out / "line_stats.parquet").filter(pl.col("site").is_null())
    counts = dict(zip(stats["line"], stats["documents"]))
    kept = _story(reuters_out, doc_id)
    for line in REUTERS_KEEP[doc_id]:
        assert counts.get(normalise_line(line), 0) >= 2, f"{line!r} no longer repeats: the test shows nothing"
        assert line in kept, (doc_id, line, kept[:6])
    assert not SIGN_OFF.fullmatch(kept[-1]), kept[-1]  # the sign-off under the story still goes


def test_the_wire_loses_no_headline_and_no_line_of_a_paragraph_or_a_table(reuters_out: Path) -> None:
    """Classed as the benchmark classes them (benchmarks/boilerplate_reuters.py), not by the stage's own code."""
    from benchmarks.boilerplate_reuters import kind, removed_lines

    docs = pl.read_parquet(reuters_out / "documents.parquet")
    edits = stage_edits(reuters_out)
    kinds = []
    for doc_id, text in docs.select("id", "text").iter_rows():
        before = replay(
            text,
            [Edit(**row) for row in edits.filter(pl.col("id") == doc_id).select(Edit.__slots__).iter_rows(named=True)],
            reverse=True,
        )
        lines = before.split("\n")
        kinds += [(doc_id, kind(lines, index), line) for index, line in removed_lines(before, text)]
    assert [k for k in kinds if k[1] not in ("sign-off", "other")] == []
    assert sum(k[1] == "sign-off" for k in kinds) > 100


# --- Clean news: edited articles, one sent twice -----------------------------------------------

ZYTE = "boilerplate-zyte-article-extraction-benchmark"
CLEAN_NEWS = {  # Zyte pages whose gold article (the edited story) has results, fixtures or dated lists
    "c81e134e": ("Rockledge 14 11 6 15 — 44", "Palm Bay d. Rockledge 70-44", "GIRLS SOCCER", "Viera d. Melbourne 1-0"),
    "9a440270": ("England (Group A): 10th appearance", "Wales (Group E): Second appearance"),
    "ac1bfdd4": (
        "June 9 – West Palm Beach, FL @ Coral Sky Amphitheatre",
        "October 10 – Houston, TX @ The Cynthia Woods Mitchell Pavilion",
    ),
}


def _clean_news() -> list[dict[str, str]]:
    """Each story as a news collection holds it, its headline (the page's title) over its gold body;
    the first one also as sent again with its opening paragraph rewritten."""
    folder = shared_data(ZYTE)
    gold = json.loads((folder / "ground-truth.json").read_text("utf-8"))
    records = []
    for prefix in CLEAN_NEWS:
        (key,) = [key for key in gold if key.startswith(prefix)]
        title = html_page(gzip.decompress((folder / "html" / f"{key}.html.gz").read_bytes()), mode="visible").title
        records.append({"id": prefix, "text": f"{title}\n\n{gold[key]['articleBody']}"})
    first = records[0]["text"].split("\n\n")
    resent = "\n\n".join([first[0], first[1] + " The coach called it the team's best half of the season.", *first[2:]])
    records.append({"id": f"{records[0]['id']}-resent", "text": resent})
    return records


@pytest.fixture(scope="module")
def clean_news_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, str]]]:
    home = tmp_path_factory.mktemp("clean-news")
    (home / "in").mkdir()
    records = _clean_news()
    (home / "in" / "news.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    run([home / "in"], home / "out")
    return home / "out", records


def test_clean_news_keeps_results_fixtures_and_the_headline_of_a_duplicated_story(
    clean_news_out: tuple[Path, list[dict[str, str]]],
) -> None:
    out, records = clean_news_out
    docs = pl.read_parquet(out / "documents.parquet")
    for record in records:
        kept = text_lines(docs.filter(pl.col("id") == record["id"])["text"].item())
        assert kept == text_lines(record["text"]), record["id"]
        for line in CLEAN_NEWS.get(record["id"].removesuffix("-resent"), ()):
            assert line in kept, (record["id"], line)
    assert stage_edits(out).filter(pl.col("before").str.strip_chars() != "").height == 0


def test_a_story_sent_twice_counts_once(clean_news_out: tuple[Path, list[dict[str, str]]]) -> None:
    out, records = clean_news_out
    headline = normalise_line(records[0]["text"].split("\n")[0])
    stats = pl.read_parquet(out / "line_stats.parquet")
    assert stats.filter(pl.col("line") == headline).height == 0  # on two documents, one story


# --- Every generic rule over the gold article lines of every data set --------------------------

# Gold lines that generic rules remove and that are not the article's prose: the sets' annotators
# kept some chrome (a wire's legal notice, a site's credit or pitch). Each was read; a new match
# fails the test until it is read too.
SENTENCE_END = re.compile(r"""[.!?]["'”’)]*$""")  # "By Dana on Thursday, May 1, 2003 - 12:36 pm:" heads a post
GOLD_CHROME = {
    "© 2019 Associated Press. All Rights Reserved. "
    "This material may not be published, broadcast, rewritten, or redistributed.",
    "Receive the HBS Working Knowledge e-mail newsletter each week—"
    "new business research and ideas delivered to your inbox.",
}


def _generic_rules(empty: Path) -> SiteRules:
    """generic.toml as shipped (`empty`: a rules folder with nothing in it)."""
    empty.mkdir(exist_ok=True)
    (generic,) = [rules for rules in site_rules(load_rules(empty)) if rules.applies_to_all]
    return generic


def _gold_texts(tmp_path: Path) -> dict[str, list[str]]:
    """The gold article text of every page of each set (trafilatura's set: its main-text snippets)."""
    texts = {
        "zyte": [
            g["articleBody"] for g in json.loads((shared_data(ZYTE) / "ground-truth.json").read_text("utf-8")).values()
        ]
    }
    for name, archive, prefix in (
        ("cleanportaleval", "boilerplate-cleanportaleval", "cleanportaleval"),
        ("cleaneval", "boilerplate-cleaneval", "cleaneval/final"),
    ):
        with tarfile.open(shared_data(archive, f"{name}.tar.xz")) as tar:
            tar.extractall(tmp_path / name, filter="data")
        texts[name] = [cleaneval_gold(path.read_bytes()) for path in (tmp_path / name / prefix / "gold").glob("*.txt")]
    items = json.loads(shared_data("boilerplate-trafilatura-eval", "evaldata-subset.json").read_text("utf-8"))
    texts["trafilatura"] = ["\n".join(item["with"]) for item in items.values()]
    return texts


def test_no_generic_rule_removes_a_sentence_of_a_gold_article(tmp_path: Path) -> None:
    generic = _generic_rules(tmp_path / "rules")
    hits = []
    for name, texts in _gold_texts(tmp_path).items():
        for text in texts:
            lines = [line for line in text.split("\n") if line.strip()]
            for first, _, rule_id in removals(generic, lines, guards=False):
                line = lines[first].strip()
                if make_unit(lines, first, first).prose and SENTENCE_END.search(line) and line not in GOLD_CHROME:
                    hits.append((name, rule_id, line[:100]))
    assert hits == []


def test_no_generic_rule_removes_a_line_of_a_wire_story(tmp_path: Path) -> None:
    """All 19,043 Reuters stories through the stage with no repetition counts: the rules alone, where
    the stage applies them (a line inside a hand-laid paragraph or table is never a rule's match)."""
    shared_data("neardup-reuters21578", "sgm")
    from benchmarks.bench_pipeline import reuters_stories

    (tmp_path / "rules").mkdir()
    stage = BoilerplateStage(BoilerplateConfig(), load_rules(tmp_path / "rules"))
    hits = []
    for story in reuters_stories():
        doc = stage.apply(Document(id=story["id"], source=story["id"], text=story["text"]), LineCounts())
        assert isinstance(doc, Document), story["id"]
        hits += [(story["id"], edit.rule, edit.before.strip()) for edit in doc.edits if edit.before.strip()]
    assert hits == []


# --- Copies of a page's own text ----------------------------------------------------------------

ZYTE_TEXT_PAGES = {  # Zyte key prefix -> (a line of the article that must stay once, a copy that must go)
    "fde930b01859": (
        "The New York state attorney general is investigating WeWork amid layoffs.",
        "Good morning! This is the tech news you need to know this Tuesday. The New York state attorney general",
    ),
    "db6b0816c612": (
        "Esper accuses China of intimidating smaller Asian nations",
        "Esper is on a visit to Vietnam to strengthen the military relations... more",
    ),
}


def _zyte_text_docs() -> dict[str, str]:
    folder = shared_data(ZYTE)
    visible = json.loads(gzip.decompress((folder / "baseline-outputs" / "html-text.json.gz").read_bytes()))["output"]
    return {key: value["articleBody"] for key, value in visible.items()}


def test_a_page_showing_its_article_twice_keeps_one_copy() -> None:
    """Business Insider's page holds its whole article again as one line of metadata; Chron's shows a
    caption in full and again cut short: the copies go, the article's own paragraphs stay once."""
    docs = _zyte_text_docs()
    stage = BoilerplateStage(BoilerplateConfig())
    for prefix, (kept_text, copy) in ZYTE_TEXT_PAGES.items():
        (key,) = [key for key in docs if key.startswith(prefix)]
        doc = stage.apply(Document(id=key, source=key, text=docs[key]), LineCounts())
        assert isinstance(doc, Document)
        lines = doc.text.split("\n")
        assert sum(kept_text in line for line in lines) == 1, (prefix, kept_text)
        assert not any(line.startswith(copy) or line.endswith(copy) for line in lines), (prefix, copy)
        assert any(edit.rule == "repeat.page" for edit in doc.edits), prefix


def test_a_lede_repeating_part_of_a_video_caption_above_it_stays() -> None:
    """NBC's page has a video's caption, then the article's lede saying part of it again: the lede is the article's."""
    docs = _zyte_text_docs()
    (key,) = [key for key in docs if "A video showing the dramatic moment a kidnapped 8-year-old" in docs[key]]
    doc = BoilerplateStage(BoilerplateConfig()).apply(Document(id=key, source=key, text=docs[key]), LineCounts())
    assert isinstance(doc, Document)
    lede = (
        "A video showing the dramatic moment a kidnapped 8-year-old Fort Worth girl was rescued by police "
        "was released Monday."
    )
    assert lede in doc.text.split("\n")


_TRIAL_ROW = (
    "| Patients - Stage {} ctDNA measures will be taken and descriptive statistics will be estimated. These include "
    "means, standard deviations and 95% confidence intervals. Next, within group changes in ctDNA levels will be "
    "measured for each of the four groups. These change values will be estimated with 95% confidence intervals. In "
    "addition, paired t-tests will be performed to determine whether there were statistically significant changes in "
    "ctDNA levels at time points post-treatment or follow-up. After these paired analyses are performed, an "
    "exploratory longitudinal mixed model will be fit to examine the change in ctDNA levels. |"
)


def test_rows_of_a_table_that_differ_in_a_word_are_not_copies() -> None:
    """A study's cohorts on ClinicalTrials.gov (a public-domain record, as trafilatura's main text writes its
    table): each row says the same of another group, and the second went as repeat.page."""
    cohorts = ("I treated with surgery", "I treated with radiotherapy", "II treated with surgery & chemotherapy")
    text = "\n".join(["| Group/Cohort |", "|---|", *(_TRIAL_ROW.format(cohort) for cohort in cohorts)]) + "\n"
    doc = BoilerplateStage(BoilerplateConfig()).apply(
        Document(id="trial", source="trial", text=text, metadata={"html_mode": "main"}), LineCounts()
    )
    assert isinstance(doc, Document)
    assert doc.text == text, [edit.before for edit in doc.edits]


def test_no_gold_article_holds_a_copy_the_stage_would_remove(tmp_path: Path) -> None:
    """Copies repeated farther apart are often the article's (an interviewer's question to each guest,
    a meal plan's recipes): only the two shapes `copies` names go, and no gold text of any set has one."""
    from corpus.stages.boilerplate.copies import page_copies
    from corpus.stages.boilerplate.lines import layout, units

    hits = []
    for name, texts in _gold_texts(tmp_path).items():
        for text in texts:
            lines = text.split("\n")
            found = units(lines)
            if not layout(found, lines).plain:
                hits += [(name, found[n].text[:100]) for n in page_copies(found)]
    assert hits == []


@pytest.mark.parametrize(
    ("page", "line"),
    [
        (
            "thestkittsnevisobserver.com-bvi.html",
            "“I realise this will be shocking news for people in the Territory.",
        ),  # quoted whole, repeated in part below
        (
            "nationalrail.co.uk.disruptions.html",
            "Luggage - any restrictions on bags, suitcases or other large objects? No restrictions except",
        ),  # an FAQ's answer
    ],
)
def test_text_repeated_farther_down_the_page_stays(page: str, line: str) -> None:
    """Pages of trafilatura's evaluation set, a set the copies were not tuned on: a governor's statement
    quoted in full and then sentence by sentence, an FAQ whose sections share questions and answers."""
    raw = gzip.decompress((shared_data("boilerplate-trafilatura-eval") / "html" / f"{page}.gz").read_bytes())
    text = html_page(raw, mode="main").text
    assert sum(each.startswith(line) for each in text.split("\n")) >= 1, (
        "the page no longer shows the line: the test shows nothing"
    )
    doc = BoilerplateStage(BoilerplateConfig()).apply(Document(id=page, source=page, text=text), LineCounts())
    assert isinstance(doc, Document)
    assert sum(each.startswith(line) for each in doc.text.split("\n")) == sum(
        each.startswith(line) for each in text.split("\n")
    )
    assert not any(edit.rule == "repeat.page" and line[:40] in edit.before for edit in doc.edits)


@pytest.mark.parametrize(
    ("page", "line"),
    [
        ("fifplay.com.settings.html", "| Pass Speed – User"),  # a table of game settings
        ("everardoherrera.com-momento.html", "Herediano vs San Carlos (8 pm)"),  # a list of fixtures
    ],
)
def test_the_main_text_is_taken_as_an_article_its_tables_and_lists_stay(page: str, line: str) -> None:
    """trafilatura's main text holds no menus, but its tables and lists have as many short lines as
    one: read with html_mode "main", a page is an article, and only rules, repetition and teasers
    remove its lines (these rows went as generic.short_line)."""
    from corpus.readers.webpage import UnparsedHtml

    raw = gzip.decompress((shared_data("boilerplate-trafilatura-eval") / "html" / f"{page}.gz").read_bytes())
    doc = UnparsedHtml(source=page, data=raw, mode="main").parse()
    assert isinstance(doc, Document) and doc.metadata["html_mode"] == "main"
    assert any(each.startswith(line) for each in doc.text.split("\n")), (
        "the page no longer shows the line: the test shows nothing"
    )
    out = BoilerplateStage(BoilerplateConfig()).apply(doc, LineCounts())
    assert isinstance(out, Document)
    assert any(each.startswith(line) for each in out.text.split("\n"))
    assert not any(edit.rule == "generic.short_line" for edit in out.edits)


@pytest.mark.parametrize(
    ("page", "address"),
    [
        (
            "ef2b3f26",
            "https://www.mysanantonio.com/news/article/Cat-found-in-New-Mexico-after-going-missing-in-14848175.php",
        ),
        ("f8ff621a", "https://www.barrons.com/articles/home-depot-stock-earnings-report-51574168486"),  # a print footer
    ],
)
def test_the_page_s_own_address_alone_on_a_line_goes(page: str, address: str) -> None:
    """trafilatura's main text of these Zyte pages holds the page's own URL as a line of its own."""
    from corpus.readers.webpage import UnparsedHtml

    folder = shared_data("boilerplate-zyte-article-extraction-benchmark")
    (path,) = (folder / "html").glob(f"{page}*.html.gz")
    doc = UnparsedHtml(source=path.name, data=gzip.decompress(path.read_bytes()), mode="main").parse()
    assert isinstance(doc, Document) and doc.url == address
    assert address in doc.text.split("\n"), "the page no longer shows its address: the test shows nothing"
    out = BoilerplateStage(BoilerplateConfig()).apply(doc, LineCounts())
    assert isinstance(out, Document)
    assert ("generic.own_address", address) in [(edit.rule, edit.before.strip()) for edit in out.edits]
    assert address not in out.text


def test_a_one_column_table_s_row_is_a_line_to_the_rules_and_a_wider_table_s_row_is_not(tmp_path: Path) -> None:
    """Pages laid out in tables (CleanEval's) hold their chrome in one-column rows ("| ADVERTISEMENT |",
    "| Privacy Policy |"), which the line rules did not see through the pipes. A row of a wider table
    is the table's own: the Statute of Westminster's date in Wikipedia's infobox for New Zealand sits
    in a row whose label cell is empty, and a date line it is not."""
    generic = _generic_rules(tmp_path / "rules")
    lines = [
        "| ADVERTISEMENT |",
        "| Privacy Policy |",
        "| • Dominion | 26 September 1907 |",
        "| | 25 November 1947 |",
        "| Wednesday, January 11, 2006 |",
    ]
    removed = {lines[first]: rule_id for first, _, rule_id in removals(generic, lines, guards=False)}
    assert removed == {
        "| ADVERTISEMENT |": "generic.advertisement",
        "| Privacy Policy |": "generic.site_controls",
        "| Wednesday, January 11, 2006 |": "generic.dateline",
    }

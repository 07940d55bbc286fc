"""corpus.readers.html: visible text one block per line, metadata, charsets, never raising;
html_mode "main" (trafilatura's main text) and its drops.

Most checks run on real pages of the Zyte article-extraction benchmark (see its SOURCE.md),
found by `tests.conftest.shared_data`: skipped where the data is absent, failing under CI.
"""

from __future__ import annotations

import gzip
import json
import random
import re
import sys
from functools import cache
from pathlib import Path

import pytest

from corpus.config import ReadConfig
from corpus.document import Document, ReadFailure
from corpus.errors import ConfigError
from corpus.readers import main_text
from corpus.readers.html import HtmlPage, html_page, sniff_charset
from corpus.readers.webpage import UnparsedHtml
from tests.conftest import cleaneval_file, run_cli, shared_data

ZYTE = "boilerplate-zyte-article-extraction-benchmark"
GUARDIAN = "5fa3154ec031ab35411a457d78eb5aa92c0e803c5329bd05c001e6d64009e206"  # en, 730 KB
WDAY = "c82b3d1d540bbbd6081bdfb78b4c068c583aa766bcaaefe7ad16d24e5413a829"  # ru, <meta charset=utf-8>
JARAGUA = "f6ac15a4d98511396da23e4428deb5605422b1c8bbc8284e771f6896bdccf57f"  # pt, http-equiv UTF-8


@cache
def _gold() -> dict[str, dict[str, str]]:
    gold: dict[str, dict[str, str]] = json.loads(shared_data(ZYTE, "ground-truth.json").read_text("utf-8"))
    return gold


@cache
def _raw(key: str) -> bytes:
    return gzip.decompress(shared_data(ZYTE, "html", f"{key}.html.gz").read_bytes())


def _paragraphs(key: str) -> list[str]:
    return [p for p in _gold()[key]["articleBody"].split("\n\n") if p.strip()]


# ------------------------------------------------------------------ real pages


def test_title_and_canonical_url() -> None:
    page = html_page(_raw(GUARDIAN))
    assert page.title == "The Guardian view on Hong Kong: a city on the brink | Editorial | Opinion | The Guardian"
    assert page.url == _gold()[GUARDIAN]["url"]
    assert page.encoding.replace("_", "-").lower() in {"utf-8", "utf8"}


def test_article_paragraphs_are_whole_lines() -> None:
    lines = set(html_page(_raw(GUARDIAN)).text.split("\n"))
    # paragraph 0 starts with a drop cap (<span>H</span>ong): html-text spaces it apart
    for paragraph in _paragraphs(GUARDIAN)[1:]:
        assert paragraph in lines


def test_no_empty_or_padded_lines() -> None:
    text = html_page(_raw(GUARDIAN)).text
    assert text
    assert all(line and line == line.strip() for line in text.split("\n"))


def test_chrome_is_kept_on_its_own_lines() -> None:
    # Not extraction: site navigation and footer stay, each entry apart from the article
    lines = html_page(_raw(GUARDIAN)).text.split("\n")
    assert len(lines) > 3 * len(_paragraphs(GUARDIAN))
    assert "Opinion" in lines  # a section link of the top navigation


def test_scripts_styles_and_head_are_not_text() -> None:
    raw = _raw(GUARDIAN).decode("utf-8")
    text = html_page(_raw(GUARDIAN)).text
    hidden = re.findall(r"<(script|style|noscript)\b[^>]*>(.*?)</\1>", raw, re.DOTALL | re.IGNORECASE)
    snippets = [" ".join(body.split())[:40] for _, body in hidden if len(body.strip()) >= 40]
    assert len(snippets) >= 5
    for snippet in snippets:
        assert snippet not in text
    assert "window.guardian" not in text
    assert not text.startswith("The Guardian view on Hong Kong: a city on the brink |")  # <title> is metadata


def test_utf8_page_with_lying_meta_charset() -> None:
    # UTF-8 bytes that declare windows-1251: trusting the <meta> would give "РЎРµ..." mojibake
    raw = _raw(WDAY)
    assert sniff_charset(raw) == "utf-8"
    lying = raw.replace(b'<meta charset="utf-8"', b'<meta charset="windows-1251"', 1)
    assert sniff_charset(lying) == "windows-1251"
    lines = set(html_page(lying).text.split("\n"))
    assert _paragraphs(WDAY)[1] in lines


def test_cp1251_page_that_claims_utf8() -> None:
    raw = _raw(WDAY).decode("utf-8").encode("cp1251", "xmlcharrefreplace")
    page = html_page(raw)  # still says <meta charset="utf-8">
    assert _paragraphs(WDAY)[1] in set(page.text.split("\n"))


def _latin1_jaragua(meta: str | None) -> bytes:
    html = _raw(JARAGUA).decode("utf-8")
    html = html.replace('charset=UTF-8"', f'charset={meta}"' if meta else '"', 1)
    return html.encode("latin-1", "xmlcharrefreplace")


def test_latin1_page_with_meta_charset() -> None:
    raw = _latin1_jaragua("ISO-8859-1")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    page = html_page(raw)
    assert page.title == "Atendimento Domiciliar registra arrombamento em veículos"
    assert _paragraphs(JARAGUA)[0] in set(page.text.split("\n"))


def test_latin1_page_with_http_charset_only() -> None:
    raw = _latin1_jaragua(None)
    assert sniff_charset(raw) is None
    page = html_page(raw, declared_charset="iso-8859-1")
    assert _paragraphs(JARAGUA)[0] in set(page.text.split("\n"))


# ------------------------------------------------------------------ synthetic


def test_blocks_lines_and_invisible_elements() -> None:
    html = b"""<!DOCTYPE html><html><head><title> A
      title </title><style>p{color:red}</style>
    <link rel="Canonical" href=" https://example.org/a ">
    <script>var hidden = 1;</script></head><body>
    <nav><ul><li><a href="/">Home</a></li><li><a href="/news">News</a></li></ul></nav>
    <h1>Big <b>news</b></h1><p>First <a href="#">link</a> para.</p><p>Second<br>line two</p>
    <section>bare one</section><section>bare two</section>
    <table><tr><td>c1</td><td>c2</td></tr><tr><td>c3</td><td>c4</td></tr></table>
    <noscript>Enable JS</noscript><template><p>tpl</p></template><!-- a comment -->
    <svg><title>icon</title></svg><footer>&copy; 2024 Example</footer></body></html>"""
    page = html_page(html)
    assert page == HtmlPage(
        text="Home\nNews\nBig news\nFirst link para.\nSecond\nline two\nbare one\nbare two\n"
        "c1 c2\nc3 c4\n© 2024 Example",
        title="A title",
        url="https://example.org/a",
        encoding=page.encoding,
    )


def test_preformatted_text_keeps_its_lines() -> None:
    html = b"<p>before</p><pre>\nline one\n  line two\n\nline <b>three\nsplit</b> after\n</pre><p>after</p>"
    assert html_page(html).text == "before\nline one\nline two\nline three\nsplit after\nafter"


def test_a_story_in_pre_is_not_one_line() -> None:
    # CleanEval page 78: a whole story laid out in <pre>, which html-text alone flattens to a line
    lines = html_page(cleaneval_file("cleaneval/final/input/78.html")).text.split("\n")
    assert lines[:4] == [
        "August meets the Cult",
        "--------------------------",
        "August enters from the street outside.",
        "August has arrived.",
    ]
    assert len(lines) > 50 and max(map(len, lines)) < 200


def test_og_fallbacks_and_absent_metadata() -> None:
    og = b"""<html><head><meta property="og:title" content="OG  title">
    <meta property="og:url" content="https://example.org/og"></head><body><p>x</p></body></html>"""
    assert (html_page(og).title, html_page(og).url) == ("OG title", "https://example.org/og")
    bare = html_page(b"<p>only text</p>")
    assert (bare.text, bare.title, bare.url) == ("only text", None, None)


def test_sniff_charset() -> None:
    assert sniff_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">') == "iso-8859-1"
    assert sniff_charset(b"<META CHARSET='Shift_JIS'>") == "shift_jis"
    assert sniff_charset(b'<?xml version="1.0" encoding="EUC-JP"?><html/>') == "euc-jp"
    assert sniff_charset(b"<meta charset=utf-16>") == "utf-8"  # an ASCII-readable utf-16 label lies
    assert sniff_charset(b"\xef\xbb\xbf<meta charset=latin1>") == "utf-8"  # the BOM wins
    assert sniff_charset(b"<p>no declaration</p>") is None


@pytest.mark.parametrize("mode", ["visible", "main"])
@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"   \n",
        b"\x00\x00\x00",
        b"<",
        b"<html>",
        b"<!-- only a comment -->",
        b"<?xml version='1.0'?>",
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\x00\x01\x02",
        b"\xff\xfe<\x00p\x00>\x00",
        b"\xed\xa0\x80 lone surrogate \xed\xb0\x80",
        b"<meta charset=no-such-codec><p>x</p>",
        b"<div>" * 50_000 + b"deep" + b"</div>" * 50_000,
    ],
)
def test_never_raises(data: bytes, mode: str) -> None:
    page = html_page(data, mode=mode)  # type: ignore[arg-type]
    assert isinstance(page.text, str) and isinstance(page.encoding, str)


def test_deep_nesting_is_not_cut_short() -> None:
    # libxml2 without huge_tree drops everything after 255 nested elements
    html = b"<p>before</p>" + b"<div>" * 1000 + b"deep" + b"</div>" * 1000 + b"<p>after</p>"
    assert html_page(html).text == "before\ndeep\nafter"


def test_empty_bytes_give_empty_page() -> None:
    page = html_page(b"")
    assert (page.text, page.title, page.url) == ("", None, None)


def test_random_garbage_never_raises() -> None:
    rng = random.Random(20241123)
    for _ in range(200):
        data = rng.randbytes(rng.randrange(1, 2000))
        assert isinstance(html_page(data, declared_charset=rng.choice([None, "utf-8", "bogus"])).text, str)


# ------------------------------------------------------------------ html_mode = "main"

SCOTTISH_RENEWABLES = "cleaneval/final/input/694.html"  # a 2003 press release laid out in tables
HIGH_PRESSURE = "cleaneval/final/input/345.html"  # a translated story, one line per phrase, in tables


def test_main_text_is_the_article_one_paragraph_a_line() -> None:
    main = html_page(_raw(GUARDIAN), mode="main")
    # every paragraph whole, the drop-cap one too (trafilatura joins <span>H</span>ong)
    assert main.text.split("\n") == _paragraphs(GUARDIAN)
    assert all(line and line == line.strip() for line in main.text.split("\n"))


def test_main_text_leaves_the_chrome_out() -> None:
    visible = html_page(_raw(GUARDIAN)).text.split("\n")
    main = html_page(_raw(GUARDIAN), mode="main").text.split("\n")
    assert "Opinion" in visible and "Opinion" not in main  # top navigation
    assert len(visible) > 20 * len(main)


def test_main_mode_keeps_title_and_canonical_url() -> None:
    for key in (GUARDIAN, WDAY, JARAGUA):
        visible, main = html_page(_raw(key)), html_page(_raw(key), mode="main")
        assert (main.title, main.url, main.encoding) == (visible.title, visible.url, visible.encoding)
    assert html_page(_raw(GUARDIAN), mode="main").url == _gold()[GUARDIAN]["url"]


def test_main_mode_decodes_like_the_visible_mode() -> None:
    # trafilatura gets our decoded text, so a lying <meta charset> cannot garble the article
    lying = _raw(WDAY).replace(b'<meta charset="utf-8"', b'<meta charset="windows-1251"', 1)
    assert _paragraphs(WDAY)[1] in html_page(lying, mode="main").text.split("\n")


def test_main_mode_recall_on_zyte_pages() -> None:
    # the article, nearly whole, on a spread of sites and languages (every 12th page)
    keys = sorted(_gold())[::12]
    for key in keys:
        gold = re.findall(r"\w+", _gold()[key]["articleBody"])
        got = set(re.findall(r"\w+", html_page(_raw(key), mode="main").text))
        assert sum(token in got for token in gold) >= 0.9 * len(gold), key


def test_page_without_main_text_is_dropped_with_its_visible_text() -> None:
    data = cleaneval_file(HIGH_PRESSURE)
    record = UnparsedHtml("345.html", data, mode="main").parse()
    assert isinstance(record, ReadFailure)
    assert (record.source, record.reason) == ("345.html", "no_main_text")
    assert record.detail == "trafilatura found no main text in the page"
    # the dropped record keeps what the page shows, for an audit; not a fallback into the corpus
    visible = UnparsedHtml("345.html", data).parse()
    assert isinstance(visible, Document) and record.text == visible.text
    assert "Translated from the German by W. Martin" in visible.text


def test_a_page_saved_without_its_html_and_head_tags_has_main_text() -> None:
    """CleanEval's pages are bodies in a `<text id=...>` tag: trafilatura took them as "not valid HTML"
    (one element, no "html" in the first 50 characters) and found nothing, so 42 of its 739 pages were
    dropped as `no_main_text`, this press release among them."""
    page = UnparsedHtml("694.html", cleaneval_file(SCOTTISH_RENEWABLES), mode="main").parse()
    assert isinstance(page, Document)
    assert "Scottish Renewables calls on Ofgem and UK Government to simplify grid charging" in page.text
    blog = UnparsedHtml("57.html", cleaneval_file("cleaneval/dev/input/57.html"), mode="main").parse()
    assert isinstance(blog, Document)  # a blog's post, without the blog's header
    assert "A well informed Washington-based Syria-analyst wrote me the following" in blog.text
    assert "Thoughts on Syrian politics, history and religion." not in blog.text


def test_page_without_visible_text_is_empty_in_main_mode_too() -> None:
    record = UnparsedHtml(
        "app.html", b"<html><body><div id=app></div><script>x()</script></body></html>", mode="main"
    ).parse()
    assert record == ReadFailure("app.html", "empty_document", "no visible text in the HTML", id=None)


def test_main_mode_through_the_reader_config(tmp_path: Path) -> None:
    from corpus.readers import InputFile, read_input

    page = tmp_path / "guardian.html.gz"
    page.write_bytes(gzip.compress(_raw(GUARDIAN)))
    [record] = read_input(InputFile(page, page.name), ReadConfig(html_mode="main"))
    assert isinstance(record, UnparsedHtml)
    doc = record.parse()
    assert isinstance(doc, Document)
    assert doc.text.split("\n") == _paragraphs(GUARDIAN)
    assert doc.url == _gold()[GUARDIAN]["url"]
    assert doc.metadata["title"].startswith("The Guardian view on Hong Kong")


def test_main_mode_without_trafilatura_is_a_config_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    with pytest.raises(ConfigError) as raised:
        ReadConfig(html_mode="main")
    assert "reinstall corpus (pip install -e .)" in raised.value.line()
    ReadConfig(html_mode="visible")  # the other modes do not need it
    with pytest.raises(ConfigError):
        html_page(_raw(GUARDIAN), mode="main")  # the library call says so too, not an empty page


def test_cli_without_trafilatura_fails_in_one_line_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "page.html").write_bytes(_raw(GUARDIAN))
    (tmp_path / "corpus.toml").write_text('[read]\nhtml_mode = "main"\n')
    monkeypatch.setitem(sys.modules, "trafilatura", None)  # import trafilatura now raises ImportError
    result = run_cli("clean", "page.html", "-o", "out", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        'corpus: error: [read] html_mode = "main": needs trafilatura, which is not installed '
        '(reinstall corpus (pip install -e .), or use html_mode = "visible")'
    ]
    assert not (tmp_path / "out").exists()


def test_a_main_mode_run_names_trafilatura_in_the_manifest(tmp_path: Path) -> None:
    from corpus import pipeline
    from corpus.config import Config, RunConfig, load_config

    page = tmp_path / "in" / "guardian.html.gz"
    page.parent.mkdir()
    page.write_bytes(gzip.compress(_raw(GUARDIAN)))
    defaults = load_config(None, stages=pipeline.STAGES)
    for mode, named in (("main", True), ("visible", False)):
        config = Config(
            read=ReadConfig(html_mode=mode), run=RunConfig(workers=1, skip=("language",)), stages=defaults.stages
        )
        out = tmp_path / mode
        pipeline.run([page.parent], out, config)
        libraries = json.loads((out / "manifest.json").read_text())["libraries"]
        assert ("trafilatura" in libraries) is named


# ------------------------------------------------------------------ main mode: article prose put back

WIRED_BANKS = "2f42ef1d3ea0c96e56355d3db93d0e06b47e760b74f6f4261278b8cd1c246dd6"  # article in two containers
MACRUMORS = "232a43fb15abde807427b2a7bf4f772e27b8760554370956d8291df4e8166dbf"  # lede as bare text before <br>
RT_BOLIVIA = "4a44ab3e4c41d56ce9b79eb07acb06aed1bc52aba68a950f06e7de7ef848400a"  # lede as bare text in a <div>


def _main_lines(key: str) -> list[str]:
    return html_page(_raw(key), mode="main").text.split("\n")


def test_main_mode_keeps_the_half_of_an_article_split_around_an_ad() -> None:
    # wired.com splits the story into two containers of one class around "Advertisement";
    # trafilatura reads the first only
    lines = _main_lines(WIRED_BANKS)
    visible = html_page(_raw(WIRED_BANKS)).text.split("\n")
    assert "But there are two problems with this potential disruption." in lines  # a short one, between
    assert any(line.startswith("A second problem is more serious. Ultimately,") for line in lines)
    assert lines[-1].startswith("A second problem is more serious.")  # the story's last paragraph ends it
    for chrome in ("Advertisement", "SUBSCRIBE", "More Great WIRED Stories"):
        assert chrome in visible and chrome not in lines
    assert not any(line.startswith("Subscribe to WIRED") for line in lines)  # the promo between the two halves


def test_main_mode_keeps_a_lede_written_as_bare_text() -> None:
    lines = _main_lines(MACRUMORS)
    title = lines.index("13-Inch MacBook Pro With Scissor Keyboard Expected in First Half of 2020")
    assert lines[title + 1].startswith("Following the 16-inch MacBook Pro, Apple plans to release")  # in place
    assert "16-inch MacBook Pro's new scissor switch keyboard via iFixit" not in lines  # its photo caption
    assert not any(line.startswith("Monday November 18, 2019") for line in lines)  # the byline

    lines = _main_lines(RT_BOLIVIA)
    assert any(line.startswith("Three people have died during protests in Bolivia") for line in lines)
    assert not any("© Reuters / David Mercado" in line for line in lines)  # the photo caption above it
    assert "Follow RT on" not in lines


def test_main_mode_gives_trafilaturas_text_when_recovery_would_cost_too_much(monkeypatch: pytest.MonkeyPatch) -> None:
    # a hostile page (markup nested hundreds deep, tens of thousands of lines) must not make reading
    # quadratic: past the bound on characters read, the page keeps trafilatura's text as it is
    recovered = _main_lines(WIRED_BANKS)
    monkeypatch.setattr(main_text, "_MAX_WORK", 10_000)
    bounded = _main_lines(WIRED_BANKS)
    assert "But there are two problems with this potential disruption." in recovered
    assert "But there are two problems with this potential disruption." not in bounded
    assert bounded == [line for line in recovered if line in bounded]  # trafilatura's lines, in order
    assert bounded[0] == recovered[0]


WIRED_INSTAGRAM = "d48aeb9cf2f2ff15769a57513249b4a6a669159f3e50b335e741d4206a824e88"  # split article, a quote's odd end
NJ_METH = "3f65af7b6b98b1c9ae9a3e0d8a09a85600cdc44e26e4b3a6db96a31f4b1767e3"  # tweets embedded in the story
IGN_DEALS = (
    "287e4d9f4af31733aad6534aefb2bd00fb344ec8d6ebf1ac99dbc4d762da0ca4"  # a lede as bare text above the first <h2>
)


def test_main_mode_keeps_a_paragraph_whose_closing_quote_follows_a_space() -> None:
    # the second half of a split wired.com story: "... could I have a cyberstalker? ”" ends a sentence too
    lines = _main_lines(WIRED_INSTAGRAM)
    stunned = next(n for n, line in enumerate(lines) if line.startswith("“I was stunned just to see how many people"))
    assert lines[stunned].endswith("could I have a cyberstalker? ”")
    assert lines[stunned - 1].startswith("I learned that over a dozen people tapped on the profile")
    assert lines[stunned + 1].startswith("Instagram also lets you see how people interact with your stories")


def test_main_mode_keeps_the_tweets_a_story_embeds() -> None:
    # nj.com quotes five tweets between its paragraphs; trafilatura drops them with the widgets
    lines = _main_lines(NJ_METH)
    said = lines.index(
        "And if you haven’t yet noticed what might be wrong, a whole lot of people on Twitter pointed it out."
    )
    assert lines[said + 1 : said + 3] == [
        "Yes this is real and yes the state spent nearly half a million dollars on it: https://t.co/Nc0nKoXGBP",
        "— Dianna E. Anderson 🏳️‍🌈 (@diannaeanderson) November 18, 2019",
    ]
    assert lines[said + 3].startswith("So many people were talking about South Dakota’s odd new slogan")
    noem = lines.index("— Governor Kristi Noem (@govkristinoem) November 18, 2019")
    assert lines[noem - 2 : noem] == [
        "Hey Twitter, the whole point of this ad campaign is to raise awareness. So I think that’s working... "
        "#thanks #MethWeAreOnIt",
        "⬇️⬇️⬇️ https://t.co/hopPjqa95w",
    ]
    assert lines[noem + 1] == "Still, this isn’t the first time a slogan has gone awry in South Dakota."
    assert sum(line.startswith("— ") and line.endswith(", 2019") for line in lines) == 5
    assert not any(line.startswith("By Amy Kuperinsky") for line in lines)  # the byline stays out


def test_main_mode_keeps_a_lede_written_as_bare_text_above_the_first_heading() -> None:
    # ign.com's deals page: the lede is bare text in the section whose <h2>s and paragraphs trafilatura kept
    lines = _main_lines(IGN_DEALS)
    assert lines[0].startswith("We bring you the best deals we've found today on video games")
    assert lines[1] == "PS4 DualShock Controller in Crystal for $39.99"
    visible = html_page(_raw(IGN_DEALS)).text.split("\n")
    welcome = "Welcome to IGN's Daily Deals, your source for the best deals on the stuff you actually want to buy."
    assert any(line.startswith(welcome) for line in visible)  # the disclaimer box just above: not the article's
    assert not any(line.startswith(welcome) for line in lines)


POLITIFACT_TARIFFS = "b6906ca016bbfc64c90426e098c75b3e8c84457a77f51f1e7ea6941cb80c2147"  # questions as subheadings


def test_main_mode_keeps_a_four_word_question_between_paragraphs() -> None:
    lines = _main_lines(POLITIFACT_TARIFFS)
    question = lines.index("Don’t tariffs produce revenue?")
    assert (
        lines[question + 1]
        == "Revenues from the Trump-imposed tariffs have totaled about $63 billion through June 30, 2019."
    )
    assert lines[question - 1].startswith("Meanwhile, tariffs could mean that producers pay more")
    assert "Who pays the cost of a tariff?" in lines  # six words: put back before too


# What stays out although Zyte's gold keeps it: these lines are why 16 of its pages lose a gold sentence
# in main mode; each is chrome a careful reader leaves out, and the article's own sentence is there.
VERGE_TREK = "785affa2c34e6e4844ef080e98e1a1e532eeeb671bdacebfb9e98ad7320ff382"  # a pull quote in an <aside>
LATIMES_GANNETT = "8634d1211c3f2b73041e6cadd5d59676619838949999a83a23c51a3195b44892"  # a pull quote's attribution
BBC_ASSANGE = "c7e39ac49fa1235f5d50f83bf2444248bd3aa4e6df044377916c812dd109ba23"  # a link to another story
NBCDFW_RESCUE = "51d066b0602c9421d8d6410bc4b931700978409a3faa2a984e8fbde519ad7241"  # an embedded video's caption


@pytest.mark.parametrize(
    ("key", "chrome", "article"),
    [
        (VERGE_TREK, "This will be Hawley’s second film", "The fourth Star Trek movie will be Hawley’s second film."),
        (
            LATIMES_GANNETT,
            "News industry analyst Ken Doctor",
            "“Since 2008, there hasn’t been a single year of revenue gain in the newspaper industry as a whole,” "
            "says veteran industry analyst Ken Doctor.",
        ),
        (BBC_ASSANGE, "How likely is an Assange conviction in US?", "He is accused of participating in one of"),
        (
            NBCDFW_RESCUE,
            "A video showing the dramatic moment a kidnapped 8-year-old Fort Worth girl was rescued by police was "
            "released on Monday. NBC 5 has edited the video to exclude graphic content",
            "A video showing the dramatic moment a kidnapped 8-year-old Fort Worth girl was rescued by police was "
            "released Monday.",
        ),
    ],
)
def test_main_mode_leaves_out_chrome_that_sits_inside_the_article(key: str, chrome: str, article: str) -> None:
    lines = _main_lines(key)
    assert any(line.startswith(article) for line in lines)
    visible = html_page(_raw(key)).text.split("\n")
    assert any(line.startswith(chrome) for line in visible)  # between two of the article's lines on the page
    assert chrome in _gold()[key]["articleBody"]
    assert not any(line.startswith(chrome) for line in lines)

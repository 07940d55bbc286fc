"""HTML bytes to text: the article's main text (the default), or the visible text, one block per line.

Two routes, both followed by the boilerplate stage:

* `html_mode = "main"` (the default): trafilatura's extractor picks the article, one paragraph,
  heading, list item or table row per line, and the boilerplate stage then removes the chrome it
  left (share bars, promos, contact lines; see corpus/rules/generic.toml). Measured with
  `python -m benchmarks boilerplate` (token 4-gram F1 as Zyte's evaluate.py) it is the better
  route on Zyte's 181 news pages and on trafilatura's 258-page eval set, and about even on
  CleanPortalEval's 71 (see docs/benchmarks.md). Its settings (`_MAIN_TEXT_OPTIONS`) were chosen by
  measurement, see there. Article prose the extractor dropped (the second half of a
  story split around an ad, a lede in bare text) is put back from the visible text by
  `corpus.readers.main_text`, which says what qualifies and why. A page where it finds no
  main text is not given its visible text instead: the reader drops it as `no_main_text` (the
  dropped record keeps the visible text), since quietly falling back would put whole menus
  and footers into a corpus of articles.
* `html_mode = "visible"`: every visible line, site chrome included, for users who want all of
  a page's text or who clean it with their own rules. The boilerplate stage removes menus,
  footers and share links line by line, using what repeats across a site, so this has to keep
  every visible line and put each block (paragraph, heading, list item, table row, nav entry,
  ...) on a line of its own: a block glued to its neighbour could not be dropped alone.

Why html-text's layout walk (`html_text.etree_to_text`) for the visible text, and not
trafilatura's: measured with `python -m benchmarks.bench_html` on the Zyte benchmark and on
trafilatura's own eval set; html-text 0.7.1, trafilatura 2.3.1, lxml 6.1:

* html-text keeps the whole article (mean token recall of the gold body 1.000, worst page
  0.996: drop caps, below) and puts 99.6 % of the gold paragraphs on a line of their own
  (0.1 % glued to something else: inline "Click To Tweet" widgets). It keeps the chrome
  (85 % of the boilerplate snippets; the rest live in scripts, alt/placeholder attributes
  or JS-rendered markup, so they are not visible text in the HTML at all), and only 0.3 %
  of the chrome it keeps shares a line with article text.
* trafilatura's non-extracting `html2txt` returns the page as ONE line (0 % of paragraphs
  on a line of their own), which leaves the boilerplate stage nothing to work with; with
  its default cleaning it also deletes <aside>s and footer divs (58 % of chrome kept).
* lxml's plain `text_content()` (the floor) is 2.5x faster but follows the source's line
  breaks: 56 % of paragraphs are whole lines, 32 % are glued to others, and words from
  adjacent cells fuse (up to 10 % of a page's article tokens lost).

html-text separates adjacent inline elements with a space unless punctuation follows, so a
drop cap comes out "H ong Kong" (3 tokens on the 181 Zyte pages). Keeping the source's
spacing instead was measured too and is worse: inline elements styled as blocks then fuse
words (worst page 0.94 recall).

We run html-text's walk ourselves instead of `html_text.extract_text`: its
`lxml_html_clean.Cleaner` pass is the slow part (we are 1.4x faster with the same lines,
decoding included) and keeps <noscript>/<template>, which are not visible. We also take
<body> only: the <title> goes to `HtmlPage.title`, not into the text.

<noscript> is dropped: in the eval pages it holds "enable JavaScript" notices, comment
widget links and tracking pixels. Known cost: some Blogger themes put the article only in
<noscript> and a JS template, so 1 of the 258 eval pages loses its article. `[read]
html_mode = "noscript"` keeps such fallbacks: the page as a browser without JavaScript shows it.

Library imports (html_text, lxml, trafilatura) stay in this module so the choice can be
changed here; trafilatura is imported only when a page is read in "main" mode.
"""

from __future__ import annotations

import codecs
import importlib.util
import re
from dataclasses import dataclass
from typing import Any, Literal

import html_text
from lxml import etree

from corpus.errors import ConfigError
from corpus.readers import main_text
from corpus.readers.decoding import decode

# What text a page gives: "visible" as a browser shows it, "noscript" as one without JavaScript
# (with the <noscript> fallbacks), "main" only the article, by trafilatura's extractor.
HtmlMode = Literal["visible", "noscript", "main"]

# The HTML spec pre-scans 1024 bytes for a charset; real pages put long scripts and
# comments before their <meta>, so look further. A hit elsewhere would be harmless:
# decode() treats `declared` as a hint and checks it against the bytes.
_SNIFF_BYTES = 8192
_META_CHARSET = re.compile(rb"""<meta\s[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml\s[^>]*?encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))

# Not visible: code, templates, fallbacks for no-JS or no-plugin browsers, and graphics
# whose text is icon labels. Comments and processing instructions go at parse time.
_INVISIBLE = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "svg",
    "math",
)
_VISIBLE_WITHOUT_JS = tuple(tag for tag in _INVISIBLE if tag != "noscript")
# html-text's block tags miss a few that browsers render as blocks; without them two
# <section>s holding bare text would come out on one line.
_NEWLINE_TAGS = html_text.NEWLINE_TAGS | {
    "address",
    "caption",
    "center",
    "dialog",
    "dir",
    "hgroup",
    "menu",
    "search",
    "section",
    "summary",
}
_WS = re.compile(r"\s+")
# Where a browser keeps the source's line breaks.
_PREFORMATTED = ("pre", "listing", "xmp", "plaintext")

# trafilatura.extract settings for html_mode = "main", measured on Zyte's 181 pages (token
# 4-gram P/R/F1 as its evaluate.py), with CleanPortalEval's 71 and trafilatura's 258-page eval
# set as a check; trafilatura 2.3.1:
#   fast=False (default: fallback to its readability/jusText ports) P .942 R .978 F1 .960, 25 pages/s
#   fast=True                                      P .946 R .979 F1 .962, 50 pages/s
#   favor_precision=True                           P .958 R .971 F1 .964
#   favor_recall=True                              P .941 R .979 F1 .959
#   include_tables=False                           P .942 R .972 F1 .957
#   deduplicate=True                               P .942 R .961 F1 .951, 3 pages empty
# On Zyte fast=True and the default differ on 5 pages of 181 (F1 +.003 +- .012: a tie). The
# fallback is kept because it recovers text where the fast path loses it: CleanPortalEval R
# .927 vs .909 (3 pages better, none worse) and trafilatura's set 95.1 % vs 94.8 % of main-text
# snippets; a corpus cannot get back an article sentence, and the cost is CPU (2x). Not
# favor_precision: it buys Zyte precision with recall (.971) and loses 2.6 points of snippets
# on the eval set. Tables stay (they are article text on Zyte); comments go (not the article,
# and upstream's own benchmark runs without them). deduplicate stays off: its cache is per
# process, so output would depend on --workers and on document order.
_MAIN_TEXT_OPTIONS: dict[str, Any] = {
    "fast": False,
    "include_comments": False,
    "include_tables": True,
    "include_formatting": False,
    "include_links": False,
    "include_images": False,
    "deduplicate": False,
    "output_format": "txt",
}

# HTML parser, not XML: recovers from any tag soup. The str is re-encoded as UTF-8 and the
# parser told so, which makes it ignore the page's own (possibly lying) <meta charset>.
# huge_tree: without it libxml2 silently drops the rest of a page after 255 nested elements
# or a 10 MB text node; with it the depth limit is in the thousands.
_PARSER = etree.HTMLParser(
    encoding="utf-8",
    recover=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
    no_network=True,
)


@dataclass(frozen=True, slots=True)
class HtmlPage:
    text: str  # visible (or main) text, one block per line, no empty lines
    title: str | None  # <title>, else og:title, whitespace-collapsed
    url: str | None  # <link rel=canonical href>, else og:url, as written (may be relative)
    encoding: str  # the codec decode() used
    # html_mode "main" only, when the page has visible text but no main text was found: why
    # (for the dropped record's detail) and the visible text (for its text column).
    no_main_text: str | None = None
    visible_text: str | None = None


def require_main_text_extractor() -> None:
    """Fail now, with the fix, if html_mode = "main" cannot run: before any page is read. Only
    looks for the package (every run checks its config; importing trafilatura costs a second)."""
    if importlib.util.find_spec("trafilatura") is None:
        raise ConfigError(
            '[read] html_mode = "main"',
            "needs trafilatura, which is not installed",
            'reinstall corpus (pip install -e .), or use html_mode = "visible"',
        )


def sniff_charset(data: bytes) -> str | None:
    """The charset the page declares for itself: BOM, <meta charset>/http-equiv, <?xml encoding>.

    A BOM wins, as in browsers. A UTF-16/32 label in an ASCII-readable <meta> cannot be
    true (we could read it), so it means UTF-8, as the HTML spec says.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return name
    head = data[:_SNIFF_BYTES]
    match = _META_CHARSET.search(head) or _XML_ENCODING.search(head)
    if match is None:
        return None
    label = match.group(1).decode("ascii").lower()
    return "utf-8" if label.startswith(("utf-16", "utf-32", "ucs")) else label


def html_page(data: bytes, *, declared_charset: str | None = None, mode: HtmlMode = "visible") -> HtmlPage:
    """Decode and flatten one HTML page. Never raises: unusable input gives empty text.

    `declared_charset` is the HTTP header's; it wins over the page's own declaration,
    which is used otherwise. Either is only a hint to decode(). `mode` "noscript" keeps the
    <noscript> fallbacks, as a browser without JavaScript shows them; "main" gives the main
    text only (needs trafilatura; without it this raises ConfigError, the one exception).
    """
    if mode == "main":
        require_main_text_extractor()
    try:
        decoded = decode(data, declared=declared_charset or sniff_charset(data))
    except Exception:  # noqa: BLE001 - decode() promises not to raise; do not bet the run on it
        return HtmlPage("", None, None, "utf-8")
    try:
        return _page(decoded.text, decoded.encoding, mode)
    except Exception:  # noqa: BLE001 - lxml's errors on pathological input are not all documented
        return HtmlPage("", None, None, decoded.encoding)


def _page(text: str, encoding: str, mode: HtmlMode) -> HtmlPage:
    # NUL is not allowed in lxml strings; lone surrogates cannot be encoded.
    raw = text.lstrip("\ufeff").replace("\x00", "").encode("utf-8", "replace")
    if not raw.strip():
        return HtmlPage("", None, None, encoding)
    root = etree.fromstring(raw, _PARSER)
    if root is None:
        return HtmlPage("", None, None, encoding)
    title = _collapse(_first(root, "//title[not(ancestor::svg)]")) or _collapse(
        _first(root, "//meta[@property='og:title' or @name='og:title']/@content")
    )
    url = _strip(
        _first(
            root,
            "//link[contains(concat(' ', translate(normalize-space(@rel), 'CANOIL', 'canoil'),"
            " ' '), ' canonical ')]/@href",
        )
    ) or _strip(_first(root, "//meta[@property='og:url' or @name='og:url']/@content"))
    if mode != "main":
        invisible = _VISIBLE_WITHOUT_JS if mode == "noscript" else _INVISIBLE
        return HtmlPage(_visible(root, invisible), title, url, encoding)
    main, why = _main_text(raw.decode("utf-8"))
    visible = _visible(root, _INVISIBLE)  # a page with none is simply empty, as in "visible"
    if main:
        return HtmlPage(main_text.recover(main, visible, root) if visible else main, title, url, encoding)
    return HtmlPage("", title, url, encoding, no_main_text=why if visible else None, visible_text=visible or None)


def _visible(root: etree._Element, invisible: tuple[str, ...]) -> str:
    """The text a browser shows, one block per line (this changes the tree)."""
    etree.strip_elements(root, *invisible, with_tail=False)
    body = root.find("body")
    if body is None:  # a fragment or frameset: take everything but the head
        body = root
        for head in root.findall("head"):
            root.remove(head)
    _keep_preformatted_lines(body)
    flat = html_text.etree_to_text(body, newline_tags=_NEWLINE_TAGS)
    return _lines(flat)


def _keep_preformatted_lines(body: etree._Element) -> None:
    """Line breaks inside <pre> become <br>s: html-text collapses all whitespace, which put
    whole stories, poems and tables laid out in <pre> on one line (CleanEval page 78)."""
    for pre in list(body.iter(*_PREFORMATTED)):
        for node in list(pre.iter()):
            if node.text and "\n" in node.text:
                first, *rest = node.text.split("\n")
                node.text = first
                for index, part in enumerate(rest):
                    node.insert(index, _br(part))
            parent = node.getparent()
            if node is not pre and parent is not None and node.tail and "\n" in node.tail:
                first, *rest = node.tail.split("\n")
                node.tail = first
                at = parent.index(node)
                for index, part in enumerate(rest, 1):
                    parent.insert(at + index, _br(part))


def _br(tail: str) -> etree._Element:
    br = etree.Element("br")
    br.tail = tail
    return br


def _main_text(text: str) -> tuple[str, str]:
    """trafilatura's main text, one block per line, or "" and why there is none.

    trafilatura takes a page as "not valid HTML" when its first 50 characters do not say "html"
    and it parses to a single element: a page saved without `<html>` and `<head>`, such as
    CleanEval's (`<text id=...>` around the body), or a body stored alone. It returns nothing
    for those, so a page it found nothing in is given again under an `<html>` tag, which makes
    no difference to a page that already has one."""
    try:
        import trafilatura

        extracted = trafilatura.extract(text, **_MAIN_TEXT_OPTIONS)
        if not extracted and "html" not in text[:50].lower():
            extracted = trafilatura.extract(f"<html>{text}", **_MAIN_TEXT_OPTIONS)
    except Exception as error:  # noqa: BLE001 - one odd page must not stop the run
        return "", f"trafilatura failed on the page: {type(error).__name__}: {error}"
    main = _lines(extracted or "")
    return main, "" if main else "trafilatura found no main text in the page"


def _lines(flat: str) -> str:
    lines = (line.strip() for line in flat.split("\n"))
    return "\n".join(line for line in lines if line)


def _first(root: etree._Element, xpath: str) -> str | None:
    """The first hit with non-blank text: an element's text content or an attribute value."""
    for hit in root.xpath(xpath):
        value = "".join(hit.itertext()) if isinstance(hit, etree._Element) else str(hit)
        if value.strip():
            return value
    return None


def _collapse(value: str | None) -> str | None:
    return _WS.sub(" ", value).strip() or None if value else None


def _strip(value: str | None) -> str | None:
    return value.strip() or None if value else None

"""Article prose that trafilatura's extractor dropped, put back from the page's visible text.

html_mode = "main" gives trafilatura's main text. Read against Zyte's 181 news pages, it drops
whole paragraphs of the article in a few recurring ways: an article split into several
containers of the same class around an advertisement (wired.com: its first container only, so
the second half of the story is gone), a lede written as bare text in a <div> or before a
<br> (rt.com, macrumors.com), a short sentence or a question standing as its own paragraph
between two kept ones. Taking back every visible line between trafilatura's first and last
line was measured too: it recovers these, but also captions, teasers and share bars, and Zyte
precision fell from 0.942 to 0.887.

So a visible line comes back only when all of these hold:

* it reads as prose: it ends like a sentence (. ! ? or their CJK forms, then closing quotes or
  brackets, a space before them too; not "..." or "…", which end teasers), has 10 words or more
  (25 CJK characters), under half of them capitalised (a title-case line is a headline or a
  teaser);
* it is not a copy of text trafilatura kept, and it appears once on the page (a repeated
  line is a widget);
* it is not the whole text of a link, and not inside a caption, figure, aside, nav, header,
  footer, form, table, or an element whose class or id names chrome (related, comment,
  share, newsletter, byline, ...), unless that element also holds trafilatura's text;
* it stands between two lines trafilatura kept, or after its last line (before its first)
  in a block whose three nearest ancestors have the same tags and classes as that line's,
  the split-container case, or as bare text of the element that holds that line's block (a
  lede typed straight into the article's <section>, above its first <h2>), with at most three
  other lines between recovered ones.

A sentence of 5 to 9 words is taken back only between two lines that are kept or recovered
("But there are two problems with this potential disruption."), a question of 4 words or
more there too (a subheading: "Don't tariffs produce revenue?").

A post embedded from a social network with its own markup (Twitter's <blockquote
class="twitter-tweet">: its text, then "— Name (@handle) date") comes back whole, whatever its
lines look like, when it stands between two lines trafilatura kept: the story quotes it
(trafilatura keeps such posts on most pages, and drops them on some: nj.com's, Sky's).

Lines before trafilatura's first line are not recovered by position alone: there they were
mostly standfirsts and key-point boxes that Zyte's gold leaves out, and the measured F1 fell.

Chrome set inside the article stays out on purpose, although Zyte's gold keeps it and it is
why 16 of its pages lack a gold sentence after recovery: a pull quote repeating one of the
article's sentences (The Verge's <aside>, the attribution line of the LA Times' quote box), an
embedded video's caption, a link to another story in a list in the article's body, buy buttons
and product lists, image credits, affiliate and promo notes, a citation box ("More information:
... DOI: ...", "Provided by ..."). Without the chrome and link checks one of those pages gets
its line back (the link), and 32 lines of chrome come back on 19 of Zyte's pages: captions,
newsletter prompts, teasers (precision 0.955 -> 0.952 with the stage).

The recovered lines keep the page's order among trafilatura's lines. This is the reader's
choice of text, not an edit: the document's text is what the reader gives.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Sequence

from lxml import etree

_WORD = re.compile(r"\w+")
_CLOSING = r"(?:\s*[\"'”’»)\]])*$"  # closing quotes and brackets, a space before one too ("... stalker? ”")
_SENTENCE_END = re.compile(r"[.!?。！？]" + _CLOSING)
_QUESTION = re.compile(r"[?？]" + _CLOSING)
_TEASER_END = re.compile(r"(?:\.\.\.|…)" + _CLOSING)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_MIN_WORDS = 10  # a full sentence of article prose; shorter lines are labels, bylines, buttons
_MIN_SHORT_WORDS = 5  # between two article lines, a short sentence is article text too
_MIN_QUESTION_WORDS = 4  # a question between them, a subheading: "Don't tariffs produce revenue?"
_MIN_CJK = 25  # CJK text has no spaces: characters instead of words
_LONG_KEY = 20  # characters of a line's key above which containment counts as the same text
_MAX_GAP = 3  # lines at an edge that may separate recovered ones (an ad label, a promo)
_ANCESTORS = 3  # how far up two blocks must look alike to be parts of one split article
# Bounds on the work, so that a hostile page (tens of thousands of lines, markup nested thousands
# deep) cannot make reading quadratic. An article page has a few hundred visible lines; its
# elements' texts add up to 10 to 140 times its text (each character is read once per element
# around it), and the searches for each line in the kept and the chrome text read more: 120,000
# characters on the median page of the boilerplate benchmark's 437, 10 million on the heaviest.
# Past either bound the page keeps trafilatura's text as it is: a second or two of work at most.
_MAX_LINE_PAIRS = 4_000_000  # visible lines x main lines compared
_MAX_WORK = 32_000_000  # characters read: the elements' texts, and the texts each line is searched in
# Elements whose text is not the article's prose, by tag or by a class/id that names chrome.
_CHROME_TAGS = frozenset(
    ("figcaption", "figure", "aside", "nav", "footer", "header", "form", "button", "label", "select", "table")
)
_CHROME_NAME = re.compile(
    r"caption|related|comment|promo|newsletter|share|social|byline|author|credit|sidebar|widget|teaser"
    r"|recommend|subscri|signup|cookie|consent|breadcrumb|menu|footer|header|\bnav",
    re.IGNORECASE,
)
_INLINE_TAGS = frozenset(
    ("a", "abbr", "b", "bdi", "cite", "code", "dfn", "em", "font", "i", "mark", "q", "s", "small", "span", "strong")
    + ("sub", "sup", "time", "u")
)
# A post from a social network embedded with its own markup (the text, then "— Name (@handle) date"):
# the article quoting it.
_EMBEDDED_POST = re.compile(r"\btwitter-tweet\b")


def _key(text: str) -> str:
    """A line's words run together: trafilatura and the visible text space inline elements
    differently ("tre<em>k</em>" is "trek" in one, "tre k" in the other)."""
    return "".join(_WORD.findall(text.lower()))


def _prose(line: str, min_words: int = _MIN_WORDS) -> bool:
    if not _SENTENCE_END.search(line) or _TEASER_END.search(line):
        return False
    if len(_CJK.findall(line)) >= _MIN_CJK:
        return True
    words = line.split()
    return len(words) >= min_words and sum(word[:1].isupper() for word in words) <= len(words) / 2


def recover(main: str, visible: str, root: etree._Element) -> str:
    """trafilatura's main text with the visible text's dropped article prose put back in place.

    `root` is the parsed page with its invisible elements removed (what `visible` was read from).
    """
    main_lines = main.split("\n")
    lines = visible.split("\n")
    if len(lines) * len(main_lines) > _MAX_LINE_PAIRS:
        return main
    keys = [_key(line) for line in lines]
    main_keys = [_key(m) for m in main_lines]
    matched = _align(main_keys, keys)
    anchors = sorted({i for i in matched if i is not None})
    if not anchors:
        return main
    budget = _Budget(_MAX_WORK)
    try:
        page = _Page(root, [keys[i] for i in anchors if len(keys[i]) > _LONG_KEY], budget)
        found = _dropped_prose(lines, keys, main_keys, anchors, page, budget)
    except _OverBudget:
        return main
    return _merge(main_lines, matched, lines, found) if found else main


def _dropped_prose(
    lines: list[str], keys: list[str], main_keys: list[str], anchors: list[int], page: _Page, budget: _Budget
) -> set[int]:
    """The visible lines to put back (their indexes), by the rules of the module docstring."""
    kept_text = "\x00".join(main_keys)
    long_main = [k for k in main_keys if len(k) > _LONG_KEY]
    counts = Counter(keys)
    search = len(kept_text) + len(page.chrome_text)

    def candidate(i: int, min_words: int = _MIN_WORDS) -> bool:
        k = keys[i]
        if not _prose(lines[i], min_words) or counts[k] != 1:
            return False
        budget.spend(search + len(k) * len(long_main))
        return k not in kept_text and not any(m in k for m in long_main) and not page.chrome(k)

    kept = set(anchors)
    found = {i for a, b in zip(anchors, anchors[1:]) for i in range(a + 1, b) if candidate(i)}
    found |= {i for a, b in zip(anchors, anchors[1:]) for i in _posts(keys, a + 1, b, page.posts, budget)}
    for start, step in ((anchors[-1] + 1, 1), (anchors[0] - 1, -1)):
        home = page.place(keys[start - step])
        loose = page.loose_text(keys[start - step])
        gap, i = 0, start
        while home is not None and 0 <= i < len(lines) and gap <= _MAX_GAP:
            if i not in kept and candidate(i) and (page.place(keys[i]) == home or keys[i] in loose):
                found.add(i)
                gap = 0
            else:
                gap += 1
            i += step
    article = kept | found
    return found | {
        i
        for i in range(1, len(lines) - 1)
        if i not in article
        and i - 1 in article
        and i + 1 in article
        and candidate(i, _MIN_QUESTION_WORDS if _QUESTION.search(lines[i]) else _MIN_SHORT_WORDS)
    }


def _posts(keys: Sequence[str], start: int, stop: int, posts: Sequence[str], budget: _Budget) -> set[int]:
    """The lines from `start` to `stop` that make up, whole and in a run, one of the page's embedded posts."""
    found: set[int] = set()
    i = start
    while i < stop:
        for post in posts if keys[i] else ():
            budget.spend(len(post))
            j, at = i, 0
            while j < stop and at < len(post) and post.startswith(keys[j], at):
                at += len(keys[j])
                j += 1
            if at == len(post):
                found.update(range(i, j))
                i = j - 1
                break
        i += 1
    return found


class _OverBudget(Exception):
    """The page would take more reading than `_MAX_WORK`."""


class _Budget:
    def __init__(self, characters: int) -> None:
        self.left = characters

    def spend(self, characters: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise _OverBudget


class _Page:
    """What the page's markup tells about a line (found by its key): chrome, or where it stands."""

    def __init__(self, root: etree._Element, article_keys: Sequence[str], budget: _Budget) -> None:
        self.budget = budget
        body = root.find("body")
        chrome, self.links, self.blocks, self.posts = [], set(), {}, []
        for element in (body if body is not None else root).iter():
            if not isinstance(element.tag, str):
                continue
            text = "".join(element.itertext())
            budget.spend(len(text))
            k = _key(text)
            if not k:
                continue
            self.blocks[k] = element  # the innermost element holding exactly this text
            if element.tag == "a":
                self.links.add(k)
            if element.tag == "blockquote" and _EMBEDDED_POST.search(element.get("class") or ""):
                self.posts.append(k)
            named = f"{element.get('class') or ''} {element.get('id') or ''}"
            if (element.tag in _CHROME_TAGS or _CHROME_NAME.search(named)) and not any(a in k for a in article_keys):
                chrome.append(k)
        self.chrome_text = "\x00".join(chrome)

    def chrome(self, k: str) -> bool:
        return k in self.links or k in self.chrome_text

    def loose_text(self, k: str) -> str:
        """The key of the text that the block's parent holds outside its blocks: bare text beside the
        block's paragraphs, with its links and emphasis (ign.com's lede, before the first <h2>)."""
        element = self.blocks.get(k)
        parent = element.getparent() if element is not None else None
        if parent is None:
            return ""
        parts = [parent.text or ""]
        for child in parent:
            if isinstance(child.tag, str) and child.tag in _INLINE_TAGS:
                parts.append("".join(child.itertext()))
            parts.append(child.tail or "")
        loose = _key("".join(parts))
        self.budget.spend(len(loose))
        return loose

    def place(self, k: str) -> tuple[tuple[str, str | None], ...] | None:
        """The tags and classes of the block's nearest ancestors, or None if there are too few."""
        element = self.blocks.get(k)
        path: list[tuple[str, str | None]] = []
        while element is not None and len(path) < _ANCESTORS:
            element = element.getparent()
            if element is not None:
                path.append((str(element.tag), element.get("class")))
        return tuple(path) if len(path) == _ANCESTORS else None


def _align(main_keys: Sequence[str], keys: Sequence[str]) -> list[int | None]:
    """The visible line each main line is, as the longest chain in page order: a headline or a
    sentence also found in a menu or a teaser elsewhere must not pull the match out of place."""
    where: dict[str, list[int]] = {}
    for i, k in enumerate(keys):
        where.setdefault(k, []).append(i)
    tails: list[int] = []
    ends: list[tuple[int, int]] = []
    previous: dict[tuple[int, int], tuple[int, int] | None] = {}
    for n, k in enumerate(main_keys):
        hits = where.get(k, []) if k else []
        if not hits and len(k) > _LONG_KEY:  # one line of the two holds the other (a glued block)
            hits = [i for i, v in enumerate(keys) if k in v or (len(v) > _LONG_KEY and v in k)]
        for i in sorted(hits, reverse=True):  # descending: one hit per main line extends a chain
            at = bisect.bisect_left(tails, i)
            previous[(n, i)] = ends[at - 1] if at else None
            if at == len(tails):
                tails.append(i)
                ends.append((n, i))
            else:
                tails[at] = i
                ends[at] = (n, i)
    matched: list[int | None] = [None] * len(main_keys)
    node = ends[-1] if ends else None
    while node is not None:
        matched[node[0]] = node[1]
        node = previous[node]
    return matched


def _merge(main_lines: Sequence[str], matched: Sequence[int | None], lines: Sequence[str], found: set[int]) -> str:
    """Each recovered line after the last main line that stands before it on the page."""
    placed = sorted((i, n) for n, i in enumerate(matched) if i is not None)
    after: dict[int, list[str]] = {}
    for i in sorted(found):
        at = bisect.bisect_left(placed, (i, -1))
        after.setdefault(placed[at - 1][1] if at else -1, []).append(lines[i])
    out = list(after.get(-1, []))
    for n, line in enumerate(main_lines):
        out.append(line)
        out.extend(after.get(n, []))
    return "\n".join(out)

"""Strip site chrome line by line: rule files, lines repeated across a site's pages, and where the article sits.

Losing article text is worse than keeping a menu line, so a line goes only on evidence: a rule
file names it, it repeats on many pages (of its site, or of the whole input) and stands there as
a block of its own (`structure`: not inside a paragraph, a table or the title), it copies the
page's own text above it (`copies`), or, on a page with menus, it lies outside every run of
prose that makes up the article (`region`). Each
removal is an edit whose rule id says which of these it was and whose detail holds the evidence.
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from corpus import edits
from corpus.document import Document, Drop
from corpus.errors import ConfigError
from corpus.patterns.budget import RegexTimeout
from corpus.rules import NO_RULES, CutAfter, RuleSet, normalise_line, site_of
from corpus.stages.base import Stage
from corpus.stages.boilerplate import metadata
from corpus.stages.boilerplate.copies import page_copies
from corpus.stages.boilerplate.lines import Layout, Unit, layout, units
from corpus.stages.boilerplate.region import (
    article_ends,
    embedded_posts,
    introduced_list,
    lists_below,
    main_runs,
    unit_score,
)
from corpus.stages.boilerplate.repetition import FIT_TABLES, LineCounts, batch_counts, count_lines, line_rows
from corpus.stages.boilerplate.site_rules import SiteRules, removals, site_rules
from corpus.stages.boilerplate.structure import empty_table_rows, ends_sentence, standing_alone, table_row

STAGE = "boilerplate"
REPEAT_SITE = "repeat.site"
REPEAT_CORPUS = "repeat.corpus"
REPEAT_PAGE = "repeat.page"  # a copy of the page's own text just above it, or of several of its paragraphs
SHORT_LINE = "generic.short_line"  # a short line (menu item, label) outside the article's runs
TEASER = "generic.teaser"  # "...", a teaser of another page, outside the article's runs
OUTSIDE = "generic.outside_main_text"  # prose outside the article's runs: other stories, comments
COMMENT_THREAD = "generic.comment_thread"  # the comments under two or more comment headers
OWN_ADDRESS = "generic.own_address"  # the page's own URL alone on a line (a share box, a print footer)
EMPTY_ROW = "generic.empty_table_row"  # a table's row with no text in any cell ("| | |"), in a table with text
STAGE_RULES = (
    REPEAT_SITE,
    REPEAT_CORPUS,
    REPEAT_PAGE,
    SHORT_LINE,
    TEASER,
    OUTSIDE,
    COMMENT_THREAD,
    OWN_ADDRESS,
    EMPTY_ROW,
)
EMPTY = f"empty_after_{STAGE}"  # every line was boilerplate
COMMENT_AUTHOR = "generic.comment_author"  # the generic.toml rule whose lines head comments
# generic.toml's rules for chrome that sits inside an article (captions, credits, counters, labels):
# their lines go, but they do not split the article into two runs.
INLINE_RULES = frozenset(
    {"generic.photo_credit", "generic.gallery_counter", "generic.advertisement", "generic.read_more_promo", REPEAT_PAGE}
)
# A sentence ("Originally published on Live Science.") repeats in a corpus only as often as prose
# must before it counts as chrome: two pages sharing one are as likely two stories of one source.
SENTENCE_MIN_WORDS = 5
THREAD_MIN_HEADERS = 2  # one "... said:" line may be anything; two with dates are a thread
THREAD_MIN_WORDS_ABOVE = 50  # prose above the first header: the post the comments are on
# A generic cut needs this many words of prose above its marker: one with less is a menu item
# over the article ("Comments" in a top bar), not the header of a footer.
CUT_MIN_WORDS_ABOVE = 100
# A web page's visible text has menus: on the shared sets a median of 80-90 lines of three words or
# fewer that end no sentence, and 25 or more on nine pages in ten; an article's text (trafilatura's
# main text of the same pages, a clean news story) has none or two or three (subheadings). Fewer
# than this many and the text is taken to be an article already, not searched for one.
MENU_ITEM_WORDS = 3
PAGE_MIN_MENU_ITEMS = 10
# A sentence without its full stop: a headline rarely has this many words, or most of them capitalised.
UNFINISHED_MIN_WORDS = 20
UNFINISHED_MAX_CAPITALISED = 0.5
HEADING_MAX_WORDS = 8  # a section heading inside an article
CUT_RESUME_WORDS = 60  # an `until_prose` list stops where this many words of running prose follow


@dataclass(frozen=True)
class BoilerplateConfig:
    disable: tuple[str, ...] = ()  # rule ids to turn off: "generic.short_line", "antiwar.com.author_bio"
    site_min_documents: int = 3  # a line on this many pages of one site is chrome there, even prose
    corpus_min_documents: int = 2  # a short line (not prose) on this many pages of the input is chrome
    corpus_min_documents_prose: int = 5  # the same for prose and sentences, which syndicated stories share
    max_line_chars: int = 2000  # longer lines are not counted (a page counts as a copy by its shorter lines)
    main_text_min_words: float = 10.0  # a run of prose weaker than this is not an article
    main_text_share: float = 0.5  # keep runs scoring at least this share of the best run
    headline_lines: int = 2  # title-like lines kept just above the article (headline, standfirst)

    def __post_init__(self) -> None:
        for name in ("site_min_documents", "corpus_min_documents", "corpus_min_documents_prose"):
            if getattr(self, name) < 2:
                raise ValueError(f"{name} must be at least 2 (a line on one page repeats nowhere)")
        if not 0.0 <= self.main_text_share <= 1.0:
            raise ValueError(f"main_text_share must be between 0 and 1, not {self.main_text_share}")


class BoilerplateStage(Stage):
    name = STAGE
    config_class = BoilerplateConfig
    needs_fit = True
    fit_tables = FIT_TABLES
    drop_reasons = (EMPTY, RegexTimeout.drop_reason)  # a rule file's regex over its time budget
    rule_ids = (*STAGE_RULES, "<rule file>.<rule>")  # the rules of the rule files in effect, generic.toml's too

    def __init__(self, config: BoilerplateConfig, rules: RuleSet = NO_RULES) -> None:
        super().__init__(config, rules)
        # Site files first, so a line a site file names is credited to it, then generic.toml.
        self.site_rules: list[SiteRules] = sorted(site_rules(rules), key=lambda r: r.applies_to_all)
        known = rules.rule_ids() | set(STAGE_RULES)
        for rule_id in config.disable:
            if rule_id not in known:
                close = difflib.get_close_matches(rule_id, sorted(known), n=1)
                hint = f"did you mean {close[0]!r}?" if close else "see `corpus rules check` for the rule ids"
                raise ConfigError("[stages.boilerplate] disable", f"no rule with id {rule_id!r}", hint)
        self.disabled = frozenset(config.disable)
        self._rules = {rule.id: rule for file in self.site_rules for rule in file.rules}

    def fit(self, docs: Sequence[Document]) -> dict[str, dict[str, list[Any]]]:
        return line_rows(docs, self.config.max_line_chars)

    def aggregate(self, store: Any) -> None:
        count_lines(store)

    def batch_state(self, lookups: dict[str, list[Any]]) -> LineCounts:
        return batch_counts(lookups)

    def apply(self, doc: Document, fitted: LineCounts | None = None) -> Document | Drop:
        assert fitted is not None, "the runner passes the merged line counts"
        lines = doc.text.split("\n")
        site = site_of(doc)
        found = units(lines)
        in_paragraph = {i for u in found if u.wrapped for i in range(u.first, u.last + 1)}
        removed: dict[int, tuple[str, str | None]] = {}  # line index -> (rule id, detail)
        protected: set[int] = set()  # lines a disabled rule names: the user wants them kept
        generic_cuts: list[tuple[int, int, str]] = []
        generic_lines: set[int] = set()  # lines a generic line rule removes
        # A line rule's match inside a hard-wrapped paragraph is ignored below, so it is not looked
        # for (most of a wire story's lines: the stage is twice as fast on Reuters), unless a disabled
        # rule's matches must be found to protect them.
        unchecked = in_paragraph if not self.disabled else set()
        for rules in self.site_rules:
            if not rules.applies_to(site, doc.text):
                continue
            for first, end, rule_id in removals(rules, lines, unchecked=unchecked):
                block = self._rules[rule_id].block
                if rule_id in self.disabled:
                    protected.update(range(first, end))
                elif rules.applies_to_all and block:
                    generic_cuts.append((first, end, rule_id))  # checked against the article below
                elif block or first not in in_paragraph:  # "share on its common..." wrapped
                    for index in range(first, end):
                        removed.setdefault(index, (rule_id, None))
                    if rules.applies_to_all and removed[first][0] == rule_id:
                        generic_lines.add(first)
        page = layout(found, lines)
        if REPEAT_PAGE not in self.disabled and not page.plain:
            for number, source in page_copies(found).items():
                unit = found[number]
                if not any(i in removed or i in protected for i in range(unit.first, unit.last + 1)):
                    detail = orjson.dumps({"copy_of_line": found[source].first + 1}).decode()
                    for index in range(unit.first, unit.last + 1):
                        removed[index] = (REPEAT_PAGE, detail)
        if doc.url and OWN_ADDRESS not in self.disabled:
            own = _address(doc.url)
            for unit in found:
                if unit.first == unit.last and _address(lines[unit.first]) == own:
                    removed.setdefault(unit.first, (OWN_ADDRESS, None))
        if EMPTY_ROW not in self.disabled:
            for index in empty_table_rows(lines):
                removed.setdefault(index, (EMPTY_ROW, None))
        title = doc.metadata.get("title")
        candidates = self._repeated(found, page, site, fitted)
        ruled = {n for n, unit in enumerate(found) if unit.first in generic_lines}
        alone = standing_alone(found, page, lines, candidates, ruled, title if isinstance(title, str) else None)
        repeated = {found[n].first: rule for n, rule in candidates.items() if n in alone}
        for n in ruled - alone:  # a generic rule's match in a line of a hand-laid paragraph or table
            del removed[found[n].first]
        for first, end, rule_id in self._stage_blocks(found, removed):
            for index in range(first, end):
                removed.setdefault(index, (rule_id, None))
        # A generic cut's marker line ("Top Rated Comments") also splits the runs of prose there.
        markers = {first for first, _, _ in generic_cuts}
        chrome = [any(i in removed or i in repeated or i in markers for i in range(u.first, u.last + 1)) for u in found]
        inline = [_inline(unit, removed) for unit in found]
        article = doc.metadata.get("html_mode") == "main"  # a main text extractor's output
        menus = not article and _has_menus(found)
        kept_units = self._main_text(found, page, chrome, inline, menus)
        for first, end, rule_id in generic_cuts:
            cut = self._rules[rule_id]
            button: list[int] = []  # a marker line inside the article: it goes alone, the cut starts below
            if isinstance(cut, CutAfter) and cut.include_marker:
                later = _past_button(found, first, cut, kept_units)
                if later is not None:
                    button, first = [first], later
            spared: range = range(0)
            if isinstance(cut, CutAfter) and cut.until_prose:
                end = _list_end(found, first, end)
                spared = _paragraph_below_box(found, first, kept_units if menus else ())
            if self._article_survives_cut(found, first):
                for index in [*button, *range(first, end)]:
                    if index not in spared:
                        removed.setdefault(index, (rule_id, None))
        for number, unit in enumerate(found):
            for index in range(unit.first, unit.last + 1):
                if index in removed or index in protected:
                    continue
                if index in repeated:
                    if page.plain or menus or not _heading_in_article(found, number, kept_units):
                        removed[index] = repeated[index]
                elif number not in kept_units:
                    rule = _outside_rule(unit)
                    if rule not in self.disabled:
                        removed[index] = (rule, orjson.dumps({"words": round(unit.words, 1)}).decode())
        if not removed:
            return doc
        metadata.fill(doc, [lines[i] for i in sorted(removed)])
        _remove_lines(doc, lines, removed)
        if not doc.text.strip():
            return Drop(EMPTY, "every line was boilerplate")
        return doc

    def _repeated(
        self, found: Sequence[Unit], page: Layout, site: str | None, fitted: LineCounts
    ) -> dict[int, tuple[str, str | None]]:
        """Units repeated across pages, with their counts (unit index -> rule, detail); where on the
        page they may go is `structure`'s call."""
        config = self.config
        candidates: dict[int, tuple[str, str | None]] = {}  # unit index -> (rule, detail)
        widely: set[int] = set()  # lines repeated on as many pages as prose needs: sign-offs, labels
        words = elsewhere_words = prose_words = elsewhere_prose = 0.0
        for number, unit in enumerate(found):
            words += unit.words
            prose_words += unit.words if unit.prose else 0.0
            if unit.wrapped or len(unit.text) > config.max_line_chars:
                continue
            if page.plain and unit.terminal and unit.words >= 3:
                continue  # "Terms were not disclosed." closes many wire stories, and is their text
            key = normalise_line(unit.text)
            on_site = fitted.site_documents(site, key)
            in_corpus = fitted.corpus_documents(key)
            if in_corpus >= 2:
                elsewhere_words += unit.words
                elsewhere_prose += unit.words if unit.prose else 0.0
            sentence = unit.prose or page.plain or (unit.words >= SENTENCE_MIN_WORDS and ends_sentence(unit.text))
            corpus_floor = config.corpus_min_documents_prose if sentence else config.corpus_min_documents
            if site is not None and on_site >= config.site_min_documents and REPEAT_SITE not in self.disabled:
                rule = REPEAT_SITE
            elif in_corpus >= corpus_floor and REPEAT_CORPUS not in self.disabled:
                rule = REPEAT_CORPUS
            else:
                continue
            if max(on_site, in_corpus) >= config.corpus_min_documents_prose:
                widely.add(number)
            detail = {"site": site, "site_documents": on_site, "corpus_documents": in_corpus}
            candidates[number] = (rule, orjson.dumps(detail).decode())
        # Most of a page's prose repeated elsewhere: a copy of the same story (dedup's job), not chrome.
        # Its prose, not all its words: two pages of one site share their menus and teasers.
        if prose_words >= config.main_text_min_words:
            words, elsewhere_words = prose_words, elsewhere_prose
        if words and elsewhere_words > 0.5 * words:
            candidates = {i: rule for i, rule in candidates.items() if i in widely}
        return candidates

    def _stage_blocks(
        self, found: Sequence[Unit], removed: dict[int, tuple[str, str | None]]
    ) -> list[tuple[int, int, str]]:
        """Line ranges the stage's own block signals remove: comment threads."""
        if COMMENT_THREAD not in self.disabled and (thread := _comment_thread(found, removed)) is not None:
            return [(*thread, COMMENT_THREAD)]
        return []

    def _main_text(
        self, found: Sequence[Unit], page: Layout, chrome: Sequence[bool], inline: Sequence[bool], menus: bool
    ) -> set[int]:
        """Indexes of the units in the article's runs, with the tables set inside its hard-wrapped
        paragraphs or right below it, a list it introduces with a colon, a sentence lacking its full
        stop right below a paragraph, and the headline and standfirst lines just above."""
        config = self.config
        scores = [unit_score(unit, is_chrome) for unit, is_chrome in zip(found, chrome)]
        runs = main_runs(
            scores,
            min_score=config.main_text_min_words,
            share_of_best=config.main_text_share,
            inline={n for n, is_inline in enumerate(inline) if is_inline},
        )
        if not runs or page.hard_wrapped:
            # No article to find (a short note, a table), or a text laid out by hand (a wire story,
            # an e-mail), not a web page's blocks: only rules and repetition remove lines.
            return set(range(len(found)))
        kept = {index for start, end, _ in runs for index in range(start, end)}
        if not menus:
            # An article already, without a page's menus around it (clean news, a main-text
            # extractor's output, whose tables and lists may look like menus): its tables, lists
            # and credits stay; teasers of other pages ("... Read more", "…") outside its runs go.
            return {n for n, unit in enumerate(found) if n in kept or _outside_rule(unit) != TEASER}
        for block in page.text_blocks:
            if any(n in kept and found[n].prose for n in block):
                kept.update(block)
        kept |= lists_below(found, chrome, kept, table_row, _title_like)
        kept |= introduced_list(found, chrome, kept)
        # A paragraph that lacks its full stop right below a paragraph of the article ends it.
        kept |= {
            n + 1
            for n in kept
            if n + 1 < len(found)
            and n + 1 not in kept
            and not chrome[n + 1]
            and found[n].prose
            and _unfinished_sentence(found[n + 1])
        }
        kept |= article_ends(found, chrome, kept)
        top = min(kept)
        above = top - 1
        while (
            above >= 0
            and top - above <= config.headline_lines
            and not chrome[above]
            and (_title_like(found[above]) or _unfinished_sentence(found[above]))
        ):
            kept.add(above)
            above -= 1
        return kept

    @staticmethod
    def _article_survives_cut(found: Sequence[Unit], first: int) -> bool:
        """A generic cut ("Top Rated Comments" and all below) must leave the article above it."""
        return sum(u.words for u in found if u.prose and u.last < first) >= CUT_MIN_WORDS_ABOVE


def _past_button(found: Sequence[Unit], first: int, cut: CutAfter, article: Collection[int]) -> int | None:
    """Where a cut starts when its marker line is a button inside the article: the article's
    paragraphs go on right below it, up to the marker's next match, the section's real header.

    National Review shows a "Comments" button above an article's last paragraph, and the
    comments' own "Comments" header below it.
    """
    n = next((i for i, unit in enumerate(found) if unit.first == first), None)
    if n is None:
        return None
    below = n + 1
    while below < len(found) and below in article and found[below].prose:
        below += 1
    if below == n + 1 or below == len(found) or not cut.marker.search(found[below].text):
        return None
    return found[below].first


def _list_end(found: Sequence[Unit], first: int, end: int) -> int:
    """Where a generic cut's list stops: at a paragraph of the article resuming below it, else `end`.

    "More from UK" in the middle of a story heads a few teasers, and the story goes on below them.
    """
    streak = 0.0
    start: int | None = None
    embedded = embedded_posts(found)
    for n, unit in enumerate(found):
        if unit.first <= first or unit.first >= end:
            continue
        if unit.prose and not unit.ellipsis:
            start = unit.first if start is None else start
            streak += unit.words
            if streak >= CUT_RESUME_WORDS:
                return start
        elif start is not None and ((unit.terminal and not unit.ellipsis) or n in embedded):
            # A subheading or a short sentence of the article ("How is the plague spread?"), or a post
            # embedded in it: Sky's "Club statement" over "— Tottenham Hotspur (@SpursOfficial) November 20, 2019".
            continue
        else:
            streak, start = 0.0, None
    return end


def _paragraph_below_box(found: Sequence[Unit], first: int, article: Collection[int]) -> range:
    """The lines of the article's paragraph right below a generic cut's marker set inside the article
    as the header of a box of one link, if there is one.

    CTV puts a "Related Links" box of one link between its story's paragraphs: the story's run of
    prose goes on below it, and its last paragraph is the article's, not the list's. A list of
    teasers holds more than one line before any paragraph, and goes whole.
    """
    n = next((i for i, unit in enumerate(found) if unit.first == first), None)
    if n is None or n == 0 or n + 2 >= len(found) or not {n - 1, n + 1, n + 2} <= set(article):
        return range(0)
    above, paragraph = found[n - 1], found[n + 2]
    if not (above.prose and paragraph.prose and not paragraph.wrapped and not paragraph.ellipsis):
        return range(0)
    if found[n + 1].prose or not ends_sentence(paragraph.text):
        return range(0)
    return range(paragraph.first, paragraph.last + 1)


def _comment_thread(found: Sequence[Unit], removed: dict[int, tuple[str, str | None]]) -> tuple[int, int] | None:
    """Lines from the first comment header to the end of the last comment, if the page has a thread.

    A theme that gives its comments no "Comments" header still heads each with its author and
    date ("Alex on September 17, 2018 at 6:34 am said:"); the last comment ends at the next line
    known as chrome.
    """
    headers = [n for n, u in enumerate(found) if removed.get(u.first, ("",))[0] == COMMENT_AUTHOR]
    if len(headers) < THREAD_MIN_HEADERS:
        return None
    if sum(u.words for u in found[: headers[0]] if u.prose) < THREAD_MIN_WORDS_ABOVE:
        return None  # no post above: the comments are the page (a forum, a guestbook)
    end = headers[-1] + 1
    while end < len(found) and found[end].first not in removed:
        end += 1
    return found[headers[0]].first, found[end - 1].last + 1


def _has_menus(found: Sequence[Unit]) -> bool:
    """Does the text have a page's menus: `PAGE_MIN_MENU_ITEMS` lines of a few words, no sentence
    and no figure (a table's "| 1979–1983 | | |" is no menu item)?"""
    items = 0
    for unit in found:
        if unit.words <= MENU_ITEM_WORDS and not unit.terminal and not any(char.isdigit() for char in unit.text):
            items += 1
            if items >= PAGE_MIN_MENU_ITEMS:
                return True
    return False


def _address(url: str) -> str:
    """A URL without its scheme, "www." and trailing slash: the forms a page writes its address in."""
    return re.sub(r"^(https?://)?(www\.)?", "", url.strip().lower()).rstrip("/")


def _inline(unit: Unit, removed: dict[int, tuple[str, str | None]]) -> bool:
    """Chrome found inside articles: a caption's credit, a counter, a label (`INLINE_RULES`), or a
    unit with no letters at all (a gallery's photo count "6", a share count)."""
    if not any(char.isalpha() for char in unit.text):
        return True
    return all(removed.get(i, ("",))[0] in INLINE_RULES for i in range(unit.first, unit.last + 1))


def _heading_in_article(found: Sequence[Unit], n: int, kept: set[int]) -> bool:
    """A repeated line between two paragraphs of an article (a text without a page's menus: a main
    text extractor's output, clean news), shaped as a heading ("The bottom line", "Summary",
    "Conclusion:") or a separator ("___"): the site's or the genre's template, not chrome
    around them (a pitch between paragraphs is a sentence). On a page with menus the same shape is
    as often a gallery's or a list's label ("Back to Gallery", "Trending News") between captions."""
    if not (0 < n < len(found) - 1 and {n - 1, n, n + 1} <= kept and found[n - 1].prose and found[n + 1].prose):
        return False
    unit = found[n]
    return unit.words <= HEADING_MAX_WORDS and not unit.ellipsis and not ends_sentence(unit.text)


def _unfinished_sentence(unit: Unit) -> bool:
    """A sentence that lacks its full stop (a standfirst, a lede typed without one, an embedded post):
    long, in sentence case, not a teaser, and not ending in brackets (a caption's credit or date:
    "... speaks during a briefing. (Joshua Roberts/Reuters)", "... to the Moon [SpaceX via Nasa]")."""
    return (
        not unit.wrapped
        and not unit.text.endswith((")", "]"))
        and not unit.terminal
        and not unit.ellipsis
        and unit.words >= UNFINISHED_MIN_WORDS
        and unit.capitalised < UNFINISHED_MAX_CAPITALISED
    )


def _title_like(unit: Unit) -> bool:
    return not unit.wrapped and not unit.ellipsis and 2 <= unit.words <= 25 and unit.symbols < 0.3


def _outside_rule(unit: Unit) -> str:
    if unit.ellipsis:
        return TEASER
    return OUTSIDE if unit.prose else SHORT_LINE


def _remove_lines(doc: Document, lines: Sequence[str], removed: dict[int, tuple[str, str | None]]) -> None:
    """Remove whole lines, one edit per run of lines removed by the same rule.

    Blank lines go with the chrome they separated, so no blank line is left at the top or the
    bottom, and no two where a block was taken out.
    """
    gone = _with_blank_lines(lines, removed)
    credit = _credit_blank_lines(lines, removed, gone)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line) + 1)  # the last line has no newline: clipped below
    spans = []
    index = 0
    while index < len(lines):
        if index not in gone:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and end in gone and credit[end] == credit[index]:
            end += 1
        start_offset, end_offset = offsets[index], min(offsets[end], len(doc.text))
        if index > 0 and index - 1 not in gone and all(i in gone for i in range(index, len(lines))):
            start_offset -= 1  # at the end, the newline before the removed lines goes too
        spans.append((start_offset, end_offset, "", *credit[index]))
        index = end
    edits.apply_labelled_spans(doc, spans, stage=STAGE)


def _with_blank_lines(lines: Sequence[str], removed: dict[int, tuple[str, str | None]]) -> set[int]:
    """The removed lines plus the blank lines that would be left dangling."""
    gone = set(removed)
    kept = [i for i, line in enumerate(lines) if line.strip() and i not in gone]
    if not kept:
        return set(range(len(lines)))
    blank_kept = True  # so that blank lines before the first kept line go
    for index, line in enumerate(lines):
        if line.strip():
            if index not in gone:
                blank_kept = False
        elif index < kept[0] or index > kept[-1] or blank_kept:
            gone.add(index)
        else:
            blank_kept = True
    return gone


def _credit_blank_lines(
    lines: Sequence[str], removed: dict[int, tuple[str, str | None]], gone: set[int]
) -> dict[int, tuple[str, str | None]]:
    """A removed blank line goes with the block below it when that block is removed, else with the one above."""
    credit = dict(removed)
    order = sorted(removed)
    text_lines = [i for i, line in enumerate(lines) if line.strip()]
    for index in gone - set(removed):
        below = bisect.bisect_right(text_lines, index)
        if below < len(text_lines) and text_lines[below] in removed:
            credit[index] = removed[text_lines[below]]
        else:
            position = bisect.bisect_left(order, index)
            credit[index] = removed[order[position - 1] if position else order[0]]
    return credit

"""Text a web page shows twice: the second copy is the page's furniture, not more of its article.

Two shapes are safe to call copies, measured on the gold article text of every shared set (none
of their pages has either, while the same text repeated farther apart is often the article's own:
an interviewer's question put to each guest, a meal plan's daily recipe, a forum's quotes):

- a unit that repeats the one right above it: a headline shown as the page's title and again as
  its heading, a caption in full and again cut short ("... more"), but not a paragraph that
  repeats only part of the longer text above it (an article's lede under a video's caption);
- a long unit made of three or more whole paragraphs above it: the article's body copied into
  one line by the page's metadata (Business Insider's pages hold it twice, 443 and 1,623 words);
  not a long quote whose sentences the article repeats further down, nor an FAQ's answer made of
  phrases other answers share (trafilatura's evaluation pages).

A run of paragraphs repeating the ones above, in order, is left alone: CleanPortalEval's gold
keeps an msnbc story twice, as the page shows it (measured: Zyte's F1 +0.001 in html_mode
"main", CleanPortalEval's -0.007).

Text laid out by hand (wire stories, e-mail) is left alone: a headline and a story's first line
say the same thing there and both are the text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.stages.boilerplate.lines import Unit

COPY_SHARE = 0.9  # of the unit's word 4-grams found in the text it copies
COPY_MIN_WORDS = 10.0  # shorter units (labels, "Share", a date) repeat for other reasons
BODY_COPY_MIN_WORDS = 40.0
BODY_COPY_SOURCES = 3  # paragraphs a body copy spans
_TOKEN = re.compile(r"\w+")
_TABLE_ROW = re.compile(r"\s*\|")  # a row of a table, as the main text writes tables ("| cell | cell |")
_CUT_SHORT = re.compile(r"(\.\.\.|…)\s*(more|read\s+more)?\s*$", re.IGNORECASE)


def page_copies(found: Sequence[Unit]) -> dict[int, int]:
    """Units (indexes) that copy text above them on the page -> the first unit they copy."""
    shingles = [_shingles(unit.text) for unit in found]
    holders: dict[tuple[str, ...], list[int]] = {}  # a 4-gram -> the units holding it, in order
    for n, grams in enumerate(shingles):
        for gram in grams:
            holders.setdefault(gram, []).append(n)
    copies: dict[int, int] = {}
    run_start = 0  # the unit a run of adjacent copies repeats
    for n, (unit, grams) in enumerate(zip(found, shingles)):
        if n - 1 not in copies:
            run_start = n - 1
        if unit.words < COPY_MIN_WORDS or unit.wrapped or not grams:
            continue
        source = shingles[run_start] if n > 0 else set()
        shared = len(source & grams)
        if shared >= COPY_SHARE * len(grams):
            # The same text, or a cut-short copy of it: not a lede that repeats part of a
            # video's longer caption above it (NBC's pages), which is the article's.
            cut_short = _CUT_SHORT.search(unit.text)
            if (cut_short or shared >= COPY_SHARE * len(source)) and (
                not _TABLE_ROW.match(unit.text) or _inside(unit.text, found[run_start].text, cut_short=bool(cut_short))
            ):
                copies[n] = run_start
        elif unit.words >= BODY_COPY_MIN_WORDS:
            # Whole paragraphs above it, each shorter and each inside it, that make up its text.
            parts = {m for g in grams for m in holders[g] if m < n and found[m].words < unit.words}
            inside = [m for m in parts if len(shingles[m] & grams) >= COPY_SHARE * len(shingles[m])]
            covered = set().union(*(shingles[m] for m in inside)) & grams if inside else set()
            if len(inside) >= BODY_COPY_SOURCES and len(covered) >= COPY_SHARE * len(grams):
                copies[n] = min(inside)
    return copies


def _inside(text: str, source: str, *, cut_short: bool) -> bool:
    """One text is the other, or holds it whole. Asked of a table's rows: two that differ in one
    word ("... treated with surgery ...", "... treated with radiotherapy ...") share nine tenths of
    their 4-grams and are two rows; a page's summary above its first paragraph is a copy even where
    one of them has a typo ("September 11, 2001", "September 11, 2011")."""
    words = _TOKEN.findall((_CUT_SHORT.sub("", text) if cut_short else text).lower())
    if cut_short:
        words = words[:-1]  # its last word may be cut
    one, other = f" {' '.join(words)} ", f" {' '.join(_TOKEN.findall(source.lower()))} "
    return one in other or other in one


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _TOKEN.findall(text.lower())
    if len(words) < 4:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

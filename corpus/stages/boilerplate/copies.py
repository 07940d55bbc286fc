"""Text a web page shows twice: the second copy is the page's furniture, not more of its article.

Two shapes are safe to call copies, measured on the gold article text of every shared set (none
of their pages has either, while the same text repeated farther apart is often the article's own:
an interviewer's question put to each guest, a meal plan's daily recipe, a forum's quotes):

- a unit that repeats the one right above it: a headline shown as the page's title and again as
  its heading, a caption in full and again cut short ("... more"), but not a paragraph that
  repeats only part of the longer text above it (an article's lede under a video's caption);
- a long unit made of three or more of the page's paragraphs: the article's body copied into one
  line by the page's metadata (Business Insider's pages hold it twice, 443 and 1,623 words).

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
_CUT_SHORT = re.compile(r"(\.\.\.|…)\s*(more|read\s+more)?\s*$", re.IGNORECASE)


def page_copies(found: Sequence[Unit]) -> dict[int, int]:
    """Units (indexes) that copy text above them on the page -> the first unit they copy."""
    owner: dict[tuple[str, ...], int] = {}  # a 4-gram -> the first unit holding it
    copies: dict[int, int] = {}
    shingles = [_shingles(unit.text) for unit in found]
    run_start = 0  # the unit a run of adjacent copies repeats
    for n, (unit, grams) in enumerate(zip(found, shingles)):
        if n - 1 not in copies:
            run_start = n - 1
        if unit.words >= COPY_MIN_WORDS and not unit.wrapped and grams and n > 0:
            source = shingles[run_start]
            if len(source & grams) >= COPY_SHARE * len(grams):
                # The same text, or a cut-short copy of it: not a lede that repeats part of a
                # video's longer caption above it (NBC's pages), which is the article's.
                if _CUT_SHORT.search(unit.text) or len(source & grams) >= COPY_SHARE * len(source):
                    copies[n] = run_start
            elif unit.words >= BODY_COPY_MIN_WORDS:
                sources = [owner[g] for g in grams if g in owner]
                if len(sources) >= COPY_SHARE * len(grams) and len(set(sources)) >= BODY_COPY_SOURCES:
                    copies[n] = min(sources)
        for gram in grams:
            owner.setdefault(gram, n)
    return copies


def _shingles(text: str) -> set[tuple[str, ...]]:
    words = _TOKEN.findall(text.lower())
    if len(words) < 4:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + 4]) for i in range(len(words) - 3)}

"""Where the article sits: the runs of units whose prose outweighs the chrome around them.

Prose units score their word count, chrome scores negative; the maximal-scoring runs
(Ruzzo and Tompa's all-maximal-segments algorithm) are the main text. Page chrome
clusters at the top and bottom, so it falls outside every strong run; a subheading or a
short list inside the article is bridged by the paragraphs around it, and so is a single
chrome line between two paragraphs (a section heading a wiki repeats on every page). Chrome that sits
inside articles (a photo's credit, a gallery counter, an advertisement label) still breaks a
run, so a caption beside it is not taken for the article, but it does not keep two runs of
paragraphs apart (it cut The Sun's two-sentence lede off its story).

Right below the runs, a table or list of figures joins them (tour dates, a group table, match
results): lists of other stories are text, not figures; so does a list of phrases the article
introduces with a colon. Below the article's last paragraph, the lines that finish it join it too
(`article_ends`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from corpus.stages.boilerplate.lines import Unit

# The line an embedded post ends with, as Twitter's embed code writes it: "— Cooper Lund (@cooperlund)
# November 18, 2019". The post is the article's (a quote, a source), however short its line.
_EMBED_ATTRIBUTION = re.compile(r"^[—–-]\s*[^()]{1,60}\(@\w{1,30}\)\s+\S[^()]{0,30}\d{4}$")
# A numbered list's item: "22) Hasbro Gaming – L’ALLEGRO CHIRURGO", "3. Preheat the oven".
_ITEM_NUMBER = re.compile(r"^(\d{1,3})([.)])\s")
# A line of HTML tags and nothing else: markup a page's editor left in its text.
_MARKUP = re.compile(r"(<[^<>]*>\s*)+")
CHROME_SCORE = -20.0  # a unit a rule or the repetition count already marks as chrome
LIST_MIN_ROWS = 3  # a table or list: this many rows of figures in a row
HEADER_MAX_WORDS = 6  # a list's header ("Dare to Play 3:", "Features:")


def unit_score(unit: Unit, chrome: bool) -> float:
    if chrome:
        return CHROME_SCORE
    if unit.ellipsis and not unit.wrapped and (unit.words < 30 or unit.read_more):
        return -3.0  # "Boeing is now heading to trial this summer, after a U.S. judge...": a teaser
    if unit.prose:
        return unit.words
    if unit.terminal and unit.words >= 5:
        return 1.0  # a short sentence: neutral, neither starts nor breaks an article
    if unit.symbols > 0.5:
        return -2.0
    return -2.0 if unit.words >= 2 else -1.0


def main_runs(
    scores: Sequence[float], *, min_score: float, share_of_best: float, inline: Collection[int] = ()
) -> list[tuple[int, int, float]]:
    """The maximal-scoring runs worth keeping, in order: (start, end exclusive, score).

    A weaker run joins the strong one next to it when nothing between them is known chrome but
    the `inline` kind, or one unit between two paragraphs: a list of tour dates, a photo with its
    credit or a repeated section heading splits an article into two runs, and both are the article.
    """
    runs = _maximal_segments(scores)
    if not runs:
        return []
    best = max(total for _, _, total in runs)
    floor = max(min_score, share_of_best * best)
    keep = [total >= floor for _, _, total in runs]
    changed = True
    while changed:
        changed = False
        for i in range(len(runs)):
            if keep[i] or runs[i][2] < min_score:
                continue
            for j in (i - 1, i + 1):
                if not (0 <= j < len(runs) and keep[j]):
                    continue
                if _clean_gap(scores, inline, min_score, runs[min(i, j)][1], runs[max(i, j)][0]):
                    keep[i] = changed = True
                    break
    kept = [run for run, wanted in zip(runs, keep) if wanted]
    merged: list[tuple[int, int, float]] = []
    for start, end, total in kept:  # neighbours joined across a clean gap become one run
        if (
            merged
            and _clean_gap(scores, inline, min_score, merged[-1][1], start)
            and _is_adjacent(runs, merged[-1], (start, end, total))
        ):
            merged[-1] = (merged[-1][0], end, merged[-1][2] + total + sum(scores[merged[-1][1] : start]))
        else:
            merged.append((start, end, total))
    return merged


def _clean_gap(scores: Sequence[float], inline: Collection[int], min_score: float, start: int, end: int) -> bool:
    """Nothing between two runs is chrome but the kind found inside articles; or the gap is one unit
    between two paragraphs: a section's heading that repeats across a site ("Historia[editar]")."""
    if all(scores[n] > CHROME_SCORE or n in inline for n in range(start, end)):
        return True
    return end - start == 1 and 0 < start and end < len(scores) and min(scores[start - 1], scores[end]) >= min_score


def _is_adjacent(
    runs: list[tuple[int, int, float]], left: tuple[int, int, float], right: tuple[int, int, float]
) -> bool:
    """No other maximal run lies between the two."""
    return not any(left[1] <= start and end <= right[0] for start, end, _ in runs)


def _maximal_segments(scores: Sequence[float]) -> list[tuple[int, int, float]]:
    """All maximal-scoring segments (Ruzzo & Tompa 1999): (start, end, total), linear time."""
    # Each entry: start, end, cumulative sum before start (left), cumulative sum at end (right).
    segments: list[list[float]] = []
    cumulative = 0.0
    for index, score in enumerate(scores):
        if score <= 0:
            cumulative += score
            continue
        segment = [index, index + 1, cumulative, cumulative + score]
        cumulative += score
        while True:
            j = len(segments) - 1
            while j >= 0 and segments[j][2] >= segment[2]:
                j -= 1
            if j < 0 or segments[j][3] >= segment[3]:
                segments.append(segment)
                break
            segment = [segments[j][0], segment[1], segments[j][2], segment[3]]
            del segments[j:]
    return [(int(s), int(e), right - left) for s, e, left, right in segments]


def _stretch_ends(kept: Collection[int]) -> list[int]:
    """The last unit of each stretch of kept units, in order: where what follows the article starts."""
    return sorted(n for n in kept if n + 1 not in kept)


def lists_below(
    found: Sequence[Unit],
    chrome: Sequence[bool],
    kept: set[int],
    is_row: Callable[[Unit], bool],
    is_header: Callable[[Unit], bool],
) -> set[int]:
    """Units of the tables and lists of figures that follow a kept unit directly, or under a header
    line that does ("The Doobie Brothers Tour Dates" above "June 9 – West Palm Beach, FL @ ...")."""
    joined: set[int] = set()
    for last in _stretch_ends(kept):
        start = last + 1
        header = start < len(found) and not chrome[start] and not is_row(found[start]) and is_header(found[start])
        first_row = start + 1 if header else start
        end = first_row
        while end < len(found) and end not in kept and not chrome[end] and is_row(found[end]):
            end += 1
        if end - first_row >= LIST_MIN_ROWS:
            joined.update(range(start, end))
    return joined


def introduced_list(found: Sequence[Unit], chrome: Sequence[bool], kept: set[int]) -> set[int]:
    """The items of a list the article introduces right below its last lines: a short line ending in a
    colon ("Dare to Play 3:"), then `LIST_MIN_ROWS` or more lines of one block, each five words or more
    in sentence case ("Hundreds of cool erotic tasks that will make your sex life fuller and more
    interesting"), where menus and lists of other stories are short or capitalised. The header itself
    is judged as any line: a site may repeat it on its other pages."""
    joined: set[int] = set()
    for last in _stretch_ends(kept):
        header = last + 1
        if header >= len(found) or not found[header].text.endswith(":") or found[header].words > HEADER_MAX_WORDS:
            continue
        end = header + 1
        while (
            end < len(found)
            and end not in kept
            and not chrome[end]
            and _sentence_item(found[end])
            and (end == header + 1 or found[end].first == found[end - 1].last + 1)
        ):
            end += 1
        if end - header - 1 >= LIST_MIN_ROWS:
            joined.update(range(header + 1, end))
    return joined


def _sentence_item(unit: Unit) -> bool:
    """A list item that reads as a phrase: five words or more, under half of them capitalised."""
    return not unit.wrapped and not unit.ellipsis and unit.words >= 5 and unit.capitalised < 0.5


def _embed_attribution(unit: Unit) -> bool:
    """Is the unit the attribution line under an embedded post (its author, handle and date)?"""
    return not unit.wrapped and _EMBED_ATTRIBUTION.match(unit.text) is not None


def embedded_posts(found: Sequence[Unit]) -> set[int]:
    """Units of the posts embedded in the page: each attribution line and the post's text right above it
    (a tweet's line is as short as a teaser's title, and would end the article's paragraphs there)."""
    lines = {n for n, unit in enumerate(found) if _embed_attribution(unit)}
    return lines | {n - 1 for n in lines if n > 0}


def article_ends(found: Sequence[Unit], chrome: Sequence[bool], kept: set[int]) -> set[int]:
    """Units right below the article that finish what its last lines began: the attribution of a post
    embedded there, the notes in brackets under its last paragraph ("(Graphic: Global assets in 2019 -
    here)", "(updated 10/28/02)"), the next items of a numbered list it ends with (a top-N list's short
    last item scores as a menu line: "22) Hasbro Gaming – L’ALLEGRO CHIRURGO" under "21) Pesca pazza ..."),
    and its closing sentences below a line of leftover markup."""
    joined: set[int] = set()
    for last in _stretch_ends(kept):
        below = last + 1
        if below < len(found) and not chrome[below] and _embed_attribution(found[below]):
            joined.add(below)
            continue
        while found[last].prose and below < len(found) and not chrome[below] and _bracketed(found[below]):
            joined.add(below)
            below += 1
        joined |= _next_items(found, chrome, last)
        joined |= _closing_sentences(found, chrome, last)
    return joined


def _closing_sentences(found: Sequence[Unit], chrome: Sequence[bool], last: int) -> set[int]:
    """The short sentences that close the article below a line of leftover markup under its last
    paragraph: an editor's bookmark ("<span data-mce-type="bookmark" ...></span>", no text of its own)
    above "“Wild Rose” is now available on DVD and VOD." cut the sentence off the article's run."""
    below = last + 1
    if not found[last].prose or below >= len(found) or chrome[below] or not _MARKUP.fullmatch(found[below].text):
        return set()
    taken: set[int] = set()
    below += 1
    while below < len(found) and not chrome[below] and _closing(found[below]):
        taken.add(below)
        below += 1
    return taken


def _closing(unit: Unit) -> bool:
    """A sentence of five words or more, not a teaser's."""
    return not unit.wrapped and unit.terminal and not unit.ellipsis and unit.words >= 5


def _bracketed(unit: Unit) -> bool:
    """A line wholly in brackets: a note on the text above it, a link to its graphic."""
    return not unit.wrapped and unit.text.startswith("(") and unit.text.endswith(")")


def _next_items(found: Sequence[Unit], chrome: Sequence[bool], last: int) -> set[int]:
    """The units below `last` that go on with its list's numbering, in the same style ("22)" after "21)")."""
    items: set[int] = set()
    number = _ITEM_NUMBER.match(found[last].text)
    below = last + 1
    while number and below < len(found) and not chrome[below]:
        following = _ITEM_NUMBER.match(found[below].text)
        if not (following and following[2] == number[2] and int(following[1]) == int(number[1]) + 1):
            break
        items.add(below)
        number, below = following, below + 1
    return items

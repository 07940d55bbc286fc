"""Where a repeated line stands on its page: as a block of its own, or inside the page's own text.

A line on many pages is chrome where it stands alone: a sign-off under a story, a menu item, a
pitch between two paragraphs. The same words inside the page's own structure are its text,
however often they repeat across a corpus (on Reuters-21578, repetition alone removed 2,146
such lines from 1,252 stories):

- a line of a hard-wrapped paragraph: "U.S. Trade Representative Clayton" above "Yeutter said
  he hoped...", a dateline cut short ("International" above "Phoenix Energy Corp said...");
- a row of a table of figures: "Pay April 15", "Record March 31", "Qtly div 10 cts vs 10 cts
  prior", the results of a match, a list of tour dates;
- the document's first line when it is its title: wire services reuse headlines ("HOG AND
  CATTLE SLAUGHTER GUESSTIMATES" heads a story every day), and a duplicated story repeats its own.

So inside a block of text laid out by hand (Reuters, e-mail: no blank line between its lines)
a repeated line may go only from the block's edge, where it is not joined to its neighbour by
a sentence running on (the sign-off follows a finished sentence or a table), and never when it
holds figures; anywhere, a row of figures next to another one stays.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from corpus.rules import normalise_line
from corpus.stages.boilerplate.lines import Layout, Unit

# Numbers as wire tables and lists write them: digits, or words ("Pay May One", "Record April Three").
_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|zero"
    r"|first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|tenth|eleventh|twelfth)\b",
    re.IGNORECASE,
)
# A finished sentence: a colon or a semicolon introduces what follows ("...as follows:" above a table).
_FINISHED = re.compile(r"""[.!?。！？…]["'”’»)\]]*$""")
# After a row's first word: a separator or another number ("June 9 – Tampa, FL", "Rockledge 14 11 6 15 — 44",
# "2018.04.05 ~ OPEN RUN": a range with a tilde), which a numbered headline has not ("27 Oddest Medical Case Reports").
_ROW_REST = re.compile(r"[–—~:|@,()/]|\d")
TITLE_MAX_WORDS = 25  # a longer first line is a paragraph, not a title
# Lines that belong to a listing wherever they stand: brackets closing a block of code ("}",
# "});") and the rule under a table's header ("|---|---|"). Chrome is never only these.
_LISTING_LINE = re.compile(r"[\s{}()\[\];,]*[{}()\[\]][\s{}()\[\];,]*|\|?(?:\s*:?-{3,}:?\s*\|)+\s*(?::?-{3,}:?\s*)?")
# A line of code beside another one: one markup tag alone ("<head>", "</div>"), or a statement
# ending with a semicolon or opening a block ("return x + y;", "int add(int x, int y) {").
_CODE_LINE = re.compile(r"\s*</?[A-Za-z][^<>]*>\s*|.*[;{]\s*")
# A list's marker alone on its line, its item's text on the next one (recipe ingredients, a blog's bug list)...
_MARKER_ALONE = re.compile(r"\s*[-*•·–—▪◦‣●○■□]\s*")
# ...unless the item above holds its marker and text on one line ("- Distracting", "7. Holiday earrings"):
# then a marker alone is an empty item.
_MARKED_ITEM = re.compile(r"\s*(?:[-*•·–—▪◦‣●○■□]|\d{1,3}[.)])\s+\S")


def ends_sentence(text: str) -> bool:
    """Ends with a full stop, a question or an exclamation mark (not a colon, which introduces what follows)."""
    return _FINISHED.search(text) is not None


def figure_row(unit: Unit) -> bool:
    """A line that is not running text and holds a number: a table's row, an entry of a dated list."""
    return not unit.prose and _NUMBER.search(unit.text) is not None


def _digits_row(unit: Unit) -> bool:
    """A row of a table above: figures in digits ("NOTE: Full name ... Woburn Five Cents Savings" has a
    number word, and its sentence runs on)."""
    return not unit.prose and any(char.isdigit() for char in unit.text)


def table_row(unit: Unit) -> bool:
    """A row of figures laid out as a table's or a list's: a number, and a separator or another number
    after its first word."""
    rest = unit.text.split(None, 1)[1:]
    return figure_row(unit) and bool(rest) and _ROW_REST.search(rest[0]) is not None


def standing_alone(
    found: Sequence[Unit],
    page: Layout,
    lines: Sequence[str],
    repeated: Collection[int],
    ruled: Collection[int],
    title: str | None,
) -> set[int]:
    """The units (indexes) that stand as a block of their own, of those repeated across pages and
    those a generic line rule names (a date line, say): the first may not be the title or a row of
    figures, and in a hand-laid block neither may cut into its text; a list's marker goes only with
    its item."""
    alone = set(repeated)
    if 0 in alone and is_title(found, page, title):
        alone.discard(0)
    for n in list(alone):
        if (
            (figure_row(found[n]) and _next_to(found, page, n, figure_row))
            or listing_line(found[n])
            or (code_line(found[n]) and _next_to(found, page, n, code_line))
        ):
            alone.discard(n)
    alone.update(ruled)
    for block in page.text_blocks if page.plain else ():
        reachable = _from_edges(found, lines, block, alone)
        alone.difference_update(n for n in block if n not in reachable)
    for n in sorted(alone, reverse=True):  # from the bottom, so a run of markers follows its last item
        if _item_marker(found, page, n) and n + 1 not in alone:
            alone.discard(n)  # the marker goes with its item, not before it
    return alone


def empty_table_rows(lines: Sequence[str]) -> list[int]:
    """The rows with no text in any cell ("| |", "| | | |") of the tables that hold text: the spacer
    rows and cells of a page laid out in tables, as the main-text extractor writes a table, each row
    opening and closing with "|". A table is a run of such lines, and one with no text is left
    alone: the lines of an ASCII graph in a code listing ("o 5:540ba8f3", "|", "| @ 4:cbdfbd5a")
    are no table, nor is "| |" between two of them; a header's rule ("|---|---|") is no empty row."""
    found: list[int] = []
    run: list[int] = []
    for index, line in enumerate([*lines, ""]):
        stripped = line.strip()
        if len(stripped) > 1 and stripped[0] == stripped[-1] == "|":
            run.append(index)
            continue
        empty = [n for n in run if not lines[n].strip("| ")]
        if len(empty) < len(run):  # the table holds text
            found.extend(empty)
        run = []
    return found


def is_title(found: Sequence[Unit], page: Layout, title: str | None) -> bool:
    """Is the first unit the document's title: its HTML title, or a title-like line set apart above the text?"""
    if not found:
        return False
    first = found[0]
    if first.wrapped or first.ellipsis or not 1 <= first.words <= TITLE_MAX_WORDS:
        return False
    if not any(char.isalpha() for char in first.text):
        return False
    if title and normalise_line(first.text) in normalise_line(title):
        return True
    return len(found) > 1 and (not page.adjacent(first, found[1]) or found[1].prose)


def listing_line(unit: Unit) -> bool:
    """A closing bracket or a table's rule: it repeats on every page that shows code or a table, and is their text."""
    return _LISTING_LINE.fullmatch(unit.text) is not None


def code_line(unit: Unit) -> bool:
    """A line of a code listing ("<head>" above "<meta charset=...>"), or a line of brackets."""
    return not unit.prose and (listing_line(unit) or _CODE_LINE.fullmatch(unit.text) is not None)


def _item_marker(found: Sequence[Unit], page: Layout, n: int) -> bool:
    """The n-th unit is a list's marker whose item's text is the unit below it."""
    if not _MARKER_ALONE.fullmatch(found[n].text) or n + 1 == len(found) or not page.adjacent(found[n], found[n + 1]):
        return False
    return n == 0 or not page.adjacent(found[n - 1], found[n]) or not _MARKED_ITEM.match(found[n - 1].text)


def _next_to(found: Sequence[Unit], page: Layout, n: int, shape: Callable[[Unit], bool]) -> bool:
    """The unit right above or below the n-th, with no paragraph break between, has this shape."""
    above = n > 0 and page.adjacent(found[n - 1], found[n]) and shape(found[n - 1])
    below = n + 1 < len(found) and page.adjacent(found[n], found[n + 1]) and shape(found[n + 1])
    return above or below


def _from_edges(found: Sequence[Unit], lines: Sequence[str], block: range, removable: Collection[int]) -> set[int]:
    """The removable units of a hand-laid block that can be peeled from its edges without cutting
    into its text: from the bottom, each must follow a finished sentence or a row of figures in
    digits (the sign-off); from the top, each must end a sentence or sit above an indented paragraph."""
    peeled: set[int] = set()
    n = block.stop - 1
    while n >= block.start and n in removable and not figure_row(found[n]):
        if n > block.start and not (ends_sentence(found[n - 1].text) or _digits_row(found[n - 1])):
            break
        peeled.add(n)
        n -= 1
    n = block.start
    while n < block.stop and n in removable and n not in peeled and not figure_row(found[n]):
        below = n + 1
        if below < block.stop and not (
            (ends_sentence(found[n].text) or lines[found[below].first][:1].isspace()) and not figure_row(found[below])
        ):
            break
        peeled.add(n)
        n += 1
    return peeled

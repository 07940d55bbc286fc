"""What each line looks like: units (a line, or a hard-wrapped paragraph judged whole) and their features.

Hand-written: jusText classifies HTML blocks and trafilatura reads the DOM; neither judges
plain text lines, and datatrove's C4 rules judge each line alone, which drops 75% of the
lines of hard-wrapped Reuters stories for want of a full stop.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_WORD = re.compile(r"\w+")
# Scripts written without spaces between words: a character there is worth about half a word.
_UNSPACED = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u0e00-\u0e7f]")
_TERMINAL = re.compile(r"""[.!?。！？…:;]["'”’»)\]]*$""")
_ELLIPSIS_END = re.compile(r"(\.\.\.|…)\s*[\])]?\s*[»›]?$")  # "...", "[…]", "… »"
# A link to the rest of the text elsewhere: "... Read More", "… more", "Continue reading »"; or a text the
# page cut off mid-sentence, "... a word …" (no gold line of any shared set ends so, however long).
_READ_MORE_END = re.compile(
    r"((\.\.\.|…)\s*\[?(read\s+)?more\]?|\S\s+\[?(read\s+more|continue\s+reading|read\s+the\s+(full|whole)\s+(story|article|post))\]?"
    r"|[\w,;]\s+(\.\.\.|…))\s*[»›→>]*$",
    re.IGNORECASE,
)
_DIGITISH = re.compile(r"[\d\W_]")
_UPPER_START = re.compile(r"^[\"'“‘(\[]*[A-ZÀ-ÖØ-ÞĀ-Ž]")

WRAP_MIN_WIDTH = 40  # a hard-wrapped paragraph's longest line has at least this many characters
WRAP_MAX_WIDTH = 100  # ...and at most this many: text is wrapped for screens and mail (Reuters: 70)
WRAP_FILL = 0.55  # ...and every line but its last fills at least this share of the longest
DOUBLE_SPACED = 0.8  # share of lines followed by one blank line in text double-spaced throughout


@dataclass(frozen=True, slots=True)
class Unit:
    """A line, or a hard-wrapped paragraph: `first`..`last` (inclusive) are line indexes."""

    first: int
    last: int
    text: str  # the unit's lines joined with spaces
    words: float  # word count; characters of unspaced scripts count as half a word
    terminal: bool  # ends like a sentence
    ellipsis: bool  # ends in "..." or a "Read more" link (a teaser of another page)
    capitalised: float  # share of words starting with a capital letter (menus, title lists)
    symbols: float  # share of characters that are digits, punctuation or symbols
    wrapped: bool  # several hard-wrapped lines
    read_more: bool = False  # ends in a "Read more" link or is cut mid-sentence: a teaser however long it is

    @property
    def prose(self) -> bool:
        """Reads like running text: sentences of some length, not a title or a menu."""
        if self.wrapped:
            return True
        if self.capitalised > 0.7 and self.words >= 4 and not self.terminal:
            return False
        return self.words >= 10 and (self.terminal or self.words >= 40)


def units(lines: list[str]) -> list[Unit]:
    """Non-blank lines grouped into units, in order; blank lines belong to no unit, except in
    double-spaced text (a blank line after every line), where one blank line is only a line break."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    line_break = _line_break(lines)
    found: list[Unit] = []
    block: list[int] = []
    for index in filled:
        if block and index - block[-1] > line_break:
            found.extend(_block_units(lines, block))
            block = []
        block.append(index)
    if block:
        found.extend(_block_units(lines, block))
    return found


def _line_break(lines: list[str]) -> int:
    """How far apart two lines of one paragraph are: 1, or 2 in double-spaced text, where nearly
    every line is followed by exactly one blank line and none by the next line directly."""
    filled = [index for index, line in enumerate(lines) if line.strip()]
    gaps = [after - before for before, after in zip(filled, filled[1:])]
    double = len(gaps) >= 4 and gaps.count(2) >= DOUBLE_SPACED * len(gaps) and gaps.count(1) <= len(gaps) // 20
    return 2 if double else 1


def _block_units(lines: list[str], block: list[int]) -> list[Unit]:
    """A block of lines (indexes) with no paragraph break between them: hard-wrapped runs become
    one unit each."""
    result: list[Unit] = []
    position = 0
    while position < len(block):
        stop = position + 1
        width = len(lines[block[position]].strip())  # the run's widest line so far
        while stop < len(block) and _continues(lines[block[stop - 1]], lines[block[stop]], width, stop - position):
            width = max(width, len(lines[block[stop]].strip()))
            stop += 1
        result.append(make_unit(lines, block[position], block[stop - 1]))
        position = stop
    return result


def _continues(previous: str, line: str, run_width: int, run_lines: int) -> bool:
    """Is `line` the next line of a paragraph hard-wrapped at a fixed width, after a run of
    `run_lines` lines at most `run_width` wide?"""
    previous, stripped = previous.strip(), line.strip()
    width = max(run_width, len(stripped))
    if not WRAP_MIN_WIDTH <= width <= WRAP_MAX_WIDTH or not stripped.strip("| "):
        return False  # a blank line, or a table's empty row ("| |"): no line of a paragraph
    # A short first line is allowed where the sentence goes on below it (a dateline cut off).
    if len(previous) < WRAP_FILL * width and not (run_lines == 1 and stripped[0].islower()):
        return False
    if _TERMINAL.search(previous) and _UPPER_START.match(stripped):
        # A sentence may end at a wrap; a new paragraph is indented or the run is a list of titles.
        return not line.startswith((" ", "\t")) and run_lines > 1
    return stripped[0].islower() or not _UPPER_START.match(stripped) or _ends_mid_sentence(previous)


# Words a wrapped line can end on but a title or menu item hardly does ("...the Securities and").
_JOINING_WORDS = frozenset(
    "a an and as at by for from in into of on or than that the to with "
    "der die das und von zu mit le la les et de du des en el los las y del que para con il di e per".split()
)


def _ends_mid_sentence(line: str) -> bool:
    return line.endswith((",", "-", "–", "(")) or line.rsplit(" ", 1)[-1] in _JOINING_WORDS


def make_unit(lines: list[str], first: int, last: int) -> Unit:
    text = " ".join(line.strip() for line in lines[first : last + 1] if line.strip())
    words, terminal, ellipsis, capitalised, symbols, read_more = _features(text)
    return Unit(
        first, last, text, words, terminal, ellipsis, capitalised, symbols, wrapped=last > first, read_more=read_more
    )


@functools.lru_cache(maxsize=1 << 16)  # menus, share bars and footers recur on page after page
def _features(text: str) -> tuple[float, bool, bool, float, float, bool]:
    """words, terminal, ellipsis, capitalised, symbols, read_more (see Unit)."""
    words = _WORD.findall(text)
    count = float(len(words))
    if _UNSPACED.search(text):
        count += len(_UNSPACED.findall(text)) / 2 - sum(1 for w in words if _UNSPACED.match(w))
    letters = [w for w in words if w[0].isalpha()]
    capitalised = sum(1 for w in letters if w[0].isupper()) / len(letters) if letters else 0.0
    spaces = text.count(" ")  # _DIGITISH matches spaces too
    symbols = (len(_DIGITISH.findall(text)) - spaces) / max(1, len(text) - spaces)
    read_more = bool(_READ_MORE_END.search(text))
    ellipsis = read_more or bool(_ELLIPSIS_END.search(text))
    return max(count, 0.0), bool(_TERMINAL.search(text)), ellipsis, capitalised, symbols, read_more


@dataclass(frozen=True, slots=True)
class Layout:
    """How a text is laid out: by hand (wrapped, indented tables) or a block per line (from HTML)."""

    hard_wrapped: bool  # wrapped at a fixed width throughout, with at least one wrapped paragraph
    plain: bool  # hard-wrapped, or short lines with indented ones: text laid out by hand
    text_blocks: list[range]  # unit indexes of the blocks laid out by hand (see `layout`)
    line_break: int  # how far apart two lines of one paragraph are: 1, or 2 in double-spaced text

    def adjacent(self, upper: Unit, lower: Unit) -> bool:
        """No paragraph break between the two units."""
        return 0 < lower.first - upper.last <= self.line_break


def layout(found: list[Unit], lines: list[str]) -> Layout:
    """Blocks are units with no paragraph break between them; a block is laid out by hand when it is
    mostly hard-wrapped paragraphs or holds indented lines (Reuters' tables). Text from HTML has a
    block per line and no blank lines: a whole page is one block, not laid out by hand."""
    narrow = all(len(line) <= WRAP_MAX_WIDTH for line in lines)
    indented = [line[:1] in (" ", "\t") for line in lines]
    line_break = _line_break(lines)
    blocks: list[range] = []
    start = 0
    for n in range(1, len(found) + 1):
        if n == len(found) or found[n].first - found[n - 1].last > line_break:
            span = range(found[start].first, found[n - 1].last + 1)
            wrapped = sum(found[i].last + 1 - found[i].first for i in range(start, n) if found[i].wrapped)
            if wrapped >= len(span) / 2 or any(indented[i] for i in span):
                blocks.append(range(start, n))
            start = n
    hard_wrapped = narrow and any(unit.wrapped for unit in found)
    return Layout(hard_wrapped, hard_wrapped or (narrow and any(indented)), blocks, line_break)

"""Reuters-21578 in the boilerplate benchmark: clean wire stories, where every removed line but the sign-off is a loss.

Each line the stage removes (found by comparing a story's lines before and after it, since the
stage removes whole lines) is classed by where it stood in the story, with rules of the
benchmark's own, not the stage's:

- sign-off: "Reuter", "REUTER", "Reuter..." alone on its line (the one line meant to go);
- other: a line without a letter or a digit ("." under a table), and anything not below;
- headline: the story's first line;
- inside a wrapped paragraph: a line that a sentence runs across, into the next line (it ends
  no sentence and the next line goes on without a paragraph's indent) or from the line above;
- figures: a line holding a number (a dividend table's "Pay April 15", "Record March 31").
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence

SIGN_OFF = re.compile(r"(?i)^\s*reuters?(\W|\^M)*$")  # some stories end in "REUTER...^M", caret and M
KINDS = ("headline", "inside a wrapped paragraph", "figures", "other")
_NUMBER = re.compile(r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)\b", re.IGNORECASE)
_ENDS_SENTENCE = re.compile(r"""[.!?:;]["')]*$""")


def removed_lines(before: str, after: str) -> list[tuple[int, str]]:
    """(index in `before`'s lines, line) of each non-blank line the stage removed."""
    old, new = before.split("\n"), after.split("\n")
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return [
        (i, old[i])
        for tag, i1, i2, _, _ in matcher.get_opcodes()
        if tag in ("delete", "replace")
        for i in range(i1, i2)
        if old[i].strip()
    ]


def kind(lines: Sequence[str], index: int) -> str:
    """Where a removed line stood in its story (see the module docstring); "sign-off" for the sign-off."""
    line = lines[index]
    if SIGN_OFF.match(line):
        return "sign-off"
    if not any(char.isalnum() for char in line):
        return "other"
    if index == next(i for i, text in enumerate(lines) if text.strip()):
        return "headline"
    above = lines[index - 1] if index > 0 else ""
    below = lines[index + 1] if index + 1 < len(lines) else ""
    runs_on = below.strip() and not below[:1].isspace() and not _ENDS_SENTENCE.search(line.strip())
    runs_in = above.strip() and not line[:1].isspace() and not _ENDS_SENTENCE.search(above.strip())
    if runs_on or runs_in:
        return "inside a wrapped paragraph"
    return "figures" if _NUMBER.search(line) else "other"


def report(befores: Sequence[str], afters: Sequence[str], ids: Sequence[str]) -> tuple[Counter[str], float, list]:
    """Removed lines by kind, the share of words removed apart from sign-offs, and the removed lines
    that are not sign-offs as (id, kind, line)."""
    kinds: Counter[str] = Counter()
    removed_words = total = 0
    examples = []
    for doc_id, before, after in zip(ids, befores, afters, strict=True):
        lines = before.split("\n")
        total += len(before.split())
        for index, line in removed_lines(before, after):
            what = kind(lines, index)
            kinds[what] += 1
            if what != "sign-off":
                removed_words += len(line.split())
                examples.append((doc_id, what, line.strip()))
    return kinds, removed_words / max(total, 1), examples

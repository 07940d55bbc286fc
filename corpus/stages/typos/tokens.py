"""The words of a text the typos stage looks at: the tokens it decides (never inside markup or
code), the word forms its first pass counts, and where a run of letters stands as a whole word."""

from __future__ import annotations

import bisect
import re
from collections.abc import Container

# A correctable token: letters only, lower case after the first letter (so no acronyms, no
# "iPhone"), not touching digits, @, #, /, dots or colons inside (URLs, "mailto:", e-mail), hyphens or apostrophes
# but a possessive's ("the goverment's policies"), nor an HTML entity left in the text
# ("hasn&#8217;t" is no "has", "&rsquo;" no word), nor a character outside ASCII but spaces, quotes and
# dashes on either side ("shouldn\ufffdt", a contraction whose apostrophe was lost, is no "should"), nor
# a bracket ("[R]ecent", "[s]ince": a quotation's letters the writer changed), nor after a URI's
# scheme ("about:restartrequired", "javascript:void") or a comma without a space (a list of
# options: "noatime,nodiratime,nobarrier").
_OUTSIDE_ASCII = r"[^\x00-\x7f\s“”‘’«»„–—…]"
TOKEN = re.compile(
    rf"(?<![\w@#/\\.'’&\]-])(?<![a-z][:,])(?<!{_OUTSIDE_ASCII})([A-Za-z][a-z]+)"
    rf"(?![\w@/\\\[-]|['’](?!s\b)|[.:][A-Za-z0-9]|&#?\w+;|{_OUTSIDE_ASCII})"
)
# A lowercase compound's parts are words too ("a twpo-for-one split"); a capitalised one is a name
# ("Suk-yeol").
_COMPOUND = re.compile(r"(?<![\w@#/\\.'’-])[a-z]+(?:-[a-z]+)+(?![\w@/\\'’-]|\.[A-Za-z0-9])")
_PART = re.compile(r"[a-z]+")
_CODE_HINT = re.compile(r"[<=(\x1b]|^[ \t]*(?:import|from|def|class|#include|>>>|\$)[ \t]", re.MULTILINE)
# Markup and code, never corrected: a line of code ("import atexit", "def cleanup(handle):", a shell
# prompt's command), a tag, an attribute or assignment, a call, an escape sequence.
_CODE = re.compile(
    r"^[ \t]*(?:import [\w.]+(?:, ?[\w.]+)*(?: as \w+)?;?|from [\w.]+ import [\w., ()*]+"
    r"|def \w+\(.*\):|class \w+(?:\(.*\))?:|#include\b.*|>>> .*|\$ [a-z].*)[ \t]*$|"
    r"<[A-Za-z/!][^<>\n]*>|(?<!\w)\w+(?:\s*=\s*(?:\"[^\"\n]*\"|'[^'\n]*'|\S+)|\([^()\n]*\))|\x1b[^\x07\n]*\x07?",
    re.MULTILINE,
)
# A word form as the first pass counts it: letters, with inner apostrophes, dots and hyphens, and no
# punctuation around it (a sentence's full stop is not part of "Siever").
WORD = re.compile(r"[A-Za-z]+(?:['’.-][A-Za-z]+)*")
LETTERS = re.compile(r"[A-Za-z]+")


def to_decide(text: str, settled: Container[str], forced: dict[str, str]) -> list[tuple[int, int, bool]]:
    """(start, end, part of a compound) of every word to decide, in text order: plain words and the
    parts of lowercase compounds, but those already `settled` (unless `forced`) and those inside
    markup or code (`<img onerror=...>`, `alert("pwned")`)."""
    found = [
        (*match.span(1), False)
        for match in TOKEN.finditer(text)
        if match.group(1) not in settled or match.group(1) in forced
    ]
    if "-" in text:
        found += [
            (match.start() + part.start(), match.start() + part.end(), True)
            for match in _COMPOUND.finditer(text)
            for part in _PART.finditer(match.group())
            if part.group() not in settled or part.group() in forced
        ]
        found.sort()
    if not _CODE_HINT.search(text):
        return found
    code = [match.span() for match in _CODE.finditer(text)]
    starts = [first for first, _ in code]
    return [
        (start, end, part)
        for start, end, part in found
        if (at := bisect.bisect_right(starts, start) - 1) < 0 or start >= code[at][1]
    ]


def occurrences(text: str, run: str) -> list[int]:
    """Where `run` stands in `text` as a whole run of letters."""
    found, start = [], text.find(run)
    while start >= 0:
        end = start + len(run)
        if not (start and text[start - 1].isascii() and text[start - 1].isalpha()) and not (
            end < len(text) and text[end].isascii() and text[end].isalpha()
        ):
            found.append(start)
        start = text.find(run, start + 1)
    return found

"""Dates and authors kept, not lost: a removed line that names one fills `published` / `author`.

Values are kept as written ("13 Jun 2022, 03:58 GMT+10"); parsing dates in every format and
language is a job for a later step with the date library of the user's choice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from corpus.document import Document

_MONTH = (
    r"(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sep(t(ember)?)?|oct(ober)?|nov(ember)?|dec(ember)?"
    r"|januar|februar|märz|mai|juni|juli|oktober|dezember|janvier|février|mars|avril|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre|enero|febrero|marzo|abril|mayo|junio|julio|agosto|septiembre|octubre|noviembre|diciembre"
    r"|janeiro|fevereiro|março|maio|junho|julho|setembro|outubro|novembro|dezembro)\.?"
)
_TIME = r"(,?\s*(at\s+)?\d{1,2}[:.]\d{2}(:\d{2})?(\s*[ap]\.?m\.?)?(\s*(GMT|UTC|[A-Z]{2,4})([+-]\d{1,2}(:?\d{2})?)?)?)?"
_DATE = re.compile(
    r"(?i)\b("
    rf"\d{{1,2}}(st|nd|rd|th)?\.?\s+(de\s+)?{_MONTH},?\s+(de\s+)?\d{{4}}{_TIME}"
    rf"|{_MONTH}\s+\d{{1,2}}(st|nd|rd|th)?,?\s+\d{{4}}{_TIME}"
    r"|\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2})?([+-]\d{2}:?\d{2}|Z)?)?"
    r"|\d{4}[./]\d{1,2}[./]\d{1,2}|\d{1,2}[./]\d{1,2}[./]\d{4}"
    r")"
)
_AUTHOR = re.compile(
    r"^\s*(by|author|written\s+by|posted\s+by|words\s+by|story\s+by|von|par|por|di|автор)\s*:?\s+(?P<name>.+?)\s*$",
    re.IGNORECASE,
)
_MAX_WORDS = 15  # longer lines are sentences that mention a date, not date lines


def fill(doc: Document, removed_lines: Sequence[str]) -> None:
    """Set doc.published and doc.author from the first removed line that holds one, if unset."""
    for line in removed_lines:
        if len(line.split()) > _MAX_WORDS:
            continue
        author = _AUTHOR.match(line)
        if doc.author is None and author and _name_like(author["name"]) and not _DATE.search(author["name"]):
            doc.author = author["name"]
        if doc.published is None and (date := _DATE.search(line)):
            doc.published = date.group(0).strip().rstrip(",")


def _name_like(text: str) -> bool:
    return text[0].isupper() and len(text.split()) <= 8

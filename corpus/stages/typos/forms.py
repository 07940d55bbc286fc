"""What the typos stage's first pass asks of each word form, whatever its document: whether a
decision may want its counts, or it may be a capitalised typo's twin (cached per process)."""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING

from corpus.stages.typos import spelling
from corpus.stages.typos import words as wordlist
from corpus.stages.typos.checker import TWIN_ZIPF
from corpus.stages.typos.words import zipf

if TYPE_CHECKING:
    from corpus.stages.typos.stage import TyposConfig

_LOWER_REST = re.compile(r"[a-z]+")


@functools.lru_cache(maxsize=1 << 17)
def asks_counts(word: str, language: str, config: TyposConfig) -> bool:
    """A lowercase word whose decision may depend on how often the input writes it: one no list
    knows, or one the dictionary barely counts ("beng")."""
    return (
        not spelling.known(word, language, config)
        or wordlist.dictionary(language).frequency.get(word, 0) <= config.suspect_count
    )


@functools.lru_cache(maxsize=1 << 17)
def wanted(run: str, language: str, config: TyposConfig) -> bool:
    """A run of letters whose decision in `apply` may ask for counts, whether it is a token, a
    short word or a compound's part (`checker.Checker.decide`): more than `apply` asks, never less."""
    lower = run.lower()
    return asks_counts(lower, language, config) and (run.islower() or not spelling.known(lower, language, config))


@functools.lru_cache(maxsize=1 << 17)
def counted(form: str, config: TyposConfig) -> bool:
    """Whether a decision may ask how often the input writes this form: a form whose lower case
    is unknown or rare in one of the stage's languages, or a possible twin of a capitalised typo."""
    return (
        form.isascii()
        and form.isalpha()
        and (
            twin_like(form, config) or any(asks_counts(form.lower(), language, config) for language in config.languages)
        )
    )


@functools.lru_cache(maxsize=1 << 17)
def twin_like(form: str, config: TyposConfig) -> bool:
    """A capitalised common word: what a capitalised typo may be corrected to (checker.in_context)."""
    return (
        form[0].isupper()
        and _LOWER_REST.fullmatch(form, 1) is not None
        and any(zipf(form.lower(), language) >= TWIN_ZIPF for language in config.languages)
    )

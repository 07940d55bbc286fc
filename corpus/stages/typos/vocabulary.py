"""The first pass, kept on disk: how often the input writes each word form, which capitalised
words it writes beside which, and what each unknown word would become out of context.

No process holds the input's vocabulary (corpus/firstpass.py). Each batch's `fit` gives rows:

- forms: the batch's word forms with their counts, only those a decision may ask about (a form
  whose lowercase is unknown or rare, and a capitalised common word, a possible twin);
- pairs: two neighbouring capitalised forms, one of them a possible twin ("Korea" beside "South");
- wanted: the forms whose counts the batch's documents will ask for (a token that is not a plain
  known word: itself, in lower case and capitalised);
- beside: a capitalised unknown token and its capitalised neighbour ("Soth" before "Korea"),
  for which the batch will ask the twins one edit away that the input writes beside that neighbour;
- unknown: (form, language, correction out of context) of the batch's unknown words.

DuckDB sums the counts over the input and hands each batch only the counts of its own wanted
forms and the twins of its own tokens (`lookup`), and writes `unknown_words.parquet`; the
workers build a `Counts` from their batch's rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

FIT_TABLES: dict[str, dict[str, Any]] = {
    "forms": {"doc": pl.Int32, "form": pl.String, "count": pl.Int64},
    "pairs": {"doc": pl.Int32, "first": pl.String, "second": pl.String, "count": pl.Int64},
    "wanted": {"doc": pl.Int32, "key": pl.String},
    "beside": {"doc": pl.Int32, "token": pl.String, "before_word": pl.String, "after_word": pl.String},
    "unknown": {"doc": pl.Int32, "form": pl.String, "language": pl.String, "correction": pl.String},
}
UNKNOWN_WORDS = "unknown_words.parquet"


@dataclass
class Rows:
    """One batch's fit rows, built document by document (`doc`: the document's index in the batch)."""

    forms: dict[str, list[int]] = field(default_factory=dict)  # form -> [first doc, count]
    pairs: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    wanted: dict[str, int] = field(default_factory=dict)  # form -> first doc
    beside: dict[tuple[str, str | None, str | None], int] = field(default_factory=dict)
    unknown: dict[tuple[str, str], tuple[int, str | None]] = field(default_factory=dict)  # -> (doc, correction)

    def count(self, table: dict[Any, list[int]], key: Any, doc: int, times: int = 1) -> None:
        entry = table.get(key)
        if entry is None:
            table[key] = [doc, times]
        else:
            entry[1] += times

    def columns(self) -> dict[str, dict[str, list[Any]]]:
        return {
            "forms": {
                "doc": [d for d, _ in self.forms.values()],
                "form": list(self.forms),
                "count": [n for _, n in self.forms.values()],
            },
            "pairs": {
                "doc": [d for d, _ in self.pairs.values()],
                "first": [a for a, _ in self.pairs],
                "second": [b for _, b in self.pairs],
                "count": [n for _, n in self.pairs.values()],
            },
            "wanted": {"doc": list(self.wanted.values()), "key": list(self.wanted)},
            "beside": {
                "doc": list(self.beside.values()),
                "token": [t for t, _, _ in self.beside],
                "before_word": [b for _, b, _ in self.beside],
                "after_word": [a for _, _, a in self.beside],
            },
            "unknown": {
                "doc": [d for d, _ in self.unknown.values()],
                "form": [f for f, _ in self.unknown],
                "language": [lang for _, lang in self.unknown],
                "correction": [c for _, c in self.unknown.values()],
            },
        }


def aggregate(store: Any, *, corpus_protects: int, pair_min: int) -> None:
    """Totals per form and per pair over the input; each batch's counts of its wanted forms and
    its tokens' twins (one edit away past the first letter, written `corpus_protects` times or
    more, beside the same neighbour `pair_min` times or more); and unknown_words.parquet."""
    store.execute("CREATE TEMP TABLE form_totals AS SELECT form, sum(count)::BIGINT AS count FROM forms GROUP BY form")
    store.execute(f"""CREATE TEMP TABLE pair_totals AS
        SELECT first, second, sum(count)::BIGINT AS count FROM pairs GROUP BY first, second
        HAVING sum(count) >= {int(pair_min)}""")
    # A twin is one edit from the token (the worker checks the edit's kind: not the first letter).
    twins = """SELECT b._batch, b.token, b.before_word, b.after_word, p.{twin} AS twin, p.count AS pair_count,
                      t.count AS twin_count
                 FROM (SELECT DISTINCT _batch, token, before_word, after_word FROM beside
                        WHERE {side} IS NOT NULL) b
                 JOIN pair_totals p ON p.{neighbour} = b.{side} AND left(p.{twin}, 1) = left(b.token, 1)
                 JOIN form_totals t ON t.form = p.{twin}
                WHERE t.count >= {protects} AND abs(length(p.{twin}) - length(b.token)) <= 1
                  AND damerau_levenshtein(p.{twin}, b.token) = 1"""
    store.lookup(f"""
        SELECT w._batch, w.key, c.count, NULL::VARCHAR AS token, NULL::VARCHAR AS before_word,
               NULL::VARCHAR AS after_word, NULL::VARCHAR AS twin, NULL::BIGINT AS pair_count,
               NULL::BIGINT AS twin_count
          FROM (SELECT DISTINCT _batch, key FROM wanted) w JOIN form_totals c ON c.form = w.key
        UNION ALL
        SELECT _batch, NULL, NULL, token, before_word, after_word, twin, pair_count, twin_count FROM (
            {twins.format(twin="second", neighbour="first", side="before_word", protects=int(corpus_protects))}
            UNION ALL
            {twins.format(twin="first", neighbour="second", side="after_word", protects=int(corpus_protects))})""")
    # unknown_words.parquet: word, language, count, correction (null when the input writes the word
    # `corpus_protects` times or more, in lower case or capitalised); most frequent first.
    store.table(
        UNKNOWN_WORDS,
        f"""
        SELECT u.form AS word, u.language, t.count,
               CASE WHEN coalesce(lower_form.count, 0) + coalesce(capital_form.count, 0) >= {int(corpus_protects)}
                    THEN NULL ELSE u.correction END AS correction
          FROM (SELECT form, language, min(correction) AS correction FROM unknown GROUP BY form, language) u
          JOIN form_totals t ON t.form = u.form
          LEFT JOIN form_totals lower_form ON lower_form.form = lower(u.form)
          LEFT JOIN form_totals capital_form ON capital_form.form = upper(left(u.form, 1)) || lower(substr(u.form, 2))
         ORDER BY t.count DESC, word, u.language""",
    )


@dataclass
class Counts:
    """A batch's share of the first pass: the input's counts of the forms its documents ask about,
    and the twins of its capitalised tokens beside their neighbours."""

    forms: dict[str, int] = field(default_factory=dict)
    # token -> (word before or None, word after or None, twin, pair count, twin's count)
    twins: dict[str, list[tuple[str | None, str | None, str, int, int]]] = field(default_factory=dict)

    def count(self, form: str) -> int:
        return self.forms.get(form, 0)

    def twins_of(self, token: str) -> Iterable[tuple[str | None, str | None, str, int, int]]:
        return self.twins.get(token, ())


def batch_counts(lookups: dict[str, list[Any]]) -> Counts:
    counts = Counts()
    columns = ("key", "count", "token", "before_word", "after_word", "twin", "pair_count", "twin_count")
    for key, count, token, before, after, twin, pair_count, twin_count in zip(*(lookups.get(c, ()) for c in columns)):
        if key is not None:
            counts.forms[key] = count
        else:
            counts.twins.setdefault(token, []).append((before, after, twin, pair_count, twin_count))
    return counts

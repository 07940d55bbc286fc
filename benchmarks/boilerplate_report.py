"""The boilerplate benchmark's tables: P/R/F1 (or snippet scores) beside the article text each method loses.

"article words lost": gold words (tokens, as a multiset) missing from the output, over all pages.
"pages losing": pages where a gold sentence of 5 tokens or more that the page's visible text
holds (the keep-everything row) is missing from the output, even with its words run together
(inline elements spaced another way are no loss); for the stage's rows, "by the stage"
counts only the sentences its own input held, so a sentence the HTML mode never read is not
charged to the stage.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from benchmarks.boilerplate_sets import (
    TOKEN,
    Case,
    gold_sentences,
    prf,
    sentences_lost,
    snippet_counts,
    snippet_scores,
    tp_fp_fn,
    words_lost,
)


@dataclass(slots=True)
class Score:
    p: float
    r: float
    f1: float
    words_lost: int
    gold_words: int
    pages: int  # pages losing a sentence the visible text holds
    stage_pages: int | None = None  # pages losing a sentence the stage's input holds (stage rows only)


Target = Callable[[dict[str, Score]], str]


@dataclass(slots=True)
class Row:
    name: str
    outputs: list[str]
    docs_per_s: float | None = None
    note: str = ""
    before: list[str] | None = None  # the stage's input, on the rows that are the stage's output
    target: Target | None = None
    run: object | None = None  # the pipeline run, for the dump


def mark(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def targets(
    row_name: str,
    *,
    min_r: float | None = None,
    min_f1: float | None = None,
    not_below: str | None = None,
    max_pages: int | None = None,
) -> Target:
    """A mark for a row: its R and F1 against fixed floors or another row's F1, its pages losing text."""

    def check(scores: dict[str, Score]) -> str:
        score = next(v for k, v in scores.items() if k.startswith(row_name))
        parts = []
        if min_r is not None:
            parts.append(f"R>={min_r:.3f} {mark(score.r >= min_r)}")
        if min_f1 is not None:
            parts.append(f"F1>={min_f1:.3f} {mark(score.f1 >= min_f1)}")
        if not_below is not None:
            floor = scores[not_below].f1
            parts.append(f"F1>={floor:.3f} (keep everything) {mark(score.f1 >= floor)}")
        if max_pages is not None:
            parts.append(f"pages losing<{max_pages} {mark(score.pages < max_pages)}")
        return ", ".join(parts)

    return check


def _case_sentences(case: Case) -> list[str]:
    if case.snippets is not None:
        return [s for s in (" ".join(TOKEN.findall(w.lower())) for w in case.snippets["with"]) if s]
    return gold_sentences(case.gold or "")


def _case_gold(case: Case) -> str:
    return "\n".join(case.snippets["with"]) if case.snippets is not None else case.gold or ""


def _losses(cases: Sequence[Case], outputs: Sequence[str], reference: Sequence[str]) -> tuple[int, int, int]:
    """(gold words lost, gold words, pages losing a sentence of `reference`)."""
    lost = gold = pages = 0
    for case, out, ref in zip(cases, outputs, reference, strict=True):
        text = _case_gold(case)
        lost += words_lost(text, out)
        gold += len(TOKEN.findall(text))
        pages += bool(sentences_lost(_case_sentences(case), ref, out))
    return lost, gold, pages


def _score(cases: Sequence[Case], row: Row, reference: Sequence[str], quality: tuple[float, float, float]) -> Score:
    lost, gold, pages = _losses(cases, row.outputs, reference)
    stage_pages = _losses(cases, row.outputs, row.before)[2] if row.before is not None else None
    return Score(*quality, lost, gold, pages, stage_pages)


def _line(row: Row, score: Score, figures: str, scores: dict[str, Score]) -> str:
    empty = sum(not out.strip() for out in row.outputs)
    speed = f"{row.docs_per_s:8.0f}" if row.docs_per_s else " " * 8
    lost = f"{score.words_lost:6d} {score.words_lost / max(score.gold_words, 1):6.2%}"
    pages = f"{score.pages:4d}" + (f" ({score.stage_pages:3d})" if score.stage_pages is not None else " " * 6)
    check = row.target(scores) if row.target else ""
    return f"  {row.name:<46} {figures} {lost} {pages} {empty:5d} {speed}  {check}{row.note}"


_LOSS_HEADER = f"{'words lost':>13} {'pages':>10} {'empty':>5} {'docs/s':>8}"


def report_gold(
    title: str, cases: Sequence[Case], rows: Sequence[Row], reference: Sequence[str]
) -> dict[str, list[tuple[float, float, float]]]:
    """Print P/R/F1 (Zyte's metric) and the article text lost of each row; returns the per-page counts."""
    per_row = {
        row.name: [tp_fp_fn(c.gold or "", out) for c, out in zip(cases, row.outputs, strict=True)] for row in rows
    }
    scores = {row.name: _score(cases, row, reference, prf(per_row[row.name])) for row in rows}
    print(f"\n{title}")
    print(f"  {'':<46} {'P':>6} {'R':>6} {'F1':>6} {_LOSS_HEADER}  target")
    for row in rows:
        s = scores[row.name]
        print(_line(row, s, f"{s.p:6.3f} {s.r:6.3f} {s.f1:6.3f}", scores))
    _legend(cases, scores)
    return per_row


def report_snippets(title: str, cases: Sequence[Case], rows: Sequence[Row], reference: Sequence[str]) -> None:
    """Print snippet P/R/accuracy/F1 (trafilatura's eval) and the main-text snippets lost of each row."""
    scores = {}
    for row in rows:
        p, r, acc, f1 = snippet_scores([snippet_counts(c.snippets or {}, out) for c, out in zip(cases, row.outputs)])
        scores[row.name] = (_score(cases, row, reference, (p, r, f1)), acc)
    plain = {name: score for name, (score, _) in scores.items()}
    print(f"\n{title}")
    print(f"  {'':<46} {'P':>6} {'R':>6} {'acc':>6} {'F1':>6} {_LOSS_HEADER}")
    for row in rows:
        s, acc = scores[row.name]
        print(_line(row, s, f"{s.p:6.3f} {s.r:6.3f} {acc:6.3f} {s.f1:6.3f}", plain))
    _legend(cases, plain)


def _legend(cases: Sequence[Case], scores: dict[str, Score]) -> None:
    gold = next(iter(scores.values())).gold_words if scores else 0
    print(
        f"  words lost: of the gold's {gold:,} words; pages: of {len(cases)}, losing a gold sentence the visible "
        "text holds (in brackets: one the stage's input holds)"
    )

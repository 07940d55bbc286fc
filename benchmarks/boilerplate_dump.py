"""The boilerplate benchmark's error dump: for the worst pages, what the stage removed that was
article text and what it kept that was not, with the rule ids, for tuning the stage."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.boilerplate_sets import TOKEN, Case, norm, page_f1, shingles

if TYPE_CHECKING:
    from benchmarks.bench_boilerplate import Run


def _gold_like(line: str, gold_shingles: set[tuple[str, ...]], gold_lines: set[str]) -> bool | None:
    """Is a line article text? Half its 4-grams in the gold; a line under 4 tokens: a whole gold line.

    (Short lines such as "MacBook Pro" are menu entries far more often than headings, and
    their words are in almost any article of the site.) None for a line without a word.
    """
    tokens = TOKEN.findall(line)
    if not tokens:
        return None
    if len(tokens) < 4:
        return " ".join(tokens) in gold_lines
    shingles = [tuple(tokens[i : i + 4]) for i in range(len(tokens) - 3)]
    return sum(s in gold_shingles for s in shingles) >= 0.5 * len(shingles)


def _file_name(rank: int, key: str) -> str:
    return f"{rank:03d}_{re.sub(r'[^A-Za-z0-9._-]+', '_', key)[:80]}.txt"


def dump_gold(
    folder: Path,
    cases: Sequence[Case],
    run: Run,
    counts: Sequence[tuple[float, float, float]],
    kept_counts: Sequence[tuple[float, float, float]],
    worst: int,
) -> None:
    """For the `worst` pages by F1: the gold lines the stage removed and the kept lines that are not gold.

    `counts` are the pages' TP/FP/FN after the stage, `kept_counts` before it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    order = sorted(range(len(cases)), key=lambda i: (page_f1(counts[i]), cases[i].key))[:worst]
    index = ["rank\tF1\tP\tR\tF1 before stage\tremoved gold lines\tkept non-gold lines\tkey\turl"]
    for rank, i in enumerate(order, 1):
        case = cases[i]
        gold = case.gold or ""
        gold_shingles = set(shingles(gold))
        gold_sequence = {" ".join(TOKEN.findall(line)) for line in gold.split("\n")}
        removed = run.removed.get(case.key, [])
        lost = [(rule, line) for rule, line in removed if _gold_like(line, gold_shingles, gold_sequence)]
        right = sum(1 for _, line in removed if _gold_like(line, gold_shingles, gold_sequence) is False)
        after = run.after[case.key]
        chrome = [line for line in after.split("\n") if _gold_like(line, gold_shingles, gold_sequence) is False]
        tp, fp, fn = counts[i]
        p, r = (tp / (tp + fp) if tp + fp else 0.0), (tp / (tp + fn) if tp + fn else 0.0)
        dropped = "  (the document was dropped)" if not after and run.before[case.key] else ""
        lines = [
            f"{case.key}  {case.url or ''}",
            f"page F1 {page_f1(counts[i]):.3f}  P {p:.3f}  R {r:.3f}   "
            f"before the stage: F1 {page_f1(kept_counts[i]):.3f}{dropped}",
            f"removed {len(removed)} lines: {len(lost)} gold, {right} not gold; "
            f"kept {len(chrome)} lines that are not gold",
            "",
            f"== REMOVED BUT GOLD ({len(lost)})  [rule] line",
            *(f"[{rule}] {line}" for rule, line in lost),
            "",
            f"== KEPT BUT NOT GOLD ({len(chrome)})",
            *chrome,
            "",
            "== GOLD (the first 3,000 characters)",
            gold[:3000],
        ]
        name = _file_name(rank, case.key)
        (folder / name).write_text("\n".join(lines) + "\n", "utf-8")
        index.append(
            f"{rank}\t{page_f1(counts[i]):.3f}\t{p:.3f}\t{r:.3f}\t{page_f1(kept_counts[i]):.3f}\t"
            f"{len(lost)}\t{len(chrome)}\t{case.key}\t{case.url or ''}"
        )
    (folder / "index.tsv").write_text("\n".join(index) + "\n", "utf-8")


def dump_snippets(folder: Path, cases: Sequence[Case], run: Run, worst: int) -> None:
    """Pages with errors: main-text snippets missing (and the removed line holding each) and chrome kept."""
    folder.mkdir(parents=True, exist_ok=True)
    scored = []
    for case in cases:
        out = run.after[case.key]
        item = case.snippets or {}
        missing = [s for s in item["with"] if norm(s) not in norm(out)]
        kept = [s for s in item["without"] if norm(s) in norm(out)]
        scored.append((len(missing) * 2 + len(kept), case, missing, kept))  # a lost sentence costs more
    scored.sort(key=lambda x: (-x[0], x[1].key))
    index = ["rank\tmissing with\tkept without\tkey"]
    for rank, (_, case, missing, kept) in enumerate([x for x in scored if x[0]][:worst], 1):
        removed = run.removed.get(case.key, [])
        before = norm(run.before[case.key])
        lines = [case.key, f"missing 'with' {len(missing)}, kept 'without' {len(kept)}", "", "== MISSING MAIN TEXT"]
        for snippet in missing:
            where = [f"[{rule}] {line}" for rule, line in removed if norm(snippet)[:40] in norm(line)]
            origin = (
                "removed by the stage"
                if where
                else "in the input, not found after"
                if norm(snippet) in before
                else "not in the input"
            )
            lines += [f"- {snippet}", f"    ({origin})", *(f"    {w}" for w in where)]
        lines += ["", "== BOILERPLATE KEPT"]
        after_lines = run.after[case.key].split("\n")
        for snippet in kept:
            lines += [
                f"- {snippet}",
                *[f"    on line: {line}" for line in after_lines if norm(snippet)[:40] in norm(line)][:2],
            ]
        (folder / _file_name(rank, case.key)).write_text("\n".join(lines) + "\n", "utf-8")
        index.append(f"{rank}\t{len(missing)}\t{len(kept)}\t{case.key}")
    (folder / "index.tsv").write_text("\n".join(index) + "\n", "utf-8")
